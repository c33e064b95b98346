/**
 * Goldens for name resolution from the capture (tshark 4.0.17): for every corpus pcap/pcapng
 * capture whose `tshark -N dn -q -z hosts` names any address, in test/golden/names/:
 *   CAPTURE.tsv        tshark -2 -N dn -T fields -e frame.number -e _ws.col.Source -e _ws.col.Destination
 *                      (-2: names learned anywhere in the file name every frame, as the window shows them)
 *   CAPTURE.hosts-n    tshark -N n -q -z hosts   (names from Name Resolution Blocks only)
 *   CAPTURE.hosts-dn   tshark -N dn -q -z hosts  (and from the DNS answers in the packets)
 * (CAPTURE: the corpus path with "/" → "__".) Read by test/golden/names.test.ts. Run from the
 * repo root: node --import tsx scripts/make-golden-names.ts [CORPUS]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packetCaptures, tsharkText } from './golden-corpus.ts';

const CORPUS = process.argv[2] ?? '/work/shared/corpus';
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'test/golden/names');

/**
 * The address/name pairs of -z hosts (its comment lines dropped), sorted: tshark prints them in
 * its hash tables' order, which differs between runs, and names.test.ts compares them sorted.
 */
function hosts(file: string, flags: string): string {
  return tsharkText(['-r', file, '-N', flags, '-q', '-z', 'hosts']).split('\n').filter((l) => l !== '' && !l.startsWith('#')).sort().map((l) => `${l}\n`).join('');
}

function main(): void {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  let n = 0;
  for (const f of packetCaptures(CORPUS)) {
    const path = join(CORPUS, f);
    const dn = hosts(path, 'dn');
    if (dn === '') continue;
    const base = join(OUT, f.replaceAll('/', '__'));
    writeFileSync(`${base}.hosts-dn`, dn);
    writeFileSync(`${base}.hosts-n`, hosts(path, 'n'));
    writeFileSync(`${base}.tsv`, tsharkText(['-2', '-N', 'dn', '-r', path, '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Source', '-e', '_ws.col.Destination']));
    n++;
  }
  console.error(`names: ${n} captures → test/golden/names/`);
}

main();
