/**
 * The three SQL tables of a capture (docs/sql.md): `events` from the engine's `eventTable` pages,
 * `http` from the engine's `httpTable` pages (the exchange list `tracelens http` prints), `conversations` from `stats conv,tcp` and
 * `conv,udp`. Every row carries `capture`, the file it came from, so several captures share them.
 */
import type { EngineClient } from '../../../shared/engine-client.ts';
import { MAX_EVENT_TABLE_ROWS } from '../../../shared/rpc.ts';
import { CONVERSATION_COLUMNS, MAX_HTTP_TABLE_ROWS, rowsToColumns } from '../../../shared/sql-table.ts';
import type { SqlColumn } from './duck.ts';

export const TABLES = ['events', 'http', 'conversations'] as const;

export type Table = (typeof TABLES)[number];

/**
 * Where a table's rows go, a batch of columns at a time: DuckDB (duck.ts appendColumns) or a
 * Parquet file (parquet-tables.ts). `constants` are columns with one text for every row (the
 * capture's name), first in the table; a batch of 0 rows still declares the columns.
 */
export type TableSink = (table: Table, columns: readonly SqlColumn[], rows: number, constants: readonly { name: string; text: string }[]) => Promise<void>;

/** Every event of the open capture into `events`; returns the number of events. */
export async function loadEvents(client: EngineClient, sink: TableSink, capture: string, info = true): Promise<number> {
  const constants = [{ name: 'capture', text: capture }];
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
      return start;
    }
    await sink('events', page.columns, n, constants);
    start += n;
    if (start >= page.total) return start;
  }
}

/**
 * Every HTTP exchange into `http`, a page of the engine's columns (a Parquet row group) at a
 * time, the next page asked for while this one is written.
 */
export async function loadHttp(client: EngineClient, sink: TableSink, capture: string): Promise<number> {
  const constants = [{ name: 'capture', text: capture }];
  let next = client.call('httpTable', { start: 0, count: MAX_HTTP_TABLE_ROWS });
  for (let start = 0; ; ) {
    const page = await next;
    const n = page.columns[0]?.ids?.length ?? 0;
    if (n > 0 && start + n < page.total) {
      next = client.call('httpTable', { start: start + n, count: MAX_HTTP_TABLE_ROWS });
      next.catch(() => undefined);
    }
    if (n > 0 || start === 0) await sink('http', page.columns, n, constants);
    start += n;
    if (n === 0 || start >= page.total) return start;
  }
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
