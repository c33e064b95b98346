/**
 * The HTTP layer's column index on generated keep-alive captures: its size per exchange, the
 * work a field lookup costs (counted, not timed), and that messages re-parsed at their frame
 * equal the whole-stream parse (so speed never changes an answer).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { httpFilterEvents } from '../../electron/engine/layers/http-filter.ts';
import { http1Allocs, httpExchanges } from '../../electron/engine/http/http1.ts';
import { httpIndexColumnBytes } from '../../electron/engine/layers/http-index.ts';
import { reparseWork } from '../../electron/engine/layers/http-reparse.ts';
import { openSession, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { tcpStream } from '../../electron/engine/streams/tcp-reassembly.ts';
import { writeKeepalivePcap, type KeepaliveOptions } from './make-keepalive-pcap.ts';
import { sessionExchanges } from './session-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-ka-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openGenerated(name: string, o: KeepaliveOptions) {
  const path = join(dir, name);
  writeKeepalivePcap(path, o);
  const { capture, indexing } = await openCapture(path);
  await indexing;
  return capture;
}

const field = (name: string) => {
  const f = fieldByName(name);
  if (!f) throw new Error(name);
  return f;
};

describe('HTTP column index', () => {
  it('holds ≤ 64 bytes per exchange in its columns, whatever the count', async () => {
    for (const requests of [2000, 20000]) {
      const c = await openGenerated(`ka-${requests}.pcap`, { requests, connections: 16, extrasEvery: 7 });
      const layer = scanHttpNow(openSession(c));
      const ix = layer.plain!;
      expect(ix.n).toBe(requests);
      expect(httpIndexColumnBytes(ix) / ix.n).toBeLessThanOrEqual(64);
      // Repeating heads intern to a few strings (signatures, URIs), not one per message.
      expect(ix.strings.strings.length).toBeLessThan(200);
      c.close();
    }
  }, 60_000);

  it('100 k exchanges: ≤ 64 bytes each in the columns, and the scan makes no object per message', async () => {
    const requests = 100_000;
    const connections = 16;
    const c = await openGenerated('ka-100k.pcap', { requests, connections, extrasEvery: 9, splitEvery: 4, reorder: true });
    const before = http1Allocs.messages + http1Allocs.exchanges;
    const layer = scanHttpNow(openSession(c));
    const made = http1Allocs.messages + http1Allocs.exchanges - before;
    const ix = layer.plain!;
    expect(ix.n).toBe(requests);
    expect(httpIndexColumnBytes(ix) / ix.n).toBeLessThanOrEqual(64);
    // A few messages and exchanges per connection are reused for all of its 6250 exchanges
    // (a parser with fresh objects makes 3 per exchange: 300 k here).
    expect(made).toBeLessThanOrEqual(8 * connections);
    c.close();
  }, 120_000);

  it('fields of every message cost a bounded number of frames each (no walk from the stream start)', async () => {
    const requests = 4000;
    const c = await openGenerated('ka-fields.pcap', { requests, connections: 16, extrasEvery: 5, splitEvery: 3 });
    const s = openSession(c);
    scanHttpNow(s);
    const events = httpFilterEvents(s, 'http') ?? [];
    expect(events.length).toBe(2 * requests);
    reparseWork.frames = 0;
    reparseWork.fallbacks = 0;
    const d = createDissection();
    let bodies = 0;
    for (const ev of events) {
      s.capture.dissect(ev, d);
      bodies += fieldStrings(d, field('http.file_data')).length;
    }
    expect(bodies).toBe(events.length - (requests - requests / 5));
    // A message re-reads the frames from its head to its end (1–2 here) and maybe the next one
    // of its stream; a walk per lookup would read ~1000 frames per message.
    expect(reparseWork.frames).toBeLessThanOrEqual(4 * events.length);
    expect(reparseWork.fallbacks).toBe(0);
    c.close();
  }, 60_000);

  it('re-parsed frames are read into one buffer, not an array each', async () => {
    const requests = 2000;
    const c = await openGenerated('ka-buffers.pcap', { requests, connections: 8, extrasEvery: 5, splitEvery: 3 });
    const s = openSession(c);
    const layer = scanHttpNow(s);
    const int = layer.internals;
    if (int.kind !== 'packets') throw new Error('a packet capture');
    // Reads that return a new array: frameBytes, or readAt without a buffer that fits.
    let fresh = 0;
    const readAt = int.readAt;
    layer.internals = {
      ...int,
      frameBytes: (event) => {
        fresh++;
        return int.frameBytes(event);
      },
      ...(readAt ? {
        readAt: (offset: number, length: number, into?: Uint8Array) => {
          if (!into || into.length < length) fresh++;
          return readAt(offset, length, into);
        },
      } : {}),
    };
    const events = httpFilterEvents(s, 'http') ?? [];
    reparseWork.frames = 0;
    const d = createDissection();
    let bodies = 0;
    for (const ev of events) {
      s.capture.dissect(ev, d);
      bodies += fieldStrings(d, field('http.file_data')).length;
    }
    expect(bodies).toBe(events.length - (requests - requests / 5));
    expect(reparseWork.frames).toBeGreaterThanOrEqual(events.length);
    // The re-parse reads into its one buffer: a fresh array per frame was one per frame read.
    expect(fresh).toBe(0);
    c.close();
  }, 60_000);

  it('a filter on column fields re-parses nothing; one on Authorization re-parses heads only', async () => {
    const c = await openGenerated('ka-filter.pcap', { requests: 3000, connections: 8, extrasEvery: 10 });
    const s = openSession(c);
    scanHttpNow(s);
    reparseWork.frames = 0;
    expect(httpFilterEvents(s, 'http.response.code == 200 && http.content_length >= 20')?.length).toBe(3000);
    expect(httpFilterEvents(s, 'http.request.method == "POST"')?.length).toBe(300);
    expect(reparseWork.frames).toBe(0);
    const auth = httpFilterEvents(s, 'http.authorization contains "token1"') ?? [];
    expect(auth.length).toBe(111);
    // Only the 300 requests with headers beyond the columns… and every request head once.
    expect(reparseWork.frames).toBeLessThanOrEqual(3000);
    c.close();
  }, 60_000);

  it('re-parsed messages equal the whole-stream parse, also when segments arrive out of order', async () => {
    const c = await openGenerated('ka-ooo.pcap', { requests: 600, connections: 4, extrasEvery: 3, splitEvery: 2, reorder: true });
    const s = openSession(c);
    const got = sessionExchanges(s, 'keep');
    const internals = c.internals();
    const want = Array.from({ length: 4 }, (_, n) => httpExchanges(tcpStream(internals, n), { bodies: 'keep' }).exchanges).flat()
      .sort((a, b) => (a.request?.startEvent ?? 0) - (b.request?.startEvent ?? 0));
    const shape = (e: (typeof got)[number]) => [e.stream, e.index, e.request?.startEvent, e.request?.endEvent, e.request?.headers, e.request?.body,
      e.response?.startEvent, e.response?.endEvent, e.response?.status, e.response?.headers, e.response?.body, e.response?.bodyBytes];
    expect(got.map(shape)).toEqual(want.map(shape));
    c.close();
  }, 60_000);
});
