/**
 * The event table: TanStack Table holds the column model (sizes, order, visibility); the rows
 * are our own fixed-height virtual list over a scaled scroll range (scroll-math.ts), reading
 * pages straight from the RowCache so 10 M rows cost nothing until they are looked at.
 *
 * Scrolling does not re-render: React draws a fixed pool of row elements (RowPool) when the
 * columns or the height change, and each scroll frame or arriving page repaints the pool
 * directly (row-paint.ts), writing only what changed.
 */
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import {
  columnOrderingFeature,
  columnResizingFeature,
  columnSizingFeature,
  columnVisibilityFeature,
  createColumnHelper,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import type { ColumnDef as EngineColumn } from '../../shared/rpc.ts';
import { shownCount, useApp, type TableSort } from '../app/store.ts';
import type { Session } from '../app/session.ts';
import { shortcutOf } from '../app/shortcuts.ts';
import { nanosecondCapture, nsTextToSeconds } from './format.ts';
import type { RowCache } from './row-cache.ts';
import { rowsAsCsv, rowsAsJson } from './copy-rows.ts';
import { orderedIds, resetLayout, updateLayout } from './column-layout.ts';
import { geometry, revealRow, ROW_HEIGHT, scrollTopFor, virtualTop, visibleRows } from './scroll-math.ts';
import type { FollowKind } from '../app/store.ts';
import { FOLLOW_ORDER, FOLLOW_TITLES, followKindsAt, openFollow } from '../streams/follow-kinds.ts';
import { useColours } from '../colours/colour-store.ts';
import type { RowColour } from '../colours/row-colour.ts';
import { blankPainted, createPageTexts, displayCell, paintRow, rowLook, type NsTimes, type Painted, type PageTexts } from './row-paint.ts';

export { displayCell, rowClass, type NsTimes } from './row-paint.ts';

export { ROW_HEIGHT } from './scroll-math.ts';
const HEADER_HEIGHT = 24;

const features = tableFeatures({ columnSizingFeature, columnResizingFeature, columnOrderingFeature, columnVisibilityFeature });
type NoRow = Record<string, never>;
const helper = createColumnHelper<typeof features, NoRow>();
const NO_DATA: NoRow[] = [];

/**
 * The sort after a click on column `column`'s header: ascending, then descending, then event
 * order again (Wireshark's cycle).
 */
export function nextSort(current: TableSort | null, column: string): TableSort | null {
  if (!current || current.column !== column) return { column, descending: false };
  return current.descending ? null : { column, descending: true };
}

/** Select row `row` (clamped); its event number comes from the cached page, or later with it. */
export function selectRow(row: number, rowCount: number, cache: RowCache | null): void {
  if (rowCount === 0) return;
  const r = Math.max(0, Math.min(rowCount - 1, row));
  const page = cache?.page(r);
  const ev = page ? page.events[r - page.start] : undefined;
  useApp.setState({ selectedRow: r, selectedEvent: ev ?? null, selectedField: null, hexSource: 0 });
}

function copyText(text: string): void {
  void navigator.clipboard?.writeText(text).catch(() => {});
}

interface Props {
  session: Session;
  /** More context-menu items for the row of event `event` (capture sets: renderer/timeline/); `what` is its Protocol cell. */
  rowMenu?: (event: number, what: string, done: () => void) => ReactNode;
}

/** One column of the pool's cells: id, width and alignment (what RowPool draws). */
interface PoolColumn {
  id: string;
  width: number;
  align: CSSProperties['textAlign'];
}

/**
 * The pool of row elements: `slots` rows of `columns` empty cells, drawn by React only when
 * those change. Their contents, classes and positions are written by paintRow, never by React
 * (no React prop covers them, so a re-render leaves them alone).
 */
const RowPool = memo(function RowPool({ slots, columns, width, slotRefs }: { slots: number; columns: readonly PoolColumn[]; width: number; slotRefs: { current: (HTMLDivElement | null)[] } }) {
  const out = [];
  for (let i = 0; i < slots; i++) {
    out.push(
      <div key={i} ref={(el) => { slotRefs.current[i] = el; }} className="row-spare" hidden role="row" style={{ height: ROW_HEIGHT, width }}>
        {columns.map((c) => <div key={c.id} className="cell" role="gridcell" data-col={c.id} style={{ width: c.width, textAlign: c.align }} />)}
      </div>,
    );
  }
  return <>{out}</>;
});

export function EventTable({ session, rowMenu }: Props) {
  const engineColumns = useApp((s) => s.columns);
  const rowCount = useApp(shownCount);
  const firstTimeNs = useApp((s) => s.info?.firstTimeNs ?? null);
  const nanoseconds = useApp((s) => nanosecondCapture(s.info));
  const selectedRow = useApp((s) => s.selectedRow);
  const timeFormat = useApp((s) => s.timeFormat);
  const hasView = useApp((s) => s.view !== null);
  const sort = useApp((s) => s.sort);
  const sorting = useApp((s) => s.sorting);
  const layout = useApp((s) => s.columnLayout);
  const isSet = useApp((s) => s.info?.extra.set !== undefined && s.info.kind === 'packets');
  const cache = session.rows();
  // Colouring rules (rows pages carry the matching rule's index); CSS per rule index, per rule set.
  const colourRules = useColours((s) => s.rules);
  const ruleCss = useMemo(() => new Map<number, RowColour>(), [colourRules]);

  const columns = useMemo(
    () => engineColumns.map((c) => helper.display({ id: c.id, header: c.title, size: c.width, minSize: 30, maxSize: 2000 })),
    [engineColumns],
  );
  const byId = useMemo(() => new Map(engineColumns.map((c) => [c.id, c])), [engineColumns]);
  // The layout lives in the store (persisted per capture kind): the table reads and writes it there.
  const columnOrder = useMemo(() => orderedIds(engineColumns, layout), [engineColumns, layout]);
  const table = useTable({
    features, columns, data: NO_DATA, columnResizeMode: 'onChange', enableColumnResizing: true,
    state: { columnOrder, columnVisibility: layout.visibility, columnSizing: layout.widths },
    onColumnOrderChange: (u) => updateLayout((l) => ({ ...l, order: typeof u === 'function' ? u(orderedIds(engineColumns, l)) : u })),
    onColumnVisibilityChange: (u) => updateLayout((l) => ({ ...l, visibility: typeof u === 'function' ? u(l.visibility) : u })),
    onColumnSizingChange: (u) => updateLayout((l) => ({ ...l, widths: typeof u === 'function' ? u(l.widths) : u })),
  });

  const scroller = useRef<HTMLDivElement>(null);
  const [viewportPx, setViewportPx] = useState(400);
  const vTopRef = useRef(0);
  /**
   * The view follows the last rows (Live): what the user's scrolling last said (a new capture
   * starts at the top, which is its end). Only a scroll the user made changes it: a page's
   * arrival, a resize or the table's own scrolling (following, a new view, revealing the
   * selection) must not, or the table would stop following without being scrolled away.
   */
  const atBottomRef = useRef(true);
  /** The scrollTop the table itself set last, until its scroll event comes (that event is not the user's). */
  const ownTopRef = useRef<number | null>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; kind: 'header' | 'cell'; row?: number; col?: string } | null>(null);
  const dragCol = useRef<string | null>(null);
  /** Follow ▸ items that apply to the right-clicked row (null while asking the engine). */
  const [followKinds, setFollowKinds] = useState<Set<FollowKind> | null>(null);

  const rowsPx = Math.max(0, viewportPx - HEADER_HEIGHT);
  const g = geometry(rowCount, ROW_HEIGHT, rowsPx);
  const firstTime = useMemo(() => nsTextToSeconds(firstTimeNs), [firstTimeNs]);
  const ns: NsTimes | undefined = useMemo(
    () => (nanoseconds ? { firstNs: firstTimeNs !== null && /^-?\d+$/.test(firstTimeNs) ? BigInt(firstTimeNs) : null } : undefined),
    [firstTimeNs, nanoseconds],
  );

  const visibleCols = table.getVisibleLeafColumns();
  const totalWidth = table.getTotalSize();
  const colKey = visibleCols.map((c) => `${c.id}:${c.getSize()}`).join(',');
  const poolColumns = useMemo<PoolColumn[]>(
    () => visibleCols.map((c) => ({ id: c.id, width: c.getSize(), align: byId.get(c.id)?.align ?? 'left' })),
    // colKey stands for the visible columns and their widths.
    [colKey, byId],
  );
  const shownColumns = useMemo(() => poolColumns.map((c) => byId.get(c.id)).filter((c): c is EngineColumn => c !== undefined), [poolColumns, byId]);
  /** Cell texts formatted once per page, for these columns and this time format. */
  const pageTexts = useMemo<PageTexts>(
    () => createPageTexts({ columns: shownColumns, timeFormat, firstTime, ns }),
    // A new cache (capture) or view needs no new texts: pages are new objects then.
    [shownColumns, timeFormat, firstTime, ns],
  );
  // Enough elements for a viewport of rows, one partly hidden above and one below.
  const slots = Math.ceil(rowsPx / ROW_HEIGHT) + 2;
  const slotRefs = useRef<(HTMLDivElement | null)[]>([]);
  /**
   * What each pool element shows. New columns re-order or replace the cells under React, so
   * what was written is forgotten with them; a new element starts blank.
   */
  const painted = useMemo(() => new WeakMap<HTMLElement, Painted>(), [poolColumns]);

  /** What painting reads: the latest render's values (a scroll frame does not render). */
  const live = useRef({ rowCount, rowsPx, selectedRow, cache, pageTexts, colourRules, ruleCss, slots, painted });
  live.current = { rowCount, rowsPx, selectedRow, cache, pageTexts, colourRules, ruleCss, slots, painted };

  /** Pages to fetch, asked for after the frame (a fetch posts a message; the frame only paints). */
  const ensureTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const ensureWant = useRef({ first: 0, end: 0 });

  const paint = (): void => {
    const L = live.current;
    const vis = visibleRows(geometry(L.rowCount, ROW_HEIGHT, L.rowsPx), vTopRef.current, ROW_HEIGHT, L.rowCount);
    const input = { cache: L.cache, texts: L.pageTexts, selectedRow: L.selectedRow, rules: L.colourRules, ruleCss: L.ruleCss };
    for (let i = 0; i < L.slots; i++) {
      const el = slotRefs.current[i];
      if (!el) continue;
      const r = vis.first + i;
      // Whole pixels: the scaled scroll range gives fractions, which blur text and change every frame.
      let was = L.painted.get(el);
      if (!was) L.painted.set(el, (was = blankPainted()));
      const look = r < vis.end ? rowLook(input, r, Math.round(vis.offsetPx) + i * ROW_HEIGHT + HEADER_HEIGHT) : { row: -1, className: '', y: 0, texts: [], colour: undefined };
      paintRow(el, look, was);
    }
    // Time as "since previous displayed": the first row's time reads the row before it, which
    // may be on the page before (never asked for otherwise: it would show … until scrolled).
    const before = L.pageTexts.format.timeFormat === 'delta' && vis.first > 0 ? 1 : 0;
    ensureWant.current = { first: vis.first - before, end: vis.end };
    if (L.cache && ensureTimer.current === null) {
      ensureTimer.current = setTimeout(() => {
        ensureTimer.current = null;
        const { cache: c, rowCount: n } = live.current;
        c?.ensure(ensureWant.current.first, ensureWant.current.end, n);
      }, 0);
    }
    if (L.cache && L.rowCount > 0 && L.cache.page(vis.first)) session.markFirstRows();
  };
  const paintRef = useRef(paint);
  paintRef.current = paint;
  // Cleared, not only cancelled: StrictMode (and a remount) runs effects again on the same refs,
  // and a stale timer id would block every later fetch.
  useEffect(() => () => {
    if (ensureTimer.current !== null) clearTimeout(ensureTimer.current);
    ensureTimer.current = null;
  }, []);

  /**
   * Repaint from the scroll position now. Chromium sends scroll events once per frame, before
   * its rAF callbacks, so a scroll paints in the frame it shows; a page's arrival (a message
   * task) paints at once too, which also holds for a page in the background, where rAF waits.
   */
  const repaint = (): void => {
    const el = scroller.current;
    if (el) vTopRef.current = virtualTop(geometry(live.current.rowCount, ROW_HEIGHT, el.clientHeight - HEADER_HEIGHT), el.scrollTop);
    paintRef.current();
  };
  /** A scroll event: the user's scrolling decides whether the table follows its end (within a row of it). */
  const onScroll = (): void => {
    const el = scroller.current;
    const own = ownTopRef.current;
    ownTopRef.current = null;
    if (el && (own === null || Math.abs(el.scrollTop - own) >= 1)) {
      const rows = el.clientHeight - HEADER_HEIGHT;
      const top = virtualTop(geometry(live.current.rowCount, ROW_HEIGHT, rows), el.scrollTop);
      atBottomRef.current = top >= live.current.rowCount * ROW_HEIGHT - rows - ROW_HEIGHT;
    }
    repaint();
  };
  /** Show virtual offset `v` at the top: the table's own scrolling (its scroll event is not the user's). */
  const scrollOwn = (v: number, count: number): void => {
    vTopRef.current = v;
    const el = scroller.current;
    if (el) {
      const top = scrollTopFor(geometry(count, ROW_HEIGHT, rowsPx), v);
      if (Math.abs(el.scrollTop - top) >= 1) {
        el.scrollTop = top;
        // As the browser took it (clamped, rounded): the event it sends shows this.
        ownTopRef.current = el.scrollTop;
      }
    }
    paintRef.current();
  };

  // Every render repaints what it changed (selection, columns, counts) before the browser draws.
  useLayoutEffect(() => paint());

  // A page arriving (or the cache cleared by a new view) repaints; the selected row's event
  // number may arrive with its page after the selection.
  useEffect(() => {
    if (!cache) return;
    const onPage = (): void => {
      repaint();
      const { selectedRow: sel } = live.current;
      if (sel < 0) return;
      const page = cache.page(sel);
      const ev = page ? page.events[sel - page.start] : undefined;
      if (ev !== undefined && useApp.getState().selectedEvent !== ev) useApp.setState({ selectedEvent: ev });
    };
    const off = cache.subscribe(onPage);
    // Pages that arrived between the first paint and this subscription (the first page is
    // fetched while the view mounts) would otherwise wait for the next cause to paint.
    onPage();
    return off;
    // repaint and onPage read refs only.
  }, [cache]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewportPx(el.clientHeight));
    ro.observe(el);
    setViewportPx(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  // Live (a followed capture): new rows scroll into view unless the user scrolled away from the end.
  const following = useApp((s) => s.live);
  const bottomOf = (count: number): number => Math.max(0, count * ROW_HEIGHT - rowsPx);
  const wasFollowing = useRef(following);
  useLayoutEffect(() => {
    // Live turned on: the table goes to the newest event, wherever it was.
    if (following && !wasFollowing.current) atBottomRef.current = true;
    wasFollowing.current = following;
    if (!following || !atBottomRef.current || rowCount === 0) return;
    const bottom = bottomOf(rowCount);
    if (bottom === vTopRef.current) return;
    scrollOwn(bottom, rowCount);
  }, [rowCount, following, rowsPx]);

  // A new filter view or sort starts at its first row (or at the selected event, below); while
  // Live follows the end, at its end: the view changed, the user did not scroll away.
  const viewKey = useApp((s) => s.view);
  useLayoutEffect(() => {
    scrollOwn(following && atBottomRef.current ? bottomOf(rowCount) : 0, rowCount);
  }, [viewKey, sort]);

  const select = (row: number): void => selectRow(row, rowCount, cache);

  // Bring the selected row into view, whoever selected it (keyboard, Go menu, Ctrl+G); not
  // for a new view while Live follows the end (the selection it kept may be far from it).
  const revealedView = useRef<{ view: unknown; sort: unknown } | null>(null);
  useLayoutEffect(() => {
    const viewChanged = revealedView.current?.view !== viewKey || revealedView.current?.sort !== sort;
    revealedView.current = { view: viewKey, sort };
    if (selectedRow < 0 || (viewChanged && following && atBottomRef.current)) return;
    const next = revealRow(vTopRef.current, selectedRow, ROW_HEIGHT, rowsPx);
    if (next === vTopRef.current) return;
    // Going to a row is the user's move: it follows the end only if that is where it went.
    atBottomRef.current = next >= bottomOf(rowCount) - ROW_HEIGHT;
    scrollOwn(next, rowCount);
  }, [selectedRow, viewKey, sort]);

  const rowCells = (row: number): string[] => {
    const page = cache?.page(row);
    if (!page) return [];
    return [...pageTexts.row(cache!, page, row)];
  };
  const rowText = (row: number): string => rowCells(row).join('\t');
  const copyRowAs = (row: number, as: 'csv' | 'json'): void => {
    const titles = visibleCols.map((c) => byId.get(c.id)?.title ?? c.id);
    copyText((as === 'csv' ? rowsAsCsv : rowsAsJson)(titles, [rowCells(row)]));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const pageRows = Math.max(1, Math.floor(rowsPx / ROW_HEIGHT) - 1);
    const cur = selectedRow < 0 ? -1 : selectedRow;
    let next: number;
    // The keys come from the shortcut table (app/shortcuts.ts), which the Help sheet lists.
    switch (shortcutOf(e, 'Event table')) {
      case 'row-down': next = cur + 1; break;
      case 'row-up': next = Math.max(0, cur - 1); break;
      case 'page-down': next = cur + pageRows; break;
      case 'page-up': next = cur - pageRows; break;
      case 'first': next = 0; break;
      case 'last': next = rowCount - 1; break;
      case 'copy-row':
        if (selectedRow >= 0) {
          copyText(rowText(selectedRow));
          e.preventDefault();
        }
        return;
      default: return;
    }
    e.preventDefault();
    select(next);
  };

  /** The row under a mouse event in the pool (its data-row, written by paintRow). */
  const rowAt = (e: MouseEvent): number | null => {
    const at = (e.target as HTMLElement).closest('.row[data-row]')?.getAttribute('data-row');
    return at === null || at === undefined ? null : Number(at);
  };
  const onRowMouseDown = (e: MouseEvent): void => {
    const r = rowAt(e);
    if (r !== null) select(r);
  };
  const onRowContextMenu = (e: MouseEvent): void => {
    const r = rowAt(e);
    if (r === null) return;
    e.preventDefault();
    const col = (e.target as HTMLElement).closest('[data-col]')?.getAttribute('data-col') ?? undefined;
    select(r);
    setMenu({ x: e.clientX, y: e.clientY, kind: 'cell', row: r, col });
    setFollowKinds(null);
    followKindsAt(session, r).then(setFollowKinds, () => setFollowKinds(new Set()));
  };

  return (
    <div className="event-table" onClick={() => setMenu(null)}>
      <div
        ref={scroller}
        className="table-scroller"
        tabIndex={0}
        role="grid"
        aria-rowcount={rowCount}
        aria-label="Events"
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        <div className="table-window" style={{ height: viewportPx, width: Math.max(totalWidth, 1) }} onMouseDown={onRowMouseDown} onContextMenu={onRowContextMenu}>
          <div className="table-header" role="row" style={{ height: HEADER_HEIGHT, width: totalWidth }}>
            {table.getHeaderGroups()[0]?.headers.map((h) => {
              const id = h.column.id;
              const sorted = sort?.column === id ? sort : null;
              const busy = sorting?.column === id;
              return (
              <div
                key={h.id}
                className={`th ${sorted ? 'sorted' : ''} ${busy ? 'sorting' : ''}`}
                role="columnheader"
                aria-sort={sorted ? (sorted.descending ? 'descending' : 'ascending') : 'none'}
                title={`Sort by ${byId.get(id)?.title ?? id} (click again: descending, a third time: event order)`}
                draggable
                data-col={id}
                style={{ width: h.getSize(), textAlign: byId.get(id)?.align ?? 'left' }}
                onClick={() => {
                  if (useApp.getState().sorting) return;
                  const next = nextSort(useApp.getState().sort, id);
                  void session.sortBy(next?.column ?? null, next?.descending ?? false);
                }}
                onDragStart={() => { dragCol.current = h.column.id; }}
                onDragOver={(e) => e.preventDefault()}
                onDrop={() => {
                  const from = dragCol.current;
                  dragCol.current = null;
                  if (!from || from === h.column.id) return;
                  const ids = [...columnOrder];
                  ids.splice(ids.indexOf(from), 1);
                  ids.splice(ids.indexOf(id), 0, from);
                  table.setColumnOrder(ids);
                }}
                onContextMenu={(e) => {
                  e.preventDefault();
                  setMenu({ x: e.clientX, y: e.clientY, kind: 'header' });
                }}
              >
                <span className="th-title">{String(h.column.columnDef.header ?? '')}</span>
                {sorted && <span className="th-sort" aria-hidden="true">{sorted.descending ? '▼' : '▲'}</span>}
                {busy && <span className="th-busy" aria-label="Sorting">⟳</span>}
                <span
                  className={`resizer ${h.column.getIsResizing() ? 'resizing' : ''}`}
                  onMouseDown={(e) => { e.stopPropagation(); h.getResizeHandler()(e); }}
                  onClick={(e) => e.stopPropagation()}
                  onDoubleClick={() => h.column.resetSize()}
                  draggable={false}
                  onDragStart={(e) => e.preventDefault()}
                />
              </div>
              );
            })}
          </div>
          <RowPool slots={slots} columns={poolColumns} width={totalWidth} slotRefs={slotRefs} />
          {rowCount === 0 && <div className="table-empty" style={{ top: HEADER_HEIGHT + 8 }}>{hasView ? 'No events match the filter' : 'No events yet'}</div>}
        </div>
        {/* Makes the scroll range: the sticky window above already takes viewportPx of it. */}
        <div style={{ height: Math.max(0, g.contentPx - rowsPx), width: 1 }} />
      </div>
      {menu && (
        <div className="menu" style={{ left: menu.x, top: menu.y }} role="menu" onClick={(e) => e.stopPropagation()}>
          {menu.kind === 'cell' && menu.row !== undefined && (
            <>
              <button role="menuitem" onClick={() => { copyText(rowText(menu.row!)); setMenu(null); }}>Copy row</button>
              <button role="menuitem" data-action="copy-csv" onClick={() => { copyRowAs(menu.row!, 'csv'); setMenu(null); }}>Copy ▸ As CSV</button>
              <button role="menuitem" data-action="copy-json" onClick={() => { copyRowAs(menu.row!, 'json'); setMenu(null); }}>Copy ▸ As JSON</button>
              {menu.col && (
                <button
                  role="menuitem"
                  onClick={() => {
                    const page = cache?.page(menu.row!);
                    const ec = byId.get(menu.col!);
                    if (page && ec) copyText(displayCell(cache!, page, ec, menu.row!, timeFormat, firstTime, ns));
                    setMenu(null);
                  }}
                >
                  Copy cell
                </button>
              )}
              <div className="menu-group" role="group" aria-label="Follow">
                <div className="menu-heading">Follow ▸</div>
                {FOLLOW_ORDER.map((k) => (
                  <button
                    key={k}
                    role="menuitem"
                    className="menu-sub"
                    disabled={!followKinds?.has(k)}
                    onClick={() => {
                      const page = cache?.page(menu.row!);
                      const ev = page ? page.events[menu.row! - page.start] : undefined;
                      if (ev !== undefined) openFollow(k, { event: ev });
                      setMenu(null);
                    }}
                  >
                    {FOLLOW_TITLES[k]}
                  </button>
                ))}
              </div>
              {isSet && rowMenu && (() => {
                const page = cache?.page(menu.row!);
                const ev = page ? page.events[menu.row! - page.start] : undefined;
                const pc = byId.get('protocol');
                if (!page || ev === undefined) return null;
                return rowMenu(ev, pc ? displayCell(cache!, page, pc, menu.row!, timeFormat, firstTime, ns) : '', () => setMenu(null));
              })()}
            </>
          )}
          {menu.kind === 'header' && (
            <>
              {table.getAllLeafColumns().map((c) => (
                <label key={c.id} className="menu-check">
                  <input type="checkbox" checked={c.getIsVisible()} onChange={() => c.toggleVisibility()} />
                  {byId.get(c.id)?.title ?? c.id}
                </label>
              ))}
              <button role="menuitem" onClick={() => { resetLayout(); setMenu(null); }}>
                Reset columns
              </button>
              <button role="menuitem" onClick={() => { useApp.setState({ panel: 'columns' }); setMenu(null); }}>
                Columns…
              </button>
              {sort && (
                <button role="menuitem" onClick={() => { void session.sortBy(null); setMenu(null); }}>
                  Event order (remove sort)
                </button>
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}
