/**
 * Test helper: run every packet of a capture through dissectPacket in order (first pass) and
 * print the 28 golden fields as `tshark -T fields -E separator=/t` does: several occurrences
 * joined with ",", absent fields empty.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createPcapParser } from '../../electron/engine/readers/pcap.ts';
import { createPcapngParser } from '../../electron/engine/readers/pcapng.ts';
import type { PacketRecord, PacketSink } from '../../electron/engine/readers/types.ts';
import { createDissection, type Dissection } from '../../electron/engine/dissectors/dissection.ts';
import { dissectPacket, type FrameMeta } from '../../electron/engine/dissectors/packet.ts';
import { firstPassContext, revisitContext, type PacketContext } from '../../electron/engine/dissectors/context.ts';
import { createConversationTable, type ConversationTable } from '../../electron/engine/streams/conversations.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { CORPUS } from '../engine/corpus.ts';

export const GOLDEN_FIELDS = [
  'frame.number', 'frame.len', 'frame.time_epoch', 'eth.src', 'eth.dst', 'ip.src', 'ip.dst', 'ip.proto', 'ip.ttl',
  'ipv6.src', 'ipv6.dst', 'tcp.srcport', 'tcp.dstport', 'tcp.stream', 'tcp.seq', 'tcp.ack', 'tcp.len',
  'tcp.flags.syn', 'tcp.flags.ack', 'tcp.flags.fin', 'tcp.flags.reset', 'udp.srcport', 'udp.dstport', 'udp.stream',
  'dns.id', 'dns.qry.name', 'dns.a', 'dns.aaaa',
];

export { CORPUS };

export interface Packet {
  meta: FrameMeta;
  data: Uint8Array;
}

/** Every packet of a pcap/pcapng(.gz) file, copied out of the reader's reused buffers. */
export function readPackets(path: string): Packet[] {
  let bytes: Uint8Array = readFileSync(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const out: Packet[] = [];
  const sink: PacketSink = {
    packet(rec: PacketRecord) {
      out.push({
        meta: {
          number: out.length + 1, tsSec: rec.tsSec, tsNsec: rec.tsNsec, capLen: rec.capLen, origLen: rec.origLen,
          linkType: rec.linkType, interfaceId: rec.interfaceId, hasTime: rec.hasTime, comments: rec.comments?.slice(), malformed: rec.malformed,
        },
        data: new Uint8Array(rec.data), // a copy (Buffer#slice would be a view)
      });
    },
    warning() {},
  };
  const magic = (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
  const parser = magic === 0x0a0d0d0a ? createPcapngParser(sink) : createPcapParser(sink);
  parser.push(bytes);
  parser.end();
  return out;
}

export function fieldsLine(d: Dissection, names: readonly string[] = GOLDEN_FIELDS): string {
  return names.map((n) => {
    const f = fieldByName(n);
    return f ? fieldStrings(d, f).join(',') : '';
  }).join('\t');
}

/** First pass over all packets; returns the TSV lines and the conversation table. */
export function firstPassLines(packets: Packet[], wantInfo = false): { lines: string[]; table: ConversationTable; ctx: PacketContext } {
  const table = createConversationTable(packets.length);
  const ctx = firstPassContext(table, wantInfo);
  const d = createDissection();
  const lines: string[] = [];
  for (const p of packets) {
    dissectPacket(d, p.meta, p.data, ctx);
    lines.push(fieldsLine(d));
  }
  return { lines, table, ctx };
}

/** Re-dissect frame `i` (0-based) after the first pass. */
export function revisitLine(packets: Packet[], table: ConversationTable, i: number, d = createDissection()): string {
  const ctx = revisitContext(table);
  dissectPacket(d, packets[i].meta, packets[i].data, ctx);
  return fieldsLine(d);
}
