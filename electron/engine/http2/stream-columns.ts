/**
 * The HTTP/2 streams of one connection as columns, in order of first appearance: ≤ 64 bytes a
 * stream (STREAM_COLUMN_BYTES), no object per stream. What a stream's messages point to are
 * frame numbers in the frame columns (frame-index.ts): the frame ending each header block, the
 * first and last DATA frame (deltas from the head block, 16 bits), the trailers block; what the
 * HTTP table and its sort show without decoding are interned (method, host, path, content type
 * and coding) or numbers (status, body sizes). Every header and body is decoded again from the
 * frames on demand (connection.ts blockHeaders, messageBody).
 *
 * Values that do not fit (a delta ≥ 2^16 frames, a body ≥ 2^32 bytes, an end of stream on a
 * frame that is none of those, missing bytes, resets, pushes, 1xx responses, malformed blocks)
 * live in a sparse side table, as the HTTP/1.x index does (layers/http-index.ts).
 */
import { createInterner, intern, type Interner } from '../index/columns.ts';
import type { StreamDir } from '../streams/byte-stream.ts';

/** Bytes of the columns per stream (the budget the tests assert; 4 more if ids are out of order). */
export const STREAM_COLUMN_BYTES = 58;

/** A 16-bit column value that is not there (look in the side table or decode the headers). */
export const NONE16 = 0xffff;
const NONE32 = 0xffffffff;

/** Stream flags (16 bits). */
export const enum SF {
  /** END_STREAM seen from the client / the server. */
  End0 = 1 << 0,
  End1 = 1 << 1,
  /** A trailers block per direction (its frame: head + trl delta). */
  Trailers0 = 1 << 2,
  Trailers1 = 1 << 3,
  /** The response head now held is 1xx (a next HEADERS with :status replaces it, RFC 9110 §15.2). */
  Interim = 1 << 4,
  /** The row has a side-table entry. */
  Side = 1 << 5,
  /** The request has a Content-Encoding (its decoded size needs its headers). */
  ReqEncoded = 1 << 6,
  /** RFC 9113 §5.1 state, 3 bits at StateShift. */
  StateShift = 7,
  /** Where a message's end event is: 1 its head frame, 2 its last DATA frame, 3 its trailers frame (2 bits a direction). */
  EndOnShift = 10,
}

export const STATES = ['idle', 'open', 'half-closed (local)', 'half-closed (remote)', 'closed'] as const;
export type H2StreamState = (typeof STATES)[number];

/** What a stream keeps beyond its columns (rare). */
export interface StreamSide {
  promisedBy?: number;
  reset?: { by: StreamDir; code: number; event: number };
  malformed?: string;
  /** Frames ending each 1xx response's block before the final response. */
  interim?: number[];
  missing?: [number, number];
  /** End events that none of the message's frames gives. */
  endEvent?: [number | undefined, number | undefined];
  /** Deltas ≥ 2^16, sizes ≥ 2^32. */
  firstData?: [number, number];
  lastData?: [number, number];
  trailers?: [number, number];
  data?: [number, number];
  decoded?: [number, number];
}

export interface H2StreamColumns {
  n: number;
  id: Uint32Array;
  /** Frame ending the request's / response's header block (-1: none). */
  head: [Int32Array, Int32Array];
  /** First and last DATA frame and the trailers block frame, as deltas from `head` (0: none). */
  firstData: [Uint16Array, Uint16Array];
  lastData: [Uint16Array, Uint16Array];
  trl: [Uint16Array, Uint16Array];
  /** DATA bytes (padding removed) and the decoded size (set by the HTTP layer; else the same). */
  data: [Uint32Array, Uint32Array];
  decoded: [Uint32Array, Uint32Array];
  flags: Uint16Array;
  /** Request method, response content type and coding: ids in `small` (NONE16: decode the head). */
  method: Uint16Array;
  ctype: Uint16Array;
  cenc: Uint16Array;
  /** Response :status as a number (0: none or not three digits). */
  status: Uint16Array;
  /** Request host (Host, else :authority) and :path: ids in `strings`. */
  host: Uint32Array;
  path: Uint32Array;
  small: Interner;
  strings: Interner;
  side: Map<number, StreamSide>;
  /** Rows by stream id when ids are not increasing (server push); else rows are in id order. */
  byId?: Uint32Array;
  /** While parsing: id → row (dropped when the columns are trimmed). */
  live?: Map<number, number>;
}

const u16 = (n: number): Uint16Array => new Uint16Array(n);
const u32 = (n: number): Uint32Array => new Uint32Array(n);
const i32 = (n: number): Int32Array => new Int32Array(n);

export function createStreamColumns(capacity = 64): H2StreamColumns {
  return {
    n: 0, id: u32(capacity), head: [i32(capacity), i32(capacity)], firstData: [u16(capacity), u16(capacity)], lastData: [u16(capacity), u16(capacity)],
    trl: [u16(capacity), u16(capacity)], data: [u32(capacity), u32(capacity)], decoded: [u32(capacity), u32(capacity)], flags: u16(capacity),
    method: u16(capacity), ctype: u16(capacity), cenc: u16(capacity), status: u16(capacity), host: u32(capacity), path: u32(capacity),
    small: createInterner(), strings: createInterner(), side: new Map(), live: new Map(),
  };
}

type Arr = Uint16Array | Uint32Array | Int32Array;

function resized<T extends Arr>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a.subarray(0, Math.min(n, a.length)));
  return b;
}

function resize(c: H2StreamColumns, cap: number): void {
  c.id = resized(c.id, cap);
  for (const k of ['head', 'firstData', 'lastData', 'trl', 'data', 'decoded'] as const) {
    const pair = c[k] as [Arr, Arr];
    pair[0] = resized(pair[0], cap);
    pair[1] = resized(pair[1], cap);
  }
  c.flags = resized(c.flags, cap);
  c.method = resized(c.method, cap);
  c.ctype = resized(c.ctype, cap);
  c.cenc = resized(c.cenc, cap);
  c.status = resized(c.status, cap);
  c.host = resized(c.host, cap);
  c.path = resized(c.path, cap);
}

/** The row of stream `id`, added (idle) when new. */
export function streamRow(c: H2StreamColumns, id: number): number {
  const live = c.live;
  const hit = live ? live.get(id) : rowOfId(c, id);
  if (hit !== undefined && hit >= 0) return hit;
  const r = c.n;
  if (r === c.id.length) resize(c, r * 2);
  c.id[r] = id;
  c.head[0][r] = -1;
  c.head[1][r] = -1;
  c.n = r + 1;
  live?.set(id, r);
  return r;
}

/** The row of stream `id`, or -1 (binary search: rows in id order, or `byId`). */
export function rowOfId(c: H2StreamColumns, id: number): number {
  if (c.live) return c.live.get(id) ?? -1;
  const o = c.byId;
  let lo = 0;
  let hi = c.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.id[o ? o[mid] : mid] < id) lo = mid + 1;
    else hi = mid;
  }
  const r = o ? o[lo] : lo;
  return lo < c.n && c.id[r] === id ? r : -1;
}

/** End of the parse: arrays cut to the rows, id lookup by binary search, the parse's maps dropped (nothing is interned later). */
export function trimStreamColumns(c: H2StreamColumns): void {
  resize(c, c.n);
  c.strings.ids = new Map();
  c.small.ids = new Map();
  let sorted = true;
  for (let r = 1; r < c.n && sorted; r++) if (c.id[r] <= c.id[r - 1]) sorted = false;
  if (!sorted) c.byId = Uint32Array.from({ length: c.n }, (_, r) => r).sort((a, b) => c.id[a] - c.id[b]);
  c.live = undefined;
}

/** Bytes of the columns (the used, trimmed arrays) and the side table's entries, for the budget tests. */
export function streamColumnBytes(c: H2StreamColumns): number {
  return c.n * STREAM_COLUMN_BYTES + (c.byId?.byteLength ?? 0);
}

export function sideOf(c: H2StreamColumns, r: number): StreamSide {
  let s = c.side.get(r);
  if (!s) {
    s = {};
    c.side.set(r, s);
    c.flags[r] |= SF.Side;
  }
  return s;
}

export const sideIf = (c: H2StreamColumns, r: number): StreamSide | undefined => (c.flags[r] & SF.Side ? c.side.get(r) : undefined);

export function streamState(c: H2StreamColumns, r: number): H2StreamState {
  return STATES[(c.flags[r] >>> SF.StateShift) & 7];
}

export function setStreamState(c: H2StreamColumns, r: number, s: H2StreamState): void {
  c.flags[r] = (c.flags[r] & ~(7 << SF.StateShift)) | (STATES.indexOf(s) << SF.StateShift);
}

export const endOn = (c: H2StreamColumns, r: number, d: StreamDir): number => (c.flags[r] >>> (SF.EndOnShift + 2 * d)) & 3;

export function setEndOn(c: H2StreamColumns, r: number, d: StreamDir, v: number): void {
  const sh = SF.EndOnShift + 2 * d;
  c.flags[r] = (c.flags[r] & ~(3 << sh)) | (v << sh);
}

type DeltaKey = 'firstData' | 'lastData' | 'trailers';

/** Frame of a delta column (`trailers` is the `trl` column), or -1. */
export function deltaFrame(c: H2StreamColumns, r: number, d: StreamDir, k: DeltaKey): number {
  const v = (k === 'trailers' ? c.trl : c[k])[d][r];
  if (v === 0) return -1;
  const delta = v === NONE16 ? (sideIf(c, r)?.[k]?.[d] ?? 0) : v;
  return c.head[d][r] + delta;
}

export function setDeltaFrame(c: H2StreamColumns, r: number, d: StreamDir, k: DeltaKey, frame: number): void {
  const col = (k === 'trailers' ? c.trl : c[k])[d];
  const delta = frame < 0 ? 0 : frame - c.head[d][r];
  if (delta < NONE16) {
    col[r] = delta;
    return;
  }
  col[r] = NONE16;
  const s = sideOf(c, r);
  const pair = (s[k] ??= [0, 0]);
  pair[d] = delta;
}

/** A 32-bit size column value (data or decoded), with the side table for the larger ones. */
export function sizeOf(c: H2StreamColumns, r: number, d: StreamDir, k: 'data' | 'decoded'): number {
  const v = c[k][d][r];
  return v === NONE32 ? (sideIf(c, r)?.[k]?.[d] ?? 0) : v;
}

export function setSize(c: H2StreamColumns, r: number, d: StreamDir, k: 'data' | 'decoded', v: number): void {
  if (v < NONE32) {
    c[k][d][r] = v;
    return;
  }
  c[k][d][r] = NONE32;
  const s = sideOf(c, r);
  const pair = (s[k] ??= [0, 0]);
  pair[d] = v;
}

/** An id in the 16-bit dictionary, NONE16 when it is full. */
export function intern16(c: H2StreamColumns, s: string): number {
  const id = c.small.ids.get(s);
  if (id !== undefined) return id;
  return c.small.strings.length >= NONE16 ? NONE16 : intern(c.small, s);
}

export const small = (c: H2StreamColumns, id: number): string | undefined => (id === NONE16 ? undefined : c.small.strings[id]);

export { intern };
