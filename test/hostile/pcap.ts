/**
 * A tiny pcap writer for hostile-input generators: one TCP connection per conversation
 * (handshake, data segments of at most 1400 bytes each way, FIN), Ethernet + IPv4, in memory.
 * Classic pcap format (libpcap file format, LINKTYPE_ETHERNET = 1).
 */

export interface Turn {
  /** 0 client → server, 1 server → client. */
  dir: 0 | 1;
  bytes: Uint8Array;
}

const SEG = 1400;

function ipChecksum(b: Uint8Array, off: number): number {
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (b[off + i] << 8) | b[off + i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function tcpFrame(fromClient: boolean, conn: number, seq: number, ack: number, flags: number, payload: Uint8Array): Uint8Array {
  const b = new Uint8Array(14 + 20 + 20 + payload.length);
  const v = new DataView(b.buffer);
  b.set(fromClient ? [2, 0, 0, 0, 0, 0x0b, 2, 0, 0, 0, 0, 0x0a] : [2, 0, 0, 0, 0, 0x0a, 2, 0, 0, 0, 0, 0x0b], 0);
  v.setUint16(12, 0x0800);
  b[14] = 0x45;
  v.setUint16(16, 40 + payload.length);
  v.setUint16(20, 0x4000);
  b[22] = 64;
  b[23] = 6;
  const client = 0x0a000001;
  const server = 0x0a000002;
  v.setUint32(26, fromClient ? client : server);
  v.setUint32(30, fromClient ? server : client);
  v.setUint16(24, ipChecksum(b, 14));
  const cport = 40000 + conn;
  v.setUint16(34, fromClient ? cport : 80);
  v.setUint16(36, fromClient ? 80 : cport);
  v.setUint32(38, seq >>> 0);
  v.setUint32(42, ack >>> 0);
  b[46] = 5 << 4;
  b[47] = flags;
  v.setUint16(48, 64240);
  b.set(payload, 54);
  return b;
}

/** A pcap holding each conversation as its own TCP connection, one after the other. */
export function tcpPcap(conversations: readonly (readonly Turn[])[]): Uint8Array {
  const frames: Uint8Array[] = [];
  const SYN = 0x02;
  const ACK = 0x10;
  const PSH = 0x08;
  const FIN = 0x01;
  conversations.forEach((turns, conn) => {
    const seq = [1000, 5000];
    frames.push(tcpFrame(true, conn, seq[0] - 1, 0, SYN, new Uint8Array(0)));
    frames.push(tcpFrame(false, conn, seq[1] - 1, seq[0], SYN | ACK, new Uint8Array(0)));
    frames.push(tcpFrame(true, conn, seq[0], seq[1], ACK, new Uint8Array(0)));
    for (const t of turns) {
      for (let o = 0; o < t.bytes.length; o += SEG) {
        const p = t.bytes.subarray(o, o + SEG);
        frames.push(tcpFrame(t.dir === 0, conn, seq[t.dir], seq[1 - t.dir], ACK | PSH, p));
        seq[t.dir] += p.length;
      }
    }
    frames.push(tcpFrame(true, conn, seq[0], seq[1], FIN | ACK, new Uint8Array(0)));
    frames.push(tcpFrame(false, conn, seq[1], seq[0] + 1, FIN | ACK, new Uint8Array(0)));
  });
  let total = 24;
  for (const f of frames) total += 16 + f.length;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 262144, true);
  v.setUint32(20, 1, true);
  let o = 24;
  frames.forEach((f, k) => {
    v.setUint32(o, 1_700_000_000 + Math.floor(k / 1000), true);
    v.setUint32(o + 4, (k % 1000) * 1000, true);
    v.setUint32(o + 8, f.length, true);
    v.setUint32(o + 12, f.length, true);
    out.set(f, o + 16);
    o += 16 + f.length;
  });
  return out;
}

const enc = new TextEncoder();

/** An HTTP/1.1 GET and its 200 response with `body` as sent and the given Content-Encoding. */
export function httpExchange(uri: string, body: Uint8Array, contentEncoding: string, contentType = 'application/octet-stream'): Turn[] {
  const head = `HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\n${contentEncoding ? `Content-Encoding: ${contentEncoding}\r\n` : ''}Content-Length: ${body.length}\r\n\r\n`;
  const res = new Uint8Array(head.length + body.length);
  res.set(enc.encode(head));
  res.set(body, head.length);
  return [
    { dir: 0, bytes: enc.encode(`GET ${uri} HTTP/1.1\r\nHost: hostile.test\r\n\r\n`) },
    { dir: 1, bytes: res },
  ];
}
