/**
 * Goldens for `stats io,stat,…` and `stats http,stat` (tshark 4.0.17 `-q -z io,stat,INTERVAL[,FILTER…]`,
 * `-z http,stat`), one tshark run per corpus pcap/pcapng capture: every statistic in SPECS in
 * test/golden/io-stat/CAPTURE.json as { tables: [{ z, text }], skipped } (corpus path with
 * "/" → "__"; a table longer than MAX_LINES, a short interval over a long capture, is left out
 * and named in `skipped`), and http,stat's text in test/golden/http-stat/CAPTURE.txt.
 * Read by test/golden/io-stat.test.ts and test/golden/http-stat.test.ts. Run from the repo root:
 *   node --import tsx scripts/make-golden-stats-taps.ts [CORPUS]
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packetCaptures, tsharkText } from './golden-corpus.ts';

const CORPUS = process.argv[2] ?? '/work/shared/corpus';
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'test/golden/io-stat');
const OUT_HTTP = join(ROOT, 'test/golden/http-stat');

/** The statistics recorded: whole capture; 1 s with transport columns; 0.25 s (two decimals) with field filters. */
export const SPECS = ['io,stat,0', 'io,stat,1,tcp,udp', 'io,stat,0.25,frame.len>100,dns||http'];
/** Interval seconds of each spec (0: one row). */
const STEPS = [0, 1, 0.25];
const MAX_LINES = 4000;

const HTTP_HEAD = `\n${'='.repeat(67)}\nHTTP Statistics`;

function run(capture: string, zs: readonly string[]): string {
  return tsharkText(['-n', '-q', '-r', join(CORPUS, capture), ...zs.flatMap((z) => ['-z', z])], { maxBuffer: 1 << 30 });
}

/** The io,stat tables of one tshark run, in the order of `zs` (tshark prints them in reverse order of the -z options). */
function ioTables(capture: string, text: string, n: number): string[] {
  // Each table: an empty line, its top rule, then "| IO Statistics".
  const starts = [...text.matchAll(/\n=+\n\| IO Statistics/g)].map((m) => m.index);
  const tables = starts.map((at, i) => text.slice(at, starts[i + 1] ?? text.length));
  if (tables.length !== n) throw new Error(`${capture}: ${tables.length} io,stat tables, not ${n}`);
  return tables.reverse();
}

/**
 * http,stat's text and the SPECS tables of one capture. A first run gives http,stat (given
 * first, printed last) and io,stat,0, whose Duration line says how many rows the others would
 * have: tshark keeps a record per interval, so one over MAX_LINES rows (a capture whose
 * timestamps span years) is not run at all.
 */
function tshark(capture: string): { http: string; io: (string | undefined)[] } {
  const all = run(capture, ['http,stat', SPECS[0]]);
  const h = all.lastIndexOf(HTTP_HEAD);
  if (h < 0) throw new Error(`${capture}: no http,stat table`);
  const whole = ioTables(capture, all.slice(0, h), 1)[0];
  const duration = Number(/Duration: *([0-9.]+) secs/.exec(whole)?.[1] ?? 'NaN');
  const more = SPECS.slice(1).filter((_, i) => duration / STEPS[i + 1] <= MAX_LINES);
  const texts = more.length > 0 ? ioTables(capture, run(capture, more), more.length) : [];
  return { http: all.slice(h), io: [whole, ...SPECS.slice(1).map((z) => (more.includes(z) ? texts[more.indexOf(z)] : undefined))] };
}

function main(): void {
  const files = packetCaptures(CORPUS);
  for (const d of [OUT, OUT_HTTP]) {
    // RESUME=1: keep what an interrupted run wrote (captures with both files are skipped).
    if (!process.env.RESUME) rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  for (const f of files) {
    const tables: { z: string; text: string }[] = [];
    const skipped: string[] = [];
    const name = f.replaceAll('/', '__');
    if (process.env.RESUME && existsSync(join(OUT, `${name}.json`)) && existsSync(join(OUT_HTTP, `${name}.txt`))) continue;
    const { http, io } = tshark(f);
    writeFileSync(join(OUT_HTTP, `${name}.txt`), http);
    for (const [i, z] of SPECS.entries()) {
      const text = io[i];
      if (text === undefined || text.split('\n').length > MAX_LINES) skipped.push(z);
      else tables.push({ z, text });
    }
    writeFileSync(join(OUT, `${name}.json`), `${JSON.stringify({ tables, skipped }, null, 1)}\n`);
  }
  console.error(`io-stat, http-stat: ${files.length} captures × ${SPECS.length + 1} → test/golden/io-stat/, test/golden/http-stat/`);
}

main();
