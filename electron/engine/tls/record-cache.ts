/**
 * Decrypted application data of TLS records, least recently read dropped past a byte budget
 * (limits.ts, tlsRecordCacheBudget): a record's plaintext is not held by its stream but
 * decrypted again from its ciphertext, key and sequence number when read after it was dropped
 * (session.ts, recordPlaintext). Keyed by the stream's decoding (a number) and the record's
 * number, so no object stands for a record while it is not held. Two small integers, not one
 * number: decoding × 2^32 + record is a heap number, and a Map of a million of those spent 9
 * of 33 CPU s of a TLS filter in lookups (shape e, 1 M packets).
 */
import { tlsRecordCacheBudget } from '../limits.ts';

/** A record's key: its decoding's number and the record's number. */
export interface RecordCacheKey {
  decoding: number;
  record: number;
}

export const recordCacheKey = (decoding: number, record: number): RecordCacheKey => ({ decoding, record });

/** One held plaintext and the stamp of its last read (its current queue entry). */
interface Held {
  p: Uint8Array;
  stamp: number;
}

/** Per decoding, its records' held plaintexts; `size` counts them all. */
const cache = new Map<number, Map<number, Held>>();
let size = 0;
let held = 0;

const lookup = (decoding: number, record: number): Held | undefined => cache.get(decoding)?.get(record);

function drop(decoding: number, record: number): void {
  const m = cache.get(decoding);
  const h = m?.get(record);
  if (!m || !h) return;
  m.delete(record);
  if (m.size === 0) cache.delete(decoding);
  held -= h.p.length;
  size--;
}
/**
 * Least recently read first: each key with the stamp it had when queued (a read or keep queues it
 * again; older queue entries of it are stale and skipped). Evicting from a queue's head passes
 * each entry once; a Map iterated from its start after many deletes steps over every deleted
 * slot again until the table is rebuilt, O(cache size) per record: 59 of 84 CPU s of a TLS
 * filter over a 1 M-packet keep-alive capture.
 */
interface Queued {
  decoding: number;
  record: number;
  stamp: number;
}
let queue: Queued[] = [];
let head = 0;
let clock = 0;

/** Queue entries passed while evicting and compacting (tests: bounded by the keeps and reads). */
export const recordCacheWork = { passed: 0 };

function touch(k: RecordCacheKey, h: Held): void {
  h.stamp = ++clock;
  queue.push({ decoding: k.decoding, record: k.record, stamp: h.stamp });
}

const current = (q: Queued): boolean => lookup(q.decoding, q.record)?.stamp === q.stamp;

/** Drop queue entries no longer current (keeps the queue within a multiple of the cache). */
function compact(): void {
  recordCacheWork.passed += queue.length - head;
  queue = queue.slice(head).filter(current);
  head = 0;
}

/** Bytes the cache holds now (tests). */
export function recordCacheBytes(): number {
  return held;
}

/** Forget every record (tests; a profile change). */
export function clearRecordCache(): void {
  cache.clear();
  size = 0;
  queue = [];
  head = 0;
  held = 0;
}

/** The plaintext kept for `key`, made the most recently read; undefined when not held. */
export function cachedPlaintext(key: RecordCacheKey): Uint8Array | undefined {
  const h = lookup(key.decoding, key.record);
  if (h === undefined) return undefined;
  touch(key, h);
  if (queue.length - head > 4 * size + 64) compact();
  return h.p;
}

/** Forget the plaintexts of records [from, to) of decoding `decoding` (a stream dropped or decoded again). */
export function forgetPlaintexts(decoding: number, from: number, to: number): void {
  const m = cache.get(decoding);
  if (!m) return;
  for (const [i, h] of m) {
    if (i < from || i >= to) continue;
    held -= h.p.length;
    size--;
    m.delete(i);
  }
  if (m.size === 0) cache.delete(decoding);
  compact();
}

/** Keep `p` as `key`'s plaintext; drop the least recently read past the budget. */
export function keepPlaintext(key: RecordCacheKey, p: Uint8Array): void {
  drop(key.decoding, key.record);
  const h: Held = { p, stamp: 0 };
  let m = cache.get(key.decoding);
  if (!m) {
    m = new Map();
    cache.set(key.decoding, m);
  }
  m.set(key.record, h);
  size++;
  touch(key, h);
  held += p.length;
  const budget = tlsRecordCacheBudget();
  while (held > budget && head < queue.length) {
    const q = queue[head];
    recordCacheWork.passed++;
    if (!current(q)) {
      head++;
      continue;
    }
    // Only the record just kept is left: it stays (a record larger than the budget alone).
    if (q.decoding === key.decoding && q.record === key.record) break;
    head++;
    drop(q.decoding, q.record);
  }
  if (head > 1024 && head * 2 > queue.length) compact();
}
