/**
 * Goldens for the stats_tree statistics of `stats` (tshark 4.0.17 `-q -z NAME`): for every
 * corpus pcap/pcapng capture and every NAME in TREES, tshark -n -q's text as
 * test/golden/stats-tree/DIR/CAPTURE.txt (DIR: NAME with "," → "-"; corpus path with "/" → "__").
 * Read by test/golden/stats-tree.test.ts. Run from the repo root:
 *   node --import tsx scripts/make-golden-stats-tree.ts [CORPUS]
 * (ONLY_FILTERED=1: only the filtered ones, test/golden/stats-tree/filtered.json.)
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packetCaptures, tsharkText } from './golden-corpus.ts';

const CORPUS = process.argv[2] ?? '/work/shared/corpus';
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'test/golden/stats-tree');

/** The tshark stats_tree statistics recorded. */
export const TREES = ['http,tree', 'dns,tree', 'http_req,tree', 'http_srv,tree'];

/** Statistics with a filter (`-z NAME,FILTER`), recorded in test/golden/stats-tree/filtered.json. */
const FILTERED: { capture: string; name: string; filter: string }[] = [
  { capture: 'pcapng/wireshark/grpc_web.pcapng.gz', name: 'http,tree', filter: 'tcp.srcport==57226' },
  { capture: 'pcap/generated/gen-http11-plain.pcap', name: 'http,tree', filter: 'http.request' },
];

function tshark(capture: string, z: string): string {
  return tsharkText(['-n', '-q', '-r', join(CORPUS, capture), '-z', z]);
}

function main(): void {
  const files = process.env.ONLY_FILTERED ? [] : packetCaptures(CORPUS);
  for (const tree of TREES) {
    if (files.length === 0) break;
    const dir = join(OUT, tree.replaceAll(',', '-'));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const f of files) {
      writeFileSync(join(dir, `${f.replaceAll('/', '__')}.txt`), tshark(f, tree));
    }
  }
  const filtered = FILTERED.map((x) => ({ ...x, text: tshark(x.capture, `${x.name},${x.filter}`) }));
  writeFileSync(join(OUT, 'filtered.json'), `${JSON.stringify(filtered, null, 1)}\n`);
  console.error(`stats-tree: ${files.length} captures × ${TREES.join(', ')} → test/golden/stats-tree/`);
}

main();
