/**
 * HTTP/2 streams and exchanges as columns (http2/stream-columns.ts, layers/h2-list.ts), tested
 * by counting: the bytes the columns hold per exchange (typed arrays, and the heap after a GC),
 * the header blocks one lookup decodes, and that every row, materialized exchange and body made
 * from the columns equals the one rebuilt from the whole connection.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { h2Frame } from '../../bench/make-h2.ts';
import { rng } from '../../bench/make-pcap.ts';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { blockHeaders, h2Work, HPACK_SNAPSHOT_EVERY, parseHttp2 } from '../../electron/engine/http2/connection.ts';
import { http2Exchanges } from '../../electron/engine/http2/exchanges.ts';
import { createStreamColumns, STREAM_COLUMN_BYTES, streamColumnBytes } from '../../electron/engine/http2/stream-columns.ts';
import { h2At, h2Materialize, h2Row } from '../../electron/engine/layers/h2-list.ts';
import { exchangeRefs, h2List, rowOfExchange, type HttpLayer } from '../../electron/engine/layers/http-layer.ts';
import { openSession, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { httpBodyOf } from '../../electron/engine/host/stream-service.ts';
import type { ByteStream, StreamChunk } from '../../electron/engine/streams/byte-stream.ts';
import { openTls } from '../tls/helpers.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const dir = mkdtempSync(join(tmpdir(), 'tracelens-h2-columns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GOLDEN = join(import.meta.dirname, 'golden');
const KEYS = JSON.parse(readFileSync(join(GOLDEN, 'KEYS.json'), 'utf8')) as { http2: [string, string[], string[]][] };

/** `n` streams on one connection: GET of one of `paths` paths, 200 with a 5-byte body. */
function connection(n: number, paths: number): ByteStream {
  const chunks: StreamChunk[] = [];
  const seq = [0, 0];
  const push = (d: 0 | 1, bytes: Uint8Array, event: number): void => {
    chunks.push({ dir: d, event, time: event, bytes, seq: seq[d] });
    seq[d] += bytes.length;
  };
  const lit = (name: number, value: string): number[] => [name, value.length, ...Array.from(value, (c) => c.charCodeAt(0))];
  push(0, new TextEncoder().encode('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), 1);
  let ev = 2;
  for (let i = 0; i < n; i++) {
    const id = 2 * i + 1;
    // RFC 7541 static table: 0x82 :method GET, 0x87 :scheme https, 0x04 :path, 0x01 :authority (literals without indexing).
    push(0, h2Frame(1, 0x5, id, Uint8Array.from([0x82, 0x87, ...lit(4, `/item/${i % paths}`), ...lit(1, 'example.com')])), ev++);
    const head = h2Frame(1, 0x4, id, Uint8Array.of(0x88));
    const data = h2Frame(0, 0x1, id, Uint8Array.of(104, 101, 108, 108, 111));
    const both = new Uint8Array(head.length + data.length);
    both.set(head);
    both.set(data, head.length);
    push(1, both, ev++);
  }
  return { id: 'tcp:0', kind: 'tcp', client: 'c', server: 's', chunks, notes: [] };
}

const heap = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

describe('HTTP/2 stream columns: bytes per exchange', () => {
  it('100 k streams: 58 bytes of columns a stream; retained after GC ≤ 64 bytes an exchange', () => {
    const n = 100_000;
    const conn = parseHttp2(connection(n, 200));
    expect(conn.streams.n).toBe(n);
    expect(http2Exchanges(conn, 'x', { only: { streamId: 2 * (n - 1) + 1, index: n - 1 } })[0].request?.uri).toBe(`/item/${(n - 1) % 200}`);
    // Ids in order: no id permutation; arrays cut to the rows.
    expect(conn.streams.byId).toBeUndefined();
    expect(conn.streams.id.length).toBe(n);
    expect(streamColumnBytes(conn.streams)).toBe(n * STREAM_COLUMN_BYTES);
    expect(STREAM_COLUMN_BYTES).toBeLessThanOrEqual(64);
    // What the exchanges hold in the heap: the connection with and without its stream columns
    // (the ByteStream and frame index stay; the columns are dropped, no reference kept).
    const withStreams = heap();
    conn.streams = createStreamColumns(0);
    const without = heap();
    const perExchange = (withStreams - without) / n;
    console.info(`[h2 columns] retained ${perExchange.toFixed(1)} B an exchange (${n} streams, 200 distinct paths)`);
    expect(perExchange).toBeGreaterThan(STREAM_COLUMN_BYTES * 0.9);
    expect(perExchange).toBeLessThanOrEqual(64);
    expect(conn.frames.n).toBe(3 * n);
  });
});

describe('HTTP/2 exchanges from the columns equal those rebuilt from the connection', () => {
  /** Every HTTP/2 row and materialized exchange of the layer vs the full rebuild of its connection. */
  function compareLayer(layer: HttpLayer): number {
    let compared = 0;
    const full = new Map<string, ReturnType<typeof http2Exchanges>>();
    for (const e of exchangeRefs(layer)) {
      if (!('h2' in e)) continue;
      const { e: entry, j } = h2At(e.h2, e.k);
      let all = full.get(entry.stream);
      if (!all) {
        all = http2Exchanges(entry.conn, entry.stream, { bodies: 'size' });
        full.set(entry.stream, all);
      }
      expect(h2Row(e.h2, e.k)).toEqual(rowOfExchange(all[j]));
      expect(h2Materialize(e.h2, e.k, { bodies: 'size' })).toEqual(all[j]);
      compared++;
    }
    return compared;
  }

  for (const [f, keys] of KEYS.http2) {
    it(f, async () => {
      const c = await openTls(f, keys, 'node');
      const layer = scanHttpNow(c.session);
      expect(compareLayer(layer)).toBeGreaterThan(0);
      // Bodies: one exchange rebuilt with its DATA, as the whole connection's rebuild has it.
      for (const entry of h2List(layer).entries) {
        const whole = http2Exchanges(entry.conn, entry.stream);
        whole.forEach((ex, j) => {
          if (ex.response) expect(httpBodyOf(c.session, entry.stream, j, 'response').body).toEqual(ex.response.body);
        });
      }
    });
  }

  it('shape d (shuffled responses, dynamic table): rows equal; one message head decoded again costs ≤ one snapshot interval', async () => {
    const path = join(dir, 'd.pcap');
    SHAPES.find((s) => s.id === 'd')?.generate(path, 6000);
    const { capture, indexing } = await openCapture(path);
    await indexing;
    const layer = scanHttpNow(openSession(capture));
    expect(h2List(layer).n).toBeGreaterThan(2000);
    expect(compareLayer(layer)).toBe(h2List(layer).n);
    const conn = h2List(layer).entries[0].conn;
    const r = rng(5);
    let worst = 0;
    for (let t = 0; t < 200; t++) {
      const k = Math.floor(r() * h2List(layer).n);
      const { r: row } = h2At(h2List(layer), k);
      for (const d of [0, 1] as const) {
        conn.cursors = [undefined, undefined];
        conn.recent.clear();
        const before = h2Work.blocksDecoded;
        expect(blockHeaders(conn, conn.streams.head[d][row])?.headers.length).toBeGreaterThan(0);
        worst = Math.max(worst, h2Work.blocksDecoded - before);
      }
    }
    expect(worst).toBeGreaterThan(1);
    expect(worst).toBeLessThanOrEqual(HPACK_SNAPSHOT_EVERY + 1);
    // In table order (rows of a page after another), responses a few streams out of order hit the recent blocks.
    conn.cursors = [undefined, undefined];
    conn.recent.clear();
    const before = h2Work.blocksDecoded;
    for (let k = 0; k < h2List(layer).n; k++) h2Materialize(h2List(layer), k);
    expect(h2Work.blocksDecoded - before).toBeLessThanOrEqual(2 * h2List(layer).n * 1.05);
    capture.close();
  });
});
