/**
 * Scaled scrolling for the event table. Chromium caps an element's height at 33,554,428 px, so
 * 10 M rows × 20 px cannot be laid out 1:1. The scroll container gets a content height of at
 * most MAX_CONTENT_PX, and its scroll range maps linearly onto the virtual range
 * (rowCount × rowHeight): the top of the range is row 0, the bottom shows the last row.
 * Pure functions so the mapping is unit-tested without a DOM.
 */

/** Height of one event table row, CSS px (the table's rows are all this high). */
export const ROW_HEIGHT = 20;

/** Well under Chromium's cap (and Firefox's ~17.9 M px), leaving room for the header. */
export const MAX_CONTENT_PX = 15_000_000;

export interface ScrollGeometry {
  /** Height of the scrollable content in CSS px (what the browser lays out). */
  contentPx: number;
  /** Height the rows would have unscaled. */
  virtualPx: number;
  /** Height of the visible rows area. */
  viewportPx: number;
}

export function geometry(rowCount: number, rowHeight: number, viewportPx: number): ScrollGeometry {
  const virtualPx = Math.max(0, rowCount) * rowHeight;
  return { contentPx: Math.min(virtualPx, MAX_CONTENT_PX), virtualPx, viewportPx: Math.max(0, viewportPx) };
}

/** Virtual pixel offset of the top of the viewport for a browser scrollTop. */
export function virtualTop(g: ScrollGeometry, scrollTop: number): number {
  const realRange = g.contentPx - g.viewportPx;
  const virtRange = g.virtualPx - g.viewportPx;
  if (realRange <= 0 || virtRange <= 0) return 0;
  const t = Math.min(Math.max(scrollTop, 0), realRange);
  // The last scroll position must land exactly on the end, whatever rounding the browser did.
  if (t >= realRange - 0.5) return virtRange;
  return (t / realRange) * virtRange;
}

/** Browser scrollTop that shows virtual offset `vTop` at the top of the viewport. */
export function scrollTopFor(g: ScrollGeometry, vTop: number): number {
  const realRange = g.contentPx - g.viewportPx;
  const virtRange = g.virtualPx - g.viewportPx;
  if (realRange <= 0 || virtRange <= 0) return 0;
  const v = Math.min(Math.max(vTop, 0), virtRange);
  return (v / virtRange) * realRange;
}

export interface VisibleRows {
  /** First row index drawn (may be partly hidden above). */
  first: number;
  /** One past the last row drawn. */
  end: number;
  /** Y of row `first` relative to the top of the viewport (≤ 0). */
  offsetPx: number;
}

export function visibleRows(g: ScrollGeometry, vTop: number, rowHeight: number, rowCount: number): VisibleRows {
  const first = Math.max(0, Math.min(rowCount, Math.floor(vTop / rowHeight)));
  const end = Math.min(rowCount, Math.ceil((vTop + g.viewportPx) / rowHeight) + 1);
  return { first, end: Math.max(first, end), offsetPx: first * rowHeight - vTop };
}

/** Virtual offset that brings `row` into view with the least movement (keyboard navigation). */
export function revealRow(vTop: number, row: number, rowHeight: number, viewportPx: number): number {
  const top = row * rowHeight;
  if (top < vTop) return top;
  if (top + rowHeight > vTop + viewportPx) return top + rowHeight - viewportPx;
  return vTop;
}
