/**
 * Goldens for the application protocols dissected over UDP/TCP (tshark 4.0.17), one file per
 * protocol: test/golden/protocols/PROTO.tsv. For every corpus capture in which
 * `tshark -Y PROTO` finds a frame, one line per such frame: the capture (corpus path), the
 * frame number, the Protocol and Info columns, then PROTO's fields as `tshark -T fields` prints
 * them (occurrences joined with ","). The first line names the columns. Run from the repo root:
 *   node --import tsx scripts/make-golden-protocols.ts [CORPUS]
 * Adding a protocol: one entry in PROTOCOLS (docs/contributing.md, "Adding a protocol").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packetCaptures, tsharkText } from './golden-corpus.ts';

const CORPUS = process.argv[2] ?? '/work/shared/corpus';
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'test/golden/protocols');

/** Protocol (tshark's filter name) → the fields its golden records (`tshark -G fields` names). */
export const PROTOCOLS: Record<string, string[]> = {
  ntp: ['ntp.flags', 'ntp.flags.li', 'ntp.flags.vn', 'ntp.flags.mode', 'ntp.stratum', 'ntp.ppoll', 'ntp.precision', 'ntp.rootdelay',
    'ntp.rootdispersion', 'ntp.refid', 'ntp.reftime', 'ntp.org', 'ntp.rec', 'ntp.xmt'],
  dhcp: ['dhcp.type', 'dhcp.hw.type', 'dhcp.hw.len', 'dhcp.hops', 'dhcp.id', 'dhcp.secs', 'dhcp.flags', 'dhcp.flags.bc', 'dhcp.flags.reserved',
    'dhcp.ip.client', 'dhcp.ip.your', 'dhcp.ip.server', 'dhcp.ip.relay', 'dhcp.hw.mac_addr', 'dhcp.hw.addr_padding', 'dhcp.server', 'dhcp.file',
    'dhcp.cookie', 'dhcp.option.type', 'dhcp.option.length', 'dhcp.option.value', 'dhcp.option.dhcp', 'dhcp.option.request_list_item',
    'dhcp.option.requested_ip_address', 'dhcp.option.subnet_mask', 'dhcp.option.router', 'dhcp.option.domain_name_server',
    'dhcp.option.dhcp_server_id', 'dhcp.option.ip_address_lease_time', 'dhcp.option.renewal_time_value', 'dhcp.option.rebinding_time_value',
    'dhcp.option.end', 'dhcp.option.padding'],
};

/**
 * Repo files tried besides the corpus, for cases the corpus lacks (each made from a text file
 * beside it with text2pcap; the command is in that file's first lines).
 */
export const FIXTURES: Record<string, string[]> = {
  ntp: ['test/fixtures/ntp/ntp-edge.pcap'],
};

/** The columns before the protocol's fields. */
export const LEAD = ['capture', 'frame.number', '_ws.col.Protocol', '_ws.col.Info'];

function main(): void {
  const files = packetCaptures(CORPUS);
  mkdirSync(OUT, { recursive: true });
  for (const [proto, fields] of Object.entries(PROTOCOLS)) {
    const lines = [`#${[...LEAD, ...fields].join('\t')}`];
    let found = 0;
    for (const f of [...files, ...(FIXTURES[proto] ?? [])]) {
      const path = f.startsWith('test/') ? join(ROOT, f) : join(CORPUS, f);
      const args = ['-n', '-r', path, '-Y', proto, '-T', 'fields', '-E', 'separator=/t', ...LEAD.slice(1).flatMap((x) => ['-e', x]), ...fields.flatMap((x) => ['-e', x])];
      const text = tsharkText(args);
      const rows = text.split('\n').filter((l) => l.length > 0);
      if (rows.length > 0) found++;
      for (const r of rows) lines.push(`${f}\t${r}`);
    }
    writeFileSync(join(OUT, `${proto}.tsv`), `${lines.join('\n')}\n`);
    console.error(`${proto}: ${lines.length - 1} frames in ${found} of ${files.length} captures → test/golden/protocols/${proto}.tsv`);
  }
}

main();
