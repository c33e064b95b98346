/**
 * The TLS records of one stream as columns (16 bytes a record): the event that completed the
 * record, where its header starts in the direction's bytes, the record header and what
 * decryption found packed in one word, and the handshake messages it completed in another. An
 * event's records are found by binary search (no per-event map), and a filter that names only
 * what the columns hold (tls, tls.record.content_type / version / length, tls.handshake.type)
 * is answered from them without building the records' data sources.
 *
 * Word `meta`: bits 0-14 length (RFC 8446 §5.2: at most 2^14 + 256, TLS 1.2 2^14 + 2048),
 * 15-17 outer content type - 20, 18-20 inner content type - 20 (7: another value), 21-23 the
 * version's minor byte for major 3 (7: another version), 24 dir, 25 complete, 26 encrypted,
 * 27 keyed (application data that decrypted: word `hs` is its sequence number).
 * Word `hs` otherwise: bits 0-2 handshake messages completed, then four 6-bit types (254,
 * RFC 8446 §4.4.1 message_hash, as 63). A record the words cannot describe (a content type or version outside
 * those ranges, more than four handshake messages, another type over 62) is marked `odd`:
 * lookups of its event take the record objects.
 */
import type { StreamDir } from '../streams/byte-stream.ts';
import type { RecordSummary } from './session.ts';

export interface TlsRecordColumns {
  n: number;
  ev: Uint32Array;
  pos: Uint32Array;
  meta: Uint32Array;
  hs: Uint32Array;
  /** Records the words do not fully describe. */
  odd: Set<number>;
  monotonic: boolean;
  byEvent?: Uint32Array;
}

export const RECORD_COLUMN_BYTES = 16;

const LEN_MASK = 0x7fff;
const OTHER = 7;
const HS_SLOTS = 4;
const HS_MESSAGE_HASH = 254;

function code(ct: number): number {
  return ct >= 20 && ct < 20 + OTHER ? ct - 20 : OTHER;
}

/** Empty columns (records are pushed as they are decoded). */
export function createRecordColumns(): TlsRecordColumns {
  return { n: 0, ev: new Uint32Array(16), pos: new Uint32Array(16), meta: new Uint32Array(16), hs: new Uint32Array(16), odd: new Set(), monotonic: true };
}

function resize(c: TlsRecordColumns, cap: number): void {
  const grow = (a: Uint32Array): Uint32Array => {
    const b = new Uint32Array(cap);
    b.set(a.subarray(0, Math.min(c.n, cap)));
    return b;
  };
  c.ev = grow(c.ev);
  c.pos = grow(c.pos);
  c.meta = grow(c.meta);
  c.hs = grow(c.hs);
}

/**
 * Append record `c.n` (its summary `s`): the arrays grow by doubling. `seq`: the record is
 * application data that decrypted with its direction's epoch at that sequence number; the
 * second word then holds the number (it completes no handshake message), and the record needs
 * no object (session.ts recordAt makes one from the columns and the stream's bytes).
 */
export function pushRecordColumns(c: TlsRecordColumns, s: RecordSummary, seq?: number): void {
  const i = c.n;
  if (i === c.ev.length) resize(c, Math.max(16, 2 * i));
  const r = s.record;
  c.ev[i] = r.lastEvent;
  if (i > 0 && r.lastEvent < c.ev[i - 1]) c.monotonic = false;
  c.pos[i] = r.pos % 2 ** 32;
  const minor = r.version >> 8 === 3 && (r.version & 0xff) < OTHER ? r.version & 0xff : OTHER;
  const outer = code(r.type);
  const inner = code(s.contentType);
  const keyed = seq !== undefined;
  c.meta[i] = ((r.length & LEN_MASK) | (outer << 15) | (inner << 18) | (minor << 21) | (r.dir << 24) | ((r.complete ? 1 : 0) << 25) | ((s.encrypted ? 1 : 0) << 26) | ((keyed ? 1 : 0) << 27)) >>> 0;
  const k = s.handshakes.length;
  let w = Math.min(k, 7);
  let oddType = false;
  for (let j = 0; j < k && j < HS_SLOTS; j++) {
    const t = s.handshakes[j].type;
    const v = t === HS_MESSAGE_HASH ? 63 : t;
    if (v > 63 || (v === 63 && t !== HS_MESSAGE_HASH)) oddType = true;
    w |= (v & 63) << (3 + 6 * j);
  }
  c.hs[i] = keyed ? seq >>> 0 : w >>> 0;
  if (outer === OTHER || inner === OTHER || minor === OTHER || k > HS_SLOTS || oddType || r.length > LEN_MASK || r.pos >= 2 ** 32) c.odd.add(i);
  c.n = i + 1;
  c.byEvent = undefined;
}

/** Cut the arrays to their records (the stream ends there): a finished stream's index is 16 bytes a record. */
export function trimRecordColumns(c: TlsRecordColumns): void {
  if (c.ev.length !== c.n) resize(c, c.n);
}

/** Bytes the columns hold (the sparse set of odd records counted at 16 bytes each). */
export function recordIndexBytes(c: TlsRecordColumns): number {
  return c.ev.byteLength + c.pos.byteLength + c.meta.byteLength + c.hs.byteLength + 16 * c.odd.size;
}

export const recordLength = (c: TlsRecordColumns, i: number): number => c.meta[i] & LEN_MASK;
export const recordOuterType = (c: TlsRecordColumns, i: number): number => 20 + ((c.meta[i] >>> 15) & 7);
export const recordContentType = (c: TlsRecordColumns, i: number): number => 20 + ((c.meta[i] >>> 18) & 7);
export const recordVersion = (c: TlsRecordColumns, i: number): number => 0x0300 | ((c.meta[i] >>> 21) & 7);
export const recordDir = (c: TlsRecordColumns, i: number): StreamDir => ((c.meta[i] >>> 24) & 1) as StreamDir;

export const recordComplete = (c: TlsRecordColumns, i: number): boolean => ((c.meta[i] >>> 25) & 1) === 1;
export const recordEncrypted = (c: TlsRecordColumns, i: number): boolean => ((c.meta[i] >>> 26) & 1) === 1;
export const recordKeyed = (c: TlsRecordColumns, i: number): boolean => ((c.meta[i] >>> 27) & 1) === 1;
/** Sequence number of a keyed record. */
export const recordSeq = (c: TlsRecordColumns, i: number): number => c.hs[i];

/** Handshake message types the record completed. */
export function recordHandshakes(c: TlsRecordColumns, i: number): number[] {
  if (recordKeyed(c, i)) return [];
  const w = c.hs[i];
  const k = w & 7;
  const out: number[] = [];
  for (let j = 0; j < k && j < HS_SLOTS; j++) {
    const v = (w >>> (3 + 6 * j)) & 63;
    out.push(v === 63 ? HS_MESSAGE_HASH : v);
  }
  return out;
}

/** Record numbers completed at `event`, in stream order. */
export function recordsAtEvent(c: TlsRecordColumns, event: number): number[] {
  const out: number[] = [];
  if (!c.monotonic && !c.byEvent) {
    const order = Array.from({ length: c.n }, (_, i) => i);
    order.sort((a, b) => c.ev[a] - c.ev[b] || a - b);
    c.byEvent = Uint32Array.from(order);
  }
  const at = (k: number): number => (c.byEvent ? c.byEvent[k] : k);
  let lo = 0;
  let hi = c.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.ev[at(mid)] < event) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < c.n && c.ev[at(k)] === event; k++) out.push(at(k));
  return out;
}
