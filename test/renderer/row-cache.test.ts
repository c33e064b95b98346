/** The row cache keeps pages of one view generation: a page of an older view is dropped and asked for again. */
import { describe, expect, it } from 'vitest';
import type { RowsPage } from '../../shared/rpc.ts';
import { PAGE_ROWS, createRowCache } from '../../renderer/table/row-cache.ts';

function page(start: number, count: number, generation: number): RowsPage {
  const n = Math.max(0, count);
  return {
    start, generation, events: Uint32Array.from({ length: n }, (_, i) => start + i + 1), cells: {}, strings: [],
    times: new Float64Array(n), prevTimes: new Float64Array(n), timesNs: new BigInt64Array(n), prevTimesNs: new BigInt64Array(n), flags: new Uint8Array(n),
  };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('row cache and view generations', () => {
  it('drops a page of an older generation that arrives late, and asks for it again', async () => {
    const asked: number[] = [];
    const answer: ((generation: number) => void)[] = [];
    const cache = createRowCache((start, count) => {
      asked.push(start);
      return new Promise((resolve) => answer.push((g) => resolve(page(start, count, g))));
    });
    cache.ensure(0, 10, 1000);
    expect(asked).toEqual([0, PAGE_ROWS]);
    // Page 0 comes back from the view after a sort (generation 2); page 1 from the view before it.
    answer[0](2);
    await settle();
    answer[1](1);
    await settle();
    expect(cache.page(0)?.generation).toBe(2);
    expect(cache.page(PAGE_ROWS)).toBeUndefined();
    expect(asked).toEqual([0, PAGE_ROWS, PAGE_ROWS]);
    answer[2](2);
    await settle();
    expect(cache.page(PAGE_ROWS)?.generation).toBe(2);
  });

  it('firstRows: the first fetch asks for a screenful, its page then comes whole; later fetches are whole pages', async () => {
    const asked: [number, number][] = [];
    const cache = createRowCache(async (start, count) => {
      asked.push([start, count]);
      return page(start, Math.min(count, 1000 - start), 1);
    }, undefined, { firstRows: 46.5 });
    cache.ensure(0, 40, 1000);
    expect(asked).toEqual([[0, 47], [PAGE_ROWS, PAGE_ROWS]]);
    await settle();
    // The short first page is on screen, and asked for again whole.
    expect(asked[2]).toEqual([0, PAGE_ROWS]);
    await settle();
    expect(cache.page(0)?.events.length).toBe(PAGE_ROWS);
    cache.clear();
    asked.length = 0;
    cache.ensure(0, 40, 1000);
    expect(asked).toEqual([[0, PAGE_ROWS], [PAGE_ROWS, PAGE_ROWS]]);
  });

  it('seed: a page sent unasked stands for the first fetch; the next fetch of it asks for the whole page', async () => {
    const asked: [number, number][] = [];
    const cache = createRowCache(async (start, count) => {
      asked.push([start, count]);
      return page(start, Math.min(count, 1000 - start), 3);
    }, undefined, { firstRows: 40 });
    expect(cache.seed(page(PAGE_ROWS + 1, 10, 3))).toBe(false); // not the start of a page
    expect(cache.seed(page(0, 40, 3))).toBe(true);
    expect(cache.page(39)?.events[39]).toBe(40);
    expect(cache.seed(page(0, 40, 3))).toBe(false); // the cache has pages
    cache.ensure(0, 40, 1000);
    expect(asked).toEqual([[0, PAGE_ROWS], [PAGE_ROWS, PAGE_ROWS]]);
  });

  it('a newer generation clears pages of the older one even without clear()', async () => {
    let gen = 5;
    const cache = createRowCache(async (start, count) => page(start, count, gen));
    cache.ensure(0, 10, 1000);
    await settle();
    expect(cache.page(0)?.generation).toBe(5);
    expect(cache.page(PAGE_ROWS)?.generation).toBe(5);
    gen = 6;
    cache.ensure(PAGE_ROWS * 3, PAGE_ROWS * 3 + 10, 1000);
    await settle();
    expect(cache.page(PAGE_ROWS * 3)?.generation).toBe(6);
    expect(cache.page(0)).toBeUndefined();
  });

  it('refresh asks again for the stale pages in view, showing the old ones until the new arrive', async () => {
    const asked: number[] = [];
    let mark = 'old';
    const answer: (() => void)[] = [];
    const cache = createRowCache((start, count) => {
      asked.push(start);
      const text = mark;
      return new Promise((resolve) => answer.push(() => resolve({ ...page(start, count, 1), strings: [text] })));
    });
    cache.ensure(0, 10, 1000);
    answer.splice(0).forEach((a) => a());
    await settle();
    expect(asked).toEqual([0, PAGE_ROWS]);
    // Out of view since: dropped, not fetched.
    cache.ensure(PAGE_ROWS * 3, PAGE_ROWS * 3 + 10, 1000);
    answer.splice(0).forEach((a) => a());
    await settle();
    cache.ensure(0, 10, 1000);
    asked.length = 0;
    mark = 'new';
    cache.refresh((p) => p.start === 0 || p.start === PAGE_ROWS * 3);
    expect(asked).toEqual([0]);
    // Still shown while the new page is on its way.
    expect(cache.page(0)?.strings).toEqual(['old']);
    expect(cache.page(PAGE_ROWS * 3)).toBeUndefined();
    answer.splice(0).forEach((a) => a());
    await settle();
    expect(cache.page(0)?.strings).toEqual(['new']);
    // Fetched once: no longer stale.
    cache.ensure(0, 10, 1000);
    expect(asked).toEqual([0]);
  });

  it('a refresh while a page in view is on its way: the answer, from before it, is shown and asked for again', async () => {
    const asked: number[] = [];
    let mark = 'old';
    const answer: (() => void)[] = [];
    const cache = createRowCache((start, count) => {
      asked.push(start);
      const text = mark;
      return new Promise((resolve) => answer.push(() => resolve({ ...page(start, count, 1), strings: [text] })));
    });
    cache.ensure(0, 10, 1000);
    expect(asked).toEqual([0, PAGE_ROWS]);
    // The HTTP scan finishes while both first fetches are out: the engine answered them before.
    cache.refresh(() => true);
    mark = 'new';
    answer.splice(0).forEach((a) => a());
    await settle();
    // Shown meanwhile (not blank), and asked for again.
    expect(cache.page(0)?.strings).toEqual(['old']);
    expect(asked).toEqual([0, PAGE_ROWS, 0, PAGE_ROWS]);
    answer.splice(0).forEach((a) => a());
    await settle();
    expect(cache.page(0)?.strings).toEqual(['new']);
    expect(cache.page(PAGE_ROWS)?.strings).toEqual(['new']);
    // Asked after the refresh: not again.
    cache.ensure(0, 10, 1000);
    expect(asked).toHaveLength(4);
  });

  it('a refresh during the refetch of a stale page asks for it once more; one whose test the answer passes does not', async () => {
    const asked: number[] = [];
    let mark = 'a';
    const answer: (() => void)[] = [];
    const cache = createRowCache((start, count) => {
      asked.push(start);
      const text = mark;
      return new Promise((resolve) => answer.push(() => resolve({ ...page(start, count, 1), strings: [text] })));
    });
    cache.ensure(0, 10, PAGE_ROWS);
    answer.splice(0).forEach((a) => a());
    await settle();
    expect(asked).toEqual([0]);
    // TCP analysis reached the page's rows: refetch; while it is out, the HTTP scan finishes.
    cache.refresh((p) => p.strings[0] === 'a');
    expect(asked).toEqual([0, 0]);
    mark = 'b';
    cache.refresh(() => true);
    answer.splice(0).forEach((a) => a());
    await settle();
    expect(asked).toEqual([0, 0, 0]);
    mark = 'c';
    answer.splice(0).forEach((a) => a());
    await settle();
    expect(cache.page(0)?.strings).toEqual(['b']);
    expect(asked).toHaveLength(3);
    // Stale again; while its refetch is out, a refresh whose test the answer passes: no fetch more.
    cache.refresh((p) => p.strings[0] === 'b');
    expect(asked).toHaveLength(4);
    cache.refresh((p) => p.strings[0] === 'b');
    answer.splice(0).forEach((a) => a());
    await settle();
    expect(cache.page(0)?.strings).toEqual(['c']);
    expect(asked).toHaveLength(4);
  });
});
