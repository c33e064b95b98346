/**
 * Pages of table rows fetched from the engine, kept outside React state: a scroll frame reads
 * the cache directly and React only hears "a page arrived" (a version bump). Pages are columnar
 * RowsPage objects as the engine sent them; a cell is `strings[cells[col][i]]`.
 */
import type { RowsPage } from '../../shared/rpc.ts';

export const PAGE_ROWS = 200;
const MAX_PAGES = 400; // 80 k rows cached: a few MB

export type FetchRows = (start: number, count: number) => Promise<RowsPage>;

export interface RowCache {
  /** The page holding `row`, or undefined while it is being fetched. */
  page(row: number): RowsPage | undefined;
  /** Ask for the pages covering rows [first, end) (plus one page ahead). */
  ensure(first: number, end: number, rowCount: number): void;
  /** Forget everything (new capture, new sort or filter). */
  clear(): void;
  subscribe(listener: () => void): () => void;
  version(): number;
  /** Milliseconds of each completed fetch, newest last (for the status bar and e2e timing). */
  fetchTimes: number[];
}

export function createRowCache(fetchRows: FetchRows, onError: (e: Error) => void = () => {}): RowCache {
  const pages = new Map<number, RowsPage>();
  const pending = new Set<number>();
  const listeners = new Set<() => void>();
  let ver = 0;
  let generation = 0;
  const fetchTimes: number[] = [];

  const notify = (): void => {
    ver++;
    for (const l of listeners) l();
  };

  const load = (p: number): void => {
    pending.add(p);
    const gen = generation;
    const t0 = performance.now();
    fetchRows(p * PAGE_ROWS, PAGE_ROWS).then(
      (page) => {
        if (gen !== generation) return;
        pending.delete(p);
        fetchTimes.push(performance.now() - t0);
        if (fetchTimes.length > 200) fetchTimes.shift();
        pages.delete(p); // re-insert: Map order is our LRU order
        pages.set(p, page);
        while (pages.size > MAX_PAGES) {
          const oldest = pages.keys().next().value;
          if (oldest === undefined) break;
          pages.delete(oldest);
        }
        notify();
      },
      (e: unknown) => {
        if (gen !== generation) return;
        pending.delete(p);
        onError(e instanceof Error ? e : new Error(String(e)));
      },
    );
  };

  return {
    page(row) {
      return pages.get(Math.floor(row / PAGE_ROWS));
    },
    ensure(first, end, rowCount) {
      if (rowCount <= 0) return;
      const lastRow = Math.min(rowCount, end + PAGE_ROWS) - 1;
      for (let p = Math.floor(first / PAGE_ROWS); p <= Math.floor(lastRow / PAGE_ROWS); p++) {
        if (pending.has(p)) continue;
        const have = pages.get(p);
        // A page fetched while indexing may be short; fetch again once more rows exist.
        const wanted = Math.min(PAGE_ROWS, rowCount - p * PAGE_ROWS);
        if (have && have.events.length >= wanted) continue;
        load(p);
      }
    },
    clear() {
      generation++;
      pages.clear();
      pending.clear();
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    version: () => ver,
    fetchTimes,
  };
}

/** Text of one cell, or '' when the page lacks it. */
export function cellText(page: RowsPage, columnId: string, row: number): string {
  const idx = page.cells[columnId];
  if (!idx) return '';
  const s = page.strings[idx[row - page.start]];
  return s ?? '';
}
