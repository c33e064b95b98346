/**
 * Every packet of every corpus capture, dissected in order (first pass), printed like
 * `tshark -T fields` for the 28 golden fields, must equal test/golden/fields/*.tsv
 * (written by scripts/make-golden-fields.sh with tshark 4.0.17).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS, GOLDEN_FIELDS, firstPassLines, readPackets } from './golden-fields.ts';

const DIR = new URL('../golden/fields/', import.meta.url).pathname;

/**
 * Known differences, each with the reason; only the listed fields may differ in those files.
 * - WireGuard: tshark decrypts the tunnel with the file's key log and dissects the inner IP.
 * - tcpdump fuzz files: µs field ≥ 10^6; tshark prints the raw sum, the reader normalises.
 */
const FIELD_EXCEPTIONS: Record<string, string[]> = {
  'wireguard-ping-tcp-dsb.pcapng': ['ip.src', 'ip.dst', 'ip.proto', 'ip.ttl', 'tcp.srcport', 'tcp.dstport', 'tcp.stream', 'tcp.seq', 'tcp.ack', 'tcp.len', 'tcp.flags.syn', 'tcp.flags.ack', 'tcp.flags.fin', 'tcp.flags.reset', 'udp.srcport', 'udp.dstport', 'udp.stream', 'dns.id', 'dns.qry.name', 'dns.a', 'dns.aaaa'],
  'heapoverflow-tcp_print.pcap': ['frame.time_epoch'], 'tcp_header_heapoverflow.pcap': ['frame.time_epoch'],
};

const files = readdirSync(DIR).filter((f) => f.endsWith('.tsv')).sort();

describe('golden per-packet fields vs tshark 4.0.17', () => {
  it('has golden files', () => expect(files.length).toBeGreaterThan(100));
  for (const f of files) {
    const rel = f.replace(/\.tsv$/, '').replaceAll('__', '/');
    const base = rel.split('/').pop() ?? rel;
    it(rel, () => {
      const want = readFileSync(DIR + f, 'utf8').split('\n').filter((l) => l.length > 0);
      const got = firstPassLines(readPackets(`${CORPUS}/${rel}`)).lines;
      expect(got.length).toBe(want.length);
      const allowed = new Set(FIELD_EXCEPTIONS[base] ?? []);
      const mismatches: string[] = [];
      for (let i = 0; i < want.length; i++) {
        const w = want[i].split('\t');
        const g = got[i].split('\t');
        GOLDEN_FIELDS.forEach((name, k) => {
          if (w[k] !== g[k] && !allowed.has(name)) mismatches.push(`frame ${i + 1} ${name}: want ${w[k]} got ${g[k]}`);
        });
      }
      expect(mismatches).toEqual([]);
    });
  }
});
