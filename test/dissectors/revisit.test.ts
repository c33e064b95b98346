/**
 * Revisiting frames in any order after the first pass must give the same field values
 * (stream ids, relative seq/ack) as the first pass did.
 */
import { describe, expect, it } from 'vitest';
import { CORPUS, firstPassLines, readPackets, revisitLine } from './golden-fields.ts';
import { tcpStreamOf, udpStreamOf, conversationTableBytes } from '../../electron/engine/streams/conversations.ts';

const FILES = [
  'pcap/generated/gen-http11-plain.pcap', 'pcap/tcpdump-tests/dns_tcp.pcap', 'pcap/wireshark/dns-ooo.pcap',
  'pcapng/wireshark/dmgr.pcapng', 'pcap/illustrated-tls12/capture.pcap', 'pcapng/wireshark/challenge01_ooo_stream.pcapng.gz',
  'pcapng/wireshark/protohier-with-comments.pcapng', 'pcap/wireshark/tcp-badsegments.pcap',
];

describe('revisit gives first-pass values', () => {
  for (const rel of FILES) {
    it(rel, () => {
      const packets = readPackets(`${CORPUS}/${rel}`);
      const { lines, table } = firstPassLines(packets);
      // Reverse order, then a stride order: any order must work.
      for (let i = packets.length - 1; i >= 0; i--) expect(revisitLine(packets, table, i)).toBe(lines[i]);
      for (let k = 0; k < packets.length; k++) {
        const i = (k * 7919) % packets.length;
        expect(revisitLine(packets, table, i)).toBe(lines[i]);
      }
      // The per-frame column stays within the 8 bytes/frame budget.
      expect(table.frameStream.BYTES_PER_ELEMENT + table.frameDir.BYTES_PER_ELEMENT).toBeLessThanOrEqual(8);
      expect(conversationTableBytes(table)).toBeGreaterThan(0);
    });
  }

  it('accessors report the recorded streams', () => {
    const packets = readPackets(`${CORPUS}/pcap/wireshark/dns_port.pcap`);
    const { table } = firstPassLines(packets);
    expect([1, 2, 3, 4].map((f) => udpStreamOf(table, f))).toEqual([0, 0, 1, 1]);
    expect(tcpStreamOf(table, 1)).toBe(-1);
    expect(udpStreamOf(table, 99)).toBe(-1);
  });
});
