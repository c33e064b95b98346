/**
 * ICMPv6 (RFC 4443) with echo, errors quoting the offending packet, and Neighbor Discovery
 * (RFC 4861) solicitations/advertisements with link-layer address options.
 * Field names and Info wording from Wireshark packet-icmpv6.c.
 */
import { defineField, defineProtocol } from '../fields/registry.ts';
import { addField, markMalformed, recordsProtocol, type Dissection } from './dissection.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { u16 } from '../bytes/cursor.ts';
import { formatIpv6, hex } from '../fields/format.ts';
import { dissectData } from './data.ts';
import { addChecksum, onesSum } from './checksum.ts';
import { IP_PROTO_ICMPV6 } from './ip-proto.ts';
import { addUint, findDissector, ipProtoTable, registerDissector } from './table.ts';

export const hfIcmpv6 = defineProtocol('icmpv6', 'Internet Control Message Protocol v6');
export const hfIcmpv6Type = defineField({
  name: 'icmpv6.type', type: 'uint', description: 'Type', bits: 8,
  values: {
    1: 'Destination Unreachable', 2: 'Packet Too Big', 3: 'Time Exceeded', 4: 'Parameter Problem', 128: 'Echo (ping) request',
    129: 'Echo (ping) reply', 130: 'Multicast Listener Query', 131: 'Multicast Listener Report', 132: 'Multicast Listener Done',
    133: 'Router Solicitation', 134: 'Router Advertisement', 135: 'Neighbor Solicitation', 136: 'Neighbor Advertisement',
    137: 'Redirect', 143: 'Multicast Listener Report Message v2',
  },
});
export const hfIcmpv6Code = defineField({ name: 'icmpv6.code', type: 'uint', description: 'Code', bits: 8 });
export const hfIcmpv6Checksum = defineField({ name: 'icmpv6.checksum', type: 'uint', description: 'Checksum', base: 'hex', bits: 16 });
export const hfIcmpv6ChecksumStatus = defineField({ name: 'icmpv6.checksum.status', type: 'uint', description: 'Checksum Status', bits: 8, values: { 0: 'Bad', 1: 'Good', 2: 'Unverified' } });
export const hfIcmpv6EchoId = defineField({ name: 'icmpv6.echo.identifier', type: 'uint', description: 'Identifier', base: 'hex', bits: 16 });
export const hfIcmpv6EchoSeq = defineField({ name: 'icmpv6.echo.sequence_number', type: 'uint', description: 'Sequence', bits: 16 });
export const hfIcmpv6Reserved = defineField({ name: 'icmpv6.reserved', type: 'bytes', description: 'Reserved' });
export const hfIcmpv6Mtu = defineField({ name: 'icmpv6.mtu', type: 'uint', description: 'MTU', bits: 32 });
export const hfIcmpv6Pointer = defineField({ name: 'icmpv6.pointer', type: 'uint', description: 'Pointer', bits: 32 });
export const hfIcmpv6NsTarget = defineField({ name: 'icmpv6.nd.ns.target_address', type: 'ipv6', description: 'Target Address' });
export const hfIcmpv6NaFlag = defineField({ name: 'icmpv6.nd.na.flag', type: 'uint', description: 'Flags', base: 'hex', bits: 32 });
export const hfIcmpv6NaFlagR = defineField({ name: 'icmpv6.nd.na.flag.r', type: 'bool', description: 'Router', bits: 32, mask: 0x80000000 });
export const hfIcmpv6NaFlagS = defineField({ name: 'icmpv6.nd.na.flag.s', type: 'bool', description: 'Solicited', bits: 32, mask: 0x40000000 });
export const hfIcmpv6NaFlagO = defineField({ name: 'icmpv6.nd.na.flag.o', type: 'bool', description: 'Override', bits: 32, mask: 0x20000000 });
export const hfIcmpv6NaTarget = defineField({ name: 'icmpv6.nd.na.target_address', type: 'ipv6', description: 'Target Address' });
export const hfIcmpv6RaHopLimit = defineField({ name: 'icmpv6.nd.ra.cur_hop_limit', type: 'uint', description: 'Cur hop limit', bits: 8 });
export const hfIcmpv6Opt = defineField({ name: 'icmpv6.opt', type: 'none', description: 'ICMPv6 Option', multi: true });
export const hfIcmpv6OptType = defineField({
  name: 'icmpv6.opt.type', type: 'uint', description: 'Type', bits: 8, multi: true,
  values: { 1: 'Source link-layer address', 2: 'Target link-layer address', 3: 'Prefix information', 5: 'MTU' },
});
export const hfIcmpv6OptLength = defineField({ name: 'icmpv6.opt.length', type: 'uint', description: 'Length', bits: 8, multi: true });
export const hfIcmpv6OptLinkaddr = defineField({ name: 'icmpv6.opt.linkaddr', type: 'bytes', description: 'Link-layer address', multi: true });
export const hfIcmpv6MldrRecords = defineField({ name: 'icmpv6.mldr.nb_mcast_records', type: 'uint', description: 'Number of Multicast Address Records', bits: 16 });

const TYPE_TEXT: Readonly<Record<number, string>> = {
  1: 'Destination Unreachable', 2: 'Packet Too Big', 3: 'Time Exceeded', 4: 'Parameter Problem',
  128: 'Echo (ping) request', 129: 'Echo (ping) reply', 130: 'Multicast Listener Query', 131: 'Multicast Listener Report',
  132: 'Multicast Listener Done', 133: 'Router Solicitation', 134: 'Router Advertisement', 135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement', 137: 'Redirect', 143: 'Multicast Listener Report Message v2',
};

/**
 * Code names of the error messages (RFC 4443 §3, RFC 7112 §5 for Parameter Problem code 3), as
 * tshark 4.0 prints them in Info: "Destination Unreachable (Port unreachable)". Checked against
 * tshark 4.0.17 for every code listed and one past the end of each list.
 */
const CODE_TEXT: Readonly<Record<number, readonly string[]>> = {
  1: ['no route to destination', 'Administratively prohibited', 'Beyond scope of source address', 'Address unreachable', 'Port unreachable',
    'Source address failed ingress/egress policy', 'Reject route to destination', 'Error in Source Routing Header'],
  3: ['hop limit exceeded in transit', 'fragment reassembly time exceeded'],
  4: ['erroneous header field encountered', 'unrecognized Next Header type encountered', 'unrecognized IPv6 option encountered',
    'IPv6 First Fragment has incomplete IPv6 Header Chain'],
};

function codeText(type: number, code: number): string {
  const names = CODE_TEXT[type];
  if (names === undefined) return '';
  const n = names[code];
  // Destination Unreachable says "Unknown", the others "Unknown (code)" (tshark 4.0.17).
  return ` (${n ?? (type === 1 ? 'Unknown' : `Unknown (${code})`)})`;
}

/** ND options (RFC 4861 §4.6): type, length in 8-byte units. Returns the source/target link address text. */
function dissectNdOptions(d: Dissection, data: Uint8Array, off: number, end: number, parent: number, ctx: PacketContext): string {
  let p = off;
  let link = '';
  while (p + 2 <= end) {
    const type = data[p];
    const len = data[p + 1] * 8;
    const o = addField(d, hfIcmpv6Opt, p, Math.min(Math.max(len, 2), end - p), parent);
    addField(d, hfIcmpv6OptType, p, 1, o);
    addField(d, hfIcmpv6OptLength, p + 1, 1, o);
    if (len === 0 || p + len > end) {
      markMalformed(d, o, `ICMPv6: option ${type} at byte ${p} has bad length ${data[p + 1]}`);
      return link;
    }
    if ((type === 1 || type === 2) && len >= 8) {
      addField(d, hfIcmpv6OptLinkaddr, p + 2, len - 2 === 6 ? 6 : len - 2, o);
      if (ctx.wantInfo && len - 2 >= 6) link = hex(data.subarray(p + 2, p + 8), ':');
    }
    p += len;
  }
  return link;
}

function dissectIcmpv6(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): void {
  pushLayer(ctx, 'icmpv6');
  d.protocol = 'ICMPv6';
  const avail = end - off;
  const top = addField(d, hfIcmpv6, off, Math.max(0, avail), parent);
  if (avail < 4) {
    markMalformed(d, top, `ICMPv6: header truncated at byte ${off} (${Math.max(0, avail)} of 4 bytes)`);
    return;
  }
  const type = data[off];
  addField(d, hfIcmpv6Type, off, 1, top);
  addField(d, hfIcmpv6Code, off + 1, 1, top);
  // Verified as packet-icmpv6.c does (a whole message, not a fragment, not quoted in an error),
  // over the RFC 8200 §8.1 pseudo-header: addresses, upper-layer length, next header 58.
  const verify = !ctx.fragmented && !ctx.inError && avail >= rep && ctx.addrLen === 16 && recordsProtocol(d, hfIcmpv6);
  let sum: number | undefined;
  if (verify) {
    sum = onesSum(data, ctx.srcOff, ctx.srcOff + 16);
    sum = onesSum(data, ctx.dstOff, ctx.dstOff + 16, sum);
    sum += Math.floor(rep / 0x10000) + (rep & 0xffff) + IP_PROTO_ICMPV6;
    sum = onesSum(data, off, end, sum);
  }
  addChecksum(d, hfIcmpv6Checksum, hfIcmpv6ChecksumStatus, data, off + 2, top, sum);
  const hlim = ctx.ttl;
  let info = ctx.wantInfo ? (TYPE_TEXT[type] ?? `Unknown (${type})`) + codeText(type, data[off + 1]) : '';
  const need = type === 135 || type === 136 ? 24 : 8;
  if (avail < need) {
    markMalformed(d, top, `ICMPv6: message truncated at byte ${off + 4} (${avail} of ${need} bytes)`);
    if (ctx.wantInfo) d.info = info;
    return;
  }
  if (type === 128 || type === 129) {
    addField(d, hfIcmpv6EchoId, off + 4, 2, top);
    addField(d, hfIcmpv6EchoSeq, off + 6, 2, top);
    dissectData(d, off + 8, end, top, ctx);
    if (ctx.wantInfo) info += ` id=0x${u16(data, off + 4).toString(16).padStart(4, '0')}, seq=${u16(data, off + 6)}, hop limit=${hlim}`;
  } else if (type >= 1 && type <= 4) {
    if (type === 2) addField(d, hfIcmpv6Mtu, off + 4, 4, top);
    else if (type === 4) addField(d, hfIcmpv6Pointer, off + 4, 4, top);
    else addField(d, hfIcmpv6Reserved, off + 4, 4, top);
    const saved = [ctx.srcOff, ctx.dstOff, ctx.addrLen, ctx.ttl] as const;
    const savedFrag = ctx.fragmented;
    const savedErr = ctx.inError;
    if (ctx.depth++ < 8 && end > off + 8) {
      ctx.inError = true;
      findDissector('ipv6')?.dissect(d, data, off + 8, end, rep - 8, top, ctx);
    }
    [ctx.srcOff, ctx.dstOff, ctx.addrLen, ctx.ttl] = saved;
    ctx.fragmented = savedFrag;
    ctx.inError = savedErr;
  } else if (type === 133) {
    addField(d, hfIcmpv6Reserved, off + 4, 4, top);
    const link = dissectNdOptions(d, data, off + 8, end, top, ctx);
    if (ctx.wantInfo && link) info += ` from ${link}`;
  } else if (type === 134) {
    addField(d, hfIcmpv6RaHopLimit, off + 4, 1, top);
    const link = avail >= 16 ? dissectNdOptions(d, data, off + 16, end, top, ctx) : '';
    if (ctx.wantInfo && link) info += ` from ${link}`;
  } else if (type === 135) {
    addField(d, hfIcmpv6Reserved, off + 4, 4, top);
    addField(d, hfIcmpv6NsTarget, off + 8, 16, top);
    const link = dissectNdOptions(d, data, off + 24, end, top, ctx);
    if (ctx.wantInfo) info += ` for ${formatIpv6(data.subarray(off + 8, off + 24))}${link ? ` from ${link}` : ''}`;
  } else if (type === 136) {
    const f = addField(d, hfIcmpv6NaFlag, off + 4, 4, top);
    addField(d, hfIcmpv6NaFlagR, off + 4, 4, f);
    addField(d, hfIcmpv6NaFlagS, off + 4, 4, f);
    addField(d, hfIcmpv6NaFlagO, off + 4, 4, f);
    addField(d, hfIcmpv6NaTarget, off + 8, 16, top);
    const link = dissectNdOptions(d, data, off + 24, end, top, ctx);
    if (ctx.wantInfo) {
      const fl = data[off + 4];
      const names: string[] = [];
      if (fl & 0x80) names.push('rtr');
      if (fl & 0x40) names.push('sol');
      if (fl & 0x20) names.push('ovr');
      info += ` ${formatIpv6(data.subarray(off + 8, off + 24))}${names.length ? ` (${names.join(', ')})` : ''}${link ? ` is at ${link}` : ''}`;
    }
  } else if (type === 143) {
    addField(d, hfIcmpv6Reserved, off + 4, 2, top);
    addField(d, hfIcmpv6MldrRecords, off + 6, 2, top);
  }
  d.protocol = 'ICMPv6';
  if (ctx.wantInfo) d.info = info;
}

addUint(ipProtoTable, IP_PROTO_ICMPV6, registerDissector('icmpv6', 'Internet Control Message Protocol v6', (d, data, off, end, rep, parent, ctx) => {
  dissectIcmpv6(d, data, off, end, rep, parent, ctx);
  return true;
}));
