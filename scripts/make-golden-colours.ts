/**
 * Golden for the colouring rules (tshark 4.0.17 with Wireshark's default colorfilters):
 * test/golden/colours/default.tsv. For every corpus pcap/pcapng capture tshark reads, which rule
 * colours each frame (`--color -e frame.coloring_rule.name`), as runs of frames: capture, first
 * frame, last frame, rule name ('' = none). tshark runs with an empty personal configuration
 * folder, so the rules are the global file's (/usr/share/wireshark/colorfilters), the same text
 * as shared/colour-rules.ts's WIRESHARK_DEFAULT_COLORFILTERS. No key logs: TLS stays encrypted
 * on both sides. Run from the repo root:
 *   node --import tsx scripts/make-golden-colours.ts [CORPUS]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packetCaptures, tsharkText } from './golden-corpus.ts';

const CORPUS = process.argv[2] ?? '/work/shared/corpus';
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'test/golden/colours');
/** Captures with more frames are left out (the test re-dissects every frame). */
const MAX_FRAMES = 20_000;

function main(): void {
  const home = mkdtempSync(join(tmpdir(), 'golden-colours-'));
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: home };
  const files = packetCaptures(CORPUS);
  const lines = ['#capture\tfirst\tlast\trule'];
  let used = 0;
  try {
    for (const f of files) {
      const text = tsharkText(['-n', '-r', join(CORPUS, f), '--color', '-T', 'fields', '-e', 'frame.number', '-e', 'frame.coloring_rule.name'], { env });
      const rows = text.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
      if (rows.length === 0 || rows.length > MAX_FRAMES) continue;
      used++;
      let first = rows[0];
      let last = rows[0];
      const flush = (): void => void lines.push(`${f}\t${first[0]}\t${last[0]}\t${first[1] ?? ''}`);
      for (const r of rows.slice(1)) {
        if ((r[1] ?? '') === (first[1] ?? '') && Number(r[0]) === Number(last[0]) + 1) {
          last = r;
          continue;
        }
        flush();
        first = r;
        last = r;
      }
      flush();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'default.tsv'), `${lines.join('\n')}\n`);
  console.error(`colours: ${lines.length - 1} runs in ${used} of ${files.length} captures → test/golden/colours/default.tsv`);
}

main();
