/**
 * `stats http,tree` against tshark 4.0.17 (goldens: test/golden/stats-tree/http-tree/*.txt,
 * scripts/make-golden-stats-tree.ts): on every corpus pcap/pcapng capture the text is exactly
 * tshark -n -q -z http,tree's, but for the captures listed, which must still differ.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import { ourTables } from './stats-golden.ts';

const DIR = join(import.meta.dirname, 'stats-tree', 'http-tree');

/** Captures whose http,tree differs from tshark's, and why. */
const OOO = 'out-of-order or damaged TCP segments: tshark taps the segments it cannot place as Other HTTP Packets and misses messages its reassembly drops; the HTTP layer reorders the stream and parses every message';
const KNOWN: Record<string, string> = {
  'pcap/wireshark/http-ooo.pcap': OOO,
  'pcap/wireshark/http-ooo2.pcap': OOO,
  'pcap/wireshark/tcp-badsegments.pcap': OOO,
  'pcapng/wireshark/http-ooo-fuzzed.pcapng': OOO,
  'pcapng/wireshark/challenge01_ooo_stream.pcapng.gz': `${OOO} (tshark: 1 of the 12 responses)`,
  'pcapng/wireshark/protohier-with-comments.pcapng': 'SSDP (HTTP over UDP, NOTIFY): tshark taps it as HTTP; the HTTP layer reads TCP and fd streams only',
};

const goldens = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort() : [];

describe('stats http,tree equals tshark -z http,tree', () => {
  it('has a golden per corpus capture', () => expect(goldens.length).toBeGreaterThan(100));
  for (const g of goldens) {
    const capture = g.slice(0, -'.txt'.length).replaceAll('__', '/');
    it(capture, async () => {
      const want = readFileSync(join(DIR, g), 'utf8');
      const ours = (await ourTables(join(CORPUS, capture), ['http,tree'])).get('http,tree');
      if (KNOWN[capture]) expect(ours, 'now equals tshark\'s: drop it from KNOWN').not.toBe(want);
      else expect(ours, capture).toBe(want);
    });
  }
});
