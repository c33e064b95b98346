/**
 * The carry buffer of a push parser: the bytes of a unit (file header, record, block) that
 * began in an earlier chunk, kept until the unit is whole. Grows by doubling; nothing else of
 * past chunks is kept.
 */
export interface Carry {
  buf: Uint8Array;
  view: DataView;
  len: number;
  /** Stream offset of buf[0]. */
  start: number;
}

export function createCarry(initial: number): Carry {
  const buf = new Uint8Array(initial);
  return { buf, view: new DataView(buf.buffer), len: 0, start: 0 };
}

export function appendCarry(c: Carry, src: Uint8Array, from: number, n: number): void {
  if (c.len + n > c.buf.length) {
    let size = c.buf.length * 2;
    while (size < c.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(c.buf.subarray(0, c.len));
    c.buf = next;
    c.view = new DataView(next.buffer);
  }
  c.buf.set(src.subarray(from, from + n), c.len);
  c.len += n;
}
