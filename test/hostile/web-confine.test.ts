/**
 * Issue 11 item 13 (browser mode): `open` and `addKeylog` read only the files named on the command
 * line (and key logs beside them), the samples, uploads and files under --root, after resolving
 * symbolic links; a refusal reads nothing and so quotes nothing. On main, `open` of any file on
 * the server answered with its first 16 bytes ("not a capture …: first 16 bytes …").
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineHostOptions } from '../../electron/engine/host/engine-host.ts';
import { confinePath } from '../../electron/engine/host/path-policy.ts';
import { startWebServer } from '../../electron/web/server.ts';
import { engineWith, wsClient } from './web-helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLE = join(ROOT, 'assets/samples/gen-tls13-h2.pcapng');
const SAMPLE_KEYS = join(ROOT, 'assets/samples/gen-tls13-h2.keys');
const SECRET = 'SECRET-CONTENT-4f1c';

let work: string;
let named: string;
let rootDir: string;
let outside: string;
let options: EngineHostOptions;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tl-confine-'));
  mkdirSync(join(work, 'named'));
  named = join(work, 'named/cap.pcapng');
  copyFileSync(SAMPLE, named);
  copyFileSync(SAMPLE_KEYS, join(work, 'named/cap.keys'));
  writeFileSync(join(work, 'named/other.txt'), `${SECRET} beside the named file\n`);
  rootDir = join(work, 'root');
  mkdirSync(join(rootDir, 'sub'), { recursive: true });
  copyFileSync(SAMPLE, join(rootDir, 'sub/inside.pcapng'));
  copyFileSync(SAMPLE_KEYS, join(rootDir, 'sub/inside.keys'));
  writeFileSync(join(rootDir, 'notes.txt'), 'not a capture, but inside --root\n');
  outside = join(work, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), `${SECRET}\n`);
  symlinkSync(join(outside, 'secret.txt'), join(rootDir, 'escape.pcap'));
  symlinkSync(outside, join(rootDir, 'linked-dir'));
  options = { allowed: { files: [named], dirs: [rootDir] } };
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('path confinement', () => {
  it('allows the named file, key logs beside it, and files under the root', () => {
    expect(confinePath(options.allowed!, named)).toBe(named);
    expect(confinePath(options.allowed!, join(work, 'named/cap.keys'))).toBe(join(work, 'named/cap.keys'));
    expect(confinePath(options.allowed!, join(rootDir, 'sub/inside.pcapng'))).toMatch(/sub\/inside\.pcapng$/);
    // A named file that does not exist is the engine's to report ("no such file"), not a refusal.
    expect(confinePath({ files: [join(work, 'gone.pcap')], dirs: [] }, join(work, 'gone.pcap'))).toBe(join(work, 'gone.pcap'));
  });

  const refused: [string, () => string][] = [
    ['a file outside', () => join(outside, 'secret.txt')],
    ['a file beside the named one that is not its key log', () => join(work, 'named/other.txt')],
    ['a file that does not exist (same answer as one that does)', () => join(outside, 'nothing-here')],
    ['a symbolic link under the root to a file outside', () => join(rootDir, 'escape.pcap')],
    ['a path through a linked folder under the root', () => join(rootDir, 'linked-dir/secret.txt')],
    ['.. out of the root', () => `${rootDir}/sub/../../outside/secret.txt`],
    ['the root folder itself', () => rootDir],
    ['a root-prefixed sibling folder', () => `${rootDir}-evil/x`],
    ['/etc/passwd', () => '/etc/passwd'],
  ];
  it.each(refused)('refuses %s', (_name, path) => {
    expect(() => confinePath(options.allowed!, path())).toThrow(/is not open to this window/);
  });

  it('the engine refuses open/addKeylog outside the set without reading the file, and keeps working', async () => {
    const { c, close } = engineWith(options);
    for (const p of [join(outside, 'secret.txt'), join(rootDir, 'escape.pcap'), '/etc/passwd']) {
      const err = await c.call('open', { path: p }).catch((e: Error) => e.message);
      expect(err).toMatch(/is not open to this window/);
      expect(err).not.toContain(SECRET);
      expect(err).not.toMatch(/first 16 bytes|root:/);
    }
    // `more` is checked too (strace -ff logs opened together).
    expect(await c.call('open', { path: named, more: [join(outside, 'secret.txt')] }).catch((e: Error) => e.message)).toMatch(/is not open to this window/);
    const info = await c.call('open', { path: named });
    expect(info.format).toBe('pcapng');
    for (const p of [join(outside, 'secret.txt'), '/etc/shadow', join(rootDir, 'linked-dir/secret.txt')]) {
      const err = await c.call('addKeylog', { path: p }).catch((e: Error) => e.message);
      expect(err).toMatch(/is not open to this window/);
      expect(err).not.toContain(SECRET);
    }
    expect((await c.call('addKeylog', { path: join(work, 'named/cap.keys') })).added).toBeGreaterThan(0);
    // Text and PSKs come from the window itself: nothing to confine.
    const text = await c.call('addKeylog', { text: `CLIENT_RANDOM ${'ab'.repeat(32)} ${'cd'.repeat(48)}\n` });
    expect(text.errors).toEqual([]);
    // Inside the root: a non-capture's error may quote it (the user put it in the allowed set).
    expect(await c.call('open', { path: join(rootDir, 'notes.txt') }).catch((e: Error) => e.message)).toMatch(/not a capture/);
    expect((await c.call('open', { path: join(rootDir, 'sub/inside.pcapng') })).format).toBe('pcapng');
    close();
  });

  it('the CLI and desktop engine (no options) still open any path', async () => {
    const { c, close } = engineWith({});
    expect(await c.call('open', { path: join(outside, 'secret.txt') }).catch((e: Error) => e.message)).toMatch(/not a capture/);
    close();
  });

  it('browser mode passes the set to its worker engines: FILE, samples, --root', async () => {
    const server = await startWebServer({ port: 0, file: named, root: rootDir, log: () => {}, prestart: false, tempDir: work });
    try {
      const { c, ws } = await wsClient(server);
      const err = await c.call('open', { path: join(outside, 'secret.txt') }).catch((e: Error) => e.message);
      expect(err).toMatch(/is not open to this window/);
      expect(err).not.toContain(SECRET);
      expect((await c.call('open', { path: named })).format).toBe('pcapng');
      expect((await c.call('open', { path: join(rootDir, 'sub/inside.pcapng') })).format).toBe('pcapng');
      expect((await c.call('open', { path: SAMPLE })).format).toBe('pcapng');
      expect((await c.call('addKeylog', { path: SAMPLE_KEYS })).added).toBeGreaterThan(0);
      ws.close();
    } finally {
      await server.close();
    }
    await expect(startWebServer({ port: 0, root: join(work, 'no-such-dir'), log: () => {}, prestart: false, tempDir: work })).rejects.toThrow(/--root .*no such folder/);
  });
});
