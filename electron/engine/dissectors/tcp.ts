/**
 * TCP (RFC 9293) with options (RFC 9293 §3.2, RFC 7323 WS/TS, RFC 2018 SACK), stream numbers
 * and relative sequence numbers as tshark 4.0 shows them by default (packet-tcp.c:
 * tcp_relative_seq and tcp_analyze_seq on). Field names from Wireshark packet-tcp.c.
 */
import { defineField, defineProtocol } from '../fields/registry.ts';
import { addField, markMalformed, recordsProtocol, type Dissection } from './dissection.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { u16, u32 } from '../bytes/cursor.ts';
import type { ConversationTable } from '../streams/conversations.ts';
import {
  peekStream, tcpBaseSeq, tcpFirstPass, tcpRecordSeq, tcpRecordWindowScale, tcpStreamOf, tcpWindowScale, streamDirOf,
} from '../streams/conversations.ts';
import { dissectData } from './data.ts';
import { IP_PROTO_TCP } from './ip-proto.ts';
import { addUint, callHeuristics, callUint, hasHeuristics, ipProtoTable, registerDissector, tcpPortTable } from './table.ts';

export const hfTcp = defineProtocol('tcp', 'Transmission Control Protocol');
export const hfTcpSrcport = defineField({ name: 'tcp.srcport', type: 'uint', description: 'Source Port', bits: 16 });
export const hfTcpDstport = defineField({ name: 'tcp.dstport', type: 'uint', description: 'Destination Port', bits: 16 });
export const hfTcpPort = defineField({ name: 'tcp.port', type: 'uint', description: 'Source or Destination Port', bits: 16, multi: true });
export const hfTcpStream = defineField({ name: 'tcp.stream', type: 'uint', description: 'Stream index', bits: 32 });
export const hfTcpLen = defineField({ name: 'tcp.len', type: 'uint', description: 'TCP Segment Len', bits: 32 });
export const hfTcpSeq = defineField({ name: 'tcp.seq', type: 'uint', description: 'Sequence Number', bits: 32 });
export const hfTcpSeqRaw = defineField({ name: 'tcp.seq_raw', type: 'uint', description: 'Sequence Number (raw)', bits: 32 });
export const hfTcpNxtseq = defineField({ name: 'tcp.nxtseq', type: 'uint', description: 'Next Sequence Number', bits: 32 });
export const hfTcpAck = defineField({ name: 'tcp.ack', type: 'uint', description: 'Acknowledgment Number', bits: 32 });
export const hfTcpAckRaw = defineField({ name: 'tcp.ack_raw', type: 'uint', description: 'Acknowledgment number (raw)', bits: 32 });
export const hfTcpHdrLen = defineField({ name: 'tcp.hdr_len', type: 'uint', description: 'Header Length', bits: 8 });
export const hfTcpFlags = defineField({ name: 'tcp.flags', type: 'uint', description: 'Flags', base: 'hex', bits: 16, mask: 0x0fff });
export const hfTcpFlagsRes = defineField({ name: 'tcp.flags.res', type: 'bool', description: 'Reserved', bits: 16, mask: 0x0e00 });
export const hfTcpFlagsAe = defineField({ name: 'tcp.flags.ae', type: 'bool', description: 'Accurate ECN', bits: 16, mask: 0x0100 });
export const hfTcpFlagsCwr = defineField({ name: 'tcp.flags.cwr', type: 'bool', description: 'Congestion Window Reduced', bits: 16, mask: 0x0080 });
export const hfTcpFlagsEce = defineField({ name: 'tcp.flags.ece', type: 'bool', description: 'ECN-Echo', bits: 16, mask: 0x0040 });
export const hfTcpFlagsUrg = defineField({ name: 'tcp.flags.urg', type: 'bool', description: 'Urgent', bits: 16, mask: 0x0020 });
export const hfTcpFlagsAck = defineField({ name: 'tcp.flags.ack', type: 'bool', description: 'Acknowledgment', bits: 16, mask: 0x0010 });
export const hfTcpFlagsPush = defineField({ name: 'tcp.flags.push', type: 'bool', description: 'Push', bits: 16, mask: 0x0008 });
export const hfTcpFlagsReset = defineField({ name: 'tcp.flags.reset', type: 'bool', description: 'Reset', bits: 16, mask: 0x0004 });
export const hfTcpFlagsSyn = defineField({ name: 'tcp.flags.syn', type: 'bool', description: 'Syn', bits: 16, mask: 0x0002 });
export const hfTcpFlagsFin = defineField({ name: 'tcp.flags.fin', type: 'bool', description: 'Fin', bits: 16, mask: 0x0001 });
export const hfTcpFlagsStr = defineField({ name: 'tcp.flags.str', type: 'string', description: 'TCP Flags' });
export const hfTcpWindowValue = defineField({ name: 'tcp.window_size_value', type: 'uint', description: 'Window', bits: 16 });
export const hfTcpWindowSize = defineField({ name: 'tcp.window_size', type: 'uint', description: 'Calculated window size', bits: 32 });
export const hfTcpWindowScalefactor = defineField({ name: 'tcp.window_size_scalefactor', type: 'int', description: 'Window size scaling factor', bits: 32 });
export const hfTcpChecksum = defineField({ name: 'tcp.checksum', type: 'uint', description: 'Checksum', base: 'hex', bits: 16 });
export const hfTcpChecksumStatus = defineField({ name: 'tcp.checksum.status', type: 'uint', description: 'Checksum Status', bits: 8, values: { 0: 'Bad', 1: 'Good', 2: 'Unverified' } });
export const hfTcpUrgentPointer = defineField({ name: 'tcp.urgent_pointer', type: 'uint', description: 'Urgent Pointer', bits: 16 });
export const hfTcpOptions = defineField({ name: 'tcp.options', type: 'bytes', description: 'TCP Options' });
export const hfTcpOptionKind = defineField({
  name: 'tcp.option_kind', type: 'uint', description: 'Kind', bits: 8, multi: true,
  values: { 0: 'End of Option List (EOL)', 1: 'No-Operation (NOP)', 2: 'Maximum Segment Size', 3: 'Window Scale', 4: 'SACK Permitted', 5: 'SACK', 8: 'Time Stamp Option' },
});
export const hfTcpOptionLen = defineField({ name: 'tcp.option_len', type: 'uint', description: 'Length', bits: 8, multi: true });
export const hfTcpOptMssVal = defineField({ name: 'tcp.options.mss_val', type: 'uint', description: 'MSS Value', bits: 16 });
export const hfTcpOptWsShift = defineField({ name: 'tcp.options.wscale.shift', type: 'uint', description: 'Shift count', bits: 8 });
export const hfTcpOptWsMult = defineField({ name: 'tcp.options.wscale.multiplier', type: 'uint', description: 'Multiplier', bits: 16 });
export const hfTcpOptSackPerm = defineField({ name: 'tcp.options.sack_perm', type: 'bytes', description: 'TCP SACK Permitted Option' });
export const hfTcpOptSackLe = defineField({ name: 'tcp.options.sack_le', type: 'uint', description: 'left edge', bits: 32, multi: true });
export const hfTcpOptSackRe = defineField({ name: 'tcp.options.sack_re', type: 'uint', description: 'right edge', bits: 32, multi: true });
export const hfTcpOptSackCount = defineField({ name: 'tcp.options.sack.count', type: 'uint', description: 'TCP SACK Count', bits: 8 });
export const hfTcpOptTsval = defineField({ name: 'tcp.options.timestamp.tsval', type: 'uint', description: 'Timestamp value', bits: 32 });
export const hfTcpOptTsecr = defineField({ name: 'tcp.options.timestamp.tsecr', type: 'uint', description: 'Timestamp echo reply', bits: 32 });
export const hfTcpPayload = defineField({ name: 'tcp.payload', type: 'bytes', description: 'TCP payload' });
// A PDU reassembled from several segments (tcp-pdu.ts), on the frame that completes it.
export const hfTcpSegments = defineField({ name: 'tcp.segments', type: 'none', description: 'Reassembled TCP Segments' });
export const hfTcpSegment = defineField({ name: 'tcp.segment', type: 'framenum', description: 'TCP Segment', multi: true });
export const hfTcpSegmentCount = defineField({ name: 'tcp.segment.count', type: 'uint', description: 'Segment count', bits: 32 });
export const hfTcpReassembledLength = defineField({ name: 'tcp.reassembled.length', type: 'uint', description: 'Reassembled TCP length', bits: 32 });
export const hfTcpReassembledData = defineField({ name: 'tcp.reassembled.data', type: 'bytes', description: 'Reassembled TCP Data' });

const TH_FIN = 0x01;
export const TH_SYN = 0x02;
const TH_ACK = 0x10;
const TH_URG = 0x20;

// Names in packet-tcp.c tcp_flags_to_str order (bit 0 upward); reserved bits print as "Reserved".
const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];
const FLAG_LETTERS = 'FSRPAUECA';

/** flagsText by the 12 flag bits, made when first needed: every Info text names its flags. */
const FLAGS_TEXT: (string | undefined)[] = new Array(0x1000);

function flagsText(flags: number): string {
  return (FLAGS_TEXT[flags] ??= makeFlagsText(flags));
}

function makeFlagsText(flags: number): string {
  let s = '';
  for (let b = 0; b < 9; b++) if (flags & (1 << b)) s += (s ? ', ' : '') + FLAG_NAMES[b];
  if (flags & 0x0e00) s += (s ? ', ' : '') + 'Reserved';
  return s || '<None>';
}

function flagsLetters(flags: number): string {
  let s = '';
  for (let b = 11; b >= 0; b--) s += flags & (1 << b) ? (b >= 9 ? 'R' : FLAG_LETTERS[b]) : '\u00b7';
  return s;
}

/**
 * Whether the options in data[off, end) have every length byte dissectOptions needs (it marks
 * the frame malformed otherwise: no length byte, a length below 2 or past the header); no allocation.
 */
export function tcpOptionsWellFormed(data: Uint8Array, off: number, end: number): boolean {
  let p = off;
  while (p < end) {
    const kind = data[p];
    if (kind === 0) return true;
    if (kind === 1) {
      p++;
      continue;
    }
    if (p + 1 >= end) return false;
    const len = data[p + 1];
    if (len < 2 || p + len > end) return false;
    p += len;
  }
  return true;
}

/** Window-scale shift from the options (-1 when absent); no allocation. */
function findWsShift(data: Uint8Array, off: number, end: number): number {
  let p = off;
  while (p < end) {
    const kind = data[p];
    if (kind === 0) break;
    if (kind === 1) { p++; continue; }
    if (p + 1 >= end) break;
    const len = data[p + 1];
    if (len < 2 || p + len > end) break;
    if (kind === 3 && len === 3) return data[p + 2];
    p += len;
  }
  return -1;
}

export function dissectTcp(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): boolean {
  pushLayer(ctx, 'tcp');
  d.protocol = 'TCP';
  const avail = end - off;
  const top = addField(d, hfTcp, off, Math.min(20, Math.max(0, avail)), parent);
  if (avail < 4) {
    markMalformed(d, top, `TCP: header truncated at byte ${off} (${Math.max(0, avail)} of 20 bytes)`);
    return true;
  }
  const sport = u16(data, off);
  const dport = u16(data, off + 2);
  ctx.sumTcpCount++;
  ctx.sumTcpPorts = ((sport << 16) | dport) >>> 0;
  // The index pass (summary mode) needs only the stream state and the flags (ctx.sumTcpFlags).
  const full = recordsProtocol(d, hfTcp);
  if (full) {
    const sp = addField(d, hfTcpSrcport, off, 2, top);
    const dp = addField(d, hfTcpDstport, off + 2, 2, top);
    addField(d, hfTcpPort, off, 2, sp);
    addField(d, hfTcpPort, off + 2, 2, dp);
  }
  if (avail < 16) {
    // ICMP errors quote 8 bytes of a TCP header (RFC 792): tshark still shows the sequence number
    // there (packet-tcp.c, in_error_pkt), not in a header cut short otherwise.
    if (avail >= 8 && full && ctx.inError) addField(d, hfTcpSeq, off + 4, 4, top);
    markMalformed(d, top, `TCP: header truncated at byte ${off} (${avail} of 20 bytes)`);
    if (ctx.wantInfo) d.info = tcpInfoText(data, off, end, -1, 0, 0, 0, 0);
    return true;
  }
  const rawSeq = u32(data, off + 4);
  const rawAck = u32(data, off + 8);
  const hlen = (data[off + 12] >> 4) * 4;
  const flags = u16(data, off + 12) & 0x0fff;
  const win = u16(data, off + 14);
  const a = ctx.addrLen;

  // Stream number: conversation of (address, port) pairs (see streams/conversations.ts).
  let stream = -1;
  let dir = 0;
  if (a !== 0) {
    if (ctx.inError) {
      stream = peekStream(ctx.conv, data, ctx.srcOff, ctx.dstOff, a, sport, dport, false, ctx.firstPass);
    } else if (ctx.firstPass) {
      stream = tcpFirstPass(ctx.conv, ctx.frame, data, ctx.srcOff, ctx.dstOff, a, sport, dport, rawSeq, flags);
      dir = streamDirOf(ctx.conv, ctx.frame);
    } else {
      stream = tcpStreamOf(ctx.conv, ctx.frame);
      dir = streamDirOf(ctx.conv, ctx.frame);
    }
  }
  if (stream >= 0 && full) addField(d, hfTcpStream, off, 0, top, stream);

  // Segment length from the reported (not captured) length, as packet-tcp.c does; unknown
  // for IP fragments and for headers quoted in ICMP errors.
  const haveSeglen = !ctx.fragmented && !ctx.inError && rep >= hlen && hlen >= 20;
  const seglen = haveSeglen ? rep - hlen : 0;
  ctx.sumTcpLen = haveSeglen ? seglen : -1;
  // The index pass's HTTP head scan (layers/http-heads.ts) reads the payload while it is in memory.
  if (ctx.onTcpSegment !== undefined && ctx.firstPass && stream >= 0 && !ctx.inError) {
    ctx.onTcpSegment(ctx.frame, stream, dir, rawSeq, flags, data, off + hlen, end, haveSeglen ? seglen : -1);
  }
  if (haveSeglen && full) addField(d, hfTcpLen, off + 12, 1, top, seglen);
  if (haveSeglen && stream >= 0 && ctx.firstPass) {
    tcpRecordSeq(ctx.conv, stream, dir, rawSeq, rawAck, flags, ctx.frame);
    if (flags & TH_SYN) tcpRecordWindowScale(ctx.conv, stream, dir, flags, hlen > 20 && avail >= hlen ? findWsShift(data, off + 20, off + hlen) : -1, ctx.frame);
  }
  // Relative numbers and the scaled window are only shown (fields, Info), never indexed.
  let seq = rawSeq;
  let ack = rawAck;
  let winScaled = win;
  let scale = -1;
  let sackBase = 0;
  if (full || ctx.wantInfo) {
    tcpShownNumbers(SHOWN, ctx.conv, stream, dir, ctx.frame, haveSeglen, rawSeq, rawAck, flags, win);
    ({ seq, ack, win: winScaled, scale, sackBase } = SHOWN);
  }
  let hl = -1;
  let fl = -1;
  if (full) {
    addField(d, hfTcpSeq, off + 4, 4, top, seq);
    // packet-tcp.c shows a quoted header's sequence number as it is, with no raw twin.
    if (!ctx.inError) addField(d, hfTcpSeqRaw, off + 4, 4, top);
    if (haveSeglen) addField(d, hfTcpNxtseq, off, 0, top, (seq + seglen + (flags & (TH_SYN | TH_FIN) ? 1 : 0)) >>> 0);
    addField(d, hfTcpAck, off + 8, 4, top, ack);
    addField(d, hfTcpAckRaw, off + 8, 4, top);
    hl = addField(d, hfTcpHdrLen, off + 12, 1, top, hlen);
    fl = addField(d, hfTcpFlags, off + 12, 2, top);
    addField(d, hfTcpFlagsRes, off + 12, 2, fl);
    addField(d, hfTcpFlagsAe, off + 12, 2, fl);
    addField(d, hfTcpFlagsCwr, off + 12, 2, fl);
    addField(d, hfTcpFlagsEce, off + 12, 2, fl);
    addField(d, hfTcpFlagsUrg, off + 12, 2, fl);
    addField(d, hfTcpFlagsAck, off + 12, 2, fl);
    addField(d, hfTcpFlagsPush, off + 12, 2, fl);
  }
  if (full) {
    addField(d, hfTcpFlagsReset, off + 12, 2, fl);
    addField(d, hfTcpFlagsSyn, off + 12, 2, fl);
    addField(d, hfTcpFlagsFin, off + 12, 2, fl);
  }
  ctx.sumTcpFlags |= flags;
  ctx.sumTcpFlagged++;
  ctx.sumTcpSeq = rawSeq;
  ctx.sumTcpAck = rawAck;
  ctx.sumTcpWin = win;
  // The first pass parses no options, but the index must know the ones dissectOptions would call malformed.
  if (ctx.firstPass && hlen > 20 && avail >= hlen && !tcpOptionsWellFormed(data, off + 20, off + hlen)) ctx.sumTcpBadOptions = true;
  if (ctx.wantInfo) addField(d, hfTcpFlagsStr, off + 12, 2, fl, flagsLetters(flags));
  if (full) addField(d, hfTcpWindowValue, off + 14, 2, top);
  if (full) addField(d, hfTcpWindowSize, off + 14, 2, top, winScaled);
  if (full && !(flags & TH_SYN) && stream >= 0) addField(d, hfTcpWindowScalefactor, off + 14, 2, top, scale >= 0 ? 2 ** scale : scale);

  const info = ctx.wantInfo ? tcpInfoText(data, off, end, haveSeglen ? seglen : -1, seq, ack, winScaled, sackBase) : '';
  if (hlen < 20) {
    markMalformed(d, hl, `TCP: bogus header length ${hlen} at byte ${off + 12} (must be at least 20)`);
    if (ctx.wantInfo) d.info = info;
    return true;
  }
  if (avail < 20) {
    markMalformed(d, top, `TCP: header truncated at byte ${off} (${avail} of 20 bytes)`);
    if (ctx.wantInfo) d.info = info;
    return true;
  }
  if (full) {
    addField(d, hfTcpChecksum, off + 16, 2, top);
    addField(d, hfTcpChecksumStatus, off + 16, 0, top, 2);
    addField(d, hfTcpUrgentPointer, off + 18, 2, top);
  }
  if (top >= 0) d.len[top] = Math.min(hlen, avail);
  if (hlen > 20) {
    if (avail < hlen) {
      // The options that were captured are still shown, as tshark does before it stops.
      if (full || ctx.wantInfo) dissectOptions(d, data, off + 20, end, top, sackBase);
      markMalformed(d, top, `TCP: options truncated at byte ${end} (${avail - 20} of ${hlen - 20} bytes captured)`);
      if (ctx.wantInfo) d.info = info;
      return true;
    }
    if (full || ctx.wantInfo) dissectOptions(d, data, off + 20, off + hlen, top, sackBase);
  }
  if (ctx.wantInfo) d.info = info;

  const payOff = off + hlen;
  const payEnd = Math.min(end, off + hlen + seglen);
  if (!haveSeglen || seglen === 0) return true;
  if (payEnd > payOff && full) addField(d, hfTcpPayload, payOff, payEnd - payOff, top);
  // For PDUs that span segments (tcp-pdu.ts): where this payload sits in its direction.
  ctx.tcpKey = stream >= 0 && !ctx.inError ? stream * 2 + dir : -1;
  ctx.tcpSeq = rawSeq;
  dispatchTcpPayload(d, data, sport, dport, payOff, payEnd, seglen, parent, ctx);
  return true;
}

/** Whether dispatchTcpPayload hands a payload between these ports to `data` alone: no port dissector, no heuristic (TCP's Info stays its own). */
export function tcpPayloadIsData(sport: number, dport: number): boolean {
  const lo = Math.min(sport, dport);
  const hi = Math.max(sport, dport);
  return !(lo !== 0 && tcpPortTable.current.has(lo)) && !(hi !== lo && tcpPortTable.current.has(hi)) && !hasHeuristics('tcp');
}

/** packet-tcp.c decode_tcp_ports: the lower port first, then the higher, then the heuristics, then data (also fixed-tcp.ts). */
export function dispatchTcpPayload(d: Dissection, data: Uint8Array, sport: number, dport: number, off: number, end: number, rep: number, parent: number, ctx: PacketContext): void {
  const lo = Math.min(sport, dport);
  const hi = Math.max(sport, dport);
  if (lo !== 0 && callUint(tcpPortTable, lo, d, data, off, end, rep, parent, ctx)) return;
  if (hi !== lo && callUint(tcpPortTable, hi, d, data, off, end, rep, parent, ctx)) return;
  if (callHeuristics('tcp', d, data, off, end, rep, parent, ctx)) return;
  dissectData(d, off, end, parent, ctx);
}

function dissectOptions(d: Dissection, data: Uint8Array, off: number, end: number, parent: number, sackBase: number): void {
  const all = addField(d, hfTcpOptions, off, end - off, parent);
  let p = off;
  while (p < end) {
    const kind = data[p];
    if (kind === 0 || kind === 1) {
      addField(d, hfTcpOptionKind, p, 1, all);
      p++;
      if (kind === 0) break;
      continue;
    }
    if (p + 1 >= end) {
      markMalformed(d, all, `TCP: option ${kind} at byte ${p} has no length byte`);
      break;
    }
    const len = data[p + 1];
    addField(d, hfTcpOptionKind, p, 1, all);
    const le = addField(d, hfTcpOptionLen, p + 1, 1, all);
    if (len < 2 || p + len > end) {
      markMalformed(d, le, `TCP: option ${kind} at byte ${p} has bad length ${len}`);
      break;
    }
    switch (kind) {
      case 2:
        if (len === 4) addField(d, hfTcpOptMssVal, p + 2, 2, all);
        break;
      case 3:
        if (len === 3) {
          addField(d, hfTcpOptWsShift, p + 2, 1, all);
          addField(d, hfTcpOptWsMult, p + 2, 1, all, 2 ** Math.min(data[p + 2], 14));
        }
        break;
      case 4:
        addField(d, hfTcpOptSackPerm, p, len, all);
        break;
      case 5: {
        const n = Math.floor((len - 2) / 8);
        for (let k = 0; k < n; k++) {
          const q = p + 2 + 8 * k;
          addField(d, hfTcpOptSackLe, q, 4, all, (u32(data, q) - sackBase) >>> 0);
          addField(d, hfTcpOptSackRe, q + 4, 4, all, (u32(data, q + 4) - sackBase) >>> 0);
        }
        addField(d, hfTcpOptSackCount, p, len, all, n);
        break;
      }
      case 8:
        if (len === 10) {
          addField(d, hfTcpOptTsval, p + 2, 4, all);
          addField(d, hfTcpOptTsecr, p + 6, 4, all);
        }
        break;
      default:
        break;
    }
    p += len;
  }
}

/**
 * The Info text of the options data[off, end) (packet-tcp.c dissect_tcpopt_* col_append_str,
 * tshark 4.0): `MSS=` `WS=` `SACK_PERM` `SLE= SRE=` (relative to `sackBase`) `TSval= TSecr=`, in
 * order, up to the end of the list or the first option with a bad length (where dissectOptions
 * stops too).
 */
function tcpOptionsInfo(data: Uint8Array, off: number, end: number, sackBase: number): string {
  let info = '';
  let p = off;
  while (p < end) {
    const kind = data[p];
    if (kind === 0) break;
    if (kind === 1) {
      p++;
      continue;
    }
    if (p + 1 >= end) break;
    const len = data[p + 1];
    if (len < 2 || p + len > end) break;
    if (kind === 2 && len === 4) info += ` MSS=${u16(data, p + 2)}`;
    else if (kind === 3 && len === 3) info += ` WS=${2 ** Math.min(data[p + 2], 14)}`;
    else if (kind === 4) info += ' SACK_PERM';
    else if (kind === 5) {
      for (let k = 0, n = Math.floor((len - 2) / 8); k < n; k++) {
        const q = p + 2 + 8 * k;
        info += ` SLE=${(u32(data, q) - sackBase) >>> 0} SRE=${(u32(data, q + 4) - sackBase) >>> 0}`;
      }
    } else if (kind === 8 && len === 10) info += ` TSval=${u32(data, p + 2)} TSecr=${u32(data, p + 6)}`;
    p += len;
  }
  return info;
}

/** The numbers TCP's fields and Info show of a segment (tcpShownNumbers). */
export interface TcpShown {
  seq: number;
  ack: number;
  /** The window, scaled by the sender's shift (not on a SYN, RFC 7323 §2.2). */
  win: number;
  /** The sender's window-scale shift: -1 unknown, -2 not used. */
  scale: number;
  /** The peer's base sequence number: SACK edges acknowledge its bytes. */
  sackBase: number;
}

/** Scratch of dissectTcp's tcpShownNumbers (read into locals at once). */
const SHOWN: TcpShown = { seq: 0, ack: 0, win: 0, scale: -1, sackBase: 0 };

/**
 * The sequence and acknowledgment numbers relative to the stream's bases and the scaled window
 * (packet-tcp.c with tcp_relative_seq and tcp_analyze_seq on), as frame `frame` saw its stream:
 * a later SYN/ACK on the same ports may have changed the bases since. Raw values when the
 * segment length is unknown (`known` false: a fragment, a header quoted in an ICMP error) or
 * the frame has no stream. Written into `out` (no allocation per frame).
 */
export function tcpShownNumbers(
  out: TcpShown, conv: ConversationTable, stream: number, dir: number, frame: number, known: boolean,
  rawSeq: number, rawAck: number, flags: number, win: number,
): void {
  if (!known || stream < 0) {
    out.seq = rawSeq;
    out.ack = rawAck;
    out.win = win;
    out.scale = -1;
    out.sackBase = 0;
    return;
  }
  out.seq = (rawSeq - tcpBaseSeq(conv, stream, dir, frame)) >>> 0;
  out.sackBase = tcpBaseSeq(conv, stream, dir ^ 1, frame);
  out.ack = flags & TH_ACK ? (rawAck - out.sackBase) >>> 0 : rawAck;
  out.scale = tcpWindowScale(conv, stream, dir, frame);
  out.win = !(flags & TH_SYN) && out.scale >= 0 ? win * 2 ** out.scale : win;
}

/**
 * TCP's Info column of the header at data[off, end) (tshark 4.0 packet-tcp.c): `sport → dport
 * [flags] Seq= Ack= Win= Urg= Len=` and the options' texts, or less of it where the header is cut
 * short or bogus, as dissectTcp stops there. `seq`, `ack`, `win`, `sackBase` as
 * tcpShownNumbers gives them; `seglen` -1 when unknown. The one place the text is made: the
 * dissector and the Info pages without a dissection (fixed-tcp.ts fixedTcpInfo) both call it.
 */
export function tcpInfoText(data: Uint8Array, off: number, end: number, seglen: number, seq: number, ack: number, win: number, sackBase: number): string {
  const avail = end - off;
  const ports = `${u16(data, off)} \u2192 ${u16(data, off + 2)}`;
  if (avail < 16) return ports;
  const hlen = (data[off + 12] >> 4) * 4;
  const flags = u16(data, off + 12) & 0x0fff;
  let info = `${ports} [${flagsText(flags)}] Seq=${seq}`;
  if (flags & TH_ACK) info += ` Ack=${ack}`;
  info += ` Win=${win}`;
  if (hlen < 20) return `${info}, bogus TCP header length (${hlen}, must be at least 20)`;
  if (avail < 20) return info;
  if (flags & TH_URG) info += ` Urg=${u16(data, off + 18)}`;
  if (seglen >= 0) info += ` Len=${seglen}`;
  if (hlen > 20) info += tcpOptionsInfo(data, off + 20, Math.min(end, off + hlen), sackBase);
  return info;
}

addUint(ipProtoTable, IP_PROTO_TCP, registerDissector('tcp', 'Transmission Control Protocol', dissectTcp));
