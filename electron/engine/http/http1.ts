/**
 * HTTP/1.x over any ByteStream (RFC 9112 message framing, RFC 9110 semantics), incremental:
 * chunks are pushed per direction as they arrive, messages are reported when complete, so a
 * whole capture can be scanned in one pass without holding its streams.
 *
 * Framing (RFC 9112 §6.3): requests have a body only with Transfer-Encoding: chunked or
 * Content-Length; responses to HEAD, 1xx, 204 and 304 have none; a 2xx to CONNECT and a 101
 * switch the connection to another protocol; otherwise chunked, Content-Length, or the body runs
 * to the end of the stream. Requests and responses pair in order (pipelining); 1xx responses
 * (100-continue, 103) attach to the pending request without completing it. Because each
 * direction is parsed on its own, a response arriving while the request body is still being sent
 * (nginx's early 413) pairs with that request as soon as the request head was seen.
 *
 * Lost bytes: a gap (missing segments) or a tracer truncation (strace -s) inside a body is
 * counted as missing body bytes; inside a head it makes the head unreadable, the message is
 * reported as truncated with what its first line says, and the direction resynchronises at the
 * next chunk that starts like a message.
 */
import type { ByteStream, StreamChunk, StreamDir } from '../streams/byte-stream.ts';
import { createDecodeBudget, decodeBody, type DecodeBudget } from './content-coding.ts';
import { headerValue, type HttpExchange, type HttpMessage } from './exchange.ts';
import { concatBytes as concat } from '../bytes/arrays.ts';

export { headerValue };
export type { HttpExchange, HttpMessage } from './exchange.ts';

export { decodeBody };

export type BodyMode = 'none' | 'size' | 'keep';

export interface Http1Options {
  /** none: no body bytes are held (decoded size = sent size unless identity); size: decode to
   *  count the decoded bytes, then drop; keep: keep raw and decoded bodies on the messages. */
  bodies: BodyMode;
  /** Decode work shared by the bodies (content-coding.ts); default one per parser. */
  decodeBudget?: DecodeBudget;
  /** The capture's budget for bomb-like bodies (content-coding.ts bodyBudgetOf). */
  bombBudget?: DecodeBudget;
  onMessage?: (m: HttpMessage, ex: HttpExchange) => void;
  /** False: finished exchanges are not kept on the parser (a whole-capture scan records them
   *  through onMessage into its own columns and drops the objects). Default true. */
  retain?: boolean;
  /** Called when a message's head has been parsed (before its body). */
  onHead?: (m: HttpMessage) => void;
  /** 'index': keep only the header fields the HTTP index reads (a scan; heads are re-parsed
   *  in full on demand). Default 'all'. */
  headers?: 'all' | 'index';
  /**
   * True: the messages and exchanges handed to onMessage are the parser's own, reused once they
   * are done (a whole-capture scan copies what it needs into columns during the call): no object
   * per message or exchange, a few per stream. An exchange then keeps only its request's start
   * line and framing past the request's onMessage (its header array is the direction's), and
   * 1xx responses are not listed on it (`informational` stays empty).
   */
  scratch?: boolean;
}

/**
 * Objects the parsers allocated (messages, exchanges): a test bounds them by counting, not by
 * the clock (a scratch scan makes a few per stream, not one per message).
 */
export const http1Allocs = { messages: 0, exchanges: 0 };

const enum Mode { Head, Length, Chunked, Close, Opaque, Lost }

/**
 * Where a chunk's bytes start: stream position, event and time; `first` is the position of the
 * first chunk of this direction delivered with the same event (a re-parse finds a message by
 * its event and its offset from there: HttpMessage.skip).
 */
interface Mark { pos: number; event: number; time: number; first: number }

interface DirState {
  mode: Mode;
  /** Unconsumed bytes, at stream position `base`. */
  buf: Uint8Array;
  /** `buf` as a DataView (asked of a typed array, .buffer is a runtime call). */
  view: DataView;
  len: number;
  base: number;
  /** Chunk marks: stream position → event/time, for the bytes still in the buffer. */
  marks: Mark[];
  msg: HttpMessage | null;
  ex: HttpExchange | null;
  remaining: number;
  /** Chunked decoding sub-state: 0 size line, 1 data, 2 CRLF after data, 3 trailers. */
  chunkState: number;
  body: Uint8Array[];
  bodyLen: number;
  lastEvent: number;
  lastTime: number;
  /** Event of the last chunk pushed and the position where its run of equal events began. */
  runEvent: number;
  runFirst: number;
  /** Scratch mode: the message object the next head of this direction is parsed into. */
  spare: HttpMessage | null;
  /** Scratch mode: the header array (and its pairs) every message of this direction reuses. */
  headers: [string, string][];
}

export interface Http1Parser {
  stream: string;
  opts: Http1Options;
  dirs: [DirState, DirState];
  exchanges: HttpExchange[];
  /** Exchanges begun so far (the next exchange's index), kept or not. */
  count: number;
  /**
   * Requests without a final response yet, in order, from `pendingHead` on: a queue, since a
   * pipelining client can have thousands outstanding and Array.shift() is O(n) each.
   */
  pending: (HttpExchange | undefined)[];
  pendingHead: number;
  notes: string[];
  /** The stream does not carry HTTP/1 (e.g. the HTTP/2 preface, TLS): everything is ignored. */
  notHttp: boolean;
  started: boolean;
  /** Scratch mode: exchanges done with (both messages reported), each with its request object, for reuse. */
  free: HttpExchange[];
}

function dirState(): DirState {
  return {
    mode: Mode.Head, buf: new Uint8Array(0), view: new DataView(new ArrayBuffer(0)), len: 0, base: 0, marks: [], msg: null, ex: null, remaining: 0,
    chunkState: 0, body: [], bodyLen: 0, lastEvent: 0, lastTime: 0, runEvent: -1, runFirst: 0, spare: null, headers: [],
  };
}

export function createHttp1Parser(stream: string, opts: Http1Options = { bodies: 'size' }): Http1Parser {
  return { stream, opts, dirs: [dirState(), dirState()], exchanges: [], count: 0, pending: [], pendingHead: 0, notes: [], notHttp: false, started: false, free: [] };
}

/**
 * A parser for one message of direction `dir` found again at a known place (re-parsing a head
 * or body on demand from the capture session's index): the stream is already known to be
 * HTTP/1, and a response is framed as the answer to a request with `requestMethod`.
 */
export function createMessageParser(stream: string, dir: StreamDir, requestMethod: string, opts: Http1Options): Http1Parser {
  const p = createHttp1Parser(stream, { ...opts, retain: false });
  p.started = true;
  if (dir === 1) {
    const req = newMessage('request', 0, { event: 0, time: 0 });
    req.method = requestMethod;
    p.pending.push(newExchange(0, stream, req));
  }
  return p;
}

const latin1 = new TextDecoder('latin1');

/** Bytes as latin1 text: short ranges without a TextDecoder call (a scan decodes a few per message). */
function text(b: Uint8Array, from: number, to: number): string {
  if (to - from > 64) return latin1.decode(b.subarray(from, to));
  let out = '';
  for (let k = from; k < to; k++) out += String.fromCharCode(b[k]);
  return out;
}

const HTTP_SLASH = [0x48, 0x54, 0x54, 0x50, 0x2f];
/** `PRI * HTTP/2`: the start of the HTTP/2 connection preface (RFC 9113 §3.4). */
const PRI = [0x50, 0x52, 0x49, 0x20, 0x2a, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x32];

const isUpper = (x: number): boolean => x >= 0x41 && x <= 0x5a;
/** [A-Z0-9_-]: what a method-like start allows after its first letter. */
const isMethodRest = (x: number): boolean => isUpper(x) || (x >= 0x30 && x <= 0x39) || x === 0x5f || x === 0x2d;

/**
 * Could `b` be the start of an HTTP/1 message in direction `dir`? A response starts with
 * `HTTP/`; a request starts like `[A-Z][A-Z0-9_-]{1,19} ` (a method and its space), or is a
 * short all-capitals prefix of one. Compared as bytes (a scan asks this for every chunk starting a head).
 */
function looksLikeStart(b: Uint8Array, off: number, len: number, dir: StreamDir): boolean {
  if (dir === 1) {
    const n = Math.min(len, 5);
    for (let k = 0; k < n; k++) if (b[off + k] !== HTTP_SLASH[k]) return false;
    return true;
  }
  if (len >= PRI.length) {
    let pri = true;
    for (let k = 0; k < PRI.length && pri; k++) pri = b[off + k] === PRI[k];
    if (pri) return false;
  }
  const hl = Math.min(len, 24);
  if (hl > 0 && isUpper(b[off])) {
    let k = 1;
    while (k < hl && k <= 20 && isMethodRest(b[off + k])) k++;
    if (k >= 2 && k <= 20 && k < hl && b[off + k] === 0x20) return true;
  }
  if (len >= 8) return false;
  for (let k = 0; k < len; k++) if (!isUpper(b[off + k])) return false;
  return true;
}

/**
 * Text of bytes that repeat from message to message (method, version, phrase, the indexed
 * header values): one slot remembers the last bytes and their string, so a scan of a keep-alive
 * connection makes no new string for them (and the interned signatures compare by identity).
 */
interface TextSlot { bytes: Uint8Array; len: number; text: string }

function textSlot(): TextSlot {
  return { bytes: new Uint8Array(16), len: -1, text: '' };
}

function slotText(slot: TextSlot, b: Uint8Array, from: number, to: number): string {
  const n = to - from;
  if (n === slot.len) {
    let k = 0;
    while (k < n && slot.bytes[k] === b[from + k]) k++;
    if (k === n) return slot.text;
  }
  if (n > slot.bytes.length) slot.bytes = new Uint8Array(Math.max(n, slot.bytes.length * 2));
  slot.bytes.set(b.subarray(from, to));
  slot.len = n;
  slot.text = text(b, from, to);
  return slot.text;
}

/** JavaScript's String.prototype.trim whitespace among Latin-1 bytes (what parseHead's trim removes). */
const isTrimSpace = (x: number): boolean => (x >= 0x09 && x <= 0x0d) || x === 0x20 || x === 0xa0;
/** \s of a regular expression among Latin-1 bytes (the same set). */
const isRegexSpace = isTrimSpace;
/** [!#$%&'*+.^_`|~0-9A-Za-z-]: an RFC 9110 §5.6.2 token character, as parseStartLine's regex has it. */
function isTokenChar(x: number): boolean {
  if ((x >= 0x30 && x <= 0x39) || (x >= 0x41 && x <= 0x5a) || (x >= 0x61 && x <= 0x7a)) return true;
  return x === 0x21 || (x >= 0x23 && x <= 0x27) || x === 0x2a || x === 0x2b || x === 0x2d || x === 0x2e || x === 0x5e || x === 0x5f || x === 0x60 || x === 0x7c || x === 0x7e;
}
const isDigit = (x: number): boolean => x >= 0x30 && x <= 0x39;

/** End of `HTTP/d` or `HTTP/d.d` at `from` (the version parseStartLine accepts), or -1. */
function versionEnd(b: Uint8Array, from: number, to: number): number {
  if (to - from < 6) return -1;
  for (let k = 0; k < 5; k++) if (b[from + k] !== HTTP_SLASH[k]) return -1;
  if (!isDigit(b[from + 5])) return -1;
  if (from + 7 < to && b[from + 6] === 0x2e && isDigit(b[from + 7])) return from + 8;
  return from + 6;
}

/** Slots for the repeating texts of the start line and the indexed header fields. */
interface Slots { method: TextSlot; uri: TextSlot; version: TextSlot; phrase: TextSlot; names: TextSlot[]; values: TextSlot[] }

function append(s: DirState, bytes: Uint8Array): void {
  if (s.len + bytes.length > s.buf.length) {
    // Sized to what is needed (then doubling): a whole-capture scan has two of these per TCP
    // stream, and most only ever hold one small head.
    const nb = new Uint8Array(Math.max(s.len + bytes.length, s.buf.length * 2));
    nb.set(s.buf.subarray(0, s.len));
    s.buf = nb;
    s.view = new DataView(nb.buffer);
  }
  s.buf.set(bytes, s.len);
  s.len += bytes.length;
}

function consume(s: DirState, n: number): void {
  s.buf.copyWithin(0, n, s.len);
  s.len -= n;
  s.base += n;
  while (s.marks.length > 1 && s.marks[1].pos <= s.base) s.marks.shift();
}

/**
 * The marks reset to the one mark of a chunk that starts the buffer, its object reused (marks are
 * read where they are looked up, never kept): a scan starts most chunks with an empty buffer.
 */
function resetMarks(s: DirState, pos: number, event: number, time: number, first: number): void {
  const ms = s.marks;
  if (ms.length === 0) {
    ms.push({ pos, event, time, first });
    return;
  }
  if (ms.length > 1) ms.length = 1;
  const m = ms[0];
  m.pos = pos;
  m.event = event;
  m.time = time;
  m.first = first;
}

function markAt(s: DirState, pos: number): Mark {
  let m = s.marks[0] ?? { pos: 0, event: s.lastEvent, time: s.lastTime, first: 0 };
  for (const x of s.marks) {
    if (x.pos > pos) break;
    m = x;
  }
  return m;
}

/**
 * The latest event among the bytes [from, to): a message is complete in the frame that arrived
 * last, which for out-of-order segments is not the frame holding its last byte.
 */
function latestIn(s: DirState, from: number, to: number, prev: { event: number; time: number } | null): { event: number; time: number } {
  let best = prev ?? markAt(s, from);
  const ms = s.marks;
  for (let k = 0; k < ms.length; k++) {
    const start = ms[k].pos;
    const end = k + 1 < ms.length ? ms[k + 1].pos : Infinity;
    if (start >= to || end <= from) continue;
    if (ms[k].event > best.event) best = ms[k];
  }
  return best;
}

/** latestIn with `prev` at `event`, as the mark that is later, or null when none is (no object for `prev`). */
function latestAfter(s: DirState, from: number, to: number, event: number): Mark | null {
  let best: Mark | null = null;
  let bestEvent = event;
  const ms = s.marks;
  for (let k = 0; k < ms.length; k++) {
    const start = ms[k].pos;
    const end = k + 1 < ms.length ? ms[k + 1].pos : Infinity;
    if (start >= to || end <= from) continue;
    if (ms[k].event > bestEvent) {
      best = ms[k];
      bestEvent = best.event;
    }
  }
  return best;
}

/**
 * Bytes of stale tail (beyond the bytes held) that a search may run over before a view bounding
 * it is worth its allocation: a view per head was a large share of the scan's garbage.
 */
const STALE_TAIL = 4096;

/** `buf` itself when its stale tail beyond `len` is short (searches check their bounds), else a view of `len` bytes. */
function heldBytes(buf: Uint8Array, len: number): Uint8Array {
  return buf.length - len > STALE_TAIL ? buf.subarray(0, len) : buf;
}

/**
 * The LF positions of the last head findHeadEnd found (`buf`, up to `end`): parseHeadIndexed
 * walks its lines by them instead of searching each line end again.
 */
const lineEnds: { at: Int32Array; n: number; buf: Uint8Array | null; end: number } = { at: new Int32Array(64), n: 0, buf: null, end: -1 };

function addLineEnd(k: number): void {
  if (lineEnds.n === lineEnds.at.length) {
    const a = new Int32Array(lineEnds.at.length * 2);
    a.set(lineEnds.at);
    lineEnds.at = a;
  }
  lineEnds.at[lineEnds.n++] = k;
}

/** `end` as the head end of `buf` whose line ends were just recorded. */
function headEnd(buf: Uint8Array, end: number): number {
  lineEnds.buf = buf;
  lineEnds.end = end;
  return end;
}

function findHeadEnd(buf: Uint8Array, len: number): number {
  // Line ends by indexOf (memchr) rather than byte by byte; any hit at or past `len` is stale.
  const b = heldBytes(buf, len);
  lineEnds.n = 0;
  lineEnds.buf = null;
  for (let k = b.indexOf(0x0a); k >= 0 && k + 1 < len; k = b.indexOf(0x0a, k + 1)) {
    addLineEnd(k);
    if (b[k + 1] === 0x0a) {
      addLineEnd(k + 1);
      return headEnd(buf, k + 2);
    }
    if (b[k + 1] === 0x0d && k + 2 < len && b[k + 2] === 0x0a) {
      addLineEnd(k + 2);
      return headEnd(buf, k + 3);
    }
  }
  return -1;
}

/** Record the LF positions of `b[0..end)` (a head not found by findHeadEnd just before). */
function collectLineEnds(b: Uint8Array, end: number): void {
  lineEnds.n = 0;
  for (let k = b.indexOf(0x0a); k >= 0 && k < end; k = b.indexOf(0x0a, k + 1)) addLineEnd(k);
  headEnd(b, end);
}

const header = headerValue;

function newMessage(kind: 'request' | 'response', pos: number, ev: { event: number; time: number; first?: number }): HttpMessage {
  http1Allocs.messages++;
  return {
    kind, startEvent: ev.event, headEvent: ev.event, endEvent: ev.event, startTime: ev.time, headTime: ev.time, endTime: ev.time,
    version: '', method: '', uri: '', status: null, phrase: '', headers: [], headBytes: 0, bodyBytes: 0, decodedBytes: 0,
    missing: 0, headTruncated: false, incomplete: false, contentType: '', contentEncoding: '', contentLength: null, chunked: false, pos,
    skip: pos - (ev.first ?? pos),
  };
}

/** `m` made as newMessage makes a message (its header array kept for parseHeadIndexed to refill). */
function resetMessage(m: HttpMessage, kind: 'request' | 'response', pos: number, ev: { event: number; time: number; first?: number }): HttpMessage {
  m.kind = kind;
  m.startEvent = m.headEvent = m.endEvent = ev.event;
  m.startTime = m.headTime = m.endTime = ev.time;
  m.version = m.method = m.uri = m.phrase = m.contentType = m.contentEncoding = '';
  m.status = m.contentLength = null;
  m.headBytes = m.bodyBytes = m.decodedBytes = m.missing = 0;
  m.headTruncated = m.incomplete = m.chunked = false;
  m.pos = pos;
  m.skip = pos - (ev.first ?? pos);
  // Rare fields: deleted only when set (a delete per message would cost more than it saves).
  if (m.body !== undefined) delete m.body;
  if (m.rawBody !== undefined) delete m.rawBody;
  if (m.decodeError !== undefined) delete m.decodeError;
  if (m.bodyNote !== undefined) delete m.bodyNote;
  if (m.trailers !== undefined) delete m.trailers;
  return m;
}

/** The message the next head of direction `s` is parsed into: its spare in scratch mode, else a new one. */
function takeMessage(p: Http1Parser, s: DirState, kind: 'request' | 'response', pos: number, ev: { event: number; time: number; first?: number }): HttpMessage {
  const m = p.opts.scratch && s.msg === null ? s.spare : null;
  if (!m) {
    const n = newMessage(kind, pos, ev);
    if (p.opts.scratch) n.headers = s.headers;
    return n;
  }
  s.spare = null;
  return resetMessage(m, kind, pos, ev);
}

function newExchange(index: number, stream: string, request: HttpMessage | null): HttpExchange {
  http1Allocs.exchanges++;
  return { index, stream, request, response: null, informational: [], upgrade: '' };
}

/**
 * The exchange a new request `m` (or a response without one, `m` null) opens: in scratch mode
 * one done with, whose request object becomes the client direction's spare.
 */
function takeExchange(p: Http1Parser, m: HttpMessage | null): HttpExchange {
  const ex = p.opts.scratch ? p.free.pop() : undefined;
  if (!ex) return newExchange(p.count++, p.stream, m);
  const old = ex.request;
  if (old && old !== m && !p.dirs[0].spare) p.dirs[0].spare = old;
  ex.index = p.count++;
  ex.request = m;
  ex.response = null;
  ex.upgrade = '';
  ex.row = undefined;
  return ex;
}

/** Scratch mode: `ex` back to the free list once its final response started and neither direction is still in one of its messages. */
function release(p: Http1Parser, ex: HttpExchange): void {
  if (!p.opts.scratch || ex.response === null || p.dirs[0].ex === ex || p.dirs[1].ex === ex) return;
  p.free.push(ex);
}

/** Parse the start line and header fields of `text` into `m`; false if the start line is not HTTP. */
function parseHead(m: HttpMessage, text: string): boolean {
  m.headers.length = 0;
  const lines = text.split(/\r?\n/);
  if (!parseStartLine(m, lines[0])) return false;
  for (let k = 1; k < lines.length; k++) {
    const l = lines[k];
    if (l === '') continue;
    const c = l.indexOf(':');
    if (c <= 0) continue;
    m.headers.push([l.slice(0, c), l.slice(c + 1).trim()]);
  }
  framingFields(m);
  return true;
}

/** Content-Type, -Encoding, -Length and chunked framing from the header fields. */
function framingFields(m: HttpMessage): void {
  setFraming(m, header(m, 'content-type'), header(m, 'content-encoding'), header(m, 'content-length'), header(m, 'transfer-encoding'));
}

/** The framing from those header values (first occurrence of each, as headerValue finds). */
function setFraming(m: HttpMessage, ct: string | undefined, ce: string | undefined, cl: string | undefined, te: string | undefined): void {
  m.contentType = ct ?? '';
  m.contentEncoding = ce ?? '';
  if (cl !== clMemo.text) clMemo.value = cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : null;
  clMemo.text = cl;
  m.contentLength = clMemo.value;
  if (te !== teMemo.text) teMemo.value = te !== undefined && /(?:^|,)\s*chunked\s*$/i.test(te);
  teMemo.text = te;
  m.chunked = teMemo.value;
}

/** The last Content-Length / Transfer-Encoding text and what it means (values repeat in a scan). */
const clMemo: { text: string | undefined; value: number | null } = { text: undefined, value: null };
const teMemo: { text: string | undefined; value: boolean } = { text: undefined, value: false };

function parseStartLine(m: HttpMessage, first: string): boolean {
  if (m.kind === 'request') {
    const r = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S*) (HTTP\/\d(?:\.\d)?)\s*$/.exec(first);
    if (!r) return false;
    m.method = r[1];
    m.uri = r[2];
    m.version = r[3];
  } else {
    const r = /^(HTTP\/\d(?:\.\d)?) (\d{3})(?: (.*))?$/.exec(first);
    if (!r) return false;
    m.version = r[1];
    m.status = Number(r[2]);
    m.phrase = r[3] ?? '';
  }
  return true;
}

/**
 * parseStartLine over the bytes `b[from..to)` (the line without its line end), accepting exactly
 * what its regular expressions accept; the texts come from the parser's slots.
 */
function parseStartBytes(m: HttpMessage, b: Uint8Array, from: number, to: number, slots: Slots): boolean {
  if (m.kind === 'request') {
    let k = from;
    while (k < to && isTokenChar(b[k])) k++;
    if (k === from || k >= to || b[k] !== 0x20) return false;
    const uriFrom = k + 1;
    let u = uriFrom;
    while (u < to && !isRegexSpace(b[u])) u++;
    if (u >= to || b[u] !== 0x20) return false;
    const ve = versionEnd(b, u + 1, to);
    if (ve < 0) return false;
    for (let x = ve; x < to; x++) if (!isRegexSpace(b[x])) return false;
    m.method = slotText(slots.method, b, from, k);
    m.uri = slotText(slots.uri, b, uriFrom, u);
    m.version = slotText(slots.version, b, u + 1, ve);
    return true;
  }
  const ve = versionEnd(b, from, to);
  if (ve < 0 || ve + 4 > to || b[ve] !== 0x20 || !isDigit(b[ve + 1]) || !isDigit(b[ve + 2]) || !isDigit(b[ve + 3])) return false;
  const after = ve + 4;
  if (after < to) {
    if (b[after] !== 0x20) return false;
    for (let x = after + 1; x < to; x++) if (b[x] === 0x0d || b[x] === 0x0a) return false;
  }
  m.version = slotText(slots.version, b, from, ve);
  m.status = (b[ve + 1] - 0x30) * 100 + (b[ve + 2] - 0x30) * 10 + (b[ve + 3] - 0x30);
  m.phrase = after < to ? slotText(slots.phrase, b, after + 1, to) : '';
  return true;
}

/** Header fields the HTTP index (and framing) reads; lower case. */
const INDEX_NAMES = ['host', 'user-agent', 'content-type', 'content-encoding', 'content-length', 'transfer-encoding', 'upgrade'];
const INDEX_HEADERS = INDEX_NAMES.map((n) => Uint8Array.from(n, (ch) => ch.charCodeAt(0)));
const [H_CT, H_CE, H_CL, H_TE] = ['content-type', 'content-encoding', 'content-length', 'transfer-encoding'].map((n) => INDEX_NAMES.indexOf(n));
/** Index of the INDEX_HEADERS name of each length (their lengths all differ), or -1. */
const INDEX_BY_LENGTH = Int8Array.from({ length: Math.max(...INDEX_NAMES.map((n) => n.length)) + 1 }, (_, len) => INDEX_NAMES.findIndex((n) => n.length === len));
/** Values of INDEX_HEADERS found in the head being parsed (parseHeadIndexed's scratch). */
const indexValues: (string | undefined)[] = INDEX_HEADERS.map(() => undefined);

/** The slots of every scan (content-addressed, so shared: values repeat across connections too). */
const SLOTS: Slots = { method: textSlot(), uri: textSlot(), version: textSlot(), phrase: textSlot(), names: INDEX_NAMES.map(textSlot), values: INDEX_NAMES.map(textSlot) };

function nameIs(b: Uint8Array, from: number, len: number, name: Uint8Array): boolean {
  if (len !== name.length) return false;
  for (let k = 0; k < len; k++) {
    const x = b[from + k];
    if ((x >= 0x41 && x <= 0x5a ? x | 0x20 : x) !== name[k]) return false;
  }
  return true;
}

/**
 * parseHead over the bytes `b[0..end)`, keeping only the first occurrence of the INDEX_HEADERS
 * (all that headerValue would return for them): no string per header line. Lines split as
 * parseHead splits them (LF, or CRLF).
 */
function parseHeadIndexed(m: HttpMessage, buf: Uint8Array, end: number, slots: Slots): boolean {
  // Every search below is bounded by `end` (hits past it are treated as not found).
  const b = heldBytes(buf, end);
  if (lineEnds.buf !== buf || lineEnds.end !== end) collectLineEnds(b, end);
  const at = lineEnds.at;
  const nl = lineEnds.n;
  const e = nl > 0 ? at[0] : end;
  const firstEnd = e > 0 && b[e - 1] === 0x0d && e < end ? e - 1 : e;
  if (!parseStartBytes(m, b, 0, firstEnd, slots)) return false;
  let seen = 0;
  let count = 0;
  indexValues.fill(undefined);
  // Each line from the byte after one LF to the next LF (the head ends with an LF at end - 1).
  for (let k = 1; k < nl; k++) {
    const start = at[k - 1] + 1;
    // The name byte by byte up to its colon (names are short), bounded by the line's LF.
    let le = at[k];
    let colon = start;
    while (colon < le && b[colon] !== 0x3a) colon++;
    if (le < end && le > start && b[le - 1] === 0x0d) le--;
    if (colon > le) colon = le;
    const h = colon - start < INDEX_BY_LENGTH.length ? INDEX_BY_LENGTH[colon - start] : -1;
    if (colon < le && h >= 0 && (seen & (1 << h)) === 0 && nameIs(b, start, colon - start, INDEX_HEADERS[h])) {
      seen |= 1 << h;
      // The value trimmed as String.prototype.trim trims it, in bytes.
      let vs = colon + 1;
      let ve = le;
      while (vs < ve && isTrimSpace(b[vs])) vs++;
      while (ve > vs && isTrimSpace(b[ve - 1])) ve--;
      const v = slotText(slots.values[h], b, vs, ve);
      const name = slotText(slots.names[h], b, start, colon);
      // The pairs of a reused header array are refilled in place.
      const pair = m.headers[count];
      if (pair) {
        pair[0] = name;
        pair[1] = v;
      } else m.headers.push([name, v]);
      count++;
      indexValues[h] = v;
    }
  }
  // Setting an array's length is a runtime call: only when it changes.
  if (m.headers.length !== count) m.headers.length = count;
  lineEnds.buf = null;
  // The values just found, without looking them up again by name (profiled at ~8 % of the scan).
  setFraming(m, indexValues[H_CT], indexValues[H_CE], indexValues[H_CL], indexValues[H_TE]);
  return true;
}

/**
 * The last heads parseHeadIndexed read, per direction, with what it made of them: a keep-alive
 * scan sees the same head bytes message after message (and connection after connection), and
 * bytes equal to a remembered head up to its end give the same head end (findHeadEnd decides on
 * the bytes before the end it finds) and the same fields, so they are neither searched nor
 * parsed again. Content-addressed, so shared by every parser, as SLOTS are.
 */
interface HeadMemo {
  bytes: Uint8Array;
  /** The same bytes as a DataView. */
  view: DataView;
  /** Head length (past its blank line); 0: empty. */
  len: number;
  method: string;
  uri: string;
  version: string;
  status: number | null;
  phrase: string;
  /** The indexed header pairs, in order. */
  names: string[];
  values: string[];
  contentType: string;
  contentEncoding: string;
  contentLength: number | null;
  chunked: boolean;
}

/** Heads remembered per direction: a few, for captures that alternate between some heads. */
const MEMO_HEADS = 4;
/** Longer heads are not remembered (comparing them costs what parsing them does). */
const MEMO_MAX_BYTES = 2048;

function headMemo(): HeadMemo {
  return { bytes: new Uint8Array(0), view: new DataView(new ArrayBuffer(0)), len: 0, method: '', uri: '', version: '', status: null, phrase: '', names: [], values: [], contentType: '', contentEncoding: '', contentLength: null, chunked: false };
}

const memos: [HeadMemo[], HeadMemo[]] = [Array.from({ length: MEMO_HEADS }, headMemo), Array.from({ length: MEMO_HEADS }, headMemo)];
/** Per direction: the slot hit or written last (tried first), and the next to write. */
const memoLast = [0, 0];
const memoNext = [0, 0];

/** Heads taken from the memo and heads parsed in 'index' mode (a test counts them). */
export const headMemoWork = { hits: 0, parsed: 0 };

/**
 * Whether `b[0..len)` (also seen as `v`, a DataView over the same bytes) starts with head `h`:
 * four bytes at a time (a byte loop was ~1 ns a byte, this ~0.15).
 */
function sameHead(h: HeadMemo, b: Uint8Array, v: DataView, len: number): boolean {
  const n = h.len;
  if (n === 0 || n > len) return false;
  const a = h.view;
  const w = n & ~3;
  for (let k = 0; k < w; k += 4) if (a.getInt32(k, true) !== v.getInt32(k, true)) return false;
  for (let k = w; k < n; k++) if (h.bytes[k] !== b[k]) return false;
  return true;
}

/** The remembered head that `b[0..len)` (`v` its DataView) starts with, or null. */
function memoHit(dir: StreamDir, b: Uint8Array, v: DataView, len: number): HeadMemo | null {
  const ms = memos[dir];
  const last = memoLast[dir];
  if (sameHead(ms[last], b, v, len)) {
    headMemoWork.hits++;
    return ms[last];
  }
  for (let k = 0; k < MEMO_HEADS; k++) {
    if (k !== last && sameHead(ms[k], b, v, len)) {
      memoLast[dir] = k;
      headMemoWork.hits++;
      return ms[k];
    }
  }
  return null;
}

/** Remember head `b[0..end)` as `m` now holds it (parseHeadIndexed just filled it). */
function toMemo(dir: StreamDir, m: HttpMessage, b: Uint8Array, end: number): void {
  headMemoWork.parsed++;
  if (end > MEMO_MAX_BYTES) return;
  const k = memoNext[dir];
  memoNext[dir] = (k + 1) % MEMO_HEADS;
  memoLast[dir] = k;
  const h = memos[dir][k];
  if (h.bytes.length < end) {
    h.bytes = new Uint8Array(Math.max(end, 256));
    h.view = new DataView(h.bytes.buffer);
  }
  h.bytes.set(b.subarray(0, end));
  h.len = end;
  h.method = m.method;
  h.uri = m.uri;
  h.version = m.version;
  h.status = m.status;
  h.phrase = m.phrase;
  const hs = m.headers;
  h.names.length = h.values.length = hs.length;
  for (let j = 0; j < hs.length; j++) {
    h.names[j] = hs[j][0];
    h.values[j] = hs[j][1];
  }
  h.contentType = m.contentType;
  h.contentEncoding = m.contentEncoding;
  h.contentLength = m.contentLength;
  h.chunked = m.chunked;
}

/** `m` as parseHeadIndexed would fill it from the remembered head's bytes. */
function fromMemo(m: HttpMessage, h: HeadMemo): void {
  m.method = h.method;
  m.uri = h.uri;
  m.version = h.version;
  m.status = h.status;
  m.phrase = h.phrase;
  const n = h.names.length;
  for (let j = 0; j < n; j++) {
    const pair = m.headers[j];
    if (pair) {
      pair[0] = h.names[j];
      pair[1] = h.values[j];
    } else m.headers.push([h.names[j], h.values[j]]);
  }
  if (m.headers.length !== n) m.headers.length = n;
  m.contentType = h.contentType;
  m.contentEncoding = h.contentEncoding;
  m.contentLength = h.contentLength;
  m.chunked = h.chunked;
}

/**
 * What the head scan of the index pass (layers/http-heads.ts) learns of one head, without a
 * message object or any string: `end` its end (past the blank line), `code` the status (a
 * response) or `methodFrom`..`methodTo` (a request), `contentLength` (-1: none or not a number,
 * as setFraming reads it), `te` whether a Transfer-Encoding field is present.
 */
export interface HeadFraming { end: number; code: number; methodFrom: number; methodTo: number; contentLength: number; te: boolean }

export function createHeadFraming(): HeadFraming {
  return { end: 0, code: 0, methodFrom: 0, methodTo: 0, contentLength: -1, te: false };
}

/** Verdicts of headFraming. */
export const enum HeadVerdict {
  Ok = 0,
  /** The bytes do not start like a message (drive: not HTTP, or lost). */
  NotStart = 1,
  /** No head end in the bytes (the full scan would wait for more). */
  Partial = 2,
  /** A start like a message but no valid start line (drive: Lost). */
  BadStart = 3,
}

/**
 * drive's Head step over `b[from..to)` (stray line ends already skipped by the caller), deciding
 * exactly as findHeadEnd, parseStartBytes and parseHeadIndexed decide: the same byte helpers,
 * first occurrence of each framing field, Content-Length as /^\d+$/ after trimming. Compares
 * bytes only; the method is left as a byte range.
 */
export function headFraming(b: Uint8Array, from: number, to: number, dir: StreamDir, out: HeadFraming): HeadVerdict {
  if (!looksLikeStart(b, from, to - from, dir)) return HeadVerdict.NotStart;
  // Line by line, each LF found by indexOf (memchr; a byte loop in JS was slower): the first
  // ends the start line, each later one a field line; the head ends at the first LF followed by
  // LF or CRLF, as findHeadEnd finds it. A hit past `to` is stale.
  let e = -1;
  let end = -1;
  let ls = from;
  let seenCl = false;
  out.contentLength = -1;
  out.te = false;
  for (let k = b.indexOf(0x0a, from); k >= 0 && k < to; k = b.indexOf(0x0a, k + 1)) {
    if (e < 0) e = k;
    else {
      // A field line [ls, k): only Content-Length (its first occurrence) and Transfer-Encoding matter here.
      // The name ends at the line's first colon, and neither name has one: a colon right after
      // the 14 or 17 bytes of a matching name is the first.
      const le = k > ls && b[k - 1] === 0x0d ? k - 1 : k;
      if (!seenCl && ls + 14 < le && b[ls + 14] === 0x3a && nameIs(b, ls, 14, INDEX_HEADERS[H_CL])) {
        seenCl = true;
        out.contentLength = contentLengthValue(b, ls + 15, le);
      } else if (ls + 17 < le && b[ls + 17] === 0x3a && nameIs(b, ls, 17, INDEX_HEADERS[H_TE])) out.te = true;
    }
    if (k + 1 < to) {
      if (b[k + 1] === 0x0a) {
        end = k + 2;
        break;
      }
      if (b[k + 1] === 0x0d && k + 2 < to && b[k + 2] === 0x0a) {
        end = k + 3;
        break;
      }
    }
    ls = k + 1;
  }
  if (end < 0) return HeadVerdict.Partial;
  const firstEnd = e > from && b[e - 1] === 0x0d && e < end ? e - 1 : e;
  if (dir === 0) {
    let k = from;
    while (k < firstEnd && isTokenChar(b[k])) k++;
    if (k === from || k >= firstEnd || b[k] !== 0x20) return HeadVerdict.BadStart;
    let u = k + 1;
    while (u < firstEnd && !isRegexSpace(b[u])) u++;
    if (u >= firstEnd || b[u] !== 0x20) return HeadVerdict.BadStart;
    const ve = versionEnd(b, u + 1, firstEnd);
    if (ve < 0) return HeadVerdict.BadStart;
    for (let x = ve; x < firstEnd; x++) if (!isRegexSpace(b[x])) return HeadVerdict.BadStart;
    out.methodFrom = from;
    out.methodTo = k;
    out.code = 0;
  } else {
    const ve = versionEnd(b, from, firstEnd);
    if (ve < 0 || ve + 4 > firstEnd || b[ve] !== 0x20 || !isDigit(b[ve + 1]) || !isDigit(b[ve + 2]) || !isDigit(b[ve + 3])) return HeadVerdict.BadStart;
    const after = ve + 4;
    if (after < firstEnd) {
      if (b[after] !== 0x20) return HeadVerdict.BadStart;
      for (let x = after + 1; x < firstEnd; x++) if (b[x] === 0x0d || b[x] === 0x0a) return HeadVerdict.BadStart;
    }
    out.code = (b[ve + 1] - 0x30) * 100 + (b[ve + 2] - 0x30) * 10 + (b[ve + 3] - 0x30);
  }
  out.end = end;
  return HeadVerdict.Ok;
}

/** What a stream that is not HTTP/1.x starts with: a TLS record header (RFC 8446 §5.1), HTTP/2, or else. */
export function classifyStart(b: Uint8Array): 'tls' | 'h2' | undefined {
  if (b.length >= 3 && b[0] >= 20 && b[0] <= 24 && b[1] === 3) return 'tls';
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x52 && b[2] === 0x49 && b[3] === 0x20) return 'h2';
  // A server that speaks first: its SETTINGS frame on stream 0 (RFC 9113 §3.4, §6.5).
  if (b.length >= 9 && b[3] === 4 && (b[5] | b[6] | b[7] | b[8]) === 0) return 'h2';
  return undefined;
}

/**
 * A Content-Length value b[vs..ve) as setFraming reads it: trimmed as String.prototype.trim
 * trims, then /^\d+$/ (else -1); more than 15 digits is -2 (left to the full scan).
 */
function contentLengthValue(b: Uint8Array, vs: number, ve: number): number {
  while (vs < ve && isTrimSpace(b[vs])) vs++;
  while (ve > vs && isTrimSpace(b[ve - 1])) ve--;
  if (vs === ve) return -1;
  if (ve - vs > 15) return -2;
  let v = 0;
  for (let x = vs; x < ve; x++) {
    if (!isDigit(b[x])) return -1;
    v = v * 10 + (b[x] - 0x30);
  }
  return v;
}

/** Parse only the start line (a head whose end was lost). */
function parseFirstLine(m: HttpMessage, b: Uint8Array, len: number): void {
  let e = 0;
  while (e < len && b[e] !== 0x0a) e++;
  const line = latin1.decode(b.subarray(0, e)).replace(/\r$/, '');
  if (m.kind === 'request') {
    const r = /^(\S+) (\S*)(?: (HTTP\/\d(?:\.\d)?))?/.exec(line);
    if (r) {
      m.method = r[1];
      m.uri = r[2];
      m.version = r[3] ?? '';
    }
  } else {
    const r = /^(HTTP\/\d(?:\.\d)?) (\d{3})(?: (.*))?/.exec(line);
    if (r) {
      m.version = r[1];
      m.status = Number(r[2]);
      m.phrase = e < len ? r[3] ?? '' : '';
    }
  }
  const text = latin1.decode(b.subarray(0, len));
  m.headers.length = 0;
  for (const l of text.split(/\r?\n/).slice(1, -1)) {
    const c = l.indexOf(':');
    if (c > 0) m.headers.push([l.slice(0, c), l.slice(c + 1).trim()]);
  }
  m.contentType = header(m, 'content-type') ?? '';
  m.contentEncoding = header(m, 'content-encoding') ?? '';
  const cl = header(m, 'content-length');
  m.contentLength = cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : null;
}

function finishMessage(p: Http1Parser, s: DirState, incomplete: boolean): void {
  const m = s.msg;
  const ex = s.ex;
  if (!m || !ex) return;
  m.incomplete = incomplete;
  if (s.bodyLen > 0) {
    const raw = concat(s.body, s.bodyLen);
    const dec = decodeBody(raw, m.contentEncoding, { keep: p.opts.bodies === 'keep', budget: (p.opts.decodeBudget ??= createDecodeBudget()), bombs: p.opts.bombBudget });
    m.decodedBytes = dec.decodedSize;
    if (dec.error) m.decodeError = dec.error;
    if (dec.note) m.bodyNote = dec.note;
    if (p.opts.bodies === 'keep') {
      m.rawBody = raw;
      m.body = dec.bytes;
    }
  } else {
    m.decodedBytes = Math.max(0, m.bodyBytes - m.missing);
    if (p.opts.bodies === 'keep') {
      m.rawBody = new Uint8Array(0);
      m.body = new Uint8Array(0);
    }
  }
  s.body = [];
  s.bodyLen = 0;
  s.msg = null;
  s.ex = null;
  p.opts.onMessage?.(m, ex);
  if (p.opts.scratch) {
    // A response is not read after its report; a request stays with its exchange (its method frames the response).
    if (m.kind === 'response' && !s.spare) s.spare = m;
    release(p, ex);
  }
}

function bodyData(p: Http1Parser, s: DirState, bytes: Uint8Array, endPos: number): void {
  const m = s.msg;
  if (!m) return;
  m.bodyBytes += bytes.length;
  if (bytes.length > 0) {
    const ev = latestAfter(s, endPos - bytes.length, endPos, m.endEvent);
    if (ev) {
      m.endEvent = ev.event;
      m.endTime = ev.time;
    }
  }
  // 'size' needs the bytes only to undo a content coding; identity bodies are just counted.
  if (bytes.length > 0 && (p.opts.bodies === 'keep' || (p.opts.bodies === 'size' && m.contentEncoding !== ''))) {
    s.body.push(bytes.slice());
    s.bodyLen += bytes.length;
  }
}

/** The response (direction 1) framing once its head is parsed; the request it answers is `req`. */
function responseMode(m: HttpMessage, req: HttpMessage | null): { mode: Mode; remaining: number } {
  const st = m.status ?? 0;
  if (st >= 100 && st < 200 && st !== 101) return { mode: Mode.Head, remaining: 0 };
  if (st === 101) return { mode: Mode.Opaque, remaining: 0 };
  if (req?.method === 'HEAD' || st === 204 || st === 304) return { mode: Mode.Head, remaining: 0 };
  if (req?.method === 'CONNECT' && st >= 200 && st < 300) return { mode: Mode.Opaque, remaining: 0 };
  if (m.chunked) return { mode: Mode.Chunked, remaining: 0 };
  if (m.contentLength !== null) return { mode: m.contentLength > 0 ? Mode.Length : Mode.Head, remaining: m.contentLength };
  return { mode: Mode.Close, remaining: 0 };
}

/** Run the state machine of one direction over its buffered bytes. */
function drive(p: Http1Parser, dir: StreamDir): void {
  const s = p.dirs[dir];
  for (;;) {
    switch (s.mode) {
      case Mode.Head: {
        if (s.len === 0) return;
        // Skip stray line ends between messages (RFC 9112 §2.2 allows ignoring them).
        let lead = 0;
        while (lead < s.len && (s.buf[lead] === 0x0d || s.buf[lead] === 0x0a)) lead++;
        if (lead > 0) {
          consume(s, lead);
          continue;
        }
        if (!looksLikeStart(s.buf, 0, s.len, dir)) {
          if (!p.started) {
            p.notHttp = true;
            return;
          }
          p.notes.push(`${dir === 0 ? 'client' : 'server'} bytes at stream offset ${s.base} are not an HTTP/1 message: skipped to the next message start`);
          s.mode = Mode.Lost;
          continue;
        }
        const indexed = p.opts.headers === 'index';
        const hit = indexed ? memoHit(dir, s.buf, s.view, s.len) : null;
        const end = hit ? hit.len : findHeadEnd(s.buf, s.len);
        if (end < 0) return;
        p.started = true;
        const kind = dir === 0 ? 'request' : 'response';
        const m = takeMessage(p, s, kind, s.base, markAt(s, s.base));
        const endMark = latestIn(s, s.base, s.base + end, null);
        m.headEvent = m.endEvent = endMark.event;
        m.headTime = m.endTime = endMark.time;
        m.headBytes = end;
        let parsed = true;
        if (hit) fromMemo(m, hit);
        else if (indexed) {
          parsed = parseHeadIndexed(m, s.buf, end, SLOTS);
          if (parsed) toMemo(dir, m, s.buf, end);
        } else parsed = parseHead(m, latin1.decode(s.buf.subarray(0, end)));
        if (!parsed) {
          if (p.opts.scratch && !s.spare) s.spare = m;
          p.notes.push(`${kind} head at stream offset ${s.base} (event ${m.startEvent}) has no valid start line`);
          s.mode = Mode.Lost;
          continue;
        }
        consume(s, end);
        startMessage(p, s, m, dir);
        continue;
      }
      case Mode.Length: {
        if (s.len === 0) return;
        const n = Math.min(s.len, s.remaining);
        bodyData(p, s, s.buf.subarray(0, n), s.base + n);
        consume(s, n);
        s.remaining -= n;
        if (s.remaining === 0) {
          finishMessage(p, s, false);
          s.mode = Mode.Head;
        }
        continue;
      }
      case Mode.Chunked: {
        if (!driveChunked(p, s)) return;
        continue;
      }
      case Mode.Close: {
        if (s.len === 0) return;
        bodyData(p, s, s.buf.subarray(0, s.len), s.base + s.len);
        consume(s, s.len);
        return;
      }
      case Mode.Opaque:
      case Mode.Lost: {
        if (s.len > 0) consume(s, s.len);
        return;
      }
    }
  }
}

/** One step of chunked decoding (RFC 9112 §7.1); false when more bytes are needed. */
function driveChunked(p: Http1Parser, s: DirState): boolean {
  if (s.len === 0) return false;
  switch (s.chunkState) {
    case 0: {
      let e = 0;
      while (e < s.len && s.buf[e] !== 0x0a) e++;
      if (e >= s.len) return false;
      const line = latin1.decode(s.buf.subarray(0, e)).replace(/\r$/, '');
      const size = parseInt(line.split(';')[0].trim(), 16);
      consume(s, e + 1);
      if (!Number.isFinite(size) || size < 0) {
        p.notes.push(`bad chunk size line "${line.slice(0, 40)}" at stream offset ${s.base - e - 1}`);
        finishMessage(p, s, true);
        s.mode = Mode.Lost;
        return true;
      }
      if (size === 0) s.chunkState = 3;
      else {
        s.remaining = size;
        s.chunkState = 1;
      }
      return true;
    }
    case 1: {
      const n = Math.min(s.len, s.remaining);
      bodyData(p, s, s.buf.subarray(0, n), s.base + n);
      consume(s, n);
      s.remaining -= n;
      if (s.remaining === 0) s.chunkState = 2;
      return true;
    }
    case 2: {
      let e = 0;
      while (e < s.len && s.buf[e] !== 0x0a) e++;
      if (e >= s.len) return false;
      consume(s, e + 1);
      s.chunkState = 0;
      return true;
    }
    default: {
      // Trailer section ends with an empty line.
      let e = 0;
      while (e < s.len && s.buf[e] !== 0x0a) e++;
      if (e >= s.len) return false;
      const empty = e === 0 || (e === 1 && s.buf[0] === 0x0d);
      const ev = latestIn(s, s.base, s.base + e + 1, s.msg ? { event: s.msg.endEvent, time: s.msg.endTime } : null);
      consume(s, e + 1);
      if (empty) {
        if (s.msg) {
          s.msg.endEvent = ev.event;
          s.msg.endTime = ev.time;
        }
        s.chunkState = 0;
        finishMessage(p, s, false);
        s.mode = Mode.Head;
      }
      return true;
    }
  }
}

/** Drop the oldest pending request; the array is compacted once its dead head is half of it. */
function dequeuePending(p: Http1Parser): void {
  p.pending[p.pendingHead++] = undefined;
  if (p.pendingHead === p.pending.length) {
    p.pending.length = 0;
    p.pendingHead = 0;
  } else if (p.pendingHead >= 1024 && 2 * p.pendingHead >= p.pending.length) {
    p.pending = p.pending.slice(p.pendingHead);
    p.pendingHead = 0;
  }
}

function startMessage(p: Http1Parser, s: DirState, m: HttpMessage, dir: StreamDir): void {
  p.opts.onHead?.(m);
  if (dir === 0) {
    const ex = takeExchange(p, m);
    if (p.opts.retain !== false) p.exchanges.push(ex);
    p.pending.push(ex);
    s.msg = m;
    s.ex = ex;
    if (m.chunked) {
      s.mode = Mode.Chunked;
      s.chunkState = 0;
    } else if (m.contentLength !== null && m.contentLength > 0) {
      s.mode = Mode.Length;
      s.remaining = m.contentLength;
    } else {
      finishMessage(p, s, false);
      s.mode = Mode.Head;
    }
    return;
  }
  let ex = p.pending[p.pendingHead];
  if (!ex) {
    // A response without a request seen (capture started mid-way).
    ex = takeExchange(p, null);
    if (p.opts.retain !== false) p.exchanges.push(ex);
    p.pending.push(ex);
  }
  const st = m.status ?? 0;
  const { mode, remaining } = responseMode(m, ex.request);
  if (st >= 100 && st < 200 && st !== 101) {
    if (!p.opts.scratch) ex.informational.push(m);
    s.msg = m;
    s.ex = ex;
    finishMessage(p, s, false);
    s.mode = Mode.Head;
    return;
  }
  dequeuePending(p);
  ex.response = m;
  s.msg = m;
  s.ex = ex;
  if (st === 101 || mode === Mode.Opaque) {
    ex.upgrade = st === 101 ? (header(m, 'upgrade') ?? '').toLowerCase() : 'tunnel';
    finishMessage(p, s, false);
    s.mode = Mode.Opaque;
    // The client side switches too once its current request is done.
    const c = p.dirs[0];
    if (c.mode === Mode.Head) {
      c.mode = Mode.Opaque;
      c.len = 0;
    }
    return;
  }
  s.mode = mode;
  s.remaining = remaining;
  s.chunkState = 0;
  if (mode === Mode.Head) finishMessage(p, s, false);
}

/** Lost bytes (gap or tracer truncation) in direction `dir`. */
function lose(p: Http1Parser, dir: StreamDir, n: number, ev: { event: number; time: number }): void {
  const s = p.dirs[dir];
  switch (s.mode) {
    case Mode.Length: {
      const k = Math.min(n, s.remaining);
      if (s.msg) {
        s.msg.bodyBytes += k;
        s.msg.missing += k;
        s.msg.endEvent = ev.event;
        s.msg.endTime = ev.time;
      }
      s.remaining -= k;
      if (s.remaining === 0) {
        finishMessage(p, s, false);
        s.mode = Mode.Head;
      }
      s.base += n;
      if (n > k) {
        // More lost than the body needed: the next head is damaged too.
        s.mode = Mode.Lost;
      }
      return;
    }
    case Mode.Close:
      if (s.msg) {
        s.msg.bodyBytes += n;
        s.msg.missing += n;
      }
      s.base += n;
      return;
    case Mode.Head: {
      if (s.len > 0 && looksLikeStart(s.buf, 0, s.len, dir)) {
        // A head whose end was lost: report what its start line says.
        p.started = true;
        const m = takeMessage(p, s, dir === 0 ? 'request' : 'response', s.base, markAt(s, s.base));
        parseFirstLine(m, s.buf, s.len);
        m.headTruncated = true;
        m.headBytes = s.len + n;
        m.headEvent = m.endEvent = ev.event;
        m.headTime = m.endTime = ev.time;
        m.missing = n;
        consume(s, s.len);
        s.base += n;
        startMessage(p, s, m, dir);
        // Its framing is unknown: whatever follows until the next message start is its body.
        if (s.msg) {
          s.mode = Mode.Lost;
          finishMessage(p, s, true);
        }
        s.mode = Mode.Lost;
        return;
      }
      s.len = 0;
      s.base += n;
      s.mode = Mode.Lost;
      return;
    }
    default:
      if (s.msg) {
        s.msg.missing += n;
        finishMessage(p, s, true);
      }
      s.len = 0;
      s.base += n;
      s.mode = s.mode === Mode.Opaque ? Mode.Opaque : Mode.Lost;
  }
}

/** Push one chunk of the stream. */
export function pushHttpChunk(p: Http1Parser, c: StreamChunk): void {
  if (p.notHttp) return;
  const s = p.dirs[c.dir];
  s.lastEvent = c.event;
  s.lastTime = c.time;
  if (c.gap) lose(p, c.dir, c.gap, c);
  if (c.bytes.length > 0) {
    if (c.event !== s.runEvent) {
      s.runEvent = c.event;
      s.runFirst = c.seq + (c.gap ?? 0);
    }
    if (s.mode === Mode.Lost) {
      // Resynchronise at a chunk that starts like a message.
      if (looksLikeStart(c.bytes, 0, c.bytes.length, c.dir)) {
        s.mode = Mode.Head;
        s.len = 0;
        s.base = c.seq + (c.gap ?? 0);
        s.marks = [];
      } else {
        return;
      }
    }
    if (s.mode === Mode.Opaque) return;
    if (s.len === 0 && (s.mode === Mode.Length || s.mode === Mode.Close)) {
      // Body bytes with nothing buffered go to the message straight from the chunk (no copy).
      const base = c.seq + (c.gap ?? 0);
      const take = s.mode === Mode.Length ? Math.min(s.remaining, c.bytes.length) : c.bytes.length;
      s.base = base;
      resetMarks(s, base, c.event, c.time, s.runFirst);
      bodyData(p, s, c.bytes.subarray(0, take), base + take);
      s.base = base + take;
      if (s.mode === Mode.Length) {
        s.remaining -= take;
        if (s.remaining === 0) {
          finishMessage(p, s, false);
          s.mode = Mode.Head;
        }
      }
      if (take < c.bytes.length) {
        resetMarks(s, s.base, c.event, c.time, s.runFirst);
        append(s, c.bytes.subarray(take));
        drive(p, c.dir);
      }
      if (c.truncated) lose(p, c.dir, c.truncated, { event: c.lastEvent ?? c.event, time: c.time });
      return;
    }
    if (s.len === 0) {
      s.base = c.seq + (c.gap ?? 0);
      resetMarks(s, s.base, c.event, c.time, s.runFirst);
    } else s.marks.push({ pos: s.base + s.len, event: c.event, time: c.time, first: s.runFirst });
    append(s, c.bytes);
    drive(p, c.dir);
  }
  if (c.truncated) lose(p, c.dir, c.truncated, { event: c.lastEvent ?? c.event, time: c.time });
}

/** Whether endHttpStream would finish no message (neither direction is inside one): ending the stream early changes nothing. */
export function httpStreamIdle(p: Http1Parser): boolean {
  return p.dirs[0].msg === null && p.dirs[1].msg === null;
}

/** The stream ended: close-delimited bodies end here, anything else unfinished is incomplete. */
export function endHttpStream(p: Http1Parser): void {
  for (const dir of [0, 1] as const) {
    const s = p.dirs[dir];
    if (s.msg) finishMessage(p, s, s.mode !== Mode.Close);
  }
}

/** All exchanges of a stream (bodies as `opts.bodies`). */
export function httpExchanges(stream: ByteStream, opts: Http1Options = { bodies: 'size' }): { exchanges: HttpExchange[]; notes: string[]; isHttp: boolean } {
  const p = createHttp1Parser(stream.id, opts);
  for (const c of stream.chunks) pushHttpChunk(p, c);
  endHttpStream(p);
  return { exchanges: p.exchanges, notes: p.notes, isHttp: p.started };
}
