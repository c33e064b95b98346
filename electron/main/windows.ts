/**
 * One window per open capture, each with its own engine in a utilityProcess, connected to the
 * window by a MessageChannelMain: one end goes to the engine (utility-entry.ts), the other to the
 * window's page (preload → `window.postMessage({type: 'tracelens-engine-port'})`). A new engine is
 * started on every page load, so Reopen after a crash is a reload. Main never reads capture bytes.
 */
import { basename } from 'node:path';
import { BrowserWindow, MessageChannelMain, nativeTheme, utilityProcess } from 'electron';
import type { BaseWindow, UtilityProcess, WebContents } from 'electron';
import type { HostCommand } from '../../shared/host-bridge.ts';
import { IpcChannel } from './ipc-channels.ts';
import { hardenWebContents, secureWebPreferences } from './security.ts';

export interface ShellPaths {
  /** out/preload/index.cjs */
  preload: string;
  /** out/main/engine.js */
  engine: string;
  /** The renderer's index URL (app protocol, or the dev server). */
  rendererUrl: string;
}

export interface CaptureWindow {
  readonly window: BrowserWindow;
  /** webContents id, stable after the contents are destroyed. */
  readonly id: number;
  /** The capture this window shows, or null for a welcome window. */
  capturePath: string | null;
  /**
   * Files opened together with `capturePath` as one capture (strace -ff per-process logs, merged
   * by time in the engine); empty for a single file.
   */
  morePaths: string[];
  engine: UtilityProcess | null;
}

export interface WindowManager {
  /**
   * Open `path` (with `more` files as one capture) in `reuse` if that window has no capture
   * yet, else in a new window.
   */
  openCapture(path: string | null, reuse?: CaptureWindow, more?: readonly string[]): CaptureWindow;
  fromWebContents(contents: WebContents): CaptureWindow | undefined;
  fromWindow(window: BaseWindow | undefined | null): CaptureWindow | undefined;
  all(): CaptureWindow[];
  /** Send a menu command to a window (ignored if it is gone). */
  send(target: CaptureWindow, command: HostCommand, arg?: string): void;
  /** End the window's engine, start a new one and reload the page (the Reopen button). */
  reopen(target: CaptureWindow): void;
  /** End the window's engine and hand it a fresh port (the page missed the pushed one). */
  restartEngine(target: CaptureWindow): void;
}

export const APP_NAME = 'Tracelens';

export function windowTitle(capturePath: string | null, more: readonly string[] = []): string {
  if (capturePath === null) return APP_NAME;
  return `${basename(capturePath)}${more.length ? ` (+${more.length} more)` : ''} — ${APP_NAME}`;
}

/** The message shown in the window when its engine dies. */
export function engineCrashMessage(capturePath: string | null, code: number): string {
  const what = capturePath === null ? 'The engine' : `The engine reading ${basename(capturePath)}`;
  return `${what} stopped unexpectedly (exit code ${code}).`;
}

export function createWindowManager(paths: ShellPaths): WindowManager {
  const windows = new Map<number, CaptureWindow>();
  // Engines we ended on purpose: their exit is not a crash whatever the code.
  const stopping = new WeakSet<UtilityProcess>();

  function stopEngine(cw: CaptureWindow): void {
    const child = cw.engine;
    cw.engine = null;
    if (child) {
      stopping.add(child);
      child.kill();
    }
  }

  function send(cw: CaptureWindow, command: HostCommand, arg?: string): void {
    if (cw.window.isDestroyed() || cw.window.webContents.isDestroyed()) return;
    if (arg === undefined) cw.window.webContents.send(IpcChannel.Command, command);
    else cw.window.webContents.send(IpcChannel.Command, command, arg);
  }

  function startEngine(cw: CaptureWindow): void {
    stopEngine(cw);
    const child = utilityProcess.fork(paths.engine, [], { serviceName: `${APP_NAME} engine`, stdio: 'inherit' });
    cw.engine = child;
    child.on('exit', (code) => {
      if (cw.engine === child) cw.engine = null;
      if (stopping.has(child) || code === 0) return;
      send(cw, 'engine-crashed', engineCrashMessage(cw.capturePath, code));
    });
    const { port1, port2 } = new MessageChannelMain();
    // Queued by Electron until the engine's parentPort listener is up.
    child.postMessage({ type: 'engine-port' }, [port1]);
    cw.window.webContents.postMessage(IpcChannel.EnginePort, null, [port2]);
  }

  function createWindow(capturePath: string | null, more: string[]): CaptureWindow {
    const window = new BrowserWindow({
      width: 1280,
      height: 800,
      minWidth: 480,
      minHeight: 320,
      show: false,
      title: windowTitle(capturePath, more),
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#1e1e1e' : '#ffffff',
      webPreferences: secureWebPreferences(paths.preload),
    });
    const contents = window.webContents;
    const cw: CaptureWindow = { window, id: contents.id, capturePath, morePaths: more, engine: null };
    windows.set(cw.id, cw);
    if (capturePath !== null) window.setRepresentedFilename(capturePath);

    hardenWebContents(contents);
    // Keep "file — Tracelens" rather than the page's <title>.
    window.on('page-title-updated', (event) => event.preventDefault());
    window.once('ready-to-show', () => window.show());
    contents.on('did-finish-load', () => startEngine(cw));
    // A dead page cannot use its engine; the next load starts a new one.
    contents.on('render-process-gone', () => stopEngine(cw));
    window.on('closed', () => {
      stopEngine(cw);
      windows.delete(cw.id);
    });
    void window.loadURL(paths.rendererUrl);
    return cw;
  }

  return {
    openCapture(path, reuse, more = []) {
      const others = path === null ? [] : [...more];
      if (reuse && reuse.capturePath === null && !reuse.window.isDestroyed() && windows.has(reuse.id)) {
        reuse.capturePath = path;
        reuse.morePaths = others;
        reuse.window.setTitle(windowTitle(path, others));
        if (path !== null) reuse.window.setRepresentedFilename(path);
        this.reopen(reuse);
        return reuse;
      }
      return createWindow(path, others);
    },
    fromWebContents(contents) {
      return windows.get(contents.id);
    },
    fromWindow(window) {
      if (!window) return undefined;
      for (const cw of windows.values()) if (cw.window === window || cw.window.id === window.id) return cw;
      return undefined;
    },
    all() {
      return [...windows.values()];
    },
    send,
    reopen(cw) {
      stopEngine(cw);
      if (!cw.window.isDestroyed()) cw.window.webContents.reload();
    },
    restartEngine(cw) {
      if (!cw.window.isDestroyed()) startEngine(cw);
    },
  };
}
