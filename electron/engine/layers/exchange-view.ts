/**
 * The HTTP exchange list as columns: every exchange of the layer (HTTP/1.x in the clear and over
 * TLS, HTTP/2) is one int32 code in event order, and a view (search, display filter, sort) is a
 * permutation of those codes. Rows are made only for the page asked for, so a capture with
 * millions of exchanges never builds an object per exchange (the old reply did: ~1 GB for
 * 500 k exchanges).
 */
import type { HttpExchangeRow, HttpSortKey } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { createDissection } from '../dissectors/dissection.ts';
import { compileFilterText } from '../filter/compile.ts';
import { lowerBound } from '../bytes/arrays.ts';
import type { HttpMessage } from '../http/exchange.ts';
import { h2SearchTexts, h2SortKey, h2Start, type H2ExchangeList } from './h2-list.ts';
import { HttpFlag, reqDecodedBytes, requestSig, respDecodedBytes, responseSig, type HttpIndex } from './http-index.ts';
import { h2List, messageAt, rowOf, type ExchangeRef, type HttpLayer } from './http-layer.ts';

/** Which list a code's row is in (the code's low two bits). */
const enum Src {
  Plain = 0,
  Tls = 1,
  H2 = 2,
}

/** Every exchange of a layer state, in order of the event where it starts. */
export interface ExchangeList {
  layer: HttpLayer;
  /** Key generation and HTTP/2 list the codes were made for (rebuilt when keys change). */
  tlsGen: number;
  h2: H2ExchangeList;
  /** Messages the layer had recorded: a followed capture's follow scan adds rows and fills them in. */
  messages: number;
  /** `row << 2 | Src`, by start event (ties: cleartext, TLS, HTTP/2, then row order). */
  codes: Int32Array;
}

export interface ViewQuery {
  filter?: string;
  /**
   * The events the filter matches, when the caller computed them over the HTTP index (a filter
   * of http.* fields only): ascending. Exchanges are then kept by a binary search, not dissected.
   */
  filterEvents?: readonly number[];
  search?: string;
  headers?: boolean;
  sort?: HttpSortKey | null;
  descending?: boolean;
}

export interface ExchangeView {
  list: ExchangeList;
  key: string;
  /** Positions into `list.codes`, in view order. */
  order: Uint32Array;
}

/** Work counters for tests: rows read while building views, HTTP/1.x heads re-parsed by searches. */
export const viewWork = { rows: 0, reparsed: 0 };

const lists = new WeakMap<HttpLayer, ExchangeList>();

function indexOf(layer: HttpLayer, src: Src): HttpIndex | undefined {
  return src === Src.Plain ? layer.plain : src === Src.Tls ? layer.tls : undefined;
}

/** The HTTP/1.x index a code's row is in (its row: `code >>> 2`), or undefined for an HTTP/2 code. */
export function indexOfCode(layer: HttpLayer, code: number): HttpIndex | undefined {
  return indexOf(layer, code & 3);
}

function startOfCode(layer: HttpLayer, code: number): number {
  const r = code >>> 2;
  const ix = indexOf(layer, code & 3);
  if (ix) return ix.reqStart[r] || ix.respStart[r];
  return h2Start(h2List(layer), r);
}

/**
 * A stable ascending (or descending) order of `keys`: positions sorted by key, ties by position.
 * Keys are replaced by their rank among the distinct keys and packed with the position into one
 * float (rank · n + position < 2^53 for n < 9·10^7), so the sort is the engine's native numeric
 * sort, not a comparator call per comparison.
 */
export function stableOrder(keys: Float64Array, descending = false): Uint32Array {
  const n = keys.length;
  const distinct = keys.slice().sort();
  let u = 0;
  for (let i = 0; i < n; i++) if (u === 0 || distinct[i] !== distinct[u - 1]) distinct[u++] = distinct[i];
  const uniq = distinct.subarray(0, u);
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const rank = lowerBound(uniq, keys[i]);
    packed[i] = (descending ? u - 1 - rank : rank) * n + i;
  }
  packed.sort();
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = packed[i] % n;
  return out;
}

/** The layer's exchange list, built once per layer state (scan done, key generation). */
export function exchangeList(layer: HttpLayer): ExchangeList {
  const h2 = h2List(layer);
  const hit = lists.get(layer);
  if (hit && hit.tlsGen === layer.tlsGen && hit.h2 === h2 && hit.messages === layer.messages) return hit;
  let n = h2.n;
  for (const ix of [layer.plain, layer.tls]) if (ix) for (let r = 0; r < ix.n; r++) if (!(ix.flags[r] & HttpFlag.Info)) n++;
  const raw = new Int32Array(n);
  let k = 0;
  for (const [src, ix] of [[Src.Plain, layer.plain], [Src.Tls, layer.tls]] as const) {
    if (ix) for (let r = 0; r < ix.n; r++) if (!(ix.flags[r] & HttpFlag.Info)) raw[k++] = (r << 2) | src;
  }
  for (let r = 0; r < h2.n; r++) raw[k++] = (r << 2) | Src.H2;
  let sorted = true;
  let prev = 0;
  for (let i = 0; i < n && sorted; i++) {
    const s = startOfCode(layer, raw[i]);
    if (s < prev) sorted = false;
    prev = s;
  }
  let codes = raw;
  if (!sorted) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = startOfCode(layer, raw[i]);
    const order = stableOrder(keys);
    codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = raw[order[i]];
  }
  const list: ExchangeList = { layer, tlsGen: layer.tlsGen, h2, messages: layer.messages, codes };
  lists.set(layer, list);
  return list;
}

/** The merged-list entry of a code (what rowOf and materialize take). */
export function refOfCode(layer: HttpLayer, code: number): ExchangeRef {
  const r = code >>> 2;
  const ix = indexOf(layer, code & 3);
  if (ix) return { ix, r, start: ix.reqStart[r] || ix.respStart[r] };
  const h2 = h2List(layer);
  return { h2, k: r, start: h2Start(h2, r) };
}

/** The table row at position `k` of the list. */
export function rowAt(list: ExchangeList, k: number): HttpExchangeRow {
  return rowOf(list.layer, refOfCode(list.layer, list.codes[k]));
}

/** The strings of an exchange the search looks at, lower-cased by the caller's needle test. */
function searchTexts(layer: HttpLayer, code: number, out: string[]): void {
  out.length = 0;
  const r = code >>> 2;
  const ix = indexOf(layer, code & 3);
  if (ix) {
    const f = ix.flags[r];
    if (f & HttpFlag.Request) {
      const q = requestSig(ix, r);
      out.push(q.method, q.version, ix.strings.strings[ix.uri[r]], q.host ?? '', q.userAgent ?? '', q.contentType);
    }
    if (f & HttpFlag.Response) {
      const s = responseSig(ix, r);
      out.push(s.version, s.phrase, s.contentType, ix.status[r] === 0 ? '' : String(ix.status[r]));
    }
    return;
  }
  h2SearchTexts(h2List(layer), r, out);
}

/** Every header of an HTTP/1.x exchange, re-parsed from the stream, as `name: value`. */
function headerTexts(layer: HttpLayer, code: number, out: string[]): void {
  out.length = 0;
  const r = code >>> 2;
  const ix = indexOf(layer, code & 3);
  if (!ix) return;
  viewWork.reparsed++;
  const f = ix.flags[r];
  const ms: (HttpMessage | null)[] = [];
  if (f & HttpFlag.Request) ms.push(messageAt(layer, ix, r, false, 'head'));
  if (f & HttpFlag.Response) ms.push(messageAt(layer, ix, r, true, 'head'));
  for (const m of ms) if (m) for (const [name, value] of m.headers) out.push(`${name}: ${value}`);
}

function matches(texts: readonly string[], needle: string): boolean {
  for (const t of texts) if (t.toLowerCase().includes(needle)) return true;
  return false;
}

/** A numeric sort key of a code; strings get their id in `strings` (ranked afterwards). */
function sortKey(layer: HttpLayer, code: number, key: HttpSortKey, strings: Map<string, number>): number {
  const str = (s: string): number => {
    let id = strings.get(s);
    if (id === undefined) {
      id = strings.size;
      strings.set(s, id);
    }
    return id;
  };
  const r = code >>> 2;
  const ix = indexOf(layer, code & 3);
  if (!ix) return h2SortKey(h2List(layer), r, key, str);
  const f = ix.flags[r];
  const hasQ = (f & HttpFlag.Request) !== 0;
  const hasR = (f & HttpFlag.Response) !== 0;
  switch (key) {
    case 'time': return ix.reqStart[r] || ix.respStart[r];
    case 'version': return str((hasQ ? requestSig(ix, r).version : '') || (hasR ? responseSig(ix, r).version : ''));
    case 'method': return str(hasQ ? requestSig(ix, r).method : '');
    case 'host': return str(hasQ ? requestSig(ix, r).host ?? '' : '');
    case 'uri': return str(hasQ ? ix.strings.strings[ix.uri[r]] : '');
    case 'status': return hasR && ix.status[r] !== 0 ? ix.status[r] : -1;
    case 'req': return hasQ ? reqDecodedBytes(ix, r) : -1;
    case 'resp': return hasR ? respDecodedBytes(ix, r) : -1;
    case 'type': return str(hasR ? responseSig(ix, r).contentType : '');
    case 'duration': {
      if (!hasQ || !hasR) return -1;
      const side = f & HttpFlag.Side ? ix.side.get(r) : undefined;
      const c = layer.capture;
      return (side?.respTimes?.[1] ?? c.time(ix.respEnd[r])) - (side?.reqTimes?.[0] ?? c.time(ix.reqStart[r]));
    }
    case 'stream': return str(ix.streams.strings[ix.stream[r]]);
  }
}

export function viewKey(q: ViewQuery): string {
  return JSON.stringify([q.filter?.trim() ?? '', q.search?.trim().toLowerCase() ?? '', q.headers === true, q.sort ?? 'time', q.descending === true]);
}

/** Rows between yields while building a view. */
const STEP = 4096;

/**
 * Build a view as steps (yield = a moment to answer other requests); `out.view` is set at the
 * end. `capture` dissects the request/response events for a display filter.
 */
export function* viewSteps(list: ExchangeList, capture: Capture, q: ViewQuery, out: { view?: ExchangeView }): Generator<void> {
  const layer = list.layer;
  const n = list.codes.length;
  let keep: Uint32Array | null = null;
  let kept = n;
  const needle = q.search?.trim().toLowerCase() ?? '';
  const filterText = q.filter?.trim() ?? '';
  if (needle || filterText) {
    const c = filterText && !q.filterEvents ? compileFilterText(filterText) : null;
    if (c && !c.ok) throw new Error(c.errors.map((e) => e.message).join('; '));
    const d = createDissection();
    const texts: string[] = [];
    keep = new Uint32Array(n);
    kept = 0;
    for (let k = 0; k < n; k++) {
      if ((k & (STEP - 1)) === STEP - 1) yield;
      viewWork.rows++;
      const code = list.codes[k];
      if (needle) {
        searchTexts(layer, code, texts);
        let hit = matches(texts, needle);
        if (!hit && q.headers) {
          headerTexts(layer, code, texts);
          hit = matches(texts, needle);
        }
        if (!hit) continue;
      }
      if (q.filterEvents) {
        const evs = q.filterEvents;
        const row = rowOf(layer, refOfCode(layer, code));
        const has = (ev: number | null): boolean => ev !== null && evs[lowerBound(evs, ev)] === ev;
        if (!has(row.requestEnd) && !has(row.responseEnd)) continue;
      } else if (c?.ok) {
        const row = rowOf(layer, refOfCode(layer, code));
        let hit = false;
        for (const ev of [row.requestEnd, row.responseEnd]) {
          if (ev === null) continue;
          capture.dissect(ev, d);
          if (c.predicate(d)) {
            hit = true;
            break;
          }
        }
        if (!hit) continue;
      }
      keep[kept++] = k;
    }
  }
  const base = keep ? keep.slice(0, kept) : null;
  const sort = q.sort ?? 'time';
  let order: Uint32Array;
  if (sort === 'time' && !q.descending) order = base ?? identity(n);
  else {
    const strings = new Map<string, number>();
    const keys = new Float64Array(kept);
    for (let i = 0; i < kept; i++) {
      if ((i & (STEP - 1)) === STEP - 1) yield;
      keys[i] = sortKey(layer, list.codes[base ? base[i] : i], sort, strings);
    }
    if (strings.size > 0) {
      // Strings sort by code unit order (deterministic, as tshark's -S does not matter here).
      const names = [...strings.keys()].sort();
      const rank = new Float64Array(strings.size);
      names.forEach((s, i) => (rank[strings.get(s) as number] = i));
      for (let i = 0; i < kept; i++) keys[i] = rank[keys[i]];
    }
    const o = stableOrder(keys, q.descending === true);
    order = base ? o.map((i) => base[i]) : o;
  }
  out.view = { list, key: viewKey(q), order };
}

function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** A view at once (CLI, tests). */
export function buildView(list: ExchangeList, capture: Capture, q: ViewQuery): ExchangeView {
  const out: { view?: ExchangeView } = {};
  for (const _ of viewSteps(list, capture, q, out)) {
    // run to completion
  }
  return out.view as ExchangeView;
}

/** Rows [start, start + count) of a view. */
export function viewRows(view: ExchangeView, start: number, count: number): HttpExchangeRow[] {
  const out: HttpExchangeRow[] = [];
  const end = Math.min(view.order.length, start + count);
  for (let k = Math.max(0, start); k < end; k++) out.push(rowAt(view.list, view.order[k]));
  return out;
}
