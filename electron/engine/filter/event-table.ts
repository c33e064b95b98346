/**
 * The `events` table of SQL and Parquet export (docs/sql.md): one row per event, one typed column
 * per table column and per indexed field, sent as columns of a page so the CLI appends them to
 * DuckDB without building a row object. Numbers come from the index columns (filter/column-filter.ts),
 * the table's text columns (Source, Info, …) from the capture's own `cells`, so the table says what
 * the window shows.
 */
import { NO_TEXT, type EventTableColumn, type EventTablePage } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { columnFields, type ColumnField } from './column-filter.ts';

/** Indexed fields every capture that has them adds beyond its table columns. */
const EXTRA_FIELDS = [
  'frame.cap_len', 'tcp.stream', 'udp.stream', 'tcp.srcport', 'tcp.dstport', 'tcp.flags', 'tcp.len',
  'fd.stream', 'evt.rawres', 'evt.latency',
];

/** Table columns the `number` and `time` columns already hold. */
const SKIPPED_COLUMNS = new Set(['no', 'time']);

type Source =
  | { from: 'cell'; index: number; id: string }
  /** A column the capture sorts by from its index (Source, Protocol …): no dissection. */
  | { from: 'key'; id: string }
  | { from: 'field'; field: ColumnField };

interface Layout {
  names: string[];
  types: EventTableColumn['type'][];
  sources: Source[];
}

/** SQL column names are snake_case (docs/sql.md): `tcp.stream` → `tcp_stream`. */
export function sqlName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/**
 * `info: false` leaves out the columns only a dissection gives (Info): the rest of the table then
 * comes from the index alone, at a fraction of the cost.
 */
function layout(capture: Capture, info: boolean): Layout {
  const fields = columnFields(capture.internals());
  const out: Layout = { names: ['number', 'time'], types: ['BIGINT', 'DOUBLE'], sources: [] };
  const add = (name: string, src: Source): void => {
    if (out.names.includes(name)) return;
    out.names.push(name);
    out.types.push(src.from === 'field' && src.field.kind === 'num' ? 'BIGINT' : 'VARCHAR');
    out.sources.push(src);
  };
  capture.columns().forEach((col, index) => {
    if (SKIPPED_COLUMNS.has(col.id)) return;
    const field = col.field !== undefined ? fields.get(col.field) : undefined;
    if (field && col.field !== undefined) add(sqlName(col.field), { from: 'field', field });
    else if (capture.count() > 0 && typeof capture.sortKey?.(1, col.id) === 'string') add(sqlName(col.title), { from: 'key', id: col.id });
    else if (info) add(sqlName(col.title), { from: 'cell', index, id: col.id });
  });
  for (const name of EXTRA_FIELDS) {
    const field = fields.get(name);
    if (field) add(sqlName(name), { from: 'field', field });
  }
  return out;
}

interface TextColumn {
  ids: Uint32Array;
  dict: string[];
  codes: Map<string, number>;
}

function textColumn(n: number): TextColumn {
  return { ids: new Uint32Array(n).fill(NO_TEXT), dict: [], codes: new Map() };
}

function code(col: TextColumn, text: string): number {
  let id = col.codes.get(text);
  if (id === undefined) {
    id = col.dict.length;
    col.dict.push(text);
    col.codes.set(text, id);
  }
  return id;
}

/** A sort-key column's texts: a page at a time where the capture can (the session's Protocol: no layer walk per event). */
function fillKey(capture: Capture, id: string, start: number, n: number, col: TextColumn): void {
  const keys = n > 0 ? capture.sortKeys?.(id, start, n) : undefined;
  // Neighbouring events mostly repeat a text (one conversation's addresses): no Map lookup then.
  let last: string | number | undefined;
  let lastId = NO_TEXT;
  for (let r = 0; r < n; r++) {
    const v = keys ? keys[r] : capture.sortKey?.(start + r + 1, id);
    if (v === undefined) continue;
    if (v !== last) {
      last = v;
      lastId = code(col, String(v));
    }
    col.ids[r] = lastId;
  }
}

/** A text field's values from the index; none where the event has none (or not exactly). */
function fillFieldText(f: ColumnField, start: number, n: number, col: TextColumn): void {
  for (let r = 0; r < n; r++) {
    const e = start + r + 1;
    if (!f.has(e) || (f.exact !== undefined && !f.exact(e))) continue;
    col.ids[r] = code(col, f.kind === 'str' ? f.strings.strings[f.id(e)] ?? '' : String(f.num(e)));
  }
}

/** A number field's values from the index (NaN stays where the event has none, or not exactly). */
function fillNum(f: ColumnField, start: number, n: number, nums: Float64Array): void {
  if (f.kind !== 'num') return;
  if (f.fill) {
    f.fill(start, n, nums);
    return;
  }
  const { has, exact, num } = f;
  for (let r = 0; r < n; r++) {
    const e = start + r + 1;
    if (has(e) && (exact === undefined || exact(e))) nums[r] = num(e);
  }
}

/**
 * Events start+1 .. start+count (0-based start, every event, in capture order). A number column
 * holds NaN where the event has no value, a text column NO_TEXT; a field the index does not hold
 * exactly for an event (a packet with two TCP headers) is NaN too: the table keeps to what the
 * index knows, and docs/sql.md says so.
 */
export function eventTablePage(capture: Capture, start: number, count: number, info = true): EventTablePage {
  const total = capture.count();
  const n = Math.max(0, Math.min(count, total - start));
  const l = layout(capture, info);
  const number = new Float64Array(n);
  const time = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    number[r] = start + r + 1;
    time[r] = capture.time(start + r + 1);
  }
  const cols = l.sources.map((_, k) => (l.types[k + 2] === 'VARCHAR' ? textColumn(n) : { nums: new Float64Array(n).fill(NaN) }));
  // A column at a time (one closure per loop), the cells of a dissection a row at a time.
  const cellCols: { col: TextColumn; index: number }[] = [];
  l.sources.forEach((s, k) => {
    const col = cols[k];
    if (s.from === 'cell') {
      // The capture's page of the column where it has one (the session's Info), else a dissection per row.
      const texts = n > 0 ? capture.cellTexts?.(s.id, start, n) : undefined;
      if (texts) cols[k] = { ...texts, codes: new Map() };
      else if ('codes' in col) cellCols.push({ col, index: s.index });
    } else if (s.from === 'key') {
      const texts = n > 0 ? capture.sortKeyTexts?.(s.id, start, n) : undefined;
      if (texts) cols[k] = { ...texts, codes: new Map() };
      else if ('codes' in col) fillKey(capture, s.id, start, n, col);
    } else if ('codes' in col) {
      // An interned column's page where the field has one (syscalls' proc.name, fd.name …), else a lookup per row.
      const texts = n > 0 && s.field.kind === 'str' && s.field.exact === undefined ? s.field.texts?.(start, n) : undefined;
      if (texts) cols[k] = { ...texts, codes: new Map() };
      else fillFieldText(s.field, start, n, col);
    }
    else fillNum(s.field, start, n, col.nums);
  });
  if (cellCols.length > 0) {
    const cells = new Array<string>(capture.columns().length).fill('');
    for (let r = 0; r < n; r++) {
      capture.cells(start + r + 1, cells);
      for (const c of cellCols) c.col.ids[r] = code(c.col, cells[c.index] ?? '');
    }
  }
  const columns: EventTableColumn[] = [
    { name: 'number', type: 'BIGINT', nums: number },
    { name: 'time', type: 'DOUBLE', nums: time },
    ...l.sources.map((_, k) => {
      const col = cols[k];
      return 'codes' in col ? { name: l.names[k + 2], type: l.types[k + 2], ids: col.ids, dict: col.dict } : { name: l.names[k + 2], type: l.types[k + 2], nums: col.nums };
    }),
  ];
  return { start, total, columns };
}
