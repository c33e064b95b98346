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

/** Bytes the cache holds now (tests). */
export function recordCacheBytes(): number {
  return held;
}

/** Forget every record (tests; a profile change). */
export function clearRecordCache(): void {
  cache.clear();
  held = 0;
}

/** The plaintext kept for `key`, made the most recently read; undefined when not held. */
export function cachedPlaintext(key: object): Uint8Array | undefined {
  const p = cache.get(key);
  if (p === undefined) return undefined;
  cache.delete(key);
  cache.set(key, p);
  return p;
}

/**
 * Forget the plaintexts of `keys` (a stream dropped from the decrypted-stream cache): a kept
 * record would keep its summary, and through its ciphertext the whole source stream, alive.
 */
export function forgetPlaintexts(keys: Iterable<object>): void {
  for (const k of keys) {
    const p = cache.get(k);
    if (p === undefined) continue;
    held -= p.length;
    cache.delete(k);
  }
}

/** Keep `p` as `key`'s plaintext; drop the least recently read past the budget. */
export function keepPlaintext(key: object, p: Uint8Array): void {
  const old = cache.get(key);
  if (old !== undefined) {
    held -= old.length;
    cache.delete(key);
  }
  cache.set(key, p);
  held += p.length;
  const budget = tlsRecordCacheBudget();
  for (const [k, v] of cache) {
    if (held <= budget || k === key) break;
    cache.delete(k);
    held -= v.length;
  }
}
