/**
 * ICMP for IPv4 (RFC 792): echo, and the error messages that quote the offending datagram
 * (destination unreachable, source quench, redirect, time exceeded, parameter problem).
 * Field names and Info wording from Wireshark packet-icmp.c.
 */
import { defineField, defineProtocol } from '../fields/registry.ts';
import { addField, markMalformed, recordsProtocol, type Dissection } from './dissection.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { u16 } from '../bytes/cursor.ts';
import { dissectData } from './data.ts';
import { addChecksum, onesSum } from './checksum.ts';
import { IP_PROTO_ICMP } from './ip-proto.ts';
import { addUint, findDissector, ipProtoTable, registerDissector } from './table.ts';

export const hfIcmp = defineProtocol('icmp', 'Internet Control Message Protocol');
export const hfIcmpType = defineField({
  name: 'icmp.type', type: 'uint', description: 'Type', bits: 8,
  values: { 0: 'Echo (ping) reply', 3: 'Destination unreachable', 4: 'Source quench (flow control)', 5: 'Redirect', 8: 'Echo (ping) request', 11: 'Time-to-live exceeded', 12: 'Parameter problem', 13: 'Timestamp request', 14: 'Timestamp reply' },
});
export const hfIcmpCode = defineField({ name: 'icmp.code', type: 'uint', description: 'Code', bits: 8 });
export const hfIcmpChecksum = defineField({ name: 'icmp.checksum', type: 'uint', description: 'Checksum', base: 'hex', bits: 16 });
export const hfIcmpChecksumStatus = defineField({ name: 'icmp.checksum.status', type: 'uint', description: 'Checksum Status', bits: 8, values: { 0: 'Bad', 1: 'Good', 2: 'Unverified' } });
export const hfIcmpIdent = defineField({ name: 'icmp.ident', type: 'uint', description: 'Identifier (BE)', base: 'dec_hex', bits: 16 });
export const hfIcmpIdentLe = defineField({ name: 'icmp.ident_le', type: 'uint', description: 'Identifier (LE)', base: 'dec_hex', bits: 16 });
export const hfIcmpSeq = defineField({ name: 'icmp.seq', type: 'uint', description: 'Sequence Number (BE)', base: 'dec_hex', bits: 16 });
export const hfIcmpSeqLe = defineField({ name: 'icmp.seq_le', type: 'uint', description: 'Sequence Number (LE)', base: 'dec_hex', bits: 16 });
export const hfIcmpUnused = defineField({ name: 'icmp.unused', type: 'bytes', description: 'Unused' });
export const hfIcmpRedirGw = defineField({ name: 'icmp.redir_gw', type: 'ipv4', description: 'Gateway Address' });
export const hfIcmpMtu = defineField({ name: 'icmp.mtu', type: 'uint', description: 'MTU of next hop', bits: 16 });

// RFC 792 / RFC 1191 code names for type 3 as Wireshark prints them.
const UNREACH: readonly string[] = [
  'Network unreachable', 'Host unreachable', 'Protocol unreachable', 'Port unreachable', 'Fragmentation needed',
  'Source route failed', 'Destination network unknown', 'Destination host unknown', 'Source host isolated',
  'Network administratively prohibited', 'Host administratively prohibited', 'Network unreachable for TOS',
  'Host unreachable for TOS', 'Communication administratively filtered', 'Host precedence violation', 'Precedence cutoff in effect',
];

function typeText(type: number, code: number): string {
  switch (type) {
    case 0: return 'Echo (ping) reply';
    case 8: return 'Echo (ping) request';
    case 3: return `Destination unreachable (${UNREACH[code] ?? 'Unknown code'})`;
    case 4: return 'Source quench (flow control)';
    case 5: return 'Redirect';
    case 11: return `Time-to-live exceeded (${code === 0 ? 'Time to live exceeded in transit' : 'Fragment reassembly time exceeded'})`;
    case 12: return 'Parameter problem';
    case 13: return 'Timestamp request';
    case 14: return 'Timestamp reply';
    default: return `Unknown ICMP (obsolete or malformed?)`;
  }
}

function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
}

function dissectIcmp(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): void {
  pushLayer(ctx, 'icmp');
  d.protocol = 'ICMP';
  const avail = end - off;
  const top = addField(d, hfIcmp, off, Math.max(0, avail), parent);
  if (avail < 4) {
    markMalformed(d, top, `ICMP: header truncated at byte ${off} (${Math.max(0, avail)} of 4 bytes)`);
    return;
  }
  const type = data[off];
  const code = data[off + 1];
  addField(d, hfIcmpType, off, 1, top);
  addField(d, hfIcmpCode, off + 1, 1, top);
  // packet-icmp.c verifies the checksum of a whole message that is neither a fragment nor
  // quoted in an error; RFC 792: it covers the ICMP message.
  const verify = !ctx.fragmented && !ctx.inError && avail >= rep && recordsProtocol(d, hfIcmp);
  addChecksum(d, hfIcmpChecksum, hfIcmpChecksumStatus, data, off + 2, top, verify ? onesSum(data, off, end) : undefined);
  const ttl = ctx.ttl;
  let info = ctx.wantInfo ? typeText(type, code) : '';
  if (avail < 8) {
    markMalformed(d, top, `ICMP: message truncated at byte ${off + 4} (${avail - 4} of 4 bytes)`);
    if (ctx.wantInfo) d.info = info;
    return;
  }
  if (type === 0 || type === 8 || type === 13 || type === 14) {
    const id = u16(data, off + 4);
    const seq = u16(data, off + 6);
    addField(d, hfIcmpIdent, off + 4, 2, top);
    addField(d, hfIcmpIdentLe, off + 4, 2, top, swap16(id));
    addField(d, hfIcmpSeq, off + 6, 2, top);
    addField(d, hfIcmpSeqLe, off + 6, 2, top, swap16(seq));
    dissectData(d, off + 8, end, top, ctx);
    if (ctx.wantInfo) info = `${info.padEnd(20)} id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}/${swap16(seq)}, ttl=${ttl}`;
  } else if (type === 3 || type === 4 || type === 5 || type === 11 || type === 12) {
    if (type === 5) addField(d, hfIcmpRedirGw, off + 4, 4, top);
    else if (type === 3 && code === 4) {
      addField(d, hfIcmpUnused, off + 4, 2, top);
      addField(d, hfIcmpMtu, off + 6, 2, top);
    } else addField(d, hfIcmpUnused, off + 4, 4, top);
    // The quoted datagram: dissected with conversation state untouched (packet-icmp.c sets
    // pinfo->flags.in_error_pkt; TCP/UDP then skip sequence analysis).
    const saved = [ctx.srcOff, ctx.dstOff, ctx.addrLen, ctx.ttl] as const;
    const savedFrag = ctx.fragmented;
    const savedErr = ctx.inError;
    if (ctx.depth++ < 8 && end > off + 8) {
      ctx.inError = true;
      findDissector('ip')?.dissect(d, data, off + 8, end, rep - 8, top, ctx);
    }
    [ctx.srcOff, ctx.dstOff, ctx.addrLen, ctx.ttl] = saved;
    ctx.fragmented = savedFrag;
    ctx.inError = savedErr;
  }
  d.protocol = 'ICMP';
  if (ctx.wantInfo) d.info = info;
}

addUint(ipProtoTable, IP_PROTO_ICMP, registerDissector('icmp', 'Internet Control Message Protocol', (d, data, off, end, rep, parent, ctx) => {
  dissectIcmp(d, data, off, end, rep, parent, ctx);
  return true;
}));
