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

export function createHttpIndex(capacity = 1024): HttpIndex {
  const ix = { n: 0, strings: { strings: [], ids: new Map() }, streams: { strings: [], ids: new Map() }, side: new Map(), endRefs: new Uint32Array(0), done: new Uint32Array(capacity * 2), nDone: 0 } as unknown as HttpIndex;
  for (const k of U32_COLS) (ix as Cols)[k] = new Uint32Array(capacity);
  for (const k of U16_COLS) (ix as Cols)[k] = new Uint16Array(capacity);
  intern(ix.strings, '');
  return ix;
}

function resize(ix: HttpIndex, size: number): void {
  for (const k of U32_COLS) {
    const a = new Uint32Array(size);
    a.set(ix[k].subarray(0, Math.min(ix.n, size)));
    ix[k] = a;
  }
  for (const k of U16_COLS) {
    const a = new Uint16Array(size);
    a.set(ix[k].subarray(0, Math.min(ix.n, size)));
    ix[k] = a;
  }
}

/** A new empty row; returns its number. */
export function addRow(ix: HttpIndex, stream: string, exIndex: number): number {
  if (ix.n === ix.stream.length) resize(ix, ix.n * 2 || 1024);
  const r = ix.n++;
  for (const k of U32_COLS) ix[k][r] = 0;
  ix.status[r] = 0;
  ix.flags[r] = 0;
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
  if (ix.nDone === ix.done.length) {
    const d = new Uint32Array(Math.max(1024, ix.done.length * 2));
    d.set(ix.done);
    ix.done = d;
  }
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
    ix.reqSig[r] = sigId(ix, memoOf(ix, false), m.method, m.version, hv(m, 'host'), hv(m, 'user-agent'), m.contentType, m.contentEncoding, clText);
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
    ix.respSig[r] = sigId(ix, memoOf(ix, true), m.version, m.phrase, m.contentType, m.contentEncoding, clText);
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

function sigId(ix: HttpIndex, memo: SigMemo, ...parts: string[]): number {
  if (memo.parts.length === parts.length && parts.every((x, k) => x === memo.parts[k])) return memo.id;
  memo.parts = parts;
  memo.id = intern(ix.strings, parts.join('\0'));
  return memo.id;
}

export function setUpgrade(ix: HttpIndex, r: number, upgrade: string): void {
  if (upgrade) side(ix, r).upgrade = upgrade;
}

function hv(m: HttpMessage, name: string): string {
  for (const [k, v] of m.headers) if (k.length === name.length && k.toLowerCase() === name) return v;
  return '\u0001';
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
  for (const _ of finishHttpIndexSteps(ix)) {
    // run to completion
  }
}

/**
 * finishHttpIndex as steps of at most FINISH_STEP rows or refs of linear work (yield = a good
 * moment to answer other requests). Only captures whose rows or messages completed out of order
 * (reordered segments) need a sort, done in one step.
 */
export function* finishHttpIndexSteps(ix: HttpIndex, work: { units: number } = { units: 0 }): Generator<void> {
  const n = ix.n;
  let sorted = true;
  for (let r = 1; r < n && sorted; r++) {
    if ((r & (FINISH_STEP - 1)) === 0) yield;
    work.units++;
    if (startOf(ix, r) < startOf(ix, r - 1)) sorted = false;
  }
  let inv: Uint32Array | null = null;
  if (sorted) {
    resize(ix, n);
    yield;
  } else {
    const order = new Uint32Array(n);
    for (let r = 0; r < n; r++) order[r] = r;
    order.sort((a, b) => startOf(ix, a) - startOf(ix, b) || a - b);
    work.units += n;
    yield;
    for (const k of U32_COLS) {
      ix[k] = permute(ix[k], order, n) as Uint32Array;
      work.units += n;
      yield;
    }
    for (const k of U16_COLS) {
      ix[k] = permute(ix[k], order, n) as Uint16Array;
      work.units += n;
      yield;
    }
    inv = new Uint32Array(n);
    for (let r = 0; r < n; r++) inv[order[r]] = r;
    const moved = new Map<number, HttpSide>();
    for (const [r, v] of ix.side) moved.set(inv[r], v);
    ix.side = moved;
    work.units += n;
    yield;
  }
  yield* buildEndLookup(ix, inv, work);
}

function permute(a: Uint32Array | Uint16Array, order: Uint32Array, n: number): Uint32Array | Uint16Array {
  const b = a instanceof Uint32Array ? new Uint32Array(n) : new Uint16Array(n);
  for (let r = 0; r < n; r++) b[r] = a[order[r]];
  return b;
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
 * sorted): kept when already in (end event, ref) order, which is the order a sort of all refs
 * gives; otherwise sorted as before.
 */
function* buildEndLookup(ix: HttpIndex, inv: Uint32Array | null, work: { units: number }): Generator<void> {
  const done = ix.done;
  const refs = new Uint32Array(ix.nDone);
  let m = 0;
  let sorted = true;
  for (let j = 0; j < ix.nDone; j++) {
    if ((j & (FINISH_STEP - 1)) === 0 && j > 0) yield;
    work.units++;
    const d = done[j];
    const ref = inv ? inv[d >>> 1] * 2 + (d & 1) : d;
    if (!showsFields(ix, ref >>> 1, (ref & 1) === 1)) continue;
    if (m > 0 && sorted && !after(ix, refs[m - 1], ref)) sorted = false;
    refs[m++] = ref;
  }
  ix.done = new Uint32Array(0);
  ix.nDone = 0;
  const out = refs.length === m ? refs : refs.slice(0, m);
  if (!sorted) {
    // Ascending ref order first (what the stable sort below expects), then by end event.
    out.sort();
    work.units += out.length;
    yield;
    // A message recorded twice would be listed twice: keep each ref once, as a list of rows has it.
    let u = 0;
    for (let j = 0; j < out.length; j++) if (u === 0 || out[j] !== out[u - 1]) out[u++] = out[j];
    const unique = u === out.length ? out : out.slice(0, u);
    sortByEndEvent(ix, unique);
    work.units += unique.length;
    ix.endRefs = unique;
    return;
  }
  ix.endRefs = out;
}

/**
 * Sort refs (made in ascending order) by end event, ties in ref order. Interleaved keep-alive
 * connections leave them unsorted; a comparator sort of a million refs cost ~0.4 s in profiles,
 * a numeric sort of (event, position) packed into one exact double a fraction of that.
 */
function sortByEndEvent(ix: HttpIndex, refs: Uint32Array): void {
  const m = refs.length;
  const bits = Math.max(1, 32 - Math.clz32(m));
  let maxEvent = 0;
  for (let j = 0; j < m; j++) maxEvent = Math.max(maxEvent, endEventOf(ix, refs[j]));
  if (maxEvent * 2 ** bits >= Number.MAX_SAFE_INTEGER) {
    refs.sort((a, b) => endEventOf(ix, a) - endEventOf(ix, b) || a - b);
    return;
  }
  const keys = new Float64Array(m);
  const scale = 2 ** bits;
  for (let j = 0; j < m; j++) keys[j] = endEventOf(ix, refs[j]) * scale + j;
  keys.sort();
  const orig = refs.slice();
  for (let j = 0; j < m; j++) refs[j] = orig[keys[j] % scale];
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
