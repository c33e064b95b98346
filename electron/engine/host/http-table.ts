/**
 * The SQL `http` table (docs/sql.md) a page of columns at a time: the exchange list in start
 * order, as `tracelens http` lists it, turned into typed columns here in the engine, so the CLI
 * neither receives nor clones an object per exchange (half a million on a 1 M-packet capture).
 * Rows come from the exchange list's one row reader (capture sets: their merged rows).
 */
import { columnsBuilder, HTTP_COLUMNS, MAX_HTTP_TABLE_ROWS, type HttpTablePage } from '../../../shared/sql-table.ts';
import { exchangeList, rowAt, type ExchangeList } from '../layers/exchange-view.ts';
import { scanHttpNow, type CaptureSession } from '../layers/session.ts';

/** The page at `start` of at most MAX_HTTP_TABLE_ROWS exchanges; `time` is the epoch seconds of each one's first event. */
export function httpTablePage(session: CaptureSession, start: number, count: number): HttpTablePage {
  const capture = session.capture;
  const int = capture.internals();
  // A capture set's rows are merged from its parts' layers (sets/set-http.ts), already objects.
  const all = int.kind === 'set' ? int.httpRows() : undefined;
  const layer = all ? undefined : scanHttpNow(session);
  const list: ExchangeList | undefined = layer && exchangeList(layer);
  const total = all ? all.length : (list?.codes.length ?? 0);
  const from = Math.max(0, Math.min(start, total));
  const n = Math.max(0, Math.min(count, MAX_HTTP_TABLE_ROWS, total - from));
  const b = columnsBuilder(HTTP_COLUMNS, n);
  const time = new Float64Array(n);
  const events = capture.count();
  for (let i = 0; i < n; i++) {
    // One row reader for the exchange list, the HTTP view and this table (layers/http-layer.ts
    // rowOfIndex): the row object stays in the engine, only the columns cross to the CLI.
    const row = all ? all[from + i] : rowAt(list as ExchangeList, from + i);
    b.add(i, row);
    const first = row.request ?? row.response ?? 0;
    time[i] = first < 1 || first > events ? NaN : capture.time(first);
  }
  return { start, total, columns: [...b.finish(), { name: 'time', type: 'DOUBLE', nums: time }] };
}
