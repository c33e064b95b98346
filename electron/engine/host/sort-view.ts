/**
 * Sorting the event table is done here in the worker, never in the window: the view (all
 * events or a filter's matches) is permuted by one column. Keys come from the index columns
 * where the capture has them (Capture.sortKey) and otherwise from the column's text, which
 * costs a re-dissection per event. Ties keep event order, so a sort is stable and repeatable.
 */
import { textSortKey, type Capture } from '../capture.ts';

/** Events one cellTexts page covers at most. */
const TEXT_PAGE = 1 << 14;

/** Keys of a sort taken from `cellTexts` pages and through `cells` (tests count them). */
export const sortWork = { paged: 0, cells: 0 };

/** `text`: the cell text of a column the capture does not have (a custom field column). */
export function sortEvents(c: Capture, events: Uint32Array, column: string, descending: boolean, text?: (event: number) => string): Uint32Array {
  const columns = c.columns();
  const col = columns.findIndex((x) => x.id === column);
  if (col < 0 && !text) throw new Error(`no column ${column}`);
  const n = events.length;
  const nums = new Float64Array(n);
  let strs: string[] | undefined;
  const out: string[] = new Array(columns.length).fill('');
  // A page of the column's texts where the capture has them without a dissection per event (the
  // session's Info: an HTTP message's end is not re-dissected), for a dense run of the view.
  // Runs [start, end] of the view; `keys` null where the run has no page (the cells then).
  let page: { start: number; end: number; keys: (number | string)[] | null; ids: Uint32Array } | undefined;
  const paged = (i: number, e: number): number | string | undefined => {
    if (text || !c.cellTexts) return undefined;
    if (!page || e > page.end || e < page.start) {
      let j = i;
      while (j + 1 < n && j + 1 - i < TEXT_PAGE && events[j + 1] > events[j] && events[j + 1] - e < TEXT_PAGE) j++;
      const span = events[j] - e + 1;
      // A sparse run (a filter's view) would have texts built for events it does not show.
      const p = span <= 2 * (j - i + 1) ? c.cellTexts(column, e - 1, span) : undefined;
      page = { start: e, end: events[j], keys: p ? p.dict.map(textSortKey) : null, ids: p ? p.ids : new Uint32Array(0) };
    }
    if (!page.keys) return undefined;
    sortWork.paged++;
    return page.keys[page.ids[e - page.start]];
  };
  for (let i = 0; i < n; i++) {
    const e = events[i];
    let k = text ? undefined : c.sortKey?.(e, column);
    k ??= paged(i, e);
    if (k === undefined) {
      let cell: string;
      if (text) cell = text(e);
      else {
        sortWork.cells++;
        c.cells(e, out);
        cell = out[col] ?? '';
      }
      k = textSortKey(cell);
    }
    if (typeof k === 'number') nums[i] = k;
    else {
      strs ??= new Array<string>(n);
      strs[i] = k;
      nums[i] = NaN;
    }
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const dir = descending ? -1 : 1;
  // Numbers before texts, each ascending (or descending); empty cells last in both
  // directions; ties by event number.
  order.sort((a, b) => {
    const sa = strs?.[a];
    const sb = strs?.[b];
    const ea = sa === undefined ? Number.isNaN(nums[a]) : sa === '';
    const eb = sb === undefined ? Number.isNaN(nums[b]) : sb === '';
    if (ea !== eb) return ea ? 1 : -1;
    let r: number;
    if (ea) r = 0;
    else if (sa === undefined && sb === undefined) r = nums[a] < nums[b] ? -1 : nums[a] > nums[b] ? 1 : 0;
    else if (sa === undefined) r = -1;
    else if (sb === undefined) r = 1;
    else r = sa < sb ? -1 : sa > sb ? 1 : 0;
    return r !== 0 ? r * dir : events[a] - events[b];
  });
  const sorted = new Uint32Array(n);
  for (let i = 0; i < n; i++) sorted[i] = events[order[i]];
  return sorted;
}
