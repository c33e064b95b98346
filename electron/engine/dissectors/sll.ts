/**
 * Linux "cooked" capture headers: SLL (LINKTYPE_LINUX_SLL 113, 16 bytes) and SLL2
 * (LINKTYPE_LINUX_SLL2 276, 20 bytes). Layouts from tcpdump.org/linktypes/LINKTYPE_LINUX_SLL(2).html;
 * field names from Wireshark packet-sll.c.
 */
import { defineField, defineProtocol } from '../fields/registry.ts';
import { addField, markMalformed, type Dissection } from './dissection.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { u16 } from '../bytes/cursor.ts';
import { dissectEthertype } from './ethernet.ts';
import { dissectData } from './data.ts';
import { LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2 } from './link.ts';
import { addUint, linkTypeTable, registerDissector } from './table.ts';

export const hfSll = defineProtocol('sll', 'Linux cooked capture');
export const hfSllPkttype = defineField({
  name: 'sll.pkttype', type: 'uint', description: 'Packet type', bits: 16,
  values: { 0: 'Unicast to us', 1: 'Broadcast', 2: 'Multicast', 3: 'Unicast to another host', 4: 'Sent by us' },
});
export const hfSllHatype = defineField({ name: 'sll.hatype', type: 'uint', description: 'Link-layer address type', bits: 16 });
export const hfSllHalen = defineField({ name: 'sll.halen', type: 'uint', description: 'Link-layer address length', bits: 16 });
export const hfSllSrcEth = defineField({ name: 'sll.src.eth', type: 'ether', description: 'Source' });
export const hfSllSrcOther = defineField({ name: 'sll.src.other', type: 'bytes', description: 'Source' });
export const hfSllUnused = defineField({ name: 'sll.unused', type: 'bytes', description: 'Unused' });
export const hfSllEtype = defineField({ name: 'sll.etype', type: 'uint', description: 'Protocol', base: 'hex', bits: 16 });
export const hfSllLtype = defineField({ name: 'sll.ltype', type: 'uint', description: 'Protocol', base: 'hex', bits: 16 });
export const hfSllIfindex = defineField({ name: 'sll.ifindex', type: 'uint', description: 'Interface index', bits: 32 });
export const hfSllReserved = defineField({ name: 'sll.reserved', type: 'bytes', description: 'Reserved' });

// ARPHRD_ETHER / ARPHRD_LOOPBACK (linux/if_arp.h): 6-byte MAC source addresses.
const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;

function addSource(d: Dissection, hatype: number, halen: number, off: number, top: number, ctx: PacketContext): void {
  const n = Math.min(halen, 8);
  if ((hatype === ARPHRD_ETHER || hatype === ARPHRD_LOOPBACK) && halen === 6) {
    addField(d, hfSllSrcEth, off, 6, top);
    if (ctx.sumDlSrc < 0) ctx.sumDlSrc = off;
    addField(d, hfSllUnused, off + 6, 2, top);
  } else if (n > 0) {
    addField(d, hfSllSrcOther, off, n, top);
    if (n < 8) addField(d, hfSllUnused, off + n, 8 - n, top);
  } else {
    addField(d, hfSllUnused, off, 8, top);
  }
}

function payload(d: Dissection, data: Uint8Array, proto: number, protoOff: number, off: number, end: number, rep: number, top: number, parent: number, ctx: PacketContext): void {
  if (proto >= 0x0600) {
    addField(d, hfSllEtype, protoOff, 2, top);
    dissectEthertype(d, data, proto, off, end, rep, parent, ctx);
  } else {
    // Linux protocol numbers below 1536 (ETH_P_802_3, ETH_P_802_2, …): not dissected here.
    addField(d, hfSllLtype, protoOff, 2, top);
    dissectData(d, off, end, parent, ctx);
  }
}

function dissectSll(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): boolean {
  pushLayer(ctx, 'sll');
  d.protocol = 'SLL';
  const top = addField(d, hfSll, off, Math.min(16, end - off), parent);
  if (end - off < 16) {
    markMalformed(d, top, `SLL: header truncated at byte ${off} (${end - off} of 16 bytes)`);
    return true;
  }
  addField(d, hfSllPkttype, off, 2, top);
  addField(d, hfSllHatype, off + 2, 2, top);
  addField(d, hfSllHalen, off + 4, 2, top);
  addSource(d, u16(data, off + 2), u16(data, off + 4), off + 6, top, ctx);
  payload(d, data, u16(data, off + 14), off + 14, off + 16, end, rep - 16, top, parent, ctx);
  return true;
}

function dissectSll2(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): boolean {
  pushLayer(ctx, 'sll');
  d.protocol = 'SLL';
  const top = addField(d, hfSll, off, Math.min(20, end - off), parent);
  if (end - off < 20) {
    markMalformed(d, top, `SLL2: header truncated at byte ${off} (${end - off} of 20 bytes)`);
    return true;
  }
  const proto = u16(data, off);
  addField(d, hfSllReserved, off + 2, 2, top);
  addField(d, hfSllIfindex, off + 4, 4, top);
  addField(d, hfSllHatype, off + 8, 2, top);
  addField(d, hfSllPkttype, off + 10, 1, top, data[off + 10]);
  addField(d, hfSllHalen, off + 11, 1, top, data[off + 11]);
  addSource(d, u16(data, off + 8), data[off + 11], off + 12, top, ctx);
  payload(d, data, proto, off, off + 20, end, rep - 20, top, parent, ctx);
  return true;
}

addUint(linkTypeTable, LINKTYPE_LINUX_SLL, registerDissector('sll', 'Linux cooked capture', dissectSll));
addUint(linkTypeTable, LINKTYPE_LINUX_SLL2, registerDissector('sll2', 'Linux cooked capture v2', dissectSll2));
