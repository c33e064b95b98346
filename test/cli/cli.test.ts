/** The CLI contract: output shapes, exit codes and messages, through the real engine worker. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../electron/cli/args.ts';
import { isoFromNs } from '../../electron/cli/run.ts';
import { CORPUS } from '../engine/corpus.ts';
import { cli } from './run-cli.ts';

describe('cli', () => {
  it('info prints one JSON object', async () => {
    const r = await cli('info', join(CORPUS, 'pcap/wireshark/dns-ooo.pcap'));
    expect(r.code).toBe(0);
    const o = JSON.parse(r.out);
    expect(o).toMatchObject({ format: 'pcap', events: 4, firstTime: '2018-08-27T13:17:28.429467000Z', lastTime: '2018-08-27T13:17:28.546709000Z', linkTypes: [1], warnings: [] });
  });

  it('info on pcapng, gzip, scap and strace', async () => {
    const gz = JSON.parse((await cli('info', join(CORPUS, 'pcap/wireshark/tls-fragmented-handshakes.pcap.gz'))).out);
    expect(gz).toMatchObject({ format: 'pcap', compressed: true });
    const ng = JSON.parse((await cli('info', join(CORPUS, 'pcapng/wireshark/many_interfaces.pcapng.1'))).out);
    expect(ng.format).toBe('pcapng');
    expect(ng.linkTypes.length).toBeGreaterThan(0);
    const sc = JSON.parse((await cli('info', join(CORPUS, 'scap/falco/cat_write.scap'))).out);
    expect(sc).toMatchObject({ format: 'scap', linkTypes: [] });
    const st = JSON.parse((await cli('info', join(CORPUS, 'strace/generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt'))).out);
    expect(st).toMatchObject({ format: 'strace', events: 510 });
  });

  it('list -e prints tshark -T fields lines (golden)', async () => {
    const fields = ['frame.number', 'ip.src', 'tcp.stream', 'dns.qry.name'];
    const r = await cli('list', join(CORPUS, 'pcap/tcpdump-tests/dns_tcp.pcap'), ...fields.flatMap((f) => ['-e', f]));
    expect(r.code).toBe(0);
    const golden = readFileSync(join(import.meta.dirname, '../golden/fields/pcap__tcpdump-tests__dns_tcp.pcap.tsv'), 'utf8')
      .split('\n')
      .slice(0, -1)
      .map((l) => {
        const c = l.split('\t');
        // golden columns: frame.number=0 ip.src=5 tcp.stream=13 dns.qry.name=25
        return [c[0], c[5], c[13], c[25]].join('\t');
      });
    expect(r.out.split('\n').slice(0, -1)).toEqual(golden);
  });

  it('list --format json and default columns', async () => {
    const r = await cli('list', join(CORPUS, 'pcap/wireshark/http.pcap'), '--format', 'json');
    expect(JSON.parse(r.out.trim())).toMatchObject({ 'No.': '1', Source: '10.0.0.5', Destination: '207.46.134.94', Protocol: expect.any(String) });
    const t = await cli('list', join(CORPUS, 'pcap/wireshark/dns_port.pcap'));
    expect(t.out.split('\n')[0]).toMatch(/^1\t0\.000000\t\S+\t\S+\tDNS\t\d+\tStandard query 0x[0-9a-f]{4} /);
    const j = await cli('list', join(CORPUS, 'pcap/wireshark/dns-ooo.pcap'), '-e', 'frame.number', '-e', 'dns.a', '--format', 'json');
    expect(JSON.parse(j.out.split('\n')[0])).toEqual({ 'frame.number': '1' });
  });

  it('fields lists name, type and description', async () => {
    const r = await cli('fields');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toContain('ip.src\tipv4\tSource Address');
    expect(lines.some((l) => l.startsWith('evt.type\tstring\t'))).toBe(true);
    expect(lines.length).toBeGreaterThan(200);
  });

  it('usage errors exit 1', async () => {
    expect((await cli()).code).toBe(0);
    expect((await cli('frobnicate')).code).toBe(1);
    expect((await cli('list')).code).toBe(1);
    // Several files are a usage the engine judges (only strace -ff logs merge): missing → 2.
    expect((await cli('list', 'a', 'b')).code).toBe(2);
    expect((await cli('list', 'x', '--format', 'xml')).code).toBe(1);
    const bad = await cli('list', join(CORPUS, 'pcap/wireshark/http.pcap'), '-e', 'ip.srcc');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/not a field: ip\.srcc/);
    expect(() => parseCliArgs(['info'])).toThrow(/info takes FILE/);
    expect(() => parseCliArgs(['info', '--bogus', 'x'])).toThrow(/unknown option --bogus/);
  });

  it('unreadable input exits 2 naming the file and what is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracelens-cli-'));
    const junk = join(dir, 'junk.pcap');
    writeFileSync(junk, 'this is not a capture at all\n\0\0\0');
    const r = await cli('info', junk);
    expect(r.code).toBe(2);
    expect(r.err).toContain(junk);
    expect(r.err).toMatch(/not a capture/);
    const missing = await cli('info', join(dir, 'nope.pcap'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.pcap: cannot open/);
  });

  it('a truncated capture prints every readable event, then exits 2 with event and offset', async () => {
    const r = await cli('list', join(CORPUS, 'pcap/wireshark/trunc.pcap'), '-e', 'frame.number');
    expect(r.code).toBe(2);
    expect(r.out.trimEnd().split('\n')).toHaveLength(47);
    expect(r.err).toMatch(/trunc\.pcap: record 48 at byte 983: truncated record header, 12 of 16 bytes present/);
  });

  it('filters and extracts fields of syscall I/O events (HTTP annotations on fd streams)', async () => {
    const f = join(CORPUS, 'strace/generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt');
    const r = await cli('list', f, '-f', 'evt.type in {"sendto", "recvfrom", "write", "read"} and fd.type == "ipv4"', '-e', 'evt.num', '-e', 'http.request.uri', '-e', 'http.response.code');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('478\t/index.html\t\n485\t\t200\n');
  });

  it('opens the per-process files of strace -ff together, merged by time', async () => {
    const g = (pid: number): string => join(CORPUS, `strace/generated/strace-ff-sh-curl.${pid}`);
    const one = JSON.parse((await cli('info', g(12368))).out);
    const all = await cli('list', g(12368), g(12369), g(12371), '-e', 'evt.time', '-e', 'proc.pid');
    expect(all.code).toBe(0);
    const lines = all.out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(one.events);
    expect(new Set(lines.map((l) => l.split('\t')[1]))).toEqual(new Set(['12368', '12369', '12371']));
    const times = lines.map((l) => l.split('\t')[0]);
    expect(times).toEqual([...times].sort());
    // A pcap with them is a capture set of packets and syscalls (test/sets, docs/capture-sets.md).
    const mixed = await cli('info', g(12368), join(CORPUS, 'pcap/wireshark/http.pcap'));
    expect(mixed.code).toBe(0);
    expect(JSON.parse(mixed.out)).toMatchObject({ set: '2 files', packets: 1, syscalls: one.events });
  });

  it('--tls-psk decrypts a TLS 1.2 PSK session (as tshark -o tls.psk:…)', async () => {
    const f = join(CORPUS, 'pcap/wireshark/tls12-aes256gcm.pcap');
    const r = await cli('http', f, '--tls-psk', 'ca19e028a8a372ad2d325f950fcaceed');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.trim())).toMatchObject({ request: 5, method: 'GET', host: 'localhost', uri: '/', status: 200, version: 'HTTP/1.1' });
    const bad = await cli('http', f, '--tls-psk', 'xyz');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--tls-psk: a pre-shared key is 1 to 64 bytes of hex/);
  });

  it('formats ISO times with nanoseconds', () => {
    expect(isoFromNs('1535375848429467000')).toBe('2018-08-27T13:17:28.429467000Z');
    expect(isoFromNs(null)).toBe(null);
  });
});
