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

/*
 * The formatters below write bytes and make one string per chunk: a string grown a character or
 * two at a time is a rope of millions of pieces, and flattening and collecting them cost 30 of
 * the 36 CPU s of following a 96 MB upload (bench shape c at 100 k packets).
 */
function hexOf(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** ASCII codes of `0123456789ABCDEF`, for the hex dump's offsets and bytes. */
const HEX_UPPER = Buffer.from('0123456789ABCDEF', 'latin1');
const HEX_LOWER = Buffer.from('0123456789abcdef', 'latin1');
const DOT = 0x2e;
const SPACE = 0x20;
const NL = 0x0a;
const TAB = 0x09;

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
  const parts: string[] = [];
  for (const c of chunks) {
    const b = chunkFollowBytes(c);
    const line = Buffer.allocUnsafe(b.length + 1);
    for (let k = 0; k < b.length; k++) {
      const x = b[k];
      line[k] = x === 0x0a || x === 0x0d || printable(x) ? x : DOT;
    }
    line[b.length] = NL;
    parts.push(`${c.dir === 1 ? '\t' : ''}${b.length}\n`, line.toString('latin1'));
  }
  return parts.join('');
}

/**
 * tshark hex dump: 16 bytes a line, `%08X` offset counted per direction, two groups of eight,
 * then the printable text; server side lines start with a tab. `offsets` is updated.
 */
export function formatHex(chunks: StreamChunk[], offsets: [number, number] = [0, 0]): string {
  const parts: string[] = [];
  for (const c of chunks) {
    const b = chunkFollowBytes(c);
    // A line: [tab] 8 offset digits (up to 14 past 4 GiB), 2 spaces, 16 × "xx " with one more
    // space after the 8th, a space, up to 17 text characters, newline: at most 85 bytes.
    const out = Buffer.allocUnsafe(Math.ceil(b.length / 16) * 85);
    let o = 0;
    for (let p = 0; p < b.length; p += 16) {
      const n = Math.min(16, b.length - p);
      if (c.dir === 1) out[o++] = TAB;
      const at = offsets[c.dir] + p;
      // %08X of the offset (past 4 GiB it has more digits, as tshark's %08X of a 64-bit offset).
      if (at <= 0xffffffff) for (let d = 28; d >= 0; d -= 4) out[o++] = HEX_UPPER[(at >>> d) & 15];
      else o += out.write(at.toString(16).toUpperCase(), o, 'latin1');
      out[o++] = SPACE;
      out[o++] = SPACE;
      for (let k = 0; k < 16; k++) {
        if (k === 8) out[o++] = SPACE;
        if (k < n) {
          out[o++] = HEX_LOWER[b[p + k] >> 4];
          out[o++] = HEX_LOWER[b[p + k] & 15];
        } else {
          out[o++] = SPACE;
          out[o++] = SPACE;
        }
        out[o++] = SPACE;
      }
      out[o++] = SPACE;
      for (let k = 0; k < n; k++) {
        if (k === 8) out[o++] = SPACE;
        const x = b[p + k];
        out[o++] = printable(x) ? x : DOT;
      }
      out[o++] = NL;
    }
    parts.push(out.toString('latin1', 0, o));
    offsets[c.dir] += b.length;
  }
  return parts.join('');
}

/** tshark raw: one line of lowercase hex per chunk, server side tab-indented. */
export function formatRawTshark(chunks: StreamChunk[]): string {
  const parts: string[] = [];
  for (const c of chunks) parts.push(`${c.dir === 1 ? '\t' : ''}${hexOf(chunkFollowBytes(c))}\n`);
  return parts.join('');
}

/**
 * The CLI's raw form: `> ` (client → server) or `< ` (server → client), then lowercase hex.
 * Each chunk's hex (native) is copied into one buffer made one string: a template per chunk
 * joined cost a third more (a page of 720 × 1448 bytes: 2.9 vs 4.0 ms; a JS hex loop 6 ms).
 */
export function formatRawLines(chunks: StreamChunk[]): string {
  const all = chunks.map(chunkFollowBytes);
  let n = 0;
  for (const b of all) n += 3 + 2 * b.length;
  const out = Buffer.allocUnsafe(n);
  let o = 0;
  for (let k = 0; k < all.length; k++) {
    const b = all[k];
    out[o++] = chunks[k].dir === 0 ? 0x3e : 0x3c;
    out[o++] = SPACE;
    o += out.write(hexOf(b), o, 'latin1');
    out[o++] = NL;
  }
  return out.toString('latin1', 0, o);
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
export function formatYaml(s: Pick<ByteStream, 'client' | 'server'>, chunks: StreamChunk[], withPeers = true): string {
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
