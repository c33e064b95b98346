/**
 * The HTTP/2 frame index counts its work (not time): 16 bytes of columns a frame; a header block
 * decoded again from the nearest HPACK snapshot equals the scan's and costs at most one
 * snapshot interval of blocks; a walk in order decodes each block once; a filter on HTTP/2 or
 * TLS fields alone dissects no frame and parses each connection once; following one HTTP/2
 * stream reads that stream's frames only. On the shapes bench's (d) and (e) generators.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { rng } from '../../bench/make-pcap.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { blockHeaders, FT, h2Work, HPACK_SNAPSHOT_EVERY, type H2Connection } from '../../electron/engine/http2/connection.ts';
import { FRAME_COLUMN_BYTES, frameColumnBytes, frameDir, frameEndsBlock, frameStreamId, frameType, h2ReadWork } from '../../electron/engine/http2/frame-index.ts';
import type { HeaderField } from '../../electron/engine/http2/hpack.ts';
import { resolveStream } from '../../electron/engine/host/stream-service.ts';
import { openSession, sessionWork, type CaptureSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS, openTls } from '../tls/helpers.ts';
import { recordCount, recordList } from '../../electron/engine/tls/session.ts';
import { addCaptureKeylog, http2OfStream, sourceStreamIds, tlsLayerWork, tlsOfStream } from '../../electron/engine/tls/capture-tls.ts';
import { RECORD_COLUMN_BYTES, recordContentType, recordHandshakes, recordLength, recordVersion } from '../../electron/engine/tls/record-index.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-h2-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function shape(id: string, events: number): Promise<{ s: CaptureSession; keylog?: string }> {
  const path = join(dir, `${id}-${events}.pcap`);
  const sh = SHAPES.find((x) => x.id === id);
  if (!sh) throw new Error(`no shape ${id}`);
  const g = sh.generate(path, events);
  const { capture, indexing } = await openCapture(path);
  await indexing;
  const s = openSession(capture);
  if (g.keylog) expect(addCaptureKeylog(s.capture, { path: g.keylog }).errors).toEqual([]);
  return { s, keylog: g.keylog };
}

const pairs = (h: readonly HeaderField[] | undefined): string[] => (h ?? []).map((f) => `${f.name}: ${f.value}`);

function blockEnds(conn: H2Connection): number[] {
  const out: number[] = [];
  for (let i = 0; i < conn.frames.n; i++) if (frameEndsBlock(conn.frames, i)) out.push(i);
  return out;
}

describe('HTTP/2 frame index (shape d: one h2c connection, dynamic HPACK table)', () => {
  it('16 bytes a frame; blocks decoded again equal the scan, each lookup within one snapshot interval', async () => {
    const { s } = await shape('d', 6000);
    const conn = http2OfStream(s.base, 'tcp:0');
    if (!conn) throw new Error('tcp:0 carries HTTP/2');
    const fx = conn.frames;
    expect(fx.n).toBeGreaterThan(3000);
    expect(frameColumnBytes(fx) / fx.n).toBe(FRAME_COLUMN_BYTES);
    expect(fx.ev.BYTES_PER_ELEMENT + fx.sid.BYTES_PER_ELEMENT + fx.pos.BYTES_PER_ELEMENT + fx.tf.BYTES_PER_ELEMENT).toBeLessThanOrEqual(16);
    expect(fx.wide.size).toBe(0);

    const ends = blockEnds(conn);
    expect(ends.length).toBeGreaterThan(2 * HPACK_SNAPSHOT_EVERY);
    // In order, from fresh cursors: each block decoded once.
    conn.cursors = [undefined, undefined];
    h2Work.blocksDecoded = 0;
    const inOrder = new Map<number, string[]>();
    for (const i of ends) inOrder.set(i, pairs(blockHeaders(conn, i)?.headers));
    expect(h2Work.blocksDecoded).toBe(ends.length);

    // What the scan kept of each message (interned path, status) is what decoding again gives.
    let compared = 0;
    const sc = conn.streams;
    for (let r = 0; r < sc.n; r++) {
      for (const d of [0, 1] as const) {
        const head = sc.head[d][r];
        if (head < 0) continue;
        expect(frameStreamId(fx, head)).toBe(sc.id[r]);
        expect(frameDir(fx, head)).toBe(d);
        const h = inOrder.get(head) ?? [];
        if (d === 0) expect(h).toContain(`:path: ${sc.strings.strings[sc.path[r]]}`);
        else expect(h).toContain(`:status: ${sc.status[r]}`);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(ends.length / 2);
    // Dynamic-table references are in play (indexed entries past the static table), so a wrong
    // starting state would show.
    expect([...inOrder.values()].some((h) => h.some((x) => x.startsWith(':path: /api/items/')))).toBe(true);

    // In random order: the same answers, never more than one snapshot interval (+ the block) a lookup.
    const r = rng(7);
    const shuffled = [...ends].sort(() => r() - 0.5);
    conn.cursors = [undefined, undefined];
    let worst = 0;
    for (const i of shuffled.slice(0, 400)) {
      const before = h2Work.blocksDecoded;
      expect(pairs(blockHeaders(conn, i)?.headers)).toEqual(inOrder.get(i));
      worst = Math.max(worst, h2Work.blocksDecoded - before);
    }
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(HPACK_SNAPSHOT_EVERY + 1);
  });

  it('a filter on HTTP/2 fields alone dissects no frame and walks the connection once; same events as a dissecting filter', async () => {
    const { s } = await shape('d', 4000);
    h2Work.parses = 0;
    sessionWork.baseDissects = 0;
    sessionWork.layerOnly = 0;
    const byLayer = await runFilter(s.capture, 'http2.streamid == 3');
    if (!byLayer.ok) throw new Error('filter');
    expect(sessionWork.baseDissects).toBe(0);
    expect(sessionWork.layerOnly).toBe(s.base.count());
    expect(h2Work.parses).toBe(1);
    expect(byLayer.events.length).toBeGreaterThan(0);
    // `frame.len > 0` makes the filter name a frame field: every frame dissected, same answer.
    const byDissect = await runFilter(s.capture, 'http2.streamid == 3 && frame.len > 0');
    if (!byDissect.ok) throw new Error('filter');
    expect(sessionWork.baseDissects).toBe(s.base.count());
    expect([...byLayer.events]).toEqual([...byDissect.events]);

    for (const f of ['http2.type == 1', 'http2.header.value contains "/api/items/1"', 'http2.flags == 0x5']) {
      sessionWork.baseDissects = 0;
      h2Work.blocksDecoded = 0;
      const a = await runFilter(s.capture, f);
      if (!a.ok) throw new Error(f);
      expect(sessionWork.baseDissects, f).toBe(0);
      const conn = http2OfStream(s.base, 'tcp:0');
      // Events in order walk the blocks with the cursors: about one decode a block, not a replay each.
      expect(h2Work.blocksDecoded, f).toBeLessThanOrEqual(blockEnds(conn as H2Connection).length + 2 * HPACK_SNAPSHOT_EVERY);
      const b = await runFilter(s.capture, `(${f}) && frame.len > 0`);
      if (!b.ok) throw new Error(f);
      expect([...a.events], f).toEqual([...b.events]);
    }
    expect(h2Work.parses).toBe(1);
  });

  it('following one HTTP/2 stream reads its own frames, not the connection', async () => {
    const { s } = await shape('d', 4000);
    const conn = http2OfStream(s.base, 'tcp:0');
    if (!conn) throw new Error('tcp:0 carries HTTP/2');
    const fx = conn.frames;
    const sid = frameStreamId(fx, blockEnds(conn).find((i) => frameStreamId(fx, i) > 100) ?? 0);
    let own = 0;
    for (let i = 0; i < fx.n; i++) if (frameStreamId(fx, i) === sid || frameType(fx, i) === FT.PUSH_PROMISE) own++;
    h2ReadWork.payloads = 0;
    h2Work.blocksDecoded = 0;
    const st = resolveStream(s.capture, { stream: `h2:tcp:0:${sid}` });
    expect(st.chunks.length).toBeGreaterThan(1);
    expect(st.chunks.length).toBeLessThanOrEqual(own);
    // Its frames' payloads, and the blocks between a snapshot and its header blocks.
    expect(h2ReadWork.payloads).toBeLessThanOrEqual(own + 4 * (HPACK_SNAPSHOT_EVERY + 1));
    expect(h2Work.blocksDecoded).toBeLessThanOrEqual(4 * (HPACK_SNAPSHOT_EVERY + 1));
  });
});

describe('TLS record index (shape e: TLS 1.3 keep-alive with a key log)', () => {
  it('16 bytes a record; the columns say what the record objects say', async () => {
    const { s } = await shape('e', 3000);
    let records = 0;
    for (const id of sourceStreamIds(s.base)) {
      const t = tlsOfStream(s.base, id);
      if (!t) continue;
      const c = t.recs;
      expect(c.ev.BYTES_PER_ELEMENT + c.pos.BYTES_PER_ELEMENT + c.meta.BYTES_PER_ELEMENT + c.hs.BYTES_PER_ELEMENT).toBe(RECORD_COLUMN_BYTES);
      expect(c.odd.size).toBe(0);
      recordList(t).forEach((r, i) => {
        expect(recordContentType(c, i)).toBe(r.contentType);
        expect(recordVersion(c, i)).toBe(r.record.version);
        expect(recordLength(c, i)).toBe(r.record.length);
        expect(recordHandshakes(c, i)).toEqual(r.handshakes.map((m) => m.type));
      });
      records += recordCount(t);
    }
    expect(records).toBeGreaterThan(1000);
  });

  it('a filter on TLS fields alone dissects no frame; record fields from the columns; same events as a dissecting filter', async () => {
    const { s } = await shape('e', 3000);
    for (const [f, columns] of [['tls.handshake.type == 20', true], ['tls.record.content_type == 23', true], ['tls.handshake.extensions_server_name contains "."', false]] as const) {
      sessionWork.baseDissects = 0;
      tlsLayerWork.columnEvents = 0;
      tlsLayerWork.recordEvents = 0;
      const a = await runFilter(s.capture, f);
      if (!a.ok) throw new Error(f);
      expect(sessionWork.baseDissects, f).toBe(0);
      expect(a.events.length, f).toBeGreaterThan(0);
      if (columns) {
        expect(tlsLayerWork.recordEvents, f).toBe(0);
        expect(tlsLayerWork.columnEvents, f).toBeGreaterThan(a.events.length - 1);
      } else expect(tlsLayerWork.recordEvents, f).toBeGreaterThan(0);
      const b = await runFilter(s.capture, `(${f}) && frame.len > 0`);
      if (!b.ok) throw new Error(f);
      expect([...a.events], f).toEqual([...b.events]);
    }
  });
});

/** Corpus captures with their key logs: every TLS/HTTP/2 field filter the layers answer alone gives the dissecting filter's events. */
const CORPUS_TLS: [string, string[]][] = [
  ['pcapng/generated/gen-tls13-h2.pcapng', ['keys/generated/gen-tls13-h2.keys']],
  ['pcap/generated/gen-tls12-h2.pcap', ['keys/generated/gen-tls12-h2.keys']],
  ['pcapng/generated/gen-tls12-http11.pcapng', ['keys/generated/gen-tls12-http11.keys']],
  ['pcap/wireshark/tls12-chacha20poly1305.pcap', ['keys/wireshark/tls12-chacha20poly1305.keys']],
  ['pcap/wireshark/tls13-rfc8446.pcap', ['keys/wireshark/tls13-rfc8446.keys']],
  ['pcapng/wireshark/http2_follow_multistream.pcapng', []],
  ['pcap/illustrated-tls12/capture.pcap', ['keys/illustrated-tls12/keylog.txt']],
];
const LAYER_FILTERS = [
  'tls', 'tls.handshake.type == 1', 'tls.handshake.type == 2 || tls.handshake.type == 20', 'tls.record.content_type == 23', 'tls.record.content_type == 22',
  'tls.record.version == 0x0303', 'tls.record.length > 100', 'http2', 'http2.type == 1', 'http2.type == 0', 'http2.streamid == 3', 'http2.header.value contains "/"',
];

describe.skipIf(!CORPUS)('TLS / HTTP/2 field filters answered by the layers agree with dissecting filters (corpus)', () => {
  for (const [file, keys] of CORPUS_TLS) {
    it(file, async () => {
      const c = await openTls(file, keys, 'node');
      let matched = 0;
      for (const f of LAYER_FILTERS) {
        sessionWork.baseDissects = 0;
        const a = await runFilter(c, f);
        if (!a.ok) throw new Error(f);
        expect(sessionWork.baseDissects, f).toBe(0);
        const b = await runFilter(c, `(${f}) && frame.len > 0`);
        if (!b.ok) throw new Error(f);
        expect([...a.events], `${file}: ${f}`).toEqual([...b.events]);
        matched += a.events.length;
      }
      expect(matched).toBeGreaterThan(0);
    });
  }
});
