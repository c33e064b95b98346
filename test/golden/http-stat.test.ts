/**
 * `stats http,stat` against tshark 4.0.17 (goldens: test/golden/http-stat/*.txt,
 * scripts/make-golden-stats-taps.ts): on every corpus pcap/pcapng capture the same lines as
 * tshark -n -q -z http,stat, each list (status codes, methods) compared as a set of lines: tshark
 * prints them in GLib hash-table order (engine/stats/http-stat.ts). The captures listed must
 * still differ.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import { ourTables } from './stats-golden.ts';

const DIR = join(import.meta.dirname, 'http-stat');

/** The same as http,tree's (test/golden/stats-tree.test.ts): one HTTP tap feeds both. */
const OOO = 'out-of-order or damaged TCP segments: tshark misses messages its reassembly drops; the HTTP layer reorders the stream and parses every message';
const KNOWN: Record<string, string> = {
  'pcap/wireshark/http-ooo.pcap': OOO,
  'pcap/wireshark/http-ooo2.pcap': OOO,
  'pcap/wireshark/tcp-badsegments.pcap': OOO,
  'pcapng/wireshark/http-ooo-fuzzed.pcapng': OOO,
  'pcapng/wireshark/challenge01_ooo_stream.pcapng.gz': OOO,
  'pcapng/wireshark/protohier-with-comments.pcapng': 'SSDP (HTTP over UDP, NOTIFY): tshark taps it as HTTP; the HTTP layer reads TCP and fd streams only',
};

/** The text with each list's lines sorted (the headings stay where they are). */
function canonical(text: string): string {
  const out: string[] = [];
  let list: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('  ')) list.push(line);
    else {
      out.push(...list.sort(), line);
      list = [];
    }
  }
  return [...out, ...list.sort()].join('\n');
}

const goldens = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort() : [];

describe('stats http,stat equals tshark -z http,stat', () => {
  it('has a golden per corpus capture', () => expect(goldens.length).toBeGreaterThan(100));
  it('sorts lists only', () => expect(canonical('\nA\n  b\n  a\nB\n  d\n  c\n=\n')).toBe('\nA\n  a\n  b\nB\n  c\n  d\n=\n'));
  for (const g of goldens) {
    const capture = g.slice(0, -'.txt'.length).replaceAll('__', '/');
    it(capture, async () => {
      const want = canonical(readFileSync(join(DIR, g), 'utf8'));
      const ours = canonical((await ourTables(join(CORPUS, capture), ['http,stat'])).get('http,stat') ?? '');
      if (KNOWN[capture]) expect(ours, 'now equals tshark\'s: drop it from KNOWN').not.toBe(want);
      else expect(ours, capture).toBe(want);
    });
  }
});
