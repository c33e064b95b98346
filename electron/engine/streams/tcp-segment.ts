/**
 * The TCP segment of a frame read straight from its bytes, for the common case only: Ethernet II
 * (no VLAN tag), IPv4 without fragmentation or IPv6 whose next header is TCP, whole frames
 * (captured = on the wire). A whole-capture scan reads every frame once; this costs a few header
 * reads instead of a dissection. Anything else returns false and the caller dissects the frame
 * (tcp-reassembly readFrame/feedTcpFrame), so both give the same segment: the test
 * test/http/tcp-segment.test.ts compares them frame by frame on the corpus.
 *
 * Numbers as packet-tcp.c shows them (tshark's relative sequence numbers): the stream's base
 * sequence number per direction from the conversation table. Header layouts: IEEE 802.3 §3.1
 * (Ethernet II), RFC 791 §3.1 (IPv4), RFC 8200 §3 (IPv6), RFC 9293 §3.1 (TCP).
 */
import type { CaptureInternals } from '../capture.ts';
import { streamDirOf, tcpBaseSeq } from './conversations.ts';

type PacketInternals = Extract<CaptureInternals, { kind: 'packets' }>;

const TH_ACK = 0x10;

/** The segment of the last frame read (reused: one per scan). */
export interface TcpSegment {
  seq: number;
  ack: number;
  flags: number;
  seglen: number;
  payload: Uint8Array;
  /** Frame direction bit (conversations.ts). */
  bit: number;
  /** Header values as sent (TCP analysis works on these, as packet-tcp.c does). */
  rawSeq: number;
  rawAck: number;
  win: number;
  sport: number;
  dport: number;
}

export function createTcpSegment(): TcpSegment {
  return { seq: 0, ack: 0, flags: 0, seglen: 0, payload: new Uint8Array(0), bit: 0, rawSeq: 0, rawAck: 0, win: 0, sport: 0, dport: 0 };
}

/** Whether frame `event` of TCP stream `sid` has link type Ethernet and no reader damage. */
export function simpleFrame(internals: PacketInternals, event: number): boolean {
  const ix = internals.index;
  const i = event - 1;
  if (ix.capLen.data[i] !== ix.origLen.data[i] || ix.malformed.has(event)) return false;
  return (ix.interfaces[ix.iface.data[i]]?.linkType ?? 1) === 1;
}

/** Read the TCP segment of `b` (frame `event` of TCP stream `sid`) into `out`; false: not the simple case. */
export function readTcpSegment(internals: PacketInternals, event: number, sid: number, b: Uint8Array, out: TcpSegment): boolean {
  if (b.length < 14 + 20 + 20) return false;
  const type = (b[12] << 8) | b[13];
  let tcp: number;
  let end: number;
  if (type === 0x0800) {
    const ip = 14;
    if (b[ip] >> 4 !== 4) return false;
    const ihl = (b[ip] & 15) * 4;
    const total = (b[ip + 2] << 8) | b[ip + 3];
    if (ihl < 20 || b[ip + 9] !== 6 || (((b[ip + 6] << 8) | b[ip + 7]) & 0x3fff) !== 0) return false;
    end = ip + total;
    tcp = ip + ihl;
    if (total < ihl + 20 || end > b.length) return false;
  } else if (type === 0x86dd) {
    const ip = 14;
    if (b[ip] >> 4 !== 6 || b[ip + 6] !== 6) return false;
    const plen = (b[ip + 4] << 8) | b[ip + 5];
    tcp = ip + 40;
    end = tcp + plen;
    if (plen < 20 || end > b.length) return false;
  } else {
    return false;
  }
  const hlen = (b[tcp + 12] >> 4) * 4;
  if (hlen < 20 || tcp + hlen > end) return false;
  const conv = internals.conv;
  const dir = streamDirOf(conv, event);
  const flags = ((b[tcp + 12] << 8) | b[tcp + 13]) & 0x0fff;
  const rawSeq = ((b[tcp + 4] << 24) | (b[tcp + 5] << 16) | (b[tcp + 6] << 8) | b[tcp + 7]) >>> 0;
  const rawAck = ((b[tcp + 8] << 24) | (b[tcp + 9] << 16) | (b[tcp + 10] << 8) | b[tcp + 11]) >>> 0;
  out.seq = (rawSeq - tcpBaseSeq(conv, sid, dir, event)) >>> 0;
  out.ack = flags & TH_ACK ? (rawAck - tcpBaseSeq(conv, sid, dir ^ 1, event)) >>> 0 : rawAck;
  out.flags = flags;
  out.seglen = end - tcp - hlen;
  out.payload = b.subarray(tcp + hlen, end);
  out.bit = dir;
  out.rawSeq = rawSeq;
  out.rawAck = rawAck;
  out.win = (b[tcp + 14] << 8) | b[tcp + 15];
  out.sport = (b[tcp] << 8) | b[tcp + 1];
  out.dport = (b[tcp + 2] << 8) | b[tcp + 3];
  return true;
}
