/**
 * io,phs from the index (each packet's first-pass protocol path and the stream layers' chain)
 * equals io,phs from dissecting every frame, on every corpus pcap/pcapng capture: whole capture
 * and a filter's events (the golden test compares the result with tshark's).
 */
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { openSession, protocolLayerChains, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { protocolHierarchy } from '../../electron/engine/stats/phs.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { corpusFiles } from '../engine/corpus.ts';

const files = corpusFiles('', (n) => /\.(pcap|pcapng|cap)(\.gz|\.\d+)?$/.test(n));

describe('io,phs over the index equals io,phs over dissections', () => {
  it('has corpus captures', () => expect(files.length).toBeGreaterThan(100));
  for (const f of files) {
    it(f.split('/corpus/')[1] ?? f, async () => {
      const { capture, indexing } = await openCapture(f);
      await indexing;
      try {
        const s = openSession(capture);
        scanHttpNow(s);
        const chain = protocolLayerChains(s);
        expect(protocolHierarchy(s.capture, undefined, chain)).toEqual(protocolHierarchy(s.capture));
        const run = await runFilter(s.capture, 'tcp || frame.number <= 3');
        if (!run.ok) throw new Error(run.errors[0].message);
        expect(protocolHierarchy(s.capture, run.events, chain)).toEqual(protocolHierarchy(s.capture, run.events));
      } finally {
        capture.close();
      }
    }, 60_000);
  }
});
