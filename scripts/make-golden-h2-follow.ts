/**
 * Goldens for Follow ▸ HTTP/2 Stream (tshark 4.0.17), run from the repo root:
 *   node --import tsx scripts/make-golden-h2-follow.ts [CORPUS]
 * Writes test/http2/golden/follow-h2.json: per capture and HTTP/2 stream, what
 * `tshark -q -z follow,http2,raw,TCP,SID` shows, one entry per header block (tshark writes each
 * decoded field as a 4-byte length + name, 4-byte length + value) and per non-empty DATA frame
 * (tshark writes the whole frame: 9-byte header + payload; we keep the payload without padding,
 * as its length and SHA-256), plus the frames that `-Y "… and (http2.type eq 0 or http2.type eq 1)"` lists.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CORPUS = process.argv[2] ?? '/work/shared/corpus';

/** Capture, key log, TCP stream, HTTP/2 streams. */
const CASES: [string, string | null, number, number[]][] = [
  ['pcapng/generated/gen-tls13-h2.pcapng', 'keys/generated/gen-tls13-h2.keys', 0, [1, 3, 5]],
  ['pcapng/wireshark/http2_follow_multistream.pcapng', null, 0, [13, 15, 21]],
];

export type FollowItem = { dir: 0 | 1; headers: [string, string][] } | { dir: 0 | 1; data: number; sha256: string };

function tshark(file: string, keys: string | null, args: string[]): string {
  const k = keys ? ['-o', `tls.keylog_file:${join(CORPUS, keys)}`] : [];
  return execFileSync('tshark', ['-n', '-r', join(CORPUS, file), ...k, ...args], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
}

/** tshark's header-block representation: (u32 name length, name, u32 value length, value)*. */
function headerRep(b: Buffer): [string, string][] | null {
  const out: [string, string][] = [];
  let i = 0;
  while (i < b.length) {
    if (i + 4 > b.length) return null;
    const nl = b.readUInt32BE(i);
    if (i + 4 + nl + 4 > b.length) return null;
    const name = b.subarray(i + 4, i + 4 + nl).toString('utf8');
    i += 4 + nl;
    const vl = b.readUInt32BE(i);
    if (i + 4 + vl > b.length) return null;
    out.push([name, b.subarray(i + 4, i + 4 + vl).toString('utf8')]);
    i += 4 + vl;
  }
  return out;
}

function followItems(file: string, keys: string | null, tcp: number, sid: number): FollowItem[] {
  const text = tshark(file, keys, ['-q', '-z', `follow,http2,raw,${tcp},${sid}`]);
  const items: FollowItem[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\t?)([0-9a-f]+)$/.exec(line);
    if (!m) continue;
    const dir = m[1] ? 1 : 0;
    const b = Buffer.from(m[2], 'hex');
    // A whole frame (RFC 9113 §4.1 header) — DATA kept, control frames (WINDOW_UPDATE, RST_STREAM) skipped.
    if (b.length >= 9 && b.readUIntBE(0, 3) === b.length - 9 && b[3] <= 9) {
      if (b[3] !== 0) continue;
      const padded = (b[4] & 0x8) !== 0;
      const pay = b.subarray(9 + (padded ? 1 : 0), b.length - (padded ? b[9] : 0));
      if (pay.length > 0) items.push({ dir, data: pay.length, sha256: createHash('sha256').update(pay).digest('hex') });
      continue;
    }
    const h = headerRep(b);
    if (!h) throw new Error(`${file} stream ${sid}: unrecognised line ${line.slice(0, 40)}…`);
    items.push({ dir, headers: h });
  }
  return items;
}

const out: Record<string, Record<string, { items: FollowItem[]; frames: number[] }>> = {};
for (const [file, keys, tcp, sids] of CASES) {
  out[file] = {};
  for (const sid of sids) {
    const frames = tshark(file, keys, ['-Y', `tcp.stream eq ${tcp} and http2.streamid eq ${sid} and (http2.type eq 0 or http2.type eq 1)`, '-T', 'fields', '-e', 'frame.number'])
      .split('\n').filter(Boolean).map(Number);
    out[file][`h2:tcp:${tcp}:${sid}`] = { items: followItems(file, keys, tcp, sid), frames };
  }
}
writeFileSync(join('test/http2/golden/follow-h2.json'), `${JSON.stringify({ keys: Object.fromEntries(CASES.map(([f, k]) => [f, k])), streams: out }, null, 1)}\n`);
