/**
 * A generated HTTP/1.1 keep-alive capture: `requests` exchanges spread round-robin over
 * `connections` TCP connections (interleaved, as wrk against nginx makes them), Ethernet II +
 * IPv4 + TCP without options, one frame per request and one or two per response. Options add
 * what the real shapes have: request headers the index does not keep (Authorization, Cookie),
 * POST bodies, responses split over two segments, and a pair of reordered segments.
 */
import { closePcapWriter, createPcapWriter, writePacket } from '../../bench/make-pcap.ts';

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;

function frame(conn: number, fromClient: boolean, seq: number, ack: number, flags: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(14 + 20 + 20 + payload.length);
  b.set([2, 0, 0, 0, 0, fromClient ? 2 : 1], 0);
  b.set([2, 0, 0, 0, 0, fromClient ? 1 : 2], 6);
  b.writeUInt16BE(0x0800, 12);
  b[14] = 0x45;
  b.writeUInt16BE(40 + payload.length, 16);
  b[22] = 64;
  b[23] = 6;
  b.set(fromClient ? [10, 0, 0, 1] : [10, 0, 0, 2], 26);
  b.set(fromClient ? [10, 0, 0, 2] : [10, 0, 0, 1], 30);
  const cport = 40000 + conn;
  b.writeUInt16BE(fromClient ? cport : 80, 34);
  b.writeUInt16BE(fromClient ? 80 : cport, 36);
  b.writeUInt32BE(seq >>> 0, 38);
  b.writeUInt32BE(ack >>> 0, 42);
  b[46] = 5 << 4;
  b[47] = flags;
  b.writeUInt16BE(65535, 48);
  payload.copy(b, 54);
  return b;
}

export interface KeepaliveOptions {
  requests: number;
  connections: number;
  /** Every k-th request carries Authorization and Cookie and a POST body. */
  extrasEvery?: number;
  /** Every k-th response is split over two segments. */
  splitEvery?: number;
  /** Swap the two segments of the first split response of connection 0 (out of order). */
  reorder?: boolean;
}

/** Write the capture; returns the frames count and the exchanges written. */
export function writeKeepalivePcap(path: string, o: KeepaliveOptions): { frames: number; exchanges: number } {
  const frames: Buffer[] = [];
  const cs: number[] = [];
  const ss: number[] = [];
  for (let c = 0; c < o.connections; c++) {
    cs[c] = 1000 + c * 100_000;
    ss[c] = 5000 + c * 100_000;
    frames.push(frame(c, true, cs[c], 0, SYN, Buffer.alloc(0)));
    frames.push(frame(c, false, ss[c], cs[c] + 1, SYN | ACK, Buffer.alloc(0)));
    cs[c]++;
    ss[c]++;
    frames.push(frame(c, true, cs[c], ss[c], ACK, Buffer.alloc(0)));
  }
  let reordered = !o.reorder;
  for (let k = 0; k < o.requests; k++) {
    const c = k % o.connections;
    const extras = o.extrasEvery !== undefined && k % o.extrasEvery === 0;
    const body = extras ? `name=item${k}&value=${'x'.repeat(k % 50)}` : '';
    const req = Buffer.from(`${extras ? 'POST' : 'GET'} /item/${k % 97} HTTP/1.1\r\nHost: example.test\r\nUser-Agent: gen/1\r\n`
      + (extras ? `Authorization: Bearer token${k}\r\nCookie: session=${k}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n` : '')
      + `\r\n${body}`);
    frames.push(frame(c, true, cs[c], ss[c], PSH | ACK, req));
    cs[c] += req.length;
    const rbody = `<html>item ${k} ${'y'.repeat(k % 300)}</html>`;
    const resp = Buffer.from(`HTTP/1.1 200 OK\r\nServer: gen\r\nContent-Type: text/html\r\nContent-Length: ${rbody.length}\r\nConnection: keep-alive\r\n\r\n${rbody}`);
    if (o.splitEvery !== undefined && k % o.splitEvery === 0) {
      const cut = Math.floor(resp.length / 2);
      const a = frame(c, false, ss[c], cs[c], ACK, resp.subarray(0, cut));
      const b = frame(c, false, ss[c] + cut, cs[c], PSH | ACK, resp.subarray(cut));
      if (!reordered && c === 0) {
        frames.push(b, a);
        reordered = true;
      } else frames.push(a, b);
    } else {
      frames.push(frame(c, false, ss[c], cs[c], PSH | ACK, resp));
    }
    ss[c] += resp.length;
    frames.push(frame(c, true, cs[c], ss[c], ACK, Buffer.alloc(0)));
  }
  for (let c = 0; c < o.connections; c++) {
    frames.push(frame(c, true, cs[c], ss[c], FIN | ACK, Buffer.alloc(0)));
    frames.push(frame(c, false, ss[c], cs[c] + 1, FIN | ACK, Buffer.alloc(0)));
    frames.push(frame(c, true, cs[c] + 1, ss[c] + 1, ACK, Buffer.alloc(0)));
  }
  // One frame per millisecond (microsecond pcap, Ethernet).
  const w = createPcapWriter(path);
  frames.forEach((f, i) => writePacket(w, 1_700_000_000_000_000 + i * 1000, f));
  closePcapWriter(w);
  return { frames: frames.length, exchanges: o.requests };
}
