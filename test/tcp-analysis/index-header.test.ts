/**
 * The TCP analysis reads each frame's TCP header from the index columns (tcpSeq, tcpAck, tcpWin,
 * hdrFlags, tcpLen, tcpPorts) instead of the frame's bytes: on every TCP frame of every corpus
 * pcap/pcapng and ka-10k, the header the columns give (or "not analysed") must be the one the
 * bytes give, and on ka-10k the whole pass must read no frame again.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyseTo, createTcpAnalysis, headerSources } from '../../electron/engine/layers/tcp-analysis.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS, corpusFiles } from '../engine/corpus.ts';

const KA10K = '/work/captures/ka-10k.pcap';
const files = [
  ...(CORPUS ? [...corpusFiles('pcap', (n) => /\.(pcap|pcapng|cap|ntar)(\.gz)?$/i.test(n)), ...corpusFiles('pcapng', (n) => /\.(pcap|pcapng|ntar)(\.gz)?$/i.test(n))] : []),
  ...(existsSync(KA10K) ? [KA10K] : []),
];

async function packets(path: string) {
  const { capture, indexing } = await openCapture(path);
  await indexing;
  const internals = capture.internals?.();
  if (internals?.kind !== 'packets') throw new Error(`${path}: not a packet capture`);
  return { capture, internals };
}

describe('TCP analysis headers from the index', () => {
  it.skipIf(files.length === 0)('equal the headers read from the frames on every corpus capture and ka-10k', async () => {
    const diffs: string[] = [];
    let fromIndex = 0;
    let read = 0;
    for (const path of files) {
      const { capture, internals } = await packets(path);
      const ta = createTcpAnalysis(internals);
      const fs = internals.conv.frameStream;
      for (let f = 1; f <= internals.index.dataOffset.length; f++) {
        const sid = f < fs.length ? fs[f] : -1;
        if (sid < 0) continue;
        const h = headerSources(ta, f, sid);
        if (h.index === 'read') read++;
        else fromIndex++;
        if (h.index !== 'read' && h.index !== h.bytes && diffs.length < 20) diffs.push(`${path} frame ${f}: index "${h.index}", bytes "${h.bytes}"`);
      }
      capture.close();
    }
    expect(diffs).toEqual([]);
    // Most TCP frames of the corpus have one plain header: the columns describe them.
    expect(fromIndex).toBeGreaterThan(10 * read);
  }, 600_000);

  it.skipIf(!existsSync(KA10K))('reads no frame of ka-10k again', async () => {
    const { capture, internals } = await packets(KA10K);
    const ta = createTcpAnalysis(internals);
    analyseTo(ta, internals.index.dataOffset.length);
    capture.close();
    expect(ta.done).toBe(10_000);
    expect(ta.read).toBe(0);
  });
});
