/**
 * Columns of the SQL tables (docs/sql.md) built from rows, and the declarations of the `http` and
 * `conversations` tables: one declaration each, read by the engine (which sends the `http` table
 * as columns, `httpTable`) and by the CLI (conversations).
 */
import { NO_TEXT, type HttpExchangeRow } from './rpc.ts';
import type { ConversationRow } from './stats.ts';

/** A table column: numbers (NaN = NULL), or texts as ids into `dict` (NO_TEXT = NULL). */
export interface SqlTableColumn {
  name: string;
  type: 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';
  nums?: Float64Array;
  ids?: Uint32Array;
  dict?: string[];
}

/** A column and how each row gives its value (null/undefined → NULL). */
export interface ColumnDef<R> {
  name: string;
  type: SqlTableColumn['type'];
  get: (r: R) => string | number | boolean | null | undefined;
}

/** The `http` table after `capture`: snake_case of the row's keys (`time` is added from the events' times). */
export const HTTP_COLUMNS: readonly ColumnDef<HttpExchangeRow>[] = [
  { name: 'stream', type: 'VARCHAR', get: (r) => r.stream },
  { name: 'exchange', type: 'BIGINT', get: (r) => r.index },
  { name: 'stream_id', type: 'BIGINT', get: (r) => r.streamId },
  { name: 'request', type: 'BIGINT', get: (r) => r.request },
  { name: 'request_end', type: 'BIGINT', get: (r) => r.requestEnd },
  { name: 'response', type: 'BIGINT', get: (r) => r.response },
  { name: 'response_end', type: 'BIGINT', get: (r) => r.responseEnd },
  { name: 'version', type: 'VARCHAR', get: (r) => r.version },
  { name: 'method', type: 'VARCHAR', get: (r) => r.method },
  { name: 'host', type: 'VARCHAR', get: (r) => r.host },
  { name: 'uri', type: 'VARCHAR', get: (r) => r.uri },
  { name: 'status', type: 'BIGINT', get: (r) => r.status },
  { name: 'phrase', type: 'VARCHAR', get: (r) => r.phrase },
  { name: 'request_body_bytes', type: 'BIGINT', get: (r) => r.requestBodyBytes },
  { name: 'response_body_bytes', type: 'BIGINT', get: (r) => r.responseBodyBytes },
  { name: 'response_wire_bytes', type: 'BIGINT', get: (r) => r.responseWireBytes },
  { name: 'content_type', type: 'VARCHAR', get: (r) => r.contentType },
  { name: 'content_encoding', type: 'VARCHAR', get: (r) => r.contentEncoding },
  { name: 'duration', type: 'DOUBLE', get: (r) => r.duration },
  { name: 'upgrade', type: 'VARCHAR', get: (r) => r.upgrade },
  { name: 'truncated', type: 'BOOLEAN', get: (r) => r.truncated },
  { name: 'incomplete', type: 'BOOLEAN', get: (r) => r.incomplete },
];

export const CONVERSATION_COLUMNS: readonly ColumnDef<ConversationRow>[] = [
  { name: 'address_a', type: 'VARCHAR', get: (r) => r.addressA },
  { name: 'port_a', type: 'BIGINT', get: (r) => r.portA },
  { name: 'address_b', type: 'VARCHAR', get: (r) => r.addressB },
  { name: 'port_b', type: 'BIGINT', get: (r) => r.portB },
  { name: 'frames_ab', type: 'BIGINT', get: (r) => r.framesAB },
  { name: 'bytes_ab', type: 'BIGINT', get: (r) => r.bytesAB },
  { name: 'frames_ba', type: 'BIGINT', get: (r) => r.framesBA },
  { name: 'bytes_ba', type: 'BIGINT', get: (r) => r.bytesBA },
  { name: 'frames', type: 'BIGINT', get: (r) => r.frames },
  { name: 'bytes', type: 'BIGINT', get: (r) => r.bytes },
  { name: 'start', type: 'DOUBLE', get: (r) => r.start },
  { name: 'duration', type: 'DOUBLE', get: (r) => r.duration },
  { name: 'stream', type: 'BIGINT', get: (r) => r.stream },
];

interface TextCell {
  ids: Uint32Array;
  dict: string[];
  codes: Map<string, number>;
  last: string | undefined;
  lastId: number;
}

export type CellValue = string | number | boolean | null | undefined;

export interface ColumnsBuilder<R> {
  /** Row `i` by each column's getter. */
  add: (i: number, row: R) => void;
  /** One cell: column `c` (its position in the definitions) of row `i`. Every cell of a row must be put. */
  put: (c: number, i: number, v: CellValue) => void;
  /** Column `c`'s text ids (a text column) or numbers, to store or copy a cell without `put` (engine/host/http-table.ts). */
  idsOf: (c: number) => Uint32Array;
  numsOf: (c: number) => Float64Array;
  finish: () => SqlTableColumn[];
}

/**
 * Columns filled a row at a time (`add`), or a cell at a time (`put`, for a caller that reads
 * the values from columns of its own), so no array of row objects outlives the young
 * generation. Texts get ids in order of first use; a row that repeats its neighbour's text (one
 * connection's host, method, version) skips the Map.
 */
export function columnsBuilder<R>(defs: readonly ColumnDef<R>[], n: number): ColumnsBuilder<R> {
  const texts: (TextCell | null)[] = defs.map((d) => (d.type === 'VARCHAR' ? { ids: new Uint32Array(n).fill(NO_TEXT), dict: [], codes: new Map(), last: undefined, lastId: NO_TEXT } : null));
  const nums: (Float64Array | null)[] = defs.map((d) => (d.type === 'VARCHAR' ? null : new Float64Array(n)));
  const put = (c: number, i: number, v: CellValue): void => {
    const t = texts[c];
    if (t === null) {
      (nums[c] as Float64Array)[i] = v === null || v === undefined ? NaN : Number(v);
      return;
    }
    if (v === null || v === undefined) return;
    const s = String(v);
    if (s !== t.last) {
      let id = t.codes.get(s);
      if (id === undefined) t.codes.set(s, (id = t.dict.push(s) - 1));
      t.last = s;
      t.lastId = id;
    }
    t.ids[i] = t.lastId;
  };
  const add = (i: number, row: R): void => {
    for (let c = 0; c < defs.length; c++) put(c, i, defs[c].get(row));
  };
  const finish = (): SqlTableColumn[] => defs.map((d, c) => {
    const t = texts[c];
    return t ? { name: d.name, type: d.type, ids: t.ids, dict: t.dict } : { name: d.name, type: d.type, nums: nums[c] as Float64Array };
  });
  const idsOf = (c: number): Uint32Array => {
    const t = texts[c];
    if (t === null) throw new Error(`column ${defs[c].name} holds numbers`);
    return t.ids;
  };
  const numsOf = (c: number): Float64Array => {
    const v = nums[c];
    if (v === null) throw new Error(`column ${defs[c].name} holds texts`);
    return v;
  };
  return { add, put, idsOf, numsOf, finish };
}

/** Rows as columns, by each column's getter (columnsBuilder). */
export function rowsToColumns<R>(rows: readonly R[], defs: readonly ColumnDef<R>[]): SqlTableColumn[] {
  const b = columnsBuilder(defs, rows.length);
  for (let i = 0; i < rows.length; i++) b.add(i, rows[i]);
  return b.finish();
}

/** A page of the `http` table: exchanges [start, start + n) of the unfiltered list, `time` last. */
export interface HttpTablePage {
  start: number;
  /** Exchanges in the capture. */
  total: number;
  columns: SqlTableColumn[];
}

/** Most rows one `httpTable` page holds (a Parquet row group). */
export const MAX_HTTP_TABLE_ROWS = 65536;
