/**
 * `stats io,stat,…` against tshark 4.0.17 (goldens: test/golden/io-stat/*.json,
 * scripts/make-golden-stats-taps.ts): on every corpus pcap/pcapng capture, each recorded table
 * prints exactly as `tshark -n -q -z io,stat,…` prints it. A difference listed in KNOWN must
 * still differ (the list only shrinks).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIoStat } from '../../shared/io-stat.ts';
import { statsText } from '../../shared/stats.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { openSession, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { computeStats } from '../../electron/engine/stats/run-stats.ts';
import { CORPUS } from '../engine/corpus.ts';

const GOLDEN = join(import.meta.dirname, 'io-stat');

/** Tables that differ: "capture z" → why. */
const KNOWN: Record<string, string> = {};

const goldens = existsSync(GOLDEN) ? readdirSync(GOLDEN).filter((f) => f.endsWith('.json')).sort() : [];

describe('io,stat equals tshark -z io,stat', () => {
  it('has a golden per corpus capture', () => expect(goldens.length).toBeGreaterThan(100));
  for (const g of goldens) {
    const capture = g.slice(0, -'.json'.length).replaceAll('__', '/');
    it(capture, async () => {
      const { tables } = JSON.parse(readFileSync(join(GOLDEN, g), 'utf8')) as { tables: { z: `io,stat,${string}`; text: string }[] };
      const { capture: c, indexing } = await openCapture(join(CORPUS, capture));
      await indexing;
      try {
        const s = openSession(c);
        scanHttpNow(s);
        for (const { z, text } of tables) {
          const columnEvents: (Uint32Array | undefined)[] = [];
          for (const f of parseIoStat(z).filters) {
            if (f === null) columnEvents.push(undefined);
            else {
              const run = await runFilter(s.capture, f);
              if (!run.ok) throw new Error(run.errors[0].message);
              columnEvents.push(run.events);
            }
          }
          const ours = statsText(computeStats(s.capture, z, undefined, '', { columnEvents }));
          if (KNOWN[`${capture} ${z}`]) expect(ours, `${z} now equals tshark's: drop it from KNOWN`).not.toBe(text);
          else expect(ours, `${capture} ${z}`).toBe(text);
        }
      } finally {
        c.close();
      }
    }, 60_000);
  }
});
