/**
 * Per-capture state handed to every dissector. One context object lives for the whole
 * capture; the scratch fields below are overwritten for each packet (no allocation).
 */
import { createConversationTable, type ConversationTable } from '../streams/conversations.ts';

export interface PacketContext {
  /** TCP/UDP conversations: written in the first pass, read on revisits. */
  readonly conv: ConversationTable;
  /** True while building the index (frames in order, state is recorded). */
  readonly firstPass: boolean;
  /**
   * Build the Info column text and `frame.protocols`. Off during the index pass so that no
   * strings are built per packet; on when a row, the details pane or `-e` output needs them.
   */
  wantInfo: boolean;
  /**
   * First pass only: a DNS A/AAAA record (class IN) named `address` (its text as the Source
   * column prints it) `name`, for name resolution from the capture (index/host-names.ts).
   */
  learnName?: (address: string, name: string) => void;
  /**
   * First pass, where learnName is not set: the frame has a record learnName would be given
   * (A, AAAA, PTR of class IN), to be re-dissected with learnName when names are asked.
   */
  nameRecord?: () => void;
  /**
   * First pass only: every TCP segment of a stream (frame, stream, direction bit, raw sequence
   * number, flags, the frame's bytes with the payload at [from, to) as captured, the segment
   * length or -1), for a scan that reads payloads while they are in memory (layers/http-heads.ts).
   */
  onTcpSegment?: (frame: number, stream: number, bit: number, seq: number, flags: number, b: Uint8Array, from: number, to: number, seglen: number) => void;

  // ---- scratch for the packet being dissected ----
  frame: number;
  /** Protocol chain for frame.protocols (string constants; no allocation). */
  layers: string[];
  nLayers: number;
  /** Network-layer source/destination address positions in the frame bytes. */
  srcOff: number;
  dstOff: number;
  /** 4 (IPv4), 16 (IPv6) or 0 (no network layer yet). */
  addrLen: number;
  /** The current IP datagram is a fragment (transport lengths unknown). */
  fragmented: boolean;
  /** TTL / hop limit of the innermost IP header (ICMP echo Info shows it). */
  ttl: number;
  /** Nesting depth guard for tunnels and ICMP-embedded headers. */
  depth: number;
  /** Inside an ICMP error's quoted datagram: no conversation state is touched. */
  inError: boolean;
  /** Of the TCP segment whose payload is being dissected: stream × 2 + direction (-1: none), raw sequence number. */
  tcpKey: number;
  tcpSeq: number;

  // ---- what the index keeps of the packet (packet-index.ts addPacket), set in every mode ----
  /** Offsets of the first network-layer source/destination address recorded (-1 = none). */
  sumNetSrc: number;
  sumNetDst: number;
  /** Their length: 4 (ip.src/ip.dst) or 16 (ipv6.src/ipv6.dst). */
  sumNetLen: number;
  /** Offsets of the first link-layer (6-byte MAC) source (eth.src, sll.src.eth) / destination (eth.dst). */
  sumDlSrc: number;
  sumDlDst: number;
  /** OR of the flags word of every TCP header whose flag bits were recorded. */
  sumTcpFlags: number;
  /** TCP headers seen, and how many of them were long enough for their flags. */
  sumTcpCount: number;
  sumTcpFlagged: number;
  /** Of the last TCP header: source port << 16 | destination port, and tcp.len (-1 = none). */
  sumTcpPorts: number;
  sumTcpLen: number;
  /** Of the last TCP header long enough for its flags: raw sequence and ACK numbers, window value (the TCP analysis reads them from the index). */
  sumTcpSeq: number;
  sumTcpAck: number;
  sumTcpWin: number;
  /** First pass: a TCP header's options were malformed (no length byte, a bad length): the index does not describe it. */
  sumTcpBadOptions: boolean;
  /** IPv4 headers seen (ip.src/ip.dst occurrences). */
  sumIpv4Count: number;
  /** A `dns` protocol node was recorded (not mdns/llmnr). */
  sumDns: boolean;
}

function makeContext(conv: ConversationTable, firstPass: boolean, wantInfo: boolean): PacketContext {
  return {
    conv, firstPass, wantInfo,
    frame: 0, layers: [], nLayers: 0, srcOff: 0, dstOff: 0, addrLen: 0,
    fragmented: false, ttl: 0, depth: 0, inError: false, tcpKey: -1, tcpSeq: 0,
    sumNetSrc: -1, sumNetDst: -1, sumNetLen: 0, sumDlSrc: -1, sumDlDst: -1, sumTcpFlags: 0, sumTcpCount: 0, sumTcpFlagged: 0, sumTcpPorts: 0, sumTcpLen: -1,
    sumTcpSeq: 0, sumTcpAck: 0, sumTcpWin: 0, sumTcpBadOptions: false, sumIpv4Count: 0, sumDns: false,
  };
}

/** Context for the index pass: frames must be given in order, 1, 2, 3, … */
export function firstPassContext(conv: ConversationTable = createConversationTable(), wantInfo = false): PacketContext {
  return makeContext(conv, true, wantInfo);
}

/** Context for re-dissecting any frame in any order after the first pass. */
export function revisitContext(conv: ConversationTable, wantInfo = true): PacketContext {
  return makeContext(conv, false, wantInfo);
}

/** Clear the per-packet scratch (dissectPacket calls this first). */
export function resetPacketContext(ctx: PacketContext, frame: number): void {
  ctx.frame = frame;
  ctx.nLayers = 0;
  ctx.addrLen = 0;
  ctx.fragmented = false;
  ctx.ttl = 0;
  ctx.depth = 0;
  ctx.inError = false;
  ctx.tcpKey = -1;
  ctx.tcpSeq = 0;
  ctx.sumNetSrc = -1;
  ctx.sumNetDst = -1;
  ctx.sumNetLen = 0;
  ctx.sumDlSrc = -1;
  ctx.sumDlDst = -1;
  ctx.sumTcpFlags = 0;
  ctx.sumTcpCount = 0;
  ctx.sumTcpFlagged = 0;
  ctx.sumTcpPorts = 0;
  ctx.sumTcpLen = -1;
  ctx.sumTcpSeq = 0;
  ctx.sumTcpAck = 0;
  ctx.sumTcpWin = 0;
  ctx.sumTcpBadOptions = false;
  ctx.sumIpv4Count = 0;
  ctx.sumDns = false;
}

/** Network-layer addresses were recorded (ip.src/ip.dst or ipv6.src/ipv6.dst): the first pair is the row's. */
export function noteNetAddresses(ctx: PacketContext, srcOff: number, dstOff: number, len: number): void {
  if (ctx.sumNetSrc >= 0) return;
  ctx.sumNetSrc = srcOff;
  ctx.sumNetDst = dstOff;
  ctx.sumNetLen = len;
}

/** Record a protocol in the chain shown by frame.protocols. */
export function pushLayer(ctx: PacketContext, name: string): void {
  if (ctx.nLayers < ctx.layers.length) ctx.layers[ctx.nLayers] = name;
  else ctx.layers.push(name);
  ctx.nLayers++;
}

export function hex4(v: number): string {
  return `0x${v.toString(16).padStart(4, '0')}`;
}
