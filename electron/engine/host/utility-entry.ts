/**
 * Entry of the engine in an Electron utilityProcess (one per open capture). Main forks this file
 * and posts one message whose `ports[0]` is the engine's end of a MessageChannelMain; the other end
 * belongs to the window. It does not import `electron`: a utility process gets `process.parentPort`
 * from its host, so the shapes it needs are typed here.
 */
import type { Port } from '../../../shared/rpc.ts';
import { serveEngine } from './engine-host.ts';

/** The subset of Electron's MessagePortMain the engine uses. */
export interface MainPortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

interface ParentPortLike {
  once(event: 'message', listener: (e: { data: unknown; ports: MainPortLike[] }) => void): unknown;
}

/** Port over a MessagePortMain. Its postMessage can only transfer ports, so ArrayBuffers are copied. */
export function portFromMainPort(port: MainPortLike): Port {
  return {
    postMessage(message) {
      port.postMessage(message);
    },
    onMessage(handler) {
      port.on('message', (e) => handler(e.data));
      // Messages queue until start(); start only once a handler is listening.
      port.start();
    },
    close() {
      port.close();
    },
  };
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (parentPort) {
  parentPort.once('message', (e) => {
    const mainPort = e.ports[0];
    if (!mainPort) {
      process.exit(2);
      return;
    }
    // The window is gone when its end closes: nothing is left to serve.
    mainPort.on('close', () => process.exit(0));
    serveEngine(portFromMainPort(mainPort));
  });
}
