/**
 * The SQL `http` table (docs/sql.md) a page of columns at a time: the exchange list in start
 * order, as `tracelens http` lists it, turned into typed columns here in the engine, so the CLI
 * neither receives nor clones an object per exchange (half a million on a 1 M-packet capture).
 * HTTP/1.x exchanges are read straight from the HTTP index's columns (the values rowOf gives,
 * without a row object); HTTP/2 exchanges and capture sets through their rows.
 */
import { columnPositions, columnsBuilder, HTTP_COLUMNS, MAX_HTTP_TABLE_ROWS, type ColumnsBuilder, type HttpTablePage } from '../../../shared/sql-table.ts';
import type { HttpExchangeRow } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { exchangeList, indexOfCode, rowAt, type ExchangeList } from '../layers/exchange-view.ts';
import { HttpFlag, reqDecodedBytes, requestSig, respBodyBytes, respDecodedBytes, responseSig, type HttpIndex } from '../layers/http-index.ts';
import { scanHttpNow, type CaptureSession } from '../layers/session.ts';

const C = columnPositions(HTTP_COLUMNS);

/** Row `i` from HTTP index row `r` (as http-layer.ts rowOf makes it); returns its first event. */
function putIndexRow(b: ColumnsBuilder<HttpExchangeRow>, i: number, ix: HttpIndex, r: number, capture: Capture): number {
  const f = ix.flags[r];
  const hasQ = (f & HttpFlag.Request) !== 0;
  const hasR = (f & HttpFlag.Response) !== 0;
  const q = hasQ ? requestSig(ix, r) : undefined;
  const s = hasR ? responseSig(ix, r) : undefined;
  const side = f & HttpFlag.Side ? ix.side.get(r) : undefined;
  b.put(C.stream, i, ix.streams.strings[ix.stream[r]]);
  b.put(C.exchange, i, ix.exIndex[r]);
  b.put(C.stream_id, i, null);
  b.put(C.request, i, hasQ ? ix.reqStart[r] : null);
  b.put(C.request_end, i, hasQ ? ix.reqEnd[r] : null);
  b.put(C.response, i, hasR ? ix.respStart[r] : null);
  b.put(C.response_end, i, hasR ? ix.respEnd[r] : null);
  b.put(C.version, i, q?.version || s?.version || '');
  b.put(C.method, i, q?.method ?? '');
  b.put(C.host, i, q?.host ?? '');
  b.put(C.uri, i, hasQ ? ix.strings.strings[ix.uri[r]] : '');
  b.put(C.status, i, hasR && ix.status[r] !== 0 ? ix.status[r] : null);
  b.put(C.phrase, i, s?.phrase ?? '');
  b.put(C.request_body_bytes, i, hasQ ? reqDecodedBytes(ix, r) : 0);
  b.put(C.response_body_bytes, i, hasR ? respDecodedBytes(ix, r) : 0);
  b.put(C.response_wire_bytes, i, hasR ? respBodyBytes(ix, r) : 0);
  b.put(C.content_type, i, s?.contentType ?? '');
  b.put(C.content_encoding, i, s?.contentEncoding ?? '');
  // Request start to response end; decrypted records carry their own times (the side table).
  b.put(C.duration, i, hasQ && hasR ? (side?.respTimes?.[1] ?? capture.time(ix.respEnd[r])) - (side?.reqTimes?.[0] ?? capture.time(ix.reqStart[r])) : null);
  b.put(C.upgrade, i, side?.upgrade ?? '');
  b.put(C.truncated, i, (side?.reqMissing ?? 0) > 0 || (side?.respMissing ?? 0) > 0 || (f & (HttpFlag.ReqHeadTruncated | HttpFlag.RespHeadTruncated)) !== 0);
  b.put(C.incomplete, i, (f & (HttpFlag.ReqIncomplete | HttpFlag.RespIncomplete)) !== 0);
  return hasQ ? ix.reqStart[r] : hasR ? ix.respStart[r] : 0;
}

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
    let first: number;
    const code = list ? list.codes[from + i] : 0;
    const ix = layer ? indexOfCode(layer, code) : undefined;
    if (ix) first = putIndexRow(b, i, ix, code >>> 2, capture);
    else {
      const row = all ? all[from + i] : rowAt(list as ExchangeList, from + i);
      b.add(i, row);
      first = row.request ?? row.response ?? 0;
    }
    time[i] = first < 1 || first > events ? NaN : capture.time(first);
  }
  return { start, total, columns: [...b.finish(), { name: 'time', type: 'DOUBLE', nums: time }] };
}
