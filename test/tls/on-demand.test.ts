/**
 * TLS decryption on demand, counted in records run through a cipher (not timed), on the shapes
 * bench's TLS 1.3 keep-alive generator (shape e): a filter naming no TLS/HTTP field decrypts
 * nothing even with the key log added, as the CLI runs it; once a stream was decrypted, details
 * of a frame decrypt only that frame's records and a follow page only its own, with the same
 * answers as when every plaintext was held.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { followPageOf, followPaging } from '../../electron/engine/host/stream-service.ts';
import { openSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { addCaptureKeylog, tlsFrameOf, tlsOfStream } from '../../electron/engine/tls/capture-tls.ts';
import { clearRecordCache, recordCacheBytes } from '../../electron/engine/tls/record-cache.ts';
import { recordList, recordPlaintexts, tlsDecryptWork } from '../../electron/engine/tls/session.ts';
import { createEngineClient, type EngineClient } from '../../shared/engine-client.ts';
import type { Port } from '../../shared/rpc.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-tls-demand-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function shapeE(events: number): { path: string; keylog: string } {
  const path = join(dir, `e-${events}.pcap`);
  const sh = SHAPES.find((x) => x.id === 'e');
  const keylog = sh?.generate(path, events).keylog;
  if (!keylog) throw new Error('shape e writes a key log');
  return { path, keylog };
}

/** An engine in this process, as the CLI starts it (scanOnDemand). */
function cliEngine(): EngineClient {
  let toEngine: (m: unknown) => void = () => {};
  let toClient: (m: unknown) => void = () => {};
  const enginePort: Port = { postMessage: (m) => setImmediate(() => toClient(m)), onMessage: (h) => (toEngine = h), close() {} };
  const clientPort: Port = { postMessage: (m) => setImmediate(() => toEngine(m)), onMessage: (h) => (toClient = h), close() {} };
  serveEngine(enginePort, { scanOnDemand: true });
  return createEngineClient(clientPort);
}

async function openIndexed(c: EngineClient, path: string): Promise<void> {
  const done = new Promise<void>((resolve) => c.onEvent((e) => e.type === 'progress' && e.info.done && resolve()));
  const info = await c.call('open', { path });
  if (!info.done) await done;
}

describe('shape e with its key log, as the CLI asks', () => {
  it('tcp.stream == 5 decrypts no record; an HTTP field then does', async () => {
    const { path, keylog } = shapeE(6000);
    const c = cliEngine();
    await openIndexed(c, path);
    tlsDecryptWork.records = 0;
    const k = await c.call('addKeylog', { path: keylog });
    expect(k.added).toBeGreaterThan(0);
    const r = await c.call('filter', { text: 'tcp.stream == 5' });
    expect(r.matched).toBeGreaterThan(100);
    const page = await c.call('extract', { start: 0, count: 50, fields: ['frame.number'] });
    expect(page.values.length).toBe(50);
    expect(tlsDecryptWork.records).toBe(0);
    const h = await c.call('filter', { text: 'http.response.code == 200' });
    expect(h.matched).toBeGreaterThan(100);
    expect(tlsDecryptWork.records).toBeGreaterThan(h.matched);
  });
});

describe('a decrypted stream holds no plaintext of its own (shape e)', () => {
  it('details of the last record-carrying frame decrypt its records only, and say the same', async () => {
    const { path, keylog } = shapeE(6000);
    const { capture, indexing } = await openCapture(path);
    await indexing;
    const s = openSession(capture);
    expect(addCaptureKeylog(s.capture, { path: keylog }).errors).toEqual([]);
    let last = s.base.count();
    // The last frame carrying application data that decrypted (an alert's plaintext is held by its summary).
    while (last > 0 && !tlsFrameOf(s.base, last)?.frame.records?.some((r) => r.key)) last--;
    const records = tlsFrameOf(s.base, last)?.frame.records?.length ?? 0;
    expect(records).toBeGreaterThan(0);
    const tree = (): string[] => {
      const d = createDissection();
      s.capture.dissect(last, d);
      const f = fieldByName('http.response.code') ?? fieldByName('http.request.method');
      return [String(d.n), ...(f ? fieldStrings(d, f) : []), ...d.sources.map((x) => `${x.name}:${Buffer.from(x.bytes).toString('hex')}`)];
    };
    const first = tree();
    // The stream is decrypted now; drop every plaintext: details decrypt this frame's records again, no more.
    clearRecordCache();
    tlsDecryptWork.records = 0;
    expect(tree()).toEqual(first);
    expect(tlsDecryptWork.records).toBeGreaterThan(0);
    expect(tlsDecryptWork.records).toBeLessThanOrEqual(records);
    // Asked again: the record cache answers.
    tlsDecryptWork.records = 0;
    expect(tree()).toEqual(first);
    expect(tlsDecryptWork.records).toBe(0);
  });

  it('a follow page decrypts its own records; paging decrypts none; records [i, j) as the stream', async () => {
    const { path, keylog } = shapeE(6000);
    const { capture, indexing } = await openCapture(path);
    await indexing;
    const s = openSession(capture);
    expect(addCaptureKeylog(s.capture, { path: keylog }).errors).toEqual([]);
    const t = tlsOfStream(s.base, 'tcp:0');
    if (!t) throw new Error('tcp:0 is TLS');
    expect(t.status).toBe('decrypted');
    const held = t.stream.chunks.map((c) => Buffer.from(c.bytes).toString('hex'));
    clearRecordCache();
    tlsDecryptWork.records = 0;
    const paging = followPaging(t.stream, 4096);
    expect(paging.starts.length).toBeGreaterThan(4);
    expect(tlsDecryptWork.records).toBe(0);
    const p = Math.floor(paging.starts.length / 2);
    const page = followPageOf(t.stream, paging, 'raw', p);
    expect(page.chunks.length).toBeGreaterThan(0);
    expect(tlsDecryptWork.records).toBe(page.chunks.length);
    expect(page.chunks.map((c) => Buffer.from(c.bytes).toString('hex'))).toEqual(held.slice(page.firstChunk, page.firstChunk + page.chunks.length));
    // Records [i, j) of the stream, decrypted alone, are the plaintext chunks' bytes.
    const apps = recordList(t).flatMap((r, i) => (r.key ? [i] : []));
    const [i, j] = [apps[10], apps[20]];
    clearRecordCache();
    tlsDecryptWork.records = 0;
    const got = recordPlaintexts(t, i, j).filter((x) => x !== undefined).map((x) => Buffer.from(x).toString('hex'));
    expect(tlsDecryptWork.records).toBe(got.length);
    expect(got.length).toBeGreaterThanOrEqual(10);
    // Every record decrypted: the n-th record with a key made the n-th plaintext chunk.
    expect(t.stream.chunks.length).toBe(apps.length);
    expect(held.slice(10, 20)).toEqual(got);
    expect(recordCacheBytes()).toBeGreaterThan(0);
  });
});
