/**
 * One window per open capture, each with its own engine in a utilityProcess, connected to the
 * window by a MessageChannelMain: one end goes to the engine (utility-entry.ts), the other to the
 * window's page (preload → `window.postMessage({type: 'tracelens-engine-port'})`). A new engine is
 * started on every page load, so Reopen after a crash is a reload: the spare one (forked ahead and
 * warmed, never yet connected) when there is one. Main never reads capture bytes.
 */
import { basename } from 'node:path';
import { BrowserWindow, MessageChannelMain, nativeTheme, utilityProcess } from 'electron';
import type { BaseWindow, UtilityProcess, WebContents } from 'electron';
import type { HostCommand } from '../../shared/host-bridge.ts';
import type { EngineSetupMessage } from '../engine/host/host-options.ts';
import { createEngineTempDir, removeEngineTempDir } from '../engine/io/temp-dir.ts';
import { DEFAULT_LIMITS, type EngineLimits } from '../engine/limits.ts';
import { IpcChannel } from './ipc-channels.ts';
import { hardenWebContents, secureWebPreferences } from './security.ts';

export interface ShellPaths {
  /** out/preload/index.cjs */
  preload: string;
  /** out/main/engine.js */
  engine: string;
  /** The renderer's index URL (app protocol, or the dev server). */
  rendererUrl: string;
  /** Engine limits (TRACELENS_MAX_MEMORY / TRACELENS_MAX_TEMP); defaults where unset. */
  limits?: Partial<EngineLimits>;
  /**
   * Keep one engine started ahead of the next window, warmed with these captures (the samples),
   * as browser mode does (web/server.ts): a window's page then finds its engine loaded, not
   * starting. Absent: each window forks its engine when its page has loaded.
   */
  spare?: { warmWith: string[]; delayMs?: number };
}

/** How long after a window took the spare engine the next one is forked (its start competes with that window's first open). */
export const SPARE_DELAY_MS = 2000;

/** One forked engine and its temp folder. */
interface Forked {
  child: UtilityProcess;
  tempDir: string | undefined;
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
  /** Key logs chosen in main's dialog for this capture: the engine may read them too. */
  keylogs: string[];
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
  /** Let the window's engine read `path` (a key log main's dialog returned). */
  allow(target: CaptureWindow, path: string): void;
  /** End the spare engine, and start no other (the app is quitting). */
  dispose(): void;
}

/** The files a window's engine may open: what main handed the window, nothing else. */
export function allowedPaths(cw: Pick<CaptureWindow, 'capturePath' | 'morePaths' | 'keylogs'>): string[] {
  return cw.capturePath === null ? [] : [cw.capturePath, ...cw.morePaths, ...cw.keylogs];
}

export const APP_NAME = 'Tracelens';

export function windowTitle(capturePath: string | null, more: readonly string[] = []): string {
  if (capturePath === null) return APP_NAME;
  return `${basename(capturePath)}${more.length ? ` (+${more.length} more)` : ''} — ${APP_NAME}`;
}

/**
 * The message shown in the window when its engine dies. A utility process that runs out of heap
 * aborts like any other crash, so the memory limit is named as the likely cause, not asserted.
 */
export function engineCrashMessage(capturePath: string | null, code: number, maxMemoryMb: number = DEFAULT_LIMITS.maxMemoryMb): string {
  const what = capturePath === null ? 'The engine' : `The engine reading ${basename(capturePath)}`;
  return `${what} stopped unexpectedly (exit code ${code}). If the capture is large it may be too large for the ${maxMemoryMb} MB memory limit; raise it with TRACELENS_MAX_MEMORY (MB).`;
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

  const limits: EngineLimits = { ...DEFAULT_LIMITS, ...paths.limits };

  /** The engine forked ahead of the next window (paths.spare), not yet connected to any. */
  let spare: Forked | null = null;
  let spareTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  /** Fork an engine with its temp folder, removed when it exits however it exits. */
  function forkEngine(): Forked {
    // The engine's temp folder (the spill of a .gz capture) is main's: removed when the engine
    // exits however it exits, swept at the next start if main itself was killed (temp-dir.ts).
    let tempDir: string | undefined;
    try {
      tempDir = createEngineTempDir();
    } catch (e) {
      // The engine then says why when it needs one (opening a .gz capture).
      console.warn(`tracelens: ${(e as Error).message}`);
    }
    const child = utilityProcess.fork(paths.engine, [], {
      serviceName: `${APP_NAME} engine`,
      stdio: 'inherit',
      // The hard heap limit; the engine's own budget (limits.ts) stops indexing before it.
      execArgv: [`--max-old-space-size=${limits.maxMemoryMb}`],
    });
    child.on('exit', () => {
      if (tempDir !== undefined) removeEngineTempDir(tempDir);
      if (spare?.child === child) spare = null;
    });
    return { child, tempDir };
  }

  /** Fork the spare engine now; it loads and warms while no window needs it (utility-entry.ts). */
  function startSpare(): void {
    if (!paths.spare || disposed || spare !== null) return;
    spare = forkEngine();
    const warm: EngineSetupMessage = { type: 'warm', paths: paths.spare.warmWith };
    spare.child.postMessage(warm);
  }

  /** The spare engine for a window, and the next spare forked a little later. */
  function takeEngine(): Forked {
    const taken = spare;
    spare = null;
    if (paths.spare && spareTimer === null && !disposed) {
      spareTimer = setTimeout(() => {
        spareTimer = null;
        startSpare();
      }, paths.spare.delayMs ?? SPARE_DELAY_MS);
      spareTimer.unref?.();
    }
    return taken ?? forkEngine();
  }

  function startEngine(cw: CaptureWindow): void {
    stopEngine(cw);
    const { child, tempDir } = takeEngine();
    cw.engine = child;
    child.on('exit', (code) => {
      if (cw.engine === child) cw.engine = null;
      if (stopping.has(child) || code === 0) return;
      send(cw, 'engine-crashed', engineCrashMessage(cw.capturePath, code, limits.maxMemoryMb));
    });
    const { port1, port2 } = new MessageChannelMain();
    // Queued by Electron until the engine's parentPort listener is up.
    const setup: EngineSetupMessage = { type: 'engine-port', allow: allowedPaths(cw), limits: { ...limits, tempDir } };
    child.postMessage(setup, [port1]);
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
    const cw: CaptureWindow = { window, id: contents.id, capturePath, morePaths: more, keylogs: [], engine: null };
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

  startSpare();

  return {
    openCapture(path, reuse, more = []) {
      const others = path === null ? [] : [...more];
      if (reuse && reuse.capturePath === null && !reuse.window.isDestroyed() && windows.has(reuse.id)) {
        reuse.capturePath = path;
        reuse.morePaths = others;
        reuse.keylogs = [];
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
    allow(cw, path) {
      if (!cw.keylogs.includes(path)) cw.keylogs.push(path);
      const m: EngineSetupMessage = { type: 'allow', paths: [path] };
      cw.engine?.postMessage(m);
    },
    dispose() {
      disposed = true;
      if (spareTimer !== null) clearTimeout(spareTimer);
      spareTimer = null;
      const s = spare;
      spare = null;
      if (s) {
        stopping.add(s.child);
        s.child.kill();
      }
    },
  };
}
