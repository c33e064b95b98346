/**
 * Following a large stream page by page costs one walk over its chunks plus each page's own
 * chunks — counted as chunk reads, not timed. (Before: every page walked the whole stream for its
 * summary, and a hex page walked every chunk before it; shape (c) of the bench, one 1 GB upload,
 * has about 700 k chunks and 1000 pages.)
 */
import { describe, expect, it } from 'vitest';
import { followPageOf, followPaging } from '../../electron/engine/host/stream-service.ts';
import type { ByteStream, StreamChunk } from '../../electron/engine/streams/byte-stream.ts';
import { formatHex, formatRawLines } from '../../electron/engine/streams/follow-format.ts';

/** A stream of `n` chunks whose element reads are counted. */
function countedStream(n: number, size: number): { s: ByteStream; reads: () => number } {
  const chunks: StreamChunk[] = [];
  const seq = [0, 0];
  for (let k = 0; k < n; k++) {
    const dir = k % 7 === 6 ? 1 : 0;
    const bytes = new Uint8Array(size).map((_, i) => (k + i) & 0xff);
    chunks.push({ dir, event: k + 1, time: k, bytes, seq: seq[dir] });
    seq[dir] += size;
  }
  let reads = 0;
  const counted = new Proxy(chunks, {
    get(t, p, r) {
      if (typeof p === 'string' && /^\d+$/.test(p)) reads++;
      return Reflect.get(t, p, r) as unknown;
    },
  });
  return { s: { id: 'tcp:0', kind: 'tcp', client: 'a:1', server: 'b:2', chunks: counted, notes: [] }, reads: () => reads };
}

describe('follow paging does linear work', () => {
  for (const n of [1_000, 10_000]) {
    it(`${n} chunks: paging walks them once, each page reads only its own (hex and rawlines)`, () => {
      const { s, reads } = countedStream(n, 100);
      const paging = followPaging(s, 64 * 100);
      expect(reads()).toBe(n);
      expect(paging.starts.length).toBe(Math.ceil(n / 64));
      for (const format of ['hex', 'rawlines'] as const) {
        const before = reads();
        let text = '';
        for (let p = 0; p < paging.starts.length; p++) text += followPageOf(s, paging, format, p).text;
        // slice() reads each chunk of a page once: n reads for all pages, whatever their number.
        expect(reads() - before).toBe(n);
        // Pages join: the same text as the whole stream formatted at once.
        const whole = [...s.chunks];
        expect(text).toBe(format === 'hex' ? formatHex(whole) : formatRawLines(whole));
      }
    });
  }

  it('summary and totals come from the one walk', () => {
    const { s } = countedStream(700, 10);
    const paging = followPaging(s, 100);
    const page = followPageOf(s, paging, 'raw', 3);
    expect(page.summary).toEqual({ clientChunks: 600, serverChunks: 100, turns: 200 });
    expect(page.totalBytes).toEqual([6000, 1000]);
    expect(page.firstChunk).toBe(30);
  });
});

describe('hex dump offsets', () => {
  it('prints %08X offsets, widening past 4 GiB, and the server side indented', () => {
    const c = (dir: 0 | 1, bytes: number[]): StreamChunk => ({ dir, event: 1, time: 0, bytes: Uint8Array.from(bytes), seq: 0 });
    const text = formatHex([c(0, [0x41, 0x42, 0x00, 0x20, 0x7e, 0x7f, 0x0a, 0x43, 0x44, 0x45]), c(1, [0x61])], [0x1_0000_0000, 0xfffffff0]);
    expect(text).toBe(
      '100000000  41 42 00 20 7e 7f 0a 43  44 45                    AB. ~..C DE\n'
      + '\tFFFFFFF0  61                                                a\n',
    );
  });
});
