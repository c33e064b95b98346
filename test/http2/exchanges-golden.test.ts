/**
 * HTTP/2 exchanges (the unified HTTP exchange shape) vs tshark 4.0.17's http2 fields, goldens
 * by scripts/make-golden-https.ts: per HTTP/2 stream the frames of the request and response
 * HEADERS, the pseudo-headers, content-type and DATA bytes per direction. Decrypted (key logs,
 * DSB) and cleartext h2; the strace -s 256 twin gives the same exchange with missing bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exchangeRefs, materialize } from '../../electron/engine/layers/http-layer.ts';
import { scanHttpNow } from '../../electron/engine/layers/session.ts';
import { exchangeHost, type HttpExchange } from '../../electron/engine/http/exchange.ts';
import { httpBodyOf, httpExchangeRows } from '../../electron/engine/host/stream-service.ts';
import { openTls } from '../tls/helpers.ts';

const GOLDEN = join(import.meta.dirname, 'golden');
const KEYS = JSON.parse(readFileSync(join(GOLDEN, 'KEYS.json'), 'utf8')) as { http2: [string, string[], string[]][] };

function shape(ex: HttpExchange): Record<string, unknown> {
  const q = ex.request;
  const r = ex.response;
  return {
    tcpStream: Number(/tcp:(\d+)$/.exec(ex.stream)?.[1] ?? -1),
    streamId: ex.streamId,
    method: q?.method ?? null,
    path: q?.uri ?? null,
    authority: q ? exchangeHost(ex) || null : null,
    status: r?.status ?? null,
    contentType: r ? r.contentType || null : null,
    requestFrame: q?.startEvent ?? null,
    responseFrame: r?.startEvent ?? null,
    requestDataBytes: q?.bodyBytes ?? 0,
    responseDataBytes: r?.bodyBytes ?? 0,
  };
}

const order = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
  (a.tcpStream as number) - (b.tcpStream as number) || (a.streamId as number) - (b.streamId as number);

describe.each(['node', 'boringssl'] as const)('HTTP/2 exchanges equal tshark (%s profile)', (profile) => {
  for (const [f, keys] of KEYS.http2) {
    it(f, async () => {
      const c = await openTls(f, keys, profile);
      const want = readFileSync(join(GOLDEN, `${f.replaceAll('/', '__')}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      const layer = scanHttpNow(c.session);
      const got = exchangeRefs(layer).map((e) => materialize(layer, e)).filter((e) => e.streamId !== undefined).map(shape);
      expect(got.sort(order)).toEqual(want.sort(order));
      c.close();
    }, 60_000);
  }
});

describe('HTTP/2 in the HTTP rows and bodies', () => {
  it('gen-tls13-h2: rows with version HTTP/2, :authority as host, the stream id, decoded gzip size; httpBody decodes', async () => {
    const c = await openTls('pcapng/generated/gen-tls13-h2.pcapng', ['keys/generated/gen-tls13-h2.keys'], 'node');
    const rows = httpExchangeRows(c.session);
    expect(rows.map((r) => [r.request, r.response, r.stream, r.version, r.method, r.host, r.uri, r.status, r.responseBodyBytes, r.responseWireBytes, r.streamId])).toEqual([
      [10, 17, 'tls:tcp:0', 'HTTP/2', 'GET', '127.0.0.1:8443', '/', 200, 16, 16, 1],
      [11, 17, 'tls:tcp:0', 'HTTP/2', 'GET', '127.0.0.1:8443', '/big', 200, 220000, 220000, 3],
      [12, 17, 'tls:tcp:0', 'HTTP/2', 'GET', '127.0.0.1:8443', '/gzip', 200, 220000, 10478, 5],
    ]);
    const gz = httpBodyOf(c.session, rows[2].stream, rows[2].index, 'response');
    expect(gz.startLine).toBe('HTTP/2 200');
    expect(gz.contentEncoding).toBe('gzip');
    expect(gz.raw.length).toBe(10478);
    expect(new TextDecoder().decode(gz.body.subarray(0, 30))).toBe('line 00000 the quick brown fox');
    const req = httpBodyOf(c.session, rows[0].stream, rows[0].index, 'request');
    expect(req.startLine).toBe('GET / HTTP/2');
    expect(req.headers.find(([k]) => k === ':authority')?.[1]).toBe('127.0.0.1:8443');
    // A filter on the HTTP/2 fields selects exchanges whose frames match.
    expect(httpExchangeRows(c.session, 'http2.headers.path == "/big"').map((r) => r.uri)).toEqual(['/big']);
    c.close();
  });

  it('http2-data-reassembly: the PNG body from the rows, at tshark\'s DATA frame (what export-objects writes)', async () => {
    const c = await openTls('pcap/wireshark/http2-data-reassembly.pcap', ['keys/wireshark/http2-data-reassembly.keys'], 'boringssl');
    const [r] = httpExchangeRows(c.session);
    // tshark: http2.data.data matches "PNG" && "END" in frame 37.
    expect([r.uri, r.status, r.contentType, r.responseEnd, r.responseBodyBytes]).toEqual(['/wireshark.png', 200, 'image/png', 37, 76091]);
    const b = httpBodyOf(c.session, r.stream, r.index, 'response');
    expect(new TextDecoder('latin1').decode(b.body.subarray(1, 4))).toBe('PNG');
    expect(new TextDecoder('latin1').decode(b.body.subarray(b.body.length - 8, b.body.length - 4))).toBe('IEND');
    c.close();
  });

  it('strace -s 256 log: same exchanges (method/path/status) as its pcapng twin, missing body bytes reported', async () => {
    const keys = ['keys/generated/gen-strace-curl-tls13-h2.keys'];
    const st = await openTls('strace/generated/strace-curl-tls13-h2.f-ttt-T-yy-s256-x.txt', keys, 'node');
    const pc = await openTls('pcapng/generated/gen-strace-curl-tls13-h2.pcapng', keys, 'node');
    const key = (r: ReturnType<typeof httpExchangeRows>[number]): unknown[] => [r.version, r.streamId, r.method, r.host, r.uri, r.status, r.contentType];
    const a = httpExchangeRows(st.session);
    const b = httpExchangeRows(pc.session);
    expect(a.map(key)).toEqual(b.map(key));
    expect(b.map(key)).toEqual([['HTTP/2', 1, 'GET', 'localhost:8443', '/big', 200, 'text/plain']]);
    expect(b[0].truncated).toBe(false);
    expect(b[0].responseBodyBytes).toBe(220000);
    expect(a[0].stream).toMatch(/^tls:fd:\d+:\d+:\d+$/);
    expect(a[0].truncated).toBe(true);
    // -s 256 keeps 256 bytes of each 16 KiB read: most DATA is lost, and the rows say so (the
    // frames whose headers were lost cannot be counted, so this is a lower bound).
    expect(a[0].missingBytes).toBeGreaterThan(16000);
    expect(a[0].responseBodyBytes).toBeLessThan(1000);
    expect(b[0].missingBytes).toBeUndefined();
    st.close();
    pc.close();
  });
});
