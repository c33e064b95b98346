/**
 * One engine in a worker_threads worker for browser mode. Under `node --import tsx` on Node 20 a
 * worker does not inherit the tsx loader, and `execArgv: ['--import', 'tsx']` still fails with
 * ERR_UNKNOWN_FILE_EXTENSION; so a TypeScript entry is started through a tiny bootstrap that
 * registers tsx's ESM hooks inside the worker first. A built `.js` entry is started directly.
 * Worker errors never escape as an uncaught 'error' event: they become an engine `error` event.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineMessage, Port } from '../../shared/rpc.ts';

export interface EngineHandle {
  port: Port;
  /** Resolves with the exit code when the worker ends (crash or terminate). */
  exited: Promise<number>;
}

export function startEngineWorkerForWeb(): EngineHandle {
  const ts = new URL('../engine/host/worker-entry.ts', import.meta.url);
  const js = new URL('../engine/host/worker-entry.js', import.meta.url);
  const worker = existsSync(fileURLToPath(js))
    ? new Worker(js)
    : new Worker(
        `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); })` +
          `.catch((e) => { require('node:worker_threads').parentPort.postMessage({ kind: 'event', type: 'error', message: 'engine failed to load: ' + (e && e.message || e) }); process.exit(70); });`,
        { eval: true },
      );
  let handler: ((m: unknown) => void) | null = null;
  worker.on('message', (m: unknown) => handler?.(m));
  worker.on('error', (e: Error) => {
    const ev: EngineMessage = { kind: 'event', type: 'error', message: `engine error: ${e.message}` };
    handler?.(ev);
  });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  return {
    port: {
      postMessage: (m, transfer) => worker.postMessage(m, transfer ?? []),
      onMessage: (h) => {
        handler = h;
      },
      close: () => void worker.terminate(),
    },
    exited,
  };
}
