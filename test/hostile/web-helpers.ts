/** Shared by the browser-mode hostile tests: an engine in this process with host options, a WebSocket client. */
import WebSocket from 'ws';
import { serveEngine, type EngineHostOptions } from '../../electron/engine/host/engine-host.ts';
import { createEngineClient, type EngineClient } from '../../shared/engine-client.ts';
import type { Port } from '../../shared/rpc.ts';
import { decodeFrame, encodeFrame } from '../../shared/wire.ts';
import { cookieName, type WebServer } from '../../electron/web/server.ts';

/** serveEngine(port, options) behind a pair of in-memory ports; `close` is what serveEngine returned. */
export function engineWith(options: EngineHostOptions): { c: EngineClient; close: () => void } {
  let toEngine: (m: unknown) => void = () => {};
  let toClient: (m: unknown) => void = () => {};
  const enginePort: Port = { postMessage: (m) => setImmediate(() => toClient(m)), onMessage: (h) => (toEngine = h), close() {} };
  const clientPort: Port = { postMessage: (m) => setImmediate(() => toEngine(m)), onMessage: (h) => (toClient = h), close() {} };
  const close = serveEngine(enginePort, options);
  return { c: createEngineClient(clientPort), close };
}

/** An engine client over a browser-mode WebSocket, authenticated by the cookie as the window is. */
export async function wsClient(server: WebServer): Promise<{ c: EngineClient; ws: WebSocket }> {
  const base = `http://127.0.0.1:${server.port}`;
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/engine`, { headers: { Origin: base, Cookie: `${cookieName(server.port)}=${server.token}` } });
  await new Promise((res, rej) => {
    ws.once('open', res);
    ws.once('error', rej);
  });
  let handler: (m: unknown) => void = () => {};
  ws.on('message', (d: Buffer) => handler(decodeFrame(new Uint8Array(d))));
  const port: Port = { postMessage: (m) => ws.send(encodeFrame(m)), onMessage: (h) => (handler = h), close: () => ws.close() };
  return { c: createEngineClient(port), ws };
}

/** Poll `f` until it is true or `ms` pass. */
export async function eventually(f: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (f()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return f();
}
