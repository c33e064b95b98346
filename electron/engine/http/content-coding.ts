/**
 * HTTP content codings (RFC 9110 §8.4.1, IANA HTTP Content Coding Registry): gzip/x-gzip,
 * deflate (zlib, or raw deflate as some servers send), br (RFC 7932), zstd (RFC 8878, RFC 9659),
 * identity. Codings listed in Content-Encoding were applied in order, so they are undone in reverse.
 *
 * Bodies come from strangers, and a few kilobytes can inflate to gigabytes, nested codings
 * (`gzip, gzip`) multiplying it. So decoding streams: every stage is a generator of bounded
 * output chunks feeding the next, nothing but the kept prefix of the result is held, and three
 * bounds apply (docs/limits.md):
 *  - `maxBytes` (MAX_BODY_BYTES): the decoded bytes kept and shown per body; past it the body is
 *    `truncated` with a note, and decoding stops there.
 *  - a DecodeBudget: decoder output bytes of all stages, shared by every body of one pass (a
 *    capture scan, one stream's bodies); once spent, decoding stops and says so.
 *  - the capture's budget for bomb-like bodies (`bombs`, BODY_BUDGET_BYTES), across passes.
 *
 * The stages run node:zlib's native handles directly (the same synchronous `writeSync` its
 * `*Sync` functions loop over) with a fixed output buffer per step: the `*Sync` functions
 * themselves can only fail past `maxOutputLength`, never hand back a prefix. zstd: node:zlib has
 * it from Node 22.15/23.8 (Electron 45); Node 20 uses fzstd's streaming decoder.
 */
import * as zlib from 'node:zlib';
import { Decompress as FzstdDecompress } from 'fzstd';
import { concatBytes as concat } from '../bytes/arrays.ts';

const MIB = 1024 * 1024;
/** Decoded bytes kept (and shown) per body. */
export const MAX_BODY_BYTES = 64 * MIB;
/** Decoder output (all stages, all bodies) allowed per pass before decoding stops. */
export const DECODE_WORK_BYTES = 512 * MIB;
/** Decoded bytes of bomb-like bodies (over BOMB_RATIO times their size as sent) shown, exported
 *  or filtered on over a capture's whole time open: N bombs on N connections (each its own
 *  pass) then cost about this much, not N times the size limit. */
export const BODY_BUDGET_BYTES = 512 * MIB;
/** Decoded:sent past which a body counts as bomb-like (text compresses about 3-20:1). */
export const BOMB_RATIO = 100;
/** RFC 9659 §3: a zstd-coded HTTP body uses a window of at most 8 MB; a decoder may refuse more. */
export const ZSTD_MAX_WINDOW = 8 * MIB;
/** Output buffer of one native decoder step. */
const STEP_OUT = 64 * 1024;
/** Input bytes per fzstd push: its output per push is collected, so the input is fed in pieces. */
const FZSTD_PIECE = 1024;

/** The engine's limits: the defaults above, or TRACELENS_MAX_BODY_MIB / TRACELENS_DECODE_BUDGET_MIB. */
export interface DecodeLimits {
  maxBodyBytes: number;
  decodeBudgetBytes: number;
  bodyBudgetBytes: number;
}

/** A positive whole number of MiB from the environment, else `fallback` (bytes). */
function envMib(name: string, fallback: number): number {
  const v = typeof process !== 'undefined' ? process.env[name] : undefined;
  return v !== undefined && /^[1-9]\d{0,5}$/.test(v.trim()) ? Number(v.trim()) * MIB : fallback;
}

const limits: DecodeLimits = {
  maxBodyBytes: envMib('TRACELENS_MAX_BODY_MIB', MAX_BODY_BYTES),
  decodeBudgetBytes: envMib('TRACELENS_DECODE_BUDGET_MIB', DECODE_WORK_BYTES),
  bodyBudgetBytes: envMib('TRACELENS_BODY_BUDGET_MIB', BODY_BUDGET_BYTES),
};

/** Change the engine's limits (tests, embedders); returns the previous ones. */
export function setDecodeLimits(l: Partial<DecodeLimits>): DecodeLimits {
  const before = { ...limits };
  if (l.maxBodyBytes !== undefined) limits.maxBodyBytes = l.maxBodyBytes;
  if (l.decodeBudgetBytes !== undefined) limits.decodeBudgetBytes = l.decodeBudgetBytes;
  if (l.bodyBudgetBytes !== undefined) limits.bodyBudgetBytes = l.bodyBudgetBytes;
  return before;
}

/** Decoder output still allowed; one object is shared by every body of a pass. */
export interface DecodeBudget {
  left: number;
  readonly total: number;
  /** Set when decoding stopped because the budget ran out. */
  spent: boolean;
  /** What it covers and how to raise it, for the note. */
  scope: 'pass' | 'bodies';
}

export function createDecodeBudget(total = limits.decodeBudgetBytes): DecodeBudget {
  return { left: total, total, spent: false, scope: 'pass' };
}

const bodyBudgets = new WeakMap<object, DecodeBudget>();

/** The budget for the bomb-like bodies of one capture (`owner`), made on first use. */
export function bodyBudgetOf(owner: object): DecodeBudget {
  let b = bodyBudgets.get(owner);
  if (!b) {
    b = { left: limits.bodyBudgetBytes, total: limits.bodyBudgetBytes, spent: false, scope: 'bodies' };
    bodyBudgets.set(owner, b);
  }
  return b;
}

export interface DecodeOptions {
  /** Decoded bytes kept per body (default: the engine's maxBodyBytes). */
  maxBytes?: number;
  /** false: only count the decoded size (up to the budget) and keep no bytes. Default true. */
  keep?: boolean;
  /** Shared work budget; default a fresh one for this body alone. */
  budget?: DecodeBudget;
  /** The capture's budget for bomb-like bodies (bodyBudgetOf); charged after the fact. */
  bombs?: DecodeBudget;
}

export interface DecodedBody {
  /** The decoded body (its first maxBytes), or the raw body when decoding failed or was skipped;
   *  empty when only counting. */
  bytes: Uint8Array;
  /** Decoded bytes counted (a lower bound when `truncated`). */
  decodedSize: number;
  /** Decoding stopped early (size limit or budget): the body is longer than `decodedSize`. */
  truncated?: boolean;
  /** Why the body is truncated, for the user. */
  note?: string;
  /** The body could not be decoded (unknown coding, corrupt data, budget spent before it). */
  error?: string;
}

function mib(n: number): string {
  return n % MIB === 0 ? `${n / MIB} MiB` : `${n} bytes`;
}

export function sizeLimitNote(maxBytes: number): string {
  return `body truncated at ${mib(maxBytes)} (decoded size limit; raise with TRACELENS_MAX_BODY_MIB)`;
}

export function budgetNote(b: DecodeBudget): string {
  return b.scope === 'bodies'
    ? `not decoded: the budget of ${mib(b.total)} for this capture's highly compressed bodies is spent (raise with TRACELENS_BODY_BUDGET_MIB, or reopen the capture)`
    : `not decoded past this point: the decode budget of ${mib(b.total)} for this scan is spent (raise with TRACELENS_DECODE_BUDGET_MIB)`;
}

type Chunks = Iterable<Uint8Array>;
type Stage = (input: Chunks, budget: DecodeBudget) => Generator<Uint8Array, void, undefined>;

const EMPTY = new Uint8Array(0);

/** The parts of a node:zlib stream object its own `*Sync` functions drive (lib/zlib.js). */
interface NativeHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  onerror: (message: string, errno: number, code?: string) => void;
}
interface NativeEngine {
  _handle?: NativeHandle | null;
  _writeState?: Uint32Array;
  close(): void;
}

/** The `*Sync` form of a decoder, for a Node.js whose zlib objects lack the handle used below. */
type OneShot = (b: Uint8Array, maxOutputLength: number) => Uint8Array;

/**
 * Without the handle: the whole input at once, at most the budget out (over it, nothing: the
 * `*Sync` functions throw rather than return a prefix), handed on in STEP_OUT pieces.
 */
function* oneShotStage(oneShot: OneShot, input: Chunks, budget: DecodeBudget): Generator<Uint8Array, void, undefined> {
  const parts = [...input];
  let out: Uint8Array;
  try {
    out = oneShot(concat(parts, parts.reduce((n, p) => n + p.length, 0)), Math.max(1, budget.left));
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') throw e;
    budget.spent = true;
    return;
  }
  for (let o = 0; o < out.length; o += STEP_OUT) {
    const piece = out.subarray(o, o + STEP_OUT);
    budget.left -= piece.length;
    yield piece;
  }
}

/**
 * One native decoder over the input chunks: `flush` per chunk, `finish` once at the end. Every
 * step writes at most STEP_OUT bytes; each one is charged to the budget before it is yielded.
 * Exported for its fallback's test.
 */
export function* nativeStage(make: () => unknown, oneShot: OneShot, flush: number, finish: number, input: Chunks, budget: DecodeBudget): Generator<Uint8Array, void, undefined> {
  // Made here, not by the caller: a generator that never starts never reaches its `finally`.
  const engine = make() as NativeEngine;
  const h = engine._handle;
  const state = engine._writeState;
  if (!h || !state || typeof h.writeSync !== 'function') {
    engine.close();
    yield* oneShotStage(oneShot, input, budget);
    return;
  }
  let failure: string | undefined;
  // The default handler destroys the stream and re-emits asynchronously; keep the message instead.
  h.onerror = (message) => {
    failure = message;
  };
  /** Feed one chunk; true when the budget ran out. */
  function* feed(chunk: Uint8Array, flag: number): Generator<Uint8Array, boolean, undefined> {
    let off = 0;
    let len = chunk.length;
    for (;;) {
      const out = new Uint8Array(STEP_OUT);
      h?.writeSync(flag, chunk, off, len, out, 0, STEP_OUT);
      if (failure !== undefined) throw new Error(failure);
      const availOut = state?.[0] ?? 0;
      const availIn = state?.[1] ?? 0;
      off += len - availIn;
      len = availIn;
      const have = STEP_OUT - availOut;
      if (have > 0) {
        budget.left -= have;
        yield out.subarray(0, have);
        if (budget.left <= 0) {
          budget.spent = true;
          return true;
        }
      }
      // A full output buffer means more may be pending; otherwise the input is used up (or the
      // stream ended and the rest is trailing bytes, ignored as zlib's own *Sync functions do).
      if (availOut !== 0) return false;
    }
  }
  try {
    for (const c of input) if (yield* feed(c, flush)) return;
    yield* feed(EMPTY, finish);
  } finally {
    engine.close();
  }
}

const Z = zlib.constants;

function* gzipStage(input: Chunks, budget: DecodeBudget): Generator<Uint8Array, void, undefined> {
  // Z_SYNC_FLUSH at the end: partial bodies (lost segments) still yield what decodes.
  const oneShot: OneShot = (b, max) => zlib.gunzipSync(b, { maxOutputLength: max, finishFlush: Z.Z_SYNC_FLUSH });
  yield* nativeStage(() => zlib.createGunzip(), oneShot, Z.Z_NO_FLUSH, Z.Z_SYNC_FLUSH, input, budget);
}

/** The first `n` bytes of a chunk sequence and the sequence itself, unchanged. */
function peek(input: Chunks, n: number): { head: Uint8Array; all: Chunks } {
  const it = input[Symbol.iterator]();
  const got: Uint8Array[] = [];
  let have = 0;
  while (have < n) {
    const r = it.next();
    if (r.done) break;
    got.push(r.value);
    have += r.value.length;
  }
  const head = concat(got, have).subarray(0, n);
  function* all(): Generator<Uint8Array, void, undefined> {
    try {
      yield* got;
      for (let r = it.next(); !r.done; r = it.next()) yield r.value;
    } finally {
      it.return?.();
    }
  }
  return { head, all: all() };
}

function* deflateStage(input: Chunks, budget: DecodeBudget): Generator<Uint8Array, void, undefined> {
  const { head, all } = peek(input, 2);
  // RFC 1950 §2.2: CM = 8 and the header is a multiple of 31 — else a raw deflate stream (RFC
  // 1951), which some servers send for "deflate".
  const wrapped = head.length === 2 && (head[0] & 0x0f) === 8 && ((head[0] << 8) | head[1]) % 31 === 0;
  const oneShot: OneShot = (b, max) => (wrapped ? zlib.inflateSync : zlib.inflateRawSync)(b, { maxOutputLength: max, finishFlush: Z.Z_SYNC_FLUSH });
  yield* nativeStage(() => (wrapped ? zlib.createInflate() : zlib.createInflateRaw()), oneShot, Z.Z_NO_FLUSH, Z.Z_SYNC_FLUSH, all, budget);
}

function* brStage(input: Chunks, budget: DecodeBudget): Generator<Uint8Array, void, undefined> {
  const oneShot: OneShot = (b, max) => zlib.brotliDecompressSync(b, { maxOutputLength: max });
  yield* nativeStage(() => zlib.createBrotliDecompress(), oneShot, Z.BROTLI_OPERATION_PROCESS, Z.BROTLI_OPERATION_FINISH, input, budget);
}

/**
 * Walks zstd frames (RFC 8878 §3.1) across chunk boundaries and refuses a window over
 * ZSTD_MAX_WINDOW before the decoder sees the frame (fzstd allocates the window a frame declares).
 */
interface ZstdWalk {
  state: 'magic' | 'frame' | 'block' | 'skippable' | 'skip';
  /** Header bytes collected for the current state, and how many it needs. */
  hdr: number[];
  need: number;
  /** Bytes to pass over (block content, checksum, skippable frame), then `after`. */
  skip: number;
  after: 'block' | 'magic';
  checksum: boolean;
}

function newZstdWalk(): ZstdWalk {
  return { state: 'magic', hdr: [], need: 4, skip: 0, after: 'magic', checksum: false };
}

const le = (h: readonly number[], at: number, n: number): number => {
  let v = 0;
  for (let k = 0; k < n; k++) v += h[at + k] * 2 ** (8 * k);
  return v;
};

/** RFC 8878 §3.1.1.1: header bytes after the magic number, from the descriptor byte. */
function zstdHeaderLength(fhd: number): number {
  const single = (fhd >> 5) & 1;
  const fcsFlag = fhd >> 6;
  return 1 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3] + (fcsFlag === 0 ? single : 2 ** fcsFlag);
}

/** §3.1.1.1.2: Window_Size, or Frame_Content_Size for a single-segment frame. */
function zstdWindow(h: readonly number[]): number {
  const fhd = h[0];
  const single = (fhd >> 5) & 1;
  const fcsFlag = fhd >> 6;
  if (fhd & 0x08) throw new Error('zstd frame header has its reserved bit set');
  let p = 1;
  let window = 0;
  if (!single) {
    const wd = h[p++];
    const base = 2 ** (10 + (wd >> 3));
    window = base + (base / 8) * (wd & 7);
  }
  p += [0, 1, 2, 4][fhd & 3];
  const fcsBytes = fcsFlag === 0 ? single : 2 ** fcsFlag;
  const fcs = le(h, p, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
  return single ? fcs : window;
}

function skipThen(w: ZstdWalk, n: number, after: 'block' | 'magic'): void {
  w.hdr = [];
  w.skip = n;
  w.after = after;
  w.state = 'skip';
  if (n === 0) enter(w, after);
}

function enter(w: ZstdWalk, s: 'block' | 'magic'): void {
  w.hdr = [];
  w.state = s;
  w.need = s === 'block' ? 3 : 4;
}

function walkZstd(w: ZstdWalk, b: Uint8Array): void {
  for (let i = 0; i < b.length; ) {
    if (w.state === 'skip') {
      const n = Math.min(w.skip, b.length - i);
      w.skip -= n;
      i += n;
      if (w.skip === 0) enter(w, w.after);
      continue;
    }
    w.hdr.push(b[i++]);
    if (w.hdr.length < w.need) continue;
    switch (w.state) {
      case 'magic': {
        const magic = le(w.hdr, 0, 4);
        if (magic === 0xfd2fb528) {
          w.state = 'frame';
          w.hdr = [];
          w.need = 1;
        } else if (magic >= 0x184d2a50 && magic <= 0x184d2a5f) {
          // §3.1.2 skippable frame: a 4-byte size, then that many bytes.
          w.state = 'skippable';
          w.hdr = [];
          w.need = 4;
        } else throw new Error('not a zstd frame (bad magic number)');
        break;
      }
      case 'skippable':
        skipThen(w, le(w.hdr, 0, 4), 'magic');
        break;
      case 'frame': {
        if (w.need === 1) {
          w.need = zstdHeaderLength(w.hdr[0]);
          if (w.hdr.length < w.need) break;
        }
        const win = zstdWindow(w.hdr);
        if (win > ZSTD_MAX_WINDOW) throw new Error(`window of ${win} bytes is over the ${ZSTD_MAX_WINDOW} allowed for HTTP (RFC 9659 §3)`);
        w.checksum = ((w.hdr[0] >> 2) & 1) === 1;
        enter(w, 'block');
        break;
      }
      case 'block': {
        // §3.1.1.2: Last_Block, Block_Type (0 raw, 1 RLE, 2 compressed, 3 reserved), Block_Size.
        const bh = le(w.hdr, 0, 3);
        const last = (bh & 1) === 1;
        const type = (bh >> 1) & 3;
        if (type === 3) throw new Error('reserved zstd block type');
        const content = type === 1 ? 1 : bh >>> 3;
        // The optional checksum (4 bytes) follows the last block.
        skipThen(w, content + (last && w.checksum ? 4 : 0), last ? 'magic' : 'block');
        break;
      }
    }
  }
}

/** fzstd's streaming decoder, fed in small pieces; its output per piece is charged to the budget. */
function* fzstdStage(input: Chunks, budget: DecodeBudget): Generator<Uint8Array, void, undefined> {
  const walk = newZstdWalk();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const OVER = new Error('zstd: budget');
  const d = new FzstdDecompress((blk) => {
    if (blk.length === 0) return;
    const room = budget.left - pendingBytes;
    // Copies: fzstd's blocks may be views of its window, which it keeps rewriting.
    pending.push(blk.slice(0, Math.max(0, room)));
    pendingBytes += Math.min(room, blk.length);
    // Throwing abandons the decoder: done only when decoding ends here anyway.
    if (blk.length >= room) throw OVER;
  });
  const drain = function* (): Generator<Uint8Array, boolean, undefined> {
    const out = pending;
    pending = [];
    pendingBytes = 0;
    for (const o of out) {
      budget.left -= o.length;
      yield o;
    }
    if (budget.left <= 0) {
      budget.spent = true;
      return true;
    }
    return false;
  };
  for (const c of input) {
    for (let o = 0; o < c.length; o += FZSTD_PIECE) {
      const piece = c.subarray(o, o + FZSTD_PIECE);
      walkZstd(walk, piece);
      try {
        d.push(piece);
      } catch (e) {
        if (e !== OVER) throw e;
        yield* drain();
        budget.spent = true;
        return;
      }
      if (yield* drain()) return;
    }
  }
  // A body cut short (lost segments) ends mid-frame: keep what decoded, as gzip does.
  if (walk.state !== 'magic' || walk.hdr.length > 0) return;
  d.push(EMPTY, true);
  yield* drain();
}

interface ZstdOptions {
  params: Record<number, number>;
  maxOutputLength?: number;
}
type ZstdZlib = { createZstdDecompress?: (o: ZstdOptions) => unknown; zstdDecompressSync?: (b: Uint8Array, o: ZstdOptions) => Uint8Array };
const nativeZstd = (zlib as unknown as ZstdZlib).createZstdDecompress;
const nativeZstdSync = (zlib as unknown as ZstdZlib).zstdDecompressSync;
const ZC = zlib.constants as unknown as Record<string, number | undefined>;

function* zstdStage(input: Chunks, budget: DecodeBudget): Generator<Uint8Array, void, undefined> {
  const windowLogMax = ZC.ZSTD_d_windowLogMax;
  if (!nativeZstd || !nativeZstdSync || windowLogMax === undefined) {
    yield* fzstdStage(input, budget);
    return;
  }
  const make = nativeZstd;
  const sync = nativeZstdSync;
  const params = { [windowLogMax]: Math.log2(ZSTD_MAX_WINDOW) };
  const oneShot: OneShot = (b, max) => sync(b, { params, maxOutputLength: max });
  yield* nativeStage(() => make({ params }), oneShot, ZC.ZSTD_e_continue ?? 0, ZC.ZSTD_e_end ?? 2, input, budget);
}

// A Map, not an object: a coding named "constructor" must not find Object's.
const STAGES = new Map<string, Stage>([
  ['gzip', gzipStage],
  ['x-gzip', gzipStage],
  ['deflate', deflateStage],
  ['br', brStage],
  ['zstd', zstdStage],
]);

/** Prefix stage errors with the coding they came from. */
function* named(coding: string, stage: Stage, input: Chunks, budget: DecodeBudget): Generator<Uint8Array, void, undefined> {
  try {
    yield* stage(input, budget);
  } catch (e) {
    throw new Error(`${coding}: ${(e as Error).message}`, { cause: e });
  }
}


/**
 * Undo `Content-Encoding`. Never throws: on failure `bytes` is the raw body and `error` says why;
 * past `maxBytes` (or the budget) the body is `truncated` and `note` says why.
 */
export function decodeBody(raw: Uint8Array, contentEncoding: string, opts: DecodeOptions = {}): DecodedBody {
  const all = contentEncoding.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  const keep = opts.keep ?? true;
  const maxBytes = opts.maxBytes ?? limits.maxBodyBytes;
  const budget = opts.budget ?? createDecodeBudget();
  const failed = (error: string): DecodedBody => ({ bytes: keep ? raw : EMPTY, decodedSize: raw.length, error });
  // Undone last to first; an unknown coding stops there (the ones after it are still undone).
  let first = 0;
  let unknown: string | undefined;
  for (let k = all.length - 1; k >= 0; k--) {
    if (!STAGES.has(all[k])) {
      first = k + 1;
      unknown = `unknown content coding "${all[k]}"`;
      break;
    }
  }
  if (first === all.length) {
    if (unknown) return failed(unknown);
    // identity: the bytes are the capture's own, nothing to bound.
    return { bytes: keep ? raw : EMPTY, decodedSize: raw.length };
  }
  if (budget.left <= 0) return failed(budgetNote(budget));
  if (opts.bombs && opts.bombs.left <= 0) return failed(budgetNote(opts.bombs));
  let chunks: Chunks = [raw];
  for (let k = all.length - 1; k >= first; k--) {
    const stage = STAGES.get(all[k]);
    if (stage) chunks = named(all[k], stage, chunks, budget);
  }
  const kept: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (const c of chunks) {
      if (keep && size + c.length > maxBytes) {
        kept.push(c.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        break;
      }
      if (keep) kept.push(c);
      size += c.length;
    }
  } catch (e) {
    // A stage that ran out of budget ends its output early; a later stage may then fail on the
    // cut stream: the budget is the reason.
    if (!budget.spent) return failed((e as Error).message);
  }
  const bytes = keep ? concat(kept, size) : EMPTY;
  if (opts.bombs && size > BOMB_RATIO * raw.length) {
    opts.bombs.left -= size;
    if (opts.bombs.left <= 0) opts.bombs.spent = true;
  }
  if (budget.spent && !truncated) {
    if (size === 0) return failed(budgetNote(budget));
    return { bytes, decodedSize: size, truncated: true, note: budgetNote(budget), ...(unknown ? { error: unknown } : {}) };
  }
  return { bytes, decodedSize: size, ...(truncated ? { truncated, note: sizeLimitNote(maxBytes) } : {}), ...(unknown ? { error: unknown } : {}) };
}
