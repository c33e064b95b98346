/**
 * The TLS summary (CLI `tls FILE`) against tshark 4.0.17's handshake fields (goldens:
 * test/golden/tls-summary/, scripts/make-golden-tls-summary.ts): per TCP stream with a
 * ClientHello or ServerHello, the first ClientHello's server_name and the first ServerHello's
 * cipher suite, ALPN and version (supported_versions when present, RFC 8446 §4.2.1, else the
 * legacy version) equal tshark's; and with the capture's key log the connections decrypt.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import { cliOk } from '../cli/run-cli.ts';
import { tlsVersionName, type TlsSummary } from '../../shared/tls-summary.ts';

const DIR = join(import.meta.dirname, 'tls-summary');
const goldens = readdirSync(DIR).filter((f) => f.endsWith('.tsv')).sort();

interface Want { stream: string; version: string; cipherSuite: string; sni: string; alpn: string }

/** tshark's rows → per stream what the summary shows. */
function expected(text: string): Want[] {
  const byStream = new Map<string, Want & { ch: boolean; sh: boolean }>();
  for (const line of text.split('\n').slice(1)) {
    if (line === '') continue;
    const [stream, types, suites, sni, alpn, supported, legacy] = line.split('\t');
    const id = `tcp:${stream}`;
    let w = byStream.get(id);
    if (!w) {
      w = { stream: id, version: '', cipherSuite: '', sni: '', alpn: '', ch: false, sh: false };
      byStream.set(id, w);
    }
    const t = types.split(',');
    if (t.includes('1') && !w.ch) {
      w.ch = true;
      w.sni = sni.split(',')[0];
    } else if (t.includes('2') && !w.sh) {
      w.sh = true;
      w.cipherSuite = suites.split(',')[0];
      w.alpn = alpn.split(',')[0];
      w.version = tlsVersionName(Number(supported !== '' ? supported.split(',')[0] : legacy.split(',')[0]));
    }
  }
  return [...byStream.values()].map(({ stream, version, cipherSuite, sni, alpn }) => ({ stream, version, cipherSuite, sni, alpn }));
}

const byStream = (a: Want, b: Want): number => Number(a.stream.slice(4)) - Number(b.stream.slice(4));

describe('tls FILE equals tshark\'s handshake fields', () => {
  it('covers the corpus TLS captures', () => expect(goldens.length).toBeGreaterThanOrEqual(20));
  for (const g of goldens) {
    const capture = g.slice(0, -'.tsv'.length).replaceAll('__', '/');
    it(capture, async () => {
      const s = JSON.parse(await cliOk('tls', join(CORPUS, capture), '--format', 'json')) as TlsSummary;
      const ours = s.connections.filter((c) => c.stream.startsWith('tcp:')).map(({ stream, version, cipherSuite, sni, alpn }) => ({ stream, version, cipherSuite, sni, alpn }));
      expect(ours.sort(byStream)).toEqual(expected(readFileSync(join(DIR, g), 'utf8')).sort(byStream));
      expect(s.totals.connections).toBe(s.connections.length);
    });
  }
});

describe('tls FILE: decrypted or not', () => {
  const cap = join(CORPUS, 'pcap/generated/gen-tls12-h2.pcap');
  it('says no key without a key log and decrypted with it, in every format', async () => {
    const plain = JSON.parse(await cliOk('tls', cap, '--format', 'json')) as TlsSummary;
    expect(plain.totals.decrypted).toBe(0);
    expect(plain.connections[0].status).toBe('no-key');
    const keyed = JSON.parse(await cliOk('tls', cap, '--keylog', join(CORPUS, 'keys/generated/gen-tls12-h2.keys'), '--format', 'json')) as TlsSummary;
    expect(keyed.totals).toMatchObject({ connections: 1, decrypted: 1, versions: { 'TLS 1.2': 1 }, alpn: { h2: 1 } });
    const text = await cliOk('tls', cap, '--keylog', join(CORPUS, 'keys/generated/gen-tls12-h2.keys'));
    expect(text).toMatch(/^TLS connections: 1, decrypted: 1\n/);
    expect(text).toMatch(/tcp:0\s+TLS 1\.2\s+TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 \(0xc02b\)\s+h2\s+yes/);
    const tsv = await cliOk('tls', cap, '--format', 'tsv');
    expect(tsv.split('\n')[1]).toBe('tcp:0\tTLS 1.2\t0xc02b\tTLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\t\th2\tfalse\tno-key');
  });
});
