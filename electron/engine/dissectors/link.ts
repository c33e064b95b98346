/**
 * Dispatch on the pcap/pcapng link type (LINKTYPE_* values from tcpdump.org/linktypes.html)
 * through the link_type table, and the raw-IP link types. Unknown link types leave the frame
 * undissected with its bytes as `data`.
 */
import { addField, type Dissection } from './dissection.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { defineProtocol } from '../fields/registry.ts';
import { addUint, callUint, findDissector, linkTypeTable, registerDissector } from './table.ts';
import { dissectData } from './data.ts';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW_OLD12 = 12; // DLT_RAW on some BSDs
export const LINKTYPE_RAW_OLD14 = 14; // DLT_RAW on OpenBSD
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

export const hfRaw = defineProtocol('raw', 'Raw packet data');

// Raw IP carries no type field: the version nibble (RFC 791 §3.1, RFC 8200 §3) picks the handle.

const rawHandle = registerDissector('raw', 'Raw packet data', (d, data, off, end, rep, parent, ctx) => {
  pushLayer(ctx, 'raw');
  const top = addField(d, hfRaw, off, end - off, parent);
  if (off >= end) return true;
  const v = data[off] >> 4;
  const h = v === 4 ? findDissector('ip') : v === 6 ? findDissector('ipv6') : undefined;
  if (h === undefined || !h.dissect(d, data, off, end, rep, top, ctx)) dissectData(d, off, end, top, ctx);
  return true;
});
addUint(linkTypeTable, LINKTYPE_RAW, rawHandle);
addUint(linkTypeTable, LINKTYPE_RAW_OLD12, rawHandle);
addUint(linkTypeTable, LINKTYPE_RAW_OLD14, rawHandle);

/** Dissect from the link layer up: the frame is data[start, end); `rep` is its reported (on-the-wire) length. */
export function dissectLink(d: Dissection, data: Uint8Array, linkType: number, rep: number, parent: number, ctx: PacketContext, start = 0, end = data.length): void {
  if (!callUint(linkTypeTable, linkType, d, data, start, end, rep, parent, ctx)) dissectData(d, start, end, parent, ctx);
}
