/**
 * The head memo of the scan's 'index' mode (http1.ts memoHit): a head whose bytes equal one just
 * parsed is taken from the memo, neither searched nor parsed again, and says exactly what parsing
 * it says. Checked against the 'all' mode (which never uses the memo) on heads that repeat, that
 * share a remembered head's prefix, that arrive split or pipelined behind a remembered one.
 */
import { describe, expect, it } from 'vitest';
import { createHttp1Parser, endHttpStream, headMemoWork, pushHttpChunk, type HttpExchange, type HttpMessage } from '../../electron/engine/http/http1.ts';
import type { StreamChunk } from '../../electron/engine/streams/byte-stream.ts';

const enc = new TextEncoder();
const INDEX_NAMES = ['host', 'user-agent', 'content-type', 'content-encoding', 'content-length', 'transfer-encoding', 'upgrade'];

function chunks(parts: [0 | 1, string][]): StreamChunk[] {
  const pos = [0, 0];
  return parts.map(([dir, data], k) => {
    const bytes = enc.encode(data);
    const c: StreamChunk = { dir, event: k + 1, time: k, bytes, seq: pos[dir] };
    pos[dir] += bytes.length;
    return c;
  });
}

/** Each report as 'index' mode gives it: with 'all' headers, only the first of each indexed name is kept. */
function reports(cs: StreamChunk[], headers: 'all' | 'index'): string[] {
  const out: string[] = [];
  const onMessage = (m: HttpMessage, ex: HttpExchange): void => {
    const { headers: hs, ...rest } = m;
    const seen = new Set<string>();
    const kept = hs.filter(([k]) => {
      const n = k.toLowerCase();
      if (!INDEX_NAMES.includes(n) || seen.has(n)) return false;
      seen.add(n);
      return true;
    });
    out.push(JSON.stringify({ ...rest, headers: kept.map((h) => [...h]), ex: ex.index }));
  };
  const p = createHttp1Parser('tcp:0', { bodies: 'size', retain: false, headers, scratch: headers === 'index', onMessage });
  for (const c of cs) pushHttpChunk(p, c);
  endHttpStream(p);
  return out;
}

const REQ = 'GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:18080\r\n\r\n';
const RESP = 'HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: 5\r\nETag: "x"\r\n\r\nhello';

const CASES: Record<string, [0 | 1, string][]> = {
  'the same heads again and again': Array.from({ length: 20 }, (_, k): [0 | 1, string] => (k % 2 === 0 ? [0, REQ] : [1, RESP])),
  'a remembered head, then heads sharing its start': [
    [0, REQ], [1, RESP],
    [0, 'GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:18080\r\nUser-Agent: u\r\n\r\n'], [1, RESP.replace('Length: 5', 'Length: 50').replace('hello', 'hello'.repeat(10))],
    [0, 'GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:18081\r\n\r\n'], [1, RESP.replace('200 OK', '200 OK ')],
  ],
  'pipelined behind a remembered head, and split across chunks': [
    [0, REQ], [1, RESP],
    [0, REQ + REQ + REQ.slice(0, 20)], [0, REQ.slice(20)],
    [1, RESP + RESP.slice(0, RESP.length - 9)], [1, RESP.slice(RESP.length - 9) + RESP],
    [1, RESP.slice(0, 40)], [1, RESP.slice(40)],
  ],
  'a remembered head whose framing differs by a header repeated': [
    [0, 'POST /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc'], [1, 'HTTP/1.1 204 No Content\r\n\r\n'],
    [0, 'POST /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nxyz'], [1, 'HTTP/1.1 204 No Content\r\n\r\n'],
    [0, 'POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'], [1, 'HTTP/1.1 204 No Content\r\n\r\n'],
    [0, 'POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n'], [1, 'HTTP/1.1 204 No Content\r\n\r\n'],
  ],
};

describe('HTTP/1.x head memo', () => {
  for (const [name, parts] of Object.entries(CASES)) {
    it(`${name}: every report equals the full parse's`, () => {
      const cs = chunks(parts);
      const full = reports(cs, 'all');
      expect(full.length).toBeGreaterThan(1);
      expect(reports(cs, 'index')).toEqual(full);
    });
  }

  it('10 000 keep-alive exchanges with two heads each way: a few heads parsed, the rest from the memo', () => {
    const parts: [0 | 1, string][] = [];
    for (let k = 0; k < 10_000; k++) {
      parts.push([0, k % 3 === 0 ? REQ.replace('index', 'other') : REQ]);
      parts.push([1, k % 5 === 0 ? RESP.replace('"x"', '"y"') : RESP]);
    }
    const cs = chunks(parts);
    const parsed = headMemoWork.parsed;
    const hits = headMemoWork.hits;
    const out = reports(cs, 'index');
    expect(out.length).toBe(20_000);
    expect(headMemoWork.parsed - parsed).toBeLessThanOrEqual(4);
    expect(headMemoWork.hits - hits).toBeGreaterThanOrEqual(19_996);
  });
});
