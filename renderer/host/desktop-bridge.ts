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

/** Resolve with the next engine port the preload posts into this window. */
export function waitForEnginePort(win: Window): Promise<Port> {
  return new Promise((resolve) => {
    const onMessage = (e: MessageEvent): void => {
      // Only the preload posts into this window itself; messages from frames have another source.
      if (e.source !== win) return;
      const data = e.data as { type?: unknown } | null;
      if (!data || data.type !== 'tracelens-engine-port' || !e.ports[0]) return;
      win.removeEventListener('message', onMessage);
      resolve(portFromMessagePort(e.ports[0]));
    };
    win.addEventListener('message', onMessage);
  });
}

interface DesktopExtras {
  samples?: () => Promise<SampleCapture[]>;
}

export function createDesktopHost(bridge: HostBridge & DesktopExtras, win: Window = window): AppHost {
  // Listen from the start: the preload may post the port before React asks for it.
  let next = waitForEnginePort(win);
  return {
    mode: 'desktop',
    connectEngine() {
      const p = next;
      next = waitForEnginePort(win);
      // The preload's connectEngine asks main for a port; the port itself arrives by postMessage.
      bridge.connectEngine().catch(() => {});
      return p;
    },
    pathForFile: (file) => bridge.pathForFile(file),
    showOpenDialog: () => bridge.showOpenDialog(),
    openPath: (path) => bridge.openPath(path),
    recentFiles: () => bridge.recentFiles(),
    onCommand: (handler) => bridge.onCommand(handler),
    samples: () => (bridge.samples ? bridge.samples() : Promise.resolve([])),
    addRecent: () => {},
  };
}
