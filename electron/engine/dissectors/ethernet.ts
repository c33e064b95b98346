/**
 * Ethernet II (IEEE 802.3 frame with an EtherType), IEEE 802.1Q VLAN tags and 802.1ad service
 * tags (QinQ = an 802.1ad tag over an 802.1Q one; the pre-standard 0x9100 shows as 802.1Q). Field names from Wireshark packet-eth.c / packet-vlan.c.
 */
import { defineField, defineProtocol } from '../fields/registry.ts';
import { addField, markMalformed, setLabel, type Dissection } from './dissection.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { u16 } from '../bytes/cursor.ts';
import { dissectData } from './data.ts';
import { LINKTYPE_ETHERNET } from './link.ts';
import { addUint, callUint, ethertypeTable, linkTypeTable, registerDissector } from './table.ts';

export const hfEth = defineProtocol('eth', 'Ethernet II');
export const hfEthDst = defineField({ name: 'eth.dst', type: 'ether', description: 'Destination' });
export const hfEthSrc = defineField({ name: 'eth.src', type: 'ether', description: 'Source' });
export const hfEthAddr = defineField({ name: 'eth.addr', type: 'ether', description: 'Address', multi: true });
export const hfEthLg = defineField({ name: 'eth.lg', type: 'bool', description: 'LG bit', bits: 24, mask: 0x020000 });
export const hfEthIg = defineField({ name: 'eth.ig', type: 'bool', description: 'IG bit', bits: 24, mask: 0x010000 });
export const hfEthType = defineField({
  name: 'eth.type', type: 'uint', description: 'Type', base: 'hex', bits: 16,
  values: { 2048: 'IPv4', 2054: 'ARP', 34525: 'IPv6', 33024: '802.1Q Virtual LAN', 34984: '802.1ad Provider Bridge (Q-in-Q)' },
});
export const hfEthLen = defineField({ name: 'eth.len', type: 'uint', description: 'Length', bits: 16 });
export const hfEthPadding = defineField({ name: 'eth.padding', type: 'bytes', description: 'Padding' });

export const hfVlan = defineProtocol('vlan', '802.1Q Virtual LAN');
export const hfVlanPriority = defineField({ name: 'vlan.priority', type: 'uint', description: 'Priority', bits: 16, mask: 0xe000 });
export const hfVlanDei = defineField({ name: 'vlan.dei', type: 'bool', description: 'DEI', bits: 16, mask: 0x1000 });
export const hfVlanId = defineField({ name: 'vlan.id', type: 'uint', description: 'ID', bits: 16, mask: 0x0fff });
export const hfVlanEtype = defineField({ name: 'vlan.etype', type: 'uint', description: 'Type', base: 'hex', bits: 16 });

// IEEE 802.1ad service tag (ethertype 0x88a8): its own protocol in Wireshark (packet-ieee8021ah.c),
// whose Type field is named for 802.1ah.
export const hfIeee8021ad = defineProtocol('ieee8021ad', 'IEEE 802.1ad');
export const hfIeee8021adPriority = defineField({ name: 'ieee8021ad.priority', type: 'uint', description: 'Priority', bits: 16, mask: 0xe000 });
export const hfIeee8021adDei = defineField({ name: 'ieee8021ad.dei', type: 'uint', description: 'DEI', bits: 16, mask: 0x1000 });
export const hfIeee8021adId = defineField({ name: 'ieee8021ad.id', type: 'uint', description: 'ID', bits: 16, mask: 0x0fff });
export const hfIeee8021ahEtype = defineField({ name: 'ieee8021ah.etype', type: 'uint', description: 'Type', base: 'hex', bits: 16 });

// EtherTypes (IEEE 802 numbers registry): the keys of the ethertype table.
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_QINQ = 0x88a8;
export const ETHERTYPE_QINQ_OLD = 0x9100;

/**
 * Hand the payload to the protocol the ethertype table names. `rep` is the reported length
 * from `off`. Adds the "ethertype" layer that Wireshark shows in frame.protocols.
 */
export function dissectEthertype(d: Dissection, data: Uint8Array, type: number, off: number, end: number, rep: number, parent: number, ctx: PacketContext): void {
  pushLayer(ctx, 'ethertype');
  if (!callUint(ethertypeTable, type, d, data, off, end, rep, parent, ctx)) dissectData(d, off, end, parent, ctx);
}

function dissectVlan(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): boolean {
  pushLayer(ctx, 'vlan');
  if (ctx.depth++ > 8) {
    markMalformed(d, parent, `VLAN: too many stacked tags at byte ${off}`);
    return true;
  }
  const top = addField(d, hfVlan, off, Math.min(4, end - off), parent);
  if (end - off < 4) {
    markMalformed(d, top, `VLAN: tag truncated at byte ${off} (${end - off} of 4 bytes)`);
    return true;
  }
  if (top >= 0) {
    const tci = u16(data, off);
    setLabel(d, top, `802.1Q Virtual LAN, PRI: ${tci >> 13}, DEI: ${(tci >> 12) & 1}, ID: ${tci & 0x0fff}`);
  }
  addField(d, hfVlanPriority, off, 2, top);
  addField(d, hfVlanDei, off, 2, top);
  addField(d, hfVlanId, off, 2, top);
  const type = u16(data, off + 2);
  addField(d, hfVlanEtype, off + 2, 2, top);
  dissectEthertype(d, data, type, off + 4, end, rep - 4, parent, ctx);
  return true;
}

/** An 802.1ad service tag (IEEE 802.1Q-2018 §9.6: the same TCI layout as a C-tag). */
function dissectIeee8021ad(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): boolean {
  pushLayer(ctx, 'ieee8021ad');
  if (ctx.depth++ > 8) {
    markMalformed(d, parent, `IEEE 802.1ad: too many stacked tags at byte ${off}`);
    return true;
  }
  const top = addField(d, hfIeee8021ad, off, Math.min(4, end - off), parent);
  if (end - off < 4) {
    markMalformed(d, top, `IEEE 802.1ad: tag truncated at byte ${off} (${end - off} of 4 bytes)`);
    return true;
  }
  setLabel(d, top, `IEEE 802.1ad, ID: ${u16(data, off) & 0x0fff}`);
  addField(d, hfIeee8021adPriority, off, 2, top);
  addField(d, hfIeee8021adDei, off, 2, top);
  addField(d, hfIeee8021adId, off, 2, top);
  addField(d, hfIeee8021ahEtype, off + 2, 2, top);
  dissectEthertype(d, data, u16(data, off + 2), off + 4, end, rep - 4, parent, ctx);
  return true;
}

function addMac(d: Dissection, f: typeof hfEthDst, off: number, parent: number, ctx: PacketContext): void {
  if (f === hfEthSrc) {
    if (ctx.sumDlSrc < 0) ctx.sumDlSrc = off;
  } else if (ctx.sumDlDst < 0) {
    ctx.sumDlDst = off;
  }
  // The index pass reads the addresses from the context: no entries.
  if (d.summary) return;
  const e = addField(d, f, off, 6, parent);
  addField(d, hfEthAddr, off, 6, e);
  addField(d, hfEthLg, off, 3, e);
  addField(d, hfEthIg, off, 3, e);
}

function dissectEthernet(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): boolean {
  pushLayer(ctx, 'eth');
  d.protocol = 'Ethernet';
  const top = addField(d, hfEth, off, Math.min(14, end - off), parent);
  if (end - off < 14) {
    if (end - off >= 6) addMac(d, hfEthDst, off, top, ctx);
    if (end - off >= 12) addMac(d, hfEthSrc, off + 6, top, ctx);
    markMalformed(d, top, `Ethernet: header truncated at byte ${off} (${end - off} of 14 bytes)`);
    return true;
  }
  addMac(d, hfEthDst, off, top, ctx);
  addMac(d, hfEthSrc, off + 6, top, ctx);
  const type = u16(data, off + 12);
  if (type <= 1500) {
    // IEEE 802.3 length field: the payload is LLC, which is not dissected here.
    if (!d.summary) addField(d, hfEthLen, off + 12, 2, top);
    dissectData(d, off + 14, Math.min(end, off + 14 + type), parent, ctx);
    return true;
  }
  if (!d.summary) addField(d, hfEthType, off + 12, 2, top);
  dissectEthertype(d, data, type, off + 14, end, rep - 14, parent, ctx);
  return true;
}

const ethHandle = registerDissector('eth', 'Ethernet II', dissectEthernet);
addUint(linkTypeTable, LINKTYPE_ETHERNET, ethHandle);
const vlanHandle = registerDissector('vlan', '802.1Q Virtual LAN', dissectVlan);
addUint(ethertypeTable, ETHERTYPE_VLAN, vlanHandle);
addUint(ethertypeTable, ETHERTYPE_QINQ, registerDissector('ieee8021ad', 'IEEE 802.1ad', dissectIeee8021ad));
addUint(ethertypeTable, ETHERTYPE_QINQ_OLD, vlanHandle);
