/**
 * Decrypted application data of TLS records, least recently read dropped past a byte budget
 * (limits.ts, tlsRecordCacheBudget): a record's plaintext is not held by its stream but
 * decrypted again from its ciphertext, key and sequence number when read after it was dropped
 * (session.ts, recordPlaintext). Keyed by the record's summary object, so a dropped stream's
 * records leave with it once they fall out of here.
 */
import { tlsRecordCacheBudget } from '../limits.ts';

const cache = new Map<object, Uint8Array>();
let held = 0;
/**
 * Least recently read first: each key with the stamp it had when queued (a read or keep queues it
 * again; older queue entries of it are stale and skipped). Evicting from a queue's head passes
 * each entry once; a Map iterated from its start after many deletes steps over every deleted
 * slot again until the table is rebuilt, O(cache size) per record: 59 of 84 CPU s of a TLS
 * filter over a 1 M-packet keep-alive capture.
 */
let queue: { key: object; stamp: number }[] = [];
let head = 0;
const stamps = new Map<object, number>();
let clock = 0;

/** Queue entries passed while evicting and compacting (tests: bounded by the keeps and reads). */
export const recordCacheWork = { passed: 0 };

function touch(key: object): void {
  const stamp = ++clock;
  stamps.set(key, stamp);
  queue.push({ key, stamp });
}

/** Drop queue entries no longer current (keeps forgotten records from being held by the queue). */
function compact(): void {
  recordCacheWork.passed += queue.length - head;
  queue = queue.slice(head).filter((q) => stamps.get(q.key) === q.stamp);
  head = 0;
}

/** Bytes the cache holds now (tests). */
export function recordCacheBytes(): number {
  return held;
}

/** Forget every record (tests; a profile change). */
export function clearRecordCache(): void {
  cache.clear();
  stamps.clear();
  queue = [];
  head = 0;
  held = 0;
}

/** The plaintext kept for `key`, made the most recently read; undefined when not held. */
export function cachedPlaintext(key: object): Uint8Array | undefined {
  const p = cache.get(key);
  if (p === undefined) return undefined;
  touch(key);
  if (queue.length - head > 4 * cache.size + 64) compact();
  return p;
}

/**
 * Forget the plaintexts of `keys` (a stream dropped from the decrypted-stream cache): a kept
 * record would keep its summary, and through its ciphertext the whole source stream, alive.
 */
export function forgetPlaintexts(keys: Iterable<object>): void {
  let n = 0;
  for (const k of keys) {
    const p = cache.get(k);
    if (p === undefined) continue;
    held -= p.length;
    cache.delete(k);
    stamps.delete(k);
    n++;
  }
  if (n > 0) compact();
}

/** Keep `p` as `key`'s plaintext; drop the least recently read past the budget. */
export function keepPlaintext(key: object, p: Uint8Array): void {
  const old = cache.get(key);
  if (old !== undefined) held -= old.length;
  cache.set(key, p);
  touch(key);
  held += p.length;
  const budget = tlsRecordCacheBudget();
  while (held > budget && head < queue.length) {
    const q = queue[head];
    recordCacheWork.passed++;
    if (stamps.get(q.key) !== q.stamp) {
      head++;
      continue;
    }
    // Only the record just kept is left: it stays (a record larger than the budget alone).
    if (q.key === key) break;
    head++;
    const v = cache.get(q.key);
    cache.delete(q.key);
    stamps.delete(q.key);
    if (v !== undefined) held -= v.length;
  }
  if (head > 1024 && head * 2 > queue.length) compact();
}
