/** Entry of the engine in a Node worker_threads worker (CLI, browser mode, tests). */
import { parentPort, workerData } from 'node:worker_threads';
import { setEngineLimits, type EngineLimits } from '../limits.ts';
import { serveEngine } from './engine-host.ts';

if (parentPort) {
  const p = parentPort;
  // Limits and the temp folder from startEngineWorker (node-worker.ts).
  const limits = (workerData as { limits?: Partial<EngineLimits> } | null)?.limits;
  if (limits) setEngineLimits(limits);
  serveEngine({
    postMessage: (m, transfer) => p.postMessage(m, transfer ?? []),
    onMessage: (h) => p.on('message', h),
    close: () => p.close(),
  });
}
