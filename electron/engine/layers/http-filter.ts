/**
 * http.* fields over a capture session's events: a filter that names only http.* fields is
 * answered from the HTTP layer's index alone (the messages it holds, not every frame). When
 * every field it names is a column of the index (method, URI, Host, status, …) and only
 * literals are compared, each event completing one message is tested on the columns through
 * the same column compiler as frame filters (filter/column-filter.ts), without building any
 * field; events completing several messages, and other filters, get the message's fields added
 * to a dissection (re-parsing only fields outside the columns).
 *
 * Field definitions: http-fields.ts; the layer that adds them: layers/http-layer.ts.
 */
import { createDissection, resetDissection } from '../dissectors/dissection.ts';
import { allFields, fieldByName } from '../fields/registry.ts';
import { compileColumnFilter, type ColumnField } from '../filter/column-filter.ts';
import { compileFilterText } from '../filter/compile.ts';
import { createInterner, intern, type Interner } from '../index/columns.ts';
import { addMessageFields, httpFinal, httpScanStreamsSteps, mergedMessageRefs, type HttpLayer } from './http-layer.ts';
import { givenUpStreams, headsAnswer, headsColumns, headsKept, httpHeadsOf, META_WORDS, type HttpHeads } from './http-heads.ts';
import { contentLengthOf, requestSig, responseSig, type HttpIndex } from './http-index.ts';
import { refreshTls, scanHttpNow, type CaptureSession } from './session.ts';
import type { SetPart } from '../capture.ts';

export { HF } from '../http/http-fields.ts';

/** http.* fields that are not columns of the index: a filter on them re-parses each message's head or body. */
export const REPARSED_HTTP_FIELDS = ['http.authorization', 'http.cookie', 'http.file_data'];

/** Whether a filter's fields are all http.* (then it can run over the HTTP index alone). */
export function onlyHttpFields(fields: readonly string[]): boolean {
  return fields.length > 0 && fields.every((f) => f === 'http' || f.startsWith('http.'));
}

/**
 * Events matching a filter that uses only `http.*` fields, evaluated over the indexed messages
 * alone. Returns null when the filter uses other fields (the caller then filters the usual
 * way), or throws on a filter error. Runs the HTTP scan first if it has not run.
 */
export function httpFilterEvents(s: CaptureSession, text: string): number[] | null {
  const steps = httpFilterSteps(s, text);
  if (!steps) return null;
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same, in slices of `sliceMs` that yield to the event loop; resolves null when the filter
 * names other fields and `cancelled` when `signal` aborts it.
 */
export async function httpFilterEventsSliced(
  s: CaptureSession, text: string, opts: { signal?: AbortSignal; sliceMs?: number } = {},
): Promise<number[] | null | 'cancelled'> {
  const steps = httpFilterSteps(s, text);
  if (!steps) return null;
  let t0 = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - t0 < (opts.sliceMs ?? 20)) continue;
    await new Promise<void>((res) => setImmediate(res));
    if (opts.signal?.aborted) return 'cancelled';
    t0 = performance.now();
  }
}

/** Work of the http.* filters: messages tested on the columns, messages whose fields were built. */
export const httpFilterWork = { columnTested: 0, fieldsAdded: 0 };

/** The messages showing fields, in event order, as arrays (index 0 unused: messages count from 1). */
interface MessageList {
  n: number;
  ixs: HttpIndex[];
  /** Per message: which of `ixs`, its ref (row << 1 | isResponse), the event completing it. */
  which: Uint8Array;
  ref: Uint32Array;
  event: Uint32Array;
}

/** Messages per step while the list and the fields' string ids are built: a few ms each. */
const LIST_STEP = 1 << 16;

function* messageList(layer: HttpLayer): Generator<void, MessageList> {
  const merged = mergedMessageRefs(layer);
  const n = merged.length;
  const ixs = [layer.plain, layer.tls].filter((x): x is HttpIndex => x !== undefined);
  const list: MessageList = { n, ixs, which: new Uint8Array(n + 1), ref: new Uint32Array(n + 1), event: new Uint32Array(n + 1) };
  for (let k = 0; k < n; k++) {
    if ((k & (LIST_STEP - 1)) === LIST_STEP - 1) yield;
    const m = merged.at(k);
    list.which[k + 1] = m.ix === ixs[0] ? 0 : 1;
    list.ref[k + 1] = m.ref;
    list.event[k + 1] = m.event;
  }
  return list;
}

/**
 * The http.* fields the index holds, over message numbers, as addRowFields (http-layer.ts) adds
 * them: which messages have each, and its value. Strings get ids of their own, interned in one
 * pass per field a filter names.
 */
function* messageFields(list: MessageList, names: readonly string[]): Generator<void, Map<string, ColumnField>> {
  const { ixs, which, ref } = list;
  const row = (k: number): number => ref[k] >>> 1;
  const isResp = (k: number): boolean => (ref[k] & 1) === 1;
  const ix = (k: number): HttpIndex => ixs[which[k]];
  const q = (k: number) => requestSig(ix(k), row(k));
  const rs = (k: number) => responseSig(ix(k), row(k));
  const always = (): boolean => true;
  // Interned in steps by the caller (the generator `str` returns), the rest built at once.
  const str = function* (has: (k: number) => boolean, value: (k: number) => string): Generator<void, ColumnField> {
    const strings: Interner = createInterner();
    const ids = new Uint32Array(list.n + 1);
    for (let k = 1; k <= list.n; k++) {
      if ((k & (LIST_STEP - 1)) === 0) yield;
      if (has(k)) ids[k] = intern(strings, value(k));
    }
    return { kind: 'str', has, id: (k) => ids[k], strings };
  };
  const one = { kind: 'num', num: () => 1 } as const;
  const contentType = (k: number): string => (isResp(k) ? rs(k).contentType : q(k).contentType);
  const contentEncoding = (k: number): string => (isResp(k) ? rs(k).contentEncoding : q(k).contentEncoding);
  const make: Record<string, () => ColumnField | Generator<void, ColumnField>> = {
    http: () => ({ ...one, has: always }),
    'http.request': () => ({ ...one, has: (k) => !isResp(k) }),
    'http.response': () => ({ ...one, has: isResp }),
    'http.response.code': () => ({ kind: 'num', has: (k) => isResp(k) && ix(k).status[row(k)] !== 0, num: (k) => ix(k).status[row(k)] }),
    'http.request.method': () => str((k) => !isResp(k), (k) => q(k).method),
    'http.request.uri': () => str((k) => !isResp(k), (k) => ix(k).strings.strings[ix(k).uri[row(k)]]),
    'http.request.version': () => str((k) => !isResp(k) && q(k).version !== '', (k) => q(k).version),
    'http.host': () => str((k) => !isResp(k) && q(k).host !== undefined, (k) => q(k).host ?? ''),
    'http.user_agent': () => str((k) => !isResp(k) && q(k).userAgent !== undefined, (k) => q(k).userAgent ?? ''),
    'http.response.version': () => str(isResp, (k) => rs(k).version),
    'http.response.phrase': () => str(isResp, (k) => rs(k).phrase),
    'http.content_type': () => str((k) => contentType(k) !== '', contentType),
    'http.content_encoding': () => str((k) => contentEncoding(k) !== '', contentEncoding),
    'http.content_length': () => ({ kind: 'num', has: (k) => contentLengthOf(ix(k), row(k), isResp(k)) !== null, num: (k) => contentLengthOf(ix(k), row(k), isResp(k)) ?? 0 }),
  };
  const m = new Map<string, ColumnField>();
  for (const name of names) {
    const v = make[name]?.();
    if (v) m.set(name, 'kind' in v ? v : yield* v);
  }
  return m;
}

/**
 * The index pass's head scan of `s` when it can answer a filter naming `fields` without the
 * HTTP scan: a packet capture indexed whole, the scan not run yet (its index answers as fast
 * once it has), every field one the heads hold.
 */
function headsFor(s: CaptureSession, fields: readonly string[]): HttpHeads | undefined {
  const int = s.http.internals;
  if (int.kind !== 'packets' || httpFinal(s.http)) return undefined;
  const h = httpHeadsOf(int.conv);
  if (!headsAnswer(h, fields)) return undefined;
  const info = s.capture.info();
  return info.done && !info.cancelled && info.extra?.stopped === undefined ? h : undefined;
}

/** Whether the filter `text` is answered without waiting for the HTTP scan (the host then does not start it). */
export function httpFilterNeedsNoScan(s: CaptureSession, text: string): boolean {
  const c = compileFilterText(text);
  return c.ok && onlyHttpFields(c.fields) && headsFor(s, c.fields) !== undefined;
}

/** Work of the http.* filters answered from the index pass's heads (filters, messages looked at, meta words the filter was tested on). */
export const headsFilterWork = { filters: 0, tested: 0, words: 0 };

/** A meta word's verdict in headsSteps' table: not tested yet, matches, does not. */
const UNTESTED = 0;
const MATCH = 1;
const NO_MATCH = 2;

type Compiled = Extract<ReturnType<typeof compileFilterText>, { ok: true }>;

/**
 * The filter over the heads' messages, with the streams the heads gave up scanned alone by the
 * HTTP scan and their events merged in (each event is one stream's: the heads give the capture
 * up otherwise). null: the columns cannot test the filter, or a scanned stream may be TLS or
 * HTTP/2 (left to the whole scan and its TLS part).
 */
function* headsSteps(s: CaptureSession, h: HttpHeads, c: Compiled): Generator<void, number[] | null> {
  const cols = compileColumnFilter(c.ast, headsColumns(h));
  if (!cols) return null;
  const only = givenUpStreams(h);
  let scanned: number[] = [];
  if (only) {
    const part = yield* httpScanStreamsSteps(s.http, only);
    if (part.candidates.length > 0) return null;
    scanned = yield* indexSteps(part, c);
  }
  headsFilterWork.filters++;
  const out: number[] = [];
  const ev = h.event;
  const kind = h.kind;
  // The columns are over meta words (headsColumns): each word is tested once, then looked up.
  const verdict = new Uint8Array(META_WORDS);
  let j = 0;
  for (let k = 1; k <= h.n; k++) {
    if ((k & 0xffff) === 0) yield;
    const w = kind[k];
    let v = verdict[w];
    if (v === UNTESTED) {
      headsFilterWork.words++;
      v = verdict[w] = cols.test(w) ? MATCH : NO_MATCH;
    }
    if (v !== MATCH || (only && !headsKept(h, k))) continue;
    while (j < scanned.length && scanned[j] < ev[k]) out.push(scanned[j++]);
    out.push(ev[k]);
  }
  while (j < scanned.length) out.push(scanned[j++]);
  headsFilterWork.tested += h.n;
  return out;
}

function httpFilterSteps(s: CaptureSession, text: string): Generator<void, number[]> | null {
  const c = compileFilterText(text);
  if (!c.ok) throw new Error(c.errors.map((e) => e.message).join('; '));
  if (!onlyHttpFields(c.fields)) return null;
  const int = s.base.internals();
  if (int.kind === 'set') return setSteps(int.parts, text);
  return (function* steps(): Generator<void, number[]> {
    const h = headsFor(s, c.fields);
    if (h) {
      const fromHeads = yield* headsSteps(s, h, c);
      if (fromHeads) return fromHeads;
    }
    if (!httpFinal(s.http)) scanHttpNow(s);
    refreshTls(s);
    return yield* indexSteps(s.http, c);
  })();
}

/**
 * A capture set's session has no HTTP layer of its own (its parts' sessions have, and the set's
 * dissect adds their fields): each part's index answers, its events renumbered as the set's.
 * Events a followed set has not placed yet (global 0) are left out.
 */
function* setSteps(parts: readonly SetPart[], text: string): Generator<void, number[]> {
  const out: number[] = [];
  for (const part of parts) {
    const steps = part.session ? httpFilterSteps(part.session, text) : null;
    if (!steps) continue;
    for (const local of yield* steps) {
      const g = part.global(local);
      if (g > 0) out.push(g);
    }
  }
  return Uint32Array.from(out).sort().reduce<number[]>((a, e) => {
    if (a[a.length - 1] !== e) a.push(e);
    return a;
  }, []);
}

/** The filter over the messages of a scanned layer's index (the session's, or a partial scan's). */
function* indexSteps(layer: HttpLayer, c: Compiled): Generator<void, number[]> {
  const list = yield* messageList(layer);
  const cols = compileColumnFilter(c.ast, yield* messageFields(list, c.fields));
  const d = createDissection();
  // Only the filter's fields are recorded: fields that need a re-parse are skipped unless named.
  const keep = new Uint8Array(allFields().length + 1);
  for (const name of c.fields) {
    const f = fieldByName(name);
    if (f) keep[f.id] = 1;
  }
  d.keep = keep;
  const empty = new Uint8Array(0);
  const out: number[] = [];
  const { n, event } = list;
  let step = 0;
  for (let k = 1; k <= n; ) {
    if ((++step & 4095) === 0) yield;
    const ev = event[k];
    let end = k + 1;
    while (end <= n && event[end] === ev) end++;
    if (cols && end === k + 1) {
      httpFilterWork.columnTested++;
      if (cols.test(k)) out.push(ev);
    } else {
      // Messages completed in the same event are one event's fields: test them together.
      resetDissection(d, empty);
      for (let j = k; j < end; j++) {
        httpFilterWork.fieldsAdded++;
        addMessageFields(layer, list.ixs[list.which[j]], list.ref[j], d);
      }
      if (c.predicate(d)) out.push(ev);
    }
    k = end;
  }
  return out;
}
