/**
 * A large deterministic pcap of mixed traffic for benchmarks and the 2 M-row UI test:
 * TCP connections carrying HTTP/1.1 (handshake, request, response segments, FIN), TLS
 * application-data records on port 443, and DNS queries/responses over UDP. Same seed, same file.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** xorshift32: deterministic and fast; Math.random is neither seedable nor needed here. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function checksum16(b: Uint8Array, off: number, len: number): number {
  let sum = 0;
  for (let i = 0; i < len - 1; i += 2) sum += (b[off + i] << 8) | b[off + i + 1];
  if (len & 1) sum += b[off + len - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface Writer {
  fd: number;
  buf: Buffer;
  pos: number;
  packets: number;
  bytes: number;
}

export function flush(w: Writer): void {
  if (w.pos > 0) writeSync(w.fd, w.buf, 0, w.pos);
  w.pos = 0;
}

export function writePacket(w: Writer, tUs: number, frame: Uint8Array): void {
  if (w.pos + 16 + frame.length > w.buf.length) flush(w);
  const b = w.buf;
  b.writeUInt32LE(Math.floor(tUs / 1e6), w.pos);
  b.writeUInt32LE(tUs % 1e6, w.pos + 4);
  b.writeUInt32LE(frame.length, w.pos + 8);
  b.writeUInt32LE(frame.length, w.pos + 12);
  b.set(frame, w.pos + 16);
  w.pos += 16 + frame.length;
  w.packets++;
  w.bytes += 16 + frame.length;
}

const MAC_A = [0x02, 0, 0, 0, 0, 0x0a];
const MAC_B = [0x02, 0, 0, 0, 0, 0x0b];

/** Ethernet + IPv4 + (TCP|UDP) frame with correct lengths and IP checksum. */
export function frame(proto: 6 | 17, src: number, dst: number, sport: number, dport: number, payload: Uint8Array, tcp?: { seq: number; ack: number; flags: number }): Uint8Array {
  const l4len = proto === 6 ? 20 : 8;
  const total = 14 + 20 + l4len + payload.length;
  const b = Buffer.alloc(total);
  const fwd = (src & 1) === 1;
  b.set(fwd ? MAC_A : MAC_B, 0);
  b.set(fwd ? MAC_B : MAC_A, 6);
  b.writeUInt16BE(0x0800, 12);
  const ip = 14;
  b[ip] = 0x45;
  b.writeUInt16BE(20 + l4len + payload.length, ip + 2);
  b.writeUInt16BE(0x4000, ip + 6);
  b[ip + 8] = 64;
  b[ip + 9] = proto;
  b.writeUInt32BE(src >>> 0, ip + 12);
  b.writeUInt32BE(dst >>> 0, ip + 16);
  b.writeUInt16BE(checksum16(b, ip, 20), ip + 10);
  const l4 = ip + 20;
  b.writeUInt16BE(sport, l4);
  b.writeUInt16BE(dport, l4 + 2);
  if (proto === 6 && tcp) {
    b.writeUInt32BE(tcp.seq >>> 0, l4 + 4);
    b.writeUInt32BE(tcp.ack >>> 0, l4 + 8);
    b[l4 + 12] = 5 << 4;
    b[l4 + 13] = tcp.flags;
    b.writeUInt16BE(64240, l4 + 14);
  } else {
    b.writeUInt16BE(8 + payload.length, l4 + 4);
  }
  b.set(payload, l4 + l4len);
  return b;
}

const enc = new TextEncoder();

export function dnsQuery(id: number, name: string, response: boolean, addr: number): Uint8Array {
  const labels = name.split('.');
  const q: number[] = [];
  for (const l of labels) q.push(l.length, ...enc.encode(l));
  q.push(0, 0, 1, 0, 1);
  const h = [id >> 8, id & 255, response ? 0x81 : 0x01, response ? 0x80 : 0x00, 0, 1, 0, response ? 1 : 0, 0, 0, 0, 0];
  const a = response ? [0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, addr >>> 24, (addr >>> 16) & 255, (addr >>> 8) & 255, addr & 255] : [];
  return Uint8Array.from([...h, ...q, ...a]);
}

/** A pcap file (microsecond, Ethernet) opened for writing: the 24-byte header is written. */
export function createPcapWriter(path: string): Writer {
  const w: Writer = { fd: openSync(path, 'w'), buf: Buffer.alloc(8 << 20), pos: 0, packets: 0, bytes: 0 };
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0);
  hdr.writeUInt16LE(2, 4);
  hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(262144, 16);
  hdr.writeUInt32LE(1, 20);
  writeSync(w.fd, hdr);
  w.bytes += 24;
  return w;
}

export function closePcapWriter(w: Writer): void {
  flush(w);
  closeSync(w.fd);
}

/** Write about `targetPackets` packets to `path`; returns packets and bytes written. */
export function makeBenchPcap(path: string, targetPackets: number, seed = 42): { packets: number; bytes: number } {
  const r = rng(seed);
  const w = createPcapWriter(path);
  let t = 1_700_000_000_000_000;
  const body = Buffer.alloc(1400, 0x61);
  const tlsRecord = Buffer.alloc(1200);
  tlsRecord.set([0x17, 0x03, 0x03, (1195 >> 8) & 255, 1195 & 255]);
  for (let i = 5; i < tlsRecord.length; i++) tlsRecord[i] = (i * 131) & 255;
  const tlsRequest = Buffer.from(tlsRecord.subarray(0, 300));
  tlsRequest.writeUInt16BE(295, 3);
  let conn = 0;
  while (w.packets < targetPackets) {
    conn++;
    const client = (10 << 24) | (conn & 0xffff) << 1 | 1;
    const server = (192 << 24) | (168 << 16) | ((conn % 50) << 1);
    const sport = 1024 + (conn % 60000);
    const kind = r();
    t += Math.floor(r() * 2000);
    if (kind < 0.25) {
      const id = conn & 0xffff;
      writePacket(w, t, frame(17, client, (8 << 24) | 8, sport, 53, dnsQuery(id, `host${conn % 997}.example.com`, false, 0)));
      t += 300;
      writePacket(w, t, frame(17, (8 << 24) | 8, client, 53, sport, dnsQuery(id, `host${conn % 997}.example.com`, true, server)));
      continue;
    }
    const tls = kind > 0.6;
    const dport = tls ? 443 : 80;
    let cs = Math.floor(r() * 2 ** 32);
    let ss = Math.floor(r() * 2 ** 32);
    const e = new Uint8Array(0);
    writePacket(w, (t += 50), frame(6, client, server, sport, dport, e, { seq: cs, ack: 0, flags: 0x02 }));
    writePacket(w, (t += 50), frame(6, server, client, dport, sport, e, { seq: ss, ack: cs + 1, flags: 0x12 }));
    cs++;
    ss++;
    writePacket(w, (t += 50), frame(6, client, server, sport, dport, e, { seq: cs, ack: ss, flags: 0x10 }));
    const req = tls ? tlsRequest : enc.encode(`GET /item/${conn} HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: bench\r\n\r\n`);
    writePacket(w, (t += 80), frame(6, client, server, sport, dport, req, { seq: cs, ack: ss, flags: 0x18 }));
    cs += req.length;
    const segments = 2 + Math.floor(r() * 8);
    for (let s = 0; s < segments; s++) {
      let p: Uint8Array = tls ? tlsRecord : body;
      if (!tls && s === 0) {
        // Content-Length must count exactly the body bytes after this head, or no parser (tshark
        // included) sees the response complete; the head's length depends on the digits.
        let cl = segments * 1400 - 60;
        let head = enc.encode('');
        for (let k = 0; k < 3; k++) {
          head = enc.encode(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${cl}\r\n\r\n`);
          cl = segments * 1400 - head.length;
        }
        const first = Buffer.alloc(1400, 0x61);
        first.set(head);
        p = first;
      }
      writePacket(w, (t += 20), frame(6, server, client, dport, sport, p, { seq: ss, ack: cs, flags: 0x10 | (s === segments - 1 ? 0x08 : 0) }));
      ss += p.length;
      if (s % 2 === 1) writePacket(w, (t += 10), frame(6, client, server, sport, dport, e, { seq: cs, ack: ss, flags: 0x10 }));
    }
    writePacket(w, (t += 100), frame(6, client, server, sport, dport, e, { seq: cs, ack: ss, flags: 0x11 }));
    writePacket(w, (t += 50), frame(6, server, client, dport, sport, e, { seq: ss, ack: cs + 1, flags: 0x11 }));
    writePacket(w, (t += 50), frame(6, client, server, sport, dport, e, { seq: cs + 1, ack: ss + 1, flags: 0x10 }));
  }
  closePcapWriter(w);
  return { packets: w.packets, bytes: w.bytes };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const [path = 'bench/out/bench.pcap', n = '1000000'] = process.argv.slice(2);
  console.log(JSON.stringify(makeBenchPcap(path, Number(n))));
}
