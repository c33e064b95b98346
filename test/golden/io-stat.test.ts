/**
 * `stats io,stat,…` against tshark 4.0.17 (goldens: test/golden/io-stat/*.json,
 * scripts/make-golden-stats-taps.ts): on every corpus pcap/pcapng capture, each recorded table
 * prints exactly as `tshark -n -q -z io,stat,…` prints it. A capture listed in KNOWN must still
 * differ in some table (the list only shrinks); its other tables are not checked.
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

/** Captures with a table that differs, and why. */
const OOO = 'the dns||http column: out-of-order or damaged TCP segments, tshark misses HTTP messages its reassembly drops (as http,tree, test/golden/stats-tree.test.ts)';
const YEARS = 'timestamps spanning 42 years (1340954905 s): tshark 4.0 pads the Duration/Interval lines of the header past the border differently (the numbers are equal)';
const KNOWN: Record<string, string> = {
  'pcap/wireshark/http-ooo.pcap': OOO,
  'pcap/wireshark/http-ooo2.pcap': OOO,
  'pcap/wireshark/tcp-badsegments.pcap': OOO,
  'pcapng/wireshark/challenge01_ooo_stream.pcapng.gz': OOO,
  'pcapng/wireshark/http-ooo-fuzzed.pcapng': OOO,
  'pcapng/wireshark/wireguard-ping-tcp-dsb.pcapng': 'the tcp/udp columns: tshark decrypts WireGuard with the keys in the file and counts the tunnelled TCP/UDP (as conv, test/golden/stats.test.ts)',
  ...Object.fromEntries(['be', 'le'].flatMap((o) => ['advanced/test100', 'advanced/test102', 'basic/test011', 'basic/test016', 'basic/test018', 'difficult/test202'].map((t) => [`pcapng/pcapng-test-generator/output_${o}/${t}.pcapng`, YEARS]))),
};

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
        let same = true;
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
          if (KNOWN[capture]) same &&= ours === text;
          else expect(ours, `${capture} ${z}`).toBe(text);
        }
        if (KNOWN[capture]) expect(same, 'every table now equals tshark\'s: drop it from KNOWN').toBe(false);
      } finally {
        c.close();
      }
    }, 60_000);
  }
});
