/**
 * Follow side by side (sets/follow-pair.ts): the seed set's TCP stream and the fd stream of the
 * client's socket, offsets lined up (the bytes at one offset are the same bytes in both); the
 * shift found when the tracer's offsets start later than the wire's.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FollowChunk } from '../../shared/rpc.ts';
import { inProcessEngine } from '../engine/in-process-engine.ts';
import { alignShift, bytesAt } from '../../electron/engine/sets/follow-pair.ts';
import type { StreamChunk } from '../../electron/engine/streams/byte-stream.ts';

const SEED = join(import.meta.dirname, '../fixtures/seed-413');

const dirOnly = (cs: FollowChunk[], dir: 0 | 1): FollowChunk[] => cs.filter((c) => c.dir === dir && c.bytes.length > 0);

describe('followPeers on the seed set (pcap + strace of the client)', () => {
  it('tcp:0 ↔ the client socket\'s fd stream, offsets equal, the same bytes at the same offsets', async () => {
    const c = inProcessEngine();
    const done = new Promise<void>((resolve) => c.onEvent((e) => e.type === 'progress' && e.info.done && resolve()));
    const info = await c.call('open', { path: join(SEED, 'upload-413.pcap'), more: [join(SEED, 'upload-413.strace')] });
    if (!info.done) await done;
    const p = await c.call('followPeers', { stream: 'tcp:0' });
    expect(p.peers.length).toBe(1);
    const fd = p.peers[0];
    expect(fd.stream).toMatch(/^fd:3914:4:\d+$/);
    expect(fd.side).toBe(0);
    expect(fd.owner).toBe('pid 3914 fd 4');
    expect(fd.shift).toEqual([0, 0]);
    // Only the client was traced: the server side says why it has no fd stream.
    expect(p.notes).toEqual([expect.stringMatching(/^the server side is not in the syscall capture \(no socket with this 5-tuple/)]);
    // And back: the fd stream's peer is tcp:0.
    const back = await c.call('followPeers', { stream: fd.stream });
    expect(back.peers.map((x) => [x.stream, x.shift])).toEqual([['tcp:0', [0, 0]]]);

    // The claim checked on the bytes: every recorded byte of the fd stream that the wire also
    // carried is the wire's byte at the same offset (both are one page here).
    const t = await c.call('follow', { stream: 'tcp:0', format: 'none' });
    const f = await c.call('follow', { stream: fd.stream, format: 'none' });
    expect([t.pages, f.pages]).toEqual([1, 1]);
    let compared = 0;
    for (const dir of [0, 1] as const) {
      const wire = dirOnly(t.chunks, dir) as StreamChunk[];
      const wireEnd = wire.length ? wire[wire.length - 1].seq + wire[wire.length - 1].bytes.length : 0;
      for (const ch of dirOnly(f.chunks, dir)) {
        const n = Math.min(ch.bytes.length, wireEnd - ch.seq);
        if (n <= 0) continue;
        const w = bytesAt(wire, ch.seq, n);
        // A byte range the wire lost (RST before the retransmission) is no disagreement.
        if (!w) continue;
        expect(Buffer.from(w).equals(Buffer.from(ch.bytes.subarray(0, n))), `dir ${dir} at ${ch.seq}`).toBe(true);
        compared += n;
      }
    }
    // The upload's wire bytes (157 636 client → server, 1 673 back) minus the part the client never read.
    expect(compared).toBeGreaterThan(150_000);
    expect(await c.call('followPeers', { stream: 'tcp:9' })).toEqual({ stream: 'tcp:9', peers: [], notes: ['no TCP stream 9 in the packets'] });
  });

  it('finds the shift when the tracer\'s offsets start after the wire\'s (strace attached mid-connection)', () => {
    const bytes = Uint8Array.from({ length: 4000 }, (_, i) => (i * 7919 + (i >> 5)) & 0xff);
    const wire: StreamChunk[] = [0, 1000, 2000, 3000].map((s) => ({ dir: 0, event: s / 1000 + 1, time: 0, seq: s, bytes: bytes.subarray(s, s + 1000) }));
    // The tracer saw bytes 1500.. of the wire as its 0..: peer offset = wire offset − 1500.
    const fd: StreamChunk[] = [{ dir: 0, event: 9, time: 0, seq: 0, bytes: bytes.subarray(1500, 2600) }, { dir: 0, event: 10, time: 0, seq: 1100, bytes: bytes.subarray(2600, 4000) }];
    expect(alignShift(wire, fd, 0)).toEqual({ shift: -1500, how: 'offsets differ by -1500 bytes' });
    expect(alignShift(fd, wire, 0).shift).toBe(null);
    expect(alignShift(wire, wire.slice(1), 0)).toEqual({ shift: 0, how: 'same offsets' });
    expect(alignShift(wire, fd, 1)).toEqual({ shift: null, how: 'no bytes on one side' });
    const other: StreamChunk[] = [{ dir: 0, event: 1, time: 0, seq: 0, bytes: new Uint8Array(64).fill(0xee) }];
    expect(alignShift(wire, other, 0)).toEqual({ shift: null, how: 'the recorded bytes differ' });
    // Bytes across a chunk boundary; a range past the end or in a gap is not recorded.
    expect([...(bytesAt(wire, 998, 4) ?? [])]).toEqual([...bytes.subarray(998, 1002)]);
    expect(bytesAt(wire, 3998, 4)).toBe(null);
    expect(bytesAt([wire[0], wire[2]], 990, 20)).toBe(null);
  });
});
