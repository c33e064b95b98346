/**
 * The SQL `http` table (docs/sql.md) a page of columns at a time: the exchange list in start
 * order, as `tracelens http` lists it, turned into typed columns here in the engine, so the CLI
 * neither receives nor clones an object per exchange (half a million on a 1 M-packet capture).
 */
import { HTTP_COLUMNS, MAX_HTTP_TABLE_ROWS, rowsToColumns, type HttpTablePage } from '../../../shared/sql-table.ts';
import type { HttpExchangeRow } from '../../../shared/rpc.ts';
import { exchangeList, rowAt } from '../layers/exchange-view.ts';
import { scanHttpNow, type CaptureSession } from '../layers/session.ts';

/** Rows [start, start + count) of the whole list (a capture set's from its merged rows). */
function tableRows(session: CaptureSession, start: number, count: number): { total: number; rows: HttpExchangeRow[] } {
  const int = session.capture.internals();
  if (int.kind === 'set') {
    const all = int.httpRows();
    return { total: all.length, rows: all.slice(start, start + count) };
  }
  const list = exchangeList(scanHttpNow(session));
  const total = list.codes.length;
  const rows: HttpExchangeRow[] = [];
  for (let k = start, end = Math.min(total, start + count); k < end; k++) rows.push(rowAt(list, k));
  return { total, rows };
}

/** The page at `start` of at most MAX_HTTP_TABLE_ROWS exchanges; `time` is the epoch seconds of each one's first event. */
export function httpTablePage(session: CaptureSession, start: number, count: number): HttpTablePage {
  const { total, rows } = tableRows(session, Math.max(0, start), Math.min(Math.max(0, count), MAX_HTTP_TABLE_ROWS));
  const time = new Float64Array(rows.length);
  const capture = session.capture;
  for (let i = 0; i < rows.length; i++) {
    const e = rows[i].request ?? rows[i].response;
    time[i] = e === null || e < 1 || e > capture.count() ? NaN : capture.time(e);
  }
  return { start, total, columns: [...rowsToColumns(rows, HTTP_COLUMNS), { name: 'time', type: 'DOUBLE', nums: time }] };
}
