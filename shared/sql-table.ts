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

/**
 * Rows as columns, by each column's getter. Texts get ids in order of first use; a row that
 * repeats its neighbour's text (one connection's host, method, version) skips the Map.
 */
export function rowsToColumns<R>(rows: readonly R[], defs: readonly ColumnDef<R>[]): SqlTableColumn[] {
  const n = rows.length;
  return defs.map((d) => {
    const get = d.get;
    if (d.type === 'VARCHAR') {
      const dict: string[] = [];
      const codes = new Map<string, number>();
      const ids = new Uint32Array(n).fill(NO_TEXT);
      let last: string | undefined;
      let lastId = NO_TEXT;
      for (let i = 0; i < n; i++) {
        const v = get(rows[i]);
        if (v === null || v === undefined) continue;
        const t = String(v);
        if (t !== last) {
          let id = codes.get(t);
          if (id === undefined) codes.set(t, (id = dict.push(t) - 1));
          last = t;
          lastId = id;
        }
        ids[i] = lastId;
      }
      return { name: d.name, type: d.type, ids, dict };
    }
    const nums = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = get(rows[i]);
      nums[i] = v === null || v === undefined ? NaN : Number(v);
    }
    return { name: d.name, type: d.type, nums };
  });
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
