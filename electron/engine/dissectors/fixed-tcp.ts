/**
 * The index pass's fast path for the most common frame: Ethernet II → IPv4 without options and
 * not a fragment → TCP (not a SYN, header complete). Header fields are read at fixed offsets
 * straight from the record bytes, and the PacketContext / Dissection summary scratch is left
 * exactly as dissectPacket's summary-mode run (ethernet.ts, ipv4.ts, tcp.ts) would leave it:
 * the same layers, protocol, addresses, TCP summary, conversation state and onTcpSegment call;
 * a payload goes to the same TCP port dispatch. Anything else returns false and the caller
 * dissects the frame generically (test/engine/fixed-tcp.test.ts compares the two indexes).
 *
 * fixedTcpInfo is the revisit's counterpart for the Info column: TCP's own Info of such a frame
 * (any flags) from its header bytes and the conversation table, without a dissection.
 */
import { u16, u32 } from '../bytes/cursor.ts';
import { streamDirOf, tcpFirstPass, tcpRecordSeq, tcpStreamOf, type ConversationTable } from '../streams/conversations.ts';
import { markMalformed, resetDissection, type Dissection } from './dissection.ts';
import { resetPacketContext, pushLayer, noteNetAddresses, type PacketContext } from './context.ts';
import type { FrameMeta } from './frame.ts';
import { LINKTYPE_ETHERNET } from './link.ts';
import { ETHERTYPE_IPV4 } from './ethernet.ts';
import { IP_PROTO_TCP } from './ip-proto.ts';
// A SYN (TH_SYN) is left to the generic path: its window-scale option is read there.
import { dispatchTcpPayload, tcpInfoText, tcpOptionsWellFormed, tcpPayloadIsData, tcpShownNumbers, TH_SYN, type TcpShown } from './tcp.ts';
import { ethertypeTable, ipProtoTable, linkTypeTable, tablesGeneration } from './table.ts';

/** Ethernet II header (IEEE 802.3 §3.1.1: destination, source, EtherType): offsets from the frame start. */
export const ETH = { dst: 0, src: 6, type: 12, hdrLen: 14 };
/** IPv4 header without options (RFC 791 §3.1): offsets from the IP header start. */
export const IPV4 = { verIhl: 0, totalLen: 2, fragWord: 6, ttl: 8, proto: 9, src: 12, dst: 16, hdrLen: 20 };
/** TCP header without options (RFC 9293 §3.1): offsets from the TCP header start. */
export const TCP = { sport: 0, dport: 2, seq: 4, ack: 8, dataOffFlags: 12, window: 14, hdrLen: 20 };

/**
 * The options of nearly every segment after a handshake with timestamps: NOP, NOP, kind 8 length
 * 10 (RFC 7323 Appendix A's layout), well formed without a walk of the option list.
 */
const NOP_NOP_TIMESTAMP = 0x0101080a;

/** RFC 791 §3.1: the MF flag and the 13-bit fragment offset of the flags/fragment word. */
const IP_MF_AND_OFFSET = 0x3fff;

/** Offset of the IPv4 header when data[start, end) is Ethernet II → IPv4 with a 20-byte header; else -1. */
export function ipv4OverEthernet(data: Uint8Array, start: number, end: number): number {
  if (end - start < ETH.hdrLen + IPV4.hdrLen || u16(data, start + ETH.type) !== ETHERTYPE_IPV4) return -1;
  const ip = start + ETH.hdrLen;
  return (data[ip + IPV4.verIhl] & 0x0f) * 4 === IPV4.hdrLen ? ip : -1;
}

/** IPv4 total length; 0 means "unknown" (TSO), which the generic path handles. */
export function ipv4TotalLen(data: Uint8Array, ip: number): number {
  return u16(data, ip + IPV4.totalLen);
}

/** True when the IPv4 header at `ip` is a fragment (MF set or a nonzero offset). */
export function ipv4IsFragment(data: Uint8Array, ip: number): boolean {
  return (u16(data, ip + IPV4.fragWord) & IP_MF_AND_OFFSET) !== 0;
}

/** TCP header length in bytes (data offset × 4). */
export function tcpHeaderLen(data: Uint8Array, tcp: number): number {
  return (data[tcp + TCP.dataOffFlags] >> 4) * 4;
}

/** The 12 TCP flag bits. */
export function tcpFlags(data: Uint8Array, tcp: number): number {
  return u16(data, tcp + TCP.dataOffFlags) & 0x0fff;
}

/** tablesGeneration() when tablesAreDefault last looked, and what it found. */
let checkedGeneration = -1;
let defaultTables = false;

/** The generic dissectors are the ones the link, ethertype and ip.proto tables name (no Decode As over them). */
function tablesAreDefault(): boolean {
  if (checkedGeneration === tablesGeneration()) return defaultTables;
  checkedGeneration = tablesGeneration();
  defaultTables = linkTypeTable.current.get(LINKTYPE_ETHERNET)?.name === 'eth'
    && ethertypeTable.current.get(ETHERTYPE_IPV4)?.name === 'ip'
    && ipProtoTable.current.get(IP_PROTO_TCP)?.name === 'tcp';
  return defaultTables;
}

/**
 * First-pass summary dissection of frame data[start, end) when it has the fixed shape; false
 * (nothing touched) otherwise. `ctx` must be a first-pass context and `d` in summary mode.
 */
export function summarizeFixedTcp(d: Dissection, meta: FrameMeta, data: Uint8Array, ctx: PacketContext, start: number, end: number): boolean {
  if (meta.linkType !== LINKTYPE_ETHERNET || meta.malformed !== undefined || meta.comments !== undefined || meta.process !== undefined) return false;
  if (!d.summary || d.networkOnly || !ctx.firstPass) return false;
  const ip = ipv4OverEthernet(data, start, end);
  if (ip < 0 || ipv4IsFragment(data, ip) || data[ip + IPV4.proto] !== IP_PROTO_TCP) return false;
  const totalLen = ipv4TotalLen(data, ip);
  if (totalLen < IPV4.hdrLen) return false;
  // Reported lengths as dissectLink → Ethernet → IPv4 pass them down.
  const ipRep = Math.max(meta.origLen, end - start) - ETH.hdrLen;
  const ipLen = Math.min(totalLen, ipRep);
  const tcp = ip + IPV4.hdrLen;
  const payEnd = Math.min(end, ip + ipLen);
  const tcpRep = ipLen - IPV4.hdrLen;
  if (payEnd - tcp < TCP.hdrLen) return false;
  const hlen = tcpHeaderLen(data, tcp);
  const flags = tcpFlags(data, tcp);
  if (hlen < TCP.hdrLen || tcp + hlen > payEnd || tcpRep < hlen || (flags & TH_SYN) !== 0) return false;
  if (!tablesAreDefault()) return false;

  resetDissection(d, data);
  resetPacketContext(ctx, meta.number);
  // Ethernet (ethernet.ts dissectEthernet, addMac): destination first, then source.
  pushLayer(ctx, 'eth');
  ctx.sumDlDst = start + ETH.dst;
  ctx.sumDlSrc = start + ETH.src;
  pushLayer(ctx, 'ethertype');
  // IPv4 (ipv4.ts dissectIpv4).
  ctx.depth++;
  pushLayer(ctx, 'ip');
  ctx.ttl = data[ip + IPV4.ttl];
  noteNetAddresses(ctx, ip + IPV4.src, ip + IPV4.dst, 4);
  ctx.sumIpv4Count++;
  ctx.srcOff = ip + IPV4.src;
  ctx.dstOff = ip + IPV4.dst;
  ctx.addrLen = 4;
  ctx.fragmented = false;
  // TCP (tcp.ts dissectTcp, first pass, not in an ICMP error).
  pushLayer(ctx, 'tcp');
  d.protocol = 'TCP';
  const sport = u16(data, tcp + TCP.sport);
  const dport = u16(data, tcp + TCP.dport);
  ctx.sumTcpCount++;
  ctx.sumTcpPorts = ((sport << 16) | dport) >>> 0;
  const rawSeq = u32(data, tcp + TCP.seq);
  const rawAck = u32(data, tcp + TCP.ack);
  const stream = tcpFirstPass(ctx.conv, ctx.frame, data, ctx.srcOff, ctx.dstOff, 4, sport, dport, rawSeq, flags);
  const dir = streamDirOf(ctx.conv, ctx.frame);
  const seglen = tcpRep - hlen;
  ctx.sumTcpLen = seglen;
  if (ctx.onTcpSegment !== undefined && stream >= 0) ctx.onTcpSegment(ctx.frame, stream, dir, rawSeq, flags, data, tcp + hlen, payEnd, seglen);
  if (stream >= 0) tcpRecordSeq(ctx.conv, stream, dir, rawSeq, rawAck, flags, ctx.frame);
  ctx.sumTcpFlags |= flags;
  ctx.sumTcpFlagged++;
  ctx.sumTcpSeq = rawSeq;
  ctx.sumTcpAck = rawAck;
  ctx.sumTcpWin = u16(data, tcp + TCP.window);
  if (hlen > TCP.hdrLen && !(hlen === 32 && u32(data, tcp + TCP.hdrLen) === NOP_NOP_TIMESTAMP) && !tcpOptionsWellFormed(data, tcp + TCP.hdrLen, tcp + hlen)) ctx.sumTcpBadOptions = true;
  if (seglen === 0) return true;
  ctx.tcpKey = stream >= 0 ? stream * 2 + dir : -1;
  ctx.tcpSeq = rawSeq;
  try {
    dispatchTcpPayload(d, data, sport, dport, tcp + hlen, Math.min(end, tcp + hlen + seglen), seglen, -1, ctx);
  } catch (e) {
    // As dissectPacket: a dissector bug is reported on the frame (its entry is -1 in summary mode).
    markMalformed(d, -1, `internal error in frame ${meta.number}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return true;
}

/** Scratch of fixedTcpInfo's tcpShownNumbers. */
const SHOWN: TcpShown = { seq: 0, ack: 0, win: 0, scale: -1, sackBase: 0 };

/**
 * The Info column dissectPacket's revisit of frame `frame` (link type `linkType`, `origLen` bytes
 * on the wire, data[start, end) captured) would
 * leave, when it is TCP's own: the frame is Ethernet II → IPv4 without options, not a fragment →
 * TCP with its whole header captured, and a payload, if any, goes to no dissector but `data`
 * (tcpPayloadIsData) with the default tables. The text is tcp.ts tcpInfoText over the numbers
 * dissectTcp shows (tcpShownNumbers). Undefined otherwise: the caller dissects the frame.
 * Equal to the dissection's Info on every corpus capture (test/engine/info-texts.test.ts).
 */
export function fixedTcpInfo(frame: number, linkType: number, origLen: number, data: Uint8Array, start: number, end: number, conv: ConversationTable): string | undefined {
  if (linkType !== LINKTYPE_ETHERNET || !tablesAreDefault()) return undefined;
  const ip = ipv4OverEthernet(data, start, end);
  if (ip < 0 || ipv4IsFragment(data, ip) || data[ip + IPV4.proto] !== IP_PROTO_TCP) return undefined;
  // Reported lengths as dissectLink → Ethernet → IPv4 pass them down (ipv4.ts: a zero total length is TSO's, the frame's stands in).
  const ipRep = Math.max(origLen, end - start) - ETH.hdrLen;
  let totalLen = ipv4TotalLen(data, ip);
  if (totalLen === 0) totalLen = ipRep;
  if (totalLen < IPV4.hdrLen) return undefined;
  const ipLen = Math.min(totalLen, ipRep);
  const tcp = ip + IPV4.hdrLen;
  const payEnd = Math.min(end, ip + ipLen);
  const tcpRep = ipLen - IPV4.hdrLen;
  const hlen = tcpHeaderLen(data, tcp);
  if (hlen < TCP.hdrLen || tcp + hlen > payEnd || tcpRep < hlen) return undefined;
  const seglen = tcpRep - hlen;
  if (seglen > 0 && !tcpPayloadIsData(u16(data, tcp + TCP.sport), u16(data, tcp + TCP.dport))) return undefined;
  const stream = tcpStreamOf(conv, frame);
  tcpShownNumbers(SHOWN, conv, stream, streamDirOf(conv, frame), frame, true, u32(data, tcp + TCP.seq), u32(data, tcp + TCP.ack), tcpFlags(data, tcp), u16(data, tcp + TCP.window));
  return tcpInfoText(data, tcp, payEnd, seglen, SHOWN.seq, SHOWN.ack, SHOWN.win, SHOWN.sackBase);
}
