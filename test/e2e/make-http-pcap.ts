/**
 * A tiny pcap of one HTTP/1.1 exchange over TCP (handshake, request, response, FIN), built frame
 * by frame for the e2e tests that need a body type no corpus capture has (a JSON response).
 * Ethernet II + IPv4 (RFC 791, header checksum) + TCP (RFC 9293) without options.
 */
import { writeFileSync } from 'node:fs';

function ipChecksum(b: Buffer, off: number, len: number): number {
  let sum = 0;
  for (let i = 0; i < len; i += 2) sum += b.readUInt16BE(off + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function tcpFrame(fromClient: boolean, seq: number, ack: number, flags: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(14 + 20 + 20 + payload.length);
  const [macC, macS] = [[2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]];
  b.set(fromClient ? macS : macC, 0);
  b.set(fromClient ? macC : macS, 6);
  b.writeUInt16BE(0x0800, 12);
  b[14] = 0x45;
  b.writeUInt16BE(40 + payload.length, 16);
  b.writeUInt16BE(0x4000, 20);
  b[22] = 64;
  b[23] = 6;
  const [c, s] = [[10, 0, 0, 1], [10, 0, 0, 2]];
  b.set(fromClient ? c : s, 26);
  b.set(fromClient ? s : c, 30);
  b.writeUInt16BE(ipChecksum(b, 14, 20), 24);
  b.writeUInt16BE(fromClient ? 40000 : 80, 34);
  b.writeUInt16BE(fromClient ? 80 : 40000, 36);
  b.writeUInt32BE(seq >>> 0, 38);
  b.writeUInt32BE(ack >>> 0, 42);
  b[46] = 5 << 4;
  b[47] = flags;
  b.writeUInt16BE(65535, 48);
  payload.copy(b, 54);
  return b;
}

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;

/** Write a pcap with one GET and a response of `contentType` carrying `body`. */
export function writeHttpPcap(path: string, body: string, contentType: string, uri = '/api/items'): void {
  const req = Buffer.from(`GET ${uri} HTTP/1.1\r\nHost: example.test\r\nUser-Agent: tracelens-e2e\r\nAccept: */*\r\n\r\n`);
  const bodyBytes = Buffer.from(body);
  const resp = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nContent-Length: ${bodyBytes.length}\r\n\r\n`), bodyBytes]);
  let cs = 1000;
  let ss = 5000;
  const frames: Buffer[] = [];
  frames.push(tcpFrame(true, cs, 0, SYN, Buffer.alloc(0)));
  frames.push(tcpFrame(false, ss, cs + 1, SYN | ACK, Buffer.alloc(0)));
  cs++;
  ss++;
  frames.push(tcpFrame(true, cs, ss, ACK, Buffer.alloc(0)));
  frames.push(tcpFrame(true, cs, ss, PSH | ACK, req));
  cs += req.length;
  frames.push(tcpFrame(false, ss, cs, PSH | ACK, resp));
  ss += resp.length;
  frames.push(tcpFrame(true, cs, ss, FIN | ACK, Buffer.alloc(0)));
  frames.push(tcpFrame(false, ss, cs + 1, FIN | ACK, Buffer.alloc(0)));
  frames.push(tcpFrame(true, cs + 1, ss + 1, ACK, Buffer.alloc(0)));
  // pcap global header (libpcap format): magic, v2.4, snaplen 65535, LINKTYPE_ETHERNET.
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20);
  const parts: Buffer[] = [head];
  frames.forEach((f, i) => {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(1_700_000_000, 0);
    h.writeUInt32LE(i * 1000, 4);
    h.writeUInt32LE(f.length, 8);
    h.writeUInt32LE(f.length, 12);
    parts.push(h, f);
  });
  writeFileSync(path, Buffer.concat(parts));
}
