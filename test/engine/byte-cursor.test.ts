/** The one checked byte cursor (bytes/cursor.ts) that the dissectors, the TLS handshake parser and the scap reader share. */
import { describe, expect, it } from 'vitest';
import { ShortRead, byteCursor, readBytes, readI64le, readU16, readU32, readU8, readVector, subCursor, u16, u32 } from '../../electron/engine/bytes/cursor.ts';

describe('byte cursor', () => {
  const b = Uint8Array.of(0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xff, 0x05);

  it('reads both byte orders and moves on', () => {
    expect(u16(b, 0)).toBe(0x0102);
    expect(u32(b, 4)).toBe(0xffffffff);
    const c = byteCursor(b);
    expect(readU16(c)).toBe(0x0102);
    expect(readU16(c, true)).toBe(0x0403);
    expect(readU32(c, true)).toBe(0xffffffff);
    expect(readU8(c)).toBe(5);
    expect(c.pos).toBe(9);
    expect(readI64le(byteCursor(Uint8Array.of(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)))).toBe(-2);
    expect(readI64le(byteCursor(Uint8Array.of(0, 0, 0, 0, 1, 0, 0, 0)))).toBe(2 ** 32);
  });

  it('never reads past its end: ShortRead names the byte position, and the position stays', () => {
    const c = byteCursor(b, 2, 5);
    expect(readBytes(c, 2)).toEqual(Uint8Array.of(3, 4));
    expect(() => readU16(c)).toThrow(new ShortRead(4, 2, 1));
    expect(() => readU16(c)).toThrow('2 bytes needed at byte 4, 1 left');
    expect(c.pos).toBe(4);
    expect(() => readBytes(c, -1)).toThrow(ShortRead);
    expect(byteCursor(b, 0, 100).end).toBe(b.length);
  });

  it('length-prefixed vectors (RFC 8446 §3.4) and sub-cursors stay inside their parent', () => {
    const v = Uint8Array.of(0x00, 0x03, 0xaa, 0xbb, 0xcc, 0x02, 0x01);
    const c = byteCursor(v);
    const inner = readVector(c, 2);
    expect([inner.pos, inner.end]).toEqual([2, 5]);
    expect(readBytes(inner, 3)).toEqual(Uint8Array.of(0xaa, 0xbb, 0xcc));
    expect(() => readU8(inner)).toThrow(ShortRead);
    expect(() => readVector(c, 1)).toThrow('2 bytes needed at byte 6, 1 left');
    expect(subCursor(byteCursor(v), 7).end).toBe(7);
  });
});
