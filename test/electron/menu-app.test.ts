// Menu template, app lifecycle (single instance, open-file, command line, recent list) and the
// preload's bridge, with `electron` replaced by test/electron/fake-electron.ts.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('./fake-electron.ts'));

import * as fake from './fake-electron.ts';
import { buildMenuTemplate, type MenuActions } from '../../electron/main/menu.ts';
import { runApp } from '../../electron/main/app.ts';
import { IpcChannel } from '../../electron/main/ipc-channels.ts';
import { listSampleCaptures, samplesDir } from '../../electron/main/samples.ts';
import { SAMPLE_FILES, type SampleCapture } from '../../shared/samples.ts';
import { addRecent, parseRecentJson, serializeRecent } from '../../electron/main/recent.ts';
import { HOST_COMMANDS } from '../../shared/host-bridge.ts';
import { TIME_FORMATS } from '../../renderer/table/format.ts';
import { STATS_VIEWS } from '../../shared/stats-views.ts';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

const accelsOf = (items: MenuItemConstructorOptions[]): unknown[] => items.map((i) => i.accelerator).filter(Boolean);

function actions(): MenuActions & { sent: [string, string | undefined][] } {
  const sent: [string, string | undefined][] = [];
  return {
    sent,
    openDialog: vi.fn(),
    openRecent: vi.fn(),
    clearRecent: vi.fn(),
    addKeyLog: vi.fn(),
    send: (_w, command, arg) => sent.push([command, arg]),
    about: vi.fn(),
  };
}

const baseState = { appName: 'Tracelens', platform: 'linux' as NodeJS.Platform, recent: [] as string[], timeFormat: 'relative' as const, devTools: false };

describe('menu template', () => {
  it('has the menus and shortcuts of the issue', () => {
    const t = buildMenuTemplate(actions(), baseState);
    expect(t.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Go', '&Capture', '&Analyze', '&Statistics', '&Help']);
    const all = flatten(t);
    const acc = (label: string) => all.find((i) => i.label === label)?.accelerator;
    expect(acc('Open…')).toBe('CmdOrCtrl+O');
    expect(acc('Go to Event…')).toBe('CmdOrCtrl+G');
    expect(acc('Next Event')).toBe('CmdOrCtrl+Down');
    expect(acc('Previous Event')).toBe('CmdOrCtrl+Up');
    expect(acc('First Event')).toBe('CmdOrCtrl+Home');
    expect(acc('Last Event')).toBe('CmdOrCtrl+End');
    expect(all.find((i) => i.role === 'copy')?.accelerator).toBe('CmdOrCtrl+C');
    expect(all.find((i) => i.role === 'close')?.accelerator).toBe('CmdOrCtrl+W');
    expect(all.find((i) => i.role === 'quit')?.accelerator).toBe('CmdOrCtrl+Q');
    for (const role of ['zoomIn', 'zoomOut', 'resetZoom']) expect(all.some((i) => i.role === role)).toBe(true);
    for (const label of ['Open Recent', 'Add Key Log…', 'Columns…', 'Keyboard Shortcuts', 'Field Reference', 'About Tracelens', 'Time Display Format', 'Expert Information'])
      expect(all.some((i) => i.label === label)).toBe(true);
    // Ctrl+/ is the window's "focus the display filter" (as in Wireshark): Help ▸ Keyboard Shortcuts is F1.
    expect(acc('Keyboard Shortcuts')).toBe('F1');
    expect(accelsOf(all)).not.toContain('CmdOrCtrl+/');
    // Wireshark's View ▸ Time Display Format accelerators.
    expect(acc('Date and Time of Day')).toBe('CmdOrCtrl+Alt+1');
    expect(acc('Seconds Since Beginning of Capture')).toBe('CmdOrCtrl+Alt+4');
    expect(acc('Seconds Since Previous Captured Event')).toBe('CmdOrCtrl+Alt+5');
    expect(acc('Seconds Since Previous Displayed Event')).toBe('CmdOrCtrl+Alt+6');
    expect(acc('UTC Date and Time of Day')).toBe('CmdOrCtrl+Alt+7');
    const file = t[0]!.submenu as MenuItemConstructorOptions[];
    expect(file.map((i) => i.label).filter(Boolean)).toEqual(['Open…', 'Open Recent', 'Add Key Log…', 'Export TLS Session Keys…', 'Export', 'Close', 'Quit']);
    // No accelerator is bound twice.
    const accels = all.map((i) => i.accelerator).filter(Boolean);
    expect(new Set(accels).size).toBe(accels.length);
    // No developer tools in a packaged build.
    expect(all.some((i) => i.role === 'toggleDevTools')).toBe(false);
  });

  it('window items send commands; time formats are radio items', () => {
    const a = actions();
    const all = flatten(buildMenuTemplate(a, { ...baseState, timeFormat: 'delta' }));
    const click = (label: string) => all.find((i) => i.label === label)!.click!({} as never, undefined, {} as never);
    click('Go to Event…');
    click('Last Event');
    click('Seconds Since Previous Displayed Event');
    click('Keyboard Shortcuts');
    click('Field Reference');
    click('Columns…');
    click('Export TLS Session Keys…');
    click('HTTP Archive (HAR)…');
    expect(a.sent.map((s) => s[0])).toEqual(['go-to-event', 'last-event', 'time-format:delta', 'keyboard-shortcuts', 'field-reference', 'columns', 'export-keylog', 'export-har']);
    const radios = all.filter((i) => i.type === 'radio');
    expect(radios).toHaveLength(5);
    expect(radios.filter((r) => r.checked).map((r) => r.label)).toEqual(['Seconds Since Previous Displayed Event']);
    // The five formats of the window, each sent as its HostCommand.
    a.sent.length = 0;
    for (const r of radios) r.click!({} as never, undefined, {} as never);
    const sent = a.sent.map((s) => s[0]);
    expect(sent).toEqual(['time-format:absolute', 'time-format:utc', 'time-format:relative', 'time-format:delta-captured', 'time-format:delta']);
    for (const c of sent) expect(HOST_COMMANDS as readonly string[]).toContain(c);
    expect(TIME_FORMATS.map((f) => f.id).sort()).toEqual(sent.map((c) => c.slice('time-format:'.length)).sort());
    const utc = flatten(buildMenuTemplate(a, { ...baseState, timeFormat: 'utc' })).filter((i) => i.type === 'radio' && i.checked);
    expect(utc.map((r) => r.label)).toEqual(['UTC Date and Time of Day']);
  });

  it('Statistics opens each of the window\'s statistics views, as Wireshark orders them', () => {
    const a = actions();
    const stats = buildMenuTemplate(a, baseState).find((m) => m.label === '&Statistics')!;
    const items = stats.submenu as MenuItemConstructorOptions[];
    expect(items.map((i) => i.label ?? '-')).toEqual(['Protocol Hierarchy', 'Conversations', 'Endpoints', '-', 'I/O Graph', 'I/O Statistics', '-', 'DNS', 'HTTP', '-', 'Syscall Overview']);
    const http = items.find((i) => i.label === 'HTTP')!.submenu as MenuItemConstructorOptions[];
    expect(http.map((i) => i.label)).toEqual(['Packet Counter', 'Status Codes and Methods', 'Response Time', 'Requests', 'Load Distribution']);
    for (const i of flatten(items)) if (i.click) i.click({} as never, undefined, {} as never);
    expect(a.sent.every(([c]) => c === 'statistics')).toBe(true);
    expect(HOST_COMMANDS as readonly string[]).toContain('statistics');
    // Every view once, and nothing the window does not know.
    expect(a.sent.map(([, v]) => v).sort()).toEqual([...STATS_VIEWS].sort());
  });

  it('Open Recent lists the files and can be cleared; macOS gets the app menu', () => {
    const a = actions();
    const t = buildMenuTemplate(a, { ...baseState, platform: 'darwin', recent: ['/c/a.pcap', '/c/b.scap'] });
    expect(t[0]!.label).toBe('Tracelens');
    const recent = flatten(t).find((i) => i.label === 'Open Recent')!.submenu as MenuItemConstructorOptions[];
    expect(recent.map((i) => i.label)).toEqual(['a.pcap', 'b.scap', undefined, 'Clear Recent']);
    recent[1]!.click!({} as never, undefined, {} as never);
    expect(a.openRecent).toHaveBeenCalledWith('/c/b.scap');
    const empty = flatten(buildMenuTemplate(a, baseState)).find((i) => i.label === 'Clear Recent');
    expect(empty?.enabled).toBe(false);
  });
});

describe('recent list', () => {
  it('moves to front, de-duplicates, caps, and survives bad JSON', () => {
    expect(addRecent(['/a', '/b', '/c'], '/b')).toEqual(['/b', '/a', '/c']);
    expect(addRecent(['/a', '/b'], '/c', 2)).toEqual(['/c', '/a']);
    expect(parseRecentJson(serializeRecent(['/a', '/b']))).toEqual(['/a', '/b']);
    expect(parseRecentJson('{')).toEqual([]);
    expect(parseRecentJson('{"files": ["/ok", 3, "relative", "/ok", "/n\\u0000"]}')).toEqual(['/ok']);
  });
});

describe('runApp', () => {
  let dir: string;
  let capA: string;
  let capB: string;
  beforeEach(() => {
    fake.resetFakes();
    dir = mkdtempSync(join(tmpdir(), 'tracelens-shell-'));
    fake.app.userData = join(dir, 'userData');
    capA = join(dir, 'a.pcap');
    capB = join(dir, 'b.strace');
    writeFileSync(capA, 'x');
    writeFileSync(capB, 'y');
  });

  const opts = () => ({ argv: ['/usr/bin/electron', '.'], cwd: dir, outDir: '/app/out/main' });

  it('a second instance quits at once and hands over its argv and cwd', () => {
    fake.app.gotLock = false;
    const shell = runApp({ ...opts(), argv: ['/usr/bin/electron', '.', 'a.pcap'] });
    expect(shell).toBeNull();
    expect(fake.app.quit).toHaveBeenCalled();
    expect(fake.app.lockData).toEqual({ argv: ['/usr/bin/electron', '.', 'a.pcap'], cwd: dir });
    expect(fake.BrowserWindow.instances).toHaveLength(0);
  });

  it('opens a welcome window when started without a file', async () => {
    runApp(opts());
    expect(fake.BrowserWindow.instances).toHaveLength(0);
    await fake.app.makeReady();
    expect(fake.BrowserWindow.instances).toHaveLength(1);
    expect(fake.BrowserWindow.instances[0]!.loadedUrl).toBe('tracelens://app/index.html');
    expect(fake.protocol.handlers.has('tracelens')).toBe(true);
    expect(fake.Menu.setApplicationMenu).toHaveBeenCalled();
  });

  it('opens the command-line file, records it as recent, and serves its path to the window', async () => {
    runApp({ ...opts(), argv: ['/usr/bin/electron', '--inspect', '.', 'a.pcap'] });
    await fake.app.makeReady();
    expect(fake.BrowserWindow.instances).toHaveLength(1);
    const w = fake.BrowserWindow.instances[0]!;
    expect(w.title).toBe('a.pcap — Tracelens');
    expect(fake.app.addRecentDocument).toHaveBeenCalledWith(capA);
    expect(JSON.parse(readFileSync(join(fake.app.userData, 'recent.json'), 'utf8')).files).toEqual([capA]);
    // The window asks which capture it shows.
    const event = { sender: w.webContents, senderFrame: w.webContents.mainFrame };
    expect(await fake.ipcMain.handlers.get(IpcChannel.CapturePath)!(event)).toBe(capA);
    // The engine is the built engine.js next to the main bundle.
    w.finishLoad();
    expect(fake.forked[0]!.modulePath).toBe('/app/out/main/engine.js');
    expect(w.options.webPreferences?.preload).toBe('/app/out/preload/index.cjs');
  });

  it('macOS open-file before ready is queued, then opened instead of the welcome window', async () => {
    runApp(opts());
    const ev = { preventDefault: vi.fn() };
    fake.app.emit('open-file', ev, capB);
    expect(ev.preventDefault).toHaveBeenCalled();
    await fake.app.makeReady();
    expect(fake.BrowserWindow.instances.map((w) => w.title)).toEqual(['b.strace — Tracelens']);
  });

  it("second-instance opens the other launch's file in a new window; the same file again only focuses", async () => {
    runApp({ ...opts(), argv: ['/usr/bin/electron', '.', capA] });
    await fake.app.makeReady();
    fake.app.emit('second-instance', {}, ['/usr/bin/electron', '--some-switch', 'garbage'], '/nowhere', { argv: ['/usr/bin/electron', '.', 'b.strace'], cwd: dir });
    expect(fake.BrowserWindow.instances.map((w) => w.title)).toEqual(['a.pcap — Tracelens', 'b.strace — Tracelens']);
    fake.app.emit('second-instance', {}, [], dir, { argv: ['/usr/bin/electron', '.', capA], cwd: dir });
    expect(fake.BrowserWindow.instances).toHaveLength(2);
    expect(fake.BrowserWindow.instances[0]!.focus).toHaveBeenCalled();
    // A bare second launch focuses the existing window.
    fake.app.emit('second-instance', {}, ['/usr/bin/electron', '.'], dir, { argv: ['/usr/bin/electron', '.'], cwd: dir });
    expect(fake.BrowserWindow.instances).toHaveLength(2);
  });

  it('a drop on the welcome window (openPath over IPC) opens the capture in that window', async () => {
    runApp(opts());
    await fake.app.makeReady();
    const w = fake.BrowserWindow.instances[0]!;
    const event = { sender: w.webContents, senderFrame: w.webContents.mainFrame };
    await fake.ipcMain.handlers.get(IpcChannel.OpenPath)!(event, capB);
    expect(fake.BrowserWindow.instances).toHaveLength(1);
    expect(w.title).toBe('b.strace — Tracelens');
    expect(w.webContents.reload).toHaveBeenCalled();
    expect(() => fake.ipcMain.handlers.get(IpcChannel.OpenPath)!(event, join(dir, 'missing.pcap'))).toThrow(/not an existing file/);
  });

  it('lists the sample captures shipped in assets/samples, with the key log of the TLS one', async () => {
    fake.app.appPath = resolve(import.meta.dirname, '../..');
    runApp(opts());
    await fake.app.makeReady();
    const w = fake.BrowserWindow.instances[0]!;
    const event = { sender: w.webContents, senderFrame: w.webContents.mainFrame };
    const samples = (await fake.ipcMain.handlers.get(IpcChannel.Samples)!(event)) as SampleCapture[];
    expect(samples.map((s) => s.name)).toEqual(SAMPLE_FILES.map((s) => s.name));
    for (const s of samples) expect(existsSync(s.path)).toBe(true);
    expect(samples.find((s) => s.name.endsWith('.pcapng'))?.keylog).toMatch(/gen-tls13-h2\.keys$/);
    expect(samples.find((s) => s.name.endsWith('.scap'))?.keylog).toBeUndefined();
    expect(listSampleCaptures('/nowhere')).toEqual([]);
    expect(samplesDir(true, '/opt/Tracelens/resources', '/x')).toBe('/opt/Tracelens/resources/samples');
  });

  it('Statistics ▸ Conversations reaches the focused window as the statistics command', async () => {
    runApp({ ...opts(), argv: ['/usr/bin/electron', '.', capA] });
    await fake.app.makeReady();
    const w = fake.BrowserWindow.instances[0]!;
    const item = flatten(fake.Menu.current as MenuItemConstructorOptions[]).find((i) => i.label === 'Conversations')!;
    item.click!({} as never, w as never, {} as never);
    expect(w.webContents.send).toHaveBeenCalledWith(IpcChannel.Command, 'statistics', 'conv');
  });

  it('File → Open… with several files: one window, whose engine is asked to open them as one capture', async () => {
    runApp(opts());
    await fake.app.makeReady();
    const capC = join(dir, 'b.strace.2');
    writeFileSync(capC, 'z');
    fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [capB, capC] });
    const template = fake.Menu.current as MenuItemConstructorOptions[];
    const open = () => flatten(fake.Menu.current as MenuItemConstructorOptions[]).find((i) => i.label === 'Open…')!.click!({} as never, fake.BrowserWindow.instances[0] as never, {} as never);
    expect(template).toBeDefined();
    open();
    await new Promise((r) => setTimeout(r, 0));
    // The welcome window takes the capture; main does not read the files (the engine decides).
    expect(fake.BrowserWindow.instances.map((w) => w.title)).toEqual(['b.strace (+1 more) — Tracelens']);
    const w = fake.BrowserWindow.instances[0]!;
    const event = { sender: w.webContents, senderFrame: w.webContents.mainFrame };
    expect(await fake.ipcMain.handlers.get(IpcChannel.CapturePath)!(event)).toBe(capB);
    expect(await fake.ipcMain.handlers.get(IpcChannel.CapturePaths)!(event)).toEqual([capB, capC]);
    expect(() => fake.ipcMain.handlers.get(IpcChannel.CapturePaths)!(event, 'x')).toThrow(/no arguments/);
    expect(JSON.parse(readFileSync(join(fake.app.userData, 'recent.json'), 'utf8')).files).toEqual([capC, capB]);
    // The same selection again only focuses that window.
    fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [capB, capC] });
    open();
    await new Promise((r) => setTimeout(r, 0));
    expect(fake.BrowserWindow.instances).toHaveLength(1);
    // If the engine refuses the merge, the window asks for the others one by one (OpenPath): new windows.
    await fake.ipcMain.handlers.get(IpcChannel.OpenPath)!(event, capA);
    expect(fake.BrowserWindow.instances.map((x) => x.title)).toEqual(['b.strace (+1 more) — Tracelens', 'a.pcap — Tracelens']);
    // A single file still opens on its own.
    fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [capC] });
    open();
    await new Promise((r) => setTimeout(r, 0));
    expect(fake.BrowserWindow.instances.map((x) => x.title).at(-1)).toBe('b.strace.2 — Tracelens');
  });

  it('File → Open… of a pcap and an strace (a capture set): the dialog takes several files, one window gets both', async () => {
    runApp(opts());
    await fake.app.makeReady();
    fake.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [capA, capB] });
    flatten(fake.Menu.current as MenuItemConstructorOptions[]).find((i) => i.label === 'Open…')!.click!({} as never, fake.BrowserWindow.instances[0] as never, {} as never);
    await new Promise((r) => setTimeout(r, 0));
    // The picker was asked for several files, with the capture formats a set mixes.
    const call = fake.dialog.showOpenDialog.mock.calls.at(-1) as unknown[];
    const dialogOpts = call.at(-1) as { properties: string[]; filters: { name: string; extensions: string[] }[] };
    expect(dialogOpts.properties).toEqual(expect.arrayContaining(['openFile', 'multiSelections']));
    expect(dialogOpts.filters[0].extensions).toEqual(expect.arrayContaining(['pcap', 'pcapng', 'strace']));
    expect(fake.BrowserWindow.instances.map((w) => w.title)).toEqual(['a.pcap (+1 more) — Tracelens']);
    const w = fake.BrowserWindow.instances[0]!;
    const event = { sender: w.webContents, senderFrame: w.webContents.mainFrame };
    // The window's engine is handed both (renderer/app/App.tsx opens them as { path, more }).
    expect(await fake.ipcMain.handlers.get(IpcChannel.CapturePaths)!(event)).toEqual([capA, capB]);
  });
});

describe('preload bridge', () => {
  it('exposes the HostBridge as window.tracelens and forwards the engine port as a window message', async () => {
    fake.resetFakes();
    const posted: unknown[][] = [];
    vi.stubGlobal('window', { location: { origin: 'tracelens://app' }, postMessage: (...a: unknown[]) => posted.push(a) });
    await import('../../electron/preload/index.ts');
    expect(fake.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [name, bridge] = fake.contextBridge.exposeInMainWorld.mock.calls[0] as unknown as [string, Record<string, unknown>];
    expect(name).toBe('tracelens');
    expect(bridge.mode).toBe('desktop');
    for (const m of ['connectEngine', 'pathForFile', 'showOpenDialog', 'openPath', 'recentFiles', 'onCommand', 'capturePath', 'capturePaths', 'reopen', 'requestEnginePort', 'samples'])
      expect(typeof bridge[m]).toBe('function');

    const onPort = fake.ipcRenderer.on.mock.calls.find((c) => c[0] === IpcChannel.EnginePort)![1] as (e: unknown) => void;
    const port = { fake: 'port' };
    onPort({ ports: [port] });
    expect(posted).toEqual([[{ type: 'tracelens-engine-port' }, 'tracelens://app', [port]]]);

    const pathForFile = bridge.pathForFile as (f: unknown) => string | null;
    fake.webUtils.getPathForFile.mockReturnValueOnce('');
    expect(pathForFile({})).toBeNull();
    fake.webUtils.getPathForFile.mockReturnValueOnce('/c/a.pcap');
    expect(pathForFile({})).toBe('/c/a.pcap');

    const got: [string, string | undefined][] = [];
    const off = (bridge.onCommand as (h: (c: string, a?: string) => void) => () => void)((c, a) => got.push([c, a]));
    const listener = fake.ipcRenderer.on.mock.calls.find((c) => c[0] === IpcChannel.Command)![1] as (...a: unknown[]) => void;
    listener({}, 'go-to-event');
    listener({}, 'add-key-log', '/k.log');
    listener({}, { evil: true });
    listener({}, 'BAD NAME');
    expect(got).toEqual([
      ['go-to-event', undefined],
      ['add-key-log', '/k.log'],
    ]);
    off();
    expect(fake.ipcRenderer.removeListener).toHaveBeenCalledWith(IpcChannel.Command, listener);
    await expect((bridge.connectEngine as () => Promise<unknown>)()).rejects.toThrow(/tracelens-engine-port/);
    vi.unstubAllGlobals();
  });
});
