/**
 * `-e frame.time_delta_displayed`: the time since the previous displayed frame, as tshark 4.0's
 * one pass prints it (0 for the first; with -Y, the previous frame -Y kept). Expected values:
 *   tshark -r pcap/generated/gen-tls13-http11-nsec.pcap -Y 'tcp.len > 0' -T fields \
 *     -e frame.number -e frame.time_delta_displayed        (4.0.17, first five lines)
 *   tshark -r pcap/wireshark/dhcp.pcap -Y 'frame.number != 2' -T fields -e frame.number \
 *     -e frame.time_delta -e frame.time_delta_displayed
 * Without a filter it equals frame.time_delta (the field-intersection golden checks that on every
 * corpus capture).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import { cli } from './run-cli.ts';

describe('frame.time_delta_displayed in -e output', () => {
  it('measures from the previous frame the filter kept (tshark -Y)', async () => {
    const file = join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap');
    const r = await cli('tshark', '-r', file, '-Y', 'tcp.len > 0', '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_delta_displayed');
    expect(r.err).toBe('');
    expect(r.out.split('\n').slice(0, 5).join('\n') + '\n').toBe('4\t0.000000000\n6\t0.003015302\n8\t0.001716931\n9\t0.000125855\n11\t0.000874350\n');
  });
  it('list -f: the same view, beside frame.time_delta', async () => {
    const file = join(CORPUS, 'pcap/wireshark/dhcp.pcap');
    const r = await cli('list', file, '-f', 'frame.number != 2', '-e', 'frame.number', '-e', 'frame.time_delta', '-e', 'frame.time_delta_displayed');
    expect(r.out).toBe('1\t0.000000000\t0.000000000\n3\t0.069736000\t0.070031000\n4\t0.000314000\t0.000314000\n');
  });
});
