/**
 * Follow-stream text as `tshark -q -z follow,PROTO,MODE,N` prints it (tshark 4.0,
 * ui/cli/tap-follow.c output layout): ascii, hex, raw and yaml, plus C arrays and UTF-8 for the
 * follow pane. Every formatter takes chunks (a page of a stream) and returns text, so a 200 MB
 * stream is rendered page by page; the hex offset of a direction is passed in so pages join.
 *
 * A gap chunk prints as tshark's placeholder `[N bytes missing in capture file]` followed by a
 * NUL byte: tshark inserts that literal text into the stream data (packet-tcp.c
 * check_follow_fragments), so byte-for-byte comparisons with tshark see the same bytes.
 */
import type { ByteStream, StreamChunk } from './byte-stream.ts';

export type FollowFormat = 'ascii' | 'hex' | 'raw' | 'yaml' | 'carrays' | 'utf8';

const enc = new TextEncoder();

/** The bytes a chunk stands for in follow output (gap chunks: tshark's placeholder text). */
export function chunkFollowBytes(c: StreamChunk): Uint8Array {
  if (c.gap === undefined || c.gap === 0 || c.bytes.length > 0) return c.bytes;
  return enc.encode(`[${c.gap} bytes missing in capture file]\0`);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hexOf(b: Uint8Array): string {
  let s = '';
  for (let k = 0; k < b.length; k++) s += HEX[b[k]];
  return s;
}

function printable(c: number): boolean {
  return c >= 0x20 && c < 0x7f;
}

/** Header lines tshark prints before the data (not for yaml). */
export function followHeader(proto: string, mode: string, s: ByteStream, filter: string): string {
  return `\n===================================================================\nFollow: ${proto},${mode}\nFilter: ${filter}\nNode 0: ${s.client}\nNode 1: ${s.server}\n`;
}

export const FOLLOW_FOOTER = '===================================================================\n';

/** tshark ascii: byte count line (server side tab-indented), then the data with non-printables as '.'. */
export function formatAscii(chunks: StreamChunk[]): string {
  let out = '';
  for (const c of chunks) {
    const b = chunkFollowBytes(c);
    out += `${c.dir === 1 ? '\t' : ''}${b.length}\n`;
    let line = '';
    for (let k = 0; k < b.length; k++) {
      const x = b[k];
      line += x === 0x0a || x === 0x0d || printable(x) ? String.fromCharCode(x) : '.';
    }
    out += `${line}\n`;
  }
  return out;
}

/**
 * tshark hex dump: 16 bytes a line, `%08X` offset counted per direction, two groups of eight,
 * then the printable text; server side lines start with a tab. `offsets` is updated.
 */
export function formatHex(chunks: StreamChunk[], offsets: [number, number] = [0, 0]): string {
  let out = '';
  for (const c of chunks) {
    const b = chunkFollowBytes(c);
    const indent = c.dir === 1 ? '\t' : '';
    for (let p = 0; p < b.length; p += 16) {
      const n = Math.min(16, b.length - p);
      let hx = '';
      let tx = '';
      for (let k = 0; k < 16; k++) {
        if (k === 8) hx += ' ';
        if (k < n) {
          hx += `${HEX[b[p + k]]} `;
          if (k === 8) tx += ' ';
          tx += printable(b[p + k]) ? String.fromCharCode(b[p + k]) : '.';
        } else {
          hx += '   ';
        }
      }
      out += `${indent}${(offsets[c.dir] + p).toString(16).toUpperCase().padStart(8, '0')}  ${hx} ${tx}\n`;
    }
    offsets[c.dir] += b.length;
  }
  return out;
}

/** tshark raw: one line of lowercase hex per chunk, server side tab-indented. */
export function formatRawTshark(chunks: StreamChunk[]): string {
  let out = '';
  for (const c of chunks) out += `${c.dir === 1 ? '\t' : ''}${hexOf(chunkFollowBytes(c))}\n`;
  return out;
}

/** The CLI's raw form: `> ` (client → server) or `< ` (server → client), then lowercase hex. */
export function formatRawLines(chunks: StreamChunk[]): string {
  let out = '';
  for (const c of chunks) out += `${c.dir === 0 ? '>' : '<'} ${hexOf(chunkFollowBytes(c))}\n`;
  return out;
}

function splitEndpoint(e: string): [string, string] {
  const k = e.lastIndexOf(':');
  if (k < 0) return [e, ''];
  let host = e.slice(0, k);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return [host, e.slice(k + 1)];
}

function epochText(t: number): string {
  const sec = Math.floor(t);
  const ns = Math.round((t - sec) * 1e9);
  return ns >= 1e9 ? `${sec + 1}.000000000` : `${sec}.${String(ns).padStart(9, '0')}`;
}

/** tshark yaml: the peers, then per chunk its frame, peer, epoch time and base64 data (76 a line). */
export function formatYaml(s: ByteStream, chunks: StreamChunk[], withPeers = true): string {
  let out = '';
  if (withPeers) {
    const [ch, cp] = splitEndpoint(s.client);
    const [sh, sp] = splitEndpoint(s.server);
    out += `peers:\n  - peer: 0\n    host: ${ch}\n    port: ${cp}\n  - peer: 1\n    host: ${sh}\n    port: ${sp}\npackets:\n`;
  }
  for (const c of chunks) {
    const b64 = Buffer.from(chunkFollowBytes(c)).toString('base64');
    out += `  - packet: ${c.event}\n    peer: ${c.dir}\n    timestamp: ${epochText(c.time)}\n    data: !!binary |\n`;
    for (let p = 0; p < b64.length; p += 76) out += `      ${b64.slice(p, p + 76)}\n`;
  }
  return out;
}

/** Wireshark's "C Arrays" view: one `char peerD_K[]` array per chunk. `counters` is updated. */
export function formatCArrays(chunks: StreamChunk[], counters: [number, number] = [0, 0]): string {
  let out = '';
  for (const c of chunks) {
    const b = chunkFollowBytes(c);
    out += `char peer${c.dir}_${counters[c.dir]++}[] = { /* Packet ${c.event} */\n`;
    for (let p = 0; p < b.length; p += 8) {
      const row: string[] = [];
      for (let k = p; k < Math.min(b.length, p + 8); k++) row.push(`0x${HEX[b[k]]}`);
      out += `${row.join(', ')}${p + 8 < b.length ? ',' : ''} \n`;
    }
    out += '};\n';
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Chunks decoded as UTF-8 (invalid sequences become U+FFFD), one block per chunk. */
export function formatUtf8(chunks: StreamChunk[]): string {
  let out = '';
  for (const c of chunks) out += utf8.decode(chunkFollowBytes(c)) + (c.truncated ? `[${c.truncated} bytes not recorded]` : '');
  return out;
}

/** The tshark filter text of a stream id, for the follow header. */
export function streamFilter(id: string): string {
  const [kind, n] = id.split(':');
  // One HTTP/2 stream: tshark's Follow HTTP/2 filter (`tcp.stream eq 0 and http2.streamid eq 3`).
  const h2 = /^h2:(.*):(\d+)$/.exec(id);
  if (h2) {
    const src = /^tcp:(\d+)$/.exec(h2[1]);
    const fd = /^fd:-?\d+:\d+:(\d+)$/.exec(h2[1]);
    const base = src ? `tcp.stream eq ${src[1]}` : fd ? `fd.stream == ${fd[1]}` : '';
    return base ? `${base} and http2.streamid eq ${h2[2]}` : `http2.streamid eq ${h2[2]}`;
  }
  if (kind === 'tcp' || kind === 'udp') return `${kind}.stream eq ${n}`;
  // fd:PID:FD:N, N = fd.stream (one fd lifetime, syscalls/fd-lifetimes.ts).
  const fd = /^fd:-?\d+:\d+:(\d+)$/.exec(id);
  return fd ? `fd.stream == ${fd[1]}` : id;
}
