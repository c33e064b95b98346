/**
 * Decrypted application data of TLS records, least recently read dropped past a byte budget
 * (limits.ts, tlsRecordCacheBudget): a record's plaintext is not held by its stream but
 * decrypted again from its ciphertext, key and sequence number when read after it was dropped
 * (session.ts, recordPlaintext). Keyed by the stream's decoding (a number) and the record's
 * number, passed as two arguments, so no object stands for a record while it is not held and
 * none is made per read. Two small integers, not one
 * number: decoding × 2^32 + record is a heap number, and a Map of a million of those spent 9
 * of 33 CPU s of a TLS filter in lookups (shape e, 1 M packets).
 */
import { tlsRecordCacheBudget } from '../limits.ts';

/** One held plaintext and the stamp of its last read (its current queue entry). */
interface Held {
  p: Uint8Array;
  stamp: number;
}

/** Per decoding, its records' held plaintexts; `size` counts them all. */
const cache = new Map<number, Map<number, Held>>();
let size = 0;
let held = 0;
/** The decoding looked up last: queue entries and reads come in runs of one decoding. */
let lastId = -1;
let lastMap: Map<number, Held> | undefined;

function recordsOf(decoding: number): Map<number, Held> | undefined {
  if (decoding !== lastId) {
    lastId = decoding;
    lastMap = cache.get(decoding);
  }
  return lastMap;
}

function dropDecoding(decoding: number): void {
  cache.delete(decoding);
  if (decoding === lastId) {
    lastId = -1;
    lastMap = undefined;
  }
}

function drop(decoding: number, record: number): void {
  const m = recordsOf(decoding);
  const h = m?.get(record);
  if (!m || !h) return;
  m.delete(record);
  if (m.size === 0) dropDecoding(decoding);
  held -= h.p.length;
  size--;
}
/**
 * Least recently read first: each key with the stamp it had when queued (a read or keep queues it
 * again; older queue entries of it are stale and skipped). Evicting from a queue's head passes
 * each entry once; a Map iterated from its start after many deletes steps over every deleted
 * slot again until the table is rebuilt, O(cache size) per record: 59 of 84 CPU s of a TLS
 * filter over a 1 M-packet keep-alive capture. The queue is three typed columns, not an object
 * per read: those objects were 6 of 30 CPU s of garbage collection on the same filter.
 */
const Q0 = 1024;
let qDec = new Int32Array(Q0);
let qRec = new Int32Array(Q0);
let qStamp = new Float64Array(Q0);
let head = 0;
let tail = 0;
let clock = 0;

/** Queue entries passed while evicting and compacting (tests: bounded by the keeps and reads). */
export const recordCacheWork = { passed: 0 };

function touch(decoding: number, record: number, h: Held): void {
  h.stamp = ++clock;
  if (tail === qDec.length) {
    // Full: stale entries go first; the columns double only when most entries are current.
    compact();
    if (tail * 2 > qDec.length) resizeQueue(2 * qDec.length);
  }
  qDec[tail] = decoding;
  qRec[tail] = record;
  qStamp[tail] = h.stamp;
  tail++;
}

/** The queue's columns at `cap` entries, its entries [0, tail) kept (tail ≤ cap). */
function resizeQueue(cap: number): void {
  const d = new Int32Array(cap);
  const r = new Int32Array(cap);
  const st = new Float64Array(cap);
  d.set(qDec.subarray(0, tail));
  r.set(qRec.subarray(0, tail));
  st.set(qStamp.subarray(0, tail));
  qDec = d;
  qRec = r;
  qStamp = st;
}

const current = (q: number): boolean => recordsOf(qDec[q])?.get(qRec[q])?.stamp === qStamp[q];

/** Drop queue entries no longer current, in place (keeps the queue within a multiple of the cache). */
function compact(): void {
  recordCacheWork.passed += tail - head;
  let w = 0;
  for (let q = head; q < tail; q++) {
    if (!current(q)) continue;
    qDec[w] = qDec[q];
    qRec[w] = qRec[q];
    qStamp[w] = qStamp[q];
    w++;
  }
  head = 0;
  tail = w;
  // Fewer held than the columns were grown for (streams forgotten): they shrink with them.
  if (qDec.length > Q0 && tail * 8 < qDec.length) resizeQueue(Math.max(Q0, 2 * tail));
}

/** Stale entries past a multiple of the records held: compacting then costs at most what made them stale. */
function compactIfStale(): void {
  if (tail - head > 4 * size + 64) compact();
}

/** Bytes the cache holds now (tests). */
export function recordCacheBytes(): number {
  return held;
}

/** Forget every record (tests; a profile change). */
export function clearRecordCache(): void {
  cache.clear();
  lastId = -1;
  lastMap = undefined;
  size = 0;
  head = 0;
  tail = 0;
  held = 0;
  resizeQueue(Q0);
}

/** The plaintext kept for record `record` of decoding `decoding`, made the most recently read; undefined when not held. */
export function cachedPlaintext(decoding: number, record: number): Uint8Array | undefined {
  const h = recordsOf(decoding)?.get(record);
  if (h === undefined) return undefined;
  touch(decoding, record, h);
  compactIfStale();
  return h.p;
}

/** Forget the plaintexts of records [from, to) of decoding `decoding` (a stream dropped or decoded again). */
export function forgetPlaintexts(decoding: number, from: number, to: number): void {
  const m = recordsOf(decoding);
  if (!m) return;
  for (const [i, h] of m) {
    if (i < from || i >= to) continue;
    held -= h.p.length;
    size--;
    m.delete(i);
  }
  if (m.size === 0) dropDecoding(decoding);
  // Their queue entries are now stale: skipped when reached, compacted only once they outnumber
  // the records held (compacting on every forget passed the whole queue per stream dropped:
  // 5 of 28 CPU s of a TLS filter on shape e at 1 M packets).
  compactIfStale();
}

/** Keep `p` as the plaintext of record `record` of decoding `decoding`; drop the least recently read past the budget. */
export function keepPlaintext(decoding: number, record: number, p: Uint8Array): void {
  drop(decoding, record);
  const h: Held = { p, stamp: 0 };
  let m = recordsOf(decoding);
  if (!m) {
    m = new Map();
    cache.set(decoding, m);
    lastId = decoding;
    lastMap = m;
  }
  m.set(record, h);
  size++;
  touch(decoding, record, h);
  held += p.length;
  const budget = tlsRecordCacheBudget();
  while (held > budget && head < tail) {
    const q = head;
    recordCacheWork.passed++;
    if (!current(q)) {
      head++;
      continue;
    }
    // Only the record just kept is left: it stays (a record larger than the budget alone).
    if (qDec[q] === decoding && qRec[q] === record) break;
    head++;
    drop(qDec[q], qRec[q]);
  }
  if (head > 1024 && head * 2 > tail) compact();
}
