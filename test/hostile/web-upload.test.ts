/**
 * Issue 11 item 8 (browser-mode uploads): an upload is bounded (declared size against
 * --max-upload, received bytes against the declared size), lives in a 0700 folder, and is
 * deleted on the next open, on close, when its WebSocket closes, when the server stops
 * (close, SIGINT, SIGTERM); folders a killed server left are swept at the next start. On main,
 * uploads were never deleted and could exceed their declared size.
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, sweepStaleDirs } from '../../electron/web/server.ts';
import type { EngineClient } from '../../shared/engine-client.ts';
import { engineWith, eventually, wsClient } from './web-helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLE = join(ROOT, 'assets/samples/gen-tls13-h2.pcapng');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tl-upload-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Upload `bytes` as the window does: openUpload, then chunks, the last one marked. */
async function upload(c: EngineClient, name: string, bytes: Uint8Array, chunk = 4096, declared = bytes.length): Promise<void> {
  await c.call('openUpload', { name, size: declared });
  for (let off = 0; off < bytes.length || off === 0; off += chunk) {
    const end = Math.min(bytes.length, off + chunk);
    await c.call('upload', { chunk: bytes.slice(off, end), last: end >= bytes.length });
    if (end >= bytes.length) break;
  }
}

const entries = (d: string): string[] => (existsSync(d) ? readdirSync(d) : []);

describe('uploads in the engine', () => {
  const capture = new Uint8Array(readFileSync(SAMPLE));

  it('refuses an upload declared larger than the limit, before writing anything', async () => {
    const dir = mkdtempSync(join(work, 'e-'));
    const { c, close } = engineWith({ uploadDir: dir, maxUploadBytes: 1000 });
    const err = await c.call('openUpload', { name: 'big.pcap', size: 1001 }).catch((e: Error) => e.message);
    expect(err).toBe('big.pcap is 1001 bytes, more than the upload limit of 1000 bytes (npm run web -- --max-upload BYTES raises it, or name the file on its command line)');
    expect(entries(dir)).toEqual([]);
    close();
  });

  it('discards an upload that sends more, or fewer, bytes than it declared', async () => {
    const dir = mkdtempSync(join(work, 'e-'));
    const { c, close } = engineWith({ uploadDir: dir, maxUploadBytes: 1 << 20 });
    await c.call('openUpload', { name: 'a.pcap', size: 10 });
    expect(entries(dir)).toHaveLength(1);
    await c.call('upload', { chunk: new Uint8Array(6), last: false });
    expect(await c.call('upload', { chunk: new Uint8Array(6), last: false }).catch((e: Error) => e.message)).toMatch(/sent more than the 10 bytes it declared; discarded/);
    expect(entries(dir)).toEqual([]);
    expect(await c.call('upload', { chunk: new Uint8Array(1), last: true }).catch((e: Error) => e.message)).toMatch(/upload without openUpload/);
    await c.call('openUpload', { name: 'b.pcap', size: 10 });
    expect(await c.call('upload', { chunk: new Uint8Array(5), last: true }).catch((e: Error) => e.message)).toMatch(/ended after 5 of the 10 bytes it declared; discarded/);
    expect(entries(dir)).toEqual([]);
    close();
  });

  it('keeps an upload in a 0700 folder, 0600 file, and deletes it on the next upload, the next open and close', async () => {
    const dir = mkdtempSync(join(work, 'e-'));
    const { c, close } = engineWith({ uploadDir: dir, maxUploadBytes: 1 << 30, allowed: { files: [SAMPLE], dirs: [] } });
    await upload(c, 'first.pcapng', capture);
    const info = await c.call('info', null);
    expect(info.format).toBe('pcapng');
    expect(info.name).toBe('first.pcapng');
    const [one] = entries(dir);
    expect(statSync(join(dir, one)).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, one, 'first.pcapng')).mode & 0o777).toBe(0o600);
    await upload(c, 'second.pcapng', capture, 1000);
    expect(entries(dir)).toHaveLength(1);
    expect(entries(dir)[0]).not.toBe(one);
    expect((await c.call('info', null)).name).toBe('second.pcapng');
    await c.call('open', { path: SAMPLE });
    expect(entries(dir)).toEqual([]);
    await upload(c, 'third.pcapng', capture);
    // A path the window makes up is refused, but the upload folder itself is allowed.
    expect(await c.call('open', { path: join(dir, '..', 'x') }).catch((e: Error) => e.message)).toMatch(/is not open to this window/);
    close();
    expect(entries(dir)).toEqual([]);
  });
});

describe('uploads in browser mode', () => {
  it('removes an engine’s upload folder when its WebSocket closes, and the server folder on close', async () => {
    const temp = mkdtempSync(join(work, 'srv-'));
    const server = await startWebServer({ port: 0, log: () => {}, prestart: false, tempDir: temp, maxUpload: 1 << 30 });
    expect(server.tempDir.startsWith(join(temp, `tracelens-web-${process.pid}-`))).toBe(true);
    expect(statSync(server.tempDir).mode & 0o777).toBe(0o700);
    const { c, ws } = await wsClient(server);
    await upload(c, 'up.pcapng', new Uint8Array(readFileSync(SAMPLE)));
    expect((await c.call('info', null)).format).toBe('pcapng');
    const engines = entries(server.tempDir);
    expect(engines.length).toBeGreaterThanOrEqual(1);
    const mine = engines.find((e) => entries(join(server.tempDir, e)).length > 0)!;
    expect(mine).toBeDefined();
    ws.close();
    expect(await eventually(() => !existsSync(join(server.tempDir, mine)))).toBe(true);
    await server.close();
    expect(existsSync(server.tempDir)).toBe(false);
  });

  it('honours --max-upload in the worker engines', async () => {
    const temp = mkdtempSync(join(work, 'srv-'));
    const server = await startWebServer({ port: 0, log: () => {}, prestart: false, tempDir: temp, maxUpload: 100 });
    try {
      const { c, ws } = await wsClient(server);
      expect(await c.call('openUpload', { name: 'x.pcap', size: 101 }).catch((e: Error) => e.message)).toMatch(/upload limit of 100 bytes/);
      ws.close();
    } finally {
      await server.close();
    }
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('removes the server folder on %s', async (signal) => {
    const temp = mkdtempSync(join(work, 'sig-'));
    const proc = spawn(process.execPath, ['--import', 'tsx', 'electron/web/server.ts', '--port', '0'], { cwd: ROOT, env: { ...process.env, TMPDIR: temp }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`server did not start: ${out}`)), 60_000);
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (/token=/.test(out)) {
          clearTimeout(timer);
          res();
        }
      });
    });
    const dirs = entries(temp).filter((n) => n.startsWith(`tracelens-web-${proc.pid}-`));
    expect(dirs).toHaveLength(1);
    const code = new Promise<string>((r) => proc.once('exit', (c, sig) => r(`${c} ${sig}`)));
    proc.kill(signal);
    expect(await code, out).toBe('0 null');
    expect(existsSync(join(temp, dirs[0]))).toBe(false);
  });
});

describe('sweeping folders left by dead servers', () => {
  /** A pid that no process has now. */
  const deadPid = (): number => {
    for (let p = 4_000_000; p > 1000; p -= 997) {
      try {
        process.kill(p, 0);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ESRCH') return p;
      }
    }
    throw new Error('no free pid found');
  };

  it('removes only our stale folders: named like ours, real folders owned by this user, a day old, pid not running', () => {
    const temp = mkdtempSync(join(work, 'sweep-'));
    const dead = deadPid();
    const day = 24 * 3600 * 1000;
    const now = Date.now();
    const make = (name: string, ageMs: number): string => {
      const p = join(temp, name);
      mkdirSync(p, { mode: 0o700 });
      writeFileSync(join(p, 'upload.pcap'), 'x');
      const t = (now - ageMs) / 1000;
      utimesSync(p, t, t);
      return p;
    };
    const stale = make(`tracelens-web-${dead}-abc123`, 2 * day);
    const oldStyle = make('tracelens-upload-Xy12Zq', 2 * day);
    const young = make(`tracelens-web-${dead}-young1`, 3600 * 1000);
    const live = make(`tracelens-web-${process.ppid}-live01`, 2 * day);
    const self = make(`tracelens-web-${process.pid}-self01`, 2 * day);
    const unrelated = make('something-else', 2 * day);
    const target = make('target', 2 * day);
    symlinkSync(target, join(temp, `tracelens-web-${dead}-link01`));
    writeFileSync(join(temp, `tracelens-web-${dead}-file01`), 'x');
    const kept = [young, live, self, unrelated, target, join(temp, `tracelens-web-${dead}-link01`), join(temp, `tracelens-web-${dead}-file01`)];
    if (process.getuid?.() === 0) {
      const foreign = make(`tracelens-web-${dead}-other1`, 2 * day);
      chownSync(foreign, 65534, 65534);
      const t = (now - 2 * day) / 1000;
      utimesSync(foreign, t, t);
      kept.push(foreign);
    }
    chmodSync(temp, 0o1777);
    const removed = sweepStaleDirs(temp, now).sort();
    expect(removed).toEqual([stale, oldStyle].sort());
    for (const p of removed) expect(existsSync(p)).toBe(false);
    for (const p of kept) expect(existsSync(p), p).toBe(true);
    // The link's target survives: the sweep never follows links.
    expect(existsSync(join(target, 'upload.pcap'))).toBe(true);
    // Ten days on, with another uid required: nothing here is that user's, nothing goes.
    expect(sweepStaleDirs(temp, now + 10 * day, 4242)).toEqual([]);
  });

  it('runs at server start', async () => {
    const temp = mkdtempSync(join(work, 'start-'));
    const p = join(temp, `tracelens-web-${deadPid()}-left01`);
    mkdirSync(p, { mode: 0o700 });
    const t = (Date.now() - 2 * 24 * 3600 * 1000) / 1000;
    utimesSync(p, t, t);
    const lines: string[] = [];
    const server = await startWebServer({ port: 0, log: (l) => lines.push(l), prestart: false, tempDir: temp });
    await server.close();
    expect(existsSync(p)).toBe(false);
    expect(lines.join('\n')).toContain(`removed ${p}, left by a server that is no longer running`);
  });
});
