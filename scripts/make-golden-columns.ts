/**
 * Goldens for the packet list's Protocol and Info columns (tshark 4.0.17), one file per corpus
 * pcap/pcapng capture tshark reads: test/golden/columns/NAME.tsv, NAME the corpus path with
 * `/` → `__`. Each line: frame number, `_ws.col.Protocol`, `_ws.col.Info`, as
 * `tshark -n -r FILE -T fields` prints them (one pass, tshark's defaults), with the capture's key
 * log (COLUMN_KEYS) and Decode As options when the corpus provides them. Run from the repo root:
 *   node --import tsx scripts/make-golden-columns.ts [CORPUS]
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packetCaptures, tsharkText } from './golden-corpus.ts';

const CORPUS = process.argv[2] ?? '/work/shared/corpus';
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'test/golden/columns');

/**
 * Capture (corpus path) → its key log (corpus path, see the corpus MANIFEST.md) and extra tshark
 * options. The test opens each capture with the same key log.
 */
export const COLUMN_KEYS: Record<string, { keys?: string; tshark?: string[] }> = {
  'pcap/generated/gen-tls12-h2.pcap': { keys: 'keys/generated/gen-tls12-h2.keys' },
  'pcap/generated/gen-tls13-http11-nsec.pcap': { keys: 'keys/generated/gen-tls13-http11.keys' },
  'pcap/illustrated-tls12/capture.pcap': { keys: 'keys/illustrated-tls12/keylog.txt' },
  'pcap/illustrated-tls13/archive-capture.pcap': { keys: 'keys/illustrated-tls13/archive-keylog.txt' },
  'pcap/illustrated-tls13/capture.pcap': { keys: 'keys/illustrated-tls13/keylog.txt' },
  // Port 8443 is not TLS to tshark 4.0 without Decode As; we recognise TLS by its first bytes.
  'pcap/wireshark/http2-data-reassembly.pcap': { keys: 'keys/wireshark/http2-data-reassembly.keys', tshark: ['-d', 'tcp.port==8443,tls'] },
  'pcap/wireshark/tls12-chacha20poly1305.pcap': { keys: 'keys/wireshark/tls12-chacha20poly1305.keys' },
  'pcap/wireshark/tls13-20-chacha20poly1305.pcap': { keys: 'keys/wireshark/tls13-20-chacha20poly1305.keys' },
  'pcap/wireshark/tls13-rfc8446.pcap': { keys: 'keys/wireshark/tls13-rfc8446.keys' },
  'pcapng/generated/gen-strace-curl-tls13-h2.pcapng': { keys: 'keys/generated/gen-strace-curl-tls13-h2.keys' },
  'pcapng/generated/gen-tls12-http11.pcapng': { keys: 'keys/generated/gen-tls12-http11.keys' },
  'pcapng/generated/gen-tls13-h2.pcapng': { keys: 'keys/generated/gen-tls13-h2.keys' },
  'pcapng/wireshark/dhe1.pcapng.gz': { keys: 'keys/wireshark/dhe1_keylog.dat' },
};

export const nameOf = (f: string): string => f.replaceAll('/', '__');

function main(): void {
  const files = packetCaptures(CORPUS);
  mkdirSync(OUT, { recursive: true });
  // Goldens of captures that left the corpus go too (the test and its exceptions stay).
  for (const f of readdirSync(OUT)) if (f.endsWith('.tsv')) rmSync(join(OUT, f));
  let written = 0;
  let rows = 0;
  for (const f of files) {
    const opt = COLUMN_KEYS[f] ?? {};
    const k = opt.keys ? ['-o', `tls.keylog_file:${join(CORPUS, opt.keys)}`] : [];
    const args = ['-n', '-r', join(CORPUS, f), ...k, ...(opt.tshark ?? []), '-T', 'fields', '-E', 'separator=/t', '-e', 'frame.number', '-e', '_ws.col.Protocol', '-e', '_ws.col.Info'];
    const text = tsharkText(args);
    const lines = text.split('\n').filter((l) => l.length > 0);
    if (lines.length === 0) continue;
    writeFileSync(join(OUT, `${nameOf(f)}.tsv`), `${lines.join('\n')}\n`);
    written++;
    rows += lines.length;
  }
  console.error(`columns: ${rows} rows of ${written} of ${files.length} captures → test/golden/columns/`);
}

if (process.argv[1]?.endsWith('make-golden-columns.ts')) main();
