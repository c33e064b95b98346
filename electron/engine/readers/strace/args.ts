/**
 * Top-level argument boundaries inside strace's parentheses: commas outside strings,
 * brackets (`[...]`, `{...}`, `(...)`), fd decorations (`3</etc/hosts>`) and comments
 * (`/* 35 vars *\/`). Positions only; nothing is decoded here.
 */
import { decorEnd, stringEnd } from './line.ts';

const isWord = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;

/**
 * Push [start, end) pairs of the top-level arguments of b[s..e) to `out` (trimmed; an empty
 * trailing argument, as in `read(3,  <unfinished ...>`, is dropped).
 */
export function splitArgs(b: Uint8Array, s: number, e: number, out: number[]): void {
  let depth = 0;
  let start = s;
  const push = (a: number, z: number): void => {
    while (a < z && b[a] === 0x20) a++;
    while (z > a && b[z - 1] === 0x20) z--;
    out.push(a, z);
  };
  for (let p = s; p < e; p++) {
    const c = b[p];
    if (c === 0x22) {
      p = stringEnd(b, p, e) - 1;
    } else if (c === 0x28 || c === 0x5b || c === 0x7b) {
      depth++;
    } else if (c === 0x29 || c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--;
    } else if (c === 0x3c && p > s && isWord(b[p - 1])) {
      const gt = decorEnd(b, p, e);
      if (gt > 0) p = gt;
    } else if (c === 0x2f && b[p + 1] === 0x2a) {
      let q = p + 2;
      while (q + 1 < e && !(b[q] === 0x2a && b[q + 1] === 0x2f)) q++;
      p = q + 1;
    } else if (c === 0x2c && depth === 0) {
      push(start, p);
      start = p + 1;
    }
  }
  let a = start;
  while (a < e && b[a] === 0x20) a++;
  if (a < e || out.length > 0) {
    if (a < e) push(start, e);
  }
}

const scratch: number[] = [];

/**
 * Start of the first argument, for the hot path (fd numbers): no scan of the rest of the line.
 * `argEndOut` is set to `e`; the caller reads only the leading number and decoration.
 */
export function firstArg(b: Uint8Array, s: number, e: number): number {
  let p = s;
  while (p < e && b[p] === 0x20) p++;
  argEndOut = e;
  return p < e ? p : -1;
}

/** Start of top-level argument k, or -1 (end in `argEndOut`). */
export let argEndOut = 0;
export function nthArg(b: Uint8Array, s: number, e: number, k: number): number {
  scratch.length = 0;
  splitArgs(b, s, e, scratch);
  if (2 * k + 1 >= scratch.length) return -1;
  argEndOut = scratch[2 * k + 1];
  return scratch[2 * k];
}
