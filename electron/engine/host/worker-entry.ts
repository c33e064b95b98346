/** Entry of the engine in a Node worker_threads worker (CLI, browser mode, tests). */
import { parentPort, workerData } from 'node:worker_threads';
import { serveEngine, type EngineHostOptions } from './engine-host.ts';

if (parentPort) {
  const p = parentPort;
  serveEngine({
    postMessage: (m, transfer) => p.postMessage(m, transfer ?? []),
    onMessage: (h) => p.on('message', h),
    close: () => p.close(),
  }, (workerData as { engine?: EngineHostOptions } | null)?.engine ?? {});
}
