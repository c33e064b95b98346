/**
 * Golden for the TCP sequence analysis (tshark 4.0.17): test/golden/tcp-analysis/tcp-analysis.tsv.
 * For every corpus pcap/pcapng with TCP frames, one line per frame `tshark -Y tcp` selects: the
 * capture (corpus path), the frame number, the Info column, then every `tcp.analysis.*` field as
 * `tshark -T fields` prints it ("1" for a present label-only field, occurrences joined with ",").
 * The first line names the columns. Also test/golden/tcp-analysis/expert.tsv: for every capture,
 * the lines of `tshark -q -z expert` (capture, section, frequency, group, protocol, summary).
 * Run from the repo root:
 *   node --import tsx scripts/make-golden-tcp-analysis.ts [CORPUS]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packetCaptures, tsharkText } from './golden-corpus.ts';

const CORPUS = process.argv[2] ?? '/work/shared/corpus';
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'test/golden/tcp-analysis');

/** The fields the golden records (tshark -G fields names), in the order of the columns. */
export const TCP_ANALYSIS_GOLDEN_FIELDS = [
  'tcp.analysis', 'tcp.analysis.flags', 'tcp.analysis.acks_frame', 'tcp.analysis.ack_rtt', 'tcp.analysis.initial_rtt',
  'tcp.analysis.bytes_in_flight', 'tcp.analysis.push_bytes_sent', 'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission',
  'tcp.analysis.spurious_retransmission', 'tcp.analysis.out_of_order', 'tcp.analysis.reused_ports', 'tcp.analysis.lost_segment',
  'tcp.analysis.ack_lost_segment', 'tcp.analysis.window_update', 'tcp.analysis.window_full', 'tcp.analysis.keep_alive',
  'tcp.analysis.keep_alive_ack', 'tcp.analysis.duplicate_ack', 'tcp.analysis.duplicate_ack_num', 'tcp.analysis.duplicate_ack_frame',
  'tcp.analysis.zero_window', 'tcp.analysis.zero_window_probe', 'tcp.analysis.zero_window_probe_ack', 'tcp.analysis.rto',
  'tcp.analysis.rto_frame',
];

const LEAD = ['capture', 'frame.number', '_ws.col.Info'];

/** `tshark -z expert` sections → rows (section, frequency, group, protocol, summary). */
function expertRows(text: string): string[][] {
  const rows: string[][] = [];
  let section = '';
  for (const line of text.split('\n')) {
    const head = /^(Errors|Warns|Notes|Chats) \(\d+\)$/.exec(line);
    if (head) section = head[1];
    const m = /^ {0,11}(\d+) +(\S+) +(\S+) {2}(.*)$/.exec(line);
    if (m && section) rows.push([section, m[1], m[2], m[3], m[4]]);
  }
  return rows;
}

function main(): void {
  const files = packetCaptures(CORPUS);
  mkdirSync(OUT, { recursive: true });
  const lines = [`#${[...LEAD, ...TCP_ANALYSIS_GOLDEN_FIELDS].join('\t')}`];
  let found = 0;
  for (const f of files) {
    const args = ['-n', '-r', join(CORPUS, f), '-Y', 'tcp', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,',
      ...LEAD.slice(1).flatMap((x) => ['-e', x]), ...TCP_ANALYSIS_GOLDEN_FIELDS.flatMap((x) => ['-e', x])];
    const text = tsharkText(args);
    const rows = text.split('\n').filter((l) => l.length > 0);
    if (rows.length > 0) found++;
    for (const r of rows) lines.push(`${f}\t${r}`);
  }
  writeFileSync(join(OUT, 'tcp-analysis.tsv'), `${lines.join('\n')}\n`);
  const expert = ['#capture\tsection\tfrequency\tgroup\tprotocol\tsummary'];
  for (const f of files) for (const r of expertRows(tsharkText(['-n', '-q', '-r', join(CORPUS, f), '-z', 'expert']))) expert.push([f, ...r].join('\t'));
  writeFileSync(join(OUT, 'expert.tsv'), `${expert.join('\n')}\n`);
  console.error(`tcp-analysis: ${lines.length - 1} TCP frames in ${found} of ${files.length} captures → test/golden/tcp-analysis/tcp-analysis.tsv`);
}

main();
