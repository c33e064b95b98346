/**
 * The desktop host: `window.tracelens` from the preload. contextBridge cannot hand a MessagePort
 * object to the page, so the preload posts it with
 * `window.postMessage({ type: 'tracelens-engine-port' }, '*', [port])`; this file picks it up
 * and turns it into a Port.
 */
import type { HostBridge } from '../../shared/host-bridge.ts';
import type { Port } from '../../shared/rpc.ts';
import type { AppHost, SampleCapture } from './app-host.ts';

/** Port over a DOM MessagePort (Electron hands the renderer a plain one). */
export function portFromMessagePort(mp: MessagePort): Port {
  return {
    postMessage(message, transfer) {
      mp.postMessage(message, transfer ?? []);
    },
    onMessage(handler) {
      mp.onmessage = (e: MessageEvent) => handler(e.data);
    },
    close() {
      mp.close();
    },
  };
}

/** The window message type the preload uses to hand over the engine port. */
export const ENGINE_PORT_MESSAGE = 'tracelens-engine-port';

interface DesktopExtras {
  samples?: () => Promise<SampleCapture[]>;
}

/**
 * Main pushes an engine port after every page load; later ones come on requestEnginePort (and
 * end this window's previous engine). Ports are queued here until the session asks for one.
 */
export function createDesktopHost(bridge: HostBridge & DesktopExtras, win: Window = window): AppHost {
  const ready: Port[] = [];
  const waiting: ((p: Port) => void)[] = [];
  win.addEventListener('message', (e: MessageEvent) => {
    // Only the preload posts into this window itself; messages from frames have another source.
    if (e.source !== win) return;
    const data = e.data as { type?: unknown } | null;
    if (!data || data.type !== ENGINE_PORT_MESSAGE || !e.ports[0]) return;
    const port = portFromMessagePort(e.ports[0]);
    const w = waiting.shift();
    if (w) w(port);
    else ready.push(port);
  });
  let first = true;
  return {
    mode: 'desktop',
    connectEngine() {
      const p = ready.shift();
      if (p) return Promise.resolve(p);
      if (!first) bridge.requestEnginePort?.();
      first = false;
      return new Promise<Port>((resolve) => waiting.push(resolve));
    },
    pathForFile: (file) => bridge.pathForFile(file),
    showOpenDialog: () => bridge.showOpenDialog(),
    openPath: (path) => bridge.openPath(path),
    recentFiles: () => bridge.recentFiles(),
    onCommand: (handler) => bridge.onCommand(handler),
    capturePath: () => (bridge.capturePath ? bridge.capturePath() : Promise.resolve(null)),
    capturePaths: bridge.capturePaths ? () => bridge.capturePaths!() : undefined,
    reopen: bridge.reopen ? () => bridge.reopen!() : undefined,
    samples: () => (bridge.samples ? bridge.samples() : Promise.resolve([])),
    addRecent: () => {},
  };
}
