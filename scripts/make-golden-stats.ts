/**
 * Goldens for `stats` (tshark 4.0.17 `-q -z`): for every corpus pcap/pcapng capture, the text of
 * tshark -n -q with every statistic in STATS, as one file test/golden/stats/CAPTURE.txt
 * (corpus path with "/" → "__"). tshark prints the tables in reverse order of the -z options;
 * test/golden/stats.test.ts splits them by title. -n: no name resolution (Ethernet vendor
 * names, hosts), as tracelens prints addresses. Run from the repo root:
 *   node --import tsx scripts/make-golden-stats.ts [CORPUS]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packetCaptures, tsharkText } from './golden-corpus.ts';

const CORPUS = process.argv[2] ?? '/work/shared/corpus';
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'test/golden/stats');

/** The statistics recorded (tshark -z names, all of which `stats` computes). */
export const STATS = ['conv,tcp', 'conv,udp', 'conv,ip', 'conv,ipv6', 'conv,eth', 'endpoints,tcp', 'endpoints,udp', 'endpoints,ip', 'endpoints,ipv6', 'endpoints,eth', 'io,phs'];

function main(): void {
  const files = packetCaptures(CORPUS);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const f of files) {
    const text = tsharkText(['-n', '-q', '-r', join(CORPUS, f), ...STATS.flatMap((s) => ['-z', s])]);
    writeFileSync(join(OUT, `${f.replaceAll('/', '__')}.txt`), text);
  }
  console.error(`stats: ${files.length} captures → test/golden/stats/*.txt`);
}

main();
