/**
 * The SQL events table reads its columns a page at a time (filter/event-table.ts): each index
 * field's `fill` and the capture's `sortKeyTexts` must give exactly what the per-event
 * `has`/`exact`/`num` and `sortKey(s)` give, on every corpus capture (packets with two TCP
 * headers, UDP, scap, strace), for a page that starts inside the capture.
 */
import { describe, expect, it } from 'vitest';
import { NO_TEXT } from '../../shared/rpc.ts';
import { columnFields } from '../../electron/engine/filter/column-filter.ts';
import { openSession, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { corpusFiles } from '../engine/corpus.ts';

const FILES = [
  ...corpusFiles('pcap', (n) => /\.(pcap|cap)$/.test(n)),
  ...corpusFiles('pcapng', (n) => n.endsWith('.pcapng')),
  ...corpusFiles('scap', (n) => n.endsWith('.scap')).slice(0, 4),
  ...corpusFiles('strace', (n) => n.endsWith('.txt') && !n.endsWith('.oracle.txt')).slice(0, 4),
];

describe('page fills equal the per-event values', () => {
  it('on every corpus capture', async () => {
    let filled = 0;
    let keyed = 0;
    for (const file of FILES) {
      const { capture: base, indexing } = await openCapture(file);
      await indexing;
      const s = openSession(base);
      scanHttpNow(s);
      const c = s.capture;
      const total = c.count();
      // A page from the second event on: the fills' offsets must be right.
      const start = Math.min(1, total);
      const n = total - start;
      for (const [name, f] of columnFields(c.internals())) {
        if (f.kind !== 'num' || !f.fill) continue;
        const got = new Float64Array(n).fill(NaN);
        f.fill(start, n, got);
        const want = new Float64Array(n).fill(NaN);
        for (let r = 0; r < n; r++) {
          const e = start + r + 1;
          if (f.has(e) && (f.exact === undefined || f.exact(e))) want[r] = f.num(e);
        }
        expect([...got], `${file} ${name}`).toEqual([...want]);
        filled++;
      }
      for (const col of ['source', 'destination', 'protocol']) {
        const texts = n > 0 ? c.sortKeyTexts?.(col, start, n) : undefined;
        if (!texts) continue;
        const got = [...texts.ids].map((id) => (id === NO_TEXT ? undefined : texts.dict[id]));
        const want = Array.from({ length: n }, (_, r) => c.sortKey?.(start + r + 1, col));
        expect(got, `${file} ${col}`).toEqual(want);
        keyed++;
      }
      c.close();
    }
    expect(filled).toBeGreaterThan(100);
    expect(keyed).toBeGreaterThan(100);
  }, 600_000);
});
