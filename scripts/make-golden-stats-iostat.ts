/**
 * Goldens for `stats io,stat,…` (tshark 4.0.17 `-q -z io,stat,INTERVAL[,FILTER…]`): for every
 * corpus pcap/pcapng capture and every statistic in SPECS, tshark -n -q's text, in
 * test/golden/io-stat/CAPTURE.json as [{ z, text }] (corpus path with "/" → "__"). A table
 * longer than MAX_LINES (a short interval over a long capture) is left out, said in `skipped`.
 * Read by test/golden/io-stat.test.ts. Run from the repo root:
 *   node --import tsx scripts/make-golden-stats-iostat.ts [CORPUS]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const CORPUS = process.argv[2] ?? '/work/shared/corpus';
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'test/golden/io-stat');

/** The statistics recorded: whole capture; 1 s with transport columns; 0.25 s (two decimals) with field filters. */
export const SPECS = ['io,stat,0', 'io,stat,1,tcp,udp', 'io,stat,0.25,frame.len>100,dns||http'];
const MAX_LINES = 4000;

function tshark(capture: string, z: string): string {
  try {
    return execFileSync('tshark', ['-n', '-q', '-r', join(CORPUS, capture), '-z', z], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch (e) {
    // A damaged capture makes tshark exit non-zero after printing what it read.
    return (e as { stdout?: Buffer }).stdout?.toString() ?? '';
  }
}

function captures(dir: string, acc: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) captures(p, acc);
    else if (/\.(pcap|pcapng|cap)(\.gz|\.\d+)?$/.test(e)) acc.push(relative(CORPUS, p));
  }
  return acc;
}

function main(): void {
  const files = ['pcap', 'pcapng'].flatMap((d) => captures(join(CORPUS, d)));
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const f of files) {
    const tables: { z: string; text: string }[] = [];
    const skipped: string[] = [];
    for (const z of SPECS) {
      const text = tshark(f, z);
      if (text.split('\n').length > MAX_LINES) skipped.push(z);
      else tables.push({ z, text });
    }
    writeFileSync(join(OUT, `${f.replaceAll('/', '__')}.json`), `${JSON.stringify({ tables, skipped }, null, 1)}\n`);
  }
  console.error(`io-stat: ${files.length} captures × ${SPECS.length} → test/golden/io-stat/`);
}

main();
