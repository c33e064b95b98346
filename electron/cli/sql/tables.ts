/**
 * The three SQL tables of a capture (docs/sql.md): `events` from the engine's `eventTable` pages,
 * `http` from the engine's `httpTable` pages (the exchange list `tracelens http` prints), `conversations` from `stats conv,tcp` and
 * `conv,udp`. Every row carries `capture`, the file it came from, so several captures share them.
 */
import type { EngineClient } from '../../../shared/engine-client.ts';
import { MAX_EVENT_TABLE_ROWS } from '../../../shared/rpc.ts';
import type { StatsResult } from '../../../shared/stats.ts';
import { CONVERSATION_COLUMNS, MAX_HTTP_TABLE_ROWS, rowsToColumns, type HttpTablePage } from '../../../shared/sql-table.ts';
import type { SqlColumn } from './duck.ts';

export const TABLES = ['events', 'http', 'conversations'] as const;

export type Table = (typeof TABLES)[number];

/**
 * Where a table's rows go, a batch of columns at a time: DuckDB (duck.ts appendColumns) or a
 * Parquet file (parquet-tables.ts). `constants` are columns with one text for every row (the
 * capture's name), first in the table; a batch of 0 rows still declares the columns.
 */
export type TableSink = (table: Table, columns: readonly SqlColumn[], rows: number, constants: readonly { name: string; text: string }[]) => Promise<void>;

/** Pages asked for ahead of the one being written: the engine never waits for the writer to ask. */
const PAGES_AHEAD = 2;

/**
 * A paged table, `size` rows a page, PAGES_AHEAD pages asked for while one is written (the engine
 * builds them on its thread while the writer runs on this one). `last` runs once no page of this
 * table remains to be asked for, before the last one is written: the caller asks for the next
 * table's first page then, so the engine is not idle while the last page is written. A page
 * of 0 rows is written only at start 0 (a table without rows still gets its columns).
 */
async function loadPages<P extends { total: number }>(ask: (start: number) => Promise<P>, rowsOf: (p: P) => number, size: number, write: (p: P, n: number) => Promise<void>, last?: () => void): Promise<number> {
  const queue: Promise<P>[] = [];
  let asked = 0;
  const push = (): void => {
    const page = ask(asked);
    // Awaited in turn; a failing write before then must not leave one unhandled.
    page.catch(() => undefined);
    queue.push(page);
    asked += size;
  };
  let lastDone = false;
  for (let start = 0; ; ) {
    if (queue.length === 0) {
      asked = start;
      push();
    }
    const page = await (queue.shift() as Promise<P>);
    const n = rowsOf(page);
    if (n < size && start + n < page.total) {
      // A short page before the end (not what the engine gives): the pages asked after it start wrong.
      queue.length = 0;
      asked = start + n;
    }
    if (n > 0) while (queue.length < PAGES_AHEAD && asked < page.total) push();
    if (!lastDone && (n === 0 || asked >= page.total)) {
      lastDone = true;
      last?.();
    }
    if (n > 0 || start === 0) await write(page, n);
    start += n;
    if (n === 0 || start >= page.total) return start;
  }
}

/** Every event of the open capture into `events`; returns the number of events. `last` as loadPages'. */
export async function loadEvents(client: EngineClient, sink: TableSink, capture: string, info = true, last?: () => void): Promise<number> {
  const constants = [{ name: 'capture', text: capture }];
  return loadPages(
    (start) => client.call('eventTable', { start, count: MAX_EVENT_TABLE_ROWS, info }),
    (p) => p.columns[0]?.nums?.length ?? 0,
    MAX_EVENT_TABLE_ROWS,
    (p, n) => sink('events', p.columns, n, constants),
    last,
  );
}

/** The first `httpTable` page, asked for ahead (loadHttp's `first`). */
export function firstHttpPage(client: EngineClient): Promise<HttpTablePage> {
  const p = client.call('httpTable', { start: 0, count: MAX_HTTP_TABLE_ROWS });
  p.catch(() => undefined);
  return p;
}

/**
 * Every HTTP exchange into `http`, a page of the engine's columns (a Parquet row group) at a
 * time; `first` is its first page when already asked for (firstHttpPage), `last` as loadPages'.
 */
export async function loadHttp(client: EngineClient, sink: TableSink, capture: string, first?: Promise<HttpTablePage>, last?: () => void): Promise<number> {
  const constants = [{ name: 'capture', text: capture }];
  return loadPages(
    (start) => (start === 0 && first !== undefined ? first : client.call('httpTable', { start, count: MAX_HTTP_TABLE_ROWS })),
    (p) => p.columns[0]?.ids?.length ?? 0,
    MAX_HTTP_TABLE_ROWS,
    (p, n) => sink('http', p.columns, n, constants),
    last,
  );
}

/** The TCP and UDP conversations, asked for ahead (loadConversations' `asked`); none for a syscall capture. */
export function askConversations(client: EngineClient, packets: boolean): Promise<StatsResult | undefined>[] {
  return CONVERSATION_PROTOS.map((proto) => {
    const p = packets ? client.call('stats', { name: `conv,${proto}` }) : Promise.resolve(undefined);
    p.catch(() => undefined);
    return p;
  });
}

const CONVERSATION_PROTOS = ['tcp', 'udp'] as const;

/**
 * TCP and UDP conversations (tshark -z conv,tcp / conv,udp) into `conversations`. They are of
 * packets: for a syscall capture (`packets` false) the table gets its columns and no rows.
 * `asked`: askConversations' answers when asked for ahead.
 */
export async function loadConversations(client: EngineClient, sink: TableSink, capture: string, packets = true, asked = askConversations(client, packets)): Promise<number> {
  let rows = 0;
  for (const [k, proto] of CONVERSATION_PROTOS.entries()) {
    const r = await asked[k];
    const list = r?.kind === 'conv' ? r.rows : [];
    await sink('conversations', rowsToColumns(list, CONVERSATION_COLUMNS), list.length, [{ name: 'capture', text: capture }, { name: 'proto', text: proto }]);
    rows += list.length;
  }
  return rows;
}

/**
 * The three tables of the open capture, each next table's first page asked for while the last
 * pages of the one before are written (the engine is never idle between tables).
 */
export async function loadTables(client: EngineClient, sink: TableSink, capture: string, info: boolean, packets: boolean): Promise<void> {
  let http: Promise<HttpTablePage> | undefined;
  let conv: Promise<StatsResult | undefined>[] | undefined;
  await loadEvents(client, sink, capture, info, () => (http = firstHttpPage(client)));
  await loadHttp(client, sink, capture, http, () => (conv = askConversations(client, packets)));
  await loadConversations(client, sink, capture, packets, conv);
}
