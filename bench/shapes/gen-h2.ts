/**
 * (d) One cleartext HTTP/2 connection with prior knowledge (RFC 9113 §3.3): the client preface,
 * SETTINGS both ways, then streams opened ten at a time, answered in a shuffled order, header
 * blocks compressed by a small HPACK encoder that keeps a dynamic table (RFC 7541) as real
 * clients and servers do.
 */
import { STATIC_TABLE } from '../../electron/engine/http2/hpack.ts';
import { rng } from '../make-pcap.ts';
import { h2Frame } from '../make-h2.ts';
import { clientIp, SERVER } from './gen-http.ts';
import { ACK, enc, filler, handshake, close, PSH, segment, tcpConn, tick, type Net } from './net.ts';

export interface HpackEncoder {
  /** Newest first, as RFC 7541 §2.3.3 indexes them. */
  entries: [string, string][];
  size: number;
  max: number;
}

export function createHpackEncoder(max = 4096): HpackEncoder {
  return { entries: [], size: 0, max };
}

const staticExact = new Map<string, number>();
const staticName = new Map<string, number>();
STATIC_TABLE.forEach(([n, v], i) => {
  if (i === 0) return; // index 0 is unused (RFC 7541 Appendix A starts at 1)
  if (!staticExact.has(`${n}\0${v}`)) staticExact.set(`${n}\0${v}`, i);
  if (!staticName.has(n)) staticName.set(n, i);
});
const STATIC_COUNT = STATIC_TABLE.length - 1;

/** RFC 7541 §5.1 integer with an N-bit prefix; `first` holds the pattern bits above the prefix. */
function integer(out: number[], first: number, prefix: number, v: number): void {
  const max = (1 << prefix) - 1;
  if (v < max) {
    out.push(first | v);
    return;
  }
  out.push(first | max);
  v -= max;
  while (v >= 128) {
    out.push((v & 127) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** RFC 7541 §5.2 string literal, not Huffman-coded (H = 0). */
function literal(out: number[], s: string): void {
  const b = enc.encode(s);
  integer(out, 0, 7, b.length);
  for (const x of b) out.push(x);
}

/** Add to the dynamic table, evicting the oldest entries over the size limit (RFC 7541 §4.4). */
function insert(e: HpackEncoder, name: string, value: string): void {
  const size = 32 + enc.encode(name).length + enc.encode(value).length;
  e.entries.unshift([name, value]);
  e.size += size;
  while (e.size > e.max && e.entries.length > 0) {
    const [n, v] = e.entries.pop() ?? ['', ''];
    e.size -= 32 + enc.encode(n).length + enc.encode(v).length;
  }
}

/** One header block: indexed fields where the tables hold the pair, else literals with incremental indexing. */
export function encodeHeaders(e: HpackEncoder, headers: [string, string][]): Uint8Array {
  const out: number[] = [];
  for (const [n, v] of headers) {
    const s = staticExact.get(`${n}\0${v}`);
    const d = e.entries.findIndex(([dn, dv]) => dn === n && dv === v);
    if (s !== undefined) integer(out, 0x80, 7, s); // §6.1 indexed
    else if (d >= 0) integer(out, 0x80, 7, STATIC_COUNT + 1 + d);
    else {
      const dn = e.entries.findIndex(([x]) => x === n);
      const nameIndex = staticName.get(n) ?? (dn >= 0 ? STATIC_COUNT + 1 + dn : 0);
      // §6.2.1 literal with incremental indexing: indexed name, or a new name (index 0).
      integer(out, 0x40, 6, nameIndex);
      if (nameIndex === 0) literal(out, n);
      literal(out, v);
      insert(e, n, v);
    }
  }
  return Uint8Array.from(out);
}

const H2_DATA = 0x0;
const H2_HEADERS = 0x1;
const H2_SETTINGS = 0x4;
const H2_GOAWAY = 0x7;
const H2_WINDOW_UPDATE = 0x8;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;

function join(parts: Uint8Array[]): Uint8Array {
  const o = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let k = 0;
  for (const p of parts) {
    o.set(p, k);
    k += p.length;
  }
  return o;
}

function u32(v: number): number[] {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

export function http2Connection(net: Net, events: number): string {
  // Per stream: a request segment, a response segment and every other stream a client ACK.
  const streams = Math.max(10, Math.floor((events - 14) / 2.5));
  const body = filler(rng(11));
  const rnd = rng(12);
  const c = tcpConn(net, clientIp(0), SERVER, 45000, 8080);
  const client = createHpackEncoder();
  const server = createHpackEncoder();
  const g = (function* () {
    yield* handshake(net, c);
    // §3.4 preface, SETTINGS (ENABLE_PUSH 0, INITIAL_WINDOW_SIZE 16 MiB), a connection WINDOW_UPDATE.
    const settings = Uint8Array.of(0, 2, ...u32(0), 0, 4, ...u32(1 << 24));
    segment(net, c, true, ACK | PSH, join([enc.encode('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), h2Frame(H2_SETTINGS, 0, 0, settings), h2Frame(H2_WINDOW_UPDATE, 0, 0, Uint8Array.of(...u32(0x7fff0000)))]));
    yield;
    segment(net, c, false, ACK | PSH, join([h2Frame(H2_SETTINGS, 0, 0, Uint8Array.of(0, 3, ...u32(100))), h2Frame(H2_SETTINGS, 1, 0, new Uint8Array(0))]));
    yield;
    segment(net, c, true, ACK | PSH, h2Frame(H2_SETTINGS, 1, 0, new Uint8Array(0)));
    yield;
    let sent = 0;
    for (let i = 0; i < streams; i += 10) {
      const batch: number[] = [];
      for (let j = i; j < Math.min(streams, i + 10); j++) {
        const id = 2 * j + 1;
        const block = encodeHeaders(client, [
          [':method', 'GET'],
          [':scheme', 'http'],
          [':authority', '10.0.0.1:8080'],
          [':path', `/api/items/${j % 2000}?page=${Math.floor(j / 2000)}`],
          ['user-agent', 'h2load nghttp2/1.52.0'],
          ['accept', '*/*'],
        ]);
        segment(net, c, true, ACK | PSH, h2Frame(H2_HEADERS, END_STREAM | END_HEADERS, id, block));
        yield;
        batch.push(id);
      }
      for (let k = batch.length - 1; k > 0; k--) {
        const m = Math.floor(rnd() * (k + 1));
        [batch[k], batch[m]] = [batch[m], batch[k]];
      }
      for (const id of batch) {
        const len = 120 + Math.floor(rnd() * 400);
        const block = encodeHeaders(server, [
          [':status', '200'],
          ['server', 'nginx/1.22.1'],
          ['date', `Tue, 01 Dec 2026 07:${String(Math.floor(id / 6000) % 60).padStart(2, '0')}:00 GMT`],
          ['content-type', 'application/json'],
          ['content-length', String(len)],
        ]);
        tick(net, 100);
        segment(net, c, false, ACK | PSH, join([h2Frame(H2_HEADERS, END_HEADERS, id, block), h2Frame(H2_DATA, END_STREAM, id, body(len, id))]));
        yield;
        if (++sent % 2 === 0) {
          segment(net, c, true, ACK);
          yield;
        }
      }
    }
    segment(net, c, true, ACK | PSH, h2Frame(H2_GOAWAY, 0, 0, Uint8Array.of(...u32(0), ...u32(0))));
    yield;
    yield* close(net, c);
  })();
  while (!g.next().done);
  return `one h2c connection, ${streams} streams`;
}
