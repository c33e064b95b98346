/**
 * HTTP/2 frames of one connection as columns (16 bytes a frame) instead of objects: the event
 * that completed the frame, direction and stream id, where its payload starts in the direction's
 * byte sequence, and type / flags / length packed in one word. Payloads are read again from the
 * plaintext ByteStream (or its packed bytes, PackedDir) when asked for (a frame inside one chunk
 * is a view, no copy).
 *
 * Word `tf`: bits 0-17 length, bit 18 "ends a header block", bits 19-26 flags, bit 27
 * complete, bits 28-31 type. A frame whose type is over 14, whose length does not fit 18 bits or
 * whose payload starts past 2^32 keeps type 15 there and its real values in `wide` (rare:
 * RFC 9113 §4.2 frames are at most 16,384 bytes unless SETTINGS_MAX_FRAME_SIZE grows them).
 */
import type { ByteStream, StreamDir } from '../streams/byte-stream.ts';

const LEN_BITS = 18;
const LEN_MAX = (1 << LEN_BITS) - 1;
const BLOCK_END = 1 << 18;
const WIDE_TYPE = 15;
const U32 = 2 ** 32;

export interface H2FrameColumns {
  n: number;
  /** Event that completed the frame (its fields are shown there). */
  ev: Uint32Array;
  /** dir << 31 | stream id. */
  sid: Uint32Array;
  /** Payload start in the direction's byte sequence (low 32 bits; see `wide`). */
  pos: Uint32Array;
  tf: Uint32Array;
  wide: Map<number, { type: number; length: number; pos: number }>;
  /** False once a frame completed at an earlier event than the one before it (then `byEvent` sorts). */
  monotonic: boolean;
  /** Frame numbers sorted by event, built on first need when not monotonic. */
  byEvent?: Uint32Array;
}

/** Bytes of the frame columns per frame (the budget the tests assert). */
export const FRAME_COLUMN_BYTES = 16;

export function createFrameColumns(capacity = 64): H2FrameColumns {
  return { n: 0, ev: new Uint32Array(capacity), sid: new Uint32Array(capacity), pos: new Uint32Array(capacity), tf: new Uint32Array(capacity), wide: new Map(), monotonic: true };
}

function grow(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(Math.max(64, a.length * 2));
  b.set(a);
  return b;
}

/** Append one frame (its block-end bit is set later, markBlockEnd); returns its number. */
export function pushFrame(c: H2FrameColumns, dir: StreamDir, type: number, flags: number, streamId: number, length: number, lastEvent: number, pos: number, complete: boolean): number {
  const i = c.n;
  if (i === c.ev.length) {
    c.ev = grow(c.ev);
    c.sid = grow(c.sid);
    c.pos = grow(c.pos);
    c.tf = grow(c.tf);
  }
  if (i > 0 && lastEvent < c.ev[i - 1]) c.monotonic = false;
  c.ev[i] = lastEvent;
  c.sid[i] = ((dir << 31) | (streamId & 0x7fffffff)) >>> 0;
  const wide = type >= WIDE_TYPE || length > LEN_MAX || pos >= U32;
  c.pos[i] = pos % U32;
  c.tf[i] = (((wide ? WIDE_TYPE : type) << 28) | ((complete ? 1 : 0) << 27) | ((flags & 0xff) << 19) | (wide ? 0 : length)) >>> 0;
  if (wide) c.wide.set(i, { type, length, pos });
  c.n = i + 1;
  return i;
}

/** Mark frame `i` as the end of a header block (known only once the block closes). */
export function markBlockEnd(c: H2FrameColumns, i: number): void {
  c.tf[i] = (c.tf[i] | BLOCK_END) >>> 0;
}

export const frameDir = (c: H2FrameColumns, i: number): StreamDir => (c.sid[i] >>> 31) as StreamDir;
export const frameStreamId = (c: H2FrameColumns, i: number): number => c.sid[i] & 0x7fffffff;
export const frameFlags = (c: H2FrameColumns, i: number): number => (c.tf[i] >>> 19) & 0xff;
export const frameComplete = (c: H2FrameColumns, i: number): boolean => ((c.tf[i] >>> 27) & 1) === 1;
export const frameEndsBlock = (c: H2FrameColumns, i: number): boolean => (c.tf[i] & BLOCK_END) !== 0;

export function frameType(c: H2FrameColumns, i: number): number {
  const t = c.tf[i] >>> 28;
  return t === WIDE_TYPE ? (c.wide.get(i)?.type ?? t) : t;
}

export function frameLength(c: H2FrameColumns, i: number): number {
  return c.tf[i] >>> 28 === WIDE_TYPE ? (c.wide.get(i)?.length ?? 0) : c.tf[i] & LEN_MAX;
}

export function framePos(c: H2FrameColumns, i: number): number {
  return c.tf[i] >>> 28 === WIDE_TYPE ? (c.wide.get(i)?.pos ?? c.pos[i]) : c.pos[i];
}

/** The bytes the columns hold (typed arrays' used part, for the budget tests). */
export function frameColumnBytes(c: H2FrameColumns): number {
  return c.n * FRAME_COLUMN_BYTES;
}

/** Frame numbers completed at `event`, in stream order (binary search on the event column). */
export function framesAtEvent(c: H2FrameColumns, event: number): number[] {
  const out: number[] = [];
  if (c.monotonic) {
    let lo = 0;
    let hi = c.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c.ev[mid] < event) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < c.n && c.ev[i] === event; i++) out.push(i);
    return out;
  }
  if (!c.byEvent) {
    const order = Array.from({ length: c.n }, (_, i) => i);
    order.sort((a, b) => c.ev[a] - c.ev[b] || a - b);
    c.byEvent = Uint32Array.from(order);
  }
  const o = c.byEvent;
  let lo = 0;
  let hi = o.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.ev[o[mid]] < event) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < o.length && c.ev[o[k]] === event; k++) out.push(o[k]);
  return out;
}

/**
 * Where each chunk of a direction starts in that direction's byte sequence (the frame reader's
 * count, lost bytes included), to find payload bytes and the chunk a header began in.
 */
export interface DirMap {
  chunk: Uint32Array;
  at: Float64Array;
  n: number;
}

export function createDirMap(): DirMap {
  return { chunk: new Uint32Array(64), at: new Float64Array(64), n: 0 };
}

export function pushDirChunk(m: DirMap, chunk: number, at: number): void {
  if (m.n === m.chunk.length) {
    const c = new Uint32Array(m.n * 2);
    c.set(m.chunk);
    m.chunk = c;
    const a = new Float64Array(m.n * 2);
    a.set(m.at);
    m.at = a;
  }
  m.chunk[m.n] = chunk;
  m.at[m.n] = at;
  m.n++;
}

/** The map entry whose chunk holds position `p` (the last one starting at or before it), or -1. */
export function dirChunkAt(m: DirMap, p: number): number {
  let lo = 0;
  let hi = m.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (m.at[mid] <= p) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * A direction's captured bytes packed into one buffer, for a connection whose stream nothing
 * else holds (cleartext h2c: the reassembled TCP stream): map entry k is
 * `bytes[off[k] .. off[k] + len[k])`, first sent at event `ev[k]`, time `time[k]` — 24 bytes an
 * entry instead of a chunk object, a view and the frame's buffer.
 */
export interface PackedDir {
  bytes: Uint8Array;
  off: Float64Array;
  len: Uint32Array;
  ev: Uint32Array;
  time: Float64Array;
}

/** Pack the chunks map `m` points to (its direction's chunks with bytes). */
export function packDir(s: ByteStream, m: DirMap): PackedDir {
  let total = 0;
  for (let k = 0; k < m.n; k++) total += s.chunks[m.chunk[k]].bytes.length;
  const p: PackedDir = { bytes: new Uint8Array(total), off: new Float64Array(m.n), len: new Uint32Array(m.n), ev: new Uint32Array(m.n), time: new Float64Array(m.n) };
  let o = 0;
  for (let k = 0; k < m.n; k++) {
    const c = s.chunks[m.chunk[k]];
    p.bytes.set(c.bytes, o);
    p.off[k] = o;
    p.len[k] = c.bytes.length;
    p.ev[k] = c.event;
    p.time[k] = c.time;
    o += c.bytes.length;
  }
  return p;
}

/** The bytes of map entry k, from the stream or the packed direction. */
function entryBytes(src: ByteStream | PackedDir, m: DirMap, k: number): Uint8Array {
  if ('chunks' in src) return src.chunks[m.chunk[k]].bytes;
  return src.bytes.subarray(src.off[k], src.off[k] + src.len[k]);
}

/** Event and time of map entry k. */
export function entryWhere(src: ByteStream | PackedDir, m: DirMap, k: number): { event: number; time: number } {
  if ('chunks' in src) {
    const c = src.chunks[m.chunk[k]];
    return { event: c.event, time: c.time };
  }
  return { event: src.ev[k], time: src.time[k] };
}

/** Payload reads from the stream (for tests: work per lookup, not per connection). */
export const h2ReadWork = { payloads: 0 };

/**
 * Bytes [p, p+len) of direction `m` as captured: the whole range when every byte is there,
 * else the prefix before the first missing byte (what the frame reader kept as the payload).
 */
export function readDir(s: ByteStream | PackedDir, m: DirMap, p: number, len: number): Uint8Array {
  h2ReadWork.payloads++;
  let k = dirChunkAt(m, p);
  if (k < 0 || len === 0) return new Uint8Array(0);
  const first = entryBytes(s, m, k);
  const off = p - m.at[k];
  if (off + len <= first.length) return first.subarray(off, off + len);
  const out = new Uint8Array(len);
  let n = 0;
  let at = p;
  while (n < len && k < m.n) {
    const b = entryBytes(s, m, k);
    const o = at - m.at[k];
    if (o < 0 || o > b.length) break;
    const take = Math.min(len - n, b.length - o);
    out.set(b.subarray(o, o + take), n);
    n += take;
    at += take;
    k++;
    if (k < m.n && m.at[k] !== at) break;
  }
  return n === len ? out : out.subarray(0, n);
}

/**
 * A PackedDir written as the chunks come (connection.ts streamHttp2): each chunk's bytes are copied in at
 * once (they may be a view of a read window about to be reused) and the parse reads the copy.
 * `bytes` is sized from an estimate and grows by doubling; views handed out earlier keep the
 * buffer they were cut from, whose bytes never change.
 */
export interface DirPacker {
  bytes: Uint8Array;
  used: number;
  n: number;
  off: Float64Array;
  len: Uint32Array;
  ev: Uint32Array;
  time: Float64Array;
}

export function createDirPacker(bytes: number): DirPacker {
  return { bytes: new Uint8Array(Math.max(64, bytes)), used: 0, n: 0, off: new Float64Array(64), len: new Uint32Array(64), ev: new Uint32Array(64), time: new Float64Array(64) };
}

function grown<T extends Float64Array | Uint32Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** Append chunk bytes `b` (first sent at `event`, `time`) as the next entry; returns the copy. */
export function packChunk(p: DirPacker, b: Uint8Array, event: number, time: number): Uint8Array {
  if (p.used + b.length > p.bytes.length) {
    const bigger = new Uint8Array(Math.max(p.bytes.length * 2, p.used + b.length));
    bigger.set(p.bytes.subarray(0, p.used));
    p.bytes = bigger;
  }
  if (p.n === p.off.length) {
    const n = p.n * 2;
    p.off = grown(p.off, n);
    p.len = grown(p.len, n);
    p.ev = grown(p.ev, n);
    p.time = grown(p.time, n);
  }
  const at = p.used;
  p.bytes.set(b, at);
  p.used = at + b.length;
  p.off[p.n] = at;
  p.len[p.n] = b.length;
  p.ev[p.n] = event;
  p.time[p.n] = time;
  p.n++;
  return p.bytes.subarray(at, at + b.length);
}

/** The packer's entries as a PackedDir, cut to what was written (copied when the estimate was more than 1/16 too large). */
export function packedOf(p: DirPacker): PackedDir {
  const bytes = p.bytes.length - p.used > p.used / 16 ? p.bytes.slice(0, p.used) : p.bytes.subarray(0, p.used);
  return { bytes, off: p.off.slice(0, p.n), len: p.len.slice(0, p.n), ev: p.ev.slice(0, p.n), time: p.time.slice(0, p.n) };
}
