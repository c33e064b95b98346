/**
 * `-e` output lines as tshark -T fields prints them (tshark 4.0 epan/print.c, -E options), as
 * text (fieldsLine) or appended as UTF-8 to one byte buffer per page (LinesBuilder): the engine
 * writes a page of a million `frame.number` lines there without a string per value, the CLI
 * writes the buffer to stdout in one piece.
 */

/** tshark -E separator, aggregator, quote, occurrence (the header is the CLI's own line). */
export interface LineStyle {
  separator: string;
  aggregator: string;
  /** '' (none), '"' (quote=d) or "'" (quote=s). */
  quote: string;
  /** All occurrences, only the first or only the last (tshark -E occurrence=a|f|l). */
  occurrence: 'a' | 'f' | 'l';
}

/** tshark -T fields (escape=y, its default) writes line breaks and tabs in a value as \n, \r, \t. */
export function escapeTsv(v: string): string {
  return /[\n\r\t]/.test(v) ? v.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') : v;
}

/** A cell's text quoted: a quote inside it is doubled, as in CSV (RFC 4180 §2.7). */
export function quoteCell(text: string, q: string): string {
  return q === '' ? text : `${q}${text.split(q).join(q + q)}${q}`;
}

/** One event's -e values as tshark -T fields prints them with -E (occurrences, aggregator, quotes). */
export function fieldsLine(values: readonly (readonly string[])[], style: LineStyle): string {
  return values
    .map((v) => {
      const occ = style.occurrence === 'f' ? v.slice(0, 1) : style.occurrence === 'l' ? v.slice(-1) : v;
      if (occ.length === 0) return '';
      return quoteCell(occ.map(escapeTsv).join(style.aggregator), style.quote);
    })
    .join(style.separator);
}

/** A page of lines being written: UTF-8 bytes [0, n) of `bytes`. */
export interface LinesBuilder {
  bytes: Uint8Array;
  n: number;
  /** Lines ended so far. */
  lines: number;
}

export function createLinesBuilder(size = 1 << 16): LinesBuilder {
  return { bytes: new Uint8Array(size), n: 0, lines: 0 };
}

/** Room for `extra` more bytes. */
function reserve(b: LinesBuilder, extra: number): void {
  if (b.n + extra <= b.bytes.length) return;
  const grown = new Uint8Array(Math.max(b.n + extra, 2 * b.bytes.length));
  grown.set(b.bytes.subarray(0, b.n));
  b.bytes = grown;
}

const encoder = new TextEncoder();

/** `s` as UTF-8: ASCII byte by byte, the rest (rare) through TextEncoder (lone surrogates become U+FFFD, as Node's stdout writes them). */
export function appendText(b: LinesBuilder, s: string): void {
  const len = s.length;
  reserve(b, len);
  const out = b.bytes;
  let n = b.n;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      b.n = n;
      // At most 3 bytes per UTF-16 unit.
      reserve(b, 3 * (len - i));
      b.n += encoder.encodeInto(s.slice(i), b.bytes.subarray(b.n)).written;
      return;
    }
    out[n++] = c;
  }
  b.n = n;
}

/** Decimal digits of a non-negative integer. */
function digitsOf(v: number): number {
  if (v < 1e5) return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 1e4 ? 4 : 5;
  let d = 6;
  for (let t = 1e6; v >= t && d < 16; t *= 10) d++;
  return d;
}

/** A non-negative safe integer in decimal (its text as v.toString() gives it). */
export function appendUint(b: LinesBuilder, v: number): void {
  if (b.n + 16 > b.bytes.length) reserve(b, 16);
  const out = b.bytes;
  let at = b.n + digitsOf(v);
  b.n = at;
  if (v < 0x80000000) {
    // Small int arithmetic: a division by 10 as (t / 10) | 0.
    let t = v | 0;
    do {
      const q = (t / 10) | 0;
      out[--at] = 48 + t - q * 10;
      t = q;
    } while (t > 0);
    return;
  }
  for (let t = v; t > 0; t = Math.floor(t / 10)) out[--at] = 48 + (t % 10);
}

/** A dotted-quad IPv4 address (fields/format.ts formatIpv4's text). */
export function appendIpv4(b: LinesBuilder, v: number): void {
  appendUint(b, v >>> 24);
  b.bytes[b.n++] = 46;
  appendUint(b, (v >>> 16) & 255);
  b.bytes[b.n++] = 46;
  appendUint(b, (v >>> 8) & 255);
  b.bytes[b.n++] = 46;
  appendUint(b, v & 255);
}

/** End the current line. */
export function endLine(b: LinesBuilder): void {
  reserve(b, 1);
  b.bytes[b.n++] = 10;
  b.lines++;
}

/** The page's bytes, a copy of their length (a view would clone the whole buffer). */
export function linesBytes(b: LinesBuilder): Uint8Array {
  return b.bytes.slice(0, b.n);
}

/** Where line `lines` (0-based) starts: the first `lines` lines of a page are [0, here). */
export function lineStart(bytes: Uint8Array, lines: number): number {
  let at = 0;
  for (let k = 0; k < lines; k++) {
    const nl = bytes.indexOf(10, at);
    if (nl < 0) return bytes.length;
    at = nl + 1;
  }
  return at;
}

/** Whether `v` is a LineStyle (an RPC parameter, checked before use); separators at most 64 characters. */
export function isLineStyle(v: unknown): v is LineStyle {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  const short = (x: unknown): boolean => typeof x === 'string' && x.length <= 64;
  return short(s.separator) && short(s.aggregator) && (s.quote === '' || s.quote === '"' || s.quote === "'") && (s.occurrence === 'a' || s.occurrence === 'f' || s.occurrence === 'l');
}
