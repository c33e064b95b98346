/**
 * DNS over TCP across segments on test/fixtures/dns-tcp/dns-tcp.pcap (scripts/record-dns-tcp.py,
 * loopback): its tshark 4.0.17 oracle is test/golden/fidelity/dns-tcp-segments.tsv (checked in
 * test/cli/decode-as.test.ts). Here: revisits in any order give what the first pass gave, the
 * reassembled message is its own data source, and a lost segment drops the message in progress.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPackets } from './golden-fields.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { dissectPacket } from '../../electron/engine/dissectors/packet.ts';
import { firstPassContext, revisitContext } from '../../electron/engine/dissectors/context.ts';
import { createConversationTable } from '../../electron/engine/streams/conversations.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';

const FIXTURE = join(import.meta.dirname, '../fixtures/dns-tcp/dns-tcp.pcap');
const FIELDS = ['dns.id', 'dns.length', 'dns.count.answers', 'tcp.segment'];

function run(skip: ReadonlySet<number> = new Set()) {
  const packets = readPackets(FIXTURE);
  const conv = createConversationTable(packets.length);
  const d = createDissection();
  const line = () => [...FIELDS.map((f) => fieldStrings(d, fieldByName(f)!).join(',')), d.protocol, d.info].join('\t');
  const first = firstPassContext(conv, true);
  const lines = packets.map((p, i) => {
    if (skip.has(i + 1)) return '';
    dissectPacket(d, p.meta, p.data, first);
    return line();
  });
  return { packets, conv, d, line, lines };
}

describe('DNS over TCP across segments', () => {
  it('puts each message on the frame completing it, and revisits agree with the first pass', () => {
    const { packets, conv, d, line, lines } = run();
    expect(lines[11]).toMatch(/^0x1201\t3226\t24\t8,10,12\tDNS\tStandard query response 0x1201 TXT big\.example\.test/);
    expect(lines[9]).toMatch(/\tTCP\t.*Len=1399 .*\[TCP segment of a reassembled PDU\]$/);
    // Two whole queries and the start of a third: Info is the last whole one's, as tshark's.
    expect(lines[13]).toBe('0x1202,0x1203\t32,32\t0,0\t\tDNS\tStandard query 0x1203 AAAA b.example.test');
    expect(lines[14]).toBe('0x1204\t32\t0\t14,15\tDNS\tStandard query 0x1204 A c.example.test');
    for (let i = packets.length - 1; i >= 0; i--) {
      dissectPacket(d, packets[i].meta, packets[i].data, revisitContext(conv));
      expect(line(), `frame ${i + 1}`).toBe(lines[i]);
    }
    dissectPacket(d, packets[11].meta, packets[11].data, revisitContext(conv));
    expect(d.sources.map((s) => [s.name, s.bytes.length])).toEqual([['Frame', packets[11].data.length], ['Reassembled TCP', 3228]]);
    const id = d.fid.indexOf(fieldByName('dns.id')!.id);
    expect(d.src[id]).toBe(1);
  });

  it('a lost segment drops the message in progress (no message built from a gap)', () => {
    // Without frame 10 (1399 bytes of the 3 kB answer) frame 12 is not a whole message.
    const { lines } = run(new Set([10]));
    expect(lines[11]).toMatch(/\tTCP\t.*\[TCP segment of a reassembled PDU\]$/);
    expect(lines[14]).toBe('0x1204\t32\t0\t14,15\tDNS\tStandard query 0x1204 A c.example.test');
  });
});
