/**
 * Expert Information against `tshark -q -z expert` (golden: test/golden/tcp-analysis/expert.tsv,
 * made by scripts/make-golden-tcp-analysis.ts): on every corpus pcap/pcapng, the TCP Sequence
 * entries (analysis flags, connection events) have tshark's summaries, counts, sections and
 * order, and the CLI's text has tshark's layout. Other protocols' entries are not compared:
 * most of their expert infos are not produced here yet (HTTP request/response chats are, but
 * depend on how each tool reassembles out-of-order segments).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expertText } from '../../electron/cli/expert-cli.ts';
import { collectExpert } from '../../electron/engine/layers/expert.ts';
import { openSession, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS } from '../engine/corpus.ts';

const SECTION = { error: 'Errors', warning: 'Warns', note: 'Notes', chat: 'Chats' } as const;

/** capture → golden rows (section, frequency, group, protocol, summary). */
function readExpertGolden(): Map<string, string[][]> {
  const rows = readFileSync(join(import.meta.dirname, '../golden/tcp-analysis/expert.tsv'), 'utf8').split('\n').filter((l) => l.length > 0 && !l.startsWith('#'));
  const out = new Map<string, string[][]>();
  for (const r of rows) {
    const [capture, ...cols] = r.split('\t');
    if (!out.has(capture)) out.set(capture, []);
    out.get(capture)!.push(cols);
  }
  return out;
}

/** Captures whose TCP entries differ from tshark's, and why. */
const KNOWN: Record<string, string> = {
  'pcapng/wireshark/wireguard-ping-tcp-dsb.pcapng': 'the TCP connection is inside WireGuard, which the engine does not decrypt (docs/engine.md)',
};

/** TCP entries not produced here (SACK option analysis, reassembly), and why. */
const NOT_PRODUCED: Record<string, string> = {
  'D-SACK Sequence': 'the SACK option\'s duplicate-SACK check (RFC 2883) is not done yet',
  'New fragment overlaps old data (retransmission?)': 'a reassembly error of tshark\'s TCP desegmentation, which works differently here',
};

const golden = readExpertGolden();
const tcpRows = (rows: string[][]): string[] =>
  rows.filter((r) => r[2] === 'Sequence' && r[3] === 'TCP' && NOT_PRODUCED[r[4]] === undefined).map((r) => `${r[0]} ${r[1]} ${r[4]}`);

describe('expert information equals tshark -z expert (TCP)', () => {
  it('covers the corpus', () => expect(golden.size).toBeGreaterThan(30));
  for (const [capture, want] of golden) {
    if (KNOWN[capture]) continue;
    it(capture, async () => {
      const { capture: base, indexing } = await openCapture(join(CORPUS, capture));
      await indexing;
      try {
        const s = openSession(base);
        scanHttpNow(s);
        const r = await collectExpert(s);
        expect(r.events).toBe(base.count());
        const got = r.entries.map((e) => [SECTION[e.severity], String(e.count), e.group, e.protocol, e.summary]);
        expect(tcpRows(got)).toEqual(tcpRows(want));
        for (const e of r.entries) {
          expect(e.frames.length).toBe(Math.min(e.count, 1000));
          expect(e.frames.every((f, i) => f >= 1 && f <= base.count() && (i === 0 || f >= e.frames[i - 1]))).toBe(true);
        }
        // The CLI's text: each of tshark's TCP lines appears in it verbatim.
        const text = expertText(r.entries);
        for (const w of want.filter((x) => x[2] === 'Sequence' && x[3] === 'TCP' && NOT_PRODUCED[x[4]] === undefined)) {
          expect(text).toContain(`${w[1].padStart(12)} ${w[2].padStart(10)} ${w[3].padStart(18)}  ${w[4]}\n`);
        }
      } finally {
        base.close();
      }
    }, 60_000);
  }
});
