/**
 * Golden for the TLS summary (CLI `tls FILE`): tshark 4.0.17's handshake fields of the corpus
 * captures that carry TLS over TCP, as test/golden/tls-summary/CAPTURE.tsv (CAPTURE: the corpus
 * path with "/" → "__"): per ClientHello/ServerHello, tcp.stream, the handshake type, suite,
 * server_name, ALPN, supported_version and legacy version. No key logs: these are plaintext.
 * Read by test/golden/tls-summary.test.ts. Run from the repo root:
 *   node --import tsx scripts/make-golden-tls-summary.ts [CORPUS]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CORPUS = process.argv[2] ?? '/work/shared/corpus';
const OUT = join(new URL('..', import.meta.url).pathname, 'test/golden/tls-summary');

/** The corpus captures of TLS over TCP (MANIFEST.md; DTLS and QUIC are not TLS streams here). */
export const TLS_CAPTURES = [
  'pcap/generated/gen-tls12-h2.pcap', 'pcap/generated/gen-tls13-http11-nsec.pcap', 'pcap/illustrated-tls12/capture.pcap',
  'pcap/illustrated-tls13/archive-capture.pcap', 'pcap/illustrated-tls13/capture.pcap', 'pcap/wireshark/http2-data-reassembly.pcap',
  'pcap/wireshark/retrans-tls.pcap', 'pcap/wireshark/rsa-p-lt-q.pcap', 'pcap/wireshark/rsasnakeoil2.pcap',
  'pcap/wireshark/tls-fragmented-handshakes.pcap.gz', 'pcap/wireshark/tls-renegotiation.pcap', 'pcap/wireshark/tls12-aes128ccm.pcap',
  'pcap/wireshark/tls12-aes256gcm.pcap', 'pcap/wireshark/tls12-chacha20poly1305.pcap', 'pcap/wireshark/tls13-20-chacha20poly1305.pcap',
  'pcap/wireshark/tls13-rfc8446.pcap', 'pcapng/generated/gen-strace-curl-tls13-h2.pcapng', 'pcapng/generated/gen-tls12-http11.pcapng',
  'pcapng/generated/gen-tls13-h2.pcapng', 'pcapng/wireshark/dhe1.pcapng.gz', 'pcapng/wireshark/tls-fragmented-over-tcp-segmented.pcapng.gz',
  'pcapng/wireshark/tls12-dsb.pcapng',
];

const FIELDS = ['tcp.stream', 'tls.handshake.type', 'tls.handshake.ciphersuite', 'tls.handshake.extensions_server_name', 'tls.handshake.extensions_alpn_str', 'tls.handshake.extensions.supported_version', 'tls.handshake.version'];

function main(): void {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const f of TLS_CAPTURES) {
    const args = ['-n', '-r', join(CORPUS, f), '-Y', 'tls.handshake.type == 1 || tls.handshake.type == 2', '-T', 'fields', ...FIELDS.flatMap((e) => ['-e', e])];
    // No key logs: a DSB in the file would still decrypt, so its secrets are switched off.
    const text = execFileSync('tshark', [...args, '-o', 'tls.keylog_file:'], { maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    writeFileSync(join(OUT, `${f.replaceAll('/', '__')}.tsv`), `${FIELDS.join('\t')}\n${text}`);
  }
  console.error(`tls-summary: ${TLS_CAPTURES.length} captures → test/golden/tls-summary/`);
}

main();
