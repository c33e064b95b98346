/**
 * tshark's column fields in -e output read the rows the stream layers make: `_ws.col.Protocol`
 * says HTTP on the frames that complete an HTTP message, as the default columns do (it printed
 * TCP there when the HTTP scan had not run). Expected, tshark 4.0.17:
 *   tshark -r pcap/generated/gen-http11-plain.pcap -T fields -e frame.number -e _ws.col.Protocol
 *   tshark -r pcap/wireshark/http.pcap -T fields -e _ws.col.Protocol
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import { cli } from './run-cli.ts';

describe('-e _ws.col.Protocol', () => {
  it('names HTTP on the frames tshark does', async () => {
    const r = await cli('list', join(CORPUS, 'pcap/generated/gen-http11-plain.pcap'), '-e', 'frame.number', '-e', '_ws.col.Protocol');
    expect(r.code).toBe(0);
    const http = r.out.trim().split('\n').filter((l) => l.endsWith('\tHTTP')).map((l) => Number(l.split('\t')[0]));
    expect(http).toEqual([4, 8, 16, 29]);
    expect(r.out.trim().split('\n')).toHaveLength(33);
  });
  it('agrees with the default Protocol column on a one-packet capture', async () => {
    const r = await cli('list', join(CORPUS, 'pcap/wireshark/http.pcap'), '-e', '_ws.col.Protocol');
    expect(r.out).toBe('HTTP\n');
  });
});
