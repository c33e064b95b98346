/**
 * frameInfoTags (the Info pages' tags, read from a frame's analysis flags first) must give what
 * tcpInfoTags(frameAnalysis) gives on every TCP frame of every corpus pcap/pcapng, tagged or not;
 * and the corpus must hold tagged frames, duplicate ACKs among them, or the test proves nothing.
 */
import { describe, expect, it } from 'vitest';
import { createTcpAnalysis, frameAnalysis, TaFlag } from '../../electron/engine/layers/tcp-analysis.ts';
import { frameInfoTags, tcpInfoTags } from '../../electron/engine/layers/tcp-analysis-view.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS, corpusFiles } from '../engine/corpus.ts';

const files = CORPUS ? [...corpusFiles('pcap', (n) => /\.(pcap|pcapng|cap|ntar)(\.gz)?$/i.test(n)), ...corpusFiles('pcapng', (n) => /\.(pcap|pcapng|ntar)(\.gz)?$/i.test(n))] : [];

describe('frameInfoTags', () => {
  it.skipIf(files.length === 0)('equals tcpInfoTags(frameAnalysis) on every TCP frame of the corpus', async () => {
    const diffs: string[] = [];
    let tagged = 0;
    let dupAcks = 0;
    for (const path of files) {
      const { capture, indexing } = await openCapture(path);
      await indexing;
      const internals = capture.internals();
      if (internals.kind !== 'packets') continue;
      const ta = createTcpAnalysis(internals);
      const fs = internals.conv.frameStream;
      for (let f = 1; f < fs.length; f++) {
        if (fs[f] < 0) continue;
        const fa = frameAnalysis(ta, f);
        const want = tcpInfoTags(fa);
        if (want !== '') tagged++;
        if (fa && fa.flags & TaFlag.duplicateAck) dupAcks++;
        const got = frameInfoTags(ta, f);
        if (got !== want && diffs.length < 20) diffs.push(`${path} frame ${f}: "${got}" vs "${want}"`);
      }
      capture.close();
    }
    expect(diffs).toEqual([]);
    expect(tagged).toBeGreaterThan(100);
    expect(dupAcks).toBeGreaterThan(10);
  }, 600_000);
});
