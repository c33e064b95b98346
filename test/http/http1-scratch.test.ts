/**
 * The scan's scratch mode (http1.ts `scratch`): messages and exchanges are the parser's own,
 * reused once reported, so a whole-capture scan makes a few objects per stream, not one per
 * message — and what each report says is exactly what a parser with fresh objects says.
 */
import { describe, expect, it } from 'vitest';
import { createHttp1Parser, endHttpStream, http1Allocs, pushHttpChunk, type HttpExchange, type HttpMessage } from '../../electron/engine/http/http1.ts';
import type { StreamChunk } from '../../electron/engine/streams/byte-stream.ts';

const enc = new TextEncoder();

function chunks(parts: [0 | 1, string, { gap?: number }?][]): StreamChunk[] {
  const pos = [0, 0];
  return parts.map(([dir, data, extra], k) => {
    const bytes = enc.encode(data);
    const c: StreamChunk = { dir, event: k + 1, time: k, bytes, seq: pos[dir], ...extra };
    pos[dir] += bytes.length + (extra?.gap ?? 0);
    return c;
  });
}

/** What a recorder reads from each report, copied at the call (scratch objects change after it). */
function reports(cs: StreamChunk[], scratch: boolean): string[] {
  const out: string[] = [];
  const onMessage = (m: HttpMessage, ex: HttpExchange): void => {
    const { headers, ...rest } = m;
    out.push(JSON.stringify({ ...rest, headers: headers.map((h) => [...h]), ex: ex.index, info: m.kind === 'response' && ex.response !== m, upgrade: ex.upgrade }));
  };
  const p = createHttp1Parser('tcp:0', { bodies: 'size', retain: false, headers: 'index', scratch, onMessage });
  for (const c of cs) pushHttpChunk(p, c);
  endHttpStream(p);
  return out;
}

const CASES: Record<string, [0 | 1, string, { gap?: number }?][]> = {
  'keep-alive': [
    [0, 'GET /a HTTP/1.1\r\nHost: h\r\nUser-Agent: u\r\n\r\n'],
    [1, 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nA'],
    [0, 'POST /b HTTP/1.1\r\nHost: h2\r\nContent-Length: 3\r\n\r\nxyz'],
    [1, 'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n'],
  ],
  pipelined: [
    [0, 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: b\r\n\r\nGET /3 HTTP/1.1\r\n\r\n'],
    [1, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabHTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n'],
    [1, 'HTTP/1.1 404 Nope\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'],
  ],
  '100-continue and an early response': [
    [0, 'PUT /u HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n'],
    [1, 'HTTP/1.1 100 Continue\r\n\r\n'],
    [0, '01234'],
    [1, 'HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n'],
    [0, '56789'],
    [0, 'GET /next HTTP/1.1\r\n\r\n'],
    [1, 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nZ'],
  ],
  'response without a request, gap, bad head': [
    [1, 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab'],
    [1, 'cd', { gap: 0 }],
    [0, 'GET /x HTTP/1.1\r\n\r\n'],
    [1, 'HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nab', { gap: 3 }],
    [0, 'GET /y HTTP/1.1\r\nHost: q\r\n\r\n'],
    [1, 'HTTP/1.1 204 No Content\r\n\r\n'],
  ],
  upgrade: [
    [0, 'GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n'],
    [1, 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\n\r\n'],
    [1, '\x81\x05hello'],
  ],
  'close-delimited and incomplete': [
    [0, 'GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 100\r\n\r\nshort'],
    [1, 'HTTP/1.0 200 OK\r\nContent-Type: x\r\n\r\nuntil the end'],
  ],
};

describe('HTTP/1.x scratch scan', () => {
  for (const [name, parts] of Object.entries(CASES)) {
    it(`${name}: every report equals the one with fresh objects`, () => {
      const cs = chunks(parts);
      const fresh = reports(cs, false);
      expect(fresh.length).toBeGreaterThan(1);
      expect(reports(cs, true)).toEqual(fresh);
    });
  }

  it('10 000 keep-alive exchanges make a few objects, not one per message', () => {
    const parts: [0 | 1, string][] = [];
    for (let k = 0; k < 10_000; k++) {
      parts.push([0, `GET /${k % 7} HTTP/1.1\r\nHost: h\r\n\r\n`]);
      parts.push([1, `HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n${k % 10}`]);
    }
    const cs = chunks(parts);
    const count = (scratch: boolean): number => {
      const before = http1Allocs.messages + http1Allocs.exchanges;
      const p = createHttp1Parser('tcp:0', { bodies: 'size', retain: false, headers: 'index', scratch, onMessage: () => {} });
      for (const c of cs) pushHttpChunk(p, c);
      endHttpStream(p);
      return http1Allocs.messages + http1Allocs.exchanges - before;
    };
    expect(count(false)).toBeGreaterThanOrEqual(30_000);
    expect(count(true)).toBeLessThanOrEqual(8);
  });
});
