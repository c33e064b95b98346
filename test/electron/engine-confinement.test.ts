/**
 * Issue 11 items 8, 9, 13 (desktop): main hands each engine the files it may open, a heap limit
 * and a temp folder it removes when the engine exits; the engine refuses every other path; the
 * packaged app ignores ELECTRON_RENDERER_URL. `electron` is replaced by fake-electron.ts.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./fake-electron.ts'));

import * as fake from './fake-electron.ts';
import { BrowserWindow, forked, resetFakes } from './fake-electron.ts';
import { createWindowManager, engineCrashMessage } from '../../electron/main/windows.ts';
import { devRendererUrl, runApp } from '../../electron/main/app.ts';
import { guardPaths, requestedPaths, type EngineSetupMessage } from '../../electron/engine/host/utility-entry.ts';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { createEngineClient } from '../../shared/engine-client.ts';
import type { Port, RequestMessage } from '../../shared/rpc.ts';
import { CORPUS } from '../engine/corpus.ts';

const PATHS = { preload: '/app/out/preload/index.cjs', engine: '/app/out/main/engine.js', rendererUrl: 'tracelens://app/index.html', limits: { maxMemoryMb: 2048 } };

function setupOf(i: number): EngineSetupMessage {
  // The app's spare engine was told to warm first (windows.ts): the setup is the first other message.
  const call = forked[i]!.postMessage.mock.calls.find((c) => (c[0] as { type?: string }).type !== 'warm')!;
  return call[0] as EngineSetupMessage;
}

beforeEach(() => resetFakes());

describe('main → engine setup', () => {
  it('hands the engine its files, a heap limit and its own temp folder, removed when it exits', () => {
    const wm = createWindowManager(PATHS);
    const cw = wm.openCapture('/caps/a.strace', undefined, ['/caps/b.strace']);
    BrowserWindow.instances.at(-1)!.finishLoad();
    const child = forked[0]!;
    expect((child.options as { execArgv: string[] }).execArgv).toEqual(['--max-old-space-size=2048']);
    const setup = setupOf(0);
    if (setup.type !== 'engine-port') throw new Error('no setup');
    expect(setup.allow).toEqual(['/caps/a.strace', '/caps/b.strace']);
    expect(setup.limits.maxMemoryMb).toBe(2048);
    const dir = setup.limits.tempDir as string;
    expect(dir).toMatch(new RegExp(`tracelens-\\d+/engine-${process.pid}-`));
    expect(existsSync(dir)).toBe(true);
    // A crash (not only a kill) removes it.
    child.emit('exit', 134);
    expect(existsSync(dir)).toBe(false);
    expect(cw.window.webContents.send).toHaveBeenCalledWith(expect.anything(), 'engine-crashed', engineCrashMessage('/caps/a.strace', 134, 2048));
    expect(engineCrashMessage('/caps/a.strace', 134, 2048)).toMatch(/2048 MB memory limit; raise it with TRACELENS_MAX_MEMORY/);
  });

  it('a welcome window may open nothing; a key log chosen in main is allowed now and after a restart', () => {
    const wm = createWindowManager(PATHS);
    const welcome = wm.openCapture(null);
    BrowserWindow.instances.at(-1)!.finishLoad();
    expect((setupOf(0) as { allow: string[] }).allow).toEqual([]);
    const cw = wm.openCapture('/caps/a.pcap', welcome);
    BrowserWindow.instances.at(-1)!.finishLoad();
    wm.allow(cw, '/keys/k.log');
    expect(forked[1]!.postMessage).toHaveBeenLastCalledWith({ type: 'allow', paths: ['/keys/k.log'] });
    wm.restartEngine(cw);
    expect((setupOf(2) as { allow: string[] }).allow).toEqual(['/caps/a.pcap', '/keys/k.log']);
    const dirs = [0, 1, 2].map((i) => (setupOf(i) as { limits: { tempDir: string } }).limits.tempDir);
    // The replaced engines were killed, and their folders went with them.
    expect(dirs.map((d) => existsSync(d))).toEqual([false, false, true]);
    cw.window.close();
    expect(existsSync(dirs[2]!)).toBe(false);
  });
});

/** Two connected in-memory Ports (what a MessageChannel gives). */
function pipe(): [Port, Port] {
  const handlers: [((m: unknown) => void) | null, ((m: unknown) => void) | null] = [null, null];
  const mk = (me: 0 | 1): Port => ({
    postMessage: (m) => queueMicrotask(() => handlers[me === 0 ? 1 : 0]?.(structuredClone(m))),
    onMessage: (h) => (handlers[me] = h),
    close: () => {},
  });
  return [mk(0), mk(1)];
}

describe('engine path guard', () => {
  it('names the paths of open and addKeylog requests', () => {
    const r = (method: string, params: unknown): RequestMessage => ({ kind: 'request', id: 1, method, params }) as RequestMessage;
    expect(requestedPaths(r('open', { path: '/a', more: ['/b'] }))).toEqual(['/a', '/b']);
    expect(requestedPaths(r('open', { path: 7 }))).toEqual(['']);
    expect(requestedPaths(r('addKeylog', { path: '/k' }))).toEqual(['/k']);
    expect(requestedPaths(r('addKeylog', { text: 'CLIENT_RANDOM …' }))).toBeNull();
    expect(requestedPaths(r('rows', { start: 0, count: 1 }))).toBeNull();
  });

  it('the real engine opens only what main handed it, and the key logs it proposed itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-guard-'));
    try {
      const capture = join(CORPUS, 'pcap/wireshark/dns-ooo.pcap');
      const other = join(CORPUS, 'pcap/wireshark/tls-fragmented-handshakes.pcap.gz');
      const [windowEnd, engineEnd] = pipe();
      const allowed = new Set([capture]);
      const close = serveEngine(guardPaths(engineEnd, allowed));
      const client = createEngineClient(windowEnd);
      await expect(client.call('open', { path: other })).rejects.toThrow(/tls-fragmented-handshakes\.pcap\.gz was not opened through Tracelens/);
      await expect(client.call('open', { path: capture, more: ['/etc/passwd'] })).rejects.toThrow(/\/etc\/passwd was not opened through Tracelens/);
      await expect(client.call('open', { path: '/etc/../etc/shadow' })).rejects.toThrow(/not opened through Tracelens/);
      const info = await client.call('open', { path: capture });
      expect(info.name).toBe('dns-ooo.pcap');
      await expect(client.call('addKeylog', { path: '/etc/passwd' })).rejects.toThrow(/not opened through Tracelens/);
      // A key log next to the capture, proposed by the engine, may then be added.
      const capCopy = join(dir, 'c.pcap');
      writeFileSync(capCopy, new Uint8Array(await import('node:fs').then((f) => f.readFileSync(capture))));
      writeFileSync(join(dir, 'c.keys'), `CLIENT_RANDOM ${'ab'.repeat(32)} ${'cd'.repeat(48)}\n`);
      allowed.add(capCopy);
      await client.call('open', { path: capCopy });
      const proposed = await client.call('keylogCandidates', null);
      expect(proposed).toEqual([join(dir, 'c.keys')]);
      await expect(client.call('addKeylog', { path: proposed[0]! })).resolves.toMatchObject({ lines: 1, errors: [] });
      close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ELECTRON_RENDERER_URL', () => {
  it('is honoured in development for a loopback URL only', () => {
    expect(devRendererUrl('http://localhost:5173', false)).toBe('http://localhost:5173/');
    expect(devRendererUrl('http://127.0.0.1:5173/', false)).toBe('http://127.0.0.1:5173/');
    expect(devRendererUrl('https://evil.example/', false)).toBeUndefined();
    expect(devRendererUrl('file:///tmp/x.html', false)).toBeUndefined();
    expect(devRendererUrl('not a url', false)).toBeUndefined();
    expect(devRendererUrl('http://localhost:5173', true)).toBeUndefined();
  });

  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracelens-shell-'));
    fake.app.userData = join(dir, 'userData');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const packaged of [true, false]) {
    it(`${packaged ? 'a packaged app loads its own renderer' : 'a development build loads the dev server'}`, async () => {
      fake.app.isPackaged = packaged;
      runApp({ argv: ['/usr/bin/electron', '.'], cwd: dir, outDir: '/app/out/main', devUrl: 'http://localhost:5173' });
      await fake.app.makeReady();
      expect(fake.BrowserWindow.instances[0]!.loadedUrl).toBe(packaged ? 'tracelens://app/index.html' : 'http://localhost:5173/');
    });
  }
});

describe('Add Key Log in main', () => {
  it('allows the chosen file in the engine before the window is told to add it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracelens-shell-'));
    try {
      fake.app.userData = join(dir, 'userData');
      const cap = join(dir, 'a.pcap');
      writeFileSync(cap, 'x');
      runApp({ argv: ['/usr/bin/electron', '.', cap], cwd: dir, outDir: '/app/out/main' });
      await fake.app.makeReady();
      const w = fake.BrowserWindow.instances[0]!;
      w.finishLoad();
      const engine = forked[0]!;
      expect((setupOf(0) as { allow: string[] }).allow).toEqual([cap]);
      vi.mocked(fake.dialog.showOpenDialog).mockResolvedValueOnce({ canceled: false, filePaths: ['/keys/k.log'] });
      const flat = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] => items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])]);
      const item = flat(fake.Menu.current as MenuItemConstructorOptions[]).find((i) => i.label === 'Add Key Log…')!;
      item.click!({} as never, w as never, {} as never);
      await new Promise((r) => setTimeout(r, 0));
      expect(engine.postMessage).toHaveBeenLastCalledWith({ type: 'allow', paths: ['/keys/k.log'] });
      expect(w.webContents.send).toHaveBeenCalledWith(expect.anything(), 'add-key-log', '/keys/k.log');
      const allowOrder = engine.postMessage.mock.invocationCallOrder.at(-1)!;
      const sendOrder = vi.mocked(w.webContents.send).mock.invocationCallOrder.at(-1)!;
      expect(allowOrder).toBeLessThan(sendOrder);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
