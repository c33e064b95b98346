/**
 * The field golden over every field both tools know: the intersection of our registry (every
 * module that declares fields, layers included) and `tshark -G fields`, on every corpus
 * pcap/pcapng tshark reads, opened with the same key logs and Decode As options as the column
 * golden (COLUMN_KEYS in make-golden-columns.ts). One gzipped file per capture:
 * test/golden/fields-all/NAME.tsv.gz, NAME the corpus path with `/` → `__`. Line 1 is
 * `#` + the fields (tab-separated) that have a value in at least one frame of that capture
 * (frame.number always first); then one line per frame as `tshark -n -T fields -E
 * separator=/t` prints them (occurrences joined by `,`, line breaks escaped), a cell longer
 * than LONG characters (payload bytes: tcp.payload, tls.app_data, http2.data.data …) replaced
 * by its head, length and SHA-256 (`cellDigest`, which the test applies to ours). Keeping only
 * the present fields and digesting payloads keeps the repo small.
 *   node --import tsx scripts/make-golden-fields-all.ts [CORPUS]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import '../electron/engine/fields/all-fields.ts';
import '../electron/engine/layers/session.ts';
import { allFields } from '../electron/engine/fields/registry.ts';
import { COLUMN_KEYS, nameOf } from './make-golden-columns.ts';
import { packetCaptures, tsharkText } from './golden-corpus.ts';

const CORPUS = process.argv[2] ?? '/work/shared/corpus';
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'test/golden/fields-all');

/** Field and protocol names tshark knows (`tshark -G fields`: `P\tname\tabbrev`, `F\tname\tabbrev\t…`). */
function tsharkFields(): Set<string> {
  const text = execFileSync('tshark', ['-G', 'fields'], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const c = line.split('\t');
    if ((c[0] === 'F' || c[0] === 'P') && c[2]) out.add(c[2]);
  }
  return out;
}

/** Cells longer than this are kept as a digest. */
const LONG = 120;

/** A cell as the golden stores it: itself, or its first 48 characters, length and SHA-256 prefix. */
export function cellDigest(v: string): string {
  if (v.length <= LONG) return v;
  return `${v.slice(0, 48)}…{${v.length} sha256:${createHash('sha256').update(v).digest('hex').slice(0, 16)}}`;
}

function main(): void {
  const known = tsharkFields();
  const shared = allFields().map((f) => f.name).filter((n) => known.has(n) && n !== 'frame.number');
  const fields = ['frame.number', ...shared];
  const files = packetCaptures(CORPUS);
  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT)) if (f.endsWith('.tsv.gz')) rmSync(join(OUT, f));
  let written = 0;
  let cells = 0;
  let bytes = 0;
  for (const f of files) {
    const opt = COLUMN_KEYS[f] ?? {};
    const k = opt.keys ? ['-o', `tls.keylog_file:${join(CORPUS, opt.keys)}`] : [];
    const args = ['-n', '-r', join(CORPUS, f), ...k, ...(opt.tshark ?? []), '-T', 'fields', '-E', 'separator=/t', ...fields.flatMap((x) => ['-e', x])];
    const text = tsharkText(args, { maxBuffer: 1 << 30 });
    const rows = text.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
    if (rows.length === 0) continue;
    const keep = fields.map((_, c) => c === 0 || rows.some((r) => (r[c] ?? '') !== ''));
    const pick = (r: string[]): string => r.filter((_, c) => keep[c]).map(cellDigest).join('\t');
    const body = [`#${pick(fields)}`, ...rows.map((r) => pick(fields.map((_, c) => r[c] ?? '')))].join('\n');
    const gz = gzipSync(`${body}\n`, { level: 9 });
    writeFileSync(join(OUT, `${nameOf(f)}.tsv.gz`), gz);
    written++;
    bytes += gz.length;
    cells += rows.length * keep.filter(Boolean).length;
  }
  console.error(`fields-all: ${fields.length} shared fields; ${cells} cells of ${written} of ${files.length} captures → test/golden/fields-all/ (${(bytes / 1024).toFixed(0)} KiB)`);
}

if (process.argv[1]?.endsWith('make-golden-fields-all.ts')) main();
