/**
 * The packet index's columns are sized from the input's size (columns.ts expectedCapacity):
 * a 1 M-packet file's columns grow a few times, not a dozen, and never to much more than the
 * file holds. Counted in reallocations and capacities, not time.
 */
import { describe, expect, it } from 'vitest';
import { expectedCapacity, grownCapacity } from '../../electron/engine/index/columns.ts';
import { createPacketIndex, growPacketIndex, packetCapacity } from '../../electron/engine/index/packet-index.ts';
import { createConversationTable, reserveFrames, tcpStreamOf } from '../../electron/engine/streams/conversations.ts';

/** Capacities a column goes through for records of `size(i)` bytes (i = 0-based) in a file of `total` bytes. */
function growths(count: number, size: (i: number) => number, total: number): number[] {
  const caps: number[] = [];
  let cap = 1024;
  let at = 24;
  for (let n = 1; n <= count; n++) {
    if (n > cap) {
      cap = expectedCapacity(cap, n, at, total);
      caps.push(cap);
    }
    at += size(n - 1);
  }
  return caps;
}

describe('expectedCapacity', () => {
  it('grows a uniform 1 M-record file three times, to within 4 % of its count', () => {
    const caps = growths(1_000_000, () => 245, 24 + 245 * 1_000_000);
    expect(caps.length).toBeLessThanOrEqual(3);
    expect(caps[caps.length - 1]).toBeGreaterThanOrEqual(1_000_000);
    expect(caps[caps.length - 1]).toBeLessThanOrEqual(1_040_000);
    // Geometric growth (no size known) takes 10 doublings.
    expect(growths(1_000_000, () => 245, 0).length).toBeGreaterThanOrEqual(10);
  });

  it('steps at most 16× when the first records are small, and at least 1/8 when later ones are', () => {
    // 2000 tiny records, then large ones: the first estimate is far too high.
    const big = growths(20_000, (i) => (i < 2000 ? 60 : 1500), 24 + 2000 * 60 + 18_000 * 1500);
    expect(big[0]).toBe(16 * 1024);
    // Large records, then small ones: every estimate is low, yet each step adds ≥ 1/8.
    const small = growths(200_000, (i) => (i < 10_000 ? 1500 : 60), 24 + 10_000 * 1500 + 190_000 * 60);
    for (let k = 1; k < small.length; k++) expect(small[k]).toBeGreaterThanOrEqual(Math.ceil(small[k - 1] * 1.125));
    expect(small.length).toBeLessThan(40);
  });

  it('falls back to geometric growth when the size is unknown or passed', () => {
    expect(expectedCapacity(1024, 1025, 1000, 0)).toBe(grownCapacity(1024, 1025));
    expect(expectedCapacity(4096, 4097, 5000, 4000)).toBe(grownCapacity(4096, 4097));
    expect(expectedCapacity(512, 513, 5000, 1e9)).toBe(grownCapacity(512, 513));
  });
});

describe('growPacketIndex and reserveFrames', () => {
  it('gives every column the same capacity and the conversation table room for each frame', () => {
    const ix = createPacketIndex();
    ix.inputBytes = 24 + 100 * 10_000;
    growPacketIndex(ix, 1025, 24 + 100 * 1024);
    const cap = packetCapacity(ix);
    expect(cap).toBeGreaterThanOrEqual(10_000);
    expect(cap).toBeLessThanOrEqual(10_400);
    for (const c of [ix.capLen, ix.origLen, ix.tsSec, ix.tsNsec, ix.iface, ix.protocol, ix.src, ix.dst, ix.flags, ix.hdrFlags, ix.tcpLen, ix.tcpPorts, ix.protoPath]) {
      expect(c.data.length).toBe(cap);
    }
    const conv = createConversationTable();
    conv.frameStream[5] = 3;
    reserveFrames(conv, cap + 1);
    expect(conv.frameStream.length).toBe(cap + 1);
    expect(conv.frameDir.length).toBe(cap + 1);
    expect(tcpStreamOf(conv, 5)).toBe(3);
    // New frames have no stream until the first pass records one.
    expect(tcpStreamOf(conv, cap)).toBe(-1);
    expect(tcpStreamOf(conv, 2000)).toBe(-1);
  });
});
