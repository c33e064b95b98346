/**
 * What the event table's rows show, and the painting of a fixed pool of row elements. A scroll
 * frame does not go through React: it moves the pool's elements (transform) and writes only the
 * texts, classes and colours that changed. Each page's cells are formatted into strings once
 * (per column set and time format) and then only read.
 */
import { RowFlag, type ColumnDef as EngineColumn, type RowsPage } from '../../shared/rpc.ts';
import type { ColourRule } from '../../shared/colour-rules.ts';
import { rowColour, type RowColour } from '../colours/row-colour.ts';
import { absoluteTime, absoluteTimeNs, formatTime, secondsNs, type TimeFormat } from './format.ts';
import { cellText, type RowCache } from './row-cache.ts';

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

/** Exact times of a nanosecond capture: the first event's epoch nanoseconds. */
export interface NsTimes {
  firstNs: bigint | null;
}

/** Shown while the previous displayed event's page (needed for a delta time) is being fetched. */
export const PENDING = '…';

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
      if (!pp) return PENDING;
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
    if (pt === undefined) return PENDING;
    prev = pt;
  }
  return formatTime(fmt, t, firstTime, prev);
}

/** How cells are formatted: the shown columns in order and the time display. */
export interface CellFormat {
  columns: readonly EngineColumn[];
  timeFormat: TimeFormat;
  firstTime: number | null;
  ns?: NsTimes;
}

/**
 * The cell texts of rows, formatted once per page for one CellFormat (a new format needs a new
 * PageTexts). A row's texts are kept unless one still waits for another page (PENDING).
 */
export interface PageTexts {
  format: CellFormat;
  /** Texts of `row`'s cells in column order; `page` holds the row. */
  row(cache: RowCache, page: RowsPage, row: number): readonly string[];
  /** Rows formatted so far (tests: each row once). */
  formatted(): number;
}

export function createPageTexts(format: CellFormat): PageTexts {
  const byPage = new WeakMap<RowsPage, (readonly string[] | undefined)[]>();
  let count = 0;
  return {
    format,
    row(cache, page, row) {
      let rows = byPage.get(page);
      if (!rows) {
        rows = new Array<readonly string[] | undefined>(page.events.length);
        byPage.set(page, rows);
      }
      const i = row - page.start;
      const have = rows[i];
      if (have) return have;
      count++;
      const texts = format.columns.map((c) => displayCell(cache, page, c, row, format.timeFormat, format.firstTime, format.ns));
      if (!texts.includes(PENDING)) rows[i] = texts;
      return texts;
    },
    formatted: () => count,
  };
}

/** What one row element shows. */
export interface RowLook {
  /** Row index, or -1 for a spare element (hidden). */
  row: number;
  className: string;
  /** Y of the element's top in the table window, px. */
  y: number;
  texts: readonly string[];
  colour: RowColour | undefined;
}

export interface PaintInput {
  cache: RowCache | null;
  texts: PageTexts;
  selectedRow: number;
  rules: readonly ColourRule[];
  ruleCss: Map<number, RowColour>;
}

const NO_TEXTS: readonly string[] = [];

/** The look of row `row` drawn at `y` (pure but for the caches). */
export function rowLook(input: PaintInput, row: number, y: number): RowLook {
  const page = input.cache?.page(row);
  const selected = row === input.selectedRow;
  const colour = page && !selected ? rowColour(page, row, input.rules, input.ruleCss) : undefined;
  const state = page ? (colour ? 'ruled' : rowClass(page.flags[row - page.start])) : 'loading';
  // TCP's own Info while the TCP analysis has not reached the frame: marked, never shown as final.
  const late = page?.pending?.[row - page.start] ? ' analysing' : '';
  return {
    row,
    className: `row ${row % 2 ? 'odd' : ''} ${state}${late} ${selected ? 'selected' : ''}`,
    y,
    texts: page ? input.texts.row(input.cache!, page, row) : NO_TEXTS,
    colour,
  };
}

/** What a pool element shows now, so a frame writes only what changed. */
export interface Painted {
  row: number;
  className: string;
  y: number;
  texts: string[];
  background: string;
  color: string;
}

export const blankPainted = (): Painted => ({ row: NaN, className: '', y: NaN, texts: [], background: '', color: '' });

/**
 * Bring element `el` (a row of the pool: its children are the cells, in column order) to `look`,
 * touching only what differs from `was`; returns the number of DOM writes (tests, profiling).
 */
export function paintRow(el: HTMLElement, look: RowLook, was: Painted): number {
  let writes = 0;
  if (look.row < 0) {
    if (was.row !== -1) {
      el.className = 'row-spare';
      el.hidden = true;
      el.removeAttribute('data-row');
      was.row = -1;
      was.className = 'row-spare';
      writes++;
    }
    return writes;
  }
  if (was.row !== look.row) {
    if (was.row === -1 || Number.isNaN(was.row)) el.hidden = false;
    el.setAttribute('data-row', String(look.row));
    el.setAttribute('aria-rowindex', String(look.row + 1));
    was.row = look.row;
    writes++;
  }
  if (was.className !== look.className) {
    el.className = look.className;
    el.setAttribute('aria-selected', String(look.className.includes(' selected')));
    was.className = look.className;
    writes++;
  }
  if (was.y !== look.y) {
    el.style.transform = `translateY(${look.y}px)`;
    was.y = look.y;
    writes++;
  }
  const bg = look.colour?.background ?? '';
  const fg = look.colour?.color ?? '';
  if (was.background !== bg || was.color !== fg) {
    el.style.background = bg;
    el.style.color = fg;
    was.background = bg;
    was.color = fg;
    writes++;
  }
  const cells = el.children;
  for (let k = 0; k < cells.length; k++) {
    const t = look.texts[k] ?? '';
    if (was.texts[k] !== t) {
      cells[k].textContent = t;
      was.texts[k] = t;
      writes++;
    }
  }
  return writes;
}
