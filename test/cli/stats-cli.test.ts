/**
 * CLI `stats`: argument errors, the three formats, and a filter, on real corpus captures against
 * tshark 4.0.17's numbers (text goldens in test/golden/stats; the filtered table below was
 * printed by `tshark -n -q -r dhcp.pcap -z conv,udp,ip.src==192.168.0.1`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../../electron/cli/args.ts';
import { formatSize } from '../../shared/stats.ts';
import { CORPUS } from '../engine/corpus.ts';
import { goldenTables } from '../golden/stats-golden.ts';
import { cli } from './run-cli.ts';

const DHCP = join(CORPUS, 'pcap/wireshark/dhcp.pcap');
const H2 = join(CORPUS, 'pcap/generated/gen-tls12-h2.pcap');

describe('stats arguments', () => {
  it('parses NAME FILE and options', () => {
    expect(parseCliArgs(['stats', 'conv,tcp', 'f.pcap', '-f', 'tcp', '--format', 'json'])).toMatchObject({ command: 'stats', name: 'conv,tcp', file: 'f.pcap', filter: 'tcp', format: 'json' });
  });
  it('rejects an unknown statistic, a missing file and a bad format', () => {
    expect(() => parseCliArgs(['stats', 'conv,sctp', 'f.pcap'])).toThrow(UsageError);
    expect(() => parseCliArgs(['stats', 'conv,tcp'])).toThrow(/NAME FILE/);
    expect(() => parseCliArgs(['stats', 'conv,tcp', 'f.pcap', '--format', 'xml'])).toThrow(/text, json or tsv/);
  });
});

describe('format_size', () => {
  it('switches unit at 10 of the next one, as Wireshark', () => {
    expect([formatSize(0), formatSize(9999), formatSize(10000), formatSize(222788), formatSize(9_999_999), formatSize(10_000_000)]).toEqual(['0 bytes', '9999 bytes', '10 kB', '222 kB', '9999 kB', '10 MB']);
  });
});

describe('stats command', () => {
  it('text equals tshark -q -z conv,tcp', async () => {
    const r = await cli('stats', 'conv,tcp', H2);
    expect(r.code).toBe(0);
    expect(r.out).toBe(goldenTables('pcap__generated__gen-tls12-h2.pcap.txt').get('conv,tcp'));
  });
  it('json carries the conversation keys with tshark numbers', async () => {
    const r = await cli('stats', 'conv,tcp', H2, '--format', 'json');
    const rows = JSON.parse(r.out) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    // tshark: 127.0.0.1:35720 <-> 127.0.0.1:8443, <- 16 frames 222 kB, -> 17 frames 1673 bytes, 33 frames, duration 0.0090
    expect(rows[0]).toMatchObject({ addressA: '127.0.0.1', portA: 35720, addressB: '127.0.0.1', portB: 8443, framesAB: 17, bytesAB: 1673, framesBA: 16, frames: 33, start: 0, stream: 0 });
    expect(Math.floor((rows[0].bytesBA as number) / 1000)).toBe(222);
    expect((rows[0].duration as number).toFixed(4)).toBe('0.0090');
  });
  it('a filter restricts the frames counted, and is echoed', async () => {
    const r = await cli('stats', 'conv,udp', DHCP, '-f', 'ip.src==192.168.0.1');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').slice(2, 3)).toEqual(['Filter:ip.src==192.168.0.1']);
    expect(r.out).toContain('192.168.0.1:67             <-> 192.168.0.10:68                  0 0 bytes         2 684 bytes       2 684 bytes     0.000295000         0.0701');
    expect(r.out).not.toContain('0.0.0.0');
  });
  it('tsv has a header and one line per endpoint', async () => {
    const r = await cli('stats', 'endpoints,ip', DHCP, '--format', 'tsv');
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('address\tport\tframes\tbytes\ttxFrames\ttxBytes\trxFrames\trxBytes');
    expect(lines.slice(1)).toEqual(['0.0.0.0\t\t2\t628\t2\t628\t0\t0', '255.255.255.255\t\t2\t628\t0\t0\t2\t628', '192.168.0.1\t\t2\t684\t2\t684\t0\t0', '192.168.0.10\t\t2\t684\t0\t0\t2\t684']);
  });
  it('a bad filter is an error naming it', async () => {
    const r = await cli('stats', 'conv,ip', DHCP, '-f', 'ip.src ==');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/filter/);
  });
});

interface FilteredGolden { capture: string; name: string; filter: string; text: string }
const FILTERED = JSON.parse(readFileSync(join(import.meta.dirname, '../golden/stats-tree/filtered.json'), 'utf8')) as FilteredGolden[];

describe('stats http,tree', () => {
  for (const g of FILTERED) {
    it(`equals tshark -q -z ${g.name},${g.filter} on ${g.capture}`, async () => {
      const r = await cli('stats', g.name, join(CORPUS, g.capture), '-f', g.filter);
      expect(r.code).toBe(0);
      expect(r.out).toBe(g.text);
    });
  }
  it('the tshark form maps -z http,tree,FILTER', async () => {
    const g = FILTERED[0];
    const r = await cli('tshark', '-n', '-q', '-r', join(CORPUS, g.capture), '-z', `${g.name},${g.filter}`);
    expect(r.out).toBe(g.text);
  });
  it('json: counts, rates and bursts per node', async () => {
    const r = await cli('stats', 'http,tree', join(CORPUS, 'pcap/generated/gen-http11-plain.pcap'), '--format', 'json');
    const j = JSON.parse(r.out) as { title: string; nodes: { name: string; count: number; rateMs: number; children: { name: string; count: number; percent: string }[] }[] };
    expect(j.title).toBe('HTTP/Packet Counter');
    // tshark: Total HTTP Packets 4, Rate (ms) 1.1618; responses 2 (50.00%), requests 2
    expect(j.nodes[0]).toMatchObject({ name: 'Total HTTP Packets', count: 4, rateMs: 1.1618 });
    expect(j.nodes[0].children.map((c) => [c.name, c.count, c.percent])).toEqual([['HTTP Response Packets', 2, '50.00%'], ['HTTP Request Packets', 2, '50.00%'], ['Other HTTP Packets', 0, '0.00%']]);
  });
});

/** `tshark -n -q -r dhcp.pcap -z io,stat,0.01,udp.srcport==68` (4.0.17). */
const DHCP_IO_STAT = `
=================================
| IO Statistics                 |
|                               |
| Duration: 0.07 secs           |
| Interval: 0.01 secs           |
|                               |
| Col 1: udp.srcport==68        |
|-------------------------------|
|              |1               |
| Interval     | Frames | Bytes |
|-------------------------------|
| 0.00 <> 0.01 |      1 |   314 |
| 0.01 <> 0.02 |      0 |     0 |
| 0.02 <> 0.03 |      0 |     0 |
| 0.03 <> 0.04 |      0 |     0 |
| 0.04 <> 0.05 |      0 |     0 |
| 0.05 <> 0.06 |      0 |     0 |
| 0.06 <> 0.07 |      0 |     0 |
| 0.07 <> 0.07 |      1 |   314 |
=================================
`;

describe('stats io,stat', () => {
  it('text equals tshark -q -z io,stat,…, also through the tshark front end', async () => {
    expect((await cli('stats', 'io,stat,0.01,udp.srcport==68', DHCP)).out).toBe(DHCP_IO_STAT);
    expect((await cli('tshark', '-q', '-r', DHCP, '-z', 'io,stat,0.01,udp.srcport==68')).out).toBe(DHCP_IO_STAT);
  });
  it('tsv and json carry the same rows', async () => {
    const tsv = (await cli('stats', 'io,stat,0.01,udp.srcport==68', DHCP, '--format', 'tsv')).out.trim().split('\n');
    expect(tsv[0]).toBe('start\tend\tframes_1\tbytes_1');
    expect(tsv.slice(1, 4)).toEqual(['0\t0.01\t1\t314', '0.01\t0.02\t0\t0', '0.02\t0.03\t0\t0']);
    const json = JSON.parse((await cli('stats', 'io,stat,0', DHCP, '--format', 'json')).out) as { columns: string[]; rows: { frames: number[]; bytes: number[] }[] };
    expect(json.columns).toEqual(['']);
    expect(json.rows).toEqual([{ start: 0, end: 0.070345, frames: [4], bytes: [1312] }]);
  });
  it('refuses calculated columns with a message', async () => {
    const r = await cli('stats', 'io,stat,1,SUM(frame.len)frame.len', DHCP);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/calculated columns/);
  });
});
