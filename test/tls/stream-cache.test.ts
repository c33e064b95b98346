/**
 * What the TLS layer holds and reads, counted (not timed), on the shapes bench's generators:
 * a long stream whose start shows neither TLS nor HTTP/2 (shape c, one upload) is told so from a
 * few frames, never built, for TLS fields, HTTP/2 fields or a full details tree; decrypted
 * streams (shape e, TLS 1.3 keep-alive) stay within the cache's share of the memory limit, the
 * least recently read dropped and decrypted again when read, with the same answers; a filter
 * in event order decrypts each stream once when the live streams fit. A cleartext h2c
 * connection keeps its bytes packed (shape d), every frame's payload as read from the stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { openSession, type CaptureSession } from '../../electron/engine/layers/session.ts';
import { DEFAULT_LIMITS, setEngineLimits, tlsStreamCacheBudget, TLS_STREAM_CACHE_SHARE } from '../../electron/engine/limits.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { framePayload, headerWhere, parseHttp2 } from '../../electron/engine/http2/connection.ts';
import { tcpStream, tcpStreamFrames } from '../../electron/engine/streams/tcp-reassembly.ts';
import { recordCount } from '../../electron/engine/tls/session.ts';
import { addCaptureKeylog, captureTls, droppedBudget, droppedEntryBytes, http2OfStream, peekWork, startKind, tlsCacheWork, tlsOfStream, tlsStreams } from '../../electron/engine/tls/capture-tls.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-tls-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => setEngineLimits({ maxMemoryMb: DEFAULT_LIMITS.maxMemoryMb }));

const generated = new Map<string, string | undefined>();

async function shape(id: string, events: number): Promise<CaptureSession> {
  const path = join(dir, `${id}-${events}.pcap`);
  if (!generated.has(path)) {
    const sh = SHAPES.find((x) => x.id === id);
    if (!sh) throw new Error(`no shape ${id}`);
    generated.set(path, sh.generate(path, events).keylog);
  }
  const keylog = generated.get(path);
  const { capture, indexing } = await openCapture(path);
  await indexing;
  const s = openSession(capture);
  if (keylog) expect(addCaptureKeylog(s.capture, { path: keylog }).errors).toEqual([]);
  return s;
}

const MB = 1024 * 1024;

describe('a long stream that is neither TLS nor HTTP/2 (shape c, one upload)', () => {
  it('is told from a few frames and never built: TLS and HTTP/2 filters, details of the last frame', async () => {
    const s = await shape('c', 20_000);
    const int = s.base.internals();
    if (int.kind !== 'packets') throw new Error('packets');
    const frames = tcpStreamFrames(int, 0).length;
    expect(frames).toBeGreaterThan(15_000);
    tlsCacheWork.builds = 0;
    peekWork.reads = 0;
    for (const f of ['tls.handshake.type == 1', 'tls', 'http2.streamid == 1', 'http2']) {
      const r = await runFilter(s.capture, f);
      if (!r.ok) throw new Error(f);
      expect(r.events.length, f).toBe(0);
    }
    const d = createDissection();
    s.capture.dissect(s.base.count(), d);
    expect(d.n).toBeGreaterThan(0);
    expect(tlsOfStream(s.base, 'tcp:0')).toBeNull();
    expect(http2OfStream(s.base, 'tcp:0')).toBeNull();
    expect(startKind(s.base, 'tcp:0')).toEqual({ tls: false, h2c: false });
    // The handshake, the request's first segments, the server's first payload: O(1), not O(frames).
    expect(peekWork.reads).toBeLessThanOrEqual(16);
    expect(tlsCacheWork.builds).toBe(0);
  });

  it('a TLS stream is still told TLS from its start (shape e)', async () => {
    const s = await shape('e', 4000);
    expect(startKind(s.base, 'tcp:0')).toEqual({ tls: true, h2c: false });
    expect(tlsOfStream(s.base, 'tcp:0')?.status).toBe('decrypted');
  });
});

describe('streams reordered from their first segment (shape f)', () => {
  it('a start that decides nothing is peeked once per stream, not once per frame', async () => {
    const s = await shape('f', 4000);
    const int = s.base.internals();
    if (int.kind !== 'packets') throw new Error('a packet capture');
    const streams = int.conv.nTcp;
    peekWork.reads = 0;
    const r = await runFilter(s.capture, 'tls.handshake.type == 1');
    if (!r.ok) throw new Error('filter');
    expect(r.events.length).toBe(0);
    // At most 64 frames (PEEK_FRAMES) read per stream, whatever the number of frames dissected.
    expect(peekWork.reads).toBeGreaterThan(0);
    expect(peekWork.reads).toBeLessThanOrEqual(64 * streams);
  });
});

describe('a cleartext HTTP/2 connection (shape d)', () => {
  it('keeps its bytes packed, not the stream; every payload and header position as from the stream', async () => {
    const s = await shape('d', 6000);
    const conn = http2OfStream(s.base, 'tcp:0');
    if (!conn?.packed) throw new Error('tcp:0 is a packed h2c connection');
    expect(conn.stream).toBeUndefined();
    const int = s.base.internals();
    const src = tcpStream(int, 0);
    let payload = 0;
    for (const ch of src.chunks) payload += ch.bytes.length;
    expect(conn.packed[0].bytes.length + conn.packed[1].bytes.length).toBe(payload);
    const ref = parseHttp2(src);
    expect(ref.frames.n).toBe(conn.frames.n);
    const differ: number[] = [];
    for (let i = 0; i < ref.frames.n; i++) {
      const a = headerWhere(conn, i);
      const b = headerWhere(ref, i);
      if (!Buffer.from(framePayload(conn, i)).equals(framePayload(ref, i)) || a.event !== b.event || a.time !== b.time) differ.push(i);
    }
    expect(differ).toEqual([]);
  });
});

describe('decrypted streams within their share of the memory limit (shape e, TLS 1.3 keep-alive)', () => {
  it('stays within the budget, drops the least recently read, and answers the same', async () => {
    const full = await shape('e', 12_000);
    const want = tlsStreams(full.base);
    expect(want.length).toBeGreaterThanOrEqual(16);
    expect(want.every((x) => x.status === 'decrypted')).toBe(true);
    const sizes = [...captureTls(full.base).cache.values()].map((e) => e.bytes).filter((b) => b > 0);
    expect(sizes.length).toBe(want.length);
    const largest = Math.max(...sizes);

    // A budget of about four streams (set once indexed: the index pass has its own share): reading
    // every stream in turn builds each once and holds at most the budget.
    const small = await shape('e', 12_000);
    setEngineLimits({ maxMemoryMb: Math.ceil((4 * largest) / TLS_STREAM_CACHE_SHARE / MB) });
    const budget = tlsStreamCacheBudget();
    expect(budget).toBeLessThan(sizes.reduce((a, b) => a + b, 0));
    tlsCacheWork.builds = 0;
    tlsCacheWork.evictions = 0;
    const got = tlsStreams(small.base);
    expect(got).toEqual(want);
    expect(tlsCacheWork.builds).toBe(want.length);
    expect(tlsCacheWork.evictions).toBeGreaterThanOrEqual(want.length - 4);
    const t = captureTls(small.base);
    expect(t.cacheBytes).toBeLessThanOrEqual(budget);
    expect(t.cacheBytes).toBe([...t.cache.values()].reduce((a, e) => a + e.bytes, 0));

    // A dropped stream is taken back without its source's chunks (its records' bytes read from
    // the file when decrypted again): the same records and plaintext, nothing built again.
    const first = want[0].stream;
    expect(t.cache.has(first)).toBe(false);
    tlsCacheWork.revivals = 0;
    const again = tlsOfStream(small.base, first);
    const before = tlsOfStream(full.base, first);
    expect((again ? recordCount(again) : undefined)).toBe((before ? recordCount(before) : undefined));
    const plain = (x: typeof again): string[] | undefined => x?.stream.chunks.map((c) => Buffer.from(c.bytes).toString('hex'));
    expect(plain(again)).toEqual(plain(before));
    expect(tlsCacheWork.builds).toBe(want.length);
    expect(tlsCacheWork.revivals).toBe(1);
  });

  it('keeps dropped streams whole within their own budget; past it only their record columns; same answers', async () => {
    const full = await shape('e', 70_000);
    const want = tlsStreams(full.base);
    const largest = Math.max(...[...captureTls(full.base).cache.values()].map((e) => e.bytes));
    // Room for two streams: nearly every stream is dropped; whole, they would hold more than their budget.
    const s = await shape('e', 70_000);
    setEngineLimits({ maxMemoryMb: Math.ceil((2 * largest) / TLS_STREAM_CACHE_SHARE / MB) });
    tlsCacheWork.droppedToColumns = 0;
    expect(tlsStreams(s.base)).toEqual(want);
    const t = captureTls(s.base);
    const whole = [...t.dropped.values()].filter((d) => 'tls' in d);
    const held = whole.reduce((n, d) => n + droppedEntryBytes(d as Parameters<typeof droppedEntryBytes>[0]), 0);
    expect(t.dropped.size).toBeGreaterThanOrEqual(want.length - 3);
    expect(whole.length).toBeGreaterThan(0);
    expect(whole.length).toBeLessThan(t.dropped.size);
    expect(held).toBe(t.droppedBytes);
    expect(held).toBeLessThanOrEqual(droppedBudget());
    expect(tlsCacheWork.droppedToColumns).toBe(t.dropped.size - whole.length);
    // Every dropped stream still answers (rebuilt from its source when only its columns were kept).
    expect(tlsStreams(s.base)).toEqual(want);
  });

  it('a TLS filter in event order decrypts each stream once when the live streams fit; same events', async () => {
    // 70 k events: more connections than the 16 live at a time.
    const s = await shape('e', 70_000);
    const f = 'tls.handshake.type == 1 || tls.record.content_type == 21';
    const a = await runFilter(s.capture, f);
    if (!a.ok) throw new Error('filter');
    const t = captureTls(s.base);
    const sizes = [...t.cache.values()].map((e) => e.bytes).filter((b) => b > 0);
    const live = 16;
    expect(sizes.length).toBeGreaterThan(live + 2);
    // Room for the live connections and two more, not for all of them; then the same filter again.
    setEngineLimits({ maxMemoryMb: Math.ceil(((live + 2) * Math.max(...sizes)) / TLS_STREAM_CACHE_SHARE / MB) });
    expect(tlsStreamCacheBudget()).toBeLessThan(sizes.reduce((x, y) => x + y, 0));
    t.cache.clear();
    t.cacheBytes = 0;
    tlsCacheWork.builds = 0;
    tlsCacheWork.evictions = 0;
    const b = await runFilter(s.capture, f);
    if (!b.ok) throw new Error('filter');
    expect([...b.events]).toEqual([...a.events]);
    expect(b.events.length).toBeGreaterThan(sizes.length);
    expect(tlsCacheWork.builds).toBe(sizes.length);
    expect(tlsCacheWork.evictions).toBeGreaterThan(0);
    expect(t.cacheBytes).toBeLessThanOrEqual(tlsStreamCacheBudget());
    // Again: the dropped streams' record columns answer the record fields, nothing is decrypted.
    expect(t.dropped.size).toBeGreaterThan(0);
    const c = await runFilter(s.capture, f);
    if (!c.ok) throw new Error('filter');
    expect([...c.events]).toEqual([...a.events]);
    expect(tlsCacheWork.builds).toBe(sizes.length);
  });
});
