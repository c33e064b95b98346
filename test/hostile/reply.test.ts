/** Issue 11 item 4: every RPC reply is bounded; httpBody comes in pages. */
import { describe, expect, it } from 'vitest';
import { bodyPage, boundedReply, MAX_BODY_PAGE_BYTES, replySize } from '../../electron/engine/host/reply-size.ts';

describe('reply size', () => {
  it('estimates bytes, strings and nesting, and stops counting past the limit', () => {
    expect(replySize({ a: new Uint8Array(1000) })).toBeGreaterThanOrEqual(1000);
    // Latin-1 strings are cloned one byte a character, others two.
    expect(replySize(['x'.repeat(500)])).toBeGreaterThanOrEqual(500);
    expect(replySize(['x'.repeat(500)])).toBeLessThan(1000);
    expect(replySize(['€'.repeat(500)])).toBeGreaterThanOrEqual(1000);
    const many = Array.from({ length: 100_000 }, (_, k) => ({ name: `n${k}`, value: 'v'.repeat(100) }));
    const over = replySize(many, 1024 * 1024);
    // Counting stops soon after the limit, not at the end of the 11 MB.
    expect(over).toBeGreaterThan(1024 * 1024);
    expect(over).toBeLessThan(1024 * 1024 + 1024);
  });

  it('an oversize result becomes an error response naming the method', () => {
    const ok = boundedReply(7, 'details', [{ label: 'x' }]);
    expect(ok).toMatchObject({ kind: 'response', id: 7, ok: true });
    const big = boundedReply(8, 'details', Array.from({ length: 20 }, () => 'h'.repeat(1024 * 1024)), 16 * 1024 * 1024);
    expect(big.ok).toBe(false);
    expect(big.result).toBeUndefined();
    expect(big.error).toMatch(/^the details reply is over the 16 MiB reply limit \(at least 1[67] MiB\): not sent/);
  });

  it('a Latin-1 reply over the limit at two bytes a character but under it at one is sent (the bound from above is only a shortcut)', () => {
    const latin = Array.from({ length: 12 }, () => 'h'.repeat(1024 * 1024));
    expect(replySize(latin, Infinity, true)).toBeGreaterThan(16 * 1024 * 1024);
    expect(boundedReply(9, 'httpPage', latin, 16 * 1024 * 1024).ok).toBe(true);
    expect(boundedReply(10, 'httpPage', latin.map((s) => s.replace('h', '€')), 16 * 1024 * 1024).ok).toBe(false);
  });

  it('httpBody pages: offset and length over the decoded and raw body, capped', () => {
    const body = new Uint8Array(100).map((_, k) => k);
    const p = bodyPage({ body, raw: body.subarray(0, 10) }, 40, 20);
    expect([p.offset, p.bodySize, p.rawSize, p.body[0], p.body.length, p.raw.length]).toEqual([40, 100, 10, 40, 20, 0]);
    expect(bodyPage({ body, raw: body }, 0, 2 ** 40).body.length).toBe(100);
    expect(MAX_BODY_PAGE_BYTES * 2).toBeLessThan(64 * 1024 * 1024);
  });

  it('an httpBody page clones its own bytes, not the whole buffer its body is a view of', () => {
    // A body that is a view of a connection's 1 MB of reassembled data (an HTTP/2 body).
    const connection = new Uint8Array(1 << 20).map((_, k) => k & 0xff);
    const body = connection.subarray(5000, 9000);
    const p = bodyPage({ body, raw: body }, 100, 1000);
    // What postMessage clones: each view's whole ArrayBuffer.
    expect(p.body.buffer.byteLength + p.raw.buffer.byteLength).toBe(2000);
    expect(Array.from(p.body.subarray(0, 3))).toEqual([(5100) & 0xff, 5101 & 0xff, 5102 & 0xff]);
    // A body that is all of its own buffer is not copied.
    const own = new Uint8Array(300);
    expect(bodyPage({ body: own, raw: own }).body.buffer).toBe(own.buffer);
  });
});
