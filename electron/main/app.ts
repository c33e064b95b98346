/**
 * The app's lifecycle: single-instance lock, files from the command line / a second launch /
 * macOS open-file / the Open dialog / Open Recent, the menu, and the IPC handlers. Windows and
 * their engines are in windows.ts.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { app, dialog, ipcMain, Menu, session } from 'electron';
import type { BaseWindow } from 'electron';
import type { HostCommand } from '../../shared/host-bridge.ts';
import { APP_INDEX_URL, APP_ORIGIN, registerAppScheme, serveRenderer } from './app-protocol.ts';
import { registerIpc } from './ipc.ts';
import { buildMenuTemplate, isMenuTimeFormat, type MenuActions, type TimeFormat } from './menu.ts';
import { CAPTURE_DIALOG_EXTENSIONS, parseOpenArgs, pathsFromSecondInstance, type SecondInstanceData } from './open-args.ts';
import { addRecent, loadRecent, saveRecent } from './recent.ts';
import { listSampleCaptures, samplesDir } from './samples.ts';
import { CONTENT_SECURITY_POLICY, devContentSecurityPolicy, hardenSession } from './security.ts';
import { APP_NAME, createWindowManager, type CaptureWindow, type WindowManager } from './windows.ts';
import { removeAllEngineTempDirs } from '../engine/io/temp-dir.ts';
import { limitsFromEnv, type EngineLimits } from '../engine/limits.ts';

export interface ShellOptions {
  argv: string[];
  cwd: string;
  /** Directory of the built main bundle (out/main). */
  outDir: string;
  /** `npm run dev`: the renderer dev server URL (ELECTRON_RENDERER_URL); ignored when packaged. */
  devUrl?: string;
  /** The environment, for TRACELENS_MAX_MEMORY / TRACELENS_MAX_TEMP. */
  env?: Record<string, string | undefined>;
}

/**
 * The dev server URL to load instead of the packaged renderer: development builds only (a
 * packaged app must never load pages named by its environment), and only a loopback http(s) URL.
 */
export function devRendererUrl(url: string | undefined, isPackaged: boolean): string | undefined {
  if (isPackaged || !url) return undefined;
  try {
    const u = new URL(url);
    const loopback = u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]';
    return (u.protocol === 'http:' || u.protocol === 'https:') && loopback ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Engine limits from the environment; a bad value is reported once and the default kept. */
function engineLimitsFromEnv(env: Record<string, string | undefined>): Partial<EngineLimits> {
  try {
    return limitsFromEnv(env);
  } catch (e) {
    console.warn(`tracelens: ${(e as Error).message}; using the default`);
    return {};
  }
}

export interface Shell {
  /** Open captures as the user asked; before the app is ready they are queued. */
  openPaths(paths: readonly string[], from?: CaptureWindow): void;
  windows(): WindowManager | null;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Start the desktop app. Returns null if another instance already runs (it gets our files). */
export function runApp(options: ShellOptions): Shell | null {
  app.setName(APP_NAME);
  const lockData: SecondInstanceData = { argv: options.argv, cwd: options.cwd };
  if (!app.requestSingleInstanceLock(lockData)) {
    app.quit();
    return null;
  }
  // Custom schemes must be registered before `ready`.
  registerAppScheme();

  const devUrl = devRendererUrl(options.devUrl, app.isPackaged);
  if (options.devUrl && !devUrl) console.warn(`tracelens: ELECTRON_RENDERER_URL ignored (${app.isPackaged ? 'packaged app' : 'not a loopback http URL'})`);
  const devOrigin = devUrl ? new URL(devUrl).origin : null;
  const recentFile = join(app.getPath('userData'), 'recent.json');
  let recent = loadRecent(recentFile);
  let timeFormat: TimeFormat = 'relative';
  let manager: WindowManager | null = null;
  const pending: string[] = parseOpenArgs(options.argv, app.isPackaged, options.cwd);

  function rememberRecent(path: string): void {
    if (!isFile(path)) return;
    recent = addRecent(recent, path);
    saveRecent(recentFile, recent);
    app.addRecentDocument(path);
    rebuildMenu();
  }

  function openOne(path: string, from?: CaptureWindow): void {
    if (!manager) return;
    // A capture already open is brought forward rather than opened twice.
    const existing = manager.all().find((w) => w.capturePath === path);
    if (existing) {
      if (existing.window.isMinimized()) existing.window.restore();
      existing.window.focus();
      return;
    }
    manager.openCapture(path, from);
    rememberRecent(path);
  }

  function openPaths(paths: readonly string[], from?: CaptureWindow): void {
    if (!manager) {
      pending.push(...paths);
      return;
    }
    paths.forEach((p, i) => openOne(p, i === 0 ? from : undefined));
  }

  /**
   * Several files chosen together in File → Open…: one window whose engine opens them as one
   * capture (strace -ff per-process logs, merged by time). Main never reads captures, so the
   * engine decides; if it refuses the merge, the window opens the first file itself and asks for
   * the others one window each (renderer/app/session.ts).
   */
  function openTogether(paths: readonly string[], from?: CaptureWindow): void {
    if (paths.length < 2) return openPaths(paths, from);
    if (!manager) {
      pending.push(...paths);
      return;
    }
    const [first, ...more] = paths;
    const same = (w: CaptureWindow): boolean => w.capturePath === first && w.morePaths.length === more.length && w.morePaths.every((p, i) => p === more[i]);
    const existing = manager.all().find(same);
    if (existing) {
      if (existing.window.isMinimized()) existing.window.restore();
      existing.window.focus();
      return;
    }
    manager.openCapture(first, from, more);
    for (const p of paths) rememberRecent(p);
  }

  async function showOpenDialog(from: CaptureWindow | undefined): Promise<void> {
    const extensions = process.platform === 'darwin' ? [...CAPTURE_DIALOG_EXTENSIONS, 'gz'] : CAPTURE_DIALOG_EXTENSIONS;
    const opts = {
      title: 'Open Capture',
      properties: ['openFile', 'multiSelections'] as ('openFile' | 'multiSelections')[],
      filters: [
        { name: 'Captures (pcap, pcapng, scap, strace)', extensions },
        { name: 'All Files', extensions: ['*'] },
      ],
    };
    const result = from && !from.window.isDestroyed() ? await dialog.showOpenDialog(from.window, opts) : await dialog.showOpenDialog(opts);
    if (!result.canceled) openTogether(result.filePaths, from);
  }

  async function addKeyLog(window: BaseWindow | undefined): Promise<void> {
    const cw = manager?.fromWindow(window);
    if (!cw || cw.window.isDestroyed()) return;
    const result = await dialog.showOpenDialog(cw.window, {
      title: 'Add TLS Key Log (SSLKEYLOGFILE)',
      properties: ['openFile'],
      filters: [
        { name: 'Key logs', extensions: ['txt', 'log', 'keys', 'keylog'] },
        { name: 'All Files', extensions: ['*'] },
      ],
    });
    const path = result.filePaths[0];
    if (result.canceled || path === undefined || !manager) return;
    // The engine reads only what main handed it: first the path, then the command that uses it.
    manager.allow(cw, path);
    manager.send(cw, 'add-key-log', path);
  }

  const actions: MenuActions = {
    openDialog: (window) => void showOpenDialog(manager?.fromWindow(window)),
    openRecent: (path) => {
      if (isFile(path)) openPaths([path]);
      else {
        recent = recent.filter((p) => p !== path);
        saveRecent(recentFile, recent);
        rebuildMenu();
        dialog.showErrorBox('File not found', `${path} no longer exists; it was removed from Open Recent.`);
      }
    },
    clearRecent: () => {
      recent = [];
      saveRecent(recentFile, recent);
      app.clearRecentDocuments();
      rebuildMenu();
    },
    addKeyLog: (window) => void addKeyLog(window),
    send: (window, command: HostCommand, arg?: string) => {
      const format = command.startsWith('time-format:') ? command.slice('time-format:'.length) : '';
      if (isMenuTimeFormat(format)) timeFormat = format;
      const cw = manager?.fromWindow(window);
      if (cw) manager?.send(cw, command, arg);
    },
    about: () => app.showAboutPanel(),
  };

  function rebuildMenu(): void {
    if (!app.isReady()) return;
    const template = buildMenuTemplate(actions, {
      appName: APP_NAME,
      platform: process.platform,
      recent,
      timeFormat,
      devTools: !app.isPackaged,
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  // A second launch (double-click while running, `tracelens FILE`) hands its files to us.
  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    const paths = pathsFromSecondInstance(argv, workingDirectory, additionalData, app.isPackaged);
    if (paths.length > 0) openPaths(paths);
    else if (manager) {
      const w = manager.all()[0];
      if (w) {
        if (w.window.isMinimized()) w.window.restore();
        w.window.focus();
      } else manager.openCapture(null);
    }
  });

  // macOS Finder / Dock: may arrive before `ready` (then it is queued).
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openPaths([path]);
  });

  app.on('web-contents-created', (_event, contents) => {
    // Belt and braces for any contents we did not create ourselves.
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });

  // Engines' temp folders go with the app (each also goes with its engine: windows.ts).
  app.on('will-quit', () => {
    manager?.dispose();
    removeAllEngineTempDirs();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  /** The samples, which a spare engine warms with; none when they cannot be listed (warming only saves time). */
  const warmPaths = (): string[] => {
    try {
      return listSampleCaptures(samplesDir(app.isPackaged, process.resourcesPath, app.getAppPath())).map((s) => s.path);
    } catch {
      return [];
    }
  };

  void app.whenReady().then(() => {
    hardenSession(session.defaultSession, devOrigin ? devContentSecurityPolicy(devOrigin) : CONTENT_SECURITY_POLICY);
    const rendererDir = join(options.outDir, '../renderer');
    if (!devUrl) serveRenderer(rendererDir);
    manager = createWindowManager({
      preload: join(options.outDir, '../preload/index.cjs'),
      engine: join(options.outDir, 'engine.js'),
      rendererUrl: devUrl ?? APP_INDEX_URL,
      limits: engineLimitsFromEnv(options.env ?? process.env),
      // The next window's engine is loaded and warmed before the window asks (windows.ts).
      spare: { warmWith: warmPaths() },
    });
    app.setAboutPanelOptions({
      applicationName: APP_NAME,
      applicationVersion: app.getVersion(),
      copyright: 'MIT License',
    });
    registerIpc(ipcMain, {
      windows: manager,
      appOrigins: devOrigin ? [APP_ORIGIN, devOrigin] : [APP_ORIGIN],
      isFile,
      showOpenDialog,
      openPath: (path, from) => openPaths([path], from),
      recentFiles: () => recent.filter(isFile),
      samples: () => listSampleCaptures(samplesDir(app.isPackaged, process.resourcesPath, app.getAppPath())),
    });
    rebuildMenu();
    const initial = pending.splice(0);
    if (initial.length > 0) openPaths(initial);
    else manager.openCapture(null);
    app.on('activate', () => {
      if (manager && manager.all().length === 0) manager.openCapture(null);
    });
  });

  return { openPaths, windows: () => manager };
}
