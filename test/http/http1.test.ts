/** HTTP/1.x framing cases over hand-built ByteStreams (RFC 9112 §6.3), one event per chunk. */
import { gzipSync, deflateSync, brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { httpExchanges } from '../../electron/engine/http/http1.ts';
import { decodeBody } from '../../electron/engine/http/content-coding.ts';
import type { ByteStream, StreamChunk } from '../../electron/engine/streams/byte-stream.ts';

const enc = new TextEncoder();

function stream(parts: [0 | 1, string | Uint8Array, { gap?: number; truncated?: number }?][]): ByteStream {
  const pos = [0, 0];
  const chunks: StreamChunk[] = parts.map(([dir, data, extra], k) => {
    const bytes = typeof data === 'string' ? enc.encode(data) : data;
    const c: StreamChunk = { dir, event: k + 1, time: k, bytes, seq: pos[dir], ...extra };
    pos[dir] += bytes.length + (extra?.gap ?? 0) + (extra?.truncated ?? 0);
    return c;
  });
  return { id: 'tcp:0', kind: 'tcp', client: 'a:1', server: 'b:80', chunks, notes: [] };
}

const summary = (s: ByteStream) => httpExchanges(s, { bodies: 'keep' }).exchanges.map((e) => ({
  req: e.request ? `${e.request.method} ${e.request.uri}` : null,
  reqBody: e.request?.bodyBytes ?? 0,
  status: e.response?.status ?? null,
  body: e.response ? new TextDecoder().decode(e.response.body) : null,
  info: e.informational.map((m) => m.status),
  upgrade: e.upgrade,
  respEnd: e.response?.endEvent ?? null,
}));

describe('HTTP/1.x framing', () => {
  it('keep-alive with pipelined requests pairs responses in order', () => {
    const s = stream([
      [0, 'GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n'],
      [1, 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA'],
      [1, 'HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nBB'],
    ]);
    expect(summary(s).map((x) => [x.req, x.status, x.body])).toEqual([['GET /a', 200, 'A'], ['GET /b', 404, 'BB']]);
  });

  it('5000 pipelined requests before any response pair in order (the pending queue compacts mid-way)', () => {
    const n = 5000;
    const reqs = Array.from({ length: n }, (_, k) => `GET /${k} HTTP/1.1\r\nHost: h\r\n\r\n`).join('');
    // Responses in two runs, with one more request between them: the queue is drained past its
    // compaction point, grows again, and pairing stays in request order throughout.
    const resp = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `HTTP/1.1 200 OK\r\nContent-Length: ${String(from + k).length}\r\n\r\n${from + k}`).join('');
    const s = stream([[0, reqs], [1, resp(0, 3000)], [0, `GET /${n} HTTP/1.1\r\n\r\n`], [1, resp(3000, n + 1)]]);
    const got = summary(s);
    expect(got).toHaveLength(n + 1);
    for (let k = 0; k <= n; k++) expect([got[k].req, got[k].body]).toEqual([`GET /${k}`, String(k)]);
  });

  it('chunked bodies with extensions and trailers; the last chunk completes the message', () => {
    const s = stream([
      [0, 'GET / HTTP/1.1\r\n\r\n'],
      [1, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nWiki\r\n'],
      [1, '5\r\npedia\r\n0\r\nX-T: 1\r\n\r\n'],
    ]);
    expect(summary(s)[0]).toMatchObject({ body: 'Wikipedia', respEnd: 3 });
  });

  it('HEAD, 204 and 304 responses have no body even with Content-Length', () => {
    const s = stream([
      [0, 'HEAD /x HTTP/1.1\r\n\r\nGET /y HTTP/1.1\r\n\r\nGET /z HTTP/1.1\r\n\r\n'],
      [1, 'HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n'],
    ]);
    expect(summary(s).map((x) => [x.status, x.body])).toEqual([[200, ''], [204, ''], [304, '']]);
  });

  it('Expect: 100-continue: the 100 is informational, the final response follows the body', () => {
    const s = stream([
      [0, 'POST /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n'],
      [1, 'HTTP/1.1 100 Continue\r\n\r\n'],
      [0, 'abc'],
      [1, 'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n'],
    ]);
    expect(summary(s)).toEqual([{ req: 'POST /u', reqBody: 3, status: 201, body: '', info: [100], upgrade: '', respEnd: 4 }]);
  });

  it('an early 413 while the request body is still being sent pairs with that request', () => {
    const s = stream([
      [0, 'POST /api/asciicasts HTTP/1.1\r\nContent-Length: 12000000\r\n\r\n'],
      [0, 'x'.repeat(1000)],
      [1, 'HTTP/1.1 413 Request Entity Too Large\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbig!'],
      [0, 'x'.repeat(1000)],
    ]);
    const ex = httpExchanges(s).exchanges;
    expect(ex).toHaveLength(1);
    expect(ex[0].response?.status).toBe(413);
    expect(ex[0].request?.incomplete).toBe(true);
    expect(ex[0].request?.bodyBytes).toBe(2000);
  });

  it('a body without length runs to the end of the stream (HTTP/1.0)', () => {
    const s = stream([[0, 'GET / HTTP/1.0\r\n\r\n'], [1, 'HTTP/1.0 200 OK\r\n\r\nhello '], [1, 'world']]);
    const ex = httpExchanges(s, { bodies: 'keep' }).exchanges[0];
    expect(new TextDecoder().decode(ex.response!.body)).toBe('hello world');
    expect(ex.response!.incomplete).toBe(false);
  });

  it('Upgrade: websocket switches both directions to opaque bytes', () => {
    const s = stream([
      [0, 'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'],
      [1, 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello'],
      [0, '\x81\x85abcd12345'],
    ]);
    expect(summary(s)).toEqual([{ req: 'GET /ws', reqBody: 0, status: 101, body: '', info: [], upgrade: 'websocket', respEnd: 2 }]);
  });

  it('a gap inside a body counts as missing bytes; a truncated head is reported from its first line', () => {
    const s = stream([
      [0, 'GET /a HTTP/1.1\r\n\r\n'],
      [1, 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab'],
      [1, 'ghij', { gap: 4 }],
      [0, 'GET /b HTTP/1.1\r\nHost: exa', { truncated: 40 }],
    ]);
    const ex = httpExchanges(s).exchanges;
    expect(ex[0].response).toMatchObject({ bodyBytes: 10, missing: 4, status: 200 });
    expect(ex[1].request).toMatchObject({ method: 'GET', uri: '/b', headTruncated: true });
  });

  it('the HTTP/2 preface and TLS are not HTTP/1', () => {
    expect(httpExchanges(stream([[0, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n']])).isHttp).toBe(false);
    expect(httpExchanges(stream([[0, new Uint8Array([0x16, 3, 1, 0, 5, 1, 2, 3, 4, 5])]])).isHttp).toBe(false);
  });
});

describe('content codings', () => {
  const text = enc.encode('hello hello hello hello');
  it('gzip, deflate, br, and stacked codings decode', () => {
    const dec = (b: Uint8Array, c: string) => new TextDecoder().decode(decodeBody(b, c).bytes);
    const want = 'hello hello hello hello';
    expect(dec(gzipSync(text), 'gzip')).toBe(want);
    expect(dec(deflateSync(text), 'deflate')).toBe(want);
    expect(dec(brotliCompressSync(text), 'br')).toBe(want);
    expect(dec(brotliCompressSync(gzipSync(text)), 'gzip, br')).toBe(want);
  });
  it('zstd decodes (fzstd on Node 20); a damaged body reports the error and keeps the bytes', () => {
    // `printf 'hello\n' | zstd -c` (zstd 1.5, Debian 12).
    const z = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x31, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x0a, 0x53, 0x88, 0xbd, 0x91]);
    const r = decodeBody(z, 'zstd');
    expect(r.error).toBeUndefined();
    expect(new TextDecoder().decode(r.bytes)).toBe('hello\n');
    const bad = decodeBody(Uint8Array.from([1, 2, 3]), 'br');
    expect(bad.error).toMatch(/^br:/);
  });
});
