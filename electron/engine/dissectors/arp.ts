/**
 * ARP (RFC 826) for Ethernet/IPv4; other hardware/protocol pairs show the header only.
 * Field names and Info wording from Wireshark packet-arp.c.
 */
import { defineField, defineProtocol } from '../fields/registry.ts';
import { addField, markMalformed, type Dissection } from './dissection.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { u16, u32 } from '../bytes/cursor.ts';
import { formatIpv4, hex } from '../fields/format.ts';
import { ETHERTYPE_ARP } from './ethernet.ts';
import { addUint, ethertypeTable, registerDissector } from './table.ts';

export const hfArp = defineProtocol('arp', 'Address Resolution Protocol');
export const hfArpHwType = defineField({ name: 'arp.hw.type', type: 'uint', description: 'Hardware type', bits: 16, values: { 1: 'Ethernet' } });
export const hfArpProtoType = defineField({ name: 'arp.proto.type', type: 'uint', description: 'Protocol type', base: 'hex', bits: 16, values: { 2048: 'IPv4' } });
export const hfArpHwSize = defineField({ name: 'arp.hw.size', type: 'uint', description: 'Hardware size', bits: 8 });
export const hfArpProtoSize = defineField({ name: 'arp.proto.size', type: 'uint', description: 'Protocol size', bits: 8 });
export const hfArpOpcode = defineField({
  name: 'arp.opcode', type: 'uint', description: 'Opcode', bits: 16,
  values: { 1: 'request', 2: 'reply', 3: 'request-reverse', 4: 'reply-reverse' },
});
export const hfArpIsGratuitous = defineField({ name: 'arp.isgratuitous', type: 'bool', description: 'Is gratuitous' });
export const hfArpIsProbe = defineField({ name: 'arp.isprobe', type: 'bool', description: 'Is probe' });
export const hfArpIsAnnouncement = defineField({ name: 'arp.isannouncement', type: 'bool', description: 'Is announcement' });
export const hfArpSrcHw = defineField({ name: 'arp.src.hw_mac', type: 'ether', description: 'Sender MAC address' });
export const hfArpSrcIp = defineField({ name: 'arp.src.proto_ipv4', type: 'ipv4', description: 'Sender IP address' });
export const hfArpDstHw = defineField({ name: 'arp.dst.hw_mac', type: 'ether', description: 'Target MAC address' });
export const hfArpDstIp = defineField({ name: 'arp.dst.proto_ipv4', type: 'ipv4', description: 'Target IP address' });
export const hfArpSrcHwOther = defineField({ name: 'arp.src.hw', type: 'bytes', description: 'Sender hardware address' });
export const hfArpSrcProtoOther = defineField({ name: 'arp.src.proto', type: 'bytes', description: 'Sender protocol address' });
export const hfArpDstHwOther = defineField({ name: 'arp.dst.hw', type: 'bytes', description: 'Target hardware address' });
export const hfArpDstProtoOther = defineField({ name: 'arp.dst.proto', type: 'bytes', description: 'Target protocol address' });

function dissectArp(d: Dissection, data: Uint8Array, off: number, end: number, parent: number, ctx: PacketContext): void {
  pushLayer(ctx, 'arp');
  d.protocol = 'ARP';
  const top = addField(d, hfArp, off, Math.min(8, Math.max(0, end - off)), parent);
  if (end - off < 8) {
    markMalformed(d, top, `ARP: header truncated at byte ${off} (${Math.max(0, end - off)} of 8 bytes)`);
    return;
  }
  addField(d, hfArpHwType, off, 2, top);
  addField(d, hfArpProtoType, off + 2, 2, top);
  addField(d, hfArpHwSize, off + 4, 1, top);
  addField(d, hfArpProtoSize, off + 5, 1, top);
  const hln = data[off + 4];
  const pln = data[off + 5];
  const op = u16(data, off + 6);
  const total = 8 + 2 * hln + 2 * pln;
  d.len[top] = Math.min(total, end - off);
  const ethIp = u16(data, off) === 1 && u16(data, off + 2) === 0x0800 && hln === 6 && pln === 4;
  if (end - off < total) {
    addField(d, hfArpOpcode, off + 6, 2, top);
    markMalformed(d, top, `ARP: addresses truncated at byte ${off + 8} (${end - off - 8} of ${total - 8} bytes)`);
    return;
  }
  const sha = off + 8;
  const spa = sha + hln;
  const tha = spa + pln;
  const tpa = tha + hln;
  const sIp = ethIp ? u32(data, spa) : 0;
  const tIp = ethIp ? u32(data, tpa) : 0;
  // RFC 5227: a probe has an all-zero sender IP; an announcement has sender IP = target IP.
  let tMacZero = true;
  for (let k = 0; k < hln; k++) if (data[tha + k] !== 0) tMacZero = false;
  const gratuitous = ethIp && sIp === tIp && sIp !== 0;
  const probe = ethIp && op === 1 && sIp === 0 && tMacZero;
  const announcement = ethIp && op === 1 && gratuitous && tMacZero;
  if (gratuitous || probe || announcement) {
    addField(d, hfArpIsGratuitous, off, 0, top, gratuitous);
    addField(d, hfArpIsProbe, off, 0, top, probe);
    addField(d, hfArpIsAnnouncement, off, 0, top, announcement);
  }
  addField(d, hfArpOpcode, off + 6, 2, top);
  if (ethIp) {
    addField(d, hfArpSrcHw, sha, 6, top);
    addField(d, hfArpSrcIp, spa, 4, top);
    addField(d, hfArpDstHw, tha, 6, top);
    addField(d, hfArpDstIp, tpa, 4, top);
  } else {
    addField(d, hfArpSrcHwOther, sha, hln, top);
    addField(d, hfArpSrcProtoOther, spa, pln, top);
    addField(d, hfArpDstHwOther, tha, hln, top);
    addField(d, hfArpDstProtoOther, tpa, pln, top);
  }
  if (!ctx.wantInfo) return;
  if (!ethIp) {
    d.info = op === 1 ? 'ARP request' : op === 2 ? 'ARP reply' : `ARP opcode ${op}`;
    return;
  }
  const s = formatIpv4(sIp);
  const t = formatIpv4(tIp);
  if (op === 1) {
    if (announcement) d.info = `ARP Announcement for ${s}`;
    else if (gratuitous) d.info = `Gratuitous ARP for ${s} (Request)`;
    else if (probe) d.info = `Who has ${t}? (ARP Probe)`;
    else d.info = `Who has ${t}? Tell ${s}`;
  } else if (op === 2) {
    const mac = hex(data.subarray(sha, sha + 6), ':');
    d.info = gratuitous ? `Gratuitous ARP for ${s} (Reply)` : `${s} is at ${mac}`;
  } else {
    d.info = `ARP opcode ${op}`;
  }
}

addUint(ethertypeTable, ETHERTYPE_ARP, registerDissector('arp', 'Address Resolution Protocol', (d, data, off, end, _rep, parent, ctx) => {
  dissectArp(d, data, off, end, parent, ctx);
  return true;
}));
