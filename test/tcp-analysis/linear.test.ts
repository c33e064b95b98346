/**
 * The analysis pass is linear whatever the shape (docs/DESIGN.md §8): its heap operations per
 * frame at 20 k frames are at most twice those at 2 k, on the shapes where Wireshark's list walk
 * is quadratic (a direction whose ACKs were not captured, a large window acknowledged segment by
 * segment, segments in reverse order) and on keep-alive request/response.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closePcapWriter, createPcapWriter, frame, writePacket } from '../../bench/make-pcap.ts';
import { analyseTo, MAX_UNACKED, TaFlag, type TcpAnalysis } from '../../electron/engine/layers/tcp-analysis.ts';
import { openSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'tcp-analysis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const C = 0x0a000001;
const S = 0x0a000002;
const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const payload = new Uint8Array(100).fill(0x61);
const none = new Uint8Array(0);

type Seg = { fromClient: boolean; seq: number; ack: number; flags: number; data: Uint8Array };
type Shape = (n: number) => Seg[];

const handshake = (): Seg[] => [
  { fromClient: true, seq: 1000, ack: 0, flags: SYN, data: none },
  { fromClient: false, seq: 5000, ack: 1001, flags: SYN | ACK, data: none },
  { fromClient: true, seq: 1001, ack: 5001, flags: ACK, data: none },
];

const SHAPES: Record<string, Shape> = {
  'one direction, ACKs not captured': (n) => {
    const out = handshake();
    for (let i = 0; i < n; i++) out.push({ fromClient: true, seq: 1001 + 100 * i, ack: 5001, flags: ACK | PSH, data: payload });
    return out;
  },
  'large window, ACK per segment': (n) => {
    const out = handshake();
    const w = 5000;
    for (let b = 0; b < n; b += w) {
      for (let i = b; i < b + w; i++) out.push({ fromClient: true, seq: 1001 + 100 * i, ack: 5001, flags: ACK, data: payload });
      for (let i = b; i < b + w; i++) out.push({ fromClient: false, seq: 5001, ack: 1001 + 100 * (i + 1), flags: ACK, data: none });
    }
    return out;
  },
  'segments in reverse order': (n) => {
    const out = handshake();
    for (let i = n - 1; i >= 0; i--) out.push({ fromClient: true, seq: 1001 + 100 * i, ack: 5001, flags: ACK, data: payload });
    out.push({ fromClient: false, seq: 5001, ack: 1001 + 100 * n, flags: ACK, data: none });
    return out;
  },
  'keep-alive request/response': (n) => {
    const out = handshake();
    for (let i = 0; i < n / 2; i++) {
      out.push({ fromClient: true, seq: 1001 + 100 * i, ack: 5001 + 100 * i, flags: ACK | PSH, data: payload });
      out.push({ fromClient: false, seq: 5001 + 100 * i, ack: 1001 + 100 * (i + 1), flags: ACK | PSH, data: payload });
    }
    return out;
  },
};

async function analyse(name: string, shape: Shape, n: number): Promise<TcpAnalysis> {
  const path = join(dir, `${name.replace(/\W+/g, '-')}-${n}.pcap`);
  const w = createPcapWriter(path);
  shape(n).forEach((s, k) => {
    const [src, dst, sp, dp] = s.fromClient ? [C, S, 40000, 80] : [S, C, 80, 40000];
    writePacket(w, 1_000_000 + 10 * k, frame(6, src, dst, sp, dp, s.data, { seq: s.seq, ack: s.ack, flags: s.flags }));
  });
  closePcapWriter(w);
  const { capture, indexing } = await openCapture(path);
  await indexing;
  const ta = openSession(capture).tcpAnalysis!;
  analyseTo(ta, capture.count());
  capture.close();
  return ta;
}

describe('tcp analysis work is linear', () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    it(name, async () => {
      const small = await analyse(name, shape, 2000);
      const big = await analyse(name, shape, 20000);
      const per = (t: TcpAnalysis): number => t.work / t.done;
      expect(per(big)).toBeLessThanOrEqual(2 * per(small));
      expect(big.dissected).toBe(0);
    }, 60_000);
  }

  it('flags what each shape is', async () => {
    const rev = await analyse('flags-reverse', SHAPES['segments in reverse order'], 100);
    // As tshark 4.0.17 says on this file: the first data segment sent (highest seq) is past a
    // gap; the next comes within the handshake RTT (20 µs) of it, out of order; later ones are
    // older than that, retransmissions.
    expect(rev.flags[4]).toBe(TaFlag.lostSegment);
    expect(rev.flags[5] & 0x7fff).toBe(TaFlag.outOfOrder);
    for (let f = 6; f <= 103; f++) expect(rev.flags[f] & 0x7fff, `frame ${f}`).toBe(TaFlag.retransmission);
    const one = await analyse('flags-one-way', SHAPES['one direction, ACKs not captured'], MAX_UNACKED + 10);
    // Bytes in flight grow until Wireshark's cap on unacknowledged segments, then stay.
    expect(one.bif[4]).toBe(100);
    expect(one.bif[3 + MAX_UNACKED]).toBe(100 * MAX_UNACKED);
    expect(one.bif[3 + MAX_UNACKED + 10]).toBe(100 * MAX_UNACKED);
  }, 60_000);
});
