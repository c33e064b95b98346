/**
 * The HTTP layer's HTTP/2 exchanges without an object per exchange: per connection its stream
 * columns (http2/stream-columns.ts) and where its exchanges start in the layer's numbering.
 * Exchange k is a (connection, stream row) found by binary search; its table row, sort keys and
 * start event come from the columns, its headers and bodies are decoded again from the frame
 * index when asked (materialize, bodies, search).
 */
import type { HttpExchangeRow, HttpSortKey } from '../../../shared/rpc.ts';
import { headerWhere, messageBody, messageEndEvent, timeAtEvent, type H2Connection } from '../http2/connection.ts';
import { blockAt, h2ExchangeOfRow, isExchange, type H2ExchangeOptions } from '../http2/exchanges.ts';
import { NONE16, setSize, SF, sideIf, sizeOf, small } from '../http2/stream-columns.ts';
import { createDecodeBudget, decodeBody, type DecodeBudget } from '../http/content-coding.ts';
import { concatBytes } from '../bytes/arrays.ts';
import type { HttpExchange } from '../http/exchange.ts';
import type { StreamDir } from '../streams/byte-stream.ts';

export interface H2ListEntry {
  conn: H2Connection;
  /** The ByteStream id the exchanges name (`tls:…` over TLS, else the source stream). */
  stream: string;
  /** Number of this connection's first exchange in the list. */
  first: number;
  /** Exchange j → stream row, when some rows are not exchanges (else the row is j). */
  rows: Uint32Array | null;
  count: number;
}

export interface H2ExchangeList {
  entries: H2ListEntry[];
  n: number;
  byStream: Map<string, number>;
}

export function createH2List(): H2ExchangeList {
  return { entries: [], n: 0, byStream: new Map() };
}

/** Add a connection's exchanges; with `decode`, sizes of content-coded bodies are found (decoded once, not kept). */
export function addH2Connection(list: H2ExchangeList, conn: H2Connection, stream: string, decode?: DecodeBudget): void {
  const sc = conn.streams;
  let count = 0;
  for (let r = 0; r < sc.n; r++) if (isExchange(conn, r)) count++;
  let rows: Uint32Array | null = null;
  if (count !== sc.n) {
    rows = new Uint32Array(count);
    let j = 0;
    for (let r = 0; r < sc.n; r++) if (isExchange(conn, r)) rows[j++] = r;
  }
  list.byStream.set(stream, list.entries.length);
  list.entries.push({ conn, stream, first: list.n, rows, count });
  list.n += count;
  if (decode) for (let j = 0; j < count; j++) decodedSizes(conn, rows ? rows[j] : j, decode);
}

/** The decoded sizes of a stream's content-coded messages, into its columns (bodies decoded, dropped). */
function decodedSizes(conn: H2Connection, r: number, budget: DecodeBudget): void {
  const sc = conn.streams;
  for (const d of [0, 1] as const) {
    if (sc.head[d][r] < 0) continue;
    const enc = contentEncoding(conn, r, d);
    if (!enc || (sideIf(sc, r)?.missing?.[d] ?? 0) > 0) continue;
    const raw = concatBytes(messageBody(conn, r, d), sizeOf(sc, r, d, 'data'));
    const dec = decodeBody(raw, enc, { keep: false, budget });
    if (!dec.error) setSize(sc, r, d, 'decoded', dec.decodedSize);
  }
}

/** Value of header `name` (case-insensitive, known fields) of a message's head block, decoded again. */
function headValue(conn: H2Connection, r: number, d: StreamDir, name: string): string | undefined {
  for (const h of blockAt(conn, conn.streams.head[d][r])) if (!h.unknown && h.name.toLowerCase() === name) return h.value;
  return undefined;
}

function contentEncoding(conn: H2Connection, r: number, d: StreamDir): string {
  const sc = conn.streams;
  if (d === 0) return sc.flags[r] & SF.ReqEncoded ? (headValue(conn, r, 0, 'content-encoding') ?? '') : '';
  return small(sc, sc.cenc[r]) ?? headValue(conn, r, 1, 'content-encoding') ?? '';
}

const smallOr = (conn: H2Connection, r: number, d: StreamDir, id: number, name: string): string => small(conn.streams, id) ?? (id === NONE16 ? headValue(conn, r, d, name) : undefined) ?? '';

/** Exchange k: its connection entry, stream row and index in the connection's list. */
export function h2At(list: H2ExchangeList, k: number): { e: H2ListEntry; r: number; j: number } {
  const es = list.entries;
  let lo = 0;
  let hi = es.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (es[mid].first <= k) lo = mid;
    else hi = mid - 1;
  }
  const e = es[lo];
  const j = k - e.first;
  return { e, r: e.rows ? e.rows[j] : j, j };
}

/** Exchange number of (`stream`, `index`), or -1. */
export function h2Find(list: H2ExchangeList, stream: string, index: number): number {
  const c = list.byStream.get(stream);
  if (c === undefined) return -1;
  const e = list.entries[c];
  return index >= 0 && index < e.count ? e.first + index : -1;
}

/** The event where exchange k starts (its request's head, else its response's). */
export function h2Start(list: H2ExchangeList, k: number): number {
  const { e, r } = h2At(list, k);
  const sc = e.conn.streams;
  const head = sc.head[0][r] >= 0 ? sc.head[0][r] : sc.head[1][r];
  return e.conn.frames.ev[head];
}

/** Exchange k rebuilt: headers decoded again; bodies as `opts.bodies` (default: none, the sizes the scan found). */
export function h2Materialize(list: H2ExchangeList, k: number, opts: H2ExchangeOptions = {}): HttpExchange {
  const { e, r, j } = h2At(list, k);
  return h2ExchangeOfRow(e.conn, r, e.stream, j, { bodies: 'none', budget: createDecodeBudget(), ...opts });
}

function endTime(conn: H2Connection, r: number, d: StreamDir): number {
  return timeAtEvent(conn, messageEndEvent(conn, r, d)) ?? headerWhere(conn, conn.streams.head[d][r]).time;
}

/** The HTTP table row of exchange k, from the columns (what rowOfExchange makes of the rebuilt exchange). */
export function h2Row(list: H2ExchangeList, k: number): HttpExchangeRow {
  const { e, r, j } = h2At(list, k);
  const conn = e.conn;
  const sc = conn.streams;
  const fx = conn.frames;
  const hasQ = sc.head[0][r] >= 0;
  const hasR = sc.head[1][r] >= 0;
  const side = sideIf(sc, r);
  const qMissing = hasQ ? (side?.missing?.[0] ?? 0) : 0;
  const rMissing = hasR ? (side?.missing?.[1] ?? 0) : 0;
  return {
    stream: e.stream,
    index: j,
    request: hasQ ? fx.ev[sc.head[0][r]] : null,
    requestEnd: hasQ ? messageEndEvent(conn, r, 0) : null,
    response: hasR ? fx.ev[sc.head[1][r]] : null,
    responseEnd: hasR ? messageEndEvent(conn, r, 1) : null,
    version: 'HTTP/2',
    method: hasQ ? smallOr(conn, r, 0, sc.method[r], ':method') : '',
    host: hasQ ? sc.strings.strings[sc.host[r]] : '',
    uri: hasQ ? sc.strings.strings[sc.path[r]] : '',
    status: hasR && sc.status[r] !== 0 ? sc.status[r] : null,
    phrase: '',
    requestBodyBytes: hasQ ? sizeOf(sc, r, 0, 'decoded') : 0,
    responseBodyBytes: hasR ? sizeOf(sc, r, 1, 'decoded') : 0,
    responseWireBytes: hasR ? sizeOf(sc, r, 1, 'data') + rMissing : 0,
    contentType: hasR ? smallOr(conn, r, 1, sc.ctype[r], 'content-type') : '',
    contentEncoding: hasR ? contentEncoding(conn, r, 1) : '',
    duration: hasQ && hasR ? endTime(conn, r, 1) - headerWhere(conn, sc.head[0][r]).time : null,
    upgrade: '',
    truncated: qMissing > 0 || rMissing > 0,
    incomplete: (hasQ && !(sc.flags[r] & SF.End0)) || (hasR && !(sc.flags[r] & SF.End1)),
    streamId: sc.id[r],
    ...(qMissing + rMissing > 0 ? { missingBytes: qMissing + rMissing } : {}),
  };
}

/** A numeric sort key of exchange k (strings through `str`), as the table's sort orders rows. */
export function h2SortKey(list: H2ExchangeList, k: number, key: HttpSortKey, str: (s: string) => number): number {
  const row = h2Row(list, k);
  switch (key) {
    case 'time': return h2Start(list, k);
    case 'version': return str(row.version);
    case 'method': return str(row.method);
    case 'host': return str(row.host);
    case 'uri': return str(row.uri);
    case 'status': return row.status ?? -1;
    case 'req': return row.request !== null ? row.requestBodyBytes : -1;
    case 'resp': return row.response !== null ? row.responseBodyBytes : -1;
    case 'type': return str(row.contentType);
    case 'duration': return row.duration ?? -1;
    case 'stream': return str(row.stream);
  }
}

/** What the table's search reads of exchange k: per message its version, status and every header as `name: value`. */
export function h2SearchTexts(list: H2ExchangeList, k: number, out: string[]): void {
  const { e, r } = h2At(list, k);
  const sc = e.conn.streams;
  for (const d of [0, 1] as const) {
    const head = sc.head[d][r];
    if (head < 0) continue;
    out.push('HTTP/2');
    const headers = blockAt(e.conn, head);
    if (d === 1) {
      const s = headers.find((h) => !h.unknown && h.name.toLowerCase() === ':status')?.value;
      if (s !== undefined && /^\d{3}$/.test(s)) out.push(String(Number(s)));
    }
    for (const h of headers) if (!h.unknown) out.push(`${h.name}: ${h.value}`);
  }
}
