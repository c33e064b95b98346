/**
 * Start an engine in a worker_threads worker and get a Port to it (CLI, browser mode, tests).
 *
 * The engine is TypeScript. A worker runs it as one bundled CommonJS script, evaluated from
 * memory (bytes this process holds), never from a path another user could write between a check
 * and the load. The built `tracelens` command (scripts/build-cli.mjs)
 * loads only the engine-worker.cjs shipped beside it, checked against the SHA-256 built into it
 * (a CommonJS bundle, run as a script from memory: see EngineSource).
 * In a checkout the bytes come from, in order:
 *   1. the bundle `npm run build` writes to out/engine-worker/ (scripts/build-engine-worker.ts),
 *      used only when out/ and out/engine-worker/ are real directories owned by this user and
 *      writable by nobody else, the files are regular files (opened with O_NOFOLLOW) likewise,
 *      the bundle's SHA-256 matches its manifest, and every source file it was built from still
 *      has the SHA-256 the manifest lists (else it is stale and ignored);
 *   2. a bundle esbuild builds in memory from the sources (≈ 0.2–0.5 s, a fresh clone after
 *      `npm ci`);
 *   3. should esbuild fail, a bootstrap that registers tsx inside the worker and imports the source
 *      (on Node 20 `--import tsx` in execArgv is not applied to workers).
 * Nothing is read from or written to the temp folder (older versions loaded
 * tmpdir()/tracelens-engine-<hash>.mjs when it existed, whoever had put it there).
 * Worker failures never escape as an uncaught 'error' event: they become engine `error` events.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { EngineEvent, Port } from '../../../shared/rpc.ts';
import { createEngineTempDir, removeEngineTempDir } from '../io/temp-dir.ts';
import { DEFAULT_LIMITS, engineDeathMessage, limitsFromEnv, type EngineLimits } from '../limits.ts';
import { BUILT_COMMAND, type BuiltCommand } from './build-info.ts';
import type { EngineHostOptions } from './host-options.ts';

export { MAX_UPLOAD_BYTES, type EngineHostOptions } from './host-options.ts';

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
/** The checkout this file belongs to: source paths in the manifest are relative to it. */
export const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
/** Where `npm run build` puts the engine worker bundle. */
export const PREBUILT_DIR = resolve(projectRoot, 'out/engine-worker');
export const BUNDLE_FILE = 'worker.cjs';
export const MANIFEST_FILE = 'manifest.json';

export interface EngineBundle {
  code: Uint8Array;
  /** Source files the bundle was built from (relative to projectRoot) → SHA-256 of their content. */
  inputs: Record<string, string>;
}

export interface BundleManifest {
  /** 2: a CommonJS script (1 was an ES module; such a manifest is refused and the bundle rebuilt). */
  version: 2;
  sha256: string;
  inputs: Record<string, string>;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * Bundle the worker entry with esbuild into one CommonJS script, in memory (as the built command's
 * engine-worker.cjs). An ES module from a data: URL cost ~300 ms of the worker's start on ka-10m's
 * first open: each of the bundle's `node:` imports is resolved against the 2 MB URL, parsed again.
 */
export async function bundleEngine(): Promise<EngineBundle> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [fileURLToPath(entryTs)],
    absWorkingDir: projectRoot,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs: Record<string, string> = {};
  for (const rel of Object.keys(out.metafile.inputs).sort()) {
    const abs = resolve(projectRoot, rel);
    inputs[relative(projectRoot, abs)] = sha256(readFileSync(abs));
  }
  return { code: out.outputFiles[0].contents, inputs };
}

/** Manifest of a bundle: its hash and its inputs' hashes. */
export function bundleManifest(b: EngineBundle): BundleManifest {
  return { version: 2, sha256: sha256(b.code), inputs: b.inputs };
}

/**
 * Why `st` (of `what`) cannot be trusted to hold code only this user wrote, or null if it can:
 * a symbolic link, another owner, or writable by group or others.
 */
export function untrusted(st: Stats, what: string, kind: 'file' | 'dir', uid: number | undefined): string | null {
  if (st.isSymbolicLink()) return `${what} is a symbolic link`;
  if (kind === 'file' ? !st.isFile() : !st.isDirectory()) return `${what} is not a ${kind === 'file' ? 'regular file' : 'directory'}`;
  if (uid !== undefined && st.uid !== uid) return `${what} is owned by uid ${st.uid}, not ${uid}`;
  if ((st.mode & 0o022) !== 0) return `${what} is writable by group or others (mode ${(st.mode & 0o777).toString(8)})`;
  return null;
}

/** Read a regular file without following a symbolic link, checking the opened file itself. */
function readTrusted(path: string, uid: number | undefined): Uint8Array | string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    return `${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  try {
    const why = untrusted(fstatSync(fd), path, 'file', uid);
    return why ?? readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The prebuilt bundle in `dir` if every check passes (see the header), else the reason it is
 * not used. `uid` is the owner required (default: this process's user; undefined on Windows).
 */
export function readPrebuiltEngine(dir = PREBUILT_DIR, uid: number | undefined = process.getuid?.()): { code: Uint8Array } | { refused: string } {
  for (const d of [dirname(dir), dir]) {
    let st: Stats;
    try {
      st = lstatSync(d);
    } catch {
      return { refused: `${d} does not exist` };
    }
    const why = untrusted(st, d, 'dir', uid);
    if (why) return { refused: why };
  }
  const manifestBytes = readTrusted(resolve(dir, MANIFEST_FILE), uid);
  if (typeof manifestBytes === 'string') return { refused: manifestBytes };
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(Buffer.from(manifestBytes).toString('utf8')) as BundleManifest;
  } catch {
    return { refused: 'the manifest is not JSON' };
  }
  if (manifest?.version !== 2 || typeof manifest.sha256 !== 'string' || typeof manifest.inputs !== 'object' || manifest.inputs === null) return { refused: 'the manifest has an unknown shape' };
  const code = readTrusted(resolve(dir, BUNDLE_FILE), uid);
  if (typeof code === 'string') return { refused: code };
  if (sha256(code) !== manifest.sha256) return { refused: 'the bundle does not match the SHA-256 in its manifest' };
  const inputs = Object.entries(manifest.inputs);
  if (inputs.length === 0) return { refused: 'the manifest lists no sources' };
  for (const [rel, hash] of inputs) {
    let now: string;
    try {
      now = sha256(readFileSync(resolve(projectRoot, rel)));
    } catch {
      return { refused: `stale: ${rel} is gone` };
    }
    if (now !== hash) return { refused: `stale: ${rel} changed since the build` };
  }
  return { code };
}

/** The engine as a script from memory, so the worker runs exactly the bytes checked or built here. */
const script = (code: Uint8Array): EngineSource => ({ script: Buffer.from(code).toString('utf8') });

const loaded = new Map<string, Promise<EngineSource | null>>();
let inMemory: Promise<EngineSource | null> | undefined;

/**
 * The worker shipped next to the built `tracelens` command, if its bytes are the ones the command
 * was built with; else why not. Who can change that file can change the command itself, so the
 * hash is the whole check. With it the code cache made at build time, when there is one and its
 * bytes are the ones the command was built with (a missing or other cache only costs the compile).
 */
export function builtEngine(built: BuiltCommand, here = import.meta.url): { code: Uint8Array; cache?: Uint8Array } | { refused: string } {
  const path = fileURLToPath(new URL(built.engineFile, here));
  let code: Uint8Array;
  try {
    code = readFileSync(path);
  } catch (e) {
    return { refused: `${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  if (sha256(code) !== built.engineSha256) return { refused: `${path} is not the engine this command was built with (SHA-256 differs): build it again (npm run build:cli)` };
  const cache = built.engineCacheFile === '' ? undefined : readCodeCache(fileURLToPath(new URL(built.engineCacheFile, here)), built.engineCacheSha256);
  return cache ? { code, cache } : { code };
}

/** The code cache at `path` if its SHA-256 is `sha`, else undefined. */
function readCodeCache(path: string, sha: string): Uint8Array | undefined {
  try {
    const b = readFileSync(path);
    return sha256(b) === sha ? b : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The engine as the worker gets it: a CommonJS bundle as a script evaluated from memory, exactly
 * the bytes checked or built here, and the V8 code cache made for those bytes at build time, if
 * any. An ES module from a data: URL started slower (base64 of 1.5 MB, and each import resolved
 * against that URL).
 */
export type EngineSource = { script: string; cache?: Uint8Array };

/** The engine to run (see the header), or null when only the tsx bootstrap is left. */
export function engineModule(prebuiltDir = PREBUILT_DIR): Promise<EngineSource | null> {
  if (BUILT_COMMAND) {
    const b = builtEngine(BUILT_COMMAND);
    // No fallback: the built command has no sources or esbuild to make another engine from.
    return 'code' in b ? Promise.resolve({ script: Buffer.from(b.code).toString('utf8'), ...(b.cache ? { cache: b.cache } : {}) }) : Promise.reject(new Error(b.refused));
  }
  let p = loaded.get(prebuiltDir);
  if (!p) {
    const pre = readPrebuiltEngine(prebuiltDir);
    p = 'code' in pre ? Promise.resolve(script(pre.code)) : (inMemory ??= bundleEngine().then((b) => script(b.code), () => null));
    loaded.set(prebuiltDir, p);
  }
  return p;
}

/** The file name the engine's stack traces show. */
export const ENGINE_SCRIPT_NAME = 'tracelens-engine.cjs';

/**
 * The worker's first script (`eval: true`): it runs the engine script from workerData as the
 * worker's eval would (a script in the worker's global scope, with the eval's `require`), but
 * compiled with its code cache: V8 then deserializes the bytecode of the functions the build's
 * run compiled instead of parsing and compiling 1.5 MB (~0.1 CPU s of each command's start on a
 * loaded 2-core machine). A cache V8 rejects (another Node, other flags) is compiled as before.
 * The bundle's source and cache are dropped from workerData once compiled.
 */
const CACHED_BOOTSTRAP = `{
  const w = require('node:worker_threads').workerData;
  const vm = require('node:vm');
  const source = w.engineScript;
  const cachedData = w.engineCache;
  delete w.engineScript;
  delete w.engineCache;
  new vm.Script(source, { filename: ${JSON.stringify(ENGINE_SCRIPT_NAME)}, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }).runInThisContext();
}`;

/** Start the worker on an engine script (see CACHED_BOOTSTRAP). */
function scriptWorker(src: EngineSource, options: WorkerOptions): Worker {
  const workerData = { ...(options.workerData as object), engineScript: src.script, ...(src.cache ? { engineCache: src.cache } : {}) };
  return new Worker(CACHED_BOOTSTRAP, { ...options, workerData, eval: true, execArgv: [] });
}

function tsxBootstrap(options: WorkerOptions): Worker {
  return new Worker(
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(entryTs.href)}); })` +
      `.catch((e) => { require('node:worker_threads').parentPort.postMessage({ kind: 'event', type: 'error', message: 'engine failed to load: ' + ((e && e.message) || e) }); process.exit(70); });`,
    { ...options, eval: true },
  );
}

/** The id of the stopCapture request a closing host sends (the engine client's ids are positive). */
const STOP_CAPTURE_ID = -1;

export interface StartEngineOptions {
  /** Passed to serveEngine in the worker (browser mode: path confinement, upload folder and limit). */
  engine?: EngineHostOptions;
  /** Where to look for the prebuilt bundle (tests). */
  prebuiltDir?: string;
  /** Limits over the environment's (TRACELENS_MAX_MEMORY / TRACELENS_MAX_TEMP; the CLI's --max-memory, tests). */
  limits?: Partial<EngineLimits>;
}

/** Start an engine with `given` limits over the environment's (the CLI's --max-memory, tests). */
export function startEngineWorkerWith(given: Partial<EngineLimits>): Promise<EngineWorker> {
  return startEngineWorker({ limits: given });
}

/**
 * Start an engine. Its temp folder is made here and removed when the worker exits, however it
 * exits; the worker's heap is capped at the memory limit.
 */
export async function startEngineWorker(opts: StartEngineOptions = {}): Promise<EngineWorker> {
  const limits: EngineLimits = { ...DEFAULT_LIMITS, ...limitsFromEnv(process.env), ...opts.limits };
  limits.tempDir = createEngineTempDir();
  const options: WorkerOptions = { workerData: { engine: opts.engine ?? {}, limits }, resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb } };
  let worker: Worker;
  try {
    const src = await engineModule(opts.prebuiltDir);
    // The bundle needs no loader: a worker given this process's `--import tsx` would load tsx first (~40 ms).
    worker = src === null ? tsxBootstrap(options) : scriptWorker(src, options);
  } catch (e) {
    removeEngineTempDir(limits.tempDir);
    throw e;
  }
  let handler: ((m: unknown) => void) | null = null;
  // A live capture's programs run in process groups of their own, which terminating the worker
  // would leave running: while one runs, closing asks the engine to stop it first.
  let capturing = false;
  let stopped: (() => void) | null = null;
  worker.on('message', (m: unknown) => {
    const e = m as { kind?: unknown; type?: unknown; id?: unknown; status?: { state?: unknown } } | null;
    if (e?.kind === 'event' && e.type === 'capture') capturing = e.status?.state !== 'ended';
    if (e?.kind === 'response' && e.id === STOP_CAPTURE_ID) return stopped?.();
    handler?.(m);
  });
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
  let ending: Promise<void> | null = null;
  const terminate = (): Promise<void> => (ending ??= (async () => {
    terminating = true;
    if (capturing) {
      await new Promise<void>((resolve) => {
        stopped = resolve;
        setTimeout(resolve, 5000).unref();
        worker.postMessage({ kind: 'request', id: STOP_CAPTURE_ID, method: 'stopCapture', params: null });
      });
    }
    await worker.terminate();
  })());
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
