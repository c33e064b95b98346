import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../shared/wire.ts';
import type { RowsPage } from '../../shared/rpc.ts';

describe('wire framing', () => {
  it('round-trips a RowsPage with its typed arrays', () => {
    const page: RowsPage = {
      start: 5,
      events: Uint32Array.of(6, 7, 8),
      cells: { info: Uint32Array.of(0, 1, 0), proto: Uint32Array.of(2, 2, 2) },
      strings: ['GET / HTTP/1.1', 'HTTP/1.1 200 OK', 'HTTP'],
      generation: 4,
      times: Float64Array.of(1700000000.123456, 1700000000.5, 1700000001),
      prevTimes: Float64Array.of(1700000000, 1700000000.123456, 1700000000.5),
      timesNs: BigInt64Array.of(1700000000_123456789n, 1700000000_500000000n, 1700000001_000000000n),
      prevTimesNs: BigInt64Array.of(1700000000_000000001n, 1700000000_123456789n, 1700000000_500000000n),
      flags: Uint8Array.of(32, 32, 2),
    };
    const back = decodeFrame(encodeFrame({ kind: 'response', id: 3, ok: true, result: page })) as { result: RowsPage };
    expect(back.result.events).toBeInstanceOf(Uint32Array);
    expect([...back.result.events]).toEqual([6, 7, 8]);
    expect([...back.result.cells.proto]).toEqual([2, 2, 2]);
    expect(back.result.times).toBeInstanceOf(Float64Array);
    expect([...back.result.times]).toEqual([...page.times]);
    expect(back.result.timesNs).toBeInstanceOf(BigInt64Array);
    expect([...back.result.timesNs]).toEqual([...page.timesNs]);
    expect(back.result.generation).toBe(4);
    expect(back.result.flags).toBeInstanceOf(Uint8Array);
    expect(back.result.strings).toEqual(page.strings);
  });

  it('keeps subarray views to their own bytes and odd lengths aligned', () => {
    const big = Uint8Array.from({ length: 20 }, (_, i) => i);
    const msg = { a: big.subarray(3, 8), b: Float64Array.of(1.5), c: new Uint8Array(0), d: 'x' };
    const back = decodeFrame(encodeFrame(msg)) as typeof msg;
    expect([...back.a]).toEqual([3, 4, 5, 6, 7]);
    expect(back.b[0]).toBe(1.5);
    expect(back.c.length).toBe(0);
    expect(back.d).toBe('x');
  });

  it('rejects damaged frames with a precise error', () => {
    const f = encodeFrame({ x: Uint32Array.of(1, 2, 3) });
    expect(() => decodeFrame(f.subarray(0, 4))).toThrow(/shorter than its 8-byte header/);
    expect(() => decodeFrame(f.subarray(0, f.length - 8))).toThrow(/runs past the frame/);
    const bad = f.slice();
    bad[0] ^= 0xff;
    expect(() => decodeFrame(bad)).toThrow(/magic/);
  });
});
