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
import { Worker } from 'node:worker_threads';
import type { EngineEvent, Port } from '../../../shared/rpc.ts';

export interface EngineWorker {
  port: Port;
  /** Resolves with the exit code when the worker ends (crash or terminate). */
  exited: Promise<number>;
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

function tsxBootstrap(): Worker {
  return new Worker(
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(entryTs.href)}); })` +
      `.catch((e) => { require('node:worker_threads').parentPort.postMessage({ kind: 'event', type: 'error', message: 'engine failed to load: ' + ((e && e.message) || e) }); process.exit(70); });`,
    { eval: true },
  );
}

export async function startEngineWorker(): Promise<EngineWorker> {
  let worker: Worker;
  if (existsSync(fileURLToPath(entryJs))) worker = new Worker(entryJs);
  else {
    const bundled = await engineBundle();
    worker = bundled ? new Worker(bundled) : tsxBootstrap();
  }
  let handler: ((m: unknown) => void) | null = null;
  worker.on('message', (m: unknown) => handler?.(m));
  let failed = false;
  worker.on('error', (e: Error) => {
    failed = true;
    const ev: EngineEvent = { kind: 'event', type: 'error', message: `engine error: ${e.message}` };
    handler?.(ev);
  });
  const exited = new Promise<number>((resolve) => worker.once('exit', (code) => resolve(failed ? code || 1 : code)));
  return {
    port: {
      postMessage: (m, transfer) => worker.postMessage(m, transfer ?? []),
      onMessage: (h) => {
        handler = h;
      },
      close: () => void worker.terminate(),
    },
    exited,
    terminate: async () => {
      await worker.terminate();
    },
  };
}
