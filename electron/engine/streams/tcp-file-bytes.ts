/**
 * A reassembled TCP stream's bytes read again from the capture file, not held: per direction,
 * each chunk's position, the frame that carried it and its length (16 bytes a chunk). A chunk's
 * bytes are always the tail of its frame's captured TCP payload (tcp-reassembly.ts: an overlap
 * skips the segment's head, an out-of-order copy is of such a tail), so bytes [pos, pos + n)
 * are the tails of the frames of the chunks they overlap, read and dissected again alone.
 */
import type { CaptureInternals } from '../capture.ts';
import type { ByteStream, StreamDir } from './byte-stream.ts';
import { createFrameReader, frameTime, readFrame, tcpPayloadOf, type FrameReader } from './tcp-reassembly.ts';

type PacketInternals = Extract<CaptureInternals, { kind: 'packets' }>;

export interface TcpFileBytes {
  internals: PacketInternals;
  /** Per direction, chunks with bytes in stream order: first byte's position, frame, length. */
  pos: [Float64Array, Float64Array];
  event: [Uint32Array, Uint32Array];
  len: [Uint32Array, Uint32Array];
  reader?: FrameReader;
}

/** Frames read and payload bytes copied by readTcpFileBytes (tests: a record reads its own frames only). */
export const tcpFileWork = { frames: 0, bytes: 0 };

/** The file map of a reassembled TCP stream of `internals` (its chunks are not kept). */
export function tcpFileBytes(internals: PacketInternals, s: ByteStream): TcpFileBytes {
  const n: [number, number] = [0, 0];
  for (const c of s.chunks) if (c.bytes.length > 0) n[c.dir]++;
  const m: TcpFileBytes = {
    internals,
    pos: [new Float64Array(n[0]), new Float64Array(n[1])],
    event: [new Uint32Array(n[0]), new Uint32Array(n[1])],
    len: [new Uint32Array(n[0]), new Uint32Array(n[1])],
  };
  const k: [number, number] = [0, 0];
  for (const c of s.chunks) {
    if (c.bytes.length === 0) continue;
    const d = c.dir;
    m.pos[d][k[d]] = c.seq;
    m.event[d][k[d]] = c.event;
    m.len[d][k[d]] = c.bytes.length;
    k[d]++;
  }
  return m;
}

/** Bytes the map holds. */
export function tcpFileMapBytes(m: TcpFileBytes): number {
  return 16 * (m.pos[0].length + m.pos[1].length);
}

/** The last chunk of `dir` starting at or before `pos`, or -1. */
function chunkBefore(m: TcpFileBytes, dir: StreamDir, pos: number): number {
  const p = m.pos[dir];
  let lo = 0;
  let hi = p.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (p[mid] <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The frame carrying byte `pos` of direction `dir` and its time, or undefined (a gap, or past the end). */
export function tcpFileEventAt(m: TcpFileBytes, dir: StreamDir, pos: number): { event: number; time: number } | undefined {
  const k = chunkBefore(m, dir, pos);
  if (k < 0 || pos >= m.pos[dir][k] + m.len[dir][k]) return undefined;
  const event = m.event[dir][k];
  return { event, time: frameTime(m.internals.index, event) };
}

/**
 * Bytes [pos, pos + n) of direction `dir`, read from the frames that carried them; undefined
 * when the stream lacks some of them (a gap, truncated bytes) or a frame no longer has them.
 */
export function readTcpFileBytes(m: TcpFileBytes, dir: StreamDir, pos: number, n: number): Uint8Array | undefined {
  let k = chunkBefore(m, dir, pos);
  if (k < 0) return undefined;
  const out = new Uint8Array(n);
  let o = 0;
  m.reader ??= createFrameReader(m.internals);
  for (; o < n && k < m.pos[dir].length; k++) {
    const at = m.pos[dir][k];
    const len = m.len[dir][k];
    // Bytes missing between two chunks: the stream does not have them.
    if (at > pos + o) return undefined;
    if (at + len <= pos + o) continue;
    readFrame(m.reader, m.event[dir][k]);
    tcpFileWork.frames++;
    const payload = tcpPayloadOf(m.reader);
    if (payload.length < len) return undefined;
    const tail = payload.subarray(payload.length - len);
    const from = pos + o - at;
    const take = Math.min(n - o, len - from);
    out.set(tail.subarray(from, from + take), o);
    tcpFileWork.bytes += take;
    o += take;
  }
  return o === n ? out : undefined;
}
