/**
 * A sort by Info takes its keys from the session's Info pages (cellTexts, layers/session.ts
 * infoTexts) where the view is dense: the same order as through `cells` per event, with an HTTP
 * message's end not re-dissected. Shape (f) of the bench: sort 2.25 -> 1.10 CPU s at 100 k once
 * the HTTP scan is done. The keys are counted, so a sort that went back to `cells` fails.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { infoWork, openSession, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { sortEvents, sortWork } from '../../electron/engine/host/sort-view.ts';
import type { Capture } from '../../electron/engine/capture.ts';
import { CORPUS } from './corpus.ts';

const HTTP = join(CORPUS, 'pcap/wireshark/http-ooo.pcap');

describe('sort by Info', () => {
  it('orders as cells do, from pages where the view is dense, per event where it is sparse', async () => {
    const { capture: base, indexing } = await openCapture(HTTP);
    await indexing;
    try {
      const s = openSession(base);
      scanHttpNow(s);
      const c = s.capture;
      const n = c.count();
      const all = Uint32Array.from({ length: n }, (_, i) => i + 1);
      // The same capture without pages: every key through cells.
      const noPages: Capture = Object.create(c, { cellTexts: { value: undefined } }) as Capture;
      for (const descending of [false, true]) {
        const cells0 = sortWork.cells;
        const want = sortEvents(noPages, all, 'info', descending);
        expect(sortWork.cells - cells0).toBe(n);
        const paged0 = sortWork.paged;
        const fast0 = infoWork.fast;
        const got0 = sortWork.cells;
        expect(sortEvents(c, all, 'info', descending)).toEqual(want);
        expect(sortWork.paged - paged0).toBe(n);
        expect(sortWork.cells - got0).toBe(0);
        expect(infoWork.fast - fast0).toBeGreaterThan(0);
      }
      // A sparse view (every third event): its keys come through cells, in the same order.
      const sparse = all.filter((e) => e % 3 === 0);
      const cells1 = sortWork.cells;
      expect(sortEvents(c, sparse, 'info', false)).toEqual(sortEvents(noPages, sparse, 'info', false));
      expect(sortWork.cells - cells1).toBe(2 * sparse.length);
    } finally {
      base.close();
    }
  });
});
