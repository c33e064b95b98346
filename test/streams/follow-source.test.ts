/**
 * A followed TCP stream holds its chunk columns only; a page reads its own frames again
 * (follow-source.ts). Checked: the chunks read back equal the held stream's in every field, on
 * every reordering class (copied fragments are read by dissecting their frame again) and on the
 * corpus' TCP captures; and the bytes held while paging through a long stream are bounded by a
 * page, not by the stream (counted: column bytes per chunk, bytes copied per page).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture } from '../../electron/engine/open-capture.ts';
import type { Capture } from '../../electron/engine/capture.ts';
import { followPage } from '../../electron/engine/host/stream-service.ts';
import type { StreamChunk } from '../../electron/engine/streams/byte-stream.ts';
import { columnBytes, followReadWork, tcpFollowSource } from '../../electron/engine/streams/follow-source.ts';
import { tcpStream } from '../../electron/engine/streams/tcp-reassembly.ts';
import { corpusFiles } from '../engine/corpus.ts';
import { REORDERINGS, reorderedPcap, type ConnectionSpec } from './make-reordered-pcap.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-follow-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function opened(path: string): Promise<Capture> {
  const { capture, indexing } = await openCapture(path);
  await indexing;
  return capture;
}

async function generated(name: string, specs: ConnectionSpec[]): Promise<Capture> {
  const p = join(dir, name);
  writeFileSync(p, reorderedPcap(specs));
  return opened(p);
}

type PacketInternals = Extract<ReturnType<Capture['internals']>, { kind: 'packets' }>;
function packets(c: Capture): PacketInternals {
  const int = c.internals();
  if (int.kind !== 'packets') throw new Error('not a packet capture');
  return int;
}

/** A chunk's fields as text (bytes as hex), for exact comparison. */
const shown = (c: StreamChunk): string =>
  `${c.dir} ${c.event} ${c.time} ${c.seq} ${c.gap ?? '-'} ${c.truncated ?? '-'} ${Buffer.from(c.bytes).toString('hex')}`;

/** Every TCP stream of `c`: the source's chunks (read in pages of 7) equal the held stream's. */
function expectSameChunks(c: Capture, label: string): number {
  const int = packets(c);
  let compared = 0;
  for (let n = 0; n < int.conv.nTcp; n++) {
    const held = tcpStream(int, n);
    const src = tcpFollowSource(int, n);
    const got: string[] = [];
    for (let k = 0; k < src.columns.n; k += 7) for (const x of src.chunks(k, k + 7)) got.push(shown(x));
    expect(got, `${label} tcp:${n}`).toEqual(held.chunks.map(shown));
    expect(src.notes, `${label} tcp:${n}`).toEqual(held.notes);
    expect([src.client, src.server]).toEqual([held.client, held.server]);
    compared += got.length;
  }
  return compared;
}

describe('a follow source reads back the held stream', () => {
  it(`every reordering class and lost segments (copied fragments dissected again)`, async () => {
    const c = await generated('classes.pcap', [...REORDERINGS, 'lost' as const].map((order) => ({ segments: 400, order, seed: 5, conflicting: order !== 'inorder' })));
    const before = followReadWork.dissected;
    expect(expectSameChunks(c, 'classes')).toBeGreaterThan(3000);
    // Reordered segments are kept as copies: their frames are read by dissection, the others by offset.
    expect(followReadWork.dissected - before).toBeGreaterThan(0);
  });

  it('the corpus TCP captures', async () => {
    const files = corpusFiles('pcap', (f) => /\.pcap$/.test(f)).concat(corpusFiles('pcapng', (f) => /\.pcapng$/.test(f)));
    if (files.length === 0) return; // The corpus lives beside the checkout; without it the generated cases above still run.
    let chunks = 0;
    for (const f of files) {
      let c: Capture;
      try {
        c = await opened(f);
      } catch {
        continue; // Formats the engine refuses are another test's subject.
      }
      if (c.internals().kind !== 'packets') continue;
      chunks += expectSameChunks(c, f);
    }
    expect(chunks).toBeGreaterThan(100);
  });
});

describe('following a long stream holds a page, not the stream', () => {
  it('columns are a constant per chunk; each page copies about a page of bytes', async () => {
    // 12 k segments of 512 bytes: 6 MB server → client, 6 pages of 1 MiB.
    const c = await generated('long.pcap', [{ segments: 12_000, order: 'inorder', seed: 3 }]);
    const int = packets(c);
    const src = tcpFollowSource(int, 0);
    expect(src.columns.n).toBeGreaterThan(12_000);
    // Columns grow by doubling: at most 2 × 21 bytes a chunk, whatever the chunks carry.
    expect(columnBytes(src.columns)).toBeLessThanOrEqual(2 * 21 * src.columns.n + 16 * 4);
    const first = followPage(c, { stream: 'tcp:0' }, 'rawlines', 0);
    expect(first.pages).toBeGreaterThanOrEqual(5);
    let maxPage = 0;
    let total = 0;
    const dissected = followReadWork.dissected;
    for (let p = 0; p < first.pages; p++) {
      const before = followReadWork.bytes;
      const page = followPage(c, { stream: 'tcp:0' }, 'rawlines', p);
      const copied = followReadWork.bytes - before;
      maxPage = Math.max(maxPage, copied);
      total += copied;
      expect(page.chunks.reduce((a, x) => a + x.bytes.length, 0)).toBe(copied);
    }
    // A page stops at the first chunk past 1 MiB: one segment more at most.
    expect(maxPage).toBeLessThanOrEqual((1 << 20) + 512);
    expect(total).toBe(first.totalBytes[0] + first.totalBytes[1]);
    // In-order chunks are found at their offset in the frame: no frame is dissected again.
    expect(followReadWork.dissected).toBe(dissected);
  });
});
