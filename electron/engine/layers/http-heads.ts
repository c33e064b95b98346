/**
 * The HTTP/1.x head scan of the index pass: while the packet index is built, each TCP segment's
 * payload (already in memory) goes through a byte-level state machine that finds the message
 * heads and bodies of in-order streams and keeps, per message, only the event completing it,
 * request or response, and the method or status code (8 bytes per message). Filters naming
 * only `http`, `http.request`, `http.response`, `http.request.method` and `http.response.code`
 * are answered from it, without the HTTP scan (a second read of the file, reassembly and the
 * full head parse: layers/http-layer.ts).
 *
 * It answers only where it decides exactly as the full scan would (http1.ts drive over
 * streams/tcp-reassembly.ts tcpFollowSegment). A stream it cannot decide — a segment past the
 * next expected byte (reordered, lost), a head across segments, chunked or close-delimited
 * bodies, 1xx, HEAD or CONNECT, bytes that are not a message start once a stream started — is
 * given up alone (`givenUp`): the filter scans just those streams with the HTTP scan and merges
 * their answers in event order (http-filter.ts). What is not one stream's — a frame with two TCP
 * headers, TLS or HTTP/2 (the scan's TLS part reads those), two messages completing in one
 * event — gives the capture up (`bad` says why) and the filters fall back to the full scan.
 */
import { classifyStart, createHeadFraming, headFraming, HeadVerdict, type HeadFraming } from '../http/http1.ts';
import { createInterner, intern, type Interner } from '../index/columns.ts';
import type { ColumnField } from '../filter/column-filter.ts';
import type { ConversationTable } from '../streams/conversations.ts';
import { HEAD_FIELDS } from '../../../shared/http-head-fields.ts';

/** TCP flag bits (RFC 9293 §3.1). */
const TH_SYN = 0x02;

/** Per-stream state bits. */
const STARTED = 1;
const NOT_HTTP = 2;
/** The heads could not decide this stream as the scan would: it is left to the HTTP scan (its messages here are not read). */
const GIVEN_UP = 4;
/** Per-direction modes: between messages, or in a body of `rem` more bytes. */
const IN_HEAD = 0;
const IN_BODY = 1;
/** A message's meta word: the response bit above the code (status, or request method id). */
const RESPONSE = 1 << 16;
/** Distinct request methods kept (a capture with more is left to the full scan). */
const MAX_METHODS = 64;

export interface HttpHeads {
  /** Why the capture is left to the full scan ('' while the heads answer). */
  bad: string;
  /** Streams left to the HTTP scan (the rest keep the heads' answers), and why the first was. */
  givenUp: number[];
  streamWhy: string;
  /** Per stream: the direction bit of its first frame (the client, as tcpFollowSegment takes it), -1 unseen; state bits. */
  client: Int8Array;
  state: Uint8Array;
  /** Per stream × 2 + direction: next expected raw sequence number, seen, bytes written, mode, body bytes left, message meta. */
  next: Uint32Array;
  seen: Uint8Array;
  written: Uint8Array;
  mode: Uint8Array;
  rem: Uint32Array;
  meta: Uint32Array;
  /** Messages completed, from 1 (index 0 unused): event, meta and TCP stream. */
  n: number;
  event: Uint32Array;
  kind: Uint32Array;
  stream: Uint32Array;
  methods: Interner;
  /** The frame of the last segment (a frame with two TCP headers is left to the full scan). */
  lastFrame: number;
  fr: HeadFraming;
  /**
   * Per direction, the last MEMO_SLOTS heads read whole and what they said (slot `dir * MEMO_SLOTS + i`;
   * `memoLen` 0: empty), see walk. A slot's head as 8-byte words (little-endian doubles) and its last
   * 8 bytes as one, compared a word at a time by sameAsMemo; `memoZero` 1 where a word is ±0 (its
   * bytes are then kept in `memo` and compared one by one, as are heads under 8 bytes).
   */
  memo: Uint8Array;
  memoWords: Float64Array;
  memoTail: Float64Array;
  memoZero: Uint8Array;
  memoLen: Int32Array;
  memoMeta: Uint32Array;
  memoCl: Float64Array;
  /** Per direction, the slot hit or written last (tried first), and the next slot to write. */
  memoLast: Uint8Array;
  memoNext: Uint8Array;
  /** Per direction, the byte offset of the word where the last compare found a difference (compared first: see sameAsMemo). */
  memoHot: Int32Array;
  /** A view of the last segment's buffer (the reader's chunk: many segments share it), for sameAsMemo's word reads. */
  viewOf: Uint8Array;
  view: DataView;
  /** decidable's answer, and the message count and given-up streams it was for (-1: not asked yet). */
  decided: boolean;
  decidedAt: Int32Array;
}

/** Heads longer than this are read each time (the memo copies the last ones). */
const MEMO_BYTES = 2048;
/**
 * Heads remembered per direction: a client cycling through a few URLs (bench shape a: five; its
 * requests hit 85 % with 4 slots, all with 8) sends each head again a few messages later, and one
 * slot would miss every time. A miss tries every slot, at one word a slot (sameAsMemo's hot word).
 */
const MEMO_SLOTS = 8;
const MEMO_WORDS = MEMO_BYTES / 8;

const NO_BYTES = new Uint8Array(0);

/** Work of the head scan, for tests: segments looked at, head bytes examined, heads from the memo, memo words compared. */
export const headsWork = { segments: 0, headBytes: 0, memoHits: 0, memoWords: 0 };

const byConv = new WeakMap<ConversationTable, HttpHeads>();

function createHeads(): HttpHeads {
  return {
    bad: '', givenUp: [], streamWhy: '', client: new Int8Array(64).fill(-1), state: new Uint8Array(64), next: new Uint32Array(128), seen: new Uint8Array(128), written: new Uint8Array(128),
    mode: new Uint8Array(128), rem: new Uint32Array(128), meta: new Uint32Array(128), n: 0, event: new Uint32Array(1024), kind: new Uint32Array(1024), stream: new Uint32Array(1024),
    methods: createInterner(), lastFrame: -1, fr: createHeadFraming(),
    memo: new Uint8Array(2 * MEMO_SLOTS * MEMO_BYTES), memoWords: new Float64Array(2 * MEMO_SLOTS * MEMO_WORDS), memoTail: new Float64Array(2 * MEMO_SLOTS),
    memoZero: new Uint8Array(2 * MEMO_SLOTS), memoLen: new Int32Array(2 * MEMO_SLOTS), memoMeta: new Uint32Array(2 * MEMO_SLOTS), memoCl: new Float64Array(2 * MEMO_SLOTS),
    memoLast: new Uint8Array(2), memoNext: new Uint8Array(2), memoHot: new Int32Array(2), viewOf: NO_BYTES, view: new DataView(NO_BYTES.buffer),
    decided: false, decidedAt: new Int32Array(2).fill(-1),
  };
}

/**
 * Start the head scan for the capture whose conversation table is `conv`; the returned
 * function takes every TCP segment of the index pass (dissectors/tcp.ts, first pass): the
 * frame, its stream and direction bit, raw sequence number, flags, the frame's bytes with the
 * payload from `from` to `to` (captured), and the segment length (-1: unknown).
 */
export function startHttpHeads(conv: ConversationTable): TcpSegmentHook {
  const h = createHeads();
  byConv.set(conv, h);
  return (frame, stream, bit, seq, flags, b, from, to, seglen) => headsSegment(h, frame, stream, bit, seq, flags, b, from, to, seglen);
}

export type TcpSegmentHook = (frame: number, stream: number, bit: number, seq: number, flags: number, b: Uint8Array, from: number, to: number, seglen: number) => void;

/** The head scan of a capture, if its index pass ran one. */
export function httpHeadsOf(conv: ConversationTable): HttpHeads | undefined {
  return byConv.get(conv);
}

function giveUp(h: HttpHeads, why: string): void {
  h.bad = why;
  // The columns are not read again: let them go.
  h.event = h.kind = h.stream = new Uint32Array(0);
  h.n = 0;
}

/** Leave stream `sid` to the HTTP scan: what the heads read of it is not answered from them (headsKept). */
function giveUpStream(h: HttpHeads, sid: number, why: string): void {
  h.state[sid] |= GIVEN_UP;
  h.givenUp.push(sid);
  if (h.streamWhy === '') h.streamWhy = why;
}

function grow<T extends Uint32Array | Uint8Array | Int8Array>(a: T, need: number, make: new (n: number) => T, fill = 0): T {
  if (need <= a.length) return a;
  const b = new make(Math.max(need, a.length * 2));
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

function ensureStream(h: HttpHeads, sid: number): void {
  if (sid < h.client.length) return;
  const n = sid + 1;
  h.client = grow(h.client, n, Int8Array, -1);
  h.state = grow(h.state, h.client.length, Uint8Array);
  const m = h.client.length * 2;
  h.next = grow(h.next, m, Uint32Array);
  h.seen = grow(h.seen, m, Uint8Array);
  h.written = grow(h.written, m, Uint8Array);
  h.mode = grow(h.mode, m, Uint8Array);
  h.rem = grow(h.rem, m, Uint32Array);
  h.meta = grow(h.meta, m, Uint32Array);
}

function addMessage(h: HttpHeads, frame: number, meta: number, sid: number): void {
  const k = ++h.n;
  if (k >= h.event.length) {
    h.event = grow(h.event, k + 1, Uint32Array);
    h.kind = grow(h.kind, k + 1, Uint32Array);
    h.stream = grow(h.stream, k + 1, Uint32Array);
  }
  h.event[k] = frame;
  h.kind[k] = meta;
  h.stream[k] = sid;
}

function headsSegment(h: HttpHeads, frame: number, sid: number, bit: number, rawSeq: number, flags: number, b: Uint8Array, from: number, to: number, seglen: number): void {
  if (h.bad !== '') return;
  if (frame === h.lastFrame) return giveUp(h, `frame ${frame} has two TCP headers`);
  h.lastFrame = frame;
  ensureStream(h, sid);
  if (h.client[sid] < 0) h.client[sid] = bit;
  if (h.state[sid] & (NOT_HTTP | GIVEN_UP)) return;
  const dir = bit === h.client[sid] ? 0 : 1;
  const k = sid * 2 + dir;
  const seq = flags & TH_SYN ? (rawSeq + 1) >>> 0 : rawSeq >>> 0;
  if (h.seen[k] === 0) {
    h.seen[k] = 1;
    h.next[k] = seq;
  } else if (flags & TH_SYN && seq !== h.next[k] && h.written[k] === 0) {
    // A second SYN with another initial number: reassembly takes its numbers as that frame saw them.
    return giveUpStream(h, sid, `frame ${frame}: a new initial sequence number on a stream`);
  }
  if (seglen === 0) return;
  if (seglen < 0) return giveUpStream(h, sid, `frame ${frame}: a TCP segment of unknown length`);
  if (to - from < seglen) return giveUpStream(h, sid, `frame ${frame}: segment cut short by the capture`);
  headsWork.segments++;
  const d = (seq - h.next[k]) | 0;
  if (d > 0) return giveUpStream(h, sid, `frame ${frame}: segment past the next expected byte`);
  let off = from;
  if (d < 0) {
    // Retransmitted bytes: reassembly keeps only the new ones (before any byte, it would take this frame's numbers).
    if (h.written[k] === 0) return giveUpStream(h, sid, `frame ${frame}: segment before a direction's first byte`);
    if (-d >= seglen) return;
    off -= d;
  }
  const end = from + seglen;
  h.next[k] = (seq + seglen) >>> 0;
  h.written[k] = 1;
  walk(h, frame, sid, dir, k, b, off, end);
}

/** drive over the segment's new bytes b[off..end), one direction of stream `sid`. */
function walk(h: HttpHeads, frame: number, sid: number, dir: 0 | 1, k: number, b: Uint8Array, off: number, end: number): void {
  const chunkFrom = off;
  const fr = h.fr;
  while (off < end) {
    if (h.mode[k] === IN_BODY) {
      const n = Math.min(end - off, h.rem[k]);
      h.rem[k] -= n;
      off += n;
      if (h.rem[k] === 0) {
        addMessage(h, frame, h.meta[k], sid);
        h.mode[k] = IN_HEAD;
      }
      continue;
    }
    // Stray line ends between messages are skipped (RFC 9112 §2.2), as drive does.
    while (off < end && (b[off] === 0x0d || b[off] === 0x0a)) off++;
    if (off >= end) return;
    // Keep-alive heads repeat byte for byte (nginx's change with its Date, once a second): one
    // that equals the last head read in this direction says what that one said. headFraming's
    // answer depends only on the head's bytes (and on more bytes following), so this is exact.
    const slot = memoSlot(h, dir, b, off, end);
    let meta: number;
    let cl: number;
    if (slot >= 0) {
      const ml = h.memoLen[slot];
      headsWork.memoHits++;
      headsWork.headBytes += ml;
      h.state[sid] |= STARTED;
      meta = h.memoMeta[slot];
      cl = h.memoCl[slot];
      off += ml;
    } else {
      const v = headFraming(b, off, end, dir, fr);
      headsWork.headBytes += v === HeadVerdict.Ok ? fr.end - off : end - off;
      if (v === HeadVerdict.NotStart) {
        if (h.state[sid] & STARTED) return giveUpStream(h, sid, `frame ${frame}: bytes that are not an HTTP/1 message in an HTTP stream`);
        if (classifyStart(b.subarray(chunkFrom, end)) !== undefined) return giveUp(h, `frame ${frame}: a TLS or HTTP/2 stream`);
        h.state[sid] |= NOT_HTTP;
        return;
      }
      if (v === HeadVerdict.Partial) return giveUpStream(h, sid, `frame ${frame}: a head continued in the next segment`);
      if (v === HeadVerdict.BadStart) return giveUpStream(h, sid, `frame ${frame}: a head with no valid start line`);
      h.state[sid] |= STARTED;
      if (fr.te) return giveUpStream(h, sid, `frame ${frame}: Transfer-Encoding`);
      cl = fr.contentLength;
      if (cl < -1 || cl >= 0x80000000) return giveUpStream(h, sid, `frame ${frame}: a Content-Length too large`);
      if (dir === 0) {
        const id = methodId(h, b, fr.methodFrom, fr.methodTo);
        if (id < 0) return giveUpStream(h, sid, `frame ${frame}: HEAD, CONNECT or too many methods`);
        meta = id;
      } else {
        const st = fr.code;
        // 1xx and 101 (own rows, upgrades) are left to the full scan; 204 and 304 have no body (RFC 9110 §6.4.1).
        if (st >= 100 && st < 200) return giveUpStream(h, sid, `frame ${frame}: a 1xx response`);
        if (cl < 0 && st !== 204 && st !== 304) return giveUpStream(h, sid, `frame ${frame}: a response body delimited by the close`);
        meta = RESPONSE | st;
      }
      if (fr.end - off <= MEMO_BYTES) remember(h, dir, b, off, fr.end, meta, cl);
      off = fr.end;
    }
    const body = meta === (RESPONSE | 204) || meta === (RESPONSE | 304) ? 0 : Math.max(0, cl);
    if (body === 0) addMessage(h, frame, meta, sid);
    else {
      h.mode[k] = IN_BODY;
      h.rem[k] = body;
      h.meta[k] = meta;
    }
  }
}

/** The view of `b` for word reads (one per reader chunk: many segments share it). */
function viewOf(h: HttpHeads, b: Uint8Array): DataView {
  if (b !== h.viewOf) {
    h.viewOf = b;
    h.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  return h.view;
}

/** Keep the head b[off..end) and what it said in the next slot of direction `dir`. */
function remember(h: HttpHeads, dir: 0 | 1, b: Uint8Array, off: number, end: number, meta: number, cl: number): void {
  const i = h.memoNext[dir];
  h.memoNext[dir] = (i + 1) % MEMO_SLOTS;
  h.memoLast[dir] = i;
  const slot = dir * MEMO_SLOTS + i;
  const len = end - off;
  let zero = len < 8 ? 1 : 0;
  if (len >= 8) {
    // Words straight from the segment's buffer: no copy of the bytes unless they are compared one by one.
    const v = viewOf(h, b);
    const words = h.memoWords;
    const w0 = slot * MEMO_WORDS;
    for (let j = 0; j + 8 <= len; j += 8) if ((words[w0 + (j >> 3)] = v.getFloat64(off + j, true)) === 0) zero = 1;
    if ((h.memoTail[slot] = v.getFloat64(end - 8, true)) === 0) zero = 1;
  }
  if (zero !== 0) h.memo.set(b.subarray(off, end), slot * MEMO_BYTES);
  h.memoZero[slot] = zero;
  h.memoLen[slot] = len;
  h.memoMeta[slot] = meta;
  h.memoCl[slot] = cl;
}

/** The slot of direction `dir` whose head b[off..) starts with, byte for byte, or -1; the last slot hit is tried first. */
function memoSlot(h: HttpHeads, dir: 0 | 1, b: Uint8Array, off: number, end: number): number {
  const last = h.memoLast[dir];
  for (let t = 0; t < MEMO_SLOTS; t++) {
    const i = t === 0 ? last : t <= last ? t - 1 : t;
    const slot = dir * MEMO_SLOTS + i;
    const ml = h.memoLen[slot];
    if (ml > 0 && end - off >= ml && sameAsMemo(h, slot, b, off, ml)) {
      h.memoLast[dir] = i;
      return slot;
    }
  }
  return -1;
}

/**
 * Whether b[off..off+ml) equals the head of memo slot `slot` byte for byte. Eight bytes at a time
 * as doubles, the last eight as one more (overlapping) word: a JS loop of word reads costs less
 * than Buffer.compare's argument checks and native call (profiled: ~110 ns of ~250 ns per message
 * on ka-1m). Two doubles are === exactly when their bits are equal, but for +0 and -0 (equal,
 * other bits: a memo with a zero word is compared byte by byte) and NaN (never equal: a miss, the
 * head is then read in full, still exact). The word where the last compare of this direction
 * failed is tried first: heads that differ from each other (responses with their own
 * Content-Length or ETag) differ at the same place, past a long equal prefix, so a miss costs one
 * word rather than the prefix (per slot tried). Any order of the words decides the same.
 */
function sameAsMemo(h: HttpHeads, slot: number, b: Uint8Array, off: number, ml: number): boolean {
  if (h.memoZero[slot] !== 0) {
    const mb = h.memo;
    const m0 = slot * MEMO_BYTES;
    for (let i = 0; i < ml; i++) if (b[off + i] !== mb[m0 + i]) return false;
    return true;
  }
  const v = viewOf(h, b);
  const words = h.memoWords;
  const w0 = slot * MEMO_WORDS;
  const last = ml - 8;
  const dir = slot < MEMO_SLOTS ? 0 : 1;
  const hot = h.memoHot[dir];
  if (hot < last && v.getFloat64(off + hot, true) !== words[w0 + (hot >> 3)]) {
    headsWork.memoWords++;
    return false;
  }
  for (let i = 0; i < last; i += 8) {
    if (v.getFloat64(off + i, true) === words[w0 + (i >> 3)]) continue;
    headsWork.memoWords += (i >> 3) + 2;
    h.memoHot[dir] = i;
    return false;
  }
  headsWork.memoWords += (last >> 3) + 3;
  return v.getFloat64(off + last, true) === h.memoTail[slot];
}

/** The interned id of the method b[from..to) (ASCII token bytes), or -1 for HEAD and CONNECT (their responses frame differently). */
function methodId(h: HttpHeads, b: Uint8Array, from: number, to: number): number {
  const ms = h.methods.strings;
  // Methods repeat: compare with the few seen before building a string.
  for (let id = 1; id < ms.length; id++) {
    const m = ms[id];
    if (m.length !== to - from) continue;
    let same = true;
    for (let j = 0; j < m.length && same; j++) same = m.charCodeAt(j) === b[from + j];
    if (same) return id;
  }
  if (ms.length > MAX_METHODS) return -1;
  let text = '';
  for (let j = from; j < to; j++) text += String.fromCharCode(b[j]);
  if (text === 'HEAD' || text === 'CONNECT') return -1;
  return intern(h.methods, text);
}

/** Whether a filter naming `fields` can be answered from `h` alone. */
export function headsAnswer(h: HttpHeads | undefined, fields: readonly string[]): h is HttpHeads {
  return h !== undefined && h.bad === '' && fields.length > 0 && fields.every((f) => HEAD_FIELDS.includes(f)) && decidable(h);
}

/**
 * mostlyDecided and not sharesEvents, remembered for the messages and given-up streams they saw:
 * both walk every message, and each filter asks twice (http-filter.ts headsFor) on heads that no
 * longer change once the index pass is done.
 */
function decidable(h: HttpHeads): boolean {
  if (h.decidedAt[0] !== h.n || h.decidedAt[1] !== h.givenUp.length) {
    h.decidedAt[0] = h.n;
    h.decidedAt[1] = h.givenUp.length;
    h.decided = mostlyDecided(h) && !sharesEvents(h);
  }
  return h.decided;
}

/** At most half the streams left to the scan: with more, the whole scan (kept by the session for the next filter) costs about as much. */
function mostlyDecided(h: HttpHeads): boolean {
  if (h.givenUp.length === 0) return true;
  let seen = 0;
  for (let sid = 0; sid < h.client.length; sid++) if (h.client[sid] >= 0) seen++;
  return h.givenUp.length * 2 <= seen;
}

/** Two messages completing in one event are tested together by the full path: not here. */
function sharesEvents(h: HttpHeads): boolean {
  const ev = h.event;
  let last = -1;
  for (let k = 1; k <= h.n; k++) {
    if (!headsKept(h, k)) continue;
    if (ev[k] === last) return true;
    last = ev[k];
  }
  return false;
}

/** Whether message `k` is answered from the heads (its stream was not left to the scan). */
export function headsKept(h: HttpHeads, k: number): boolean {
  return (h.state[h.stream[k]] & GIVEN_UP) === 0;
}

/** Per TCP stream, 1 where the heads left it to the HTTP scan (undefined: none was). */
export function givenUpStreams(h: HttpHeads): Uint8Array | undefined {
  if (h.givenUp.length === 0) return undefined;
  const m = new Uint8Array(h.state.length);
  for (const sid of h.givenUp) m[sid] = 1;
  return m;
}

/** Meta words are below this (the response bit and a 16-bit code): a table over them has an entry per word. */
export const META_WORDS = RESPONSE << 1;

/**
 * The head scan's fields as columns over meta words rather than messages: every field the heads
 * hold is a function of a message's meta word alone, so a filter compiled on these is tested
 * once per distinct word (a few methods and status codes), then looked up per message
 * (http-filter.ts headsSteps).
 */
export function headsColumns(h: HttpHeads): Map<string, ColumnField> {
  const isResp = (w: number): boolean => (w & RESPONSE) !== 0;
  const one = (): number => 1;
  const m = new Map<string, ColumnField>();
  m.set('http', { kind: 'num', has: () => true, num: one });
  m.set('http.request', { kind: 'num', has: (w) => !isResp(w), num: one });
  m.set('http.response', { kind: 'num', has: isResp, num: one });
  m.set('http.response.code', { kind: 'num', has: (w) => isResp(w) && (w & 0xffff) !== 0, num: (w) => w & 0xffff });
  m.set('http.request.method', { kind: 'str', has: (w) => !isResp(w), id: (w) => w & 0xffff, strings: h.methods });
  return m;
}
