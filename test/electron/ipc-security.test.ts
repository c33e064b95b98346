// IPC argument validation, the IPC handlers' sender checks, the CSP, permissions and the app protocol.
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./fake-electron.ts'));

import { FakeFrame, ipcMain, resetFakes, session } from './fake-electron.ts';
import { IpcChannel, RENDERER_TO_MAIN_CHANNELS } from '../../electron/main/ipc-channels.ts';
import {
  checkCapturePath,
  checkNoArgs,
  isAllowedChannel,
  isCommandArg,
  isCommandName,
  isTrustedSenderUrl,
  MAX_PATH_LENGTH,
} from '../../electron/main/ipc-validate.ts';
import { registerIpc, type IpcDeps } from '../../electron/main/ipc.ts';
import { CONTENT_SECURITY_POLICY, devContentSecurityPolicy, hardenSession, isPermissionAllowed } from '../../electron/main/security.ts';
import { APP_ORIGIN, mimeTypeFor, resolveAppRequest } from '../../electron/main/app-protocol.ts';
import { HOST_COMMANDS } from '../../shared/host-bridge.ts';
import type { CaptureWindow, WindowManager } from '../../electron/main/windows.ts';

const exists = (p: string) => p === '/caps/a.pcap';

describe('checkCapturePath', () => {
  it('accepts one absolute path to an existing file, normalised', () => {
    expect(checkCapturePath(['/caps/./x/../a.pcap'], exists)).toEqual({ ok: true, value: '/caps/a.pcap' });
  });
  it.each([
    [[], 'expected one path'],
    [['/caps/a.pcap', 'extra'], 'expected one path'],
    [[42], 'must be a string'],
    [[null], 'got null'],
    [[{ path: '/caps/a.pcap' }], 'must be a string'],
    [[''], 'empty'],
    [['caps/a.pcap'], 'not absolute'],
    [['/caps/a.pcap\0.txt'], 'NUL'],
    [['/' + 'a'.repeat(MAX_PATH_LENGTH)], 'longer than'],
    [['/caps/missing.pcap'], 'not an existing file'],
  ])('rejects %j (%s)', (args, why) => {
    const r = checkCapturePath(args as unknown[], exists);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(why);
  });
  it('treats a throwing file check as "does not exist"', () => {
    const r = checkCapturePath(['/caps/a.pcap'], () => {
      throw new Error('EACCES');
    });
    expect(r.ok).toBe(false);
  });
});

describe('small validators', () => {
  it('channels: only the renderer → main ones', () => {
    for (const c of RENDERER_TO_MAIN_CHANNELS) expect(isAllowedChannel(c)).toBe(true);
    expect(isAllowedChannel(IpcChannel.Command)).toBe(false);
    expect(isAllowedChannel(IpcChannel.EnginePort)).toBe(false);
    expect(isAllowedChannel('tracelens:shell-exec')).toBe(false);
    expect(isAllowedChannel(7)).toBe(false);
  });
  it('no-arg calls reject arguments', () => {
    expect(checkNoArgs([]).ok).toBe(true);
    expect(checkNoArgs([1]).ok).toBe(false);
  });
  it('command names and arguments', () => {
    for (const c of HOST_COMMANDS) expect(isCommandName(c)).toBe(true);
    expect(isCommandName('time-format:delta')).toBe(true);
    expect(isCommandName('Go To')).toBe(false);
    expect(isCommandName('')).toBe(false);
    expect(isCommandName('a'.repeat(300))).toBe(false);
    expect(isCommandArg(undefined)).toBe(true);
    expect(isCommandArg('/k.log')).toBe(true);
    expect(isCommandArg(3)).toBe(false);
  });
  it('trusted sender URLs are our origins only', () => {
    expect(isTrustedSenderUrl('tracelens://app/index.html', [APP_ORIGIN])).toBe(true);
    expect(isTrustedSenderUrl('tracelens://other/index.html', [APP_ORIGIN])).toBe(false);
    expect(isTrustedSenderUrl('file:///app/out/renderer/index.html', [APP_ORIGIN])).toBe(false);
    expect(isTrustedSenderUrl('https://evil.example/', [APP_ORIGIN])).toBe(false);
    expect(isTrustedSenderUrl('http://localhost:5173/', [APP_ORIGIN, 'http://localhost:5173'])).toBe(true);
    expect(isTrustedSenderUrl('not a url', [APP_ORIGIN])).toBe(false);
    expect(isTrustedSenderUrl(undefined, [APP_ORIGIN])).toBe(false);
  });
});

describe('registerIpc', () => {
  beforeEach(() => resetFakes());

  function setup() {
    const sender = { id: 1 };
    const cw = { id: 1, capturePath: '/caps/a.pcap' } as unknown as CaptureWindow;
    const windows = {
      fromWebContents: (c: { id: number }) => (c.id === 1 ? cw : undefined),
      reopen: vi.fn(),
      restartEngine: vi.fn(),
    } as unknown as WindowManager;
    const deps: IpcDeps = {
      windows,
      appOrigins: [APP_ORIGIN],
      isFile: exists,
      showOpenDialog: vi.fn(async () => {}),
      openPath: vi.fn(),
      recentFiles: () => ['/caps/a.pcap'],
      samples: () => [],
    };
    registerIpc(ipcMain as never, deps);
    const frame = new FakeFrame('tracelens://app/index.html');
    const event = { sender, senderFrame: frame };
    const call = (channel: string, e: unknown, ...args: unknown[]) => {
      const h = ipcMain.handlers.get(channel);
      if (!h) throw new Error(`no handler for ${channel}`);
      return h(e, ...args);
    };
    return { deps, cw, event, frame, call, windows };
  }

  it('registers exactly the allowed channels', () => {
    setup();
    const registered = [...ipcMain.handlers.keys(), ...ipcMain.listeners.keys()].sort();
    expect(registered).toEqual([...RENDERER_TO_MAIN_CHANNELS].sort());
  });

  it('answers a trusted window', async () => {
    const { call, event, deps } = setup();
    await call(IpcChannel.OpenPath, event, '/caps/a.pcap');
    expect(deps.openPath).toHaveBeenCalledWith('/caps/a.pcap', expect.objectContaining({ id: 1 }));
    expect(await call(IpcChannel.CapturePath, event)).toBe('/caps/a.pcap');
    expect(await call(IpcChannel.RecentFiles, event)).toEqual(['/caps/a.pcap']);
  });

  it('rejects bad arguments without acting', async () => {
    const { call, event, deps } = setup();
    expect(() => call(IpcChannel.OpenPath, event, 'relative.pcap')).toThrow(/not absolute/);
    expect(() => call(IpcChannel.OpenPath, event, '/caps/missing.pcap')).toThrow(/not an existing file/);
    expect(() => call(IpcChannel.OpenPath, event, ['/caps/a.pcap'])).toThrow(/must be a string/);
    expect(() => call(IpcChannel.CapturePath, event, 'x')).toThrow(/no arguments/);
    await expect(call(IpcChannel.ShowOpenDialog, event, { defaultPath: '/' })).rejects.toThrow(/no arguments/);
    expect(deps.openPath).not.toHaveBeenCalled();
    expect(deps.showOpenDialog).not.toHaveBeenCalled();
  });

  it('rejects subframes, foreign pages and unknown windows', () => {
    const { call, event, frame, deps } = setup();
    const sub = new FakeFrame('tracelens://app/index.html');
    sub.parent = frame;
    expect(() => call(IpcChannel.OpenPath, { ...event, senderFrame: sub }, '/caps/a.pcap')).toThrow(/subframe/);
    expect(() => call(IpcChannel.OpenPath, { ...event, senderFrame: new FakeFrame('https://evil.example/') }, '/caps/a.pcap')).toThrow(/untrusted/);
    expect(() => call(IpcChannel.OpenPath, { ...event, senderFrame: null }, '/caps/a.pcap')).toThrow();
    expect(() => call(IpcChannel.OpenPath, { ...event, sender: { id: 99 } }, '/caps/a.pcap')).toThrow(/unknown window/);
    expect(deps.openPath).not.toHaveBeenCalled();
  });

  it('a port request from a foreign page is ignored', () => {
    const { event, windows } = setup();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const on = ipcMain.listeners.get(IpcChannel.RequestEnginePort)!;
    on({ ...event, senderFrame: new FakeFrame('https://evil.example/') });
    expect(windows.restartEngine).not.toHaveBeenCalled();
    on(event);
    expect(windows.restartEngine).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

describe('CSP, permissions, app protocol', () => {
  it('the CSP allows only our own scripts and no eval, plugins, frames or forms', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    const dev = devContentSecurityPolicy('http://localhost:5173');
    expect(dev).toContain('ws://localhost:5173');
    expect(dev).not.toContain('unsafe-eval');
  });

  it('the session denies permissions except clipboard writes, and sets the CSP header', () => {
    hardenSession(session.defaultSession as never, CONTENT_SECURITY_POLICY);
    const decide = (perm: string) => {
      let answer: boolean | undefined;
      session.defaultSession.permissionRequestHandler?.(null, perm, (v: boolean) => (answer = v));
      return answer;
    };
    expect(decide('media')).toBe(false);
    expect(decide('geolocation')).toBe(false);
    expect(decide('notifications')).toBe(false);
    expect(decide('openExternal')).toBe(false);
    expect(decide('clipboard-sanitized-write')).toBe(true);
    expect(session.defaultSession.permissionCheckHandler?.(null, 'media')).toBe(false);
    expect(isPermissionAllowed('clipboard-read')).toBe(false);
    let headers: unknown;
    session.defaultSession.headersHandler?.({ responseHeaders: { A: ['b'] } }, (r: { responseHeaders: unknown }) => (headers = r.responseHeaders));
    expect(headers).toEqual({ A: ['b'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('the app protocol serves only files inside the renderer directory', () => {
    expect(resolveAppRequest('tracelens://app/index.html', '/r')).toBe('/r/index.html');
    expect(resolveAppRequest('tracelens://app/', '/r')).toBe('/r/index.html');
    expect(resolveAppRequest('tracelens://app/assets/index-abc.js?x=1', '/r')).toBe('/r/assets/index-abc.js');
    expect(resolveAppRequest('tracelens://app/../../etc/passwd', '/r')).toBe('/r/etc/passwd'); // URL parsing clamps ..
    expect(resolveAppRequest('tracelens://app/%2e%2e/%2e%2e/etc/passwd', '/r')).toBe('/r/etc/passwd'); // so are encoded dots
    // An encoded slash survives URL parsing and would climb out after decoding.
    expect(resolveAppRequest('tracelens://app/x%2F..%2F..%2F..%2Fetc%2Fpasswd', '/r')).toBeNull();
    expect(resolveAppRequest('tracelens://app/a%5c..%5c..%5cx', '/r')).toBeNull();
    expect(resolveAppRequest('tracelens://app/a%00b', '/r')).toBeNull();
    expect(resolveAppRequest('tracelens://other/index.html', '/r')).toBeNull();
    expect(resolveAppRequest('file:///etc/passwd', '/r')).toBeNull();
    expect(mimeTypeFor('/r/assets/x.js')).toMatch(/^text\/javascript/);
    expect(mimeTypeFor('/r/index.html')).toMatch(/^text\/html/);
  });
});
