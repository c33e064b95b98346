/**
 * The SQL `http` table (docs/sql.md) a page of columns at a time: the exchange list in start
 * order, as `tracelens http` lists it, turned into typed columns here in the engine, so the CLI
 * neither receives nor clones an object per exchange (half a million on a 1 M-packet capture).
 * HTTP/1.x rows are stored straight from the HTTP index's columns into the page's typed arrays
 * (the values http-layer.ts rowOf gives: test/cli/http-table.test.ts compares every cell), a text
 * cell copied from the row before when its interned source (request and response signatures,
 * URI) is the same, a stream's text id looked up once a page; HTTP/2 rows and capture sets go through the exchange list's row
 * reader (rowAt), one object a row.
 */
import { columnsBuilder, HTTP_COLUMNS, MAX_HTTP_TABLE_ROWS, type ColumnsBuilder, type HttpTablePage } from '../../../shared/sql-table.ts';
import type { HttpExchangeRow } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { exchangeList, indexOfCode, rowAt, type ExchangeList } from '../layers/exchange-view.ts';
import { HttpFlag, reqDecodedBytes, requestSig, respBodyBytes, respDecodedBytes, responseSig, type HttpIndex } from '../layers/http-index.ts';
import { scanHttpNow, type CaptureSession } from '../layers/session.ts';

/** Position of a column of HTTP_COLUMNS. */
function at(name: string): number {
  const k = HTTP_COLUMNS.findIndex((d) => d.name === name);
  if (k < 0) throw new Error(`http table: no column ${name}`);
  return k;
}

const STREAM = at('stream');
const NUMS = {
  exchange: at('exchange'), streamId: at('stream_id'), request: at('request'), requestEnd: at('request_end'), response: at('response'),
  responseEnd: at('response_end'), status: at('status'), reqBody: at('request_body_bytes'), respBody: at('response_body_bytes'),
  respWire: at('response_wire_bytes'), duration: at('duration'), truncated: at('truncated'), incomplete: at('incomplete'),
};
/** The text columns a request and a response signature give. */
const SIG_TEXTS = { version: at('version'), method: at('method'), host: at('host'), phrase: at('phrase'), contentType: at('content_type'), contentEncoding: at('content_encoding') };
const SIG_COLUMNS = Object.values(SIG_TEXTS);
const URI = at('uri');
const UPGRADE = at('upgrade');

/** The interned sources of the row before (row `i`), whose text cells a row with the same ones copies. */
interface Prev {
  i: number;
  ix: HttpIndex | undefined;
  /** Request signature, or −1 without a request; response likewise. */
  reqSig: number;
  respSig: number;
  /** URI id, or −1 without a request. */
  uri: number;
}

/** Text cell `c` of row `i`: the row before's when `same`, else `v` through `put`. */
function text(b: ColumnsBuilder<HttpExchangeRow>, ids: Uint32Array, c: number, i: number, same: boolean, v: string): void {
  if (same) ids[i] = ids[i - 1];
  else b.put(c, i, v);
}

/**
 * The page's text id of each stream of an index, −1 until its first row (a Map lookup of the
 * stream's name once a stream and page, not once a row: keep-alive rows interleave connections).
 */
function streamIds(cache: Map<HttpIndex, Int32Array>, ix: HttpIndex): Int32Array {
  let ids = cache.get(ix);
  if (ids === undefined || ids.length < ix.streams.strings.length) cache.set(ix, (ids = new Int32Array(ix.streams.strings.length).fill(-1)));
  return ids;
}

/** The text columns' id arrays, by column position (undefined for a number column). */
function textIds(b: ColumnsBuilder<HttpExchangeRow>): (Uint32Array | undefined)[] {
  return HTTP_COLUMNS.map((d, c) => (d.type === 'VARCHAR' ? b.idsOf(c) : undefined));
}

/** A page's number columns by NUMS' keys. */
type NumArrays = Record<keyof typeof NUMS, Float64Array>;

function numArrays(b: ColumnsBuilder<HttpExchangeRow>): NumArrays {
  const out: Partial<NumArrays> = {};
  for (const k of Object.keys(NUMS) as (keyof typeof NUMS)[]) out[k] = b.numsOf(NUMS[k]);
  return out as NumArrays;
}

/** A page's text id arrays and the stream ids met so far (streamIds). */
interface PageTexts {
  ids: (Uint32Array | undefined)[];
  streams: Map<HttpIndex, Int32Array>;
}

/** Row `i` from HTTP index row `r`, as rowOf makes it (durations from `times`, the layer's capture); returns its first event. */
function putIndexRow(b: ColumnsBuilder<HttpExchangeRow>, a: NumArrays, t: PageTexts, p: Prev, i: number, ix: HttpIndex, r: number, times: Capture): number {
  const f = ix.flags[r];
  const hasQ = (f & HttpFlag.Request) !== 0;
  const hasR = (f & HttpFlag.Response) !== 0;
  const side = f & HttpFlag.Side ? ix.side.get(r) : undefined;
  a.exchange[i] = ix.exIndex[r];
  a.streamId[i] = NaN;
  a.request[i] = hasQ ? ix.reqStart[r] : NaN;
  a.requestEnd[i] = hasQ ? ix.reqEnd[r] : NaN;
  a.response[i] = hasR ? ix.respStart[r] : NaN;
  a.responseEnd[i] = hasR ? ix.respEnd[r] : NaN;
  a.status[i] = hasR && ix.status[r] !== 0 ? ix.status[r] : NaN;
  a.reqBody[i] = hasQ ? reqDecodedBytes(ix, r) : 0;
  a.respBody[i] = hasR ? respDecodedBytes(ix, r) : 0;
  a.respWire[i] = hasR ? respBodyBytes(ix, r) : 0;
  // Request start to response end; decrypted records carry their own times (the side table).
  a.duration[i] = hasQ && hasR ? (side?.respTimes?.[1] ?? times.time(ix.respEnd[r])) - (side?.reqTimes?.[0] ?? times.time(ix.reqStart[r])) : NaN;
  a.truncated[i] = (side?.reqMissing ?? 0) > 0 || (side?.respMissing ?? 0) > 0 || (f & (HttpFlag.ReqHeadTruncated | HttpFlag.RespHeadTruncated)) !== 0 ? 1 : 0;
  a.incomplete[i] = (f & (HttpFlag.ReqIncomplete | HttpFlag.RespIncomplete)) !== 0 ? 1 : 0;
  const sameIx = p.ix === ix && p.i === i - 1;
  const stream = ix.stream[r];
  const streamCol = t.ids[STREAM] as Uint32Array;
  const known = streamIds(t.streams, ix);
  if (known[stream] >= 0) streamCol[i] = known[stream];
  else {
    b.put(STREAM, i, ix.streams.strings[stream]);
    known[stream] = streamCol[i];
  }
  const reqSig = hasQ ? ix.reqSig[r] : -1;
  const respSig = hasR ? ix.respSig[r] : -1;
  if (sameIx && p.reqSig === reqSig && p.respSig === respSig) {
    for (let k = 0; k < SIG_COLUMNS.length; k++) {
      const ids = t.ids[SIG_COLUMNS[k]] as Uint32Array;
      ids[i] = ids[i - 1];
    }
  } else {
    const q = hasQ ? requestSig(ix, r) : undefined;
    const s = hasR ? responseSig(ix, r) : undefined;
    b.put(SIG_TEXTS.version, i, q?.version || s?.version || '');
    b.put(SIG_TEXTS.method, i, q?.method ?? '');
    b.put(SIG_TEXTS.host, i, q?.host ?? '');
    b.put(SIG_TEXTS.phrase, i, s?.phrase ?? '');
    b.put(SIG_TEXTS.contentType, i, s?.contentType ?? '');
    b.put(SIG_TEXTS.contentEncoding, i, s?.contentEncoding ?? '');
  }
  const uri = hasQ ? ix.uri[r] : -1;
  text(b, t.ids[URI] as Uint32Array, URI, i, sameIx && p.uri === uri, hasQ ? ix.strings.strings[uri] : '');
  b.put(UPGRADE, i, side?.upgrade ?? '');
  p.i = i;
  p.ix = ix;
  p.reqSig = reqSig;
  p.respSig = respSig;
  p.uri = uri;
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
  const prev: Prev = { i: -1, ix: undefined, reqSig: -1, respSig: -1, uri: -1 };
  const nums = numArrays(b);
  const texts: PageTexts = { ids: textIds(b), streams: new Map() };
  for (let i = 0; i < n; i++) {
    const code = list ? list.codes[from + i] : 0;
    const ix = layer ? indexOfCode(layer, code) : undefined;
    let first: number;
    if (layer && ix) first = putIndexRow(b, nums, texts, prev, i, ix, code >>> 2, layer.capture);
    else {
      const row = all ? all[from + i] : rowAt(list as ExchangeList, from + i);
      b.add(i, row);
      first = row.request ?? row.response ?? 0;
    }
    time[i] = first < 1 || first > events ? NaN : capture.time(first);
  }
  return { start, total, columns: [...b.finish(), { name: 'time', type: 'DOUBLE', nums: time }] };
}
