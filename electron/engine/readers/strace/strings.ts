/**
 * strace's quoted strings and escaped names, decoded back to bytes. strace prints printable
 * ASCII as is and everything else as C escapes: `\t \n \v \f \r \\ \"`, octal `\0`..`\377`
 * (default) or `\xHH` (-x for non-printables, -xx for every byte). A string cut by `-s N`
 * is followed by `...`. fd decorations (-y) use the same escapes without the quotes.
 * Also: the ` | 00000  47 45 54 ...` hex dump lines of `-e read=`/`-e write=`.
 */

let scratch = new Uint8Array(4096);

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

const SIMPLE: Record<number, number> = { 0x6e: 10, 0x74: 9, 0x72: 13, 0x76: 11, 0x66: 12, 0x61: 7, 0x62: 8, 0x65: 27 };

/** Hex digit values by byte (-1: not a digit). */
const HEX = Int8Array.from({ length: 256 }, (_, c) => hexVal(c));

/**
 * Decode escapes in b[s..e) until `stop` (a byte value, e.g. the closing quote; -1 for none).
 * Returns the position where decoding stopped; the bytes are in `scratch[0..decodedLength)`.
 * Decoding never makes more bytes than it reads, so room for e - s is made once, not per byte
 * (fd streams decode every I/O event's data here).
 */
let decodedLength = 0;
function decodeInto(b: Uint8Array, s: number, e: number, stop: number): number {
  if (scratch.length < e - s) scratch = new Uint8Array(Math.max(e - s, 2 * scratch.length));
  const out = scratch;
  let n = 0;
  let p = s;
  while (p < e) {
    const c = b[p];
    if (c === stop) break;
    if (c !== 0x5c || p + 1 >= e) {
      out[n++] = c;
      p++;
      continue;
    }
    const d = b[p + 1];
    if (d === 0x78 /* x */) {
      const h1 = p + 2 < e ? HEX[b[p + 2]] : -1;
      const h2 = p + 3 < e ? HEX[b[p + 3]] : -1;
      if (h1 >= 0 && h2 >= 0) {
        out[n++] = h1 * 16 + h2;
        p += 4;
      } else if (h1 >= 0) {
        out[n++] = h1;
        p += 3;
      } else {
        out[n++] = d;
        p += 2;
      }
    } else if (d >= 0x30 && d <= 0x37) {
      let v = 0;
      let q = p + 1;
      while (q < e && q < p + 4 && b[q] >= 0x30 && b[q] <= 0x37) v = v * 8 + (b[q++] - 0x30);
      out[n++] = v & 0xff;
      p = q;
    } else {
      out[n++] = SIMPLE[d] ?? d;
      p += 2;
    }
  }
  decodedLength = n;
  return p;
}

export interface QuotedString {
  /** Decoded bytes (a copy). */
  bytes: Uint8Array;
  /** Position just after the closing quote (or the end when unterminated). */
  end: number;
  /** strace printed `...` after the string: it shows only the first `-s` bytes. */
  truncated: boolean;
  /** The closing quote was missing (line cut off). */
  unterminated: boolean;
}

/** Decode the quoted string whose opening quote is at `q`. */
export function decodeQuoted(b: Uint8Array, q: number, e: number): QuotedString {
  const p = decodeInto(b, q + 1, e, 0x22);
  const bytes = scratch.slice(0, decodedLength);
  const unterminated = p >= e;
  const end = unterminated ? e : p + 1;
  const truncated = !unterminated && end + 3 <= e && b[end] === 0x2e && b[end + 1] === 0x2e && b[end + 2] === 0x2e;
  return { bytes, end: truncated ? end + 3 : end, truncated, unterminated };
}

const utf8 = new TextDecoder('utf-8');

/** Text of escaped bytes b[s..e) (fd decorations, paths), UTF-8 with replacement characters. */
export function decodeText(b: Uint8Array, s: number, e: number): string {
  let plain = true;
  for (let p = s; p < e; p++) {
    if (b[p] === 0x5c || b[p] >= 0x80) {
      plain = false;
      break;
    }
  }
  if (plain) return latin1(b, s, e);
  decodeInto(b, s, e, -1);
  return utf8.decode(scratch.subarray(0, decodedLength));
}

/** ASCII bytes to a string without TextDecoder overhead (short strings). */
export function latin1(b: Uint8Array, s: number, e: number): string {
  if (e - s > 64) return utf8.decode(b.subarray(s, e));
  let out = '';
  for (let p = s; p < e; p++) out += String.fromCharCode(b[p]);
  return out;
}

/** Quoted string at q as text (paths in open/execve/connect): decoded, UTF-8. */
export function quotedText(b: Uint8Array, q: number, e: number): string {
  const p = decodeInto(b, q + 1, e, 0x22);
  void p;
  return utf8.decode(scratch.subarray(0, decodedLength));
}

/**
 * Bytes of one hex dump line ` | 00000  7f 45 4c 46 ...  .ELF... |` (strace's dumpstr:
 * offset, then up to 16 bytes as "xx " with one extra space after the 8th, then ASCII).
 * Appends to `out`; returns the number of bytes found.
 */
export function hexDumpLine(b: Uint8Array, s: number, e: number, out: number[]): number {
  const base = s + 10;
  let k = 0;
  for (; k < 16; k++) {
    const p = base + 3 * k + (k >= 8 ? 1 : 0);
    if (p + 1 >= e) break;
    const h1 = hexVal(b[p]);
    const h2 = hexVal(b[p + 1]);
    if (h1 < 0 || h2 < 0) break;
    out.push(h1 * 16 + h2);
  }
  return k;
}
