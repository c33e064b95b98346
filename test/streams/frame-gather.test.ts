/**
 * A stream's frames read a batch per read (frame-gather.ts), counted: frames close together in
 * the file cost one read per batch, frames far apart one read each (never more bytes read for
 * nothing than a gap's worth per frame), and every frame's bytes are those a read of it alone gives.
 */
import { describe, expect, it } from 'vitest';
import { GAP_BYTES, gatherWork, gatheredFrames, SPAN_BYTES } from '../../electron/engine/streams/frame-gather.ts';

/** A file of `size` bytes (byte i = i * 7 mod 251) and its read calls. */
function file(size: number): { readAt: (o: number, n: number, into?: Uint8Array) => Uint8Array; calls: number } {
  const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 7) % 251);
  const f = {
    calls: 0,
    readAt: (o: number, n: number, into?: Uint8Array): Uint8Array => {
      f.calls++;
      const got = bytes.subarray(o, Math.min(size, o + n));
      const out = into ? into.subarray(0, got.length) : new Uint8Array(got.length);
      out.set(got);
      return out;
    },
  };
  return f;
}

/** Frames 1..n, frame k at `start + (k - 1) * step`, `len` bytes each. */
function spans(step: number, len: number, start = 0) {
  return { offset: (e: number) => start + (e - 1) * step, length: () => len };
}

describe('gatheredFrames', () => {
  it('reads frames with small gaps a batch per read, each frame its own bytes', () => {
    const n = 2000;
    const sp = spans(600, 400);
    const f = file(n * 600);
    const frames = Uint32Array.from({ length: n }, (_, k) => k + 1);
    const bytesOf = gatheredFrames(frames, sp, f.readAt);
    const got = Array.from(frames, (e) => bytesOf(e));
    // Views of one batch stay valid after later batches are read.
    const ref = file(n * 600);
    const same = Array.from(frames).filter((e) => Buffer.compare(got[e - 1], ref.readAt(sp.offset(e), 400)) === 0).length;
    expect(same).toBe(n);
    // 1.2 MB of frames: two reads of at most SPAN_BYTES.
    expect(f.calls).toBe(Math.ceil((n * 600) / SPAN_BYTES));
    expect(f.calls).toBeLessThan(n / 100);
  });

  it('reads frames far apart one read each, no gap read', () => {
    const n = 50;
    const sp = spans(GAP_BYTES + 1000, 100);
    const f = file(n * (GAP_BYTES + 1000));
    const frames = Uint32Array.from({ length: n }, (_, k) => k + 1);
    gatherWork.bytes = 0;
    const bytesOf = gatheredFrames(frames, sp, f.readAt);
    for (const e of frames) expect(bytesOf(e).length).toBe(100);
    expect(f.calls).toBe(n);
    expect(gatherWork.bytes).toBe(n * 100);
  });

  it('a frame asked out of the list order is read alone', () => {
    const sp = spans(500, 300);
    const f = file(10 * 500);
    const bytesOf = gatheredFrames(Uint32Array.of(1, 2, 3, 4), sp, f.readAt);
    const ref = file(10 * 500);
    expect(bytesOf(3)).toEqual(ref.readAt(sp.offset(3), 300));
    expect(f.calls).toBe(1);
    expect(bytesOf(1)).toEqual(ref.readAt(sp.offset(1), 300));
    expect(bytesOf(2)).toEqual(ref.readAt(sp.offset(2), 300));
    expect(f.calls).toBe(2);
  });
});
