/**
 * PTR answers in the capture name their addresses (RFC 1035 §3.5 in-addr.arpa, RFC 3596 §2.5
 * ip6.arpa), on test/fixtures/dns-ptr/dns-ptr.pcap: dig's reverse lookups of a loopback DNS
 * server on port 19653 (scripts/record-dns-ptr.py). Goldens (scripts/make-golden-ptr.sh, tshark
 * 4.0.17, test/golden/names-ptr/): the owners and targets tshark reads, and tshark's columns with
 * those names in its hosts file — tshark 4.0 itself learns names from A and AAAA answers only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reverseAddress } from '../../electron/engine/dissectors/dns-reverse.ts';
import { cliOk } from '../cli/run-cli.ts';
import { inProcessEngine, openDone } from '../engine/in-process-engine.ts';

const FIXTURE = join(import.meta.dirname, '../fixtures/dns-ptr/dns-ptr.pcap');
const GOLDEN = join(import.meta.dirname, '../golden/names-ptr');
const golden = (f: string): string => readFileSync(join(GOLDEN, f), 'utf8');
const DECODE = ['-d', 'udp.port==19653,dns'];

describe('reverse names', () => {
  it('read the address of in-addr.arpa and ip6.arpa names, and nothing else', () => {
    expect(reverseAddress('1.0.0.127.in-addr.arpa')).toBe('127.0.0.1');
    expect(reverseAddress('7.2.0.192.IN-ADDR.ARPA.')).toBe('192.0.2.7');
    expect(reverseAddress('255.255.255.255.in-addr.arpa')).toBe('255.255.255.255');
    expect(reverseAddress(`1.${'0.'.repeat(31)}ip6.arpa`)).toBe('::1');
    expect(reverseAddress('2.0.0.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6.arpa')).toBe('2001:db8::1:2');
    for (const bad of ['2.0.192.in-addr.arpa', '300.2.0.192.in-addr.arpa', '07.2.0.192.in-addr.arpa', '1.2.3.4.5.in-addr.arpa',
      'x.2.0.192.in-addr.arpa', '.2.0.192.in-addr.arpa', 'in-addr.arpa', '_http._tcp.local', '1.0.0.127.in-addr.arpa.example',
      `${'0.'.repeat(31)}ip6.arpa`, `10.${'0.'.repeat(31)}ip6.arpa`, `g.${'0.'.repeat(31)}ip6.arpa`, `1.${'0.'.repeat(32)}ip6.arpa`]) {
      expect(reverseAddress(bad), bad).toBeUndefined();
    }
  });
});

describe('names from PTR answers (dns-ptr.pcap)', () => {
  it('tshark reads the seven PTR answers the fixture holds', () => {
    expect(golden('ptr.tsv').trim().split('\n')).toHaveLength(7);
  });

  it('Source and Destination equal tshark\'s with the PTR names in its hosts file', async () => {
    const out = await cliOk('tshark', '-r', FIXTURE, ...DECODE, '-N', 'dn', '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Source', '-e', '_ws.col.Destination');
    expect(out).toBe(golden('columns.tsv'));
    // Off (no -N): addresses.
    const plain = await cliOk('tshark', '-r', FIXTURE, ...DECODE, '-T', 'fields', '-e', '_ws.col.Source');
    expect(plain.split('\n')[0]).toBe('127.0.0.1');
  });

  it('names exactly the reverse names\' addresses, by the PTR target (service and partial PTRs name none)', async () => {
    const c = inProcessEngine();
    try {
      await c.call('decodeAs', { rules: [{ table: 'udp.port', value: 19653, protocol: 'dns' }] });
      await openDone(c, FIXTURE);
      const r = await c.call('nameResolution', { network: true, dns: true });
      expect(r.named).toBe(4);
      const want = golden('hosts').trim().split('\n').map((l) => {
        const [address, name] = l.split(' ');
        return { address, name };
      });
      const byAddress = (a: { address: string }, b: { address: string }): number => a.address.localeCompare(b.address);
      expect((await c.call('hosts', null)).sort(byAddress)).toEqual(want.sort(byAddress));
      // Names from DNS answers need `d` (-N n: Name Resolution Blocks only; this file has none).
      expect((await c.call('nameResolution', { network: true, dns: false })).named).toBe(0);
    } finally {
      c.close();
    }
  });
});
