/**
 * The HTTP/1.x exchanges of a capture as columns (typed arrays and interned strings, as the
 * packet index keeps frames): what the HTTP table, per-event http.* fields and http.* filters
 * need, ≤ 64 bytes per exchange. Header fields beyond the interned ones and bodies are not
 * here: they are re-parsed from the stream at the message (layers/http-reparse.ts).
 *
 * A row is an exchange (request and/or final response) or, flagged INFO, a 1xx response that
 * tshark shows as its own message. Rare values (sizes ≥ 2^32, missing bytes, decode errors,
 * times that are not their event's time) live in a sparse side table.
 */
import type { HttpMessage } from '../http/exchange.ts';

export const enum HttpFlag {
  Request = 1 << 0,
  Response = 1 << 1,
  /** A 1xx response (its own row, not listed in the HTTP table). */
  Info = 1 << 2,
  ReqIncomplete = 1 << 3,
  RespIncomplete = 1 << 4,
  ReqHeadTruncated = 1 << 5,
  RespHeadTruncated = 1 << 6,
  /** Content-Length equals the body bytes as sent (so it needs no column of its own). */
  ReqClIsBody = 1 << 7,
  RespClIsBody = 1 << 8,
  /** Decoded size equals the size as sent. */
  ReqDecodedIsBody = 1 << 9,
  RespDecodedIsBody = 1 << 10,
  /** The row has an entry in the side table. */
  Side = 1 << 11,
}

/** Values too rare or too large for a column. */
export interface HttpSide {
  reqBody?: number;
  respBody?: number;
  reqDecoded?: number;
  respDecoded?: number;
  reqMissing?: number;
  respMissing?: number;
  reqDecodeError?: string;
  respDecodeError?: string;
  /** start, end times when they differ from their events' times (decrypted TLS records). */
  reqTimes?: [number, number];
  respTimes?: [number, number];
  upgrade?: string;
  reqSkip?: number;
  respSkip?: number;
}

export interface Interner {
  strings: string[];
  ids: Map<string, number>;
}

export function intern(t: Interner, s: string): number {
  let id = t.ids.get(s);
  if (id === undefined) {
    id = t.strings.length;
    t.strings.push(s);
    t.ids.set(s, id);
  }
  return id;
}

const U32_MAX = 0xffffffff;

export interface HttpIndex {
  n: number;
  /** Source stream (index into `streams`: `tcp:N`, `fd:…`, `tls:…`). */
  stream: Uint32Array;
  /** Index of the exchange within its stream (as HttpExchange.index). */
  exIndex: Uint32Array;
  /** Events: first byte of the head and the event completing the message; 0 = no message. */
  reqStart: Uint32Array;
  reqEnd: Uint32Array;
  respStart: Uint32Array;
  respEnd: Uint32Array;
  /** Offset of the head from the first byte its direction got in the start event (HttpMessage.skip). */
  reqSkip: Uint16Array;
  respSkip: Uint16Array;
  /** Interned: request `method\0version\0host\0user-agent\0content-type\0content-encoding\0content-length`. */
  reqSig: Uint32Array;
  uri: Uint32Array;
  /** Interned: response `version\0phrase\0content-type\0content-encoding\0content-length`. */
  respSig: Uint32Array;
  /** Body bytes as sent (including missing ones). */
  reqBody: Uint32Array;
  respBody: Uint32Array;
  respDecoded: Uint32Array;
  status: Uint16Array;
  flags: Uint16Array;
  strings: Interner;
  streams: Interner;
  side: Map<number, HttpSide>;
  /** After finish(): (row << 1 | isResponse) of every message showing fields, by end event. */
  endRefs: Uint32Array;
  /** While built: the same refs of every message recorded, in the order they completed (which
   *  is the end-event order but for reordered segments), so finish rarely has to sort. */
  done: Uint32Array;
  nDone: number;
}

type Cols = Omit<HttpIndex, 'n' | 'strings' | 'streams' | 'side' | 'endRefs'>;
const U32_COLS = ['stream', 'exIndex', 'reqStart', 'reqEnd', 'respStart', 'respEnd', 'reqSig', 'uri', 'respSig', 'reqBody', 'respBody', 'respDecoded'] as const;
const U16_COLS = ['status', 'flags', 'reqSkip', 'respSkip'] as const;
const U16_MAX = 0xffff;

/**
 * Columns grow in place while the scan writes them: a resizable ArrayBuffer (ES2024) reserves
 * address space and commits pages as it grows, so doubling never copies the columns in one step
 * (a copy of 16 columns at 5 M rows was a 672 ms stall). finish copies them, in slices, into
 * plain arrays of exactly their length (reads of those are faster than of length-tracking views).
 */
const MAX_ROWS = 1 << 28;
type ResizableBuffer = ArrayBuffer & { resizable: boolean; maxByteLength: number; resize(bytes: number): void };
const ResizableArrayBuffer = ArrayBuffer as unknown as new (bytes: number, opts: { maxByteLength: number }) => ResizableBuffer;

function growable<T extends Uint32Array | Uint16Array>(make: new (b: ArrayBuffer) => T, bytesPer: number, rows: number): T {
  return new make(new ResizableArrayBuffer(rows * bytesPer, { maxByteLength: MAX_ROWS * bytesPer }));
}

/** `a` with room for `rows` (in place when its buffer can grow that far, else copied once). */
function grown<T extends Uint32Array | Uint16Array>(a: T, rows: number, make: new (b: ArrayBuffer) => T): T {
  const buf = a.buffer as ResizableBuffer;
  const bytes = rows * a.BYTES_PER_ELEMENT;
  if (buf.resizable && bytes <= buf.maxByteLength) {
    buf.resize(bytes);
    return a;
  }
  const b = new make(new ArrayBuffer(bytes));
  b.set(a);
  return b;
}

export function createHttpIndex(capacity = 1024): HttpIndex {
  const ix = { n: 0, strings: { strings: [], ids: new Map() }, streams: { strings: [], ids: new Map() }, side: new Map(), endRefs: new Uint32Array(0), done: growable(Uint32Array, 4, capacity * 2), nDone: 0 } as unknown as HttpIndex;
  for (const k of U32_COLS) (ix as Cols)[k] = growable(Uint32Array, 4, capacity);
  for (const k of U16_COLS) (ix as Cols)[k] = growable(Uint16Array, 2, capacity);
  intern(ix.strings, '');
  return ix;
}

function growRows(ix: HttpIndex, size: number): void {
  for (const k of U32_COLS) ix[k] = grown(ix[k], size, Uint32Array);
  for (const k of U16_COLS) ix[k] = grown(ix[k], size, Uint16Array);
}

/** A new empty row; returns its number. */
export function addRow(ix: HttpIndex, stream: string, exIndex: number): number {
  if (ix.n === ix.stream.length) growRows(ix, ix.n * 2 || 1024);
  const r = ix.n++;
  // Rows are only appended and every column's bytes past n are zero (a resized buffer's new bytes
  // are, and so is a copy's): nothing to clear (16 keyed stores a row were ~4 % of the scan).
  ix.stream[r] = intern(ix.streams, stream);
  ix.exIndex[r] = exIndex;
  return r;
}

function side(ix: HttpIndex, r: number): HttpSide {
  let s = ix.side.get(r);
  if (!s) {
    s = {};
    ix.side.set(r, s);
    ix.flags[r] |= HttpFlag.Side;
  }
  return s;
}

function u32(v: number): number {
  return v >= 0 && v < U32_MAX ? v : U32_MAX;
}

/**
 * Record message `m` in row `r`. `timeOf(event)` is the event's own time: message times that
 * equal it need no storage.
 */
export function recordMessage(ix: HttpIndex, r: number, m: HttpMessage, timeOf: (event: number) => number): void {
  const req = m.kind === 'request';
  if (ix.nDone === ix.done.length) ix.done = grown(ix.done, Math.max(1024, ix.done.length * 2), Uint32Array);
  ix.done[ix.nDone++] = r * 2 + (req ? 0 : 1);
  const skip = m.skip ?? 0;
  const cl = m.contentLength;
  const clIsBody = cl !== null && cl === m.bodyBytes;
  const clText = cl === null || clIsBody ? '' : String(cl);
  const times = m.startTime !== timeOf(m.startEvent) || m.endTime !== timeOf(m.endEvent) ? [m.startTime, m.endTime] as [number, number] : undefined;
  if (req) {
    ix.flags[r] |= HttpFlag.Request | (m.incomplete ? HttpFlag.ReqIncomplete : 0) | (m.headTruncated ? HttpFlag.ReqHeadTruncated : 0)
      | (clIsBody ? HttpFlag.ReqClIsBody : 0) | (m.decodedBytes === m.bodyBytes ? HttpFlag.ReqDecodedIsBody : 0);
    ix.reqStart[r] = m.startEvent;
    ix.reqEnd[r] = m.endEvent;
    ix.reqSkip[r] = Math.min(skip, U16_MAX);
    ix.reqSig[r] = reqSigId(ix, memoOf(ix, false), m, clText);
    ix.uri[r] = intern(ix.strings, m.uri);
    ix.reqBody[r] = u32(m.bodyBytes);
    if (ix.reqSkip[r] === U16_MAX) side(ix, r).reqSkip = skip;
    if (ix.reqBody[r] === U32_MAX) side(ix, r).reqBody = m.bodyBytes;
    if (m.decodedBytes !== m.bodyBytes) side(ix, r).reqDecoded = m.decodedBytes;
    if (m.missing > 0) side(ix, r).reqMissing = m.missing;
    if (m.decodeError) side(ix, r).reqDecodeError = m.decodeError;
    if (times) side(ix, r).reqTimes = times;
  } else {
    ix.flags[r] |= HttpFlag.Response | (m.incomplete ? HttpFlag.RespIncomplete : 0) | (m.headTruncated ? HttpFlag.RespHeadTruncated : 0)
      | (clIsBody ? HttpFlag.RespClIsBody : 0) | (m.decodedBytes === m.bodyBytes ? HttpFlag.RespDecodedIsBody : 0);
    ix.respStart[r] = m.startEvent;
    ix.respEnd[r] = m.endEvent;
    ix.respSkip[r] = Math.min(skip, U16_MAX);
    ix.status[r] = m.status === null ? 0 : m.status;
    ix.respSig[r] = respSigId(ix, memoOf(ix, true), m, clText);
    ix.respBody[r] = u32(m.bodyBytes);
    ix.respDecoded[r] = u32(m.decodedBytes);
    if (ix.respSkip[r] === U16_MAX) side(ix, r).respSkip = skip;
    if (ix.respBody[r] === U32_MAX) side(ix, r).respBody = m.bodyBytes;
    if (ix.respDecoded[r] === U32_MAX) side(ix, r).respDecoded = m.decodedBytes;
    if (m.missing > 0) side(ix, r).respMissing = m.missing;
    if (m.decodeError) side(ix, r).respDecodeError = m.decodeError;
    if (times) side(ix, r).respTimes = times;
  }
}

/**
 * The interned signature of `parts` joined by NUL. The scan hands the same string objects for
 * values that repeat (http1.ts text slots), so the last signature of each kind is found again by
 * comparing its parts, without joining and hashing a new string per message.
 */
interface SigMemo { parts: string[]; id: number }
/** Per index (not held past it): the last request and response signatures. */
const memos = new WeakMap<HttpIndex, { req: SigMemo; resp: SigMemo }>();

function memoOf(ix: HttpIndex, response: boolean): SigMemo {
  let m = memos.get(ix);
  if (!m) {
    m = { req: { parts: [], id: 0 }, resp: { parts: [], id: 0 } };
    memos.set(ix, m);
  }
  return response ? m.resp : m.req;
}

/** True when `memo` holds the parts a..g (compared by identity first, as the scan's slots repeat them). */
function same(memo: SigMemo, a: string, b: string, c: string, d: string, e: string, f: string, g: string): boolean {
  const p = memo.parts;
  return p.length === 7 && p[0] === a && p[1] === b && p[2] === c && p[3] === d && p[4] === e && p[5] === f && p[6] === g;
}

/** The id of `memo` for parts a..g (the unused tail parts are ''), interned anew only when they changed. */
function sigOf(ix: HttpIndex, memo: SigMemo, n: number, a: string, b: string, c: string, d: string, e: string, f: string, g: string): number {
  if (same(memo, a, b, c, d, e, f, g)) return memo.id;
  // No array per message: the memo's parts are refilled in place.
  const p = memo.parts;
  p.length = 7;
  p[0] = a;
  p[1] = b;
  p[2] = c;
  p[3] = d;
  p[4] = e;
  p[5] = f;
  p[6] = g;
  memo.id = intern(ix.strings, p.slice(0, n).join('\0'));
  return memo.id;
}

function reqSigId(ix: HttpIndex, memo: SigMemo, m: HttpMessage, cl: string): number {
  return sigOf(ix, memo, 7, m.method, m.version, hv(m, 'host'), hv(m, 'user-agent'), m.contentType, m.contentEncoding, cl);
}

function respSigId(ix: HttpIndex, memo: SigMemo, m: HttpMessage, cl: string): number {
  return sigOf(ix, memo, 5, m.version, m.phrase, m.contentType, m.contentEncoding, cl, '', '');
}

export function setUpgrade(ix: HttpIndex, r: number, upgrade: string): void {
  if (upgrade) side(ix, r).upgrade = upgrade;
}

function hv(m: HttpMessage, name: string): string {
  const hs = m.headers;
  for (let k = 0; k < hs.length; k++) {
    const h = hs[k];
    if (isName(h[0], name)) return h[1];
  }
  return '\u0001';
}

/** `k` equals the lower-case `name` ignoring ASCII case (no lower-cased copy per header). */
function isName(k: string, name: string): boolean {
  if (k.length !== name.length) return false;
  for (let j = 0; j < k.length; j++) {
    const x = k.charCodeAt(j);
    if ((x >= 0x41 && x <= 0x5a ? x | 0x20 : x) !== name.charCodeAt(j)) return false;
  }
  return true;
}

/** Sort key of a row: the event where its exchange starts. */
function startOf(ix: HttpIndex, r: number): number {
  return ix.reqStart[r] || ix.respStart[r];
}

/** Work units (rows, refs) a finishing step handles before it yields. */
export const FINISH_STEP = 1 << 16;

/**
 * Rows in order of the event where they start (stable), columns trimmed to their length, and
 * the end-event lookup built. The rows of a message that shows no fields (its body never
 * completed, tshark waits for the rest) are not in the lookup.
 */
export function finishHttpIndex(ix: HttpIndex): void {
  const work = { units: 0 };
  for (const _ of finishHttpIndexSteps(ix, work)) work.units = 0;
}

/** body(from, to) over [0, n) in pieces of FINISH_STEP, yielding before a piece would make the step exceed FINISH_STEP. */
function* sliced(n: number, work: { units: number }, body: (from: number, to: number) => void): Generator<void> {
  for (let from = 0; from < n; from += FINISH_STEP) {
    const to = Math.min(n, from + FINISH_STEP);
    if (work.units + (to - from) > FINISH_STEP) yield;
    body(from, to);
    work.units += to - from;
  }
}

/**
 * `items` stably sorted by the unsigned 32-bit `keyOf(item)`: a least-significant-digit radix
 * sort in two 16-bit passes (one when every key is below 2^16), linear, and every pass in
 * FINISH_STEP slices, so sorting millions of rows never holds the engine in one step (the
 * comparator sort of 5 M rows did). Returns the sorted array (`items`, reused, or a new one).
 */
export function* radixSortSteps(items: Uint32Array, keyOf: (item: number) => number, work: { units: number }): Generator<void, Uint32Array> {
  const n = items.length;
  let keys = new Uint32Array(n);
  let maxKey = 0;
  yield* sliced(n, work, (from, to) => {
    for (let j = from; j < to; j++) {
      const k = keyOf(items[j]) >>> 0;
      keys[j] = k;
      if (k > maxKey) maxKey = k;
    }
  });
  let src: Uint32Array = items;
  let dst: Uint32Array = new Uint32Array(n);
  let dkeys = new Uint32Array(n);
  const count = new Uint32Array(1 << 16);
  for (const shift of maxKey >= 1 << 16 ? [0, 16] : [0]) {
    const k0 = keys;
    yield* sliced(n, work, (from, to) => {
      if (from === 0) count.fill(0);
      for (let j = from; j < to; j++) count[(k0[j] >>> shift) & 0xffff]++;
    });
    // The prefix sums: a fixed 2^16 units of work, a step of their own when the step is not empty.
    if (work.units > 0) yield;
    work.units += count.length;
    let sum = 0;
    for (let d = 0; d < count.length; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    const s = src;
    const dk = dkeys;
    const dd = dst;
    yield* sliced(n, work, (from, to) => {
      for (let j = from; j < to; j++) {
        const at = count[(k0[j] >>> shift) & 0xffff]++;
        dd[at] = s[j];
        dk[at] = k0[j];
      }
    });
    [src, dst] = [dst, src];
    [keys, dkeys] = [dkeys, keys];
  }
  return src;
}

/** `a[order[r]]` for every r, into a new array of `order.length`, in slices. */
function* permuted<T extends Uint32Array | Uint16Array>(a: T, order: Uint32Array, work: { units: number }, make: new (n: number) => T): Generator<void, T> {
  const b = new make(order.length);
  yield* sliced(order.length, work, (from, to) => {
    for (let r = from; r < to; r++) b[r] = a[order[r]];
  });
  return b;
}

/** The first `n` of `a` as a plain array of exactly that length, in slices. */
function* trimmed<T extends Uint32Array | Uint16Array>(a: T, n: number, work: { units: number }, make: new (n: number) => T): Generator<void, T> {
  const b = new make(n);
  yield* sliced(n, work, (from, to) => b.set(a.subarray(from, to), from));
  return b;
}

/**
 * finishHttpIndex as steps of at most FINISH_STEP rows or refs of linear work each (yield = a
 * good moment to answer other requests; the caller sets `work.units` to 0 at each yield). Rows that completed out of start order (reordered
 * segments, a request body finishing after the next exchange began) are sorted by radix, also
 * in such steps.
 */
export function* finishHttpIndexSteps(ix: HttpIndex, work: { units: number } = { units: 0 }): Generator<void> {
  const n = ix.n;
  let sorted = true;
  for (let r = 1; r < n && sorted; r++) {
    if (work.units >= FINISH_STEP) yield;
    work.units++;
    if (startOf(ix, r) < startOf(ix, r - 1)) sorted = false;
  }
  let inv: Uint32Array | null = null;
  if (sorted) {
    for (const k of U32_COLS) ix[k] = yield* trimmed(ix[k], n, work, Uint32Array);
    for (const k of U16_COLS) ix[k] = yield* trimmed(ix[k], n, work, Uint16Array);
  } else {
    const identity = new Uint32Array(n);
    yield* sliced(n, work, (from, to) => {
      for (let r = from; r < to; r++) identity[r] = r;
    });
    const order = yield* radixSortSteps(identity, (r) => startOf(ix, r), work);
    for (const k of U32_COLS) ix[k] = yield* permuted(ix[k], order, work, Uint32Array);
    for (const k of U16_COLS) ix[k] = yield* permuted(ix[k], order, work, Uint16Array);
    const iv = new Uint32Array(n);
    yield* sliced(n, work, (from, to) => {
      for (let r = from; r < to; r++) iv[order[r]] = r;
    });
    inv = iv;
    const moved = new Map<number, HttpSide>();
    for (const [r, v] of ix.side) {
      if (work.units >= FINISH_STEP) yield;
      moved.set(iv[r], v);
      work.units++;
    }
    ix.side = moved;
  }
  yield* buildEndLookup(ix, inv, work);
}

/** A message shows http.* fields unless its declared body never completed (tshark waits for it). */
export function showsFields(ix: HttpIndex, r: number, response: boolean): boolean {
  const f = ix.flags[r];
  if (response) return (f & HttpFlag.Response) !== 0 && (!(f & HttpFlag.RespIncomplete) || (f & HttpFlag.RespHeadTruncated) !== 0);
  return (f & HttpFlag.Request) !== 0 && (!(f & HttpFlag.ReqIncomplete) || (f & HttpFlag.ReqHeadTruncated) !== 0);
}

export function endEventOf(ix: HttpIndex, ref: number): number {
  return ref & 1 ? ix.respEnd[ref >>> 1] : ix.reqEnd[ref >>> 1];
}

/** True when ref `b` comes after ref `a` in the lookup's order: end event, then ref. */
function after(ix: HttpIndex, a: number, b: number): boolean {
  const ea = endEventOf(ix, a);
  const eb = endEventOf(ix, b);
  return eb > ea || (eb === ea && b > a);
}

/**
 * The lookup from the refs in completion order (rows renumbered by `inv` when they were
 * sorted): kept when already in (end event, ref) order, else sorted into it (by ref, each
 * once, then stably by end event), every pass in slices.
 */
function* buildEndLookup(ix: HttpIndex, inv: Uint32Array | null, work: { units: number }): Generator<void> {
  const done = ix.done;
  const refs = new Uint32Array(ix.nDone);
  let m = 0;
  let sorted = true;
  for (let j = 0; j < ix.nDone; j++) {
    if (work.units >= FINISH_STEP) yield;
    work.units++;
    const d = done[j];
    const ref = inv ? inv[d >>> 1] * 2 + (d & 1) : d;
    if (!showsFields(ix, ref >>> 1, (ref & 1) === 1)) continue;
    if (m > 0 && sorted && !after(ix, refs[m - 1], ref)) sorted = false;
    refs[m++] = ref;
  }
  ix.done = new Uint32Array(0);
  ix.nDone = 0;
  const out = refs.length === m ? refs : yield* trimmed(refs, m, work, Uint32Array);
  if (!sorted) {
    const byRef = yield* radixSortSteps(out, (ref) => ref, work);
    // A message recorded twice would be listed twice: keep each ref once, as a list of rows has it.
    let u = 0;
    yield* sliced(byRef.length, work, (from, to) => {
      for (let j = from; j < to; j++) if (u === 0 || byRef[j] !== byRef[u - 1]) byRef[u++] = byRef[j];
    });
    const unique = u === byRef.length ? byRef : yield* trimmed(byRef, u, work, Uint32Array);
    ix.endRefs = yield* radixSortSteps(unique, (ref) => endEventOf(ix, ref), work);
    return;
  }
  ix.endRefs = out;
}

/** First position in endRefs of a message ending at `event` (binary search), or -1. */
export function firstEndAt(ix: HttpIndex, event: number): number {
  const a = ix.endRefs;
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (endEventOf(ix, a[mid]) < event) lo = mid + 1;
    else hi = mid;
  }
  return lo < a.length && endEventOf(ix, a[lo]) === event ? lo : -1;
}

/** Bytes the index holds in its columns (the per-exchange budget counts these). */
export function httpIndexColumnBytes(ix: HttpIndex): number {
  let b = 0;
  for (const k of U32_COLS) b += ix[k].byteLength;
  for (const k of U16_COLS) b += ix[k].byteLength;
  return b + ix.endRefs.byteLength;
}

// ---- reading a row back ------------------------------------------------------------------------

export interface RequestSig { method: string; version: string; host: string | undefined; userAgent: string | undefined; contentType: string; contentEncoding: string; contentLength: number | null }
export interface ResponseSig { version: string; phrase: string; contentType: string; contentEncoding: string; contentLength: number | null }

const sigCache = new WeakMap<Interner, (RequestSig | ResponseSig | undefined)[]>();

function cached<T extends RequestSig | ResponseSig>(t: Interner, id: number, make: (parts: string[]) => T): T {
  let m = sigCache.get(t);
  if (!m) {
    m = [];
    sigCache.set(t, m);
  }
  let v = m[id];
  if (!v) {
    v = make(t.strings[id].split('\0'));
    m[id] = v;
  }
  return v as T;
}

const opt = (s: string): string | undefined => (s === '\u0001' ? undefined : s);

/** The request's interned head fields; contentLength without the body size (see requestContentLength). */
export function requestSig(ix: HttpIndex, r: number): RequestSig {
  return cached(ix.strings, ix.reqSig[r], (p): RequestSig => ({
    method: p[0] ?? '', version: p[1] ?? '', host: opt(p[2] ?? '\u0001'), userAgent: opt(p[3] ?? '\u0001'), contentType: p[4] ?? '', contentEncoding: p[5] ?? '',
    contentLength: p[6] ? Number(p[6]) : null,
  }));
}

export function responseSig(ix: HttpIndex, r: number): ResponseSig {
  return cached(ix.strings, ix.respSig[r], (p): ResponseSig => ({
    version: p[0] ?? '', phrase: p[1] ?? '', contentType: p[2] ?? '', contentEncoding: p[3] ?? '', contentLength: p[4] ? Number(p[4]) : null,
  }));
}

/** Content-Length of the request or response (the body size when they are equal, which the flags say). */
export function contentLengthOf(ix: HttpIndex, r: number, response: boolean): number | null {
  if (response) return (ix.flags[r] & HttpFlag.RespClIsBody) !== 0 ? respBodyBytes(ix, r) : responseSig(ix, r).contentLength;
  return (ix.flags[r] & HttpFlag.ReqClIsBody) !== 0 ? reqBodyBytes(ix, r) : requestSig(ix, r).contentLength;
}

export function reqBodyBytes(ix: HttpIndex, r: number): number {
  const v = ix.reqBody[r];
  return v === U32_MAX ? ix.side.get(r)?.reqBody ?? v : v;
}

export function respBodyBytes(ix: HttpIndex, r: number): number {
  const v = ix.respBody[r];
  return v === U32_MAX ? ix.side.get(r)?.respBody ?? v : v;
}

export function reqDecodedBytes(ix: HttpIndex, r: number): number {
  return (ix.flags[r] & HttpFlag.ReqDecodedIsBody) !== 0 ? reqBodyBytes(ix, r) : ix.side.get(r)?.reqDecoded ?? 0;
}

export function respDecodedBytes(ix: HttpIndex, r: number): number {
  const v = ix.respDecoded[r];
  return v === U32_MAX ? ix.side.get(r)?.respDecoded ?? v : v;
}

export function skipOf(ix: HttpIndex, r: number, response: boolean): number {
  const v = response ? ix.respSkip[r] : ix.reqSkip[r];
  if (v !== U16_MAX) return v;
  const s = ix.side.get(r);
  return (response ? s?.respSkip : s?.reqSkip) ?? v;
}
