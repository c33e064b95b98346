/**
 * IPv4 (RFC 791) with options (RFC 791 §3.1 option layout) and fragments, reassembled as tshark
 * does (ip-reassembly.ts): the frame completing a datagram carries its upper layers.
 * Field names from Wireshark packet-ip.c.
 */
import { defineField, defineProtocol } from '../fields/registry.ts';
import { addField, markMalformed, recordsProtocol, setLabel, type Dissection } from './dissection.ts';
import { addFragment, fragmentKey, fragmentStoreOf, reassembledAt } from './ip-reassembly.ts';
import { dissectReassembled, type ReassemblyFields } from './ip-reassembled.ts';
import { noteNetAddresses, pushLayer, type PacketContext } from './context.ts';
import { u16 } from '../bytes/cursor.ts';
import { dissectData } from './data.ts';
import { ETHERTYPE_IPV4 } from './ethernet.ts';
import { LINKTYPE_IPV4 } from './link.ts';
import { dissectIpPayload, IP_PROTO_IPIP, IP_PROTO_NAMES } from './ip-proto.ts';
import { addUint, ethertypeTable, ipProtoTable, linkTypeTable, registerDissector } from './table.ts';

export const hfIp = defineProtocol('ip', 'Internet Protocol Version 4');
export const hfIpVersion = defineField({ name: 'ip.version', type: 'uint', description: 'Version', bits: 8, mask: 0xf0 });
export const hfIpHdrLen = defineField({ name: 'ip.hdr_len', type: 'uint', description: 'Header Length', bits: 8 });
export const hfIpDsfield = defineField({ name: 'ip.dsfield', type: 'uint', description: 'Differentiated Services Field', base: 'hex', bits: 8 });
export const hfIpDscp = defineField({ name: 'ip.dsfield.dscp', type: 'uint', description: 'Differentiated Services Codepoint', bits: 8, mask: 0xfc });
export const hfIpEcn = defineField({ name: 'ip.dsfield.ecn', type: 'uint', description: 'Explicit Congestion Notification', bits: 8, mask: 0x03 });
export const hfIpLen = defineField({ name: 'ip.len', type: 'uint', description: 'Total Length', bits: 16 });
export const hfIpId = defineField({ name: 'ip.id', type: 'uint', description: 'Identification', base: 'hex_dec', bits: 16 });
export const hfIpFlags = defineField({ name: 'ip.flags', type: 'uint', description: 'Flags', base: 'hex', bits: 8, mask: 0xe0 });
export const hfIpFlagsRb = defineField({ name: 'ip.flags.rb', type: 'bool', description: 'Reserved bit', bits: 8, mask: 0x80 });
export const hfIpFlagsDf = defineField({ name: 'ip.flags.df', type: 'bool', description: "Don't fragment", bits: 8, mask: 0x40 });
export const hfIpFlagsMf = defineField({ name: 'ip.flags.mf', type: 'bool', description: 'More fragments', bits: 8, mask: 0x20 });
export const hfIpFragOffset = defineField({ name: 'ip.frag_offset', type: 'uint', description: 'Fragment Offset', bits: 16, mask: 0x1fff });
export const hfIpTtl = defineField({ name: 'ip.ttl', type: 'uint', description: 'Time to Live', bits: 8 });
export const hfIpProto = defineField({ name: 'ip.proto', type: 'uint', description: 'Protocol', bits: 8, values: IP_PROTO_NAMES });
export const hfIpChecksum = defineField({ name: 'ip.checksum', type: 'uint', description: 'Header Checksum', base: 'hex', bits: 16 });
export const hfIpChecksumStatus = defineField({
  name: 'ip.checksum.status', type: 'uint', description: 'Header checksum status', bits: 8,
  values: { 0: 'Bad', 1: 'Good', 2: 'Unverified' },
});
export const hfIpSrc = defineField({ name: 'ip.src', type: 'ipv4', description: 'Source Address' });
export const hfIpDst = defineField({ name: 'ip.dst', type: 'ipv4', description: 'Destination Address' });
export const hfIpAddr = defineField({ name: 'ip.addr', type: 'ipv4', description: 'Source or Destination Address', multi: true });
export const hfIpFragments = defineField({ name: 'ip.fragments', type: 'bytes', description: 'IPv4 Fragments' });
export const hfIpFragment = defineField({ name: 'ip.fragment', type: 'framenum', description: 'IPv4 Fragment', multi: true });
export const hfIpFragmentOverlap = defineField({ name: 'ip.fragment.overlap', type: 'bool', description: 'Fragment overlap', multi: true });
export const hfIpFragmentConflict = defineField({ name: 'ip.fragment.overlap.conflict', type: 'bool', description: 'Conflicting data in fragment overlap', multi: true });
export const hfIpFragmentCount = defineField({ name: 'ip.fragment.count', type: 'uint', description: 'Fragment count', bits: 32 });
export const hfIpReassembledLength = defineField({ name: 'ip.reassembled.length', type: 'uint', description: 'Reassembled IPv4 length', bits: 32 });
export const hfIpReassembledData = defineField({ name: 'ip.reassembled.data', type: 'bytes', description: 'Reassembled IPv4 data' });
export const hfIpOpt = defineField({ name: 'ip.opt', type: 'none', description: 'IP Option', multi: true });
export const hfIpOptType = defineField({ name: 'ip.opt.type', type: 'uint', description: 'Type', bits: 8, multi: true });
export const hfIpOptLen = defineField({ name: 'ip.opt.len', type: 'uint', description: 'Length', bits: 8, multi: true });

function dissectIpv4(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): boolean {
  // IP in IP, ICMP errors quoting IP and IPv6 in IP nest: bounded (16 is far beyond real tunnels).
  if (ctx.depth++ > 16) {
    markMalformed(d, parent, `IP: too many nested headers at byte ${off}`);
    return true;
  }
  pushLayer(ctx, 'ip');
  d.protocol = 'IPv4';
  const avail = end - off;
  const top = addField(d, hfIp, off, Math.min(20, Math.max(0, avail)), parent);
  if (avail < 20) {
    if (avail >= 1) addField(d, hfIpVersion, off, 1, top);
    markMalformed(d, top, `IPv4: header truncated at byte ${off} (${Math.max(0, avail)} of 20 bytes)`);
    return true;
  }
  const hlen = (data[off] & 0x0f) * 4;
  let totalLen = u16(data, off + 2);
  const fragWord = u16(data, off + 6);
  const fragOff = (fragWord & 0x1fff) * 8;
  const more = (fragWord & 0x2000) !== 0;
  ctx.ttl = data[off + 8];
  const proto = data[off + 9];
  let hl = -1;
  // The index pass (summary mode) reads the addresses from the context, and a filter without
  // ip.* fields needs none: skip the header fields then.
  if (recordsProtocol(d, hfIp)) {
    addField(d, hfIpVersion, off, 1, top);
    hl = addField(d, hfIpHdrLen, off, 1, top, hlen);
    const ds = addField(d, hfIpDsfield, off + 1, 1, top);
    addField(d, hfIpDscp, off + 1, 1, ds);
    addField(d, hfIpEcn, off + 1, 1, ds);
    addField(d, hfIpLen, off + 2, 2, top);
    addField(d, hfIpId, off + 4, 2, top);
    const fl = addField(d, hfIpFlags, off + 6, 1, top);
    addField(d, hfIpFlagsRb, off + 6, 1, fl);
    addField(d, hfIpFlagsDf, off + 6, 1, fl);
    addField(d, hfIpFlagsMf, off + 6, 1, fl);
    // The field counts 8-byte units (tshark -T fields prints 185); the tree shows bytes.
    setLabel(d, addField(d, hfIpFragOffset, off + 6, 2, top), `Fragment Offset: ${fragOff}`);
    addField(d, hfIpTtl, off + 8, 1, top);
    addField(d, hfIpProto, off + 9, 1, top);
    addField(d, hfIpChecksum, off + 10, 2, top);
    addField(d, hfIpChecksumStatus, off + 10, 0, top, 2);
    const src = addField(d, hfIpSrc, off + 12, 4, top);
    addField(d, hfIpAddr, off + 12, 4, src);
    const dst = addField(d, hfIpDst, off + 16, 4, top);
    addField(d, hfIpAddr, off + 16, 4, dst);
  }
  noteNetAddresses(ctx, off + 12, off + 16, 4);
  ctx.sumIpv4Count++;
  if (hlen < 20) {
    markMalformed(d, hl, `IPv4: bogus header length ${hlen} at byte ${off} (must be at least 20)`);
    return true;
  }
  if (top >= 0) d.len[top] = Math.min(hlen, avail);
  if (avail < hlen) {
    markMalformed(d, top, `IPv4: options truncated at byte ${off + 20} (${avail - 20} of ${hlen - 20} bytes)`);
    return true;
  }
  if (recordsProtocol(d, hfIp)) dissectOptions(d, data, off + 20, off + hlen, top);
  // TSO captures carry a zero total length: the frame length stands in (packet-ip.c does the same).
  if (totalLen === 0) totalLen = rep;
  if (totalLen < hlen) {
    markMalformed(d, top, `IPv4: total length ${totalLen} at byte ${off + 2} is less than the header length ${hlen}`);
    return true;
  }
  const payRep = Math.min(totalLen, rep) - hlen;
  const payEnd = Math.min(end, off + Math.min(totalLen, rep));
  ctx.srcOff = off + 12;
  ctx.dstOff = off + 16;
  ctx.addrLen = 4;
  if (more || fragOff !== 0) {
    // packet-ip.c reassembles a fragment whose payload was captured whole, outside ICMP errors.
    if (!ctx.inError && payRep > 0 && payEnd - (off + hlen) === payRep) {
      const store = fragmentStoreOf(ctx.conv);
      const key = fragmentKey(data, off + 12, off + 16, 4, u16(data, off + 4), proto);
      const r = ctx.firstPass
        ? addFragment(store, key, ctx.frame, fragOff, more, proto, data, off + hlen, payEnd, off + 12, off + 16, 4)
        : reassembledAt(store, ctx.frame, key);
      if (r !== undefined) {
        dissectReassembled(d, r, REASSEMBLED_V4, top, parent, ctx);
        return true;
      }
    }
    ctx.fragmented = true;
    dissectData(d, off + hlen, payEnd, top, ctx);
    if (ctx.wantInfo) {
      d.info = `Fragmented IP protocol (proto=${IP_PROTO_NAMES[proto] ?? 'Unknown'} ${proto}, off=${fragOff}, ID=${u16(data, off + 4).toString(16).padStart(4, '0')})`;
    }
    return true;
  }
  ctx.fragmented = false;
  dissectIpPayload(d, data, proto, off + hlen, payEnd, payRep, parent, ctx);
  return true;
}

const REASSEMBLED_V4: ReassemblyFields = {
  source: 'Reassembled IPv4', version: 'IPv4', fragments: hfIpFragments, fragment: hfIpFragment, overlap: hfIpFragmentOverlap,
  conflict: hfIpFragmentConflict, count: hfIpFragmentCount, length: hfIpReassembledLength, data: hfIpReassembledData,
};

const ipHandle = registerDissector('ip', 'Internet Protocol Version 4', dissectIpv4);
addUint(linkTypeTable, LINKTYPE_IPV4, ipHandle);
addUint(ethertypeTable, ETHERTYPE_IPV4, ipHandle);
// IP in IP (RFC 2003); the nesting is bounded in the dissector.
addUint(ipProtoTable, IP_PROTO_IPIP, ipHandle);

/** RFC 791 options: EOL (0) and NOP (1) are one byte; the rest carry a length ≥ 2. */
function dissectOptions(d: Dissection, data: Uint8Array, off: number, end: number, parent: number): void {
  let p = off;
  while (p < end) {
    const type = data[p];
    if (type === 0 || type === 1) {
      const o = addField(d, hfIpOpt, p, 1, parent);
      addField(d, hfIpOptType, p, 1, o);
      p++;
      if (type === 0) break;
      continue;
    }
    if (p + 1 >= end) {
      markMalformed(d, parent, `IPv4: option ${type} at byte ${p} has no length byte`);
      return;
    }
    const len = data[p + 1];
    const o = addField(d, hfIpOpt, p, Math.min(Math.max(len, 2), end - p), parent);
    addField(d, hfIpOptType, p, 1, o);
    addField(d, hfIpOptLen, p + 1, 1, o);
    if (len < 2 || p + len > end) {
      markMalformed(d, o, `IPv4: option ${type} at byte ${p} has bad length ${len}`);
      return;
    }
    p += len;
  }
}
