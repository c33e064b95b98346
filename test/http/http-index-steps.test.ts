/**
 * Finishing the HTTP column index never holds the engine in one step: rows recorded out of
 * their start order (reordered segments) and messages completed out of end order are sorted by
 * radix in slices, the columns are trimmed in slices, and the columns grow in place while the
 * scan writes them. Counted in work units per step, not timed.
 */
import { describe, expect, it } from 'vitest';
import type { HttpMessage } from '../../electron/engine/http/exchange.ts';
import {
  addRow, createHttpIndex, endEventOf, FINISH_STEP, finishHttpIndex, finishHttpIndexSteps, firstEndAt, radixSortSteps, recordMessage, type HttpIndex,
} from '../../electron/engine/layers/http-index.ts';

function message(kind: 'request' | 'response', start: number, end: number, uri: string): HttpMessage {
  return {
    kind, startEvent: start, headEvent: start, endEvent: end, startTime: start, headTime: start, endTime: end, version: 'HTTP/1.1', method: kind === 'request' ? 'GET' : '', uri,
    status: kind === 'response' ? 200 : null, phrase: kind === 'response' ? 'OK' : '', headers: [], headBytes: 20, bodyBytes: 0, decodedBytes: 0, missing: 0,
    headTruncated: false, incomplete: false, contentType: '', contentEncoding: '', contentLength: null, chunked: false, pos: 0,
  };
}

/** A deterministic permutation of 0..n-1 (a linear congruential shuffle). */
function shuffled(n: number, seed: number): number[] {
  const a = Array.from({ length: n }, (_, k) => k);
  let x = seed;
  for (let k = n - 1; k > 0; k--) {
    x = (x * 1103515245 + 12345) >>> 0;
    const j = x % (k + 1);
    [a[k], a[j]] = [a[j], a[k]];
  }
  return a;
}

/**
 * An index of `n` exchanges whose rows are recorded in a shuffled order of their start events
 * (so finishing must sort them) and whose responses end in a shuffled order too.
 */
function shuffledIndex(n: number): HttpIndex {
  const ix = createHttpIndex();
  const starts = shuffled(n, 7);
  const ends = shuffled(n, 11);
  for (let k = 0; k < n; k++) {
    const start = 1 + 2 * starts[k];
    const r = addRow(ix, `tcp:${k % 16}`, k >> 4);
    recordMessage(ix, r, message('request', start, start, `/x/${starts[k] % 50}`), (e) => e);
    const end = 2 * n + 1 + ends[k];
    recordMessage(ix, r, message('response', start + 1, end, ''), (e) => e);
  }
  return ix;
}

describe('finishing the HTTP index in bounded steps', () => {
  it('radix sort is stable and agrees with a comparator sort, also with keys ≥ 2^16', () => {
    const n = 200_000;
    const keys = Uint32Array.from(shuffled(n, 3), (v) => (v * 40_503) % 3_000_000);
    const items = Uint32Array.from({ length: n }, (_, k) => k);
    const work = { units: 0 };
    let max = 0;
    const g = radixSortSteps(items.slice(), (k) => keys[k], work);
    let r = g.next();
    for (; !r.done; r = g.next()) {
      max = Math.max(max, work.units);
      work.units = 0;
    }
    max = Math.max(max, work.units);
    const want = Array.from(items).sort((a, b) => keys[a] - keys[b] || a - b);
    expect(Array.from(r.value)).toEqual(want);
    expect(max).toBeLessThanOrEqual(FINISH_STEP);
  });

  it('300 k rows recorded out of order: every step ≤ FINISH_STEP units, rows in start order, lookup in end order', () => {
    const n = 300_000;
    const ix = shuffledIndex(n);
    const work = { units: 0 };
    let max = 0;
    let steps = 0;
    for (const _ of finishHttpIndexSteps(ix, work)) {
      max = Math.max(max, work.units);
      work.units = 0;
      steps++;
    }
    max = Math.max(max, work.units);
    // The whole finish is linear work: about 30 passes over the rows, each cut into steps.
    expect(max).toBeLessThanOrEqual(FINISH_STEP);
    expect(steps).toBeGreaterThan(n / FINISH_STEP);
    expect(ix.stream.length).toBe(n);
    let unordered = 0;
    for (let r = 1; r < n; r++) if (ix.reqStart[r] <= ix.reqStart[r - 1]) unordered++;
    expect(unordered).toBe(0);
    // Rows moved with all their columns: the response of row r started right after its request.
    for (let r = 0; r < n; r += 997) expect(ix.respStart[r]).toBe(ix.reqStart[r] + 1);
    expect(ix.endRefs.length).toBe(2 * n);
    for (let j = 1; j < ix.endRefs.length; j++) if (endEventOf(ix, ix.endRefs[j]) < endEventOf(ix, ix.endRefs[j - 1])) unordered++;
    expect(unordered).toBe(0);
    const probe = ix.respEnd[1234];
    expect(firstEndAt(ix, probe)).toBeGreaterThanOrEqual(0);
  });

  it('the same answer as before the slicing: equals a comparator sort of the same rows', () => {
    const n = 5000;
    const a = shuffledIndex(n);
    const before = Array.from({ length: n }, (_, r) => [a.reqStart[r], a.respEnd[r], a.uri[r], a.stream[r], a.exIndex[r]]);
    finishHttpIndex(a);
    before.sort((x, y) => x[0] - y[0]);
    expect(Array.from({ length: n }, (_, r) => [a.reqStart[r], a.respEnd[r], a.uri[r], a.stream[r], a.exIndex[r]])).toEqual(before);
  });

  it('columns grow in place while rows are added (no copy of the columns when they double)', () => {
    const ix = createHttpIndex(1024);
    const col = ix.reqStart;
    for (let k = 0; k < 100_000; k++) addRow(ix, 'tcp:0', k);
    // The same typed array, over a buffer that grew: earlier views stay valid, nothing was copied.
    expect(ix.reqStart).toBe(col);
    expect(ix.reqStart.length).toBeGreaterThanOrEqual(100_000);
  });
});
