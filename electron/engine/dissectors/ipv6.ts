/**
 * IPv6 (RFC 8200) with extension headers: Hop-by-Hop (0), Routing (43), Fragment (44),
 * Destination Options (60) — RFC 8200 §4. Fragments are reassembled (ip-reassembly.ts).
 * Field and protocol names from Wireshark packet-ipv6.c.
 */
import { defineField, defineProtocol } from '../fields/registry.ts';
import { addField, markMalformed, type Dissection } from './dissection.ts';
import { noteNetAddresses, pushLayer, type PacketContext } from './context.ts';
import { u16, u32 } from '../bytes/cursor.ts';
import { dissectData } from './data.ts';
import { ETHERTYPE_IPV6 } from './ethernet.ts';
import { hfIpVersion } from './ipv4.ts';
import { addFragment, fragmentKey, fragmentStoreOf, reassembledAt } from './ip-reassembly.ts';
import { dissectReassembled, type ReassemblyFields } from './ip-reassembled.ts';
import { LINKTYPE_IPV6 } from './link.ts';
import {
  dissectIpPayload, IP_PROTO_DSTOPTS, IP_PROTO_FRAGMENT, IP_PROTO_HOPOPTS, IP_PROTO_IPV6, IP_PROTO_NAMES, IP_PROTO_NONE, IP_PROTO_ROUTING,
} from './ip-proto.ts';
import { addUint, ethertypeTable, ipProtoTable, linkTypeTable, registerDissector } from './table.ts';

export const hfIpv6 = defineProtocol('ipv6', 'Internet Protocol Version 6');
export const hfIpv6Version = defineField({ name: 'ipv6.version', type: 'uint', description: 'Version', bits: 8, mask: 0xf0 });
export const hfIpv6Tclass = defineField({ name: 'ipv6.tclass', type: 'uint', description: 'Traffic Class', base: 'hex', bits: 32, mask: 0x0ff00000 });
export const hfIpv6Dscp = defineField({ name: 'ipv6.tclass.dscp', type: 'uint', description: 'Differentiated Services Codepoint', bits: 32, mask: 0x0fc00000 });
export const hfIpv6Ecn = defineField({ name: 'ipv6.tclass.ecn', type: 'uint', description: 'Explicit Congestion Notification', bits: 32, mask: 0x00300000 });
export const hfIpv6Flow = defineField({ name: 'ipv6.flow', type: 'uint', description: 'Flow Label', base: 'hex', bits: 24, mask: 0x0fffff });
export const hfIpv6Plen = defineField({ name: 'ipv6.plen', type: 'uint', description: 'Payload Length', bits: 16 });
export const hfIpv6Nxt = defineField({ name: 'ipv6.nxt', type: 'uint', description: 'Next Header', bits: 8, values: IP_PROTO_NAMES });
export const hfIpv6Hlim = defineField({ name: 'ipv6.hlim', type: 'uint', description: 'Hop Limit', bits: 8 });
export const hfIpv6Src = defineField({ name: 'ipv6.src', type: 'ipv6', description: 'Source Address' });
export const hfIpv6Dst = defineField({ name: 'ipv6.dst', type: 'ipv6', description: 'Destination Address' });
export const hfIpv6Addr = defineField({ name: 'ipv6.addr', type: 'ipv6', description: 'Source or Destination Address', multi: true });

export const hfHopopts = defineProtocol('ipv6.hopopts', 'IPv6 Hop-by-Hop Option');
export const hfHopoptsNxt = defineField({ name: 'ipv6.hopopts.nxt', type: 'uint', description: 'Next Header', bits: 8 });
export const hfHopoptsLen = defineField({ name: 'ipv6.hopopts.len', type: 'uint', description: 'Length', bits: 8 });
export const hfHopoptsLenOct = defineField({ name: 'ipv6.hopopts.len_oct', type: 'uint', description: 'Length', bits: 16 });
export const hfDstopts = defineProtocol('ipv6.dstopts', 'Destination Options for IPv6');
export const hfDstoptsNxt = defineField({ name: 'ipv6.dstopts.nxt', type: 'uint', description: 'Next Header', bits: 8 });
export const hfDstoptsLen = defineField({ name: 'ipv6.dstopts.len', type: 'uint', description: 'Length', bits: 8 });
export const hfDstoptsLenOct = defineField({ name: 'ipv6.dstopts.len_oct', type: 'uint', description: 'Length', bits: 16 });
export const hfIpv6Opt = defineField({ name: 'ipv6.opt', type: 'none', description: 'IPv6 Option', multi: true });
export const hfIpv6OptType = defineField({
  name: 'ipv6.opt.type', type: 'uint', description: 'Type', base: 'hex', bits: 8, multi: true,
  values: { 0: 'Pad1', 1: 'PadN', 5: 'Router Alert', 194: 'Jumbo Payload' },
});
export const hfIpv6OptLength = defineField({ name: 'ipv6.opt.length', type: 'uint', description: 'Length', bits: 8, multi: true });
export const hfIpv6OptPadn = defineField({ name: 'ipv6.opt.padn', type: 'bytes', description: 'PadN' });
export const hfIpv6OptRouterAlert = defineField({ name: 'ipv6.opt.router_alert', type: 'uint', description: 'Router Alert', bits: 16 });
export const hfRouting = defineProtocol('ipv6.routing', 'Routing Header for IPv6');
export const hfRoutingNxt = defineField({ name: 'ipv6.routing.nxt', type: 'uint', description: 'Next Header', bits: 8 });
export const hfRoutingLen = defineField({ name: 'ipv6.routing.len', type: 'uint', description: 'Length', bits: 8 });
export const hfRoutingLenOct = defineField({ name: 'ipv6.routing.len_oct', type: 'uint', description: 'Length', bits: 16 });
export const hfRoutingType = defineField({ name: 'ipv6.routing.type', type: 'uint', description: 'Type', bits: 8 });
export const hfRoutingSegleft = defineField({ name: 'ipv6.routing.segleft', type: 'uint', description: 'Segments Left', bits: 8 });
export const hfRoutingData = defineField({ name: 'ipv6.routing.unknown_data', type: 'bytes', description: 'Type-Specific Data' });
export const hfFraghdr = defineProtocol('ipv6.fraghdr', 'Fragment Header for IPv6');
export const hfFragNxt = defineField({ name: 'ipv6.fraghdr.nxt', type: 'uint', description: 'Next header', bits: 8 });
export const hfFragReservedOctet = defineField({ name: 'ipv6.fraghdr.reserved_octet', type: 'uint', description: 'Reserved octet', base: 'hex', bits: 8 });
export const hfFragOffset = defineField({ name: 'ipv6.fraghdr.offset', type: 'uint', description: 'Offset', bits: 16, mask: 0xfff8 });
export const hfFragReservedBits = defineField({ name: 'ipv6.fraghdr.reserved_bits', type: 'uint', description: 'Reserved bits', bits: 16, mask: 0x0006 });
export const hfFragMore = defineField({ name: 'ipv6.fraghdr.more', type: 'bool', description: 'More Fragments', bits: 16, mask: 0x0001 });
export const hfFragIdent = defineField({ name: 'ipv6.fraghdr.ident', type: 'uint', description: 'Identification', base: 'hex', bits: 32 });

export const hfIpv6Fragments = defineField({ name: 'ipv6.fragments', type: 'none', description: 'IPv6 Fragments' });
export const hfIpv6Fragment = defineField({ name: 'ipv6.fragment', type: 'framenum', description: 'IPv6 Fragment', multi: true });
export const hfIpv6FragmentOverlap = defineField({ name: 'ipv6.fragment.overlap', type: 'bool', description: 'Fragment overlap', multi: true });
export const hfIpv6FragmentConflict = defineField({ name: 'ipv6.fragment.overlap.conflict', type: 'bool', description: 'Conflicting data in fragment overlap', multi: true });
export const hfIpv6FragmentCount = defineField({ name: 'ipv6.fragment.count', type: 'uint', description: 'Fragment count', bits: 32 });
export const hfIpv6ReassembledLength = defineField({ name: 'ipv6.reassembled.length', type: 'uint', description: 'Reassembled IPv6 length', bits: 32 });
export const hfIpv6ReassembledData = defineField({ name: 'ipv6.reassembled.data', type: 'bytes', description: 'Reassembled IPv6 data' });

const REASSEMBLED_V6: ReassemblyFields = {
  source: 'Reassembled IPv6', version: 'IPv6', fragments: hfIpv6Fragments, fragment: hfIpv6Fragment, overlap: hfIpv6FragmentOverlap,
  conflict: hfIpv6FragmentConflict, count: hfIpv6FragmentCount, length: hfIpv6ReassembledLength, data: hfIpv6ReassembledData,
};

const NH_HOPOPTS = IP_PROTO_HOPOPTS;
const NH_ROUTING = IP_PROTO_ROUTING;
const NH_FRAGMENT = IP_PROTO_FRAGMENT;
const NH_NONE = IP_PROTO_NONE;
const NH_DSTOPTS = IP_PROTO_DSTOPTS;

/** TLV options of Hop-by-Hop / Destination Options headers (RFC 8200 §4.2). */
function dissectTlvOptions(d: Dissection, data: Uint8Array, off: number, end: number, parent: number): void {
  let p = off;
  while (p < end) {
    const type = data[p];
    if (type === 0) {
      const o = addField(d, hfIpv6Opt, p, 1, parent);
      addField(d, hfIpv6OptType, p, 1, o);
      p++;
      continue;
    }
    if (p + 2 > end) {
      markMalformed(d, parent, `IPv6: option ${type} at byte ${p} has no length byte`);
      return;
    }
    const len = data[p + 1];
    const o = addField(d, hfIpv6Opt, p, Math.min(2 + len, end - p), parent);
    addField(d, hfIpv6OptType, p, 1, o);
    addField(d, hfIpv6OptLength, p + 1, 1, o);
    if (p + 2 + len > end) {
      markMalformed(d, o, `IPv6: option ${type} at byte ${p} overruns its header (length ${len})`);
      return;
    }
    if (type === 1) addField(d, hfIpv6OptPadn, p + 2, len, o);
    else if (type === 5 && len === 2) addField(d, hfIpv6OptRouterAlert, p + 2, 2, o);
    p += 2 + len;
  }
}

function dissectIpv6(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): boolean {
  // IP in IP, ICMP errors quoting IP and IPv6 in IP nest: bounded (16 is far beyond real tunnels).
  if (ctx.depth++ > 16) {
    markMalformed(d, parent, `IP: too many nested headers at byte ${off}`);
    return true;
  }
  pushLayer(ctx, 'ipv6');
  d.protocol = 'IPv6';
  const avail = end - off;
  const top = addField(d, hfIpv6, off, Math.min(40, Math.max(0, avail)), parent);
  if (avail < 40) {
    if (avail >= 1) addField(d, hfIpv6Version, off, 1, top);
    markMalformed(d, top, `IPv6: header truncated at byte ${off} (${Math.max(0, avail)} of 40 bytes)`);
    return true;
  }
  addField(d, hfIpv6Version, off, 1, top);
  // packet-ipv6.c also adds the version as ip.version, so `ip.version == 6` selects IPv6.
  addField(d, hfIpVersion, off, 1, top);
  const tc = addField(d, hfIpv6Tclass, off, 4, top);
  addField(d, hfIpv6Dscp, off, 4, tc);
  addField(d, hfIpv6Ecn, off, 4, tc);
  addField(d, hfIpv6Flow, off + 1, 3, top, u32(data, off) & 0xfffff);
  let plen = u16(data, off + 4);
  addField(d, hfIpv6Plen, off + 4, 2, top);
  let nxt = data[off + 6];
  addField(d, hfIpv6Nxt, off + 6, 1, top);
  ctx.ttl = data[off + 7];
  addField(d, hfIpv6Hlim, off + 7, 1, top);
  const src = addField(d, hfIpv6Src, off + 8, 16, top);
  addField(d, hfIpv6Addr, off + 8, 16, src);
  const dst = addField(d, hfIpv6Dst, off + 24, 16, top);
  addField(d, hfIpv6Addr, off + 24, 16, dst);
  noteNetAddresses(ctx, off + 8, off + 24, 16);
  ctx.srcOff = off + 8;
  ctx.dstOff = off + 24;
  ctx.addrLen = 16;
  ctx.fragmented = false;
  // Jumbograms (plen 0 with a Jumbo Payload option) and TSO: use what the frame reports.
  if (plen === 0) plen = rep - 40;
  const limit = off + 40 + Math.min(plen, rep - 40);
  const payEnd = Math.min(end, limit);
  let p = off + 40;
  let repLeft = Math.min(plen, rep - 40);
  for (let n = 0; n < 16; n++) {
    if (nxt !== NH_HOPOPTS && nxt !== NH_ROUTING && nxt !== NH_FRAGMENT && nxt !== NH_DSTOPTS) break;
    if (payEnd - p < (nxt === NH_FRAGMENT ? 8 : 2)) {
      markMalformed(d, top, `IPv6: extension header ${nxt} truncated at byte ${p}`);
      return true;
    }
    const next = data[p];
    if (nxt === NH_FRAGMENT) {
      pushLayer(ctx, 'ipv6.fraghdr');
      const h = addField(d, hfFraghdr, p, 8, top);
      addField(d, hfFragNxt, p, 1, h);
      addField(d, hfFragReservedOctet, p + 1, 1, h);
      addField(d, hfFragOffset, p + 2, 2, h);
      addField(d, hfFragReservedBits, p + 2, 2, h);
      addField(d, hfFragMore, p + 2, 2, h);
      addField(d, hfFragIdent, p + 4, 4, h);
      const word = u16(data, p + 2);
      p += 8;
      repLeft -= 8;
      nxt = next;
      if ((word & 0xfff8) !== 0 || (word & 1) !== 0) {
        // Reassembled as packet-ipv6.c does: a fragment captured whole, outside ICMP errors.
        if (!ctx.inError && repLeft > 0 && payEnd - p === repLeft) {
          const store = fragmentStoreOf(ctx.conv);
          const key = fragmentKey(data, off + 8, off + 24, 16, u32(data, p - 4), 0);
          const r = ctx.firstPass
            ? addFragment(store, key, ctx.frame, word & 0xfff8, (word & 1) !== 0, next, data, p, payEnd, off + 8, off + 24, 16)
            : reassembledAt(store, ctx.frame, key);
          if (r !== undefined) {
            dissectReassembled(d, r, REASSEMBLED_V6, top, parent, ctx);
            return true;
          }
        }
        ctx.fragmented = true;
        dissectData(d, p, payEnd, top, ctx);
        if (ctx.wantInfo) d.info = `IPv6 fragment (off=${(word & 0xfff8)} more=${(word & 1) !== 0 ? 'y' : 'n'} ident=0x${u32(data, p - 4).toString(16).padStart(8, '0')} nxt=${next})`;
        return true;
      }
      continue;
    }
    const len = (data[p + 1] + 1) * 8;
    if (p + len > payEnd) {
      markMalformed(d, top, `IPv6: extension header ${nxt} at byte ${p} overruns the packet (length ${len})`);
      return true;
    }
    if (nxt === NH_ROUTING) {
      pushLayer(ctx, 'ipv6.routing');
      const h = addField(d, hfRouting, p, len, top);
      addField(d, hfRoutingNxt, p, 1, h);
      addField(d, hfRoutingLen, p + 1, 1, h);
      addField(d, hfRoutingLenOct, p + 1, 1, h, len);
      addField(d, hfRoutingType, p + 2, 1, h);
      addField(d, hfRoutingSegleft, p + 3, 1, h);
      if (len > 4) addField(d, hfRoutingData, p + 4, len - 4, h);
    } else {
      const hop = nxt === NH_HOPOPTS;
      pushLayer(ctx, hop ? 'ipv6.hopopts' : 'ipv6.dstopts');
      const h = addField(d, hop ? hfHopopts : hfDstopts, p, len, top);
      addField(d, hop ? hfHopoptsNxt : hfDstoptsNxt, p, 1, h);
      addField(d, hop ? hfHopoptsLen : hfDstoptsLen, p + 1, 1, h);
      addField(d, hop ? hfHopoptsLenOct : hfDstoptsLenOct, p + 1, 1, h, len);
      dissectTlvOptions(d, data, p + 2, p + len, h);
    }
    p += len;
    repLeft -= len;
    nxt = next;
  }
  if (nxt === NH_NONE) return true;
  dissectIpPayload(d, data, nxt, p, payEnd, repLeft, parent, ctx);
  return true;
}

const ipv6Handle = registerDissector('ipv6', 'Internet Protocol Version 6', dissectIpv6);
addUint(linkTypeTable, LINKTYPE_IPV6, ipv6Handle);
addUint(ethertypeTable, ETHERTYPE_IPV6, ipv6Handle);
// IPv6 in IP (RFC 2473, RFC 4213); the nesting is bounded in the dissector.
addUint(ipProtoTable, IP_PROTO_IPV6, ipv6Handle);
