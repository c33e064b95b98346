/**
 * BSD loopback encapsulation: LINKTYPE_NULL (0; 4-byte AF_ value in the capturing host's byte
 * order) and LINKTYPE_LOOP (108; network byte order). AF_ values from
 * tcpdump.org/linktypes/LINKTYPE_NULL.html: 2 = IPv4; 24, 28, 30 = IPv6 (BSDs, macOS);
 * 10 = IPv6 (Linux). Field names from Wireshark packet-null.c.
 */
import { defineField, defineProtocol } from '../fields/registry.ts';
import { addField, markMalformed, type Dissection } from './dissection.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { u32 } from '../bytes/cursor.ts';
import { dissectData } from './data.ts';
import { dissectEthertype } from './ethernet.ts';
import { LINKTYPE_LOOP, LINKTYPE_NULL } from './link.ts';
import { addUint, findDissector, linkTypeTable, registerDissector } from './table.ts';

export const hfNull = defineProtocol('null', 'Null/Loopback');
export const hfNullFamily = defineField({
  name: 'null.family', type: 'uint', description: 'Family', bits: 32,
  values: { 2: 'IP', 10: 'IPv6 (Linux)', 24: 'IPv6 (BSD)', 28: 'IPv6 (FreeBSD)', 30: 'IPv6 (macOS)' },
});
export const hfNullType = defineField({ name: 'null.type', type: 'uint', description: 'Type', base: 'hex', bits: 16 });

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

function dissectNull(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext, networkOrder: boolean): void {
  pushLayer(ctx, 'null');
  d.protocol = 'NULL';
  const top = addField(d, hfNull, off, Math.min(4, end - off), parent);
  if (end - off < 4) {
    markMalformed(d, top, `Null/Loopback: header truncated at byte ${off} (${end - off} of 4 bytes)`);
    return;
  }
  const be = u32(data, off);
  // Host byte order is unknown for LINKTYPE_NULL: AF values are small, so whichever reading
  // keeps the value below 2^16 is the right one (as packet-null.c does).
  let family = be;
  if (!networkOrder && (be & 0xffff0000) !== 0) family = swap32(be);
  if ((family & 0xffff0000) === 0 && family > 0xff && family >= 0x0600) {
    // Some old captures put an EtherType in the upper half instead of an AF value.
    addField(d, hfNullType, off, 4, top, family);
    dissectEthertype(d, data, family, off + 4, end, rep - 4, parent, ctx);
    return;
  }
  addField(d, hfNullFamily, off, 4, top, family);
  // AF_INET, and AF_INET6 as Linux, the BSDs and macOS number it.
  const h = family === 2 ? findDissector('ip') : family === 10 || family === 24 || family === 28 || family === 30 ? findDissector('ipv6') : undefined;
  if (h === undefined || !h.dissect(d, data, off + 4, end, rep - 4, parent, ctx)) dissectData(d, off + 4, end, parent, ctx);
}

const nullHandle = registerDissector('null', 'Null/Loopback', (d, data, off, end, rep, parent, ctx) => {
  dissectNull(d, data, off, end, rep, parent, ctx, false);
  return true;
});
// LINKTYPE_LOOP is the same header with the AF value in network byte order.
const loopHandle = registerDissector('loop', 'OpenBSD loopback', (d, data, off, end, rep, parent, ctx) => {
  dissectNull(d, data, off, end, rep, parent, ctx, true);
  return true;
});
addUint(linkTypeTable, LINKTYPE_NULL, nullHandle);
addUint(linkTypeTable, LINKTYPE_LOOP, loopHandle);
