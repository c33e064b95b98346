import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieName, cookieValue, hostAllowed, parseBytes, parseWebArgs, safeDecode, startWebServer, tokenMatches, type WebServer } from '../../electron/web/server.ts';
import { MAX_UPLOAD_BYTES } from '../../electron/engine/host/engine-host.ts';
import type { EngineHostOptions } from '../../electron/engine/host/host-options.ts';
import type { Port, RequestMessage } from '../../shared/rpc.ts';
import { decodeFrame, encodeFrame } from '../../shared/wire.ts';

describe('web server arguments and checks', () => {
  it('parses [FILE [FILE…]] [--port N]', () => {
    const defaults = { file: null, more: [], port: 7450, root: null, maxUpload: MAX_UPLOAD_BYTES, help: false };
    expect(parseWebArgs([])).toEqual(defaults);
    expect(parseWebArgs(['a.pcap', '--port', '9000'])).toEqual({ ...defaults, file: 'a.pcap', port: 9000 });
    expect(parseWebArgs(['--port=0', 'b.scap']).port).toBe(0);
    expect(() => parseWebArgs(['--port', 'x'])).toThrow(/--port/);
    // Several FILEs: strace -ff per-process logs opened as one capture.
    expect(parseWebArgs(['t.1', '--port', '1', 't.2', 't.3'])).toEqual({ ...defaults, file: 't.1', more: ['t.2', 't.3'], port: 1 });
    expect(() => parseWebArgs(['--bogus'])).toThrow(/unknown option/);
    expect(parseWebArgs(['--root', '/srv/caps', '--max-upload=512M']).root).toBe('/srv/caps');
    expect(parseWebArgs(['--max-upload', '512M']).maxUpload).toBe(512 * 1024 ** 2);
    expect(parseWebArgs(['--max-upload', '1000']).maxUpload).toBe(1000);
    expect(() => parseWebArgs(['--max-upload', 'lots'])).toThrow(/--max-upload needs a size/);
    expect(() => parseWebArgs(['--max-upload', '0'])).toThrow(/--max-upload/);
    expect(() => parseWebArgs(['--root'])).toThrow(/--root needs a value/);
    expect(parseBytes('2G')).toBe(2 * 1024 ** 3);
    expect(parseBytes('64KiB')).toBe(64 * 1024);
    expect(parseBytes('1.5G')).toBeNull();
  });

  it('compares tokens and reads cookies and hosts strictly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'ab')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
    expect(cookieValue('x=1; tracelens_token=zz', 'tracelens_token')).toBe('zz');
    expect(cookieValue(undefined, 'tracelens_token')).toBeNull();
    // Malformed percent-escapes used to throw out of decodeURIComponent and end the server.
    expect(cookieValue('tracelens_token=%', 'tracelens_token')).toBe('%');
    expect(cookieValue('tracelens_token=%E0%A4%A', 'tracelens_token')).toBe('%E0%A4%A');
    expect(safeDecode('%E0%A4%A')).toBeNull();
    expect(safeDecode('a%20b')).toBe('a b');
    expect(hostAllowed('127.0.0.1:80', 80)).toBe(true);
    expect(hostAllowed('evil.example:80', 80)).toBe(false);
  });
});

describe('web server over HTTP and WebSocket', () => {
  let server: WebServer;
  let out: string;
  let started = 0;
  let closed = 0;
  let warmWith: string[] | undefined;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'tl-web-'));
    writeFileSync(join(out, 'index.html'), '<!doctype html><title>t</title>');
    // An engine double that echoes typed arrays back, to check the framing end to end.
    const startEngine = (o: EngineHostOptions) => {
      started++;
      warmWith = o.warmWith;
      let h: (m: unknown) => void = () => {};
      const port: Port = {
        postMessage(m) {
          const r = m as RequestMessage<'upload'>;
          queueMicrotask(() => h({ kind: 'response', id: r.id, ok: true, result: { got: r.params.chunk, n: r.params.chunk.length } }));
        },
        onMessage(f) { h = f; },
        close() { closed++; },
      };
      // The first engine is slow to start, so the window's first request arrives before it.
      const handle = { port };
      return started === 1 ? new Promise<typeof handle>((r) => setTimeout(() => r(handle), 300)) : handle;
    };
    server = await startWebServer({ port: 0, outDir: out, startEngine, log: () => {}, file: 'x.pcap', more: ['x.2', '/abs/x.3'], prestart: false, spareDelayMs: 1500 });
  });
  afterAll(async () => {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  });

  const base = () => `http://127.0.0.1:${server.port}`;

  it('refuses requests without the token; the first load trades it for an HttpOnly cookie and a clean URL', async () => {
    expect((await fetch(`${base()}/`)).status).toBe(401);
    expect((await fetch(`${base()}/?token=wrong`)).status).toBe(401);
    const first = await fetch(server.url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    const setCookie = first.headers.get('set-cookie')!;
    expect(setCookie).toMatch(new RegExp(`^${cookieName(server.port)}=${server.token}; `));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    // Other query parameters survive; `//host` cannot redirect off this server.
    expect((await fetch(`${base()}/index.html?x=1&token=${server.token}`, { redirect: 'manual' })).headers.get('location')).toBe('/index.html?x=1');
    const cookie = setCookie.split(';')[0];
    const ok = await fetch(`${base()}/`, { headers: { cookie } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(ok.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ok.headers.get('x-frame-options')).toBe('DENY');
    expect(ok.headers.get('set-cookie')).toBeNull();
    // Another server's cookie (same host, other port) does not open this one.
    expect((await fetch(`${base()}/`, { headers: { cookie: `${cookieName(server.port + 1)}=${server.token}` } })).status).toBe(401);
    const session = await fetch(`${base()}/api/session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(session.headers.get('x-content-type-options')).toBe('nosniff');
    const body = (await session.json()) as { file: string; more: string[] };
    expect(body.file).toMatch(/\/x\.pcap$/);
    // Further FILEs (strace -ff logs) are absolute too, for the window to open with FILE.
    expect(body.more).toEqual([join(process.cwd(), 'x.2'), '/abs/x.3']);
    expect((await fetch(`${base()}/../../etc/passwd`, { headers: { cookie } })).status).toBe(404);
    expect((await fetch(`${base()}/%E0%A4%A`, { headers: { cookie } })).status).toBe(400);
    expect((await fetch(`${base()}/`, { headers: { cookie: `${cookieName(server.port)}=%` } })).status).toBe(401);
  });

  it('rejects WebSocket connections without the token or from another origin', async () => {
    const attempt = (url: string, origin: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url, { headers: { Origin: origin } });
        ws.on('open', () => { ws.close(); resolve('open'); });
        ws.on('error', () => resolve('refused'));
      });
    const origin = base();
    expect(await attempt(`ws://127.0.0.1:${server.port}/engine`, origin)).toBe('refused');
    expect(await attempt(`ws://127.0.0.1:${server.port}/engine?token=${server.token}`, 'http://evil.example')).toBe('refused');
    expect(started).toBe(0);
  });

  it('bridges frames, typed arrays included, to one engine per connection; requests sent before the engine is ready are kept', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/engine?token=${server.token}`, { headers: { Origin: base() } });
    await new Promise((r) => ws.on('open', r));
    const reply = new Promise<unknown>((r) => ws.on('message', (d: Buffer) => r(decodeFrame(new Uint8Array(d)))));
    ws.send(encodeFrame({ kind: 'request', id: 7, method: 'upload', params: { chunk: Uint8Array.of(1, 2, 3), last: true } }));
    const m = (await reply) as { id: number; result: { got: Uint8Array; n: number } };
    expect(m.id).toBe(7);
    expect(m.result.n).toBe(3);
    expect([...m.result.got]).toEqual([1, 2, 3]);
    // One engine for this connection, plus the spare loaded for the next one a little later
    // (not while this one opens its capture).
    expect(started).toBe(1);
    // Its engine warmed on the FILE it will open first (then the samples).
    expect(warmWith?.[0]).toBe(join(process.cwd(), 'x.pcap'));
    for (let i = 0; i < 150 && started < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(started).toBe(2);
    ws.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(1);
  });
});
