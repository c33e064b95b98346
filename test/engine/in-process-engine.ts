/** An engine in this process behind a pair of in-memory ports (asynchronous, like a real port). */
import { MessageChannel, type MessagePort as NodePort } from 'node:worker_threads';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { createEngineClient, type EngineClient } from '../../shared/engine-client.ts';
import type { Port } from '../../shared/rpc.ts';
import type { EngineHostOptions } from '../../electron/engine/host/host-options.ts';

export function inProcessEngine(): EngineClient {
  return inProcessEngineWithClose().client;
}

/** The same, with the function that closes the engine's capture (serveEngine's). */
export function inProcessEngineWithClose(options: EngineHostOptions = {}): { client: EngineClient; close: () => void } {
  let toEngine: (m: unknown) => void = () => {};
  let toClient: (m: unknown) => void = () => {};
  const enginePort: Port = { postMessage: (m) => setImmediate(() => toClient(m)), onMessage: (h) => (toEngine = h), close() {} };
  const clientPort: Port = { postMessage: (m) => setImmediate(() => toEngine(m)), onMessage: (h) => (toClient = h), close() {} };
  const close = serveEngine(enginePort, options);
  return { client: createEngineClient(clientPort), close };
}

/** Open a capture and wait until it is fully indexed. */
export async function openDone(c: EngineClient, path: string): Promise<void> {
  const done = new Promise<void>((resolve) => c.onEvent((e) => e.type === 'progress' && e.info.done && resolve()));
  const info = await c.call('open', { path });
  if (!info.done) await done;
}

/**
 * Two ends of a worker_threads MessageChannel as Ports: messages are structured-cloned and
 * transferred as between the host and its engine worker (the in-memory pair above passes them as they are).
 */
export function channelPorts(): [Port, Port] {
  const ch = new MessageChannel();
  const wrap = (p: NodePort): Port => ({
    postMessage: (m, transfer) => p.postMessage(m, transfer),
    onMessage: (h) => p.on('message', h),
    close: () => p.close(),
  });
  return [wrap(ch.port1), wrap(ch.port2)];
}
