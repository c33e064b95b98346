/**
 * Filter terms over a frame's captured bytes (`frame contains LITERAL`, `frame matches PATTERN`)
 * answered by one pass over the capture file instead of a dissection per frame: the file is read
 * in large windows of consecutive records and each window is searched natively (Buffer.indexOf,
 * or a caseless RegExp over the window as latin1 text). An occurrence at file offset p belongs to
 * the last frame whose data starts at or before p (binary search over the index's data offsets),
 * and it counts only when it ends inside that frame's captured bytes: one that starts in a record
 * header or runs past the frame's end is skipped and the search goes on from the next frame's
 * first byte, where a later occurrence may still lie wholly inside it.
 *
 * The `frame` protocol's value is the whole frame as captured (compile.ts protocolBytes: its
 * entry starts at offset 0 of the frame's data source), which is what the file holds at
 * `dataOffset` for `capLen` bytes (index/packet-capture.ts redissect reads the same range).
 */
import { RE2JS } from 're2js';
import type { FilterAst } from '../../../shared/filter/ast.ts';
import type { PacketIndex } from '../index/packet-index.ts';
import { compileRegex } from './compile.ts';

/**
 * One byte test of a frame. `bytes`: the needle occurs in the frame (`contains`). `caseless`: an
 * ASCII literal pattern of `matches`, which RE2 matches caselessly (compile.ts compileRegex): the
 * JS RegExp `re` finds the same occurrences in latin1 text (below). `regex`: any other pattern,
 * tested per frame with the engine's RE2 on the frame's latin1 text, as compile.ts does.
 */
export type FrameTerm =
  | { k: 'bytes'; needle: Uint8Array }
  | { k: 'caseless'; length: number; re: RegExp }
  | { k: 'regex'; re: RE2JS };

const utf8 = new TextEncoder();

/**
 * `matches` patterns that are one literal: printable ASCII without RE2 metacharacters, a
 * backslash only before ASCII punctuation (RE2 syntax: `\` + punctuation is that character).
 */
const LITERAL_PATTERN = /^(?:[ !"#%&',\-/0-9:;<=>@A-Z_`a-z~]|\\[!-/:-@[-`{-~])*$/;

/**
 * The literal text of a `matches` pattern that is one literal, else undefined. RE2's caseless
 * match of an ASCII letter also takes K (U+212A) and ſ (U+017F), never a latin1 character, and
 * no latin1 character other than the letter's two cases folds to it; JS RegExp `i` (without `u`)
 * folds by uppercasing and never maps a non-ASCII character to an ASCII one (ECMA-262
 * Canonicalize). Over latin1 text both therefore match the same positions.
 */
export function literalPattern(pattern: string): string | undefined {
  if (!LITERAL_PATTERN.test(pattern)) return undefined;
  return pattern.replace(/\\(.)/g, '$1');
}

/** The byte test of a filter node, or null when it is not `frame contains CONST` / `frame matches …`. */
export function frameTermOf(ast: FilterAst): FrameTerm | null {
  if (ast.t === 'contains') {
    if (ast.l.v !== 'field' || ast.l.name !== 'frame' || ast.r.v !== 'const') return null;
    const c = ast.r.c;
    // compile.ts constValue: a string constant is compared as its UTF-8 bytes.
    if (c.k === 'bytes') return { k: 'bytes', needle: c.v };
    if (c.k === 'str') return { k: 'bytes', needle: utf8.encode(c.v) };
    return null;
  }
  if (ast.t === 'matches') {
    if (ast.l.v !== 'field' || ast.l.name !== 'frame') return null;
    const lit = literalPattern(ast.pattern);
    if (lit === undefined) return { k: 'regex', re: compileRegex(ast.pattern) };
    return { k: 'caseless', length: lit.length, re: new RegExp(lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'), 'gi') };
  }
  return null;
}

/** Every node of `ast` that is a byte test of the frame, reached through and / or / xor / not. */
export function frameTermsOf(ast: FilterAst, out = new Map<FilterAst, FrameTerm>()): Map<FilterAst, FrameTerm> {
  switch (ast.t) {
    case 'and': case 'or': case 'xor':
      frameTermsOf(ast.l, out);
      frameTermsOf(ast.r, out);
      return out;
    case 'not':
      return frameTermsOf(ast.e, out);
    default: {
      const term = frameTermOf(ast);
      if (term) out.set(ast, term);
      return out;
    }
  }
}

/**
 * Bytes read at a time: each window is searched natively in one call per occurrence. With a
 * per-frame RE2 term, smaller windows keep one step at a few tens of ms (a cancel waits for it).
 */
export const FRAME_WINDOW = 4 << 20;
const REGEX_WINDOW = 256 << 10;
/** A caseless term makes a latin1 string of each window: smaller ones leave the GC less to hold. */
export const CASELESS_WINDOW = 1 << 20;

/** What scans did, for the tests: reads of the file, bytes read, native searches, frames RE2 tested, data offsets probed to place occurrences. */
export interface FrameScanWork { reads: number; bytes: number; searches: number; regexFrames: number; probes: number }
export const frameScanWork: FrameScanWork = { reads: 0, bytes: 0, searches: 0, regexFrames: 0, probes: 0 };

export type ReadAt = (offset: number, length: number, into?: Uint8Array) => Uint8Array;

export interface FrameScan {
  /** Per term, one byte per event first..last: 1 where the term holds. */
  hits: Uint8Array[];
  /** Decide every event up to `upTo` (and the rest of the window holding it). */
  step(upTo: number): void;
  /** The last event decided so far. */
  decided(): number;
}

/**
 * The terms over events `first..last`. A window starts at an undecided frame and takes the frames
 * after it while each starts at or after the previous one's end (a file's records are in order)
 * and ends inside the window; a frame that does not (an overlap, or one larger than the window)
 * starts the next window, alone if it must.
 */
export function frameScan(ix: PacketIndex, readAt: ReadAt, terms: readonly FrameTerm[], first: number, last: number): FrameScan {
  const n = Math.max(0, last - first + 1);
  const hits = terms.map(() => new Uint8Array(n));
  const size = terms.some((t) => t.k === 'regex') ? REGEX_WINDOW : terms.some((t) => t.k === 'caseless') ? CASELESS_WINDOW : FRAME_WINDOW;
  const buffer = new Uint8Array(size);
  const off = ix.dataOffset.data;
  const len = ix.capLen.data;
  // Empty needles hold for every frame (compile.ts indexOfBytes: found at 0; RE2: matches "").
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t];
    if ((term.k === 'bytes' && term.needle.length === 0) || (term.k === 'caseless' && term.length === 0)) hits[t].fill(1);
  }
  let next = first;

  /** One window: frames a..b (event numbers) read from the file and every term searched. */
  const window = (a: number, b: number): void => {
    const start = off[a - 1];
    const span = off[b - 1] + len[b - 1] - start;
    const bytes = readAt(start, span, span <= buffer.length ? buffer : undefined);
    frameScanWork.reads++;
    frameScanWork.bytes += bytes.length;
    const win = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // A read short of the span (a file cut short): frames keep the bytes that are there, as a
    // dissection's read of the frame would.
    const end = (e: number): number => Math.min(off[e - 1] + len[e - 1] - start, win.length);
    let text: string | undefined;
    for (let t = 0; t < terms.length; t++) {
      const term = terms[t];
      const h = hits[t];
      if (term.k === 'regex') {
        for (let e = a; e <= b; e++) {
          const s = off[e - 1] - start;
          frameScanWork.regexFrames++;
          if (term.re.test(win.toString('latin1', Math.min(s, win.length), Math.max(s, end(e))))) h[e - first] = 1;
        }
        continue;
      }
      const need = term.k === 'bytes' ? term.needle.length : term.length;
      if (need === 0) continue;
      let find: (from: number) => number;
      if (term.k === 'bytes') {
        const needle = term.needle;
        find = (from) => win.indexOf(needle, from);
      } else {
        const re = term.re;
        const s = (text ??= win.toString('latin1'));
        find = (from) => {
          re.lastIndex = from;
          return re.test(s) ? re.lastIndex - need : -1;
        };
      }
      let e = a;
      while (e <= b) {
        const p = find(off[e - 1] - start);
        frameScanWork.searches++;
        if (p < 0) break;
        // The last frame of e..b starting at or before p (frame e does: the search began there).
        // Galloping from e, then bisecting: an occurrence is most often in the next few frames,
        // so ~2 probes instead of log2 of a window's frames (~14 at 4 MB of 250-byte frames).
        let lo = e;
        let gap = 1;
        while (lo + gap <= b) {
          frameScanWork.probes++;
          if (off[lo + gap - 1] - start > p) break;
          lo += gap;
          gap *= 2;
        }
        let hi = Math.min(lo + gap - 1, b);
        while (lo < hi) {
          const m = (lo + hi + 1) >>> 1;
          frameScanWork.probes++;
          if (off[m - 1] - start <= p) lo = m;
          else hi = m - 1;
        }
        if (p + need <= end(lo)) h[lo - first] = 1;
        e = lo + 1;
      }
    }
  };

  const step = (upTo: number): void => {
    const stop = Math.min(upTo, last);
    while (next <= stop) {
      const a = next;
      const start = off[a - 1];
      let b = a;
      let reach = start + len[a - 1];
      while (b < last) {
        const o = off[b];
        const e = o + len[b];
        if (o < reach || e - start > size) break;
        reach = e;
        b++;
      }
      window(a, b);
      next = b + 1;
    }
  };
  return { hits, step, decided: () => next - 1 };
}
