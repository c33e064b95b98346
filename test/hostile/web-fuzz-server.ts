/**
 * Browser-mode server for the fuzz test, in its own process so that a crash shows as an exit.
 * `node --import tsx test/hostile/web-fuzz-server.ts [real]`: without `real`, each connection
 * gets an engine double that answers every request with null (thousands of connections, no
 * workers); with it, the real engine workers.
 */
import { startWebServer, type EngineHandle } from '../../electron/web/server.ts';
import type { Port, RequestMessage } from '../../shared/rpc.ts';

const real = process.argv[2] === 'real';
const double = (): EngineHandle => {
  let h: (m: unknown) => void = () => {};
  const port: Port = {
    postMessage: (m) => queueMicrotask(() => h({ kind: 'response', id: (m as RequestMessage).id, ok: true, result: null })),
    onMessage: (f) => (h = f),
    close: () => {},
  };
  return { port };
};
const s = await startWebServer({ port: 0, log: () => {}, ...(real ? {} : { startEngine: double }) });
process.on('uncaughtException', (e) => {
  // Reported, then the test sees the exit: the point is that this never happens.
  console.error(`UNCAUGHT ${e.stack ?? e.message}`);
  process.exit(99);
});
process.on('SIGTERM', () => void s.close().then(() => process.exit(0)));
console.log(`URL ${s.url} TEMP ${s.tempDir}`);
