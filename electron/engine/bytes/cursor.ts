/**
 * Reading numbers out of byte buffers, in one place for every stage: plain big-endian reads at
 * an offset (dissectors, which check a header's length before reading it), and a checked cursor
 * for length-prefixed structures (TLS handshake vectors, scap blocks), where every read first
 * checks that its bytes are inside the cursor's end and throws ShortRead, naming the byte
 * position, when they are not.
 */

/** Network byte order (big-endian) 16 bits at `o`; the caller has checked `o + 2 <= b.length`. */
export function u16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

/** Network byte order 32 bits at `o` (unsigned); the caller has checked `o + 4 <= b.length`. */
export function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** A read position in `bytes` that may not pass `end`. */
export interface ByteCursor {
  readonly bytes: Uint8Array;
  pos: number;
  end: number;
}

/** A read that would pass the cursor's end. */
export class ShortRead extends Error {
  constructor(readonly at: number, need: number, left: number) {
    super(`${need} bytes needed at byte ${at}, ${Math.max(0, left)} left`);
  }
}

export function byteCursor(bytes: Uint8Array, pos = 0, end = bytes.length): ByteCursor {
  return { bytes, pos, end: Math.min(end, bytes.length) };
}

function need(c: ByteCursor, n: number): number {
  const at = c.pos;
  if (n < 0 || at + n > c.end) throw new ShortRead(at, n, c.end - at);
  c.pos = at + n;
  return at;
}

export function readU8(c: ByteCursor): number {
  return c.bytes[need(c, 1)];
}

/** 16 bits, big-endian unless `le`. */
export function readU16(c: ByteCursor, le = false): number {
  const p = need(c, 2);
  const b = c.bytes;
  return le ? b[p] | (b[p + 1] << 8) : (b[p] << 8) | b[p + 1];
}

/** 32 bits unsigned, big-endian unless `le`. */
export function readU32(c: ByteCursor, le = false): number {
  const p = need(c, 4);
  const b = c.bytes;
  return (le ? b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24) : (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}

/** 64 bits signed little-endian as a number (exact up to 2^53; scap's pid/tid/time fields). */
export function readI64le(c: ByteCursor): number {
  const p = need(c, 8);
  const b = c.bytes;
  const lo = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  const hi = b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24);
  return hi * 4294967296 + lo;
}

/** The next `n` bytes (a view, not a copy). */
export function readBytes(c: ByteCursor, n: number): Uint8Array {
  const p = need(c, n);
  return c.bytes.subarray(p, p + n);
}

/** A cursor over the next `n` bytes, which this one skips. */
export function subCursor(c: ByteCursor, n: number): ByteCursor {
  const p = need(c, n);
  return { bytes: c.bytes, pos: p, end: p + n };
}

/** A vector with a big-endian length prefix of `lenBytes` bytes (TLS `<0..2^8-1>` etc., RFC 8446 §3.4). */
export function readVector(c: ByteCursor, lenBytes: 1 | 2 | 3): ByteCursor {
  let n = 0;
  for (let k = 0; k < lenBytes; k++) n = n * 256 + readU8(c);
  return subCursor(c, n);
}
