/**
 * The follow pane's text, built in the window from a page of chunks (the engine sends bytes,
 * not text) so every line knows which side sent it (client/server colour) and which chunk it
 * came from (click → select the event). Lines are hard-wrapped so the pane can be a fixed-height
 * virtual list. Layouts follow Wireshark's Follow Stream dialog (ui/qt/follow_stream_dialog.cpp):
 * ASCII, Hex Dump, C Arrays, Raw, YAML, UTF-8.
 */
import type { FollowChunk, FollowPage } from '../../shared/rpc.ts';

export type ShowAs = 'ascii' | 'hex' | 'carrays' | 'raw' | 'yaml' | 'utf8';
export const SHOW_AS: { id: ShowAs; label: string }[] = [
  { id: 'ascii', label: 'ASCII' },
  { id: 'hex', label: 'Hex Dump' },
  { id: 'carrays', label: 'C Arrays' },
  { id: 'raw', label: 'Raw' },
  { id: 'yaml', label: 'YAML' },
  { id: 'utf8', label: 'UTF-8' },
];

/** Which sides to show: both, or one direction (0 client → server, 1 server → client). */
export type Direction = 'both' | 0 | 1;

export interface FollowLine {
  /** 0 client, 1 server, -1 neither (headers, markers). */
  dir: -1 | 0 | 1;
  /** Index of the chunk in the page, or -1. */
  chunk: number;
  text: string;
  /** Markers (gaps, unrecorded bytes, delta times) are drawn muted. */
  marker?: boolean;
  /**
   * Stream offset (in its direction) of the line's first byte: exact for ASCII, hex, raw and
   * C arrays, the chunk's start for the other layouts (Follow side by side lines up on it).
   */
  at?: number;
}

/** Height of one drawn line (px): the follow panes are fixed-height virtual lists. */
export const LINE_HEIGHT = 18;

/** Longest line drawn; longer ones wrap (binary data has no newlines). */
export const WRAP = 160;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_SP = HEX.map((h) => `${h} `);
const DOT = Array.from({ length: 256 }, (_, i) => (i >= 0x20 && i < 0x7f ? String.fromCharCode(i) : '.'));

function pushWrapped(out: FollowLine[], dir: 0 | 1, chunk: number, text: string): void {
  if (text.length <= WRAP) {
    out.push({ dir, chunk, text });
    return;
  }
  for (let p = 0; p < text.length; p += WRAP) out.push({ dir, chunk, text: text.slice(p, p + WRAP) });
}

/** Bytes as Wireshark's ASCII view shows them: printable ASCII, tab and line breaks kept, the rest '.'. */
export function asciiText(b: Uint8Array): string {
  let s = '';
  for (let k = 0; k < b.length; k++) {
    const x = b[k];
    s += x === 0x0a || x === 0x09 || (x >= 0x20 && x < 0x7f) ? String.fromCharCode(x) : x === 0x0d ? '' : '.';
  }
  return s;
}

function textLines(out: FollowLine[], dir: 0 | 1, chunk: number, text: string): void {
  const parts = text.split('\n');
  // A chunk ending in a newline does not add an empty line after it.
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  for (const p of parts) pushWrapped(out, dir, chunk, p);
}

/** ASCII lines of one chunk with each line's stream offset (asciiText's mapping, byte by byte). */
function asciiLines(out: FollowLine[], dir: 0 | 1, chunk: number, b: Uint8Array, seq: number): void {
  let text = '';
  let at = seq;
  for (let k = 0; k < b.length; k++) {
    const x = b[k];
    if (x === 0x0a) {
      out.push({ dir, chunk, text, at });
      text = '';
      at = seq + k + 1;
      continue;
    }
    if (x === 0x0d) continue;
    if (text.length === WRAP) {
      out.push({ dir, chunk, text, at });
      text = '';
      at = seq + k;
    }
    text += x === 0x09 || (x >= 0x20 && x < 0x7f) ? String.fromCharCode(x) : '.';
  }
  // A chunk ending in a newline does not add an empty line after it.
  if (text !== '' || at < seq + b.length || b.length === 0) out.push({ dir, chunk, text, at });
}

function base64(b: Uint8Array): string {
  let bin = '';
  for (let k = 0; k < b.length; k += 0x8000) bin += String.fromCharCode(...b.subarray(k, k + 0x8000));
  return btoa(bin);
}

function epochText(t: number): string {
  const sec = Math.floor(t);
  const ns = Math.round((t - sec) * 1e9);
  return ns >= 1e9 ? `${sec + 1}.000000000` : `${sec}.${String(ns).padStart(9, '0')}`;
}

function splitEndpoint(e: string): [string, string] {
  const k = e.lastIndexOf(':');
  return k < 0 ? [e, ''] : [e.slice(0, k).replace(/^\[(.*)\]$/, '$1'), e.slice(k + 1)];
}

export interface LineOptions {
  direction: Direction;
  /** A muted "+N s" line before each turn (a change of side). */
  deltaTimes: boolean;
  /** C Arrays: chunks per side on earlier pages (so `peer0_N` continues across pages). */
  counters?: [number, number];
}

/** The page's chunks as display lines in `format`. */
export function buildLines(page: Pick<FollowPage, 'chunks' | 'page' | 'client' | 'server'>, format: ShowAs, opts: LineOptions): FollowLine[] {
  const out: FollowLine[] = [];
  const counters: [number, number] = opts.counters ? [...opts.counters] : [0, 0];
  const decoders = [new TextDecoder('utf-8'), new TextDecoder('utf-8')];
  if (format === 'yaml' && page.page === 0) {
    const [ch, cp] = splitEndpoint(page.client);
    const [sh, sp] = splitEndpoint(page.server);
    for (const t of ['peers:', '  - peer: 0', `    host: ${ch}`, `    port: ${cp}`, '  - peer: 1', `    host: ${sh}`, `    port: ${sp}`, 'packets:']) {
      out.push({ dir: -1, chunk: -1, text: t });
    }
  }
  let lastDir = -1;
  let lastTime = Number.NaN;
  page.chunks.forEach((c: FollowChunk, i) => {
    const dir = c.dir;
    if (opts.direction !== 'both' && dir !== opts.direction) return;
    if (opts.deltaTimes && dir !== lastDir && !Number.isNaN(lastTime)) {
      out.push({ dir, chunk: i, text: `[+${(c.time - lastTime).toFixed(6)} s]`, marker: true });
    }
    lastDir = dir;
    lastTime = c.time;
    if (c.gap && c.bytes.length === 0) {
      out.push({ dir, chunk: i, text: `[${c.gap} bytes missing in capture file]`, marker: true });
      return;
    }
    const b = c.bytes;
    switch (format) {
      case 'ascii':
        asciiLines(out, dir, i, b, c.seq);
        break;
      case 'utf8':
        textLines(out, dir, i, decoders[dir].decode(b, { stream: true }).replace(/\r/g, ''));
        break;
      case 'hex': {
        const indent = dir === 1 ? '    ' : '';
        for (let p = 0; p < b.length; p += 16) {
          const n = Math.min(16, b.length - p);
          let hx = '';
          let tx = '';
          for (let k = 0; k < n; k++) {
            if (k === 8) hx += ' ';
            hx += HEX_SP[b[p + k]];
            tx += DOT[b[p + k]];
          }
          if (n < 16) hx += ' '.repeat((16 - n) * 3 + (n <= 8 ? 1 : 0));
          out.push({ dir, chunk: i, text: `${indent}${(c.seq + p).toString(16).toUpperCase().padStart(8, '0')}  ${hx} ${tx}`, at: c.seq + p });
        }
        break;
      }
      case 'raw':
        for (let p = 0; p < b.length; p += WRAP / 2) {
          let hx = '';
          for (let k = p; k < Math.min(b.length, p + WRAP / 2); k++) hx += HEX[b[k]];
          out.push({ dir, chunk: i, text: hx, at: c.seq + p });
        }
        break;
      case 'carrays':
        out.push({ dir, chunk: i, text: `char peer${dir}_${counters[dir]++}[] = { /* Packet ${c.event} */` });
        for (let p = 0; p < b.length; p += 8) {
          const row: string[] = [];
          for (let k = p; k < Math.min(b.length, p + 8); k++) row.push(`0x${HEX[b[k]]}`);
          out.push({ dir, chunk: i, text: `${row.join(', ')}${p + 8 < b.length ? ',' : ''}`, at: c.seq + p });
        }
        out.push({ dir, chunk: i, text: '};' });
        break;
      case 'yaml': {
        out.push({ dir, chunk: i, text: `  - packet: ${c.event}` });
        out.push({ dir, chunk: i, text: `    peer: ${dir}` });
        out.push({ dir, chunk: i, text: `    timestamp: ${epochText(c.time)}` });
        out.push({ dir, chunk: i, text: '    data: !!binary |' });
        const b64 = base64(b);
        for (let p = 0; p < b64.length; p += 76) out.push({ dir, chunk: i, text: `      ${b64.slice(p, p + 76)}` });
        break;
      }
    }
    if (c.truncated) out.push({ dir, chunk: i, text: `[${c.truncated} bytes not recorded]`, marker: true, at: c.seq + b.length });
  });
  for (const l of out) if (l.at === undefined && l.chunk >= 0) l.at = page.chunks[l.chunk].seq;
  return out;
}

/** The first line at or below `line` that shows bytes of a direction: its direction and offset. */
export function offsetOfLine(lines: readonly FollowLine[], line: number): { dir: 0 | 1; at: number } | null {
  for (let l = Math.max(0, line); l < lines.length; l++) {
    const x = lines[l];
    if (x.dir !== -1 && x.at !== undefined && !x.marker) return { dir: x.dir, at: x.at };
  }
  return null;
}

/**
 * The line showing byte `at` of direction `dir`: the last line of that direction starting at or
 * before it; -1 when the lines hold no byte of the direction at or before `at`.
 */
export function lineAtOffset(lines: readonly FollowLine[], dir: 0 | 1, at: number): number {
  let best = -1;
  for (let l = 0; l < lines.length; l++) {
    const x = lines[l];
    if (x.dir !== dir || x.marker || x.at === undefined) continue;
    if (x.at > at) break;
    best = l;
  }
  return best;
}

export interface Match {
  line: number;
  start: number;
  length: number;
}

/** Every case-insensitive occurrence of `needle` in the lines (at most `limit`). */
export function findMatches(lines: readonly FollowLine[], needle: string, limit = 100_000): Match[] {
  const out: Match[] = [];
  if (!needle) return out;
  const n = needle.toLowerCase();
  for (let l = 0; l < lines.length && out.length < limit; l++) {
    const t = lines[l].text.toLowerCase();
    let k = t.indexOf(n);
    while (k >= 0 && out.length < limit) {
      out.push({ line: l, start: k, length: n.length });
      k = t.indexOf(n, k + n.length);
    }
  }
  return out;
}

/** The filter that shows a stream's events: the engine's text for tcp/udp, derived for TLS and fd streams. */
export function filterForStream(id: string, engineFilter: string): string {
  const tls = /^tls:(?:tcp:)?(\d+)$/.exec(id);
  if (tls) return `tcp.stream eq ${tls[1]}`;
  // fd:PID:FD:N: N is fd.stream, the fd's lifetime (not every file that had the number).
  const fd = /^(?:tls:)?fd:-?\d+:\d+:(\d+)$/.exec(id);
  if (fd) return `fd.stream == ${fd[1]}`;
  return engineFilter;
}

/** Text of the lines as shown, for Save as / copy. */
export function linesText(lines: readonly FollowLine[]): string {
  let s = '';
  for (const l of lines) s += `${l.text}\n`;
  return s;
}
