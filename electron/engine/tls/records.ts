/**
 * The TLS record layer over a ByteStream (RFC 8446 §5.1, RFC 5246 §6.2): records are cut out of
 * each direction's bytes whatever the chunking (a record split over many segments or reads,
 * several records in one). Bytes the stream lacks (TCP gaps, strace -s / scap snaplen
 * truncation) are tracked: a record whose body is partly missing is kept with its visible
 * prefix (counter-mode ciphers still decrypt that prefix); a hole over a record header loses
 * sync, and the reader resynchronises on the next plausible pair of record headers.
 */
import { feedUnits, loseBytes, newUnitState, resetUnit, type UnitState } from '../streams/length-prefixed.ts';
import type { ByteStream, StreamChunk, StreamDir } from '../streams/byte-stream.ts';

export const CT_CHANGE_CIPHER_SPEC = 20;
export const CT_ALERT = 21;
export const CT_HANDSHAKE = 22;
export const CT_APPLICATION_DATA = 23;
export const CT_HEARTBEAT = 24;

/** RFC 8446 §5.2: a TLSCiphertext may carry up to 2^14 + 256 bytes; TLS 1.2 allowed + 2048. */
const MAX_RECORD = 16384 + 2048;

export interface TlsRecord {
  /** Arrival order over both directions. */
  index: number;
  dir: StreamDir;
  /** Outer content type and legacy version from the record header. */
  type: number;
  version: number;
  /** Body length from the header. */
  length: number;
  /** Body bytes as recorded: all of them when `complete`, else the prefix before the first hole. */
  body: Uint8Array;
  complete: boolean;
  /** Event that carried the header; event that carried the last byte. */
  event: number;
  lastEvent: number;
  time: number;
  /** Position of the header in the direction's byte sequence. */
  pos: number;
}

export interface RecordScan {
  records: TlsRecord[];
  notes: string[];
}

/** A plausible TLS record header at `b[i..i+5)`. */
export function plausibleHeader(b: Uint8Array, i: number): boolean {
  if (i + 5 > b.length) return false;
  const t = b[i];
  const len = (b[i + 3] << 8) | b[i + 4];
  return t >= 20 && t <= 24 && b[i + 1] === 3 && b[i + 2] <= 4 && len > 0 && len <= MAX_RECORD;
}

/** True when the stream's first bytes in either direction look like TLS. */
export function looksLikeTls(s: ByteStream): boolean {
  for (const dir of [0, 1] as const) {
    // The first 5 bytes of the direction, which a client may send in several segments.
    const head = new Uint8Array(5);
    let n = 0;
    let seq = -1;
    for (const x of s.chunks) {
      if (x.dir !== dir || x.bytes.length === 0) continue;
      if (seq < 0) seq = x.seq;
      else if (x.gap || x.seq !== seq + n) break;
      const take = Math.min(5 - n, x.bytes.length);
      head.set(x.bytes.subarray(0, take), n);
      n += take;
      if (n === 5) break;
    }
    if (n === 5 && plausibleHeader(head, 0) && (head[0] === CT_HANDSHAKE || seq > 0)) return true;
  }
  return false;
}

interface DirState extends UnitState {
  event: number;
  time: number;
  /** Stream position of the record being assembled. */
  pos: number;
}

function newDir(): DirState {
  return { ...newUnitState(5), event: 0, time: 0, pos: 0 };
}

/** Body length from a record header, or -1 when it is not a plausible TLS header. */
function recordBodyLength(h: Uint8Array): number {
  return plausibleHeader(h, 0) ? (h[3] << 8) | h[4] : -1;
}

/** Find a resync point: a plausible header followed by another one (or the chunk's end). */
function resyncAt(b: Uint8Array, from: number): number {
  for (let p = from; p + 5 <= b.length; p++) {
    if (!plausibleHeader(b, p)) continue;
    const next = p + 5 + ((b[p + 3] << 8) | b[p + 4]);
    if (next === b.length || next > b.length || plausibleHeader(b, next)) return p;
  }
  return -1;
}

/**
 * Where cutting a stream into records stands: each direction's record in progress and the
 * chunks read, so a stream that grew (a followed capture) is cut on from there, not again.
 */
export interface RecordScanner {
  st: [DirState, DirState];
  /** Records cut and not yet taken by the decoder (numbered from `base`). */
  records: TlsRecord[];
  base: number;
  /**
   * Per direction, every SOURCE_STEP-th chunk with bytes: its position (in the direction's byte
   * sequence, as records' `pos`) and number. A record's bytes are found by binary search, then
   * a walk of at most SOURCE_STEP chunks of its direction (sourceBytes): about 12 bytes per
   * 64 chunks, not a number per chunk.
   */
  starts: [number[], number[]];
  chunkAt: [number[], number[]];
  /** Chunks with bytes seen per direction. */
  seen: [number, number];
  notes: string[];
  /** Chunks of the source read, and the last one read (a longer stream must start with the same chunks). */
  chunks: number;
  last: { dir: StreamDir; seq: number; size: number; event: number } | undefined;
  /** The records still in progress at the end were emitted as cut: nothing may follow. */
  final: boolean;
}

export function createRecordScanner(notes: string[] = []): RecordScanner {
  return { st: [newDir(), newDir()], records: [], base: 0, starts: [[], []], chunkAt: [[], []], seen: [0, 0], notes, chunks: 0, last: undefined, final: false };
}

const dirName = (d: StreamDir): string => (d === 0 ? 'client→server' : 'server→client');

function emitRecord(sc: RecordScanner, d: DirState, dir: StreamDir, lastEvent: number): void {
  const h = d.hdr;
  const body = d.body ?? new Uint8Array(0);
  sc.records.push({
    index: sc.base + sc.records.length,
    dir,
    type: h[0],
    version: (h[1] << 8) | h[2],
    length: body.length,
    body: d.missing ? body.subarray(0, d.vis) : body,
    complete: !d.missing,
    event: d.event,
    lastEvent,
    time: d.time,
    pos: d.pos,
  });
  resetUnit(d);
}

function hole(sc: RecordScanner, d: DirState, dir: StreamDir, n: number, event: number): void {
  if (n <= 0) return;
  d.at += n;
  if (!d.synced) return;
  if (d.body === null && d.hdrN > 0) sc.notes.push(`${dirName(dir)}: record header at byte ${d.pos} cut by ${n} missing bytes (event ${event})`);
  loseBytes(d, n, () => emitRecord(sc, d, dir, event));
}

/** Whether `s` starts with the chunks the scanner has read (it is the same stream, grown). */
function continues(sc: RecordScanner, s: ByteStream): boolean {
  if (s.chunks.length < sc.chunks) return false;
  const l = sc.last;
  if (!l) return true;
  const c = s.chunks[sc.chunks - 1];
  return c.dir === l.dir && c.seq === l.seq && c.bytes.length === l.size && c.event === l.event;
}

/**
 * Cut the chunks of `s` after those already read into records (appended to `sc.records`).
 * With `final` the records still in progress are emitted as cut (the stream ends there);
 * without, they wait for more chunks. False (nothing read) when `s` is not the scanned stream
 * grown, or grew after a final scan: the caller starts again.
 */
export function scanMoreRecords(sc: RecordScanner, s: ByteStream, final: boolean): boolean {
  if (!continues(sc, s) || (sc.final && s.chunks.length > sc.chunks)) return false;
  const st = sc.st;
  for (let k = sc.chunks; k < s.chunks.length; k++) {
    const c = s.chunks[k];
    const dir = c.dir;
    const d = st[dir];
    const ev = c.lastEvent ?? c.event;
    if (c.gap) hole(sc, d, dir, c.gap, c.event);
    // A chunk that starts later than expected is a gap the stream builder did not mark.
    if (c.seq > d.at) hole(sc, d, dir, c.seq - d.at, c.event);
    const b = c.bytes;
    if (b.length > 0 && sc.seen[dir]++ % SOURCE_STEP === 0) {
      sc.starts[dir].push(d.at);
      sc.chunkAt[dir].push(k);
    }
    let i = 0;
    while (i < b.length) {
      if (!d.synced) {
        const p = resyncAt(b, i);
        if (p < 0) break;
        sc.notes.push(`${dirName(dir)}: resynchronised on a record header at byte ${d.at + p} (event ${c.event})`);
        i = p;
        d.synced = true;
        d.hdrN = 0;
      }
      const r = feedUnits(
        d,
        b,
        i,
        recordBodyLength,
        (p) => {
          d.event = c.event;
          d.time = c.time;
          d.pos = d.at + p;
        },
        () => emitRecord(sc, d, dir, ev),
      );
      if (r >= 0) break;
      i = -r - 1;
      sc.notes.push(`${dirName(dir)}: not a TLS record header at byte ${d.pos} (event ${d.event})`);
      d.hdrN = 0;
      d.synced = false;
    }
    d.at += b.length;
    if (c.truncated) hole(sc, d, dir, c.truncated, c.event);
  }
  sc.chunks = s.chunks.length;
  const lc = s.chunks[sc.chunks - 1];
  sc.last = lc ? { dir: lc.dir, seq: lc.seq, size: lc.bytes.length, event: lc.event } : undefined;
  if (final && !sc.final) {
    sc.final = true;
    for (const dir of [0, 1] as const) {
      const d = st[dir];
      if (d.body !== null) {
        sc.notes.push(`${dirName(dir)}: last record (byte ${d.pos}, event ${d.event}) ends after the capture: ${d.body.length - d.bodyN} bytes missing`);
        d.missing = true;
        emitRecord(sc, d, dir, d.event);
      }
    }
  }
  return true;
}

/** Chunks of a direction between two entries of the scanner's source index. */
const SOURCE_STEP = 64;

/**
 * Where byte `pos` of direction `dir` is: the chunk holding it (its number) and the offset in
 * it, or undefined. Positions advance over the chunks as the scanner advanced them (gaps, a
 * later start, truncated bytes), from the nearest index entry before `pos`.
 */
function locate(sc: RecordScanner, s: ByteStream, dir: StreamDir, pos: number): { k: number; off: number; at: number } | undefined {
  const starts = sc.starts[dir];
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] <= pos) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return undefined;
  let k = sc.chunkAt[dir][lo - 1];
  let at = starts[lo - 1];
  for (;;) {
    const c = s.chunks[k];
    sourceWork.chunks++;
    if (pos < at + c.bytes.length) return pos >= at ? { k, off: pos - at, at } : undefined;
    at += c.bytes.length + (c.truncated ?? 0);
    // The next chunk of this direction, its position moved as the scanner moves it.
    do k++;
    while (k < s.chunks.length && (s.chunks[k].dir !== dir || (advance(s.chunks[k]), s.chunks[k].bytes.length === 0)));
    if (k >= s.chunks.length) return undefined;
  }
  function advance(c: StreamChunk): void {
    if (c.gap) at += c.gap;
    if (c.seq > at) at = c.seq;
    if (c.bytes.length === 0) at += c.truncated ?? 0;
  }
}

/**
 * `n` bytes of direction `dir` from position `pos` of the stream the scanner read (`s`): a view
 * when they lie in one chunk, else a copy; undefined when the stream lacks some of them. Only
 * the chunks from the index entry before `pos` to the record's end are read.
 */
export function sourceBytes(sc: RecordScanner, s: ByteStream, dir: StreamDir, pos: number, n: number): Uint8Array | undefined {
  const where = locate(sc, s, dir, pos);
  if (!where) return undefined;
  const first = s.chunks[where.k].bytes;
  if (where.off + n <= first.length) return first.subarray(where.off, where.off + n);
  const out = new Uint8Array(n);
  let o = 0;
  while (o < n) {
    const w = locate(sc, s, dir, pos + o);
    if (!w) return undefined;
    const b = s.chunks[w.k].bytes;
    const take = Math.min(n - o, b.length - w.off);
    out.set(b.subarray(w.off, w.off + take), o);
    o += take;
  }
  return out;
}

/** Source chunks stepped over by sourceBytes (tests: reading one record reads a few chunks, not the stream). */
export const sourceWork = { chunks: 0 };

/** The chunk of direction `dir` holding byte `pos` (its number in the stream), or -1. */
export function sourceChunkAt(sc: RecordScanner, s: ByteStream, dir: StreamDir, pos: number): number {
  return locate(sc, s, dir, pos)?.k ?? -1;
}

/** Cut a ByteStream into TLS records (both directions, in arrival order). Never throws. */
export function scanRecords(s: ByteStream): RecordScan {
  const sc = createRecordScanner();
  scanMoreRecords(sc, s, true);
  return { records: sc.records, notes: sc.notes };
}
