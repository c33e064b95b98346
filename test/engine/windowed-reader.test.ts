/**
 * windowedReader reads every window into one buffer: a scan over N windows allocates one
 * window's bytes, not N (a fresh 1 MiB per window miss was most of a filter scan's garbage).
 */
import { describe, expect, it } from 'vitest';
import { windowedReader, type RandomAccess } from '../../electron/engine/io/capture-source.ts';

/** A file of `size` bytes (byte k is k & 0xff) that counts the buffers its reads allocate. */
function countingFile(size: number): { ra: RandomAccess; allocated: () => number; reads: () => number } {
  let allocated = 0;
  let reads = 0;
  const ra: RandomAccess = {
    read(offset, length, into) {
      reads++;
      const n = Math.max(0, Math.min(length, size - offset));
      let out: Uint8Array;
      if (into && into.length >= length) out = into.subarray(0, n);
      else {
        out = new Uint8Array(n);
        allocated += n;
      }
      for (let k = 0; k < n; k++) out[k] = (offset + k) & 0xff;
      return out;
    },
    close() {},
  };
  return { ra, allocated: () => allocated, reads: () => reads };
}

describe('windowedReader', () => {
  it('reads 100 windows into one buffer, each view with the right bytes', () => {
    const WINDOW = 64 << 10;
    const f = countingFile(100 * WINDOW);
    const read = windowedReader(f.ra, WINDOW);
    const buffers = new Set<ArrayBufferLike>();
    // Records of 1000 bytes in file order, as a filter scan reads frames.
    for (let off = 0; off + 1000 <= 100 * WINDOW; off += 1000) {
      const b = read(off, 1000);
      expect(b.length).toBe(1000);
      if (b[0] !== (off & 0xff) || b[999] !== ((off + 999) & 0xff)) throw new Error(`wrong bytes at ${off}`);
      buffers.add(b.buffer);
    }
    // One read per window (a record across a window's end starts the next one).
    expect(f.reads()).toBeGreaterThanOrEqual(100);
    expect(f.reads()).toBeLessThanOrEqual(102);
    expect(f.allocated()).toBe(0);
    expect(buffers.size).toBe(1);
  });

  it('reads a record larger than half a window on its own, leaving the window as it was', () => {
    const WINDOW = 4096;
    const f = countingFile(10 * WINDOW);
    const read = windowedReader(f.ra, WINDOW);
    const small = read(0, 100);
    const big = read(5000, 3000);
    expect(big[0]).toBe(5000 & 0xff);
    expect(big.length).toBe(3000);
    expect(big.buffer).not.toBe(small.buffer);
    // The window still holds bytes 0..4095: no read for this one.
    const before = f.reads();
    expect(read(200, 100)[0]).toBe(200);
    expect(f.reads()).toBe(before);
  });
});
