/**
 * Pages of table rows fetched from the engine, kept outside React state: a scroll frame reads
 * the cache directly and React only hears "a page arrived" (a version bump). Pages are columnar
 * RowsPage objects as the engine sent them; a cell is `strings[cells[col][i]]`.
 */
import type { RowsPage } from '../../shared/rpc.ts';

export const PAGE_ROWS = 200;
const MAX_PAGES = 400; // 80 k rows cached: a few MB
/**
 * Requests in flight at once. The engine answers in order, so a fast scroll that asked for
 * every page it passed would wait behind pages nobody looks at any more; instead pages wait
 * here and only those still in view when a slot frees are fetched.
 */
const MAX_IN_FLIGHT = 2;

export type FetchRows = (start: number, count: number) => Promise<RowsPage>;

export interface RowCache {
  /** The page holding `row`, or undefined while it is being fetched. */
  page(row: number): RowsPage | undefined;
  /** Ask for the pages covering rows [first, end) (plus one page ahead). */
  ensure(first: number, end: number, rowCount: number): void;
  /** Forget everything (new capture, new sort or filter). */
  clear(): void;
  /**
   * Take a page the engine sent unasked (an open's first rows, on its first progress) as if it
   * had been fetched; ignored once the cache holds pages. Returns whether it was taken.
   */
  seed(page: RowsPage): boolean;
  /**
   * Ask again for the cached pages `stale` picks (their rows' texts changed: the HTTP scan
   * finished, the TCP analysis reached their pending rows), showing them until the new ones
   * arrive, so nothing flickers; pages out of view are dropped and fetched when next seen.
   */
  refresh(stale: (page: RowsPage) => boolean): void;
  subscribe(listener: () => void): () => void;
  version(): number;
  /** Milliseconds of each completed fetch, newest last (for the status bar and e2e timing). */
  fetchTimes: number[];
}

export interface RowCacheOptions {
  /**
   * Rows the very first fetch asks for (a screenful; the rest of its page follows at once). The
   * engine dissects every row of a page again to answer it, and the first rows of a capture are
   * answered while it is still being indexed, so a smaller first answer is on screen sooner.
   */
  firstRows?: number;
}

export function createRowCache(fetchRows: FetchRows, onError: (e: Error) => void = () => {}, opts: RowCacheOptions = {}): RowCache {
  let firstRows = opts.firstRows === undefined ? PAGE_ROWS : Math.max(1, Math.min(PAGE_ROWS, Math.ceil(opts.firstRows)));
  const pages = new Map<number, RowsPage>();
  /** Pages on their way, with the number of refreshes when each was asked for. */
  const pending = new Map<number, number>();
  /** Cached pages to fetch again (still shown meanwhile). */
  const stalePages = new Set<number>();
  /**
   * Refreshes since the cache was made, and the latest ones' tests: a page on its way when a
   * refresh came was answered before it (the HTTP scan had not finished yet, the TCP analysis
   * had not reached its rows), so the refresh's test is put to it when it arrives.
   */
  let refreshes = 0;
  let recent: { n: number; stale: (page: RowsPage) => boolean }[] = [];
  /** Pages the latest `ensure` wants, in priority order (visible first). */
  let wanted: number[] = [];
  const listeners = new Set<() => void>();
  let ver = 0;
  let generation = 0;
  /** The engine's view generation of the cached pages (RowsPage.generation); -1 before the first. */
  let viewGen = -1;
  const fetchTimes: number[] = [];

  const notify = (): void => {
    ver++;
    for (const l of listeners) l();
  };

  const load = (p: number): void => {
    const asked = refreshes;
    pending.set(p, asked);
    const gen = generation;
    const t0 = performance.now();
    // Short pages are fetched again whole (`needs`), so only the first fetch asks for less.
    const count = firstRows;
    firstRows = PAGE_ROWS;
    fetchRows(p * PAGE_ROWS, count).then(
      (page) => {
        if (gen !== generation) return;
        pending.delete(p);
        if (page.generation < viewGen) {
          // Asked for before a filter or sort and answered after it: rows of the old view. Ask again.
          pump();
          return;
        }
        if (page.generation > viewGen) {
          // The first page of a newer view: the cached pages show the old one.
          pages.clear();
          viewGen = page.generation;
        }
        fetchTimes.push(performance.now() - t0);
        if (fetchTimes.length > 200) fetchTimes.shift();
        pages.delete(p); // re-insert: Map order is our LRU order
        pages.set(p, page);
        // Shown as it is; asked again if a refresh since it was asked finds it stale.
        if (recent.some((r) => r.n > asked && r.stale(page))) stalePages.add(p);
        else stalePages.delete(p);
        // Tests no page on its way still needs.
        const oldest = Math.min(...pending.values(), refreshes);
        recent = recent.filter((r) => r.n > oldest);
        while (pages.size > MAX_PAGES) {
          const oldest = pages.keys().next().value;
          if (oldest === undefined) break;
          pages.delete(oldest);
        }
        // Only now: before the page is stored, `needs` would ask for it once more.
        pump();
        notify();
      },
      (e: unknown) => {
        if (gen !== generation) return;
        pending.delete(p);
        pump();
        onError(e instanceof Error ? e : new Error(String(e)));
      },
    );
  };

  let rowTotal = 0;
  const needs = (p: number): boolean => {
    if (pending.has(p)) return false;
    const have = pages.get(p);
    // A page fetched while indexing may be short; fetch again once more rows exist.
    const want = Math.min(PAGE_ROWS, rowTotal - p * PAGE_ROWS);
    return !have || have.events.length < want || stalePages.has(p);
  };
  function pump(): void {
    while (pending.size < MAX_IN_FLIGHT) {
      const p = wanted.find(needs);
      if (p === undefined) return;
      load(p);
    }
  }

  return {
    page(row) {
      return pages.get(Math.floor(row / PAGE_ROWS));
    },
    ensure(first, end, rowCount) {
      rowTotal = rowCount;
      if (rowCount <= 0) return;
      const lastRow = Math.min(rowCount, end + PAGE_ROWS) - 1;
      const list: number[] = [];
      for (let p = Math.floor(first / PAGE_ROWS); p <= Math.floor(lastRow / PAGE_ROWS); p++) list.push(p);
      wanted = list;
      pump();
    },
    seed(page) {
      const p = Math.floor(page.start / PAGE_ROWS);
      if (pages.size > 0 || page.start !== p * PAGE_ROWS || page.generation < viewGen) return false;
      viewGen = page.generation;
      pages.set(p, page);
      // It stands for the short first fetch: the next one asks for whole pages.
      firstRows = PAGE_ROWS;
      notify();
      return true;
    },
    clear() {
      generation++;
      pages.clear();
      pending.clear();
      stalePages.clear();
      recent = [];
      wanted = [];
      notify();
    },
    refresh(stale) {
      refreshes++;
      if (pending.size > 0) recent.push({ n: refreshes, stale });
      const inView = new Set(wanted);
      for (const [p, page] of pages) {
        if (!stale(page)) continue;
        if (inView.has(p)) stalePages.add(p);
        else pages.delete(p);
      }
      pump();
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
