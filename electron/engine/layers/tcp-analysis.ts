/**
 * TCP sequence analysis as Wireshark 4.0 computes it in its first pass (packet-tcp.c
 * tcp_analyze_sequence_number and tcp_print_sequence_number_analysis): retransmissions,
 * out-of-order and lost segments, duplicate ACKs, window and keep-alive events, the segment
 * each ACK acknowledges, bytes in flight. Written from the algorithm, not the code.
 *
 * The pass is sequential over frames 1..N and the result of frame N depends only on frames
 * before it (tshark's single pass), so it runs lazily: asking for frame N analyses the frames
 * not yet analysed up to N, once. Per frame it keeps 8 bytes in typed arrays (analysis flags,
 * ACKed-frame distance, bytes in flight); rarer numbers (duplicate ACK counters, RTO, push bytes
 * that differ from bytes in flight, far ACKs, connection events) go to sparse columns appended
 * in frame order and found by binary search.
 *
 * Unacknowledged segments are kept per direction (up to Wireshark's 10 000) in two heaps, by
 * sequence number and by next sequence number, instead of Wireshark's list walked on every
 * ACK: an ACK touches only the segments it acknowledges, so the pass is linear in the capture
 * whatever the window size, and a direction whose ACKs were not captured costs O(log n) per
 * segment rather than a walk of 10 000.
 */
import { RowFlag } from '../../../shared/rpc.ts';
import type { CaptureInternals } from '../capture.ts';
import { createDissection, type Dissection } from '../dissectors/dissection.ts';
import { entryValue } from '../dissectors/values.ts';
import { allFields, type FieldDef } from '../fields/registry.ts';
import { TCP_ONE, type PacketIndex } from '../index/packet-index.ts';
import {
  hfTcpAckRaw, hfTcpDstport, hfTcpFlags, hfTcpLen, hfTcpSeqRaw, hfTcpSrcport, hfTcpWindowValue,
} from '../dissectors/tcp.ts';
import { tcpWindowScale } from '../streams/conversations.ts';
import { createFrameReader, readFrame, type FrameReader } from '../streams/tcp-reassembly.ts';
import { createTcpSegment, readTcpSegment, simpleFrame, type TcpSegment } from '../streams/tcp-segment.ts';

type PacketInternals = Extract<CaptureInternals, { kind: 'packets' }>;

/** Analysis flag bits (ours; the order is packet-tcp.c's TCP_A_* order). */
export const TaFlag = {
  retransmission: 1 << 0,
  fastRetransmission: 1 << 1,
  spuriousRetransmission: 1 << 2,
  outOfOrder: 1 << 3,
  reusedPorts: 1 << 4,
  lostSegment: 1 << 5,
  ackLostSegment: 1 << 6,
  windowUpdate: 1 << 7,
  windowFull: 1 << 8,
  keepAlive: 1 << 9,
  keepAliveAck: 1 << 10,
  duplicateAck: 1 << 11,
  zeroWindowProbe: 1 << 12,
  zeroWindow: 1 << 13,
  zeroWindowProbeAck: 1 << 14,
} as const;
/** Bit 15: the bytes-in-flight step ran (push bytes are then set; bytes in flight if non-zero). */
const BIF_BLOCK = 1 << 15;
const ANALYSIS_FLAGS = 0x7fff;

const TH_FIN = 0x01;
const TH_SYN = 0x02;
const TH_RST = 0x04;
const TH_PUSH = 0x08;
const TH_ACK = 0x10;
const SFR = TH_SYN | TH_FIN | TH_RST;

/** packet-tcp.c TCP_MAX_UNACKED_SEGMENTS: segments kept per direction while unacknowledged. */
export const MAX_UNACKED = 10000;
/** Fast retransmission: within 20 ms of the last duplicate ACK (packet-tcp.c). */
const FAST_RETRANS_NS = 20_000_000;
/** Out-of-order threshold when the handshake RTT is unknown: 3 ms (packet-tcp.c). */
const OOO_DEFAULT_NS = 3_000_000;

/** Connection events for Expert Information (packet-tcp.c ei_tcp_connection_*). */
export const ConnEvent = { syn: 1, synAck: 2, fin: 3, rst: 4, finActive: 5, finPassive: 6 } as const;

/** Sequence-space comparisons (RFC 9293 §3.4, packet-tcp.h GT_SEQ / LT_SEQ / LE_SEQ). */
const gtSeq = (a: number, b: number): boolean => ((b - a) | 0) < 0;
const ltSeq = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const leSeq = (a: number, b: number): boolean => ((a - b) | 0) <= 0;

/** A column of (frame, value…) rows appended in frame order, read by binary search. */
interface Sparse { n: number; frames: Uint32Array; a: Float64Array; b: Float64Array }

function createSparse(): Sparse {
  return { n: 0, frames: new Uint32Array(16), a: new Float64Array(16), b: new Float64Array(16) };
}

function sparsePush(s: Sparse, frame: number, a: number, b = 0): void {
  if (s.n === s.frames.length) {
    const grow = <T extends Uint32Array | Float64Array>(x: T): T => {
      const y = new (x.constructor as new (n: number) => T)(x.length * 2);
      y.set(x);
      return y;
    };
    s.frames = grow(s.frames);
    s.a = grow(s.a);
    s.b = grow(s.b);
  }
  s.frames[s.n] = frame;
  s.a[s.n] = a;
  s.b[s.n] = b;
  s.n++;
}

/** Row of `frame` in `s`, or -1. */
function sparseFind(s: Sparse, frame: number): number {
  let lo = 0;
  let hi = s.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.frames[mid] < frame) lo = mid + 1;
    else hi = mid;
  }
  return lo < s.n && s.frames[lo] === frame ? lo : -1;
}

function sparseBytes(s: Sparse): number {
  return s.frames.byteLength + s.a.byteLength + s.b.byteLength;
}

/** One unacknowledged segment; `seq` moves up when an ACK covers part of it. */
interface Seg { seq: number; next: number; frame: number; t: number; dead: boolean }

/**
 * The unacknowledged segments of one direction. Sequence numbers are unwrapped to a line
 * (relative to the last inserted segment) so heap order is plain number order.
 */
interface SegList {
  bySeq: Seg[];
  byNext: Seg[];
  /** Every segment in frame order from `head` on (the acknowledged ones are dead, skipped lazily): the oldest unacknowledged is the first live one. */
  byFrame: Seg[];
  head: number;
  count: number;
  refRaw: number;
  refU: number;
}

function unwrap(l: SegList, raw: number): number {
  return l.refU + ((raw - l.refRaw) | 0);
}

function heapPush(h: Seg[], s: Seg, key: (s: Seg) => number): void {
  h.push(s);
  let i = h.length - 1;
  // Request/response traffic: mostly one segment unacknowledged, no key to compare.
  if (i === 0) return;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (key(h[p]) <= key(h[i])) break;
    [h[p], h[i]] = [h[i], h[p]];
    i = p;
  }
}

function heapPop(h: Seg[], key: (s: Seg) => number): Seg | undefined {
  const top = h[0];
  const last = h.pop();
  if (h.length > 0 && last !== undefined) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && key(h[l]) < key(h[m])) m = l;
      if (r < h.length && key(h[r]) < key(h[m])) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
  return top;
}

const bySeqKey = (s: Seg): number => s.seq;
// A min-heap on the negated key is the max-heap of next sequence numbers.
const byNextKey = (s: Seg): number => -s.next;

/** State and result columns of the pass over one capture. */
export interface TcpAnalysis {
  internals: PacketInternals;
  /** Frames 1..done are analysed. */
  done: number;
  /** Per frame (index = frame number): TaFlag bits, bit 15 = bytes-in-flight step ran. */
  flags: Uint16Array;
  /** Per frame: frame − ACKed frame (1..65535), 0 = none; farther ones in `ackedFar`. */
  ackedDelta: Uint16Array;
  /** Per frame: bytes in flight (0 = not shown). */
  bif: Uint32Array;
  ackedFar: Sparse;
  /** Push bytes where they differ from bytes in flight (a: push bytes). */
  push: Sparse;
  /** Duplicate ACKs (a: number, b: frame of the ACK duplicated). */
  dupAck: Sparse;
  /** Retransmissions with an RTO (a: RTO frame). */
  rto: Sparse;
  /** Connection events (a: ConnEvent, b: server port); a frame may have several rows. */
  conn: Sparse;
  /** Per TCP stream: handshake RTT in ns (0 = none yet) and the frame that set it. */
  firstRtt: Float64Array;
  firstRttFrame: Uint32Array;
  mruSyn: Float64Array;
  /** Per TCP stream: 1 + the direction of its first FIN, 0 before it. */
  finSeen: Uint8Array;
  /** Per direction (2 × stream + dir): packet-tcp.c tcp_flow_t / tcp_analyze_seq_info. */
  nextseq: Uint32Array;
  nextseqFrame: Uint32Array;
  nextseqTime: Float64Array;
  maxSeqToBeAcked: Uint32Array;
  lastAck: Uint32Array;
  lastAckTime: Float64Array;
  window: Uint32Array;
  dupAckNum: Uint32Array;
  lastNonDupAck: Uint32Array;
  lastSegFlags: Uint16Array;
  validBif: Uint8Array;
  pushBytes: Uint32Array;
  pushSetLast: Uint8Array;
  /** Per direction; a list emptied by an ACK stays, cleared, for the direction's next segment. */
  lists: (SegList | undefined)[];
  /** Segment objects of emptied lists, for reuse: request/response traffic empties a list per frame. */
  spare: Seg[];
  /** Frame times in ns relative to frame 1 (exact in a double for 104 days). */
  sec0: number;
  nsec0: number;
  reader: FrameReader | undefined;
  seg: TcpSegment;
  /** Frames read again from the file (the index did not describe their TCP header), and of them read through the dissectors (not the simple Ethernet/IP case). */
  read: number;
  dissected: number;
  /** Heap operations, for the linearity test. */
  work: number;
}

export function createTcpAnalysis(internals: PacketInternals): TcpAnalysis {
  return {
    internals,
    done: 0,
    flags: new Uint16Array(16),
    ackedDelta: new Uint16Array(16),
    bif: new Uint32Array(16),
    ackedFar: createSparse(),
    push: createSparse(),
    dupAck: createSparse(),
    rto: createSparse(),
    conn: createSparse(),
    firstRtt: new Float64Array(16),
    firstRttFrame: new Uint32Array(16),
    mruSyn: new Float64Array(16).fill(NaN),
    finSeen: new Uint8Array(16),
    nextseq: new Uint32Array(32),
    nextseqFrame: new Uint32Array(32),
    nextseqTime: new Float64Array(32).fill(-Infinity),
    maxSeqToBeAcked: new Uint32Array(32),
    lastAck: new Uint32Array(32),
    lastAckTime: new Float64Array(32).fill(-Infinity),
    window: new Uint32Array(32).fill(0xffffffff),
    dupAckNum: new Uint32Array(32),
    lastNonDupAck: new Uint32Array(32),
    lastSegFlags: new Uint16Array(32),
    validBif: new Uint8Array(32).fill(1),
    pushBytes: new Uint32Array(32),
    pushSetLast: new Uint8Array(32),
    lists: [],
    spare: [],
    sec0: 0,
    nsec0: 0,
    reader: undefined,
    seg: createTcpSegment(),
    read: 0,
    dissected: 0,
    work: 0,
  };
}

function grown<T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(a: T, min: number, fill?: number): T {
  if (min < a.length) return a;
  let size = a.length;
  while (size <= min) size *= 2;
  const b = new (a.constructor as new (n: number) => T)(size);
  if (fill !== undefined) b.fill(fill);
  b.set(a);
  return b;
}

/** Room for frames up to `frame`: doubling, but never past the frames indexed (exact once indexing is done). */
function ensureFrames(ta: TcpAnalysis, frame: number): void {
  if (frame < ta.flags.length) return;
  const size = Math.max(frame + 1, Math.min(2 * ta.flags.length, ta.internals.index.dataOffset.length + 1));
  const resize = <T extends Uint16Array | Uint32Array>(a: T): T => {
    const b = new (a.constructor as new (n: number) => T)(size);
    b.set(a);
    return b;
  };
  ta.flags = resize(ta.flags);
  ta.ackedDelta = resize(ta.ackedDelta);
  ta.bif = resize(ta.bif);
}

function ensureStream(ta: TcpAnalysis, sid: number): void {
  if (sid < ta.firstRtt.length) return;
  ta.firstRtt = grown(ta.firstRtt, sid);
  ta.firstRttFrame = grown(ta.firstRttFrame, sid);
  ta.mruSyn = grown(ta.mruSyn, sid, NaN);
  ta.finSeen = grown(ta.finSeen, sid);
  const k = 2 * sid + 1;
  ta.nextseq = grown(ta.nextseq, k);
  ta.nextseqFrame = grown(ta.nextseqFrame, k);
  ta.nextseqTime = grown(ta.nextseqTime, k, -Infinity);
  ta.maxSeqToBeAcked = grown(ta.maxSeqToBeAcked, k);
  ta.lastAck = grown(ta.lastAck, k);
  ta.lastAckTime = grown(ta.lastAckTime, k, -Infinity);
  ta.window = grown(ta.window, k, 0xffffffff);
  ta.dupAckNum = grown(ta.dupAckNum, k);
  ta.lastNonDupAck = grown(ta.lastNonDupAck, k);
  ta.lastSegFlags = grown(ta.lastSegFlags, k);
  ta.validBif = grown(ta.validBif, k, 1);
  ta.pushBytes = grown(ta.pushBytes, k);
  ta.pushSetLast = grown(ta.pushSetLast, k);
}

/** The header values of one segment, as the pass reads them. */
interface Header { seq: number; ack: number; flags: number; seglen: number; win: number; sport: number; dport: number }
const hdr: Header = { seq: 0, ack: 0, flags: 0, seglen: 0, win: 0, sport: 0, dport: 0 };

const READ_FIELDS: FieldDef[] = [hfTcpSeqRaw, hfTcpAckRaw, hfTcpFlags, hfTcpLen, hfTcpWindowValue, hfTcpSrcport, hfTcpDstport];
let readKeep: Uint8Array | undefined;

function firstNum(d: Dissection, f: FieldDef): number {
  for (let k = 0; k < d.n; k++) {
    if (d.fid[k] !== f.id) continue;
    const v = entryValue(d, k);
    return typeof v === 'number' ? v : NaN;
  }
  return NaN;
}

/**
 * Frame `f`'s TCP header from the index columns into `hdr`: 1, or 0 when tshark would not analyse
 * it (no segment length), or -1 when the index does not describe it (several TCP headers, one cut
 * short or malformed: readHeader dissects the frame). A frame the first pass found malformed is
 * read again too: the dissection decides whether the damage stops packet-tcp.c.
 */
function headerFromIndex(ix: PacketIndex, f: number): number {
  const i = f - 1;
  const h = ix.hdrFlags.data[i];
  if ((h & TCP_ONE) === 0 || (ix.flags.data[i] & RowFlag.Malformed) !== 0) return -1;
  const len = ix.tcpLen.data[i];
  if (len === 0) return 0;
  const ports = ix.tcpPorts.data[i];
  hdr.seq = ix.tcpSeq.data[i];
  hdr.ack = ix.tcpAck.data[i];
  hdr.flags = h & 0x0fff;
  hdr.seglen = len - 1;
  hdr.win = ix.tcpWin.data[i];
  hdr.sport = ports >>> 16;
  hdr.dport = ports & 0xffff;
  return 1;
}

/** Frame `f`'s TCP header into `hdr`, from the index or else the frame's bytes; false when tshark would not analyse it. */
function frameHeader(ta: TcpAnalysis, f: number, sid: number): boolean {
  const got = headerFromIndex(ta.internals.index, f);
  return got < 0 ? readHeader(ta, f, sid) : got === 1;
}

/** Read frame `f`'s TCP header into `hdr` from its bytes; false when tshark would not analyse it (no segment length). */
function readHeader(ta: TcpAnalysis, f: number, sid: number): boolean {
  const int = ta.internals;
  ta.read++;
  ta.reader ??= createFrameReader(int, { sequential: true });
  const r = ta.reader;
  const bytes = r.bytesOf(f);
  const seg = ta.seg;
  if (simpleFrame(int, f) && readTcpSegment(int, f, sid, bytes, seg)) {
    hdr.seq = seg.rawSeq;
    hdr.ack = seg.rawAck;
    hdr.flags = seg.flags;
    hdr.seglen = seg.seglen;
    hdr.win = seg.win;
    hdr.sport = seg.sport;
    hdr.dport = seg.dport;
    return true;
  }
  if (!readKeep) {
    readKeep = new Uint8Array(allFields().length + 1);
    for (const fd of READ_FIELDS) readKeep[fd.id] = 1;
  }
  const saved = r.d;
  const d = createDissection();
  d.keep = readKeep;
  r.d = d;
  try {
    readFrame(r, f, bytes);
  } finally {
    r.d = saved;
  }
  ta.dissected++;
  const seglen = firstNum(d, hfTcpLen);
  if (Number.isNaN(seglen)) return false;
  // A header or option list cut short or malformed stops packet-tcp.c (an exception) before its analysis.
  if (d.malformed?.startsWith('TCP:')) return false;
  hdr.seq = firstNum(d, hfTcpSeqRaw) >>> 0;
  hdr.ack = firstNum(d, hfTcpAckRaw) >>> 0;
  hdr.flags = firstNum(d, hfTcpFlags) & 0x0fff;
  hdr.seglen = seglen;
  hdr.win = firstNum(d, hfTcpWindowValue);
  hdr.sport = firstNum(d, hfTcpSrcport);
  hdr.dport = firstNum(d, hfTcpDstport);
  return !Number.isNaN(hdr.win);
}

const headerText = (ok: boolean): string => (ok ? `${hdr.seq} ${hdr.ack} ${hdr.flags} ${hdr.seglen} ${hdr.win} ${hdr.sport} ${hdr.dport}` : 'not analysed');

/**
 * Frame `f`'s header as the index columns give it ('read' when they do not describe it) and as
 * its bytes give it, for test/tcp-analysis/index-header.test.ts.
 */
export function headerSources(ta: TcpAnalysis, f: number, sid: number): { index: string; bytes: string } {
  const got = headerFromIndex(ta.internals.index, f);
  const index = got < 0 ? 'read' : headerText(got === 1);
  return { index, bytes: headerText(readHeader(ta, f, sid)) };
}

function frameNs(ta: TcpAnalysis, f: number): number {
  const ix = ta.internals.index;
  return (ix.tsSec.data[f - 1] - ta.sec0) * 1e9 + (ix.tsNsec.data[f - 1] - ta.nsec0);
}

/** Analyse frames up to `upTo` (clamped to the frames indexed so far). */
export function analyseTo(ta: TcpAnalysis, upTo: number): void {
  const int = ta.internals;
  const n = Math.min(upTo, int.index.dataOffset.length);
  if (n <= ta.done) return;
  if (ta.done === 0 && n > 0) {
    ta.sec0 = int.index.tsSec.data[0];
    ta.nsec0 = int.index.tsNsec.data[0];
  }
  ensureFrames(ta, n);
  const fs = int.conv.frameStream;
  for (let f = ta.done + 1; f <= n; f++) {
    const sid = f < fs.length ? fs[f] : -1;
    if (sid >= 0 && frameHeader(ta, f, sid)) analyseFrame(ta, f, sid, int.conv.frameDir[f]);
  }
  ta.done = n;
}

/**
 * Frames a caller that must not wait (the table's rows) may have analysed on demand past the
 * pass's frontier; rows farther ahead wait for the background pass (runTcpAnalysis in
 * session.ts). So a rows page costs at most this many frames of analysis wherever it is: about
 * 10–20 ms here, while a jump to the end of a 10 M-frame capture would cost the whole pass.
 */
export const ANALYSE_AHEAD = 20_000;

/** Whether frame `f` is analysed, analysing up to `ahead` frames past the frontier to get there. */
export function analysedWithin(ta: TcpAnalysis, f: number, ahead = ANALYSE_AHEAD): boolean {
  if (f <= ta.done) return true;
  if (f - ta.done > ahead) return false;
  analyseTo(ta, f);
  return f <= ta.done;
}

function analyseFrame(ta: TcpAnalysis, f: number, sid: number, dir: number): void {
  ensureStream(ta, sid);
  const { seq, ack, seglen, win } = hdr;
  const flags = hdr.flags;
  const t = frameNs(ta, f);
  const fwd = 2 * sid + dir;
  const rev = fwd ^ 1;
  let fl = 0;
  const reuse = ta.internals.conv.portReuse;
  if (reuse.size !== 0 && reuse.has(f)) fl |= TaFlag.reusedPorts;

  // Connection events (Expert Information chats) and the handshake RTT (packet-tcp.c
  // dissect_tcp: SYN time, then the first pure ACK after it).
  if ((flags & (TH_SYN | TH_ACK)) === TH_SYN) {
    // A SYN stamped at the epoch itself counts as no SYN time (packet-tcp.c tests the time for zero).
    const ix = ta.internals.index;
    ta.mruSyn[sid] = ix.tsSec.data[f - 1] === 0 && ix.tsNsec.data[f - 1] === 0 ? NaN : t;
    sparsePush(ta.conn, f, ConnEvent.syn, hdr.dport);
  } else if ((flags & (TH_SYN | TH_ACK)) === (TH_SYN | TH_ACK)) {
    sparsePush(ta.conn, f, ConnEvent.synAck, hdr.sport);
  }
  if (flags & TH_FIN) {
    // The direction of the first FIN closes the connection, the other one follows (every FIN counts).
    if (ta.finSeen[sid] === 0) ta.finSeen[sid] = dir + 1;
    sparsePush(ta.conn, f, ta.finSeen[sid] === dir + 1 ? ConnEvent.finActive : ConnEvent.finPassive);
    sparsePush(ta.conn, f, ConnEvent.fin);
  }
  if (flags & TH_RST) sparsePush(ta.conn, f, ConnEvent.rst);
  if ((flags & (TH_SYN | TH_ACK)) === TH_ACK && ta.firstRtt[sid] === 0 && !Number.isNaN(ta.mruSyn[sid])) {
    const rtt = t - ta.mruSyn[sid];
    if (rtt !== 0) {
      ta.firstRtt[sid] = rtt;
      ta.firstRttFrame[sid] = f;
    }
  }

  if (flags & TH_ACK) ta.validBif[rev] = 1;
  const nextseq = ta.nextseq[fwd];
  analysis: {
    if (seglen === 1 && seq === nextseq && ta.window[rev] === 0) {
      fl |= TaFlag.zeroWindowProbe;
      break analysis;
    }
    if (win === 0 && (flags & SFR) === 0) fl |= TaFlag.zeroWindow;
    if (nextseq !== 0 && gtSeq(seq, nextseq) && (flags & TH_RST) === 0) {
      fl |= TaFlag.lostSegment;
      ta.validBif[fwd] = 0;
    }
    const plain = (flags & SFR) === 0;
    if (seglen <= 1 && seq === ((nextseq - 1) >>> 0) && plain) fl |= TaFlag.keepAlive;
    const sameSeqAck = seglen === 0 && seq === nextseq && ack === ta.lastAck[fwd] && plain;
    if (sameSeqAck && win !== 0 && win !== ta.window[fwd]) fl |= TaFlag.windowUpdate;
    if (seglen > 0 && plain) {
      const ws = tcpWindowScale(ta.internals.conv, sid, dir ^ 1, f);
      if (ws !== -1) {
        // ws ≤ 14 (conversations.ts): the product stays below 2^30.
        const edge = (ta.lastAck[rev] + ta.window[rev] * (ws === -2 ? 1 : 1 << ws)) >>> 0;
        if (((seq + seglen) >>> 0) === edge) fl |= TaFlag.windowFull;
      }
    }
    if (sameSeqAck && win !== 0 && win === ta.window[fwd] && ta.lastSegFlags[rev] & TaFlag.keepAlive) {
      fl |= TaFlag.keepAliveAck;
      break analysis;
    }
    if (sameSeqAck && win === 0 && ta.window[fwd] === 0 && ta.lastSegFlags[rev] & TaFlag.zeroWindowProbe) {
      fl |= TaFlag.zeroWindowProbeAck;
      break analysis;
    }
    if (sameSeqAck && win !== 0 && win === ta.window[fwd]) {
      ta.dupAckNum[fwd]++;
      fl |= TaFlag.duplicateAck;
      sparsePush(ta.dupAck, f, ta.dupAckNum[fwd], ta.lastNonDupAck[fwd]);
    }
  }
  // The duplicate-ACK run restarts when the ACK number moves.
  if (ack !== ta.lastAck[fwd]) {
    ta.lastNonDupAck[fwd] = f;
    ta.dupAckNum[fwd] = 0;
  }

  const maxRev = ta.maxSeqToBeAcked[rev];
  if (maxRev !== 0 && gtSeq(ack, maxRev) && flags & TH_ACK) {
    fl |= TaFlag.ackLostSegment;
    ta.maxSeqToBeAcked[rev] = ta.nextseq[rev];
  }

  if ((seglen > 0 || flags & (TH_SYN | TH_FIN)) && !(fl & TaFlag.keepAlive)) {
    let notAdvanced = nextseq !== 0 && ltSeq(seq, nextseq);
    if (seglen > 1 && ((nextseq - 1) >>> 0) === seq) notAdvanced = false;
    const sinceAck = t - ta.lastAckTime[rev];
    const sinceNext = t - ta.nextseqTime[fwd];
    const firstRtt = ta.firstRtt[sid];
    const oooThreshold = firstRtt !== 0 ? firstRtt : OOO_DEFAULT_NS;
    // packet-tcp.c keeps these deltas unsigned: a negative one (time going back) never passes.
    if (notAdvanced && ta.dupAckNum[rev] >= 2 && ta.lastAck[rev] === seq && sinceAck >= 0 && sinceAck < FAST_RETRANS_NS) {
      fl |= TaFlag.fastRetransmission;
    } else if (notAdvanced && sinceNext >= 0 && sinceNext < oooThreshold && nextseq !== ((seq + seglen + (flags & (TH_SYN | TH_FIN) ? 1 : 0)) >>> 0)) {
      fl |= TaFlag.outOfOrder;
    } else if (seglen > 0 && ta.lastAck[rev] !== 0 && leSeq((seq + seglen) >>> 0, ta.lastAck[rev])) {
      fl |= TaFlag.spuriousRetransmission;
    } else if (notAdvanced) {
      fl |= TaFlag.retransmission;
      sparsePush(ta.rto, f, oldestUnacked(ta, ta.lists[fwd]) || ta.nextseqFrame[fwd]);
    }
  }

  // This segment joins the unacknowledged ones (SYN and FIN count one sequence number).
  let next = (seq + seglen) >>> 0;
  let list = ta.lists[fwd];
  if ((seglen > 0 || flags & (TH_SYN | TH_FIN)) && (list?.count ?? 0) < MAX_UNACKED) {
    if (flags & (TH_SYN | TH_FIN)) next = (next + 1) >>> 0;
    if (!list) {
      list = { bySeq: [], byNext: [], byFrame: [], head: 0, count: 0, refRaw: seq, refU: 0 };
      ta.lists[fwd] = list;
    } else if (list.count === 0) {
      // An emptied list starts its line again, as a new one would.
      list.refRaw = seq;
      list.refU = 0;
    }
    const u = unwrap(list, seq);
    list.refRaw = seq;
    list.refU = u;
    const s = newSeg(ta, u, u + ((next - seq) >>> 0), f, t);
    heapPush(list.bySeq, s, bySeqKey);
    heapPush(list.byNext, s, byNextKey);
    skipAcked(ta, list);
    list.byFrame.push(s);
    list.count++;
    ta.work += 2;
  }
  const zwp = (fl & TaFlag.zeroWindowProbe) !== 0;
  if ((gtSeq(next, ta.nextseq[fwd]) || ta.nextseq[fwd] === 0) && !zwp) {
    ta.nextseq[fwd] = next;
    ta.nextseqFrame[fwd] = f;
    ta.nextseqTime[fwd] = t;
  }
  if ((seq === ta.maxSeqToBeAcked[fwd] || ta.maxSeqToBeAcked[fwd] === 0) && !zwp) ta.maxSeqToBeAcked[fwd] = ta.nextseq[fwd];
  ta.window[fwd] = win;
  ta.lastAck[fwd] = ack;
  ta.lastAckTime[fwd] = t;
  ta.lastSegFlags[fwd] = fl;

  // The segments of the other direction this ACK covers (every ACK field, as packet-tcp.c).
  const acked = ackSegments(ta, rev, ack);
  if (acked > 0) {
    const delta = f - acked;
    if (delta <= 0xffff) ta.ackedDelta[f] = delta;
    else sparsePush(ta.ackedFar, f, acked);
  }

  // Bytes in flight after this frame and bytes since the last PSH (packet-tcp.c, same step).
  list = ta.lists[fwd];
  if (seglen !== 0 && list && list.count > 0 && ta.validBif[fwd]) {
    const top = list.bySeq[0];
    let hi = list.byNext[0];
    while (hi.dead) {
      heapPop(list.byNext, byNextKey);
      ta.work++;
      hi = list.byNext[0];
    }
    const inFlight = hi.next - top.seq;
    const bif = inFlight > 0 && inFlight < 2000000000 ? inFlight : 0;
    const psh = (flags & TH_PUSH) !== 0;
    // The count restarts after a segment with PSH, and accumulates otherwise.
    ta.pushBytes[fwd] = ta.pushSetLast[fwd] ? seglen : ta.pushBytes[fwd] + seglen;
    ta.pushSetLast[fwd] = psh ? 1 : 0;
    ta.bif[f] = bif;
    if (ta.pushBytes[fwd] !== bif) sparsePush(ta.push, f, ta.pushBytes[fwd]);
    fl |= BIF_BLOCK;
  }
  ta.flags[f] = fl;
}

/**
 * Frame of the oldest segment still unacknowledged (0: none). Segments join in frame order and
 * leave only acknowledged (dead): the first live one of `byFrame`. A walk over the list was up
 * to MAX_UNACKED steps per retransmission (shape f of the bench: a reversed stream is one
 * retransmission per segment).
 */
function oldestUnacked(ta: TcpAnalysis, l: SegList | undefined): number {
  if (!l) return 0;
  skipAcked(ta, l);
  return l.head < l.byFrame.length ? l.byFrame[l.head].frame : 0;
}

/**
 * Move `head` past the acknowledged segments. Acknowledged ones behind a live one (a segment past
 * a gap that is never acknowledged) are dropped once they outnumber the live ones: the array
 * holds at most about twice the live segments, each step amortised O(1) a segment.
 */
function skipAcked(ta: TcpAnalysis, l: SegList): void {
  let q = l.byFrame;
  while (l.head < q.length && q[l.head].dead) {
    l.head++;
    ta.work++;
  }
  if (q.length - l.head > 2 * l.count + 1024 || (l.head > 1024 && l.head * 2 > q.length)) {
    q = q.slice(l.head).filter((x) => !x.dead);
    ta.work += l.byFrame.length - l.head;
    l.byFrame = q;
    l.head = 0;
  }
}

/**
 * Remove the segments of direction `k` that `ack` acknowledges and trim those it covers in
 * part. Returns the frame of the oldest segment it acknowledges exactly (tshark's acks_frame), or 0.
 */
function ackSegments(ta: TcpAnalysis, k: number, ack: number): number {
  const list = ta.lists[k];
  if (!list || list.count === 0) return 0;
  const a = unwrap(list, ack);
  let acked = 0;
  let trimmed: Seg[] | undefined;
  while (list.bySeq.length > 0 && list.bySeq[0].seq < a) {
    const s = heapPop(list.bySeq, bySeqKey) as Seg;
    ta.work++;
    if (s.next <= a) {
      if (s.next === a && (acked === 0 || s.frame < acked)) acked = s.frame;
      s.dead = true;
      list.count--;
    } else {
      s.seq = a;
      (trimmed ??= []).push(s);
    }
  }
  if (trimmed) for (const s of trimmed) heapPush(list.bySeq, s, bySeqKey);
  if (list.count === 0) clearList(ta, list);
  return acked;
}

/** Segments kept for reuse at most (a list emptied after a long run frees more). */
const MAX_SPARE = 64;

function newSeg(ta: TcpAnalysis, seq: number, next: number, frame: number, t: number): Seg {
  const s = ta.spare.pop();
  if (s === undefined) return { seq, next, frame, t, dead: false };
  s.seq = seq;
  s.next = next;
  s.frame = frame;
  s.t = t;
  s.dead = false;
  return s;
}

/** Empty `list` (every segment acknowledged: bySeq is empty, byNext and byFrame hold dead ones only). */
function clearList(ta: TcpAnalysis, list: SegList): void {
  // pop, not `length = 0` (a runtime call): the arrays mostly hold one segment.
  const q = list.byFrame;
  while (q.length > 0) {
    const s = q.pop() as Seg;
    if (ta.spare.length < MAX_SPARE) ta.spare.push(s);
  }
  while (list.byNext.length > 0) list.byNext.pop();
  list.head = 0;
}

/** What the pass found for one frame (after analyseTo covered it). */
export interface FrameAnalysis {
  /** TaFlag bits. */
  flags: number;
  acksFrame: number;
  /** ACK RTT in ns (shown when non-zero and acksFrame is set). */
  ackRttNs: number;
  bytesInFlight: number;
  pushBytesSent: number;
  dupAckNum: number;
  dupAckFrame: number;
  rtoFrame: number;
  rtoNs: number;
  initialRttNs: number;
}

/**
 * Frame `f`'s analysis flags (frameAnalysis's `flags`), 0 where it has none or is not analysed:
 * the Info tags of a page's rows need only these, and frameAnalysis builds an object per frame.
 */
export function frameAnalysisFlags(ta: TcpAnalysis, f: number): number {
  analyseTo(ta, f);
  return f > ta.done || f < 1 ? 0 : ta.flags[f] & ANALYSIS_FLAGS;
}

/** The analysis of frame `f`, or undefined when tshark shows no SEQ/ACK analysis for it. */
export function frameAnalysis(ta: TcpAnalysis, f: number): FrameAnalysis | undefined {
  analyseTo(ta, f);
  if (f > ta.done || f < 1) return undefined;
  const bits = ta.flags[f];
  let acksFrame = ta.ackedDelta[f] !== 0 ? f - ta.ackedDelta[f] : 0;
  if (acksFrame === 0 && ta.ackedFar.n > 0) {
    const k = sparseFind(ta.ackedFar, f);
    if (k >= 0) acksFrame = ta.ackedFar.a[k];
  }
  if (bits === 0 && acksFrame === 0) return undefined;
  const out: FrameAnalysis = {
    flags: bits & ANALYSIS_FLAGS, acksFrame, ackRttNs: 0, bytesInFlight: 0, pushBytesSent: 0,
    dupAckNum: 0, dupAckFrame: 0, rtoFrame: 0, rtoNs: 0, initialRttNs: 0,
  };
  if (acksFrame > 0) out.ackRttNs = frameNs(ta, f) - frameNs(ta, acksFrame);
  if (bits & BIF_BLOCK) {
    out.bytesInFlight = ta.bif[f];
    const k = sparseFind(ta.push, f);
    out.pushBytesSent = k >= 0 ? ta.push.a[k] : out.bytesInFlight;
  }
  if (bits & TaFlag.duplicateAck) {
    const k = sparseFind(ta.dupAck, f);
    if (k >= 0) {
      out.dupAckNum = ta.dupAck.a[k];
      out.dupAckFrame = ta.dupAck.b[k];
    }
  }
  if (bits & TaFlag.retransmission) {
    const k = sparseFind(ta.rto, f);
    if (k >= 0) {
      out.rtoFrame = ta.rto.a[k];
      out.rtoNs = frameNs(ta, f) - frameNs(ta, out.rtoFrame);
    }
  }
  const sid = ta.internals.conv.frameStream[f];
  if (sid >= 0 && sid < ta.firstRtt.length && ta.firstRtt[sid] !== 0 && ta.firstRttFrame[sid] <= f) out.initialRttNs = ta.firstRtt[sid];
  return out;
}

/** Connection event of frame `f` (ConnEvent and server port), or undefined. */
export function connectionEvents(ta: TcpAnalysis): Sparse {
  return ta.conn;
}

/** Bytes the pass keeps (per-frame columns, sparse columns, per-stream state), for the budget test. */
export function tcpAnalysisBytes(ta: TcpAnalysis): number {
  let n = ta.flags.byteLength + ta.ackedDelta.byteLength + ta.bif.byteLength;
  for (const s of [ta.ackedFar, ta.push, ta.dupAck, ta.rto, ta.conn]) n += sparseBytes(s);
  for (const a of [ta.firstRtt, ta.firstRttFrame, ta.mruSyn, ta.finSeen, ta.nextseq, ta.nextseqFrame, ta.nextseqTime, ta.maxSeqToBeAcked,
    ta.lastAck, ta.lastAckTime, ta.window, ta.dupAckNum, ta.lastNonDupAck, ta.lastSegFlags, ta.validBif, ta.pushBytes, ta.pushSetLast]) n += a.byteLength;
  return n;
}
