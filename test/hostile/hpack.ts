/**
 * HPACK amplification (RFC 7541): a cleartext HTTP/2 connection whose server header blocks
 * insert one large dynamic-table entry and then refer to it thousands of times (one byte each),
 * and one whose peer allows a huge table (SETTINGS_HEADER_TABLE_SIZE) and resizes to it.
 */
import type { Turn } from './pcap.ts';

const enc = new TextEncoder();
const PREFACE = enc.encode('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** RFC 9113 §4.1 frame. */
export function h2Frame(type: number, flags: number, id: number, payload: Uint8Array | number[]): Uint8Array {
  const p = payload instanceof Uint8Array ? payload : Uint8Array.from(payload);
  const f = new Uint8Array(9 + p.length);
  f.set([p.length >> 16, (p.length >> 8) & 0xff, p.length & 0xff, type, flags, (id >>> 24) & 0x7f, (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff]);
  f.set(p, 9);
  return f;
}

/** RFC 7541 §5.1 integer with an N-bit prefix, the prefix byte's high bits `first`. */
export function hpackInt(first: number, prefixBits: number, v: number): number[] {
  const max = (1 << prefixBits) - 1;
  if (v < max) return [first | v];
  const out = [first | max];
  let r = v - max;
  while (r >= 128) {
    out.push((r % 128) | 0x80);
    r = Math.floor(r / 128);
  }
  out.push(r);
  return out;
}

/** §6.2.1 literal with incremental indexing, new name, raw strings. */
export function literalIndexed(name: string, value: string): number[] {
  return [0x40, ...hpackInt(0, 7, name.length), ...enc.encode(name), ...hpackInt(0, 7, value.length), ...enc.encode(value)];
}

const HEADERS = 1;
const SETTINGS = 4;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;

/**
 * `streams` GETs; every response header block is `:status 200` then `refs` references to the
 * newest dynamic entry (index 62), which the first block inserts: a `valueBytes` value.
 * `tableSize`: the client's SETTINGS_HEADER_TABLE_SIZE, and the size the first server block
 * resizes to before inserting (a resize past the settings when `resizeTo` is larger).
 */
export function hpackBombTurns(o: { streams: number; refs: number; valueBytes: number; tableSize?: number; resizeTo?: number }): Turn[] {
  const settings = o.tableSize !== undefined ? [0, 1, (o.tableSize >>> 24) & 0xff, (o.tableSize >> 16) & 0xff, (o.tableSize >> 8) & 0xff, o.tableSize & 0xff] : [];
  const turns: Turn[] = [
    { dir: 0, bytes: PREFACE },
    { dir: 0, bytes: h2Frame(SETTINGS, 0, 0, settings) },
    { dir: 1, bytes: h2Frame(SETTINGS, 0, 0, []) },
  ];
  const refs = new Array<number>(o.refs).fill(0xbe);
  for (let s = 0; s < o.streams; s++) {
    const id = 2 * s + 1;
    // :method GET (2), :scheme http (6), :path / (4), :authority literal.
    turns.push({ dir: 0, bytes: h2Frame(HEADERS, END_STREAM | END_HEADERS, id, [0x82, 0x86, 0x84, 0x41, 11, ...enc.encode('bomb.test.x')]) });
    const block: number[] = [];
    if (s === 0 && o.resizeTo !== undefined) block.push(...hpackInt(0x20, 5, o.resizeTo));
    block.push(0x88);
    if (s === 0) block.push(...literalIndexed('x-big', 'v'.repeat(o.valueBytes)));
    block.push(...refs);
    turns.push({ dir: 1, bytes: h2Frame(HEADERS, END_STREAM | END_HEADERS, id, block) });
  }
  return turns;
}
