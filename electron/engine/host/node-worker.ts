/**
 * Start an engine in a worker_threads worker and get a Port to it (CLI, browser mode, tests).
 * Under tsx and vitest the entry is TypeScript: on Node 20 a worker does not inherit the tsx
 * loader and `--import tsx` in execArgv is not applied to workers, so a two-line bootstrap
 * registers tsx's hooks inside the worker first. A built `.js` entry is started directly.
 * Worker failures never escape as an uncaught 'error' event: they become engine `error` events.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineEvent, Port } from '../../../shared/rpc.ts';

export interface EngineWorker {
  port: Port;
  /** Resolves with the exit code when the worker ends (crash or terminate). */
  exited: Promise<number>;
  terminate(): Promise<void>;
}

export function startEngineWorker(): EngineWorker {
  const ts = new URL('./worker-entry.ts', import.meta.url);
  const js = new URL('./worker-entry.js', import.meta.url);
  const worker = existsSync(fileURLToPath(js))
    ? new Worker(js)
    : new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); })` +
          `.catch((e) => { require('node:worker_threads').parentPort.postMessage({ kind: 'event', type: 'error', message: 'engine failed to load: ' + ((e && e.message) || e) }); process.exit(70); });`,
        { eval: true },
      );
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
