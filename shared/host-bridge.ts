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
  /**
   * Desktop: the capture this window was opened for (the renderer then calls the engine's
   * `open`), or null for a welcome window. Browser mode may leave it out.
   */
  capturePath?(): Promise<string | null>;
  /**
   * Desktop: every file of this window's capture — the first is `capturePath`, the others were
   * chosen with it in File → Open… (strace -ff per-process logs, opened as one capture merged by
   * time); empty for a welcome window. Hosts without it open `capturePath` alone.
   */
  capturePaths?(): Promise<string[]>;
  /** Desktop: after an engine crash, start a new engine for this window and reload it. */
  reopen?(): Promise<void>;
  /**
   * Desktop: ask main for a (new) engine port; it arrives as a window message
   * `{type: 'tracelens-engine-port'}` with the port in `event.ports[0]`. Main also pushes one
   * when the page has loaded, so this is only needed if that message was missed; the window's
   * previous engine is ended.
   */
  requestEnginePort?(): void;
}

/**
 * Commands the desktop host sends through `onCommand` (menus and shortcuts). `arg` is given only
 * where noted. Copy, zoom, close, quit and About are handled natively by the host.
 */
export const HOST_COMMANDS = [
  'add-key-log', // arg: absolute path of the key log file the user chose
  'go-to-event',
  'next-event',
  'previous-event',
  'first-event',
  'last-event',
  'time-format:absolute',
  'time-format:utc',
  'time-format:relative',
  'time-format:delta',
  'time-format:delta-captured',
  'export-keylog', // File → Export TLS Session Keys…: the window saves the capture's secrets as keys.txt
  'export-har', // File → Export → HTTP Archive (HAR)…: the window saves the HTTP exchanges as NAME.har
  'columns', // show the column chooser
  'find-packet', // Edit → Find Packet…: open and focus the find bar
  'find-next',
  'find-previous',
  'colorize', // View → Colorize Packet List: switch row colouring on or off
  'coloring-rules', // View → Coloring Rules…: the rules dialog
  'name-resolution', // View → Name Resolution: name addresses from the capture's DNS answers and NRBs, on or off
  'decode-as', // show the Decode As rules
  'keyboard-shortcuts',
  'field-reference',
  'expert-info', // Analyze → Expert Information: show the expert pane
  'statistics', // arg: a StatsViewId (shared/stats-views.ts): Statistics ▸ … shows that view
  'trace-command', // Capture → Trace a Command…: the trace dialog
  'capture-packets', // Capture → Packets…: the packet capture dialog
  'stop-capture', // Capture → Stop: end the running live capture
  'engine-crashed', // arg: what happened (exit code); show an error with a Reopen button
] as const;

export type HostCommand = (typeof HOST_COMMANDS)[number];

declare global {
  interface Window {
    tracelens?: HostBridge;
  }
}
