/**
 * The sandboxed preload (built as CommonJS, out/preload/index.cjs): exposes the HostBridge of
 * shared/host-bridge.ts as `window.tracelens`, over a fixed set of IPC channels. The engine port
 * cannot cross contextBridge, so it is forwarded to the page as a window message
 * `{type: 'tracelens-engine-port'}` carrying the MessagePort (renderer/host/desktop-bridge.ts
 * turns it into a Port).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { HostBridge } from '../../shared/host-bridge.ts';
import type { SampleCapture } from '../../shared/samples.ts';
import { IpcChannel } from '../main/ipc-channels.ts';

const COMMAND_RE = /^[a-z][a-z0-9-]*(:[a-z0-9-]+)?$/;

// Main pushes a port after every page load (and on requestEnginePort). Only the top frame's own
// origin receives it.
ipcRenderer.on(IpcChannel.EnginePort, (event: IpcRendererEvent) => {
  window.postMessage({ type: IpcChannel.EnginePort }, window.location.origin === 'null' ? '*' : window.location.origin, event.ports);
});

const bridge: HostBridge & { samples(): Promise<SampleCapture[]> } = {
  mode: 'desktop',
  connectEngine() {
    // A MessagePort cannot be returned through contextBridge; the renderer wraps this method.
    return Promise.reject(new Error("listen for the window message {type: 'tracelens-engine-port'} instead"));
  },
  pathForFile(file: File): string | null {
    try {
      const path = webUtils.getPathForFile(file);
      return path.length > 0 ? path : null;
    } catch {
      return null;
    }
  },
  showOpenDialog() {
    return ipcRenderer.invoke(IpcChannel.ShowOpenDialog) as Promise<void>;
  },
  openPath(path: string) {
    if (typeof path !== 'string') return Promise.reject(new TypeError('openPath: path must be a string'));
    return ipcRenderer.invoke(IpcChannel.OpenPath, path) as Promise<void>;
  },
  async recentFiles() {
    const list: unknown = await ipcRenderer.invoke(IpcChannel.RecentFiles);
    return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
  },
  async capturePath() {
    const path: unknown = await ipcRenderer.invoke(IpcChannel.CapturePath);
    return typeof path === 'string' ? path : null;
  },
  async capturePaths() {
    const list: unknown = await ipcRenderer.invoke(IpcChannel.CapturePaths);
    return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
  },
  reopen() {
    return ipcRenderer.invoke(IpcChannel.Reopen) as Promise<void>;
  },
  async samples(): Promise<SampleCapture[]> {
    const list: unknown = await ipcRenderer.invoke(IpcChannel.Samples);
    return Array.isArray(list) ? (list as SampleCapture[]) : [];
  },
  requestEnginePort() {
    ipcRenderer.send(IpcChannel.RequestEnginePort);
  },
  onCommand(handler) {
    const listener = (_event: IpcRendererEvent, command: unknown, arg: unknown): void => {
      if (typeof command !== 'string' || !COMMAND_RE.test(command)) return;
      handler(command, typeof arg === 'string' ? arg : undefined);
    };
    ipcRenderer.on(IpcChannel.Command, listener);
    return () => {
      ipcRenderer.removeListener(IpcChannel.Command, listener);
    };
  },
};

contextBridge.exposeInMainWorld('tracelens', bridge);
