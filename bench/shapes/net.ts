/**
 * Building blocks of the packet shapes: a clock, TCP connections that keep their own sequence
 * numbers, and a scheduler that interleaves many connections the way concurrent clients do.
 * Every packet goes through `writePacket`, so the writer's count is the event count.
 */
import { frame, writePacket, type Writer } from '../make-pcap.ts';

export const enc = new TextEncoder();
export const EMPTY = new Uint8Array(0);

/** TCP flag bits (RFC 9293 §3.1). */
export const FIN = 0x01;
export const SYN = 0x02;
export const PSH = 0x08;
export const ACK = 0x10;

/** Ethernet MSS with TCP timestamps (1500 − 20 − 20 − 12), what Linux uses on a LAN. */
export const MSS = 1448;

export interface Net {
  w: Writer;
  /** Capture time in microseconds since the epoch; advanced by whoever writes. */
  t: number;
  rnd: () => number;
}

export interface TcpConn {
  client: number;
  server: number;
  cport: number;
  sport: number;
  /** Next sequence number each side sends. */
  cseq: number;
  sseq: number;
}

export function ipv4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

export function ipText(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

export function tcpConn(net: Net, client: number, server: number, cport: number, sport: number): TcpConn {
  return { client, server, cport, sport, cseq: Math.floor(net.rnd() * 2 ** 32), sseq: Math.floor(net.rnd() * 2 ** 32) };
}

/** Advance the clock by 1..`maxUs` microseconds (seeded). */
export function tick(net: Net, maxUs = 40): number {
  net.t += 1 + Math.floor(net.rnd() * maxUs);
  return net.t;
}

/**
 * One segment from the client (`fromClient`) or the server, at sequence `seq` (default: the
 * sender's next), acknowledging what the other side sent so far. Advances the sender's next
 * sequence number only when the segment is sent at it (retransmissions and reordered sends pass
 * `seq` and do their own bookkeeping).
 */
export function segment(net: Net, c: TcpConn, fromClient: boolean, flags: number, payload: Uint8Array = EMPTY, seq?: number, ack?: number): void {
  const s = seq ?? (fromClient ? c.cseq : c.sseq);
  const a = ack ?? (fromClient ? c.sseq : c.cseq);
  const f = fromClient
    ? frame(6, c.client, c.server, c.cport, c.sport, payload, { seq: s >>> 0, ack: flags & ACK ? a >>> 0 : 0, flags })
    : frame(6, c.server, c.client, c.sport, c.cport, payload, { seq: s >>> 0, ack: flags & ACK ? a >>> 0 : 0, flags });
  writePacket(net.w, tick(net), f);
  if (seq === undefined) {
    const adv = payload.length + (flags & (SYN | FIN) ? 1 : 0);
    if (fromClient) c.cseq += adv;
    else c.sseq += adv;
  }
}

/** Three-way handshake (3 packets). */
export function* handshake(net: Net, c: TcpConn): Generator<void> {
  segment(net, c, true, SYN);
  yield;
  segment(net, c, false, SYN | ACK);
  yield;
  segment(net, c, true, ACK);
  yield;
}

/** Client-initiated close (3 packets: FIN, FIN/ACK, ACK). */
export function* close(net: Net, c: TcpConn): Generator<void> {
  segment(net, c, true, FIN | ACK);
  yield;
  segment(net, c, false, FIN | ACK);
  yield;
  segment(net, c, true, ACK);
  yield;
}

/**
 * Run connections `slots` at a time, each step advancing one randomly chosen live connection by
 * one packet, until `more()` says no more connections should start and every live one ended.
 * `start()` makes the next connection's packet generator.
 */
export function interleave(net: Net, slots: number, more: () => boolean, start: (slot: number) => Generator<void>): void {
  const live: (Generator<void> | undefined)[] = [];
  for (let s = 0; s < slots && more(); s++) live.push(start(s));
  let alive = live.length;
  while (alive > 0) {
    const s = Math.floor(net.rnd() * live.length);
    const g = live[s];
    if (!g) continue;
    if (g.next().done) {
      live[s] = more() ? start(s) : undefined;
      if (!live[s]) alive--;
    }
  }
}

/** Deterministic filler bytes: `n` bytes cycling through a seeded 64 KiB block. */
export function filler(rnd: () => number): (n: number, offset?: number) => Uint8Array {
  const block = new Uint8Array(65536 + MSS);
  for (let i = 0; i < block.length; i++) block[i] = 0x21 + Math.floor(rnd() * 94); // printable ASCII
  return (n, offset = 0) => {
    if (n <= MSS) {
      const o = offset % 65536;
      return block.subarray(o, o + n);
    }
    const out = new Uint8Array(n);
    for (let p = 0; p < n; p += 65536) out.set(block.subarray(0, Math.min(65536, n - p)), p);
    return out;
  };
}
