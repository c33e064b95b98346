/**
 * The decrypted-record cache drops the least recently read past its budget, and each eviction
 * costs O(1) amortized: counted as queue entries passed, which stay within a small multiple of
 * the keeps and reads however many records pass through (iterating a Map from its start after
 * many deletes made every keep cost the cache's size).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { engineLimits, setEngineLimits, tlsRecordCacheBudget } from '../../electron/engine/limits.ts';
import { cachedPlaintext, clearRecordCache, forgetPlaintexts, keepPlaintext, recordCacheBytes, recordCacheWork } from '../../electron/engine/tls/record-cache.ts';

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
    for (let i = 0; i < fits; i++) keepPlaintext(1, i, new Uint8Array(size));
    // Record 0 read again: the next evictions take 1, 2, … first.
    expect(cachedPlaintext(1, 0)).toBeDefined();
    for (let i = fits; i < fits + 10; i++) keepPlaintext(1, i, new Uint8Array(size));
    expect(recordCacheBytes()).toBeLessThanOrEqual(budget);
    expect(cachedPlaintext(1, 0)).toBeDefined();
    expect(cachedPlaintext(1, 1)).toBeUndefined();
    expect(cachedPlaintext(1, fits + 9)).toBeDefined();
    forgetPlaintexts(1, 0, 1);
    expect(cachedPlaintext(1, 0)).toBeUndefined();
  });

  it('passes each queue entry a bounded number of times', () => {
    setEngineLimits({ maxMemoryMb: 64 });
    clearRecordCache();
    const n = 400_000;
    recordCacheWork.passed = 0;
    for (let i = 0; i < n; i++) {
      keepPlaintext(2, i, new Uint8Array(100));
      // Some reads of recent records, as a details pane or a follow page makes.
      if (i % 7 === 0 && i > 10) cachedPlaintext(2, i - 10);
    }
    expect(recordCacheBytes()).toBeLessThanOrEqual(tlsRecordCacheBudget());
    expect(recordCacheWork.passed).toBeLessThan(3 * n);
  });

  it('forgetting a stream passes only what it made stale (streams dropped one by one, as a filter drops them)', () => {
    // Shape e's filter: many streams decrypted in turn, each dropped from the stream cache while
    // the record cache holds the others. Compacting the whole queue on every forget passed
    // about 49 entries a record there (31.6 M for 646 k records at 1 M packets).
    setEngineLimits({ maxMemoryMb: 64 });
    clearRecordCache();
    recordCacheWork.passed = 0;
    const streams = 300;
    const records = 2000;
    for (let d = 0; d < streams; d++) {
      for (let i = 0; i < records; i++) keepPlaintext(100 + d, i, new Uint8Array(100));
      // 16 streams live at a time: the one from 16 streams back is dropped.
      if (d >= 16) forgetPlaintexts(100 + d - 16, 0, records);
    }
    expect(recordCacheBytes()).toBeLessThanOrEqual(tlsRecordCacheBudget());
    expect(recordCacheWork.passed).toBeLessThan(4 * streams * records);
  });

});
