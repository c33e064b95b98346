// The window ↔ engine wiring with `electron` replaced by test/electron/fake-electron.ts.
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./fake-electron.ts'));

import { BrowserWindow, forked, MessageChannelMain, resetFakes, type FakeWebContents } from './fake-electron.ts';
import { createWindowManager, engineCrashMessage } from '../../electron/main/windows.ts';
import { IpcChannel } from '../../electron/main/ipc-channels.ts';

const PATHS = { preload: '/app/out/preload/index.cjs', engine: '/app/out/main/engine.js', rendererUrl: 'tracelens://app/index.html' };

function lastWindow(): BrowserWindow {
  const w = BrowserWindow.instances.at(-1);
  if (!w) throw new Error('no window');
  return w;
}

beforeEach(() => resetFakes());

describe('window per capture', () => {
  it('creates a window with the secure webPreferences and loads the renderer', () => {
    const wm = createWindowManager(PATHS);
    const cw = wm.openCapture('/caps/a.pcap');
    const w = lastWindow();
    expect(cw.window).toBe(w);
    expect(w.options.webPreferences).toMatchObject({
      preload: PATHS.preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(w.loadURL).toHaveBeenCalledWith(PATHS.rendererUrl);
    expect(w.title).toBe('a.pcap — Tracelens');
    expect(cw.capturePath).toBe('/caps/a.pcap');
  });

  it('on load forks an engine and hands one port to it and the other to the window', () => {
    const wm = createWindowManager(PATHS);
    const cw = wm.openCapture('/caps/a.pcap');
    expect(forked).toHaveLength(0);
    lastWindow().finishLoad();
    expect(forked).toHaveLength(1);
    const engine = forked[0]!;
    expect(engine.modulePath).toBe(PATHS.engine);
    expect(cw.engine).toBe(engine);
    const channel = MessageChannelMain.created[0]!;
    expect(engine.postMessage).toHaveBeenCalledWith(expect.objectContaining({ type: 'engine-port', allow: ['/caps/a.pcap'] }), [channel.port1]);
    expect(cw.window.webContents.postMessage).toHaveBeenCalledWith(IpcChannel.EnginePort, null, [channel.port2]);
    expect(IpcChannel.EnginePort).toBe('tracelens-engine-port');
  });

  it('each window has its own engine', () => {
    const wm = createWindowManager(PATHS);
    const a = wm.openCapture('/caps/a.pcap');
    a.window.webContents.emit('did-finish-load');
    const b = wm.openCapture('/caps/b.scap');
    b.window.webContents.emit('did-finish-load');
    expect(forked).toHaveLength(2);
    expect(a.engine).not.toBe(b.engine);
    expect(wm.all()).toHaveLength(2);
  });

  it('closing the window kills its engine and forgets the window, without a crash message', () => {
    const wm = createWindowManager(PATHS);
    const cw = wm.openCapture('/caps/a.pcap');
    lastWindow().finishLoad();
    const engine = forked[0]!;
    cw.window.close();
    expect(engine.kill).toHaveBeenCalledTimes(1);
    expect(wm.all()).toHaveLength(0);
    expect(cw.window.webContents.send).not.toHaveBeenCalled();
  });

  it('an engine that exits with a non-zero code notifies its window', () => {
    const wm = createWindowManager(PATHS);
    const cw = wm.openCapture('/caps/a.pcap');
    lastWindow().finishLoad();
    forked[0]!.emit('exit', 134);
    expect(cw.window.webContents.send).toHaveBeenCalledWith(IpcChannel.Command, 'engine-crashed', engineCrashMessage('/caps/a.pcap', 134));
    expect(engineCrashMessage('/caps/a.pcap', 134)).toContain('a.pcap');
    expect(cw.engine).toBeNull();
  });

  it('a clean exit (code 0) is not a crash', () => {
    const wm = createWindowManager(PATHS);
    const cw = wm.openCapture('/caps/a.pcap');
    lastWindow().finishLoad();
    forked[0]!.emit('exit', 0);
    expect(cw.window.webContents.send).not.toHaveBeenCalled();
  });

  it('an engine crash does not reach other windows', () => {
    const wm = createWindowManager(PATHS);
    const a = wm.openCapture('/caps/a.pcap');
    a.window.webContents.emit('did-finish-load');
    const b = wm.openCapture('/caps/b.pcap');
    b.window.webContents.emit('did-finish-load');
    forked[1]!.emit('exit', 1);
    expect(a.window.webContents.send).not.toHaveBeenCalled();
    expect(b.window.webContents.send).toHaveBeenCalledTimes(1);
  });

  it('reopen ends the old engine (not reported as a crash), reloads, and the reload gets a new engine and port', () => {
    const wm = createWindowManager(PATHS);
    const cw = wm.openCapture('/caps/a.pcap');
    lastWindow().finishLoad();
    const first = forked[0]!;
    first.emit('exit', 9); // crashed
    vi.mocked(cw.window.webContents.send).mockClear();
    wm.reopen(cw);
    expect(cw.window.webContents.reload).toHaveBeenCalled();
    cw.window.webContents.emit('did-finish-load');
    expect(forked).toHaveLength(2);
    expect(cw.engine).toBe(forked[1]);
    expect(vi.mocked(cw.window.webContents.postMessage)).toHaveBeenCalledTimes(2);

    // Reopen while the engine is alive: that engine is killed on purpose, no crash message.
    wm.reopen(cw);
    expect(forked[1]!.kill).toHaveBeenCalled();
    expect(cw.window.webContents.send).not.toHaveBeenCalled();
  });

  it('a second load (or a port request) replaces the engine instead of leaking one', () => {
    const wm = createWindowManager(PATHS);
    const cw = wm.openCapture(null);
    lastWindow().finishLoad();
    wm.restartEngine(cw);
    expect(forked).toHaveLength(2);
    expect(forked[0]!.kill).toHaveBeenCalled();
    expect(cw.engine).toBe(forked[1]);
  });

  it('opening a file from a welcome window reuses it; from a capture window opens a new one', () => {
    const wm = createWindowManager(PATHS);
    const welcome = wm.openCapture(null);
    expect(welcome.window.title).toBe('Tracelens');
    const reused = wm.openCapture('/caps/a.pcap', welcome);
    expect(reused).toBe(welcome);
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(welcome.capturePath).toBe('/caps/a.pcap');
    expect(welcome.window.webContents.reload).toHaveBeenCalled();
    const other = wm.openCapture('/caps/b.pcap', welcome);
    expect(other).not.toBe(welcome);
    expect(BrowserWindow.instances).toHaveLength(2);
  });

  it('blocks navigation away from the app and window.open', () => {
    const wm = createWindowManager(PATHS);
    const cw = wm.openCapture(null);
    const contents = cw.window.webContents as unknown as FakeWebContents;
    const away = { preventDefault: vi.fn() };
    contents.emit('will-navigate', away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const reload = { preventDefault: vi.fn() };
    contents.emit('will-navigate', reload, 'tracelens://app/index.html');
    expect(reload.preventDefault).not.toHaveBeenCalled();
    const redirect = { preventDefault: vi.fn() };
    contents.emit('will-redirect', redirect, 'file:///etc/passwd');
    expect(redirect.preventDefault).toHaveBeenCalled();
    expect(contents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('commands go to the addressed window only, and not to a closed one', () => {
    const wm = createWindowManager(PATHS);
    const a = wm.openCapture('/caps/a.pcap');
    const b = wm.openCapture('/caps/b.pcap');
    wm.send(a, 'go-to-event');
    expect(a.window.webContents.send).toHaveBeenCalledWith(IpcChannel.Command, 'go-to-event');
    expect(b.window.webContents.send).not.toHaveBeenCalled();
    expect(wm.fromWindow(b.window as never)).toBe(b);
    b.window.close();
    wm.send(b, 'next-event');
    expect(b.window.webContents.send).not.toHaveBeenCalled();
  });
});

describe('the spare engine (paths.spare)', () => {
  const SPARE = { ...PATHS, spare: { warmWith: ['/app/assets/samples/s.pcapng'], delayMs: 50 } };

  it('is forked and warmed before the first window asks, and that window gets it; the next spare follows later', () => {
    vi.useFakeTimers();
    try {
      const wm = createWindowManager(SPARE);
      // Before any window: loading and warming while the page loads.
      expect(forked).toHaveLength(1);
      const spare = forked[0]!;
      expect(spare.modulePath).toBe(PATHS.engine);
      expect(spare.postMessage).toHaveBeenCalledWith({ type: 'warm', paths: SPARE.spare.warmWith });
      const cw = wm.openCapture('/caps/a.pcap');
      lastWindow().finishLoad();
      // The window's engine is the spare: no fork at the load, the port goes to the warmed process.
      expect(forked).toHaveLength(1);
      expect(cw.engine).toBe(spare);
      const channel = MessageChannelMain.created[0]!;
      expect(spare.postMessage).toHaveBeenLastCalledWith(expect.objectContaining({ type: 'engine-port', allow: ['/caps/a.pcap'] }), [channel.port1]);
      expect(cw.window.webContents.postMessage).toHaveBeenCalledWith(IpcChannel.EnginePort, null, [channel.port2]);
      // The next spare waits until the first window's open has had the machine to itself.
      vi.advanceTimersByTime(49);
      expect(forked).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(forked).toHaveLength(2);
      expect(forked[1]!.postMessage).toHaveBeenCalledWith({ type: 'warm', paths: SPARE.spare.warmWith });
      // A second window takes that one.
      const b = wm.openCapture('/caps/b.pcap');
      lastWindow().finishLoad();
      expect(b.engine).toBe(forked[1]);
      expect(forked).toHaveLength(2);
      // Quitting ends the spare (not a crash for anyone), and no other is forked.
      vi.advanceTimersByTime(50);
      const third = forked[2]!;
      wm.dispose();
      expect(third.kill).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(1000);
      expect(forked).toHaveLength(3);
      expect(cw.window.webContents.send).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a spare that ended before a window asked is not handed out: the window forks its own', () => {
    const wm = createWindowManager(SPARE);
    forked[0]!.emit('exit', 1);
    const cw = wm.openCapture('/caps/a.pcap');
    lastWindow().finishLoad();
    expect(forked).toHaveLength(2);
    expect(cw.engine).toBe(forked[1]);
    // Its end told no window anything.
    expect(cw.window.webContents.send).not.toHaveBeenCalled();
    wm.dispose();
  });
});
