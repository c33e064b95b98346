/**
 * IP protocol numbers and the hand-off of an IP payload (IPv4 Protocol, IPv6 Next Header) to
 * the dissector the ip.proto table names. Numbers: IANA "Assigned Internet Protocol Numbers"
 * (iana.org/assignments/protocol-numbers); the short names are those Wireshark prints
 * (epan/ipproto.c), e.g. in `Protocol: TCP (6)` and the fragment Info text.
 */
import type { Dissection } from './dissection.ts';
import type { PacketContext } from './context.ts';
import { carriesPorts, ipProtoTable } from './table.ts';
import { dissectData } from './data.ts';

export const IP_PROTO_HOPOPTS = 0;
export const IP_PROTO_ICMP = 1;
export const IP_PROTO_IGMP = 2;
export const IP_PROTO_IPIP = 4;
export const IP_PROTO_TCP = 6;
export const IP_PROTO_UDP = 17;
export const IP_PROTO_IPV6 = 41;
export const IP_PROTO_ROUTING = 43;
export const IP_PROTO_FRAGMENT = 44;
export const IP_PROTO_GRE = 47;
export const IP_PROTO_ESP = 50;
export const IP_PROTO_AH = 51;
export const IP_PROTO_ICMPV6 = 58;
export const IP_PROTO_NONE = 59;
export const IP_PROTO_DSTOPTS = 60;
export const IP_PROTO_SCTP = 132;

/** Names by number, for the ip.proto / ipv6.nxt value strings. */
export const IP_PROTO_NAMES: Readonly<Record<number, string>> = {
  [IP_PROTO_HOPOPTS]: 'IPv6 Hop-by-Hop Option',
  [IP_PROTO_ICMP]: 'ICMP',
  [IP_PROTO_IGMP]: 'IGMP',
  [IP_PROTO_IPIP]: 'IPIP',
  [IP_PROTO_TCP]: 'TCP',
  [IP_PROTO_UDP]: 'UDP',
  [IP_PROTO_IPV6]: 'IPv6',
  [IP_PROTO_ROUTING]: 'Routing Header for IPv6',
  [IP_PROTO_FRAGMENT]: 'Fragment Header for IPv6',
  [IP_PROTO_GRE]: 'GRE',
  [IP_PROTO_ESP]: 'ESP',
  [IP_PROTO_AH]: 'AH',
  [IP_PROTO_ICMPV6]: 'ICMPv6',
  [IP_PROTO_NONE]: 'No Next Header for IPv6',
  [IP_PROTO_DSTOPTS]: 'Destination Options for IPv6',
  [IP_PROTO_SCTP]: 'SCTP',
};

/** Hand an IP payload to the ip.proto table's dissector (shared by IPv4, IPv6 and their extension headers). */
export function dissectIpPayload(d: Dissection, data: Uint8Array, proto: number, off: number, end: number, rep: number, parent: number, ctx: PacketContext): void {
  const h = ipProtoTable.current.get(proto);
  if (h === undefined) {
    dissectData(d, off, end, parent, ctx);
    return;
  }
  // A filter on link and network fields needs nothing a transport's ports lead to (see
  // networkLayerProtocols; a tunnel over UDP, e.g. VXLAN, must end this shortcut).
  if (d.networkOnly && carriesPorts(h)) return;
  if (!h.dissect(d, data, off, end, rep, parent, ctx)) dissectData(d, off, end, parent, ctx);
}
