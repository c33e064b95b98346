/**
 * One-off: writes test/golden/readers.json, the tshark oracle for the capture readers (CI has no
 * tshark). For every pcap/pcapng file under the corpus: the frame count (`frames`, = `tshark -r FILE
 * -T fields -e frame.number | wc -l`), of which `nonPacket` are custom blocks, and a SHA-256 digest of
 * the per-packet lines "time_epoch\tcap_len\tlen\tinterface_id\tcomment" (normalised, see below);
 * for a few files the lines themselves, so failures are readable.
 *   node --import tsx scripts/make-reader-golden.ts [corpus-dir]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const corpus = process.argv[2] ?? '/work/shared/corpus';
const out = new URL('../test/golden/readers.json', import.meta.url);
const DETAIL = [
  'pcap/wireshark/dhcp-nanosecond.pcap',
  'pcap/wireshark/trunc.pcap',
  'pcap/tcpdump-tests/isup.pcap',
  'pcapng/wireshark/dhcp-nanosecond.pcapng',
  'pcapng/wireshark/comments.pcapng',
  'pcapng/wireshark/many_interfaces.pcapng.1',
  'pcapng/pcapng-test-generator/output_be/difficult/test202.pcapng',
  'pcapng/pcapng-test-generator/output_le/basic/test010.pcapng',
];

export function isCaptureName(name: string): boolean {
  return /\.(pcap|pcapng|cap)(\.gz|\.\d+)?$/.test(name);
}

function walk(dir: string, acc: string[]): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, acc);
    else if (isCaptureName(e)) acc.push(relative(corpus, p));
  }
  return acc;
}

/** Frame lines of packets, and the number of frames that are not packets (tshark 4.0 shows pcapng custom blocks as frames without an encapsulation). */
function tsharkLines(rel: string): { lines: string[]; nonPacket: number } {
  let text: string;
  try {
    text = execFileSync('tshark', ['-n', '-r', rel, '-T', 'fields', '-E', 'separator=/t',
      '-e', 'frame.time_epoch', '-e', 'frame.cap_len', '-e', 'frame.len', '-e', 'frame.interface_id', '-e', 'frame.comment', '-e', 'frame.encap_type'],
      { cwd: corpus, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
  } catch (e) {
    // A truncated file makes tshark exit non-zero after printing every readable frame.
    text = String((e as { stdout?: string }).stdout ?? '');
  }
  // Normalised to what a PacketRecord can say: a frame without a time stamp (SPB) has time 0,
  // a frame without an interface (classic pcap, SPB) has interface 0.
  const lines: string[] = [];
  let nonPacket = 0;
  for (const l of text.split('\n')) {
    if (l.length === 0) continue;
    const f = l.split('\t');
    if (f[5] === '') {
      nonPacket++;
      continue;
    }
    if (f[0] === '') f[0] = '0.000000000';
    if (f[3] === '') f[3] = '0';
    lines.push(f.slice(0, 5).join('\t'));
  }
  return { lines, nonPacket };
}

const version = execFileSync('tshark', ['--version'], { encoding: 'utf8' }).split('\n')[0];
const files: Record<string, { frames: number; count: number; nonPacket: number; digest: string }> = {};
const detail: Record<string, string[]> = {};
for (const rel of walk(join(corpus, 'pcap'), walk(join(corpus, 'pcapng'), []))) {
  const { lines, nonPacket } = tsharkLines(rel);
  files[rel] = { frames: lines.length + nonPacket, count: lines.length, nonPacket, digest: createHash('sha256').update(lines.join('\n')).digest('hex') };
  if (DETAIL.includes(rel)) detail[rel] = lines;
}
writeFileSync(out, JSON.stringify({ oracle: version, fields: 'frame.time_epoch cap_len len interface_id comment of frames with an encap_type (packets); empty time → 0.000000000, empty interface_id → 0; interface_id is per section in tshark 4.0', files, detail }, null, 1) + '\n');
console.log(`${Object.keys(files).length} files`);
