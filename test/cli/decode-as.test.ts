/**
 * Decode As (`-d TABLE==VALUE,PROTOCOL`) against tshark 4.0's `-d` on corpus captures, and the
 * field fidelity cases of issue 12 item 6 against tshark -T fields: each line of
 * test/golden/{decode-as,fidelity}/cases.tsv is a capture, a rule ("-" for none) and fields, the
 * oracle its .tsv (scripts/make-golden-cli-cases.sh).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS } from '../engine/corpus.ts';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.ts';
import { parseDecodeAs, UsageError } from '../../electron/cli/args.ts';

const golden = join(import.meta.dirname, '..', 'golden');
const corpus = CORPUS;
const casesOf = (dir: string): string[][] =>
  readFileSync(join(golden, dir, 'cases.tsv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
const dir = join(golden, 'decode-as');
const cases = casesOf('decode-as');

describe('Decode As agrees with tshark -d', () => {
  for (const [name, capture, rule, fields] of cases) {
    it(`${name}: ${capture} -d ${rule}`, async () => {
      const args = ['list', join(corpus, capture), '-d', rule, ...fields.split(',').flatMap((f) => ['-e', f])];
      const r = await cli(...args);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toBe(readFileSync(join(dir, `${name}.tsv`), 'utf8'));
      // Without the rule the same capture is dissected otherwise: the rule did something.
      const plain = await cli(...args.filter((a, i) => a !== '-d' && args[i - 1] !== '-d'));
      expect(plain.out).not.toBe(r.out);
    });
  }
});

describe('field fidelity agrees with tshark -T fields (issue 12 item 6)', () => {
  for (const [name, capture, , fields] of casesOf('fidelity')) {
    it(`${name}: ${capture}`, async () => {
      // A capture under test/ is a fixture of this repository, the others are the corpus's.
      const file = capture.startsWith('test/') ? join(import.meta.dirname, '..', '..', capture) : join(corpus, capture);
      const r = await cli('list', file, ...fields.split(',').flatMap((f) => ['-e', f]));
      expect(r.err).toBe('');
      expect(r.out).toBe(readFileSync(join(golden, 'fidelity', `${name}.tsv`), 'utf8'));
    });
  }
});

describe('-d parsing', () => {
  it('takes tshark forms: a value, a range, a count, hex', () => {
    expect(parseDecodeAs('tcp.port==8000,http')).toEqual([{ table: 'tcp.port', value: 8000, protocol: 'http' }]);
    expect(parseDecodeAs('udp.port==5000-5002,ntp').map((r) => r.value)).toEqual([5000, 5001, 5002]);
    expect(parseDecodeAs('udp.port==5000:2,ntp').map((r) => r.value)).toEqual([5000, 5001]);
    expect(parseDecodeAs('ethertype==0x0800,ip')).toEqual([{ table: 'ethertype', value: 0x800, protocol: 'ip' }]);
  });
  it('rejects what is not TABLE==VALUE,PROTOCOL', () => {
    for (const bad of ['tcp.port=8000,http', 'tcp.port==,http', 'tcp.port==8000', 'tcp.port==9-3,dns', 'udp.port==0-70000,dns']) {
      expect(() => parseDecodeAs(bad), bad).toThrow(UsageError);
    }
  });
  it('reports an unknown table or protocol with the choices, exit 1', async () => {
    const cap = join(corpus, 'pcap/wireshark/dns_port.pcap');
    const a = await cli('list', cap, '-d', 'udp.port==53,nosuch');
    expect(a.code).toBe(1);
    expect(a.err).toContain('no protocol "nosuch" to decode as (one of: data, dhcp, dns');
    const b = await cli('info', cap, '-d', 'sctp.port==53,dns');
    expect(b.code).toBe(1);
    expect(b.err).toContain('no dissector table "sctp.port"');
  });
});
