/**
 * `stats http,tree`, `dns,tree`, `http_req,tree` and `http_srv,tree` against tshark 4.0.17
 * (goldens: test/golden/stats-tree/NAME/*.txt, scripts/make-golden-stats-tree.ts): on every
 * corpus pcap/pcapng capture the text is exactly tshark -n -q -z NAME's, but for the captures
 * listed, which must still differ.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import type { StatName } from '../../shared/stats.ts';
import { ourTables } from './stats-golden.ts';

const SSDP = 'SSDP (HTTP over UDP, NOTIFY): tshark taps it as HTTP; the HTTP layer reads TCP and fd streams only';
const WIREGUARD = 'DNS inside WireGuard: tshark decrypts it with the decryption secrets block; Tracelens does not decrypt WireGuard';

/** Captures whose http,tree differs from tshark's, and why. */
const OOO = 'out-of-order or damaged TCP segments: tshark taps the segments it cannot place as Other HTTP Packets and misses messages its reassembly drops; the HTTP layer reorders the stream and parses every message';
const HTTP_KNOWN: Record<string, string> = {
  'pcap/wireshark/http-ooo.pcap': OOO,
  'pcap/wireshark/http-ooo2.pcap': OOO,
  'pcap/wireshark/tcp-badsegments.pcap': OOO,
  'pcapng/wireshark/http-ooo-fuzzed.pcapng': OOO,
  'pcapng/wireshark/challenge01_ooo_stream.pcapng.gz': `${OOO} (tshark: 1 of the 12 responses)`,
  'pcapng/wireshark/protohier-with-comments.pcapng': SSDP,
};

/** Per tree: the captures whose text differs from tshark's, and why. */
const KNOWN: Record<string, Record<string, string>> = {
  'http,tree': HTTP_KNOWN,
  'dns,tree': { 'pcapng/wireshark/wireguard-ping-tcp-dsb.pcapng': WIREGUARD },
  'http_req,tree': HTTP_KNOWN,
  'http_srv,tree': HTTP_KNOWN,
};

/** Every tree of a capture from one open of it (the four describes ask for the same captures). */
const opened = new Map<string, Promise<Map<StatName, string>>>();
function treesOf(capture: string): Promise<Map<StatName, string>> {
  let p = opened.get(capture);
  if (!p) opened.set(capture, (p = ourTables(join(CORPUS, capture), Object.keys(KNOWN) as StatName[])));
  return p;
}

for (const [tree, known] of Object.entries(KNOWN) as [StatName, Record<string, string>][]) {
  const dir = join(import.meta.dirname, 'stats-tree', tree.replace(',', '-'));
  const goldens = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.txt')).sort() : [];
  describe(`stats ${tree} equals tshark -z ${tree}`, () => {
    it('has a golden per corpus capture', () => expect(goldens.length).toBeGreaterThan(100));
    for (const g of goldens) {
      const capture = g.slice(0, -'.txt'.length).replaceAll('__', '/');
      const want = readFileSync(join(dir, g), 'utf8');
      it(capture, async () => {
        const ours = (await treesOf(capture)).get(tree);
        if (known[capture]) expect(ours, 'now equals tshark\'s: drop it from KNOWN').not.toBe(want);
        else expect(ours, capture).toBe(want);
      });
    }
  });
}
