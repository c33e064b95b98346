/**
 * Dispatch on the pcap/pcapng link type (LINKTYPE_* values from tcpdump.org/linktypes.html).
 * Unknown link types leave the frame undissected with its bytes as `data`.
 */
import { addField, type Dissection } from './dissection.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { dissectEthernet } from './ethernet.ts';
import { dissectSll, dissectSll2 } from './sll.ts';
import { dissectNull } from './null-loopback.ts';
import { dissectIpv4 } from './ipv4.ts';
import { dissectIpv6 } from './ipv6.ts';
import { defineField, defineProtocol } from '../fields/registry.ts';

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
export const hfData = defineProtocol('data', 'Data');
export const hfDataData = defineField({ name: 'data.data', type: 'bytes', description: 'Data' });
export const hfDataLen = defineField({ name: 'data.len', type: 'uint', description: 'Length', bits: 32 });

/** Undissected bytes, as Wireshark's `data` protocol. */
export function dissectData(d: Dissection, off: number, end: number, parent: number, ctx: PacketContext): void {
  if (end <= off) return;
  pushLayer(ctx, 'data');
  if (d.summary) return; // the index pass records no fields
  const top = addField(d, hfData, off, end - off, parent);
  addField(d, hfDataData, off, end - off, top);
  addField(d, hfDataLen, off, 0, top, end - off);
}

/** IP by its version nibble (raw IP link types). */
function dissectRawIp(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): void {
  if (off >= end) return;
  const v = data[off] >> 4;
  if (v === 4) dissectIpv4(d, data, off, end, rep, parent, ctx);
  else if (v === 6) dissectIpv6(d, data, off, end, rep, parent, ctx);
  else dissectData(d, off, end, parent, ctx);
}

/** Dissect from the link layer up: the frame is data[start, end); `rep` is its reported (on-the-wire) length. */
export function dissectLink(d: Dissection, data: Uint8Array, linkType: number, rep: number, parent: number, ctx: PacketContext, start = 0, end = data.length): void {
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      dissectEthernet(d, data, start, end, rep, parent, ctx);
      return;
    case LINKTYPE_NULL:
      dissectNull(d, data, start, end, rep, parent, ctx, false);
      return;
    case LINKTYPE_LOOP:
      dissectNull(d, data, start, end, rep, parent, ctx, true);
      return;
    case LINKTYPE_LINUX_SLL:
      dissectSll(d, data, start, end, rep, parent, ctx);
      return;
    case LINKTYPE_LINUX_SLL2:
      dissectSll2(d, data, start, end, rep, parent, ctx);
      return;
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_OLD12:
    case LINKTYPE_RAW_OLD14: {
      pushLayer(ctx, 'raw');
      const top = addField(d, hfRaw, start, end - start, parent);
      dissectRawIp(d, data, start, end, rep, top, ctx);
      return;
    }
    case LINKTYPE_IPV4:
      dissectIpv4(d, data, start, end, rep, parent, ctx);
      return;
    case LINKTYPE_IPV6:
      dissectIpv6(d, data, start, end, rep, parent, ctx);
      return;
    default:
      dissectData(d, start, end, parent, ctx);
  }
}
