/**
 * UDP (RFC 768) with stream numbers as tshark 4.0 numbers `udp.stream`. Payload dispatch
 * follows packet-udp.c decode_udp_ports: the lower port first, then the higher one, then
 * heuristics (here: the DNS heuristic, which tshark 4.0 enables by default).
 */
import { defineField, defineProtocol } from '../fields/registry.ts';
import { addField, markMalformed, recordsProtocol, type Dissection } from './dissection.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { u16 } from '../bytes/cursor.ts';
import { peekStream, udpFirstPass, udpStreamOf } from '../streams/conversations.ts';
import { dissectData } from './data.ts';
import { IP_PROTO_UDP } from './ip-proto.ts';
import { addUint, callHeuristics, callUint, ipProtoTable, registerDissector, udpPortTable } from './table.ts';

export const hfUdp = defineProtocol('udp', 'User Datagram Protocol');
export const hfUdpSrcport = defineField({ name: 'udp.srcport', type: 'uint', description: 'Source Port', bits: 16 });
export const hfUdpDstport = defineField({ name: 'udp.dstport', type: 'uint', description: 'Destination Port', bits: 16 });
export const hfUdpPort = defineField({ name: 'udp.port', type: 'uint', description: 'Source or Destination Port', bits: 16, multi: true });
export const hfUdpLength = defineField({ name: 'udp.length', type: 'uint', description: 'Length', bits: 16 });
export const hfUdpChecksum = defineField({ name: 'udp.checksum', type: 'uint', description: 'Checksum', base: 'hex', bits: 16 });
export const hfUdpChecksumStatus = defineField({ name: 'udp.checksum.status', type: 'uint', description: 'Checksum Status', bits: 8, values: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present' } });
export const hfUdpStream = defineField({ name: 'udp.stream', type: 'uint', description: 'Stream index', bits: 32 });
export const hfUdpPayload = defineField({ name: 'udp.payload', type: 'bytes', description: 'Payload' });

/**
 * UDP ports that tshark 4.0.17 hands to some dissector by port (`tshark -G decodes`, table
 * udp.port), whether or not that dissector exists here. A datagram on one of these that is not
 * in our udp.port table shows as data and is not tried with the heuristics, because in tshark
 * the port's own dissector gets it first.
 */
const REGISTERED_UDP_PORTS = new Set<number>([
  7, 13, 19, 37, 49, 53, 67, 68, 69, 88, 111, 123, 137, 138, 161, 162, 173, 177, 213, 269, 319, 320, 389, 427, 434, 464,
  473, 496, 500, 502, 513, 514, 520, 521, 524, 525, 539, 546, 547, 573, 623, 631, 646, 654, 664, 698, 699, 701, 750, 853,
  854, 910, 921, 925, 1001, 1044, 1052, 1069, 1089, 1090, 1091, 1101, 1113, 1153, 1194, 1293, 1547, 1628, 1629, 1645, 1646,
  1700, 1701, 1718, 1719, 1745, 1755, 1812, 1813, 1900, 1985, 2029, 2048, 2055, 2067, 2099, 2123, 2152, 2157, 2190, 2221,
  2222, 2231, 2246, 2268, 2269, 2313, 2345, 2424, 2427, 2428, 2727, 2887, 2944, 2945, 2948, 2949, 2960, 3000, 3121, 3130,
  3205, 3222, 3250, 3333, 3343, 3357, 3386, 3389, 3452, 3455, 3478, 3483, 3503, 3540, 3544, 3567, 3622, 3671, 3784, 3785,
  3792, 3799, 3804, 3819, 3863, 3956, 4000, 4011, 4058, 4305, 4306, 4307, 4341, 4342, 4500, 4533, 4534, 4551, 4555, 4556,
  4569, 4665, 4672, 4713, 4729, 4739, 4754, 4784, 4789, 4790, 4791, 4991, 5000, 5001, 5031, 5050, 5060, 5072, 5094, 5246,
  5247, 5264, 5265, 5350, 5351, 5353, 5355, 5404, 5405, 5436, 5555, 5567, 5678, 5683, 5684, 5868, 6060, 6073, 6081, 6084,
  6087, 6118, 6160, 6343, 6543, 6635, 6666, 6696, 6784, 6970, 7000, 7001, 7002, 7003, 7004, 7005, 7006, 7007, 7008, 7009,
  7010, 7021, 7074, 7075, 7255, 7275, 7784, 8000, 8116, 8161, 8200, 8211, 8600, 8611, 8612, 8613, 8614, 8755, 8767, 8805,
  8848, 9003, 9200, 9201, 9202, 9203, 9214, 9600, 9875, 9877, 9899, 9901, 9955, 9956, 9996, 9999, 10253, 10500, 11211,
  11273, 11898, 12000, 12001, 12002, 12003, 12004, 12220, 12222, 12223, 13400, 13819, 13907, 13910, 17220, 17500, 17754,
  17755, 17756, 18246, 19132, 19788, 19948, 19999, 20000, 20561, 22222, 23272, 24576, 24577, 25826, 26000, 27036, 27500,
  27910, 27950, 27951, 27952, 27953, 27960, 27961, 27962, 27963, 30030, 32000, 32512, 34962, 34980, 37008, 41170, 44818,
  45564, 47000, 47808, 49999, 54328, 56000, 56001, 56500, 56501, 57000, 57001, 57032, 57033, 57500, 57501, 57532, 57533,
  59000, 59001, 59032, 59033, 59500, 59501, 59532, 59533, 60001,
]);

/**
 * packet-udp.c decode_udp_ports: the lower port first, then the higher; a port tshark owns
 * but we do not dissect ends the search; then the heuristics, then data.
 */
function dispatch(d: Dissection, data: Uint8Array, sport: number, dport: number, off: number, end: number, rep: number, parent: number, ctx: PacketContext): void {
  const lo = Math.min(sport, dport);
  const hi = Math.max(sport, dport);
  for (let k = 0; k < 2; k++) {
    const port = k === 0 ? lo : hi;
    if (port === 0) continue;
    if (callUint(udpPortTable, port, d, data, off, end, rep, parent, ctx)) return;
    if (REGISTERED_UDP_PORTS.has(port) && !udpPortTable.current.has(port)) {
      dissectData(d, off, end, parent, ctx);
      return;
    }
  }
  if (callHeuristics('udp', d, data, off, end, rep, parent, ctx)) return;
  dissectData(d, off, end, parent, ctx);
}

export function dissectUdp(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): boolean {
  pushLayer(ctx, 'udp');
  d.protocol = 'UDP';
  const avail = end - off;
  const top = addField(d, hfUdp, off, Math.min(8, Math.max(0, avail)), parent);
  if (avail < 8) {
    if (avail >= 4) {
      addField(d, hfUdpSrcport, off, 2, top);
      addField(d, hfUdpDstport, off + 2, 2, top);
    }
    markMalformed(d, top, `UDP: header truncated at byte ${off} (${Math.max(0, avail)} of 8 bytes)`);
    return true;
  }
  const sport = u16(data, off);
  const dport = u16(data, off + 2);
  const len = u16(data, off + 4);
  // The index pass (summary mode) needs only the stream state and the payload dispatch.
  const full = recordsProtocol(d, hfUdp);
  let le = -1;
  if (full) {
    const sp = addField(d, hfUdpSrcport, off, 2, top);
    const dp = addField(d, hfUdpDstport, off + 2, 2, top);
    addField(d, hfUdpPort, off, 2, sp);
    addField(d, hfUdpPort, off + 2, 2, dp);
    le = addField(d, hfUdpLength, off + 4, 2, top);
    addField(d, hfUdpChecksum, off + 6, 2, top);
    addField(d, hfUdpChecksumStatus, off + 6, 0, top, u16(data, off + 6) === 0 ? 3 : 2);
  }

  let stream = -1;
  if (ctx.addrLen !== 0) {
    if (ctx.inError) stream = peekStream(ctx.conv, data, ctx.srcOff, ctx.dstOff, ctx.addrLen, sport, dport, true, ctx.firstPass);
    else if (ctx.firstPass) stream = udpFirstPass(ctx.conv, ctx.frame, data, ctx.srcOff, ctx.dstOff, ctx.addrLen, sport, dport);
    else stream = udpStreamOf(ctx.conv, ctx.frame);
  }
  if (stream >= 0 && full) addField(d, hfUdpStream, off, 0, top, stream);

  let payRep = rep - 8;
  if (!ctx.inError && !ctx.fragmented) {
    if (len < 8) {
      markMalformed(d, le, `UDP: bad length ${len} at byte ${off + 4} (less than the 8-byte header)`);
      if (ctx.wantInfo) d.info = `${sport} \u2192 ${dport} Len=${len}`;
      return true;
    }
    if (len > rep) {
      markMalformed(d, le, `UDP: length ${len} at byte ${off + 4} exceeds the IP payload length ${rep}`);
    } else {
      payRep = len - 8;
    }
  }
  if (ctx.wantInfo) d.info = `${sport} \u2192 ${dport} Len=${payRep}`;
  const payOff = off + 8;
  const payEnd = Math.min(end, payOff + payRep);
  if (payEnd > payOff && full) addField(d, hfUdpPayload, payOff, payEnd - payOff, top);
  // A datagram quoted in an ICMP error is dissected too (packet-udp.c does), from what was quoted.
  if (ctx.inError) payRep = payEnd - payOff;
  if (payRep <= 0) return true;
  dispatch(d, data, sport, dport, payOff, payEnd, payRep, parent, ctx);
  return true;
}

addUint(ipProtoTable, IP_PROTO_UDP, registerDissector('udp', 'User Datagram Protocol', dissectUdp));
