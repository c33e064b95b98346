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
import { dissectIpv4 } from './ipv4.ts';
import { dissectIpv6 } from './ipv6.ts';
import { dissectData } from './link.ts';
import { dissectEthertype } from './ethernet.ts';

export const hfNull = defineProtocol('null', 'Null/Loopback');
export const hfNullFamily = defineField({
  name: 'null.family', type: 'uint', description: 'Family', bits: 32,
  values: { 2: 'IP', 10: 'IPv6 (Linux)', 24: 'IPv6 (BSD)', 28: 'IPv6 (FreeBSD)', 30: 'IPv6 (macOS)' },
});
export const hfNullType = defineField({ name: 'null.type', type: 'uint', description: 'Type', base: 'hex', bits: 16 });

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

export function dissectNull(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext, networkOrder: boolean): void {
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
  switch (family) {
    case 2:
      dissectIpv4(d, data, off + 4, end, rep - 4, parent, ctx);
      return;
    case 10:
    case 24:
    case 28:
    case 30:
      dissectIpv6(d, data, off + 4, end, rep - 4, parent, ctx);
      return;
    default:
      dissectData(d, off + 4, end, parent, ctx);
  }
}
