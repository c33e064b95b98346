/**
 * Decrypted application data of TLS records, least recently read dropped past a byte budget
 * (limits.ts, tlsRecordCacheBudget): a record's plaintext is not held by its stream but
 * decrypted again from its ciphertext, key and sequence number when read after it was dropped
 * (session.ts, recordPlaintext). Keyed by a number per record (`recordCacheKey`: the stream's
 * decoding and the record's number), so no object stands for a record while it is not held.
 */
import { tlsRecordCacheBudget } from '../limits.ts';

/** A record's key: its decoding's number times 2^32 plus the record number (exact below 2^53). */
export const recordCacheKey = (decoding: number, record: number): number => decoding * 4294967296 + record;

/** One held plaintext and the stamp of its last read (its current queue entry). */
interface Held {
  p: Uint8Array;
  stamp: number;
}

const cache = new Map<number, Held>();
let held = 0;
/**
 * Least recently read first: each key with the stamp it had when queued (a read or keep queues it
 * again; older queue entries of it are stale and skipped). Evicting from a queue's head passes
 * each entry once; a Map iterated from its start after many deletes steps over every deleted
 * slot again until the table is rebuilt, O(cache size) per record: 59 of 84 CPU s of a TLS
 * filter over a 1 M-packet keep-alive capture.
 */
let queue: { key: number; stamp: number }[] = [];
let head = 0;
let clock = 0;

/** Queue entries passed while evicting and compacting (tests: bounded by the keeps and reads). */
export const recordCacheWork = { passed: 0 };

function touch(key: number, h: Held): void {
  h.stamp = ++clock;
  queue.push({ key, stamp: h.stamp });
}

const current = (q: { key: number; stamp: number }): boolean => cache.get(q.key)?.stamp === q.stamp;

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
  queue = [];
  head = 0;
  held = 0;
}

/** The plaintext kept for `key`, made the most recently read; undefined when not held. */
export function cachedPlaintext(key: number): Uint8Array | undefined {
  const h = cache.get(key);
  if (h === undefined) return undefined;
  touch(key, h);
  if (queue.length - head > 4 * cache.size + 64) compact();
  return h.p;
}

/** Forget the plaintexts of records [from, to) of decoding `decoding` (a stream dropped or decoded again). */
export function forgetPlaintexts(decoding: number, from: number, to: number): void {
  let n = 0;
  for (let i = from; i < to && cache.size > 0; i++) {
    const key = recordCacheKey(decoding, i);
    const h = cache.get(key);
    if (h === undefined) continue;
    held -= h.p.length;
    cache.delete(key);
    n++;
  }
  if (n > 0) compact();
}

/** Keep `p` as `key`'s plaintext; drop the least recently read past the budget. */
export function keepPlaintext(key: number, p: Uint8Array): void {
  const old = cache.get(key);
  if (old !== undefined) held -= old.p.length;
  const h: Held = { p, stamp: 0 };
  cache.set(key, h);
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
    if (q.key === key) break;
    head++;
    const v = cache.get(q.key);
    cache.delete(q.key);
    if (v !== undefined) held -= v.p.length;
  }
  if (head > 1024 && head * 2 > queue.length) compact();
}
