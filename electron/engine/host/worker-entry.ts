/** Entry of the engine in a Node worker_threads worker (CLI, browser mode, tests). */
import { parentPort, workerData } from 'node:worker_threads';
import { setEngineLimits, type EngineLimits } from '../limits.ts';
import { serveEngine, type EngineHostOptions } from './engine-host.ts';

if (parentPort) {
  const p = parentPort;
  const data = workerData as { limits?: Partial<EngineLimits>; engine?: EngineHostOptions } | null;
  // Limits and the temp folder from startEngineWorker (node-worker.ts).
  if (data?.limits) setEngineLimits(data.limits);
  serveEngine({
    postMessage: (m, transfer) => p.postMessage(m, transfer ?? []),
    onMessage: (h) => p.on('message', h),
    close: () => p.close(),
  }, data?.engine ?? {});
}
