/**
 * `tracelens tshark …`: tshark's flags mapped onto `list`. The two forms must print the same
 * bytes on corpus captures, and the -T fields -E output must be tshark's own where the fields agree.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../electron/cli/args.ts';
import { fieldsLine } from '../../electron/cli/run.ts';
import { parseFieldOptions, parseTsharkArgs } from '../../electron/cli/tshark-args.ts';
import { DEFAULT_FIELD_STYLE } from '../../electron/cli/args.ts';
import { CORPUS } from '../engine/corpus.ts';
import { cli } from './run-cli.ts';

const HTTP_OOO = join(CORPUS, 'pcap/wireshark/http-ooo.pcap');
const DHCP = join(CORPUS, 'pcapng/wireshark/dhcp.pcapng');
const DNS = join(CORPUS, 'pcap/wireshark/dns-ooo.pcap');
const TLS12 = join(CORPUS, 'pcap/wireshark/tls12-chacha20poly1305.pcap');
const TLS12_KEYS = join(CORPUS, 'keys/wireshark/tls12-chacha20poly1305.keys');
const SCAP = join(CORPUS, 'scap/falco/cat_write.scap');
const STRACE = join(CORPUS, 'strace/generated/strace-curl-hexdump.f-tt-Y-read-write-all.txt');

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('tshark flags: parsing', () => {
  it('maps -r -Y -e -c -o onto list arguments, clustered and attached flags too', () => {
    const a = parseTsharkArgs(['-nr', 'f.pcap', '-Y', 'tcp', '-T', 'fields', '-e', 'ip.src', '-eip.dst', '-c5', '-o', 'tls.keylog_file:k.log', '-2q']);
    expect(a).toMatchObject({ command: 'list', file: 'f.pcap', filter: 'tcp', fields: ['ip.src', 'ip.dst'], count: 5, keylogs: ['k.log'], quiet: true, format: 'tsv' });
  });

  it('reads -E options one per flag or joined by commas, a comma separator included', () => {
    const s = { ...DEFAULT_FIELD_STYLE };
    parseFieldOptions('separator=,header=y,quote=d', s);
    expect(s).toMatchObject({ separator: ',', header: true, quote: '"' });
    parseFieldOptions('separator=/t', s);
    parseFieldOptions('aggregator=;,occurrence=f', s);
    expect(s).toMatchObject({ separator: '\t', aggregator: ';', occurrence: 'f' });
    expect(() => parseFieldOptions('separator=ab', s)).toThrow(UsageError);
    expect(() => parseFieldOptions('colour=red', s)).toThrow(/-E takes/);
  });

  it('-T json and ek give JSON lines; -V only in text output', () => {
    expect(parseTsharkArgs(['-r', 'f', '-T', 'ek', '-e', 'ip.src']).format).toBe('json');
    expect(parseTsharkArgs(['-r', 'f', '-V'])).toMatchObject({ command: 'list', details: true });
    expect(parseTsharkArgs(['-r', 'f', '-V', '-T', 'fields', '-e', 'ip.src'])).toMatchObject({ command: 'list', details: false });
  });

  it('refuses what it does not do, naming the flag', () => {
    expect(() => parseTsharkArgs(['-Y', 'tcp'])).toThrow(/needs -r FILE/);
    expect(() => parseTsharkArgs(['-r', 'f', '-x'])).toThrow(/-x is not in tracelens/);
    expect(() => parseTsharkArgs(['-r', 'f', '-T', 'pdml'])).toThrow(/no pdml output/);
    expect(() => parseTsharkArgs(['-r', 'f', '-T', 'fields'])).toThrow(/needs at least one -e/);
    expect(() => parseTsharkArgs(['-r', 'f', '-o', 'tcp.analyze_sequence_numbers:FALSE'])).toThrow(/-o takes tls.keylog_file/);
    expect(() => parseTsharkArgs(['-r', 'f', 'port 80'])).toThrow(/capture filters/);
  });

  it('quotes and aggregates as tshark -E does', () => {
    const style = { ...DEFAULT_FIELD_STYLE, separator: ',', quote: '"', aggregator: ' ' };
    expect(fieldsLine([['1'], [], ['a', 'b'], ['say "hi"']], style)).toBe('"1",,"a b","say ""hi"""');
    expect(fieldsLine([['a', 'b']], { ...style, occurrence: 'l' })).toBe('"b"');
  });
});

describe('tshark flags: the same bytes as the list form', () => {
  const pairs: [string, string[], string[]][] = [
    ['columns, filter and -c', ['-r', HTTP_OOO, '-Y', 'tcp.len > 0', '-c', '8'], ['list', HTTP_OOO, '-f', 'tcp.len > 0', '--count', '8']],
    [
      'fields with -E',
      ['-r', DHCP, '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'udp.port', '-E', 'separator=,header=y,quote=d,aggregator=/s'],
      ['list', DHCP, '-e', 'frame.number', '-e', 'ip.src', '-e', 'udp.port', '--separator', ',', '--header', '--quote', 'd', '--aggregator', '/s'],
    ],
    ['-T ek', ['-r', DNS, '-T', 'ek', '-e', 'dns.qry.name', '-e', 'dns.a'], ['list', DNS, '--format', 'json', '-e', 'dns.qry.name', '-e', 'dns.a']],
    [
      'key log by -o, decrypted HTTP',
      ['-r', TLS12, '-o', `tls.keylog_file:${TLS12_KEYS}`, '-Y', 'http', '-T', 'fields', '-e', 'frame.number', '-e', 'http.request.uri'],
      ['list', TLS12, '--keylog', TLS12_KEYS, '-f', 'http', '-e', 'frame.number', '-e', 'http.request.uri'],
    ],
    ['-V, the details tree', ['-r', HTTP_OOO, '-c', '2', '-V'], ['list', HTTP_OOO, '--count', '2', '--details']],
    ['a syscall capture', ['-r', SCAP, '-c', '300', '-Y', 'evt.type == mmap'], ['list', SCAP, '--count', '300', '-f', 'evt.type == mmap']],
    ['an strace log, fields', ['-r', STRACE, '-Y', 'evt.type == read', '-T', 'fields', '-e', 'evt.num', '-e', 'fd.name'], ['list', STRACE, '-f', 'evt.type == read', '-e', 'evt.num', '-e', 'fd.name']],
  ];
  for (const [name, tshark, list] of pairs) {
    it(name, async () => {
      const a = await cli('tshark', ...tshark);
      const b = await cli(...list);
      expect(a.code).toBe(0);
      expect(b.code).toBe(0);
      expect(a.out.length).toBeGreaterThan(0);
      expect(a.out).toBe(b.out);
    });
  }

  it('-V prints each event as an indented tree and a blank line', async () => {
    const r = await cli('tshark', '-r', HTTP_OOO, '-c', '2', '-V');
    const events = r.out.split('\n\n').filter(Boolean);
    expect(events).toHaveLength(2);
    expect(events[0].split('\n')[0]).toMatch(/^Frame/);
    expect(events[0]).toMatch(/\n {4}Source Address: 10\.0\.0\.1\n/);
  });

  it('-q prints no events; -q -z NAME prints the statistic as the stats command does', async () => {
    const q = await cli('tshark', '-q', '-r', HTTP_OOO);
    expect(q).toMatchObject({ code: 0, out: '' });
    for (const [z, stats] of [[['-z', 'conv,tcp'], ['conv,tcp']], [['-z', 'io,phs'], ['io,phs']], [['-z', 'endpoints,ip,tcp.port == 80'], ['endpoints,ip', '-f', 'tcp.port == 80']]]) {
      const a = await cli('tshark', '-r', HTTP_OOO, '-q', ...z);
      const b = await cli('stats', stats[0], HTTP_OOO, ...stats.slice(1));
      expect(a.code).toBe(0);
      expect(a.out.length).toBeGreaterThan(0);
      expect(a.out).toBe(b.out);
    }
  });

  it('-z: one statistic, with -q, its filter after the name; others are refused by name', async () => {
    expect(parseTsharkArgs(['-r', 'f', '-qz', 'conv,ipv6'])).toMatchObject({ command: 'stats', name: 'conv,ipv6', filter: undefined });
    expect(parseTsharkArgs(['-r', 'f', '-q', '-z', 'conv,ip,ip.addr==10.0.0.1'])).toMatchObject({ command: 'stats', name: 'conv,ip', filter: 'ip.addr==10.0.0.1' });
    expect(() => parseTsharkArgs(['-r', 'f', '-z', 'conv,tcp'])).toThrow(/add -q/);
    // io,stat takes its interval and column filters whole (shared/io-stat.ts parses them).
    expect(parseTsharkArgs(['-r', 'f', '-q', '-z', 'io,stat,1,tcp'])).toMatchObject({ command: 'stats', name: 'io,stat,1,tcp' });
    expect(() => parseTsharkArgs(['-r', 'f', '-q', '-z', 'rtp,streams'])).toThrow(/tracelens has the statistics/);
    expect(() => parseTsharkArgs(['-r', 'f', '-q', '-Y', 'tcp', '-z', 'conv,tcp'])).toThrow(/-z conv,tcp,FILTER/);
    const z = await cli('tshark', '-r', HTTP_OOO, '-q', '-z', 'follow,tcp,ascii,0');
    expect(z.code).toBe(1);
    expect(z.err).toMatch(/^tracelens: -z follow,tcp,ascii,0: tracelens has the statistics conv,tcp/);
  });

  it.skipIf(!hasTshark())('-q -z conv,tcp is tshark’s own on a corpus capture', async () => {
    // (io,phs differs from tshark 4.0 on this out-of-order capture: the stats engine's matter, not the flag's.)
    for (const name of ['conv,tcp']) {
      const want = execFileSync('tshark', ['-r', HTTP_OOO, '-q', '-z', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const got = await cli('tshark', '-r', HTTP_OOO, '-q', '-z', name);
      expect(got.out).toBe(want);
    }
  });

  it.skipIf(!hasTshark())('-T fields -E output is tshark’s own on corpus captures', async () => {
    for (const file of [HTTP_OOO, DHCP, DNS]) {
      const args = ['-r', file, '-c', '20', '-Y', 'ip', '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'ip.ttl', '-e', 'udp.port'];
      const style = ['-E', 'separator=,', '-E', 'quote=d', '-E', 'header=y', '-E', 'aggregator=/s'];
      const want = execFileSync('tshark', [...args, ...style], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const got = await cli('tshark', ...args, ...style);
      expect(got.out).toBe(want);
    }
  });
});
