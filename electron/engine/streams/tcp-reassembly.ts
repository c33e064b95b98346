/**
 * TCP and UDP conversations as ByteStreams, agreeing byte for byte with `tshark -z follow,tcp`.
 *
 * TCP follows Wireshark 4.0's follow tap (packet-tcp.c follow_tcp_tap_listener and
 * check_follow_fragments), per direction:
 * - the client is the source of the stream's first frame (tshark's "Node 0");
 * - the next expected sequence number starts at the first segment's (relative) sequence
 *   number (+1 for a SYN);
 * - a segment starting before it contributes only its unseen tail (first-seen data wins on
 *   overlaps; pure retransmissions and keep-alives contribute nothing);
 * - a segment starting after it is kept aside (out of order) and inserted when the gap closes:
 *   of the kept fragments that start at or before the next expected byte, the first to arrive
 *   goes first (Wireshark rescans its list for that; two heaps find it in O(log n));
 * - when the other direction acknowledges beyond the lowest kept fragment, the missing bytes
 *   were seen by the receiver but not captured: a gap chunk (`[N bytes missing in capture
 *   file]` in tshark's output) is emitted and the stream resumes at that fragment.
 * Bytes a segment lost to the snapshot length advance the sequence but are not data: they
 * become the chunk's `truncated` count. A direction holds at most `oooLimit` (64 MiB) out of
 * order, beyond which it resumes at its lowest kept fragment with a gap and a note (tshark has
 * no limit; captures that reach it are ones it would hold in memory whole).
 *
 * Frames are found by the per-frame stream id the index pass recorded (conversations.ts), then
 * re-read and dissected in revisit mode with only the TCP/UDP/IP fields recorded.
 */
import type { CaptureInternals } from '../capture.ts';
import { createDissection, type Dissection } from '../dissectors/dissection.ts';
import { dissectPacket, revisitContext, type FrameMeta, type PacketContext } from '../dissectors/packet.ts';
import { hfIpDst, hfIpSrc } from '../dissectors/ipv4.ts';
import { hfIpv6Dst, hfIpv6Src } from '../dissectors/ipv6.ts';
import { hfTcpAck, hfTcpDstport, hfTcpFlags, hfTcpLen, hfTcpPayload, hfTcpSeq, hfTcpSrcport } from '../dissectors/tcp.ts';
import { hfUdpDstport, hfUdpPayload, hfUdpSrcport } from '../dissectors/udp.ts';
import { entryBytes, entryValue, formatFieldValue } from '../dissectors/values.ts';
import { allFields, type FieldDef } from '../fields/registry.ts';
import { frameMeta, type PacketIndex } from '../index/packet-index.ts';
import { windowedReader } from '../io/capture-source.ts';
import { gatheredFrames, type FrameSpans } from './frame-gather.ts';
import { createTcpSegment, readTcpSegment, simpleFrame } from './tcp-segment.ts';
import type { ByteStream, StreamChunk, StreamDir } from './byte-stream.ts';
import { streamDirOf, tcpStreamOf, udpStreamOf, type ConversationTable } from './conversations.ts';

type PacketInternals = Extract<CaptureInternals, { kind: 'packets' }>;

const TH_SYN = 0x02;

/** Sequence-space comparisons modulo 2^32 (packet-tcp.h LT_SEQ/GT_SEQ). */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

interface Fragment {
  seq: number;
  /** `seq` unwrapped onto the direction's monotonic byte axis (FragmentQueue.base). */
  key: number;
  /** Arrival number within the direction: among fragments that fit, the first to arrive wins. */
  order: number;
  bytes: Uint8Array;
  event: number;
  time: number;
  truncated: number;
}

/**
 * Out-of-order segments of one direction. Wireshark keeps them in one list and rescans it per
 * segment (O(n) each, O(n²) for a reversed stream); here two binary heaps give the same choice
 * in O(log n): `bySeq` (min key) holds fragments beyond the next expected byte, `ready` (min
 * arrival) those that now start at or before it, of which check_follow_fragments takes the
 * first-arrived one.
 */
export interface FragmentQueue {
  bySeq: Fragment[];
  ready: Fragment[];
  /** Payload bytes held (copies: a kept fragment never pins a read window). */
  held: number;
  arrivals: number;
  /** Unwrapped value of the next expected sequence number (st.seq[dir]), so keys never wrap. */
  base: number;
  /** Key → longest fragment stored there: an identical or shorter later copy can never contribute. */
  longest: Map<number, number>;
  /** Times the held bytes exceeded the limit and the lowest fragment was taken as resuming after a gap. */
  overLimit: number;
  /**
   * Where kept fragments are copied: one buffer shared by consecutive small fragments instead of
   * an ArrayBuffer each (allocating one per segment was most of a reversed stream's cost). A slab
   * lives while any fragment in it does: at most FRAGMENT_SLAB_BYTES beyond `held` per live slab.
   */
  slab: Uint8Array;
  slabUsed: number;
}

export const FRAGMENT_SLAB_BYTES = 256 * 1024;
/** Fragments at least this long get their own copy (a slab would hold mostly one fragment). */
const OWN_COPY_BYTES = 16 * 1024;
const NO_SLAB = new Uint8Array(0);

/** A copy of `b` that does not pin the frame's read window (see FragmentQueue.slab). */
function keepCopy(q: FragmentQueue, b: Uint8Array): Uint8Array {
  const n = b.length;
  if (n >= OWN_COPY_BYTES) return b.slice();
  if (q.slabUsed + n > q.slab.length) {
    q.slab = new Uint8Array(FRAGMENT_SLAB_BYTES);
    q.slabUsed = 0;
  }
  const at = q.slabUsed;
  q.slab.set(b, at);
  q.slabUsed = at + n;
  return q.slab.subarray(at, at + n);
}

/** Default bound of out-of-order bytes held per direction (TcpFollowState.oooLimit). */
export const OUT_OF_ORDER_LIMIT = 64 * 1024 * 1024;

/** Follow state of one TCP stream (both directions). */
export interface TcpFollowState {
  stream: ByteStream;
  /** Frame direction bit (conversations.ts) of the client, -1 until the first frame. */
  clientBit: number;
  /** Next expected relative sequence number per direction (change it only through setSeq). */
  seq: [number, number];
  written: [number, number];
  frags: [FragmentQueue, FragmentQueue];
  /** Byte position per direction (data + gaps + truncated), for StreamChunk.seq. */
  pos: [number, number];
  /** Called for every chunk as it is appended (incremental consumers such as HTTP). */
  onChunk?: (c: StreamChunk) => void;
  /** False: chunks go only to onChunk, the stream keeps none (whole-capture scans). */
  keepChunks: boolean;
  /** Out-of-order bytes a direction may hold; beyond it the lowest held fragment resumes the stream after a gap. */
  oooLimit: number;
  /** Reassembly work done: heap comparisons plus fragment checks (the complexity test counts it). */
  work: number;
}

function fragmentQueue(): FragmentQueue {
  return { bySeq: [], ready: [], held: 0, arrivals: 0, base: 0, longest: new Map(), overLimit: 0, slab: NO_SLAB, slabUsed: 0 };
}

export function createTcpFollowState(id: string): TcpFollowState {
  return {
    stream: { id, kind: 'tcp', client: '', server: '', chunks: [], notes: [] },
    clientBit: -1,
    seq: [0, 0],
    written: [0, 0],
    frags: [fragmentQueue(), fragmentQueue()],
    pos: [0, 0],
    keepChunks: true,
    oooLimit: OUT_OF_ORDER_LIMIT,
    work: 0,
  };
}

/** Out-of-order fragments a direction still holds. */
export function heldFragments(st: TcpFollowState, dir: StreamDir): number {
  return st.frags[dir].bySeq.length + st.frags[dir].ready.length;
}

// ---- binary heaps (arrays; `before(a, b)`: a leaves first) --------------------------------

function heapPush(h: Fragment[], f: Fragment, before: (a: Fragment, b: Fragment) => boolean, st: TcpFollowState): void {
  let i = h.length;
  h.push(f);
  while (i > 0) {
    const p = (i - 1) >> 1;
    st.work++;
    if (!before(f, h[p])) break;
    h[i] = h[p];
    i = p;
  }
  h[i] = f;
}

function heapPop(h: Fragment[], before: (a: Fragment, b: Fragment) => boolean, st: TcpFollowState): Fragment {
  const top = h[0];
  const last = h.pop() as Fragment;
  const n = h.length;
  if (n === 0) return top;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    let c = l;
    if (l + 1 < n) {
      st.work++;
      if (before(h[l + 1], h[l])) c = l + 1;
    }
    st.work++;
    if (!before(h[c], last)) break;
    h[i] = h[c];
    i = c;
  }
  h[i] = last;
  return top;
}

const lowerKey = (a: Fragment, b: Fragment): boolean => a.key < b.key;
const earlier = (a: Fragment, b: Fragment): boolean => a.order < b.order;

// ---- the follow tap -----------------------------------------------------------------------

/** Set the next expected sequence number, moving the unwrapped base along (modulo 2^32). */
function setSeq(st: TcpFollowState, dir: StreamDir, seq: number): void {
  st.frags[dir].base += seqDiff(seq, st.seq[dir]);
  st.seq[dir] = seq >>> 0;
}

function emit(st: TcpFollowState, c: StreamChunk): void {
  c.seq = st.pos[c.dir];
  st.pos[c.dir] += c.bytes.length + (c.gap ?? 0) + (c.truncated ?? 0);
  if (st.keepChunks) st.stream.chunks.push(c);
  st.onChunk?.(c);
}

/** check_follow_fragments: place one kept fragment if it now fits; true when something changed. */
function checkFragments(st: TcpFollowState, dir: StreamDir, acknowledged: number, event: number, time: number, useAck: boolean): boolean {
  const q = st.frags[dir];
  st.work++;
  while (q.bySeq.length > 0 && q.bySeq[0].key <= q.base) {
    const f = heapPop(q.bySeq, lowerKey, st);
    q.longest.delete(f.key);
    heapPush(q.ready, f, earlier, st);
  }
  if (q.ready.length > 0) {
    const f = heapPop(q.ready, earlier, st);
    q.held -= f.bytes.length;
    if (seqDiff(f.seq, st.seq[dir]) < 0) {
      const newEnd = (f.seq + f.bytes.length) >>> 0;
      if (seqDiff(newEnd, st.seq[dir]) > 0) {
        const at = (st.seq[dir] - f.seq) >>> 0;
        if (f.bytes.length > at) emit(st, { dir, event: f.event, time: f.time, bytes: f.bytes.subarray(at), seq: 0 });
        setSeq(st, dir, st.seq[dir] + f.bytes.length - at);
      }
    } else {
      if (f.bytes.length > 0 || f.truncated > 0) {
        const c: StreamChunk = { dir, event: f.event, time: f.time, bytes: f.bytes, seq: 0 };
        if (f.truncated > 0) c.truncated = f.truncated;
        emit(st, c);
      }
      // Wireshark advances by the captured bytes of a kept fragment.
      setSeq(st, dir, st.seq[dir] + f.bytes.length);
    }
    return true;
  }
  if (q.bySeq.length === 0) return false;
  const lowest = q.bySeq[0].seq;
  if (useAck && seqDiff(acknowledged, lowest) > 0) {
    const missing = (lowest - st.seq[dir]) | 0;
    emit(st, { dir, event, time, bytes: new Uint8Array(0), gap: missing, seq: 0 });
    setSeq(st, dir, lowest);
    return true;
  }
  return false;
}

/** Keep a segment that starts beyond the next expected byte, unless an identical or longer copy is already kept there. */
function keepFragment(st: TcpFollowState, dir: StreamDir, f: Omit<Fragment, 'key' | 'order'>): void {
  const q = st.frags[dir];
  const key = q.base + seqDiff(f.seq, st.seq[dir]);
  const had = q.longest.get(key);
  if (had !== undefined && had >= f.bytes.length) return;
  q.longest.set(key, f.bytes.length);
  q.held += f.bytes.length;
  // A literal, not a spread of `f`: the spread took V8's slow path for every kept segment.
  const kept: Fragment = { seq: f.seq, key, order: q.arrivals++, bytes: keepCopy(q, f.bytes), event: f.event, time: f.time, truncated: f.truncated };
  heapPush(q.bySeq, kept, lowerKey, st);
}

/**
 * Over the limit: treat the bytes before the lowest kept fragment as missing (as if the
 * receiver had acknowledged it) and place what then fits, so held memory stays bounded.
 */
function resumeAtLowest(st: TcpFollowState, dir: StreamDir, event: number, time: number): void {
  const q = st.frags[dir];
  const lowest = q.bySeq[0].seq;
  if (q.overLimit++ === 0) {
    const mib = Math.round(st.oooLimit / 1048576);
    st.stream.notes.push(
      `${dir === 0 ? 'client → server' : 'server → client'}: more than ${mib} MiB out of order at frame ${event}; `
      + `the ${(lowest - st.seq[dir]) >>> 0} bytes before the lowest held segment are shown as missing to stay within the limit (later cases are not noted)`,
    );
  }
  checkFragments(st, dir, (lowest + 1) >>> 0, event, time, true);
  while (checkFragments(st, dir, 0, event, time, false));
}

/**
 * One TCP segment of the stream, as the follow tap sees it. `seq`/`ack` are tshark's relative
 * numbers; `seglen` the reported segment length; `payload` the captured payload bytes.
 */
export function tcpFollowSegment(
  st: TcpFollowState, frameBit: number, event: number, time: number,
  seq: number, ack: number, flags: number, seglen: number, payload: Uint8Array,
): void {
  if (st.clientBit < 0) st.clientBit = frameBit;
  const dir: StreamDir = frameBit === st.clientBit ? 0 : 1;
  const other: StreamDir = dir === 0 ? 1 : 0;
  let sequence = seq >>> 0;
  if (flags & TH_SYN) sequence = (sequence + 1) >>> 0;

  // This frame may acknowledge data of the other direction that the capture missed.
  if (st.frags[other].bySeq.length > 0) {
    while (checkFragments(st, other, ack >>> 0, event, time, true));
  }
  if (st.written[dir] === 0 && st.seq[dir] === 0) setSeq(st, dir, sequence);

  for (;;) {
    let length = seglen;
    let data = payload;
    let start = sequence;
    if (seqDiff(start, st.seq[dir]) < 0) {
      const nextseq = (start + length) >>> 0;
      if (seqDiff(nextseq, st.seq[dir]) > 0) {
        const skip = (st.seq[dir] - start) >>> 0;
        data = data.length <= skip ? data.subarray(data.length) : data.subarray(skip);
        start = st.seq[dir];
        length = (nextseq - st.seq[dir]) >>> 0;
      }
    }
    if (data.length === 0 || seqDiff(start, st.seq[dir]) < 0) return;
    const truncated = Math.max(0, length - data.length);
    if (start === st.seq[dir]) {
      setSeq(st, dir, st.seq[dir] + length);
      st.written[dir] += data.length;
      const c: StreamChunk = { dir, event, time, bytes: data, seq: 0 };
      if (truncated > 0) c.truncated = truncated;
      emit(st, c);
      while (checkFragments(st, dir, 0, event, time, false));
      return;
    }
    const q = st.frags[dir];
    if (q.held + data.length <= st.oooLimit || q.bySeq.length === 0) {
      keepFragment(st, dir, { seq: start, bytes: data, event, time, truncated });
      return;
    }
    // The stream moved on: place this segment again against the new next expected byte.
    resumeAtLowest(st, dir, event, time);
  }
}

// ---- frame access -------------------------------------------------------------------------

export interface FrameReader {
  d: Dissection;
  bytesOf: (event: number) => Uint8Array;
  ctx: PacketContext;
  meta: FrameMeta;
  internals: PacketInternals;
}

/** The fields the stream layer reads (the keep mask: nothing else is recorded). */
const STREAM_FIELDS: FieldDef[] = [
  hfTcpSeq, hfTcpAck, hfTcpFlags, hfTcpLen, hfTcpPayload, hfTcpSrcport, hfTcpDstport,
  hfUdpSrcport, hfUdpDstport, hfUdpPayload, hfIpSrc, hfIpDst, hfIpv6Src, hfIpv6Dst,
];
let streamKeep: Uint8Array | undefined;

/**
 * `sequential`: frames will be read in file order by a one-pass scan whose consumers copy what
 * they keep (the HTTP scan): they are read through a 1 MiB window (one read per window, not per
 * frame). Not for stream building, whose chunks would keep every window alive.
 */
export function createFrameReader(internals: PacketInternals, opts: { sequential?: boolean } = {}): FrameReader {
  const d = createDissection();
  // Record only the stream fields. `summary` stays false, so TCP/IPv4 still compute every
  // header field they need (the index pass alone skips them), and the layers above TCP add
  // nothing the mask does not keep.
  if (!streamKeep) {
    let max = 0;
    for (const f of STREAM_FIELDS) max = Math.max(max, f.id);
    streamKeep = new Uint8Array(Math.max(max + 1, allFields().length + 1));
    for (const f of STREAM_FIELDS) streamKeep[f.id] = 1;
  }
  d.keep = streamKeep;
  const ix = internals.index;
  const readAt = opts.sequential ? internals.readAt : undefined;
  const win = readAt ? windowedReader({ read: readAt, close: () => {} }) : undefined;
  return {
    d,
    bytesOf: win ? (event) => win(ix.dataOffset.data[event - 1], ix.capLen.data[event - 1]) : (event) => internals.frameBytes(event),
    ctx: revisitContext(internals.conv, false),
    meta: { number: 0, tsSec: 0, tsNsec: 0, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0 },
    internals,
  };
}

/** Re-dissect frame `event` (1-based) with the stream fields only. */
export function readFrame(r: FrameReader, event: number, bytes?: Uint8Array): void {
  dissectPacket(r.d, frameMeta(r.internals.index, event, r.meta), bytes ?? r.bytesOf(event), r.ctx);
}

function find(d: Dissection, f: FieldDef): number {
  const id = f.id;
  for (let k = 0; k < d.n; k++) if (d.fid[k] === id) return k;
  return -1;
}

function numOf(d: Dissection, f: FieldDef): number {
  const k = find(d, f);
  if (k < 0) return NaN;
  const v = entryValue(d, k);
  return typeof v === 'number' ? v : NaN;
}

/** The captured TCP payload of the frame last read (readFrame); empty when it has none. */
export function tcpPayloadOf(r: FrameReader): Uint8Array {
  const pk = find(r.d, hfTcpPayload);
  return pk >= 0 ? entryBytes(r.d, pk) : new Uint8Array(0);
}

/** `addr:port` of the frame's source or destination, as tshark's follow header shows it. */
function endpointText(d: Dissection, dst: boolean, port: number): string {
  let k = find(d, dst ? hfIpDst : hfIpSrc);
  if (k >= 0) return `${formatFieldValue(dst ? hfIpDst : hfIpSrc, entryValue(d, k))}:${port}`;
  k = find(d, dst ? hfIpv6Dst : hfIpv6Src);
  if (k >= 0) return `[${formatFieldValue(dst ? hfIpv6Dst : hfIpv6Src, entryValue(d, k))}]:${port}`;
  return `?:${port}`;
}

/** `src:port` / `dst:port` of the frame last read (TCP ports, else UDP ports). */
export function frameEndpoints(r: FrameReader): { src: string; dst: string } {
  const d = r.d;
  let sp = numOf(d, hfTcpSrcport);
  let dp = numOf(d, hfTcpDstport);
  if (Number.isNaN(sp)) {
    sp = numOf(d, hfUdpSrcport);
    dp = numOf(d, hfUdpDstport);
  }
  return { src: endpointText(d, false, sp), dst: endpointText(d, true, dp) };
}

/**
 * Whether frame `event` read now has fewer bytes than the index recorded: the file was cut (or
 * rewritten shorter) after it was read. Its dissection would be of a stub, one note per frame.
 */
export function frameCut(ix: PacketIndex, event: number, bytes: Uint8Array): boolean {
  return bytes.length < ix.capLen.data[event - 1];
}

/** The one note of a stream stopped at frame `event` by frameCut: what was read before it stays. */
export function fileCutNote(event: number, length: number, recorded: number): string {
  return `the capture file changed after it was read: frame ${event} now has ${length} of its ${recorded} bytes (file cut or rewritten); the stream stops before it`;
}

export function frameTime(ix: PacketIndex, event: number): number {
  return ix.tsSec.data[event - 1] + ix.tsNsec.data[event - 1] / 1e9;
}

/**
 * Feed the current frame (already read with readFrame) to a TCP follow state. Returns false
 * when the frame has no usable TCP header.
 */
export function feedTcpFrame(r: FrameReader, st: TcpFollowState, event: number): boolean {
  const d = r.d;
  const seq = numOf(d, hfTcpSeq);
  if (Number.isNaN(seq)) return false;
  const fl = find(d, hfTcpFlags);
  const flags = fl >= 0 ? (entryValue(d, fl) as number) & 0x0fff : 0;
  const ack = numOf(d, hfTcpAck);
  const seglen = numOf(d, hfTcpLen);
  const payload = tcpPayloadOf(r);
  const bit = streamDirOf(r.internals.conv, event);
  if (st.clientBit < 0) {
    const sp = numOf(d, hfTcpSrcport);
    const dp = numOf(d, hfTcpDstport);
    st.stream.client = endpointText(d, false, sp);
    st.stream.server = endpointText(d, true, dp);
  }
  tcpFollowSegment(st, bit, event, frameTime(r.internals.index, event), seq, Number.isNaN(ack) ? 0 : ack, flags, Number.isNaN(seglen) ? payload.length : seglen, payload);
  return true;
}

/**
 * Frames of every stream, grouped by stream (CSR: `frames[start[k] .. start[k+1])` for slot k;
 * TCP stream n is slot n, UDP stream n slot nTcp + n), built in one pass over the index and
 * cached per table and frame count, so building many streams costs O(frames), not
 * O(frames × streams).
 */
interface FramesByStream { count: number; nTcp: number; start: Uint32Array; frames: Uint32Array }
const byStreamCache = new WeakMap<ConversationTable, FramesByStream>();

function framesByStream(conv: ConversationTable, count: number): FramesByStream {
  const hit = byStreamCache.get(conv);
  if (hit && hit.count === count && hit.nTcp === conv.nTcp) return hit;
  // A build in steps under way for these frames is finished here rather than begun again.
  const run = building.get(conv);
  const steps = run && run.count === count && run.nTcp === conv.nTcp ? run.steps : framesByStreamSteps(conv, count, Infinity);
  for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
}

/** Builds of the per-stream frame lists (tests: a prepared capture's rows build none). */
export const streamFramesWork = { builds: 0 };

/** Frames per step of the sliced build: a few ms each. */
const BY_STREAM_STEP = 1 << 18;

/** The build in steps under way per table (prepareStreamFrames), which framesByStream may finish. */
const building = new WeakMap<ConversationTable, { count: number; nTcp: number; steps: Generator<void, FramesByStream> }>();

/** The same build in steps of `step` frames (yield = a moment to answer requests); the result is cached as framesByStream's. */
function* framesByStreamSteps(conv: ConversationTable, count: number, step: number): Generator<void, FramesByStream> {
  const fs = conv.frameStream;
  const n = Math.min(count, fs.length - 1);
  const slots = conv.nTcp + conv.nUdp;
  const start = new Uint32Array(slots + 1);
  const slotOf = (v: number): number => (v >= 0 ? v : v <= -2 ? conv.nTcp + (-2 - v) : -1);
  for (let from = 1; from <= n; from += step) {
    if (from > 1) yield;
    const to = Math.min(n, from + step - 1);
    for (let f = from; f <= to; f++) {
      const k = slotOf(fs[f]);
      if (k >= 0 && k < slots) start[k + 1]++;
    }
  }
  for (let k = 0; k < slots; k++) start[k + 1] += start[k];
  const frames = new Uint32Array(start[slots]);
  const fill = start.slice(0, slots);
  for (let from = 1; from <= n; from += step) {
    // Between the passes too, when there was more than one step (a small index is one step).
    if (n > step) yield;
    const to = Math.min(n, from + step - 1);
    for (let f = from; f <= to; f++) {
      const k = slotOf(fs[f]);
      if (k >= 0 && k < slots) frames[fill[k]++] = f;
    }
  }
  const out = { count, nTcp: conv.nTcp, start, frames };
  byStreamCache.set(conv, out);
  if (building.get(conv)?.count === count) building.delete(conv);
  streamFramesWork.builds++;
  return out;
}

/**
 * Build the per-stream frame lists of a finished index ahead of use, in steps (the host runs it
 * between requests once indexing is done): else the first look at a stream far into a big
 * capture (the TLS layer peeks at each stream's start) builds them inside that request.
 */
export function* prepareStreamFrames(internals: CaptureInternals): Generator<void> {
  if (internals.kind !== 'packets') return;
  const count = internals.index.dataOffset.length;
  const hit = byStreamCache.get(internals.conv);
  if (hit && hit.count === count && hit.nTcp === internals.conv.nTcp) return;
  const steps = framesByStreamSteps(internals.conv, count, BY_STREAM_STEP);
  building.set(internals.conv, { count, nTcp: internals.conv.nTcp, steps });
  // Stepped here until done, unless a request finished it meanwhile (framesByStream).
  while (building.get(internals.conv)?.steps === steps && !steps.next().done) yield;
}

/** Frames (1-based) whose recorded stream id equals `code` (≥0 TCP, ≤-2 UDP). */
function framesOf(conv: ConversationTable, count: number, code: number): Uint32Array {
  const b = framesByStream(conv, count);
  const k = code >= 0 ? code : conv.nTcp + (-2 - code);
  if (k < 0 || k + 1 >= b.start.length) return new Uint32Array(0);
  return b.frames.subarray(b.start[k], b.start[k + 1]);
}

function packetInternals(internals: CaptureInternals): PacketInternals {
  if (internals.kind !== 'packets') throw new Error('TCP and UDP streams exist only in packet captures');
  return internals;
}

/** Frames of TCP stream `n` in file order, for layers that restart reassembly at a given frame. */
export function tcpStreamFrames(internals: CaptureInternals, n: number): Uint32Array {
  const pi = packetInternals(internals);
  return framesOf(pi.conv, pi.index.dataOffset.length, n);
}

/** Where the packet index puts each frame in the file. */
function frameSpans(ix: PacketIndex): FrameSpans {
  return { offset: (e) => ix.dataOffset.data[e - 1], length: (e) => ix.capLen.data[e - 1] };
}

/**
 * Called for each chunk of a stream built with `tcpStream(…, sink)`, with the bytes of the frame
 * being read (a chunk of that frame is a view of them; a kept out-of-order fragment is a copy).
 * Both are valid only during the call: the stream keeps no chunks.
 */
export type TcpChunkSink = (c: StreamChunk, event: number, frame: Uint8Array) => void;

/**
 * TCP stream `n` (tshark's tcp.stream number) as a ByteStream; with `sink`, its chunks go only
 * to the sink and the frames are read without a copy each (follow of a 1 GB upload: the chunks
 * held every frame's bytes, 1.47 GB peak).
 */
export function tcpStream(internals: CaptureInternals, n: number, sink?: TcpChunkSink): ByteStream {
  const pi = packetInternals(internals);
  if (!Number.isInteger(n) || n < 0 || n >= pi.conv.nTcp) throw new Error(`no TCP stream ${n} (the capture has ${pi.conv.nTcp})`);
  const st = createTcpFollowState(`tcp:${n}`);
  const r = createFrameReader(pi);
  const count = pi.index.dataOffset.length;
  const frames = framesOf(pi.conv, count, n);
  // The stream's frames a batch per read (frame-gather.ts), not a read each.
  const bytes = pi.readAt ? gatheredFrames(frames, frameSpans(pi.index), pi.readAt, { transient: sink !== undefined }) : undefined;
  let event = 0;
  let frame: Uint8Array = new Uint8Array(0);
  if (sink) {
    st.keepChunks = false;
    st.onChunk = (c) => sink(c, event, frame);
  }
  const seg = createTcpSegment();
  for (const f of frames) {
    event = f;
    frame = bytes ? bytes(f) : r.bytesOf(f);
    if (frameCut(pi.index, f, frame)) {
      st.stream.notes.push(fileCutNote(f, frame.length, pi.index.capLen.data[f - 1]));
      break;
    }
    // After the first frame (its endpoints' text comes from the dissection) most segments are
    // read straight from the headers, as the HTTP scan reads them (tcp-segment.ts).
    if (st.clientBit >= 0 && simpleFrame(pi, f) && readTcpSegment(pi, f, n, frame, seg)) {
      tcpFollowSegment(st, seg.bit, f, frameTime(pi.index, f), seg.seq, seg.ack, seg.flags, seg.seglen, seg.payload);
      continue;
    }
    readFrame(r, f, frame);
    if (!feedTcpFrame(r, st, f)) st.stream.notes.push(`frame ${f}: no readable TCP header`);
  }
  for (const dir of [0, 1] as const) {
    const left = heldFragments(st, dir);
    if (left > 0) st.stream.notes.push(`${left} out-of-order segment(s) ${dir === 0 ? 'client → server' : 'server → client'} never fitted: data before them is missing and was not acknowledged`);
  }
  return st.stream;
}

/** UDP stream `n` (udp.stream): one chunk per datagram, client = first datagram's source. */
export function udpStream(internals: CaptureInternals, n: number): ByteStream {
  const pi = packetInternals(internals);
  if (!Number.isInteger(n) || n < 0 || n >= pi.conv.nUdp) throw new Error(`no UDP stream ${n} (the capture has ${pi.conv.nUdp})`);
  const s: ByteStream = { id: `udp:${n}`, kind: 'udp', client: '', server: '', chunks: [], notes: [] };
  const r = createFrameReader(pi);
  const count = pi.index.dataOffset.length;
  let clientBit = -1;
  const pos = [0, 0];
  for (const f of framesOf(pi.conv, count, -2 - n)) {
    const frame = r.bytesOf(f);
    if (frameCut(pi.index, f, frame)) {
      s.notes.push(fileCutNote(f, frame.length, pi.index.capLen.data[f - 1]));
      break;
    }
    readFrame(r, f, frame);
    const d = r.d;
    const bit = streamDirOf(pi.conv, f);
    if (clientBit < 0) {
      clientBit = bit;
      s.client = endpointText(d, false, numOf(d, hfUdpSrcport));
      s.server = endpointText(d, true, numOf(d, hfUdpDstport));
    }
    const k = find(d, hfUdpPayload);
    if (k < 0) continue;
    const bytes = entryBytes(d, k);
    if (bytes.length === 0) continue;
    const dir: StreamDir = bit === clientBit ? 0 : 1;
    s.chunks.push({ dir, event: f, time: frameTime(pi.index, f), bytes, seq: pos[dir] });
    pos[dir] += bytes.length;
  }
  return s;
}

/** Stream of frame `event`: `tcp:N`, `udp:N`, or undefined. */
export function streamIdOfFrame(internals: CaptureInternals, event: number): string | undefined {
  const pi = packetInternals(internals);
  const t = tcpStreamOf(pi.conv, event);
  if (t >= 0) return `tcp:${t}`;
  const u = udpStreamOf(pi.conv, event);
  if (u >= 0) return `udp:${u}`;
  return undefined;
}
