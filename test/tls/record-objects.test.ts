/**
 * A decrypted TLS stream keeps its records as columns (16 bytes a record), not as objects:
 * counted by the heap a GC leaves (the source streams kept alive on both sides, the
 * decrypted-record cache emptied), by the summaries kept per stream, and by the source chunks
 * read to decrypt one record again (an index entry every 64 chunks, never the stream's start).
 * Both crypto profiles (Electron's BoringSSL has no ChaCha20-Poly1305; shape e is AES-128-GCM).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { openSession, type CaptureSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import type { ByteStream } from '../../electron/engine/streams/byte-stream.ts';
import { tcpStream } from '../../electron/engine/streams/tcp-reassembly.ts';
import { DEFAULT_LIMITS, setEngineLimits, TLS_STREAM_CACHE_SHARE } from '../../electron/engine/limits.ts';
import { tcpFileWork } from '../../electron/engine/streams/tcp-file-bytes.ts';
import { addCaptureKeylog, captureTls, growWork, sourceStreamIds, tlsCacheWork, tlsOfStream } from '../../electron/engine/tls/capture-tls.ts';
import { cryptoProvider, type CryptoProfileName } from '../../electron/engine/tls/crypto.ts';
import { clearRecordCache } from '../../electron/engine/tls/record-cache.ts';
import { RECORD_COLUMN_BYTES, recordDir, recordIndexBytes, recordKeyed, recordLength } from '../../electron/engine/tls/record-index.ts';
import { sourceWork } from '../../electron/engine/tls/records.ts';
import { decryptTlsStream, plainStreamWork, recordCount, recordPlaintext, sourceFileWork, tlsDecryptWork, type TlsStreamResult } from '../../electron/engine/tls/session.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heap = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const dir = mkdtempSync(join(tmpdir(), 'tracelens-tls-objects-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let opened: Promise<CaptureSession> | undefined;
/** Shape e with more than 100 k records (about 0.62 records a packet). */
function shapeE(): Promise<CaptureSession> {
  opened ??= (async () => {
    const path = join(dir, 'e.pcap');
    const sh = SHAPES.find((x) => x.id === 'e');
    if (!sh) throw new Error('no shape e');
    const keylog = sh.generate(path, 170_000).keylog;
    if (!keylog) throw new Error('shape e has a key log');
    const { capture, indexing } = await openCapture(path);
    await indexing;
    const s = openSession(capture);
    expect(addCaptureKeylog(s.capture, { path: keylog }).errors).toEqual([]);
    return s;
  })();
  return opened;
}

/** Per stream: what a decoding holds besides its records (hellos, certificates, epochs, handshake summaries, notes). */
const FIXED_PER_STREAM = 64 * 1024;

describe.each(['node', 'boringssl'] as CryptoProfileName[])('TLS records without objects (%s)', (profile) => {
  it('a decrypted stream retains at most 16 bytes a record (+ a fixed amount per stream)', async () => {
    const s = await shapeE();
    const int = s.base.internals();
    if (int.kind !== 'packets') throw new Error('packets');
    const keys = captureTls(s.base).keys;
    const p = cryptoProvider(profile);
    const srcs: ByteStream[] = Array.from({ length: int.conv.nTcp }, (_, n) => tcpStream(int, n));
    // Once before measuring, so that compiled code and feedback are not counted as the records'.
    for (const src of srcs.slice(0, 4)) decryptTlsStream(src, keys, p);
    // What decodings retain: of each stream's first tenth, then of the whole streams. The
    // difference per record is what a record costs; the rest is fixed per stream.
    const retained = (part: number): { bytes: number; records: number; columns: number; decrypted: boolean } => {
      clearRecordCache();
      const before = heap();
      const results: TlsStreamResult[] = srcs.map((src) => decryptTlsStream(part === 1 ? src : { ...src, chunks: src.chunks.slice(0, Math.ceil(src.chunks.length * part)) }, keys, p));
      clearRecordCache();
      const bytes = heap() - before;
      return {
        bytes,
        records: results.reduce((n, t) => n + recordCount(t), 0),
        columns: results.reduce((n, t) => n + recordIndexBytes(t.recs), 0),
        decrypted: results.every((t) => t.status === 'decrypted'),
      };
    };
    const tenth = retained(0.1);
    const whole = retained(1);
    expect(whole.decrypted).toBe(true);
    expect(whole.records).toBeGreaterThan(100_000);
    expect(whole.columns / whole.records).toBeLessThanOrEqual(RECORD_COLUMN_BYTES);
    const per = (whole.bytes - tenth.bytes) / (whole.records - tenth.records);
    const fixed = (whole.bytes - per * whole.records) / srcs.length;
    console.info(`[tls records] ${whole.records} records in ${srcs.length} streams: ${(whole.bytes / whole.records).toFixed(1)} B retained a record in all, ${per.toFixed(1)} B a record + ${(fixed / 1024).toFixed(1)} KiB a stream`);
    // The heap a GC leaves moves by about ±1 B a record run to run (15.5-16.8 measured); a record object is hundreds.
    expect(per).toBeLessThanOrEqual(RECORD_COLUMN_BYTES + 2);
    expect(fixed).toBeLessThanOrEqual(FIXED_PER_STREAM);
    // The sources stay alive on both sides: only what the decodings hold is counted.
    expect(srcs.length).toBe(int.conv.nTcp);
  });

  it('a built stream keeps summaries of its handshake records only, and makes no plaintext stream for record fields', async () => {
    const s = await shapeE();
    captureTls(s.base, profile);
    plainStreamWork.builds = 0;
    let streams = 0;
    for (const id of sourceStreamIds(s.base)) {
      const t = tlsOfStream(s.base, id);
      if (!t) continue;
      streams++;
      // ClientHello, ServerHello, the server's encrypted flight, Finished, close_notify alerts.
      expect(t.kept.size, id).toBeLessThanOrEqual(12);
      expect(recordCount(t), id).toBeGreaterThan(100);
    }
    expect(streams).toBeGreaterThan(16);
    expect(plainStreamWork.builds).toBe(0);
  });

  it('decrypting the last record again reads the chunks of its index step and decrypts that record only', async () => {
    const s = await shapeE();
    const int = s.base.internals();
    if (int.kind !== 'packets') throw new Error('packets');
    const src = tcpStream(int, 0);
    const t = decryptTlsStream(src, captureTls(s.base).keys, cryptoProvider(profile));
    let last = recordCount(t) - 1;
    while (last > 0 && !recordKeyed(t.recs, last)) last--;
    // Decoding kept the plaintext in the record cache: this is what decrypting the stream gave.
    const want = Buffer.from(recordPlaintext(t, last) ?? new Uint8Array(0)).toString('hex');
    expect(want.length).toBeGreaterThan(0);
    clearRecordCache();
    tlsDecryptWork.records = 0;
    sourceWork.chunks = 0;
    const got = Buffer.from(recordPlaintext(t, last) ?? new Uint8Array(0)).toString('hex');
    expect(got).toBe(want);
    expect(tlsDecryptWork.records).toBe(1);
    expect(src.chunks.length).toBeGreaterThan(1000);
    // One index step of its direction (64 chunks) and the other direction's chunks between them.
    expect(sourceWork.chunks).toBeLessThanOrEqual(2 * 64 + 4);
  });

  it('a record decrypted again after its stream left the cache reads its own frames from the file, no reassembly', async () => {
    const s = await shapeE();
    const int = s.base.internals();
    if (int.kind !== 'packets') throw new Error('packets');
    const t = captureTls(s.base, profile);
    const ids = sourceStreamIds(s.base);
    const one = tlsOfStream(s.base, ids[0]);
    if (!one) throw new Error('TLS');
    // Room for about two streams: reading every stream drops the first.
    const size = t.cache.get(ids[0])?.bytes ?? 0;
    setEngineLimits({ maxMemoryMb: Math.max(1, Math.ceil((2 * size) / TLS_STREAM_CACHE_SHARE / (1024 * 1024))) });
    try {
      t.cache.clear();
      t.cacheBytes = 0;
      t.dropped.clear();
      t.droppedWhole.clear();
      t.droppedBytes = 0;
      // Until the first is dropped (dropped entries kept whole have their own budget, the least recently dropped first cut to columns).
      for (const id of ids) {
        tlsOfStream(s.base, id);
        if (id !== ids[0] && !t.cache.has(ids[0])) break;
      }
      expect(t.cache.has(ids[0])).toBe(false);
      // Kept whole (not only its columns).
      expect(t.dropped.get(ids[0])).toHaveProperty('tls');
      // What decrypting the whole stream gives, from the stream reassembled here.
      const src = tcpStream(int, 0);
      const ref = decryptTlsStream(src, t.keys, cryptoProvider(profile));
      let last = recordCount(ref) - 1;
      while (last > 0 && !recordKeyed(ref.recs, last)) last--;
      const want = Buffer.from(recordPlaintext(ref, last) ?? new Uint8Array(0)).toString('hex');
      expect(want.length).toBeGreaterThan(0);
      // The frames carrying the record's body: the source chunks of its direction it overlaps.
      const dir = recordDir(ref.recs, last);
      const from = ref.recs.pos[last] + 5;
      const to = from + recordLength(ref.recs, last);
      const frames = new Set(src.chunks.filter((c) => c.dir === dir && c.bytes.length > 0 && c.seq < to && c.seq + c.bytes.length > from).map((c) => c.event)).size;
      clearRecordCache();
      tlsCacheWork.builds = 0;
      growWork.frames = 0;
      tlsDecryptWork.records = 0;
      tcpFileWork.frames = 0;
      tcpFileWork.bytes = 0;
      sourceFileWork.fallbacks = 0;
      const back = tlsOfStream(s.base, ids[0]);
      if (!back) throw new Error('TLS');
      const got = Buffer.from(recordPlaintext(back, last) ?? new Uint8Array(0)).toString('hex');
      expect(got).toBe(want);
      expect(tlsCacheWork.builds).toBe(0);
      expect(growWork.frames).toBe(0);
      expect(tlsDecryptWork.records).toBe(1);
      expect(sourceFileWork.fallbacks).toBe(0);
      // Its own frames and bytes, out of a stream of thousands of frames.
      expect(frames).toBeGreaterThan(0);
      expect(tcpFileWork.frames).toBeLessThanOrEqual(frames);
      expect(tcpFileWork.bytes).toBe(to - from);
      expect(src.chunks.length).toBeGreaterThan(1000);
    } finally {
      setEngineLimits({ maxMemoryMb: DEFAULT_LIMITS.maxMemoryMb });
    }
  });
});
