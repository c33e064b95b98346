/**
 * Start an engine in a worker_threads worker and get a Port to it (CLI, browser mode, tests).
 *
 * The engine is TypeScript run from source. Compiling its module graph inside each new worker
 * through tsx costs about a second; instead the worker entry is bundled once per process with
 * esbuild (≈ 0.2 s) into one ES module in the temp folder, named by its content hash, which a
 * worker loads in ≈ 0.15 s. Should bundling fail, a two-line bootstrap registers tsx's hooks
 * inside the worker (on Node 20 `--import tsx` in execArgv is not applied to workers).
 * Worker failures never escape as an uncaught 'error' event: they become engine `error` events.
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { EngineEvent, Port } from '../../../shared/rpc.ts';
import { createEngineTempDir, removeEngineTempDir } from '../io/temp-dir.ts';
import { DEFAULT_LIMITS, engineDeathMessage, limitsFromEnv, type EngineLimits } from '../limits.ts';

export interface EngineWorker {
  port: Port;
  /** Resolves with the exit code when the worker ends (crash or terminate). */
  exited: Promise<number>;
  /**
   * Resolves when the worker ends without terminate() having been called (crash, out of memory,
   * exit): what to tell the user. Never resolves after terminate().
   */
  died: Promise<string>;
  /** The limits the engine runs with. */
  limits: EngineLimits;
  terminate(): Promise<void>;
}

const entryTs = new URL('./worker-entry.ts', import.meta.url);
const entryJs = new URL('./worker-entry.js', import.meta.url);

let bundle: Promise<string | null> | undefined;

/** Path of the bundled engine worker, or null when it cannot be built here. */
function engineBundle(): Promise<string | null> {
  bundle ??= (async () => {
    try {
      const { build } = await import('esbuild');
      const out = await build({
        entryPoints: [fileURLToPath(entryTs)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        logLevel: 'silent',
        // Bundled CommonJS dependencies call require(); an ES module has none of its own.
        banner: { js: "import { createRequire as __tracelensRequire } from 'node:module'; const require = __tracelensRequire(import.meta.url);" },
      });
      const code = out.outputFiles[0].contents;
      const path = join(tmpdir(), `tracelens-engine-${createHash('sha1').update(code).digest('hex').slice(0, 16)}.mjs`);
      if (!existsSync(path)) {
        // Write then rename: another process starting an engine at the same moment must never
        // load a half-written file (rename is atomic within a folder).
        const part = `${path}.${process.pid}.${Date.now()}.part`;
        writeFileSync(part, code);
        renameSync(part, path);
      }
      return path;
    } catch {
      return null;
    }
  })();
  return bundle;
}

function tsxBootstrap(options: WorkerOptions): Worker {
  return new Worker(
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(entryTs.href)}); })` +
      `.catch((e) => { require('node:worker_threads').parentPort.postMessage({ kind: 'event', type: 'error', message: 'engine failed to load: ' + ((e && e.message) || e) }); process.exit(70); });`,
    { ...options, eval: true },
  );
}

/** Start an engine with the limits of the environment (TRACELENS_MAX_MEMORY / TRACELENS_MAX_TEMP). */
export function startEngineWorker(): Promise<EngineWorker> {
  return startEngineWorkerWith({});
}

/**
 * Start an engine with `given` limits over the environment's (the CLI's --max-memory, tests).
 * Its temp folder is made here and removed when the worker exits, however it exits.
 */
export async function startEngineWorkerWith(given: Partial<EngineLimits>): Promise<EngineWorker> {
  const limits: EngineLimits = { ...DEFAULT_LIMITS, ...limitsFromEnv(process.env), ...given };
  limits.tempDir = createEngineTempDir();
  const options: WorkerOptions = { workerData: { limits }, resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb } };
  let worker: Worker;
  try {
    if (existsSync(fileURLToPath(entryJs))) worker = new Worker(entryJs, options);
    else {
      const bundled = await engineBundle();
      worker = bundled ? new Worker(bundled, options) : tsxBootstrap(options);
    }
  } catch (e) {
    removeEngineTempDir(limits.tempDir);
    throw e;
  }
  let handler: ((m: unknown) => void) | null = null;
  worker.on('message', (m: unknown) => handler?.(m));
  let failure: Error | undefined;
  let terminating = false;
  worker.on('error', (e: Error) => {
    failure = e;
    const ev: EngineEvent = { kind: 'event', type: 'error', message: engineDeathMessage({ error: e, maxMemoryMb: limits.maxMemoryMb }) };
    handler?.(ev);
  });
  let resolveDied: (m: string) => void = () => {};
  const died = new Promise<string>((r) => (resolveDied = r));
  const exited = new Promise<number>((resolve) =>
    worker.once('exit', (code) => {
      removeEngineTempDir(limits.tempDir as string);
      if (!terminating) resolveDied(engineDeathMessage({ error: failure, code, maxMemoryMb: limits.maxMemoryMb }));
      resolve(failure ? code || 1 : code);
    }),
  );
  const terminate = async (): Promise<void> => {
    terminating = true;
    await worker.terminate();
  };
  return {
    port: {
      postMessage: (m, transfer) => worker.postMessage(m, transfer ?? []),
      onMessage: (h) => {
        handler = h;
      },
      close: () => void terminate(),
    },
    exited,
    died,
    limits,
    terminate,
  };
}
