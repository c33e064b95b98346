/**
 * The index pass's HTTP head scan (layers/http-heads.ts): filters on methods and status codes
 * answered without the HTTP scan, with the same events as the scan gives, and the capture left
 * to the scan whenever the heads cannot decide exactly (counted, not timed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filterWantsHeads } from '../../shared/http-head-fields.ts';
import { headsFilterWork, httpFilterEvents, httpFilterNeedsNoScan } from '../../electron/engine/layers/http-filter.ts';
import { headsWork, httpHeadsOf } from '../../electron/engine/layers/http-heads.ts';
import { partialScanWork } from '../../electron/engine/layers/http-layer.ts';
import { openSession, type CaptureSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS } from '../engine/corpus.ts';
import { writeKeepalivePcap, type KeepaliveOptions } from './make-keepalive-pcap.ts';
import { closePcapWriter, createPcapWriter, frame, rng, writePacket } from '../../bench/make-pcap.ts';

const FILTERS = [
  'http', 'http.request', 'http.response', 'http.response.code == 200', 'http.response.code != 200', 'http.response.code >= 300',
  'http.request.method == "GET"', 'http.request.method == "POST"', 'http.request.method in {"POST", "PUT"}',
  'http.request and not http.request.method == "GET"', 'http.response.code == 200 or http.request.method == "POST"',
];

const dir = mkdtempSync(join(tmpdir(), 'tl-heads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function session(path: string, httpHeads: boolean): Promise<CaptureSession> {
  const { capture, indexing } = await openCapture(path, { httpHeads });
  await indexing;
  return openSession(capture);
}

function generated(name: string, o: KeepaliveOptions): string {
  const path = join(dir, `${name}.pcap`);
  writeKeepalivePcap(path, o);
  return path;
}

/**
 * Each filter answered with the heads equals the HTTP scan's answer; returns how many the heads
 * answered, why the capture (bad) or its first stream (streamWhy) was left to the scan, and the
 * streams the partial scans read for those filters (each filter scans its given-up streams).
 */
async function same(path: string): Promise<{ answered: number; bad: string; streamWhy: string; givenUp: number; scannedStreams: number; heads: CaptureSession }> {
  const heads = await session(path, true);
  const scanned = await session(path, false);
  const before = headsFilterWork.filters;
  const s0 = partialScanWork.streams;
  for (const f of FILTERS) expect(httpFilterEvents(heads, f), f).toEqual(httpFilterEvents(scanned, f));
  const int = heads.http.internals;
  const h = int.kind === 'packets' ? httpHeadsOf(int.conv) : undefined;
  return {
    answered: headsFilterWork.filters - before, bad: h?.bad ?? 'none', streamWhy: h?.streamWhy ?? '', givenUp: h?.givenUp.length ?? 0,
    scannedStreams: partialScanWork.streams - s0, heads,
  };
}

/** Connections (the third element, 0 if absent): each a SYN handshake at its first segment, then each [fromClient, payload] as one segment, in order. */
function conversation(name: string, segments: [boolean, string, number?][]): string {
  const path = join(dir, `${name}.pcap`);
  const w = createPcapWriter(path);
  const C = 0x0a000001;
  const S = 0x0a000002;
  const cs: number[] = [];
  const ss: number[] = [];
  let t = 1_700_000_000_000_000;
  const put = (n: number, fromClient: boolean, payload: Buffer, flags: number): void => {
    const port = 40000 + n;
    const f = fromClient
      ? frame(6, C, S, port, 80, payload, { seq: cs[n], ack: ss[n], flags })
      : frame(6, S, C, 80, port, payload, { seq: ss[n], ack: cs[n], flags });
    writePacket(w, (t += 1000), f);
    if (fromClient) cs[n] += payload.length;
    else ss[n] += payload.length;
  };
  for (const [c, text, n = 0] of segments) {
    if (cs[n] === undefined) {
      cs[n] = 1000 + n * 100_000;
      ss[n] = 9000 + n * 100_000;
      put(n, true, Buffer.alloc(0), 0x02);
      cs[n]++;
      put(n, false, Buffer.alloc(0), 0x12);
      ss[n]++;
      put(n, true, Buffer.alloc(0), 0x10);
    }
    put(n, c, Buffer.from(text, 'latin1'), 0x18);
  }
  closePcapWriter(w);
  return path;
}

/** Heads the full parser reads in ways worth copying exactly (http1.ts findHeadEnd, parseStartBytes, setFraming). */
const ODD: [string, [boolean, string, number?][], boolean][] = [
  ['lower-case content-length with spaces', [[true, 'POST /a HTTP/1.1\r\ncontent-length:  5 \r\n\r\nabcde'], [false, 'HTTP/1.1 201 Created\r\nCONTENT-LENGTH: 2\r\n\r\nok']], true],
  ['bare LF line ends', [[true, 'GET / HTTP/1.0\n\n'], [false, 'HTTP/1.0 200 OK\nContent-Length: 3\n\nabc']], true],
  ['no phrase, LF then CRLF', [[true, 'GET / HTTP/1.1\nHost: x\n\r\n'], [false, 'HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n']], true],
  ['first Content-Length wins', [[true, 'PUT /x HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 10\r\n\r\nhi'], [false, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'], [true, 'GET /y HTTP/1.1\r\n\r\n'], [false, 'HTTP/1.1 500 Oops\r\nContent-Length: 1\r\n\r\n!']], true],
  ['stray line ends between messages', [[true, '\r\n\r\nGET / HTTP/1.1\r\n\r\n'], [false, 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx\r\n'], [true, 'DELETE /z HTTP/1.1\r\n\r\n'], [false, 'HTTP/1.1 204 No Content\r\n\r\n']], true],
  ['304 with a Content-Length and no body', [[true, 'GET / HTTP/1.1\r\n\r\n'], [false, 'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n'], [true, 'GET /2 HTTP/1.1\r\n\r\n'], [false, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']], true],
  ['body across segments', [[true, 'POST / HTTP/1.1\r\nContent-Length: 6\r\n\r\nabc'], [true, 'def'], [false, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']], true],
  ['Content-Length not a number', [[true, 'GET / HTTP/1.1\r\n\r\n'], [false, 'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\nabc']], false],
  ['chunked', [[true, 'GET / HTTP/1.1\r\n\r\n'], [false, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n']], false],
  ['HEAD', [[true, 'HEAD / HTTP/1.1\r\n\r\n'], [false, 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n']], false],
  ['100-continue', [[true, 'POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n'], [false, 'HTTP/1.1 100 Continue\r\n\r\n'], [true, 'ok'], [false, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']], false],
  ['pipelined in one segment', [[true, 'GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n'], [false, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']], false],
  ['head across segments', [[true, 'GET / HTTP/1.1\r\nHost: a'], [true, '\r\n\r\n'], [false, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']], false],
  ['bad start line once started', [[true, 'GET / HTTP/1.1\r\n\r\n'], [false, 'HTTP/1.1 2x0 OK\r\n\r\n']], false],
  ['not HTTP', [[true, 'hello there\r\n'], [false, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n']], true],
  // The second connection starts with the head the first just sent (read from the heads' memo):
  // it is started too, so its garbage gives it up; the first is still answered from the heads.
  ['a repeated head starts a stream', [[true, 'GET / HTTP/1.1\r\n\r\n'], [false, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'], [true, 'GET / HTTP/1.1\r\n\r\n', 1], [true, 'garbage\r\n', 1], [true, 'GET /b HTTP/1.1\r\n\r\n', 1]], true],
  ['a TLS record', [[true, '\x16\x03\x01\x00\x05hello'], [false, '\x16\x03\x03\x00\x02hi']], false],
];

describe('HTTP heads of the index pass', () => {
  it('read odd heads as the HTTP scan does, or leave them to it', async () => {
    for (const [name, segments, answers] of ODD) {
      const r = await same(conversation(name.replace(/\W+/g, '-'), segments));
      expect(r.answered === FILTERS.length, `${name}: ${r.bad}`).toBe(answers);
    }
  });

  it('take a head from the memo only when equal byte for byte (a +0 and a -0 word differ)', async () => {
    // Bytes 24..31 of the head: eight zero bytes, then seven and 0x80 (a -0 as a little-endian
    // double, === +0): the second request is read in full, the repeated response is not.
    const head = (last: string): string => `GET / HTTP/1.1\r\nX-Pad: a${'\0'.repeat(7)}${last}\r\n\r\n`;
    const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
    const w0 = { ...headsWork };
    const r = await same(conversation('minus-zero', [[true, head('\0')], [false, ok], [true, head('\x80')], [false, ok], [true, head('\x80')], [false, ok]]));
    expect(r.answered).toBe(FILTERS.length);
    expect(headsWork.memoHits - w0.memoHits).toBe(3);
  });

  it('take heads from the memo when a client cycles through a few URLs', async () => {
    // Three requests in turn, each answered by the same response: after the first round every
    // head repeats one read a few messages before (one slot a direction would hit responses only).
    const segments: [boolean, string][] = [];
    for (let r = 0; r < 10; r++) {
      for (const u of ['/a', '/bb', '/ccc']) segments.push([true, `GET ${u} HTTP/1.1\r\nHost: x\r\n\r\n`], [false, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']);
    }
    const w0 = { ...headsWork };
    const r = await same(conversation('cycling-urls', segments));
    expect(r.answered).toBe(FILTERS.length);
    // 60 heads: 3 requests and 1 response read in full, the other 56 from the memo.
    expect(headsWork.memoHits - w0.memoHits).toBe(56);
  });

  it('compare a head differing from the memo past a long equal prefix in a word or two a slot', async () => {
    // Each response differs from the last ones only in its Content-Length, after a 200-byte prefix:
    // the word that differed last time is compared first.
    const pad = `X-Pad: ${'p'.repeat(180)}\r\n`;
    const segments: [boolean, string][] = [];
    for (let r = 0; r < 40; r++) {
      const body = 'x'.repeat(10 + r);
      segments.push([true, 'GET / HTTP/1.1\r\n\r\n'], [false, `HTTP/1.1 200 OK\r\n${pad}Content-Length: ${body.length}\r\n\r\n${body}`]);
    }
    const w0 = { ...headsWork };
    const r = await same(conversation('long-prefix', segments));
    expect(r.answered).toBe(FILTERS.length);
    // Requests: 39 hits of 3 words each. Responses: 39 heads against the filled slots; comparing each
    // slot from its first word would cost ~25 words a slot (> 3,900 in all).
    expect(headsWork.memoHits - w0.memoHits).toBe(39);
    expect(headsWork.memoWords - w0.memoWords).toBeLessThan(39 * 3 + 39 * 4 * 2 + 2 * 30);
  });

  it('agree with the scan on heads with random damage (seeded)', async () => {
    const rnd = rng(10);
    const pick = (s: string): string => {
      // Flip, drop or insert a byte at a few random places, from the bytes heads are made of.
      const alphabet = ':\r\n 0123456789HTTPGETPOST/.-cContent-Length';
      let out = s;
      if (rnd() < 0.85) return out;
      for (let n = Math.floor(rnd() * 3); n >= 0; n--) {
        const at = Math.floor(rnd() * out.length);
        const ch = alphabet[Math.floor(rnd() * alphabet.length)];
        const op = rnd();
        out = op < 0.4 ? out.slice(0, at) + ch + out.slice(at + 1) : op < 0.7 ? out.slice(0, at) + out.slice(at + 1) : out.slice(0, at) + ch + out.slice(at);
      }
      return out;
    };
    let answered = 0;
    let partly = 0;
    for (let k = 0; k < 60; k++) {
      const segs: [boolean, string, number?][] = [];
      for (let j = 0; j < 4; j++) {
        const body = 'x'.repeat(Math.floor(rnd() * 5));
        segs.push([true, pick(`POST /p${j} HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`), j & 1]);
        segs.push([false, pick(`HTTP/1.1 ${rnd() < 0.5 ? 200 : 404} OK\r\nContent-Length: 2\r\n\r\nok`), j & 1]);
      }
      const r = await same(conversation(`damaged-${k}`, segs));
      if (r.answered > 0) answered++;
      if (r.answered > 0 && r.givenUp > 0) {
        // One of the two streams damaged: it alone is scanned, the other answered from its heads.
        expect(r.scannedStreams).toBe(r.answered * r.givenUp);
        partly++;
      }
    }
    // Some damage still leaves every head whole and valid: the heads answer those.
    expect(answered).toBeGreaterThan(0);
    expect(partly).toBeGreaterThan(0);
  });

  it('answer method and status filters of an in-order keep-alive capture without the HTTP scan', async () => {
    const path = generated('plain', { requests: 2000, connections: 16, extrasEvery: 7 });
    const w0 = { ...headsWork };
    const f0 = { ...headsFilterWork };
    const { answered, bad, heads } = await same(path);
    expect(bad).toBe('');
    expect(answered).toBe(FILTERS.length);
    // The file was read once: the scan never ran for them (no HTTP index, no scan started).
    expect(heads.http.plain).toBeUndefined();
    expect(heads.httpScan).toBeUndefined();
    // Every payload segment looked at once; head bytes examined bounded by the heads' size
    // (requests ≤ 250 B with their extras, responses ≈ 100 B here), bodies never read.
    expect(headsWork.segments - w0.segments).toBe(4000);
    expect(headsWork.headBytes - w0.headBytes).toBeLessThan(2000 * 350);
    // Each filter looks at the 4000 messages once, but tests its expression only once per
    // distinct meta word (GET, POST, status 200), not per message.
    expect(headsFilterWork.tested - f0.tested).toBe(FILTERS.length * 4000);
    expect(headsFilterWork.words - f0.words).toBe(FILTERS.length * 3);
    expect(httpFilterNeedsNoScan(heads, 'http.response.code == 200')).toBe(true);
    expect(httpFilterNeedsNoScan(heads, 'http.host == "example.test"')).toBe(false);
  });

  it('leave the reordered stream alone to the scan, and split captures, with the same answers', async () => {
    const split = await same(generated('split', { requests: 600, connections: 4, splitEvery: 5 }));
    const reordered = await same(generated('reordered', { requests: 600, connections: 4, splitEvery: 50, reorder: true }));
    expect(reordered.bad).toBe('');
    expect(reordered.streamWhy).toMatch(/past the next expected byte|continued/);
    // The reordered stream, and a stream whose head a split cut, of the four.
    expect(reordered.givenUp).toBe(2);
    expect(reordered.answered).toBe(FILTERS.length);
    expect(reordered.scannedStreams).toBe(FILTERS.length * 2);
    // The session's own scan never ran: the next filter needing it still scans the whole capture.
    expect(reordered.heads.http.plain).toBeUndefined();
    // Split responses: every stream has a head cut by a split, so more than half the streams
    // would be scanned: the capture is left to the whole scan (no partial scan runs).
    expect(split.givenUp).toBe(4);
    expect(split.answered).toBe(0);
    expect(split.scannedStreams).toBe(0);
  });

  it('answer most streams of a capture with one odd stream among many from the heads', async () => {
    const many = await same(generated('one-odd', { requests: 3000, connections: 24, splitEvery: 400, reorder: true }));
    expect(many.bad).toBe('');
    expect(many.givenUp).toBe(1);
    expect(many.answered).toBe(FILTERS.length);
    // Per filter, one stream of the 24 went through the HTTP scan.
    expect(many.scannedStreams).toBe(FILTERS.length);
    expect(many.heads.httpScan).toBeUndefined();
    expect(httpFilterNeedsNoScan(many.heads, 'http.request.method == "GET"')).toBe(true);
  });

  it('agree with the scan on corpus captures', async () => {
    for (const rel of ['pcap/wireshark/http.pcap', 'pcap/generated/gen-http11-plain.pcap', 'pcap/wireshark/http-ooo.pcap', 'pcap/wireshark/http-ooo2.pcap']) {
      await same(join(CORPUS, rel));
    }
  });

  it('are asked for by the CLI only for filters naming their fields alone', () => {
    expect(filterWantsHeads('http.request.method == "GET"')).toBe(true);
    expect(filterWantsHeads('http.response.code == 200 and http')).toBe(true);
    expect(filterWantsHeads('tcp.stream == 5')).toBe(false);
    expect(filterWantsHeads('http.host == "a" or http.response.code == 200')).toBe(false);
  });
});
