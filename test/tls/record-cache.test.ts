/**
 * The decrypted-record cache drops the least recently read past its budget, and each eviction
 * costs O(1) amortized: counted as queue entries passed, which stay within a small multiple of
 * the keeps and reads however many records pass through (iterating a Map from its start after
 * many deletes made every keep cost the cache's size).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { engineLimits, setEngineLimits, tlsRecordCacheBudget } from '../../electron/engine/limits.ts';
import { cachedPlaintext, clearRecordCache, forgetPlaintexts, keepPlaintext, recordCacheBytes, recordCacheKey, recordCacheWork, type RecordCacheKey } from '../../electron/engine/tls/record-cache.ts';

const saved = { ...engineLimits() };
afterEach(() => {
  setEngineLimits(saved);
  clearRecordCache();
});

describe('record cache', () => {
  it('evicts least recently read first, within the budget', () => {
    setEngineLimits({ maxMemoryMb: 64 });
    clearRecordCache();
    const budget = tlsRecordCacheBudget();
    const size = 4096;
    const fits = Math.floor(budget / size);
    const keys = Array.from({ length: fits + 10 }, (_, i) => recordCacheKey(1, i));
    for (let i = 0; i < fits; i++) keepPlaintext(keys[i], new Uint8Array(size));
    // Record 0 read again: the next evictions take 1, 2, … first.
    expect(cachedPlaintext(keys[0])).toBeDefined();
    for (let i = fits; i < fits + 10; i++) keepPlaintext(keys[i], new Uint8Array(size));
    expect(recordCacheBytes()).toBeLessThanOrEqual(budget);
    expect(cachedPlaintext(keys[0])).toBeDefined();
    expect(cachedPlaintext(keys[1])).toBeUndefined();
    expect(cachedPlaintext(keys[fits + 9])).toBeDefined();
    forgetPlaintexts(1, 0, 1);
    expect(cachedPlaintext(keys[0])).toBeUndefined();
  });

  it('passes each queue entry a bounded number of times', () => {
    setEngineLimits({ maxMemoryMb: 64 });
    clearRecordCache();
    const n = 400_000;
    const keys: RecordCacheKey[] = [];
    recordCacheWork.passed = 0;
    for (let i = 0; i < n; i++) {
      const k = recordCacheKey(2, i);
      keys.push(k);
      keepPlaintext(k, new Uint8Array(100));
      // Some reads of recent records, as a details pane or a follow page makes.
      if (i % 7 === 0 && i > 10) cachedPlaintext(keys[i - 10]);
    }
    expect(recordCacheBytes()).toBeLessThanOrEqual(tlsRecordCacheBudget());
    expect(recordCacheWork.passed).toBeLessThan(3 * n);
  });
});
