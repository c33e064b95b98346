/**
 * What the window may ask of its host besides the engine. The Electron preload implements it
 * with ipcRenderer (exposed as `window.tracelens`); browser mode implements it in the renderer
 * itself over the WebSocket server. The renderer only ever talks to this interface.
 */
import type { Port } from './rpc.ts';

export interface HostBridge {
  readonly mode: 'desktop' | 'browser';
  /** The engine port of this window (one engine per open capture). */
  connectEngine(): Promise<Port>;
  /** Desktop: the absolute path of a dropped file (webUtils.getPathForFile); browser: null. */
  pathForFile(file: File): string | null;
  /** Desktop: native File → Open dialog; resolves when the host has handled it. */
  showOpenDialog(): Promise<void>;
  /** Ask the host to open a capture by path (desktop: new engine/window; browser: server path). */
  openPath(path: string): Promise<void>;
  /** Recent files (desktop: from main; browser: from localStorage). */
  recentFiles(): Promise<string[]>;
  /** Menu commands sent by the host (e.g. 'go-to-event', 'close', 'time-format:relative'). */
  onCommand(handler: (command: string, arg?: string) => void): () => void;
}

declare global {
  interface Window {
    tracelens?: HostBridge;
  }
}
