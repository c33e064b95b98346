/**
 * Start an engine in a worker_threads worker and get a Port to it. Under tsx (CLI, browser
 * mode) and vitest the entry is TypeScript, so the worker is started with the tsx loader.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Port } from '../../../shared/rpc.ts';

export interface EngineWorker {
  port: Port;
  /** Resolves with the exit code when the worker ends (crash or terminate). */
  exited: Promise<number>;
  terminate(): Promise<void>;
}

export function startEngineWorker(): EngineWorker {
  const ts = new URL('./worker-entry.ts', import.meta.url);
  const js = new URL('./worker-entry.js', import.meta.url);
  const entry = existsSync(fileURLToPath(js)) ? js : ts;
  // A TypeScript entry needs tsx's loader registered inside the worker itself: `--import tsx`
  // in execArgv is not applied to workers on Node 20, so a two-line bootstrap registers it.
  const worker =
    entry === ts
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`,
          { eval: true },
        )
      : new Worker(entry);
  let failure: Error | undefined;
  worker.on('error', (e) => {
    failure = e;
  });
  const exited = new Promise<number>((resolve) => worker.once('exit', (code) => resolve(failure ? code || 1 : code)));
  return {
    port: {
      postMessage: (m, transfer) => worker.postMessage(m, transfer ?? []),
      onMessage: (h) => worker.on('message', h),
      close: () => void worker.terminate(),
    },
    exited,
    terminate: async () => {
      await worker.terminate();
    },
  };
}
