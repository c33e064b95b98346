/**
 * Plain HTTP/1.1 shapes over TCP: (a) keep-alive like wrk against nginx, (b) one request per
 * connection, (c) one large upload, (f) segments reordered and retransmitted.
 */
import { rng } from '../make-pcap.ts';
import { ACK, close, enc, filler, handshake, interleave, ipv4, MSS, PSH, segment, tcpConn, tick, type Net, type TcpConn } from './net.ts';

export const SERVER = ipv4(10, 0, 0, 1);
/** Client address of slot `s` (16 clients at most are live, each with its own address). */
export const clientIp = (s: number): number => ipv4(10, 1, 0, 1 + (s % 250));

const DATE = 'Tue, 01 Dec 2026 07:00:00 GMT';

export function getRequest(path: string, host = '10.0.0.1:18080'): Uint8Array {
  // What wrk sends: request line and Host only.
  return enc.encode(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
}

/** An nginx-style response head for a body of `length` bytes. */
export function responseHead(status: string, length: number, type = 'text/html', keepAlive = true): string {
  return (
    `HTTP/1.1 ${status}\r\nServer: nginx/1.22.1\r\nDate: ${DATE}\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n` +
    `Last-Modified: ${DATE}\r\nConnection: ${keepAlive ? 'keep-alive' : 'close'}\r\nETag: "6579a1b2-${length.toString(16)}"\r\nAccept-Ranges: bytes\r\n\r\n`
  );
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const o = new Uint8Array(a.length + b.length);
  o.set(a);
  o.set(b, a.length);
  return o;
}

const PATHS = ['/index.html', '/page.txt', '/static/app.js', '/api/items', '/img/logo.png'];

/** One exchange on a keep-alive connection: request, sometimes a bare server ACK, response, client ACK. */
function* exchange(net: Net, c: TcpConn, body: (n: number) => Uint8Array, rnd: () => number): Generator<void> {
  const path = PATHS[Math.floor(rnd() * PATHS.length)];
  segment(net, c, true, ACK | PSH, getRequest(path));
  yield;
  if (rnd() < 0.3) {
    segment(net, c, false, ACK);
    yield;
  }
  const len = 560 + Math.floor(rnd() * 80); // ~600-byte bodies
  tick(net, 150);
  segment(net, c, false, ACK | PSH, concat(enc.encode(responseHead('200 OK', len)), body(len)));
  yield;
  segment(net, c, true, ACK);
  yield;
}

/** (a) 16 interleaved keep-alive connections, ~1000 requests each at 1 M packets. */
export function keepAlive(net: Net, events: number): string {
  const exchanges = Math.floor(events / 3.3);
  const conns = Math.max(16, Math.round(exchanges / 1000));
  const perConn = Math.max(1, Math.floor(exchanges / conns));
  const body = filler(rng(7));
  let started = 0;
  let written = 0;
  interleave(net, 16, () => started < conns && net.w.packets < events - 8, function* (slot) {
    started++;
    const c = tcpConn(net, clientIp(slot), SERVER, 30000 + started, 18080);
    const rnd = rng(1000 + started);
    yield* handshake(net, c);
    for (let i = 0; i < perConn && net.w.packets < events - 8; i++, written++) yield* exchange(net, c, body, rnd);
    yield* close(net, c);
  });
  return `${started} connections, ${written} exchanges (up to ${perConn} per connection), 16 live at a time`;
}

/** (b) one request per connection (SYN … FIN), 16 connections in flight. */
export function shortConnections(net: Net, events: number): string {
  const body = filler(rng(8));
  let started = 0;
  interleave(net, 16, () => net.w.packets < events - 12, function* (slot) {
    started++;
    const c = tcpConn(net, clientIp(slot + 16 * (started % 8)), SERVER, 1024 + (started % 64000), 80);
    const rnd = rng(5000 + started);
    yield* handshake(net, c);
    yield* exchange(net, c, body, rnd);
    yield* close(net, c);
  });
  return `${started} connections, one GET each`;
}

/** nginx's client_max_body_size as configured for the shape: larger uploads get 413. */
const MAX_BODY = 100 * 1024 * 1024;

/** (c) one POST whose body fills the capture (≈ 1 GB at 1 M packets), answered by 200 or 413. */
export function upload(net: Net, events: number): string {
  // Per two body segments: two data packets and one ACK.
  const segments = Math.max(2, Math.floor(((events - 12) * 2) / 3));
  const length = segments * MSS - 200;
  const body = filler(rng(9));
  const c = tcpConn(net, clientIp(0), SERVER, 40000, 80);
  const g = (function* () {
    yield* handshake(net, c);
    const head = enc.encode(`POST /upload/data.bin HTTP/1.1\r\nHost: 10.0.0.1\r\nUser-Agent: curl/7.88.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${length}\r\n\r\n`);
    // The body is streamed segment by segment, never held whole.
    let sent = 0;
    let n = 0;
    let first = true;
    while (sent < length) {
      const room = first ? MSS - head.length : MSS;
      const take = Math.min(room, length - sent);
      const part = body(take, sent);
      segment(net, c, true, ACK | (sent + take === length ? PSH : 0), first ? concat(head, part) : part);
      first = false;
      sent += take;
      yield;
      if (++n % 2 === 0) {
        segment(net, c, false, ACK);
        yield;
      }
    }
    const ok = length <= MAX_BODY;
    const text = ok ? enc.encode('{"stored":true}\n') : enc.encode('<html><body>413 Request Entity Too Large</body></html>\n');
    segment(net, c, false, ACK | PSH, concat(enc.encode(responseHead(ok ? '200 OK' : '413 Request Entity Too Large', text.length, ok ? 'application/json' : 'text/html', ok)), text));
    yield;
    segment(net, c, true, ACK);
    yield;
    yield* close(net, c);
  })();
  while (!g.next().done);
  return `one ${(length / 1e6).toFixed(1)} MB upload, answered ${length <= MAX_BODY ? 200 : 413}`;
}

type Order = 'swapped pairs' | 'shuffled in windows of 32' | 'lost and retransmitted' | 'fully reversed';

/**
 * (f) four connections, a quarter of the packets each: the client pipelines its requests, the
 * server's responses (one segment each) arrive in the connection's order; the client ACKs what
 * it has contiguously every 32 segments, as a receiver does.
 */
export function reordered(net: Net, events: number): string {
  const orders: Order[] = ['swapped pairs', 'shuffled in windows of 32', 'lost and retransmitted', 'fully reversed'];
  const body = filler(rng(10));
  const parts: string[] = [];
  orders.forEach((order, k) => {
    const rnd = rng(77 + k);
    const c = tcpConn(net, clientIp(k), SERVER, 50000 + k, 80);
    const n = Math.max(4, Math.floor((events / 4 - 10) / (1 + 1 / 32 + 1 / 16 + (order === 'lost and retransmitted' ? 0.1 : 0))));
    const g = (function* () {
      yield* handshake(net, c);
      // Pipelined requests, 16 per segment, in order.
      for (let i = 0; i < n; i += 16) {
        let reqs = '';
        for (let j = i; j < Math.min(n, i + 16); j++) reqs += `GET /r/${k}/${j} HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n`;
        segment(net, c, true, ACK | PSH, enc.encode(reqs));
        yield;
      }
      const base = c.sseq;
      const segs: Uint8Array[] = [];
      const offs: number[] = [];
      let off = 0;
      for (let i = 0; i < n; i++) {
        const len = 300 + Math.floor(rnd() * 600);
        const s = concat(enc.encode(responseHead('200 OK', len, 'text/plain')), body(len, i * 61));
        segs.push(s);
        offs.push(off);
        off += s.length;
      }
      const order_ = segs.map((_, i) => i);
      if (order === 'fully reversed') order_.reverse();
      else if (order === 'swapped pairs') for (let i = 0; i + 1 < n; i += 2) [order_[i], order_[i + 1]] = [order_[i + 1], order_[i]];
      else if (order === 'shuffled in windows of 32') {
        for (let w0 = 0; w0 < n; w0 += 32) {
          for (let i = Math.min(n, w0 + 32) - 1; i > w0; i--) {
            const j = w0 + Math.floor(rnd() * (i - w0 + 1));
            [order_[i], order_[j]] = [order_[j], order_[i]];
          }
        }
      }
      const got = new Uint8Array(n);
      let contiguous = 0;
      let sent = 0;
      const send = function* (i: number) {
        segment(net, c, false, ACK | PSH, segs[i], base + offs[i]);
        got[i] = 1;
        while (contiguous < n && got[contiguous]) contiguous++;
        yield;
        if (++sent % 32 === 0) {
          segment(net, c, true, ACK, undefined, undefined, base + (contiguous < n ? offs[contiguous] : off));
          yield;
        }
      };
      if (order === 'lost and retransmitted') {
        // Every tenth segment is "lost": sent first but not seen by the receiver, so it is sent
        // again 3 segments later (the retransmission is what fills the hole); 5 % are duplicated.
        const late: number[] = [];
        for (let i = 0; i < n; i++) {
          if (i % 10 === 5) {
            segment(net, c, false, ACK | PSH, segs[i], base + offs[i]);
            yield;
            late.push(i);
            continue;
          }
          yield* send(i);
          if (late.length > 0 && i % 10 === 8) yield* send(late.shift() ?? 0);
          if (rnd() < 0.05) {
            segment(net, c, false, ACK | PSH, segs[i], base + offs[i]);
            yield;
          }
        }
        for (const i of late) yield* send(i);
      } else {
        for (const i of order_) yield* send(i);
      }
      c.sseq = base + off;
      segment(net, c, true, ACK);
      yield;
      yield* close(net, c);
    })();
    while (!g.next().done);
    parts.push(`${order}: ${n} responses`);
  });
  return parts.join('; ');
}
