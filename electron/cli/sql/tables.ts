/**
 * The three SQL tables of a capture (docs/sql.md): `events` from the engine's `eventTable` pages,
 * `http` from the exchange list `tracelens http` prints, `conversations` from `stats conv,tcp` and
 * `conv,udp`. Every row carries `capture`, the file it came from, so several captures share them.
 */
import type { EngineClient } from '../../../shared/engine-client.ts';
import { MAX_EVENT_TABLE_ROWS, NO_TEXT, type HttpExchangeRow } from '../../../shared/rpc.ts';
import type { ConversationRow } from '../../../shared/stats.ts';
import { exchangeRows } from '../streams-cli.ts';
import type { SqlColumn } from './duck.ts';

export const TABLES = ['events', 'http', 'conversations'] as const;

export type Table = (typeof TABLES)[number];

/**
 * Where a table's rows go, a batch of columns at a time: DuckDB (duck.ts appendColumns) or a
 * Parquet file (parquet-tables.ts). `constants` are columns with one text for every row (the
 * capture's name), first in the table; a batch of 0 rows still declares the columns.
 */
export type TableSink = (table: Table, columns: readonly SqlColumn[], rows: number, constants: readonly { name: string; text: string }[]) => Promise<void>;

/** The `http` table: its columns and how each is read from an exchange row (snake_case of the row's keys). */
const HTTP_COLUMNS: { name: string; type: SqlColumn['type']; get: (r: HttpExchangeRow) => string | number | boolean | null | undefined }[] = [
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

const CONVERSATION_COLUMNS: { name: string; type: SqlColumn['type']; get: (r: ConversationRow) => string | number | null }[] = [
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

/** Rows as columns, by each column's getter (null/undefined → NULL). */
export function rowsToColumns<R>(rows: readonly R[], defs: readonly { name: string; type: SqlColumn['type']; get: (r: R) => string | number | boolean | null | undefined }[]): SqlColumn[] {
  return defs.map((d) => {
    if (d.type === 'VARCHAR') {
      const dict: string[] = [];
      const codes = new Map<string, number>();
      const ids = new Uint32Array(rows.length).fill(NO_TEXT);
      rows.forEach((r, i) => {
        const v = d.get(r);
        if (v === null || v === undefined) return;
        const t = String(v);
        let id = codes.get(t);
        if (id === undefined) codes.set(t, (id = dict.push(t) - 1));
        ids[i] = id;
      });
      return { name: d.name, type: d.type, ids, dict };
    }
    const nums = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      const v = d.get(r);
      nums[i] = v === null || v === undefined ? NaN : Number(v);
    });
    return { name: d.name, type: d.type, nums };
  });
}

/** Every event of the open capture into `events`; returns each event's time (epoch seconds), by number - 1. */
export async function loadEvents(client: EngineClient, sink: TableSink, capture: string, info = true): Promise<Float64Array> {
  const constants = [{ name: 'capture', text: capture }];
  let times = new Float64Array(0);
  let next = client.call('eventTable', { start: 0, count: MAX_EVENT_TABLE_ROWS, info });
  for (let start = 0; ; ) {
    const page = await next;
    const n = page.columns[0]?.nums?.length ?? 0;
    // The engine builds the next page while this one is written (two threads, two cores).
    if (n > 0 && start + n < page.total) {
      next = client.call('eventTable', { start: start + n, count: MAX_EVENT_TABLE_ROWS, info });
      // Awaited on the next turn; a failing sink before then must not leave it unhandled.
      next.catch(() => undefined);
    }
    if (n === 0) {
      // A capture with no events still gets its columns.
      if (start === 0) await sink('events', page.columns, 0, constants);
      return times;
    }
    if (times.length < page.total) {
      const t = new Float64Array(page.total);
      t.set(times);
      times = t;
    }
    const time = page.columns.find((c) => c.name === 'time')?.nums;
    if (time) for (let r = 0; r < n; r++) times[start + r] = time[r];
    await sink('events', page.columns, n, constants);
    start += n;
    if (start >= page.total) return times;
  }
}

/** Rows of `http` per batch (a Parquet row group). */
const HTTP_BATCH = 65536;

/** Every HTTP exchange into `http`, with `time`: the epoch seconds of its first event (from `loadEvents`'s times). */
export async function loadHttp(client: EngineClient, sink: TableSink, capture: string, times: Float64Array): Promise<number> {
  const batch: HttpExchangeRow[] = [];
  let rows = 0;
  const flush = async (): Promise<void> => {
    const time = new Float64Array(batch.length);
    batch.forEach((r, i) => {
      const e = r.request ?? r.response;
      time[i] = e === undefined || e === null ? NaN : times[e - 1] ?? NaN;
    });
    await sink('http', [...rowsToColumns(batch, HTTP_COLUMNS), { name: 'time', type: 'DOUBLE', nums: time }], batch.length, [{ name: 'capture', text: capture }]);
    rows += batch.length;
    batch.length = 0;
  };
  for await (const r of exchangeRows(client)) {
    batch.push(r);
    if (batch.length >= HTTP_BATCH) await flush();
  }
  await flush();
  return rows;
}

/**
 * TCP and UDP conversations (tshark -z conv,tcp / conv,udp) into `conversations`. They are of
 * packets: for a syscall capture (`packets` false) the table gets its columns and no rows.
 */
export async function loadConversations(client: EngineClient, sink: TableSink, capture: string, packets = true): Promise<number> {
  let rows = 0;
  for (const proto of ['tcp', 'udp'] as const) {
    const r = packets ? await client.call('stats', { name: `conv,${proto}` }) : undefined;
    const list = r?.kind === 'conv' ? r.rows : [];
    await sink('conversations', rowsToColumns(list, CONVERSATION_COLUMNS), list.length, [{ name: 'capture', text: capture }, { name: 'proto', text: proto }]);
    rows += list.length;
  }
  return rows;
}
