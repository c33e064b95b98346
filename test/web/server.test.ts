import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieValue, hostAllowed, parseWebArgs, startWebServer, tokenMatches, type WebServer } from '../../electron/web/server.ts';
import type { Port, RequestMessage } from '../../shared/rpc.ts';
import { decodeFrame, encodeFrame } from '../../shared/wire.ts';

describe('web server arguments and checks', () => {
  it('parses [FILE [FILE…]] [--port N]', () => {
    expect(parseWebArgs([])).toEqual({ file: null, more: [], port: 7450, help: false });
    expect(parseWebArgs(['a.pcap', '--port', '9000'])).toEqual({ file: 'a.pcap', more: [], port: 9000, help: false });
    expect(parseWebArgs(['--port=0', 'b.scap']).port).toBe(0);
    expect(() => parseWebArgs(['--port', 'x'])).toThrow(/--port/);
    // Several FILEs: strace -ff per-process logs opened as one capture.
    expect(parseWebArgs(['t.1', '--port', '1', 't.2', 't.3'])).toEqual({ file: 't.1', more: ['t.2', 't.3'], port: 1, help: false });
    expect(() => parseWebArgs(['--bogus'])).toThrow(/unknown option/);
  });

  it('compares tokens and reads cookies and hosts strictly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'ab')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
    expect(cookieValue('x=1; tracelens_token=zz', 'tracelens_token')).toBe('zz');
    expect(cookieValue(undefined, 'tracelens_token')).toBeNull();
    expect(hostAllowed('127.0.0.1:80', 80)).toBe(true);
    expect(hostAllowed('evil.example:80', 80)).toBe(false);
  });
});

describe('web server over HTTP and WebSocket', () => {
  let server: WebServer;
  let started = 0;
  let closed = 0;
  beforeAll(async () => {
    const out = mkdtempSync(join(tmpdir(), 'tl-web-'));
    writeFileSync(join(out, 'index.html'), '<!doctype html><title>t</title>');
    // An engine double that echoes typed arrays back, to check the framing end to end.
    const startEngine = () => {
      started++;
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
    server = await startWebServer({ port: 0, outDir: out, startEngine, log: () => {}, file: 'x.pcap', more: ['x.2', '/abs/x.3'], prestart: false });
  });
  afterAll(async () => server.close());

  const base = () => `http://127.0.0.1:${server.port}`;

  it('refuses requests without the token and serves them with it', async () => {
    expect((await fetch(`${base()}/`)).status).toBe(401);
    expect((await fetch(`${base()}/?token=wrong`)).status).toBe(401);
    const ok = await fetch(server.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    const cookie = ok.headers.get('set-cookie')!.split(';')[0];
    const session = await fetch(`${base()}/api/session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    const body = (await session.json()) as { file: string; more: string[] };
    expect(body.file).toMatch(/\/x\.pcap$/);
    // Further FILEs (strace -ff logs) are absolute too, for the window to open with FILE.
    expect(body.more).toEqual([join(process.cwd(), 'x.2'), '/abs/x.3']);
    expect((await fetch(`${base()}/../../etc/passwd?token=${server.token}`)).status).toBe(404);
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
    // One engine for this connection, plus the spare loaded for the next one.
    expect(started).toBe(2);
    ws.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(1);
  });
});
