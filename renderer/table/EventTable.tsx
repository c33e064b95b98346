/**
 * The event table: TanStack Table holds the column model (sizes, order, visibility); the rows
 * are our own fixed-height virtual list over a scaled scroll range (scroll-math.ts), reading
 * pages straight from the RowCache so 10 M rows cost nothing until they are looked at.
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type CSSProperties, type KeyboardEvent, type MouseEvent } from 'react';
import {
  columnOrderingFeature,
  columnResizingFeature,
  columnSizingFeature,
  columnVisibilityFeature,
  createColumnHelper,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { RowFlag, type ColumnDef as EngineColumn, type RowsPage } from '../../shared/rpc.ts';
import { shownCount, useApp, type TableSort } from '../app/store.ts';
import type { Session } from '../app/session.ts';
import { shortcutOf } from '../app/shortcuts.ts';
import { absoluteTime, absoluteTimeNs, formatTime, nanosecondCapture, nsTextToSeconds, secondsNs, type TimeFormat } from './format.ts';
import { cellText, type RowCache } from './row-cache.ts';
import { rowsAsCsv, rowsAsJson } from './copy-rows.ts';
import { orderedIds, resetLayout, updateLayout } from './column-layout.ts';
import { geometry, revealRow, scrollTopFor, virtualTop, visibleRows } from './scroll-math.ts';
import type { FollowKind } from '../app/store.ts';
import { FOLLOW_ORDER, FOLLOW_TITLES, followKindsAt, openFollow } from '../streams/follow-kinds.ts';
import { useColours } from '../colours/colour-store.ts';
import { rowColour, type RowColour } from '../colours/row-colour.ts';

export const ROW_HEIGHT = 20;
const HEADER_HEIGHT = 24;

const features = tableFeatures({ columnSizingFeature, columnResizingFeature, columnOrderingFeature, columnVisibilityFeature });
type NoRow = Record<string, never>;
const helper = createColumnHelper<typeof features, NoRow>();
const NO_DATA: NoRow[] = [];

/** Colour class for a row, most important flag first (as Wireshark's default rules rank them). */
export function rowClass(flags: number): string {
  if (flags & (RowFlag.Malformed | RowFlag.Error)) return 'row-error';
  if (flags & RowFlag.Failed) return 'row-failed';
  if (flags & RowFlag.TcpRst) return 'row-rst';
  if (flags & (RowFlag.TcpSyn | RowFlag.TcpFin)) return 'row-synfin';
  if (flags & RowFlag.Http) return 'row-http';
  if (flags & RowFlag.Dns) return 'row-dns';
  return '';
}

/**
 * The sort after a click on column `column`'s header: ascending, then descending, then event
 * order again (Wireshark's cycle).
 */
export function nextSort(current: TableSort | null, column: string): TableSort | null {
  if (!current || current.column !== column) return { column, descending: false };
  return current.descending ? null : { column, descending: true };
}

/** Exact times of a nanosecond capture: the first event's epoch nanoseconds. */
export interface NsTimes {
  firstNs: bigint | null;
}

/**
 * A time cell of a nanosecond capture with 9 digits, from the rows' exact epoch nanoseconds
 * (floats cannot hold nanoseconds of an epoch time); null when the times needed are not at hand.
 */
function exactTime(cache: RowCache, page: RowsPage, row: number, fmt: TimeFormat, ns: NsTimes): string | null {
  const i = row - page.start;
  const here = page.timesNs[i];
  if (here === undefined) return null;
  switch (fmt) {
    case 'absolute':
    case 'utc':
      return absoluteTimeNs(here, fmt === 'utc');
    case 'relative':
      return ns.firstNs === null ? null : secondsNs(here - ns.firstNs);
    case 'delta-captured':
      return secondsNs(here - page.prevTimesNs[i]);
    case 'delta': {
      if (row === 0) return secondsNs(0n);
      const pp = row - 1 >= page.start ? page : cache.page(row - 1);
      if (!pp) return '…';
      const prev = pp.timesNs[row - 1 - pp.start];
      return prev === undefined ? null : secondsNs(here - prev);
    }
  }
}

/**
 * Text of a cell as displayed (time columns follow the chosen time format; `ns` is given for
 * nanosecond captures, whose times show 9 digits).
 */
export function displayCell(
  cache: RowCache, page: RowsPage, col: EngineColumn, row: number, fmt: TimeFormat, firstTime: number | null, ns?: NsTimes,
): string {
  if (col.id !== 'time') return cellText(page, col.id, row);
  const i = row - page.start;
  const t = page.times[i];
  if (t === undefined) return '';
  if (ns) {
    const exact = exactTime(cache, page, row, fmt, ns);
    if (exact !== null) return exact;
  }
  if (fmt === 'absolute' || fmt === 'utc') return absoluteTime(t, fmt === 'utc');
  if (fmt === 'delta-captured') return formatTime(fmt, t, firstTime, page.prevTimes[i]);
  let prev: number | null = null;
  if (fmt === 'delta' && row > 0) {
    const pp = row - 1 >= page.start ? page : cache.page(row - 1);
    const pt = pp?.times[row - 1 - (pp?.start ?? 0)];
    if (pt === undefined) return '…';
    prev = pt;
  }
  return formatTime(fmt, t, firstTime, prev);
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
}

export function EventTable({ session }: Props) {
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
  const [vTop, setVTop] = useState(0);
  const vTopRef = useRef(0);
  const frame = useRef(0);
  const [menu, setMenu] = useState<{ x: number; y: number; kind: 'header' | 'cell'; row?: number; col?: string } | null>(null);
  const dragCol = useRef<string | null>(null);
  /** Follow ▸ items that apply to the right-clicked row (null while asking the engine). */
  const [followKinds, setFollowKinds] = useState<Set<FollowKind> | null>(null);

  const version = useSyncExternalStore(
    (l) => (cache ? cache.subscribe(l) : () => {}),
    () => (cache ? cache.version() : 0),
  );

  const rowsPx = Math.max(0, viewportPx - HEADER_HEIGHT);
  const g = geometry(rowCount, ROW_HEIGHT, rowsPx);
  const vis = visibleRows(g, vTop, ROW_HEIGHT, rowCount);
  const firstTime = useMemo(() => nsTextToSeconds(firstTimeNs), [firstTimeNs]);
  const ns: NsTimes | undefined = useMemo(
    () => (nanoseconds ? { firstNs: firstTimeNs !== null && /^-?\d+$/.test(firstTimeNs) ? BigInt(firstTimeNs) : null } : undefined),
    [firstTimeNs, nanoseconds],
  );

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewportPx(el.clientHeight));
    ro.observe(el);
    setViewportPx(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  // `version` too: a new filter view clears the cache without necessarily changing the count.
  useEffect(() => {
    cache?.ensure(vis.first, vis.end, rowCount);
  }, [cache, vis.first, vis.end, rowCount, version]);

  // A new filter view or sort starts at its first row (or at the selected event, below).
  const viewKey = useApp((s) => s.view);
  useEffect(() => {
    vTopRef.current = 0;
    setVTop(0);
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [viewKey, sort]);

  useEffect(() => {
    if (cache && rowCount > 0 && cache.page(vis.first)) session.markFirstRows();
  }, [cache, version, rowCount, vis.first, session]);

  const onScroll = (): void => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const el = scroller.current;
      if (!el) return;
      const v = virtualTop(geometry(rowCount, ROW_HEIGHT, el.clientHeight - HEADER_HEIGHT), el.scrollTop);
      vTopRef.current = v;
      setVTop(v);
    });
  };

  const select = (row: number): void => selectRow(row, rowCount, cache);

  // Bring the selected row into view, whoever selected it (keyboard, Go menu, Ctrl+G).
  useEffect(() => {
    if (selectedRow < 0) return;
    const next = revealRow(vTopRef.current, selectedRow, ROW_HEIGHT, rowsPx);
    if (next === vTopRef.current) return;
    vTopRef.current = next;
    setVTop(next);
    const el = scroller.current;
    if (el) el.scrollTop = scrollTopFor(geometry(rowCount, ROW_HEIGHT, rowsPx), next);
  }, [selectedRow, viewKey, sort]);

  // The event number of a selected row may arrive with its page after the selection.
  useEffect(() => {
    if (selectedRow < 0 || !cache) return;
    const page = cache.page(selectedRow);
    const ev = page ? page.events[selectedRow - page.start] : undefined;
    if (ev !== undefined && useApp.getState().selectedEvent !== ev) useApp.setState({ selectedEvent: ev });
  }, [version, selectedRow, cache]);

  const visibleCols = table.getVisibleLeafColumns();
  const totalWidth = table.getTotalSize();

  const rowCells = (row: number): string[] => {
    const page = cache?.page(row);
    if (!page) return [];
    return visibleCols.map((c) => {
      const ec = byId.get(c.id);
      return ec ? displayCell(cache!, page, ec, row, timeFormat, firstTime, ns) : '';
    });
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

  const rowsOut = [];
  for (let r = vis.first; r < vis.end; r++) {
    const page = cache?.page(r);
    const flags = page ? page.flags[r - page.start] : 0;
    // With colouring rules in force the page says which rule matched; a row no rule matches (and
    // every row when colouring is off) keeps the index flags' colour (failed syscalls, malformed).
    const colour = page && r !== selectedRow ? rowColour(page, r, colourRules, ruleCss) : undefined;
    const cls = `row ${r % 2 ? 'odd' : ''} ${page ? (colour ? 'ruled' : rowClass(flags)) : 'loading'} ${r === selectedRow ? 'selected' : ''}`;
    rowsOut.push(
      <div
        key={r}
        className={cls}
        role="row"
        aria-rowindex={r + 1}
        aria-selected={r === selectedRow}
        data-row={r}
        style={{ top: vis.offsetPx + (r - vis.first) * ROW_HEIGHT + HEADER_HEIGHT, height: ROW_HEIGHT, width: totalWidth, ...colour }}
        onMouseDown={() => select(r)}
        onContextMenu={(e: MouseEvent) => {
          e.preventDefault();
          const col = (e.target as HTMLElement).closest('[data-col]')?.getAttribute('data-col') ?? undefined;
          select(r);
          setMenu({ x: e.clientX, y: e.clientY, kind: 'cell', row: r, col });
          setFollowKinds(null);
          followKindsAt(session, r).then(setFollowKinds, () => setFollowKinds(new Set()));
        }}
      >
        {visibleCols.map((c) => {
          const ec = byId.get(c.id);
          const text = page && ec ? displayCell(cache!, page, ec, r, timeFormat, firstTime, ns) : '';
          const style: CSSProperties = { width: c.getSize(), textAlign: ec?.align ?? 'left' };
          return (
            <div key={c.id} className="cell" role="gridcell" data-col={c.id} style={style}>
              {text}
            </div>
          );
        })}
      </div>,
    );
  }

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
        <div className="table-window" style={{ height: viewportPx, width: Math.max(totalWidth, 1) }}>
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
          {rowsOut}
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
