/**
 * Shape (f) of issue 10: an HTTP/1.1 exchange whose server → client TCP segments reach the
 * capture reordered, retransmitted, duplicated, overlapping, or fully reversed. Deterministic
 * (same spec, same bytes), so tests and the bench can make any size on the fly.
 *
 * Each connection: handshake, one GET, a response of `segments` × `size` bytes (head in the first
 * segment, Content-Length exact) sent in the order the class asks for, client ACKs as a receiver
 * would (RFC 5681 §4.2), acknowledging only contiguous data (so no class but `lost` makes the
 * follow tap declare bytes missing), then FIN both ways.
 *
 *   node --import tsx test/streams/make-reordered-pcap.ts out.pcap 40000 reversed
 */
import { writeFileSync } from 'node:fs';
import { frame, rng } from '../../bench/make-pcap.ts';

/** Orders whose reassembled stream is the in-order one. */
export const REORDERINGS = ['inorder', 'reversed', 'swapped', 'shuffled', 'retransmitted', 'duplicated', 'overlapping', 'mixed'] as const;
/** `lost`: some segments never reach the capture but are acknowledged (the follow tap's gaps). */
export type Reordering = (typeof REORDERINGS)[number] | 'lost';

export interface ConnectionSpec {
  segments: number;
  order: Reordering;
  seed?: number;
  /** Payload bytes per base segment (default 512: 80 k segments stay under the 64 MiB limit). */
  size?: number;
  /** Extra copies (retransmissions, duplicates, overlaps) carry different bytes than the first copy. */
  conflicting?: boolean;
}

/** A range of the response's bytes sent as one segment; `extra` for copies beyond the base segmentation. */
interface Piece { start: number; end: number; unit: number; extra: boolean }

const enc = new TextEncoder();

/** Response of exactly `total` bytes: head + a body of numbered lines (misplaced bytes show). */
function responseBytes(total: number): { bytes: Uint8Array; head: number } {
  let head = enc.encode('');
  for (let k = 0; k < 3; k++) {
    const cl = total - head.length;
    head = enc.encode(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${cl}\r\n\r\n`);
  }
  const out = new Uint8Array(total);
  out.set(head);
  for (let o = head.length, line = 0; o < total; line++) {
    const l = enc.encode(`line ${String(line).padStart(9, '0')}\n`);
    out.set(l.subarray(0, total - o), o);
    o += l.length;
  }
  return { bytes: out, head: head.length };
}

function shuffle<T>(a: T[], from: number, to: number, r: () => number): void {
  for (let i = to - 1; i > from; i--) {
    const j = from + Math.floor(r() * (i - from + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** The server's segments in capture order for one class. */
function order(n: number, size: number, kind: Reordering, r: () => number): Piece[] {
  const base = (u: number, extra = false): Piece => ({ start: u * size, end: (u + 1) * size, unit: u, extra });
  const units = Array.from({ length: n }, (_, u) => base(u));
  const total = n * size;
  switch (kind) {
    case 'inorder':
      return units;
    case 'reversed':
      return units.reverse();
    case 'swapped':
      for (let u = 0; u + 1 < n; u += 2) [units[u], units[u + 1]] = [units[u + 1], units[u]];
      return units;
    case 'shuffled':
      for (let u = 0; u < n; u += 32) shuffle(units, u, Math.min(n, u + 32), r);
      return units;
    case 'retransmitted': {
      // Some segments are delayed (their retransmission is the first copy captured), some
      // arrive again after they were delivered (spurious retransmissions).
      const out: Piece[] = [];
      const late: [number, Piece][] = [];
      for (let u = 0; u < n; u++) {
        for (let k = late.length - 1; k >= 0; k--) if (late[k][0] <= u) out.push(late.splice(k, 1)[0][1]);
        if (r() < 0.08 && u > 0) late.push([u + 1 + Math.floor(r() * 64), units[u]]);
        else out.push(units[u]);
        if (r() < 0.08 && u > 0) out.push(base(Math.floor(r() * u), true));
      }
      for (const [, p] of late) out.push(p);
      return out;
    }
    case 'duplicated': {
      const out: Piece[] = [];
      for (const p of units) {
        out.push(p);
        const x = r();
        if (x < 0.2) out.push({ ...p, extra: true });
        if (x < 0.05) out.push({ ...p, extra: true });
      }
      return out;
    }
    case 'overlapping': {
      // Segments straddling two or three base segments, sent before, between or after them.
      const out: Piece[] = [];
      for (let u = 0; u < n; u++) {
        const x = r();
        const span = 1 + Math.floor(r() * 2);
        const p: Piece = { start: u * size + (size >> 1), end: Math.min(total, (u + span) * size + (size >> 2)), unit: u, extra: true };
        if (x < 0.15) out.push(p, units[u]);
        else if (x < 0.3) out.push(units[u], p);
        else out.push(units[u]);
      }
      return out;
    }
    case 'mixed': {
      const out = order(n, size, 'overlapping', r);
      for (let k = 0; k < out.length; k += 24) shuffle(out, k, Math.min(out.length, k + 24), r);
      const dup: Piece[] = [];
      for (const p of out) {
        dup.push(p);
        if (r() < 0.1) dup.push({ ...p, extra: true });
      }
      return dup;
    }
    case 'lost':
      // Every 10th segment is never captured; the rest arrive in order.
      return units.filter((p) => p.unit % 10 !== 5);
  }
}

interface Packet { t: number; bytes: Uint8Array }

function connection(spec: ConnectionSpec, id: number, t0: number): Packet[] {
  const { segments: n, order: kind } = spec;
  const size = spec.size ?? 512;
  const r = rng((spec.seed ?? 1) * 7919 + id);
  const client = (10 << 24) | ((id & 0xffff) << 1) | 1;
  const server = (10 << 24) | (1 << 16) | 2;
  const sport = 20000 + id;
  const dport = 80;
  const out: Packet[] = [];
  let t = t0;
  const send = (fromClient: boolean, seq: number, ack: number, flags: number, payload: Uint8Array = new Uint8Array(0)): void => {
    t += 10;
    const b = fromClient ? frame(6, client, server, sport, dport, payload, { seq, ack, flags }) : frame(6, server, client, dport, sport, payload, { seq, ack, flags });
    out.push({ t, bytes: b });
  };
  // Random ISNs: absolute sequence numbers wrap for some connections; relative ones never do here.
  const cs = Math.floor(r() * 2 ** 32);
  const ss = Math.floor(r() * 2 ** 32);
  const req = enc.encode(`GET /reordered/${kind}/${n} HTTP/1.1\r\nHost: reasm.example\r\nUser-Agent: tracelens-test\r\n\r\n`);
  send(true, cs, 0, 0x02);
  send(false, ss, cs + 1, 0x12);
  send(true, cs + 1, ss + 1, 0x10);
  send(true, cs + 1, ss + 1, 0x18, req);
  const cAck = cs + 1 + req.length;
  const total = n * size;
  const { bytes: resp, head } = responseBytes(total);
  // Conflicting copies differ in the body only (digits → '#'), so every copy of the head parses.
  const altered = resp.map((b, i) => (i >= head && b >= 0x30 && b <= 0x39 ? 0x23 : b));
  const got = new Uint8Array(n);
  let contiguous = 0;
  let inOrder = 0;
  for (const p of order(n, size, kind, r)) {
    const bytes = spec.conflicting && p.extra ? altered.subarray(p.start, p.end) : resp.subarray(p.start, p.end);
    send(false, ss + 1 + p.start, cAck, 0x10 | (p.end === total ? 0x08 : 0), bytes);
    if (!p.extra) got[p.unit] = 1;
    const was = contiguous;
    // `lost` segments were received by the client, only the capture missed them.
    while (contiguous < n && (got[contiguous] || (kind === 'lost' && contiguous % 10 === 5))) contiguous++;
    // RFC 5681 §4.2: an immediate (duplicate) ACK for a segment out of order or filling a gap,
    // else one ACK per two full segments. Only contiguous data is acknowledged.
    if (contiguous === was || contiguous > was + 1 || ++inOrder % 2 === 0) send(true, cAck, ss + 1 + contiguous * size, 0x10);
  }
  send(false, ss + 1 + total, cAck, 0x11);
  send(true, cAck, ss + 2 + total, 0x11);
  send(false, ss + 2 + total, cAck + 1, 0x10);
  return out;
}

/** One pcap (Ethernet) holding the connections one after the other: tcp.stream k is `specs[k]`. */
export function reorderedPcap(specs: ConnectionSpec[]): Uint8Array {
  const packets: Packet[] = [];
  let t = 1_700_000_000_000_000;
  specs.forEach((s, k) => {
    const p = connection(s, k, t);
    for (const x of p) packets.push(x);
    t = (p.at(-1)?.t ?? t) + 1000;
  });
  let len = 24;
  for (const p of packets) len += 16 + p.bytes.length;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeUInt32LE(262144, 16);
  b.writeUInt32LE(1, 20);
  let o = 24;
  for (const p of packets) {
    b.writeUInt32LE(Math.floor(p.t / 1e6), o);
    b.writeUInt32LE(p.t % 1e6, o + 4);
    b.writeUInt32LE(p.bytes.length, o + 8);
    b.writeUInt32LE(p.bytes.length, o + 12);
    b.set(p.bytes, o + 16);
    o += 16 + p.bytes.length;
  }
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/**
 * The small case compared with tshark (scripts/make-golden-reordered.sh): every class, plus
 * `lost`, with conflicting extra copies so that which copy's bytes win is checked too.
 */
export const GOLDEN_SPECS: ConnectionSpec[] = [...REORDERINGS, 'lost' as const].map((order) => ({ segments: 48, order, seed: 3, size: 100, conflicting: true }));

if (process.argv[1]?.endsWith('make-reordered-pcap.ts')) {
  const [path, n = '40000', kind = 'reversed', seed = '1'] = process.argv.slice(2);
  if (!path) throw new Error('usage: make-reordered-pcap.ts OUT.pcap [segments|golden] [order] [seed]');
  writeFileSync(path, reorderedPcap(n === 'golden' ? GOLDEN_SPECS : [{ segments: Number(n), order: kind as Reordering, seed: Number(seed) }]));
}
