/**
 * The TLS decoder goes on from its last record (tls/session.ts advanceTls), counted through the
 * cipher (tlsDecryptWork), on the shapes bench's TLS 1.3 keep-alive generator (shape e): a stream
 * read in growing prefixes decrypts each record once, to the same result as decrypting it whole;
 * keys added for another session decrypt nothing again; the record columns of a finished
 * capture are 16 bytes a record; a stream whose plaintext outgrows the decrypted-record cache
 * says so in its notes (follow shows them).
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { openSession, type CaptureSession } from '../../electron/engine/layers/session.ts';
import { DEFAULT_LIMITS, setEngineLimits } from '../../electron/engine/limits.ts';
import { openCapture, openCaptures } from '../../electron/engine/open-capture.ts';
import { pcapRecords } from '../cli/growing-capture.ts';
import type { ByteStream } from '../../electron/engine/streams/byte-stream.ts';
import { tcpStream, tcpStreamFrames } from '../../electron/engine/streams/tcp-reassembly.ts';
import { addCaptureKeylog, captureTls, growWork, sourceStreamIds, tlsCacheWork, tlsOfStream } from '../../electron/engine/tls/capture-tls.ts';
import { cryptoProvider, type CryptoProfileName } from '../../electron/engine/tls/crypto.ts';
import { clearRecordCache } from '../../electron/engine/tls/record-cache.ts';
import { RECORD_COLUMN_BYTES, recordIndexBytes } from '../../electron/engine/tls/record-index.ts';
import { advanceTls, createTlsDecoder, decryptTlsStream, recordCount, recordList, recordPlaintexts, tlsDecryptWork, type TlsStreamResult } from '../../electron/engine/tls/session.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-tls-incr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => setEngineLimits({ maxMemoryMb: DEFAULT_LIMITS.maxMemoryMb }));

const generated = new Map<string, string | undefined>();

async function shapeE(events: number): Promise<CaptureSession> {
  const path = join(dir, `e-${events}.pcap`);
  if (!generated.has(path)) {
    const sh = SHAPES.find((x) => x.id === 'e');
    if (!sh) throw new Error('no shape e');
    generated.set(path, sh.generate(path, events).keylog);
  }
  const keylog = generated.get(path);
  const { capture, indexing } = await openCapture(path);
  await indexing;
  const s = openSession(capture);
  if (!keylog) throw new Error('shape e has a key log');
  expect(addCaptureKeylog(s.capture, { path: keylog }).errors).toEqual([]);
  return s;
}

/** The stream's first `k` chunks, as a capture still being written shows it. */
const prefix = (s: ByteStream, k: number): ByteStream => ({ ...s, chunks: s.chunks.slice(0, k) });

/** Every plaintext byte of a result, per direction (decrypted again from the records where dropped). */
function plaintext(t: TlsStreamResult): string[] {
  const out = ['', ''];
  const all = recordPlaintexts(t, 0, recordCount(t));
  recordList(t).forEach((r, i) => {
    const p = all[i];
    if (p) out[r.record.dir] += Buffer.from(p).toString('latin1');
  });
  return out;
}

describe.each(['node', 'boringssl'] as CryptoProfileName[])('an incremental TLS decoder (%s)', (profile) => {
  it('a growing stream decrypts only its new records, to what decrypting it whole gives', async () => {
    const s = await shapeE(6000);
    const int = s.base.internals();
    if (int.kind !== 'packets') throw new Error('packets');
    const src = tcpStream(int, 0);
    const keys = captureTls(s.base).keys;
    const p = cryptoProvider(profile);
    tlsDecryptWork.records = 0;
    const whole = decryptTlsStream(src, keys, p);
    const wholeWork = tlsDecryptWork.records;
    expect(whole.status).toBe('decrypted');
    const encrypted = recordList(whole).filter((r) => r.encrypted).length;
    expect(encrypted).toBeGreaterThan(200);

    // Twenty looks at a stream growing by a twentieth each time, the last one at its end.
    const d = createTlsDecoder(prefix(src, 0), keys, p);
    const n = src.chunks.length;
    let work = 0;
    let seen = 0;
    let reDecrypt = 0;
    for (let step = 1; step <= 20; step++) {
      const k = Math.round((n * step) / 20);
      const before = tlsDecryptWork.records;
      expect(advanceTls(d, prefix(src, k), k === n)).toBe(true);
      const did = tlsDecryptWork.records - before;
      const fresh = recordList(d.result).slice(seen).filter((r) => r.encrypted).length;
      // Each new encrypted record once (the handshake's end tries the next epoch too).
      expect(did, `look ${step}`).toBeLessThanOrEqual(fresh + 4);
      expect(did, `look ${step}`).toBeGreaterThanOrEqual(fresh);
      work += did;
      seen = recordCount(d.result);
      reDecrypt += recordList(d.result).filter((r) => r.encrypted).length;
    }
    expect(work).toBe(wholeWork);
    // Decrypting every prefix from its start (before) would have cost about ten times as much.
    expect(reDecrypt).toBeGreaterThan(8 * encrypted);
    const got = d.result;
    expect(recordCount(got)).toBe(recordCount(whole));
    expect(got.statusText).toBe(whole.statusText);
    expect(got.notes).toEqual(whole.notes);
    expect(got.stream.chunks.map((c) => [c.dir, c.seq, c.event, c.lastEvent, c.size ?? c.bytes.length])).toEqual(whole.stream.chunks.map((c) => [c.dir, c.seq, c.event, c.lastEvent, c.size ?? c.bytes.length]));
    clearRecordCache();
    expect(plaintext(got)).toEqual(plaintext(whole));
  });

  it('a stream that does not continue what was read, or a record still being written, is not taken as read', async () => {
    const s = await shapeE(2000);
    const int = s.base.internals();
    if (int.kind !== 'packets') throw new Error('packets');
    const src = tcpStream(int, 0);
    const keys = captureTls(s.base).keys;
    const p = cryptoProvider(profile);
    const d = createTlsDecoder(src, keys, p);
    // Cut inside a record: the record waits for its end (not emitted as cut).
    const inRecord = src.chunks.findIndex((c, i) => i > 10 && c.bytes.length > 0 && c.bytes.length < 100);
    const half = Math.max(20, inRecord);
    expect(advanceTls(d, prefix(src, half), false)).toBe(true);
    const last = recordList(d.result)[recordCount(d.result) - 1];
    expect(last.record.complete).toBe(true);
    // Other chunks in place of those read: refused, nothing read.
    const other: ByteStream = { ...src, chunks: src.chunks.slice(1, half + 5) };
    const before = recordCount(d.result);
    expect(advanceTls(d, other, false)).toBe(false);
    expect(recordCount(d.result)).toBe(before);
    expect(advanceTls(d, src, true)).toBe(true);
    expect(d.result.statusText).toBe(decryptTlsStream(src, keys, p).statusText);
  });
});

describe('TLS streams of an open capture', () => {
  it('a capture being written: each look reads the new frames and decrypts the new records only', async () => {
    const done = await shapeE(4000);
    const keylog = generated.get(join(dir, 'e-4000.pcap')) ?? '';
    tlsDecryptWork.records = 0;
    const want = tlsOfStream(done.base, 'tcp:0');
    const wholeWork = tlsDecryptWork.records;
    const int = done.base.internals();
    if (int.kind !== 'packets' || !want) throw new Error('packets, TLS');
    const { header, records } = pcapRecords(join(dir, 'e-4000.pcap'));
    const file = join(dir, 'e-growing.pcap');
    const fd = openSync(file, 'w');
    writeSync(fd, header);
    const stop = new AbortController();
    const { capture, indexing } = await openCaptures([file], { follow: { stop: stop.signal, pollMs: 5 } });
    const s = openSession(capture);
    addCaptureKeylog(s.base, { path: keylog });
    tlsDecryptWork.records = 0;
    growWork.frames = 0;
    tlsCacheWork.builds = 0;
    tlsCacheWork.advances = 0;
    const parts = 10;
    let looks = 0;
    for (let k = 0; k < parts; k++) {
      for (const r of records.slice(Math.round((records.length * k) / parts), Math.round((records.length * (k + 1)) / parts))) writeSync(fd, r);
      const before = s.base.count();
      for (let w = 0; w < 200 && s.base.count() === before; w++) await new Promise((r) => setTimeout(r, 10));
      if (tlsOfStream(s.base, 'tcp:0')) looks++;
    }
    stop.abort();
    await indexing;
    closeSync(fd);
    const got = tlsOfStream(s.base, 'tcp:0');
    capture.close();
    expect(looks).toBeGreaterThanOrEqual(parts - 1);
    expect(got?.statusText).toBe(want.statusText);
    expect((got ? recordCount(got) : undefined)).toBe(recordCount(want));
    // One build, then advances: every record through the cipher once, every frame read once.
    expect(tlsCacheWork.builds).toBe(1);
    expect(tlsCacheWork.advances).toBeGreaterThanOrEqual(parts - 1);
    expect(tlsDecryptWork.records).toBe(wholeWork);
    expect(growWork.frames).toBe(tcpStreamFrames(int, 0).length);
  }, 60_000);

  it('keys added for another session decrypt nothing again', async () => {
    const s = await shapeE(3000);
    const ids = sourceStreamIds(s.base);
    const first = ids.map((id) => tlsOfStream(s.base, id)).filter((t) => t !== null);
    expect(first.length).toBeGreaterThanOrEqual(8);
    tlsCacheWork.builds = 0;
    tlsDecryptWork.records = 0;
    const other = `CLIENT_RANDOM ${'ab'.repeat(32)} ${'cd'.repeat(48)}\n`;
    expect(addCaptureKeylog(s.capture, { text: other }).added).toBe(1);
    const again = ids.map((id) => tlsOfStream(s.base, id)).filter((t) => t !== null);
    expect(again).toEqual(first);
    expect(tlsCacheWork.builds).toBe(0);
    expect(tlsDecryptWork.records).toBe(0);
  });

  it('the record columns of a finished capture are at most 16 bytes a record', async () => {
    const s = await shapeE(6000);
    let bytes = 0;
    let records = 0;
    for (const id of sourceStreamIds(s.base)) {
      const t = tlsOfStream(s.base, id);
      const recs = captureTls(s.base).cache.get(id)?.recs;
      if (!t || !recs) continue;
      expect(recs.n).toBe(recordCount(t));
      bytes += recordIndexBytes(recs);
      records += recs.n;
    }
    expect(records).toBeGreaterThan(1000);
    expect(bytes / records).toBeLessThanOrEqual(RECORD_COLUMN_BYTES);
  });

  it('a stream whose plaintext is larger than the decrypted-record cache says so in its notes', async () => {
    const s = await shapeE(3000);
    // Set once indexed (the index pass has its own share): a cache of a few KB.
    setEngineLimits({ maxMemoryMb: 0.05 });
    clearRecordCache();
    const t = tlsOfStream(s.base, 'tcp:0');
    expect(t?.status).toBe('decrypted');
    const notes = t?.stream.notes.filter((x) => x.includes('decrypted-record cache')) ?? [];
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^tcp:0: its decrypted data \(.+\) is larger than the decrypted-record cache/);
  });
});
