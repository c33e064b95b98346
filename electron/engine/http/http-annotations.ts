/**
 * HTTP/1.x for a whole capture: one pass over every TCP stream (packets) or fd stream
 * (syscalls) finds the exchanges, and records sparsely, per event, which HTTP messages end there.
 * tshark attaches a message's `http.*` fields to the frame that completes it (the last segment
 * of head and body to arrive), so do we: `addHttpFields` adds them when that event is
 * dissected, and `httpFilterEvents` evaluates filters that only use `http.*` fields over the
 * annotated events alone, without re-dissecting any frame.
 *
 * Field names, types and descriptions: Wireshark packet-http.c (tshark -G fields, 4.0).
 */
import { setAnnotator, type Capture } from '../capture.ts';
import { addField, createDissection, resetDissection, type Dissection } from '../dissectors/dissection.ts';
import { defineField, defineProtocol } from '../fields/registry.ts';
import { compileFilterText } from '../filter/compile.ts';
import type { ByteStream } from '../streams/byte-stream.ts';
import { fdStream, listFdStreams } from '../streams/fd-streams.ts';
import { createFrameReader, createTcpFollowState, feedTcpFrame, readFrame, tcpStream, type TcpFollowState } from '../streams/tcp-reassembly.ts';
import { parseHttp2, startsWithPreface } from '../http2/connection.ts';
import { http2Exchanges } from '../http2/exchanges.ts';
import { captureTls, http2OfStream, tlsOfStream, unwrapTls } from '../tls/capture-tls.ts';
import {
  createHttp1Parser, endHttpStream, headerValue, httpExchanges, pushHttpChunk, type BodyMode, type Http1Parser, type HttpExchange, type HttpMessage,
} from './http1.ts';
import { bodyBudgetOf, budgetNote, createDecodeBudget, type DecodeBudget } from './content-coding.ts';

export const HF = {
  http: defineProtocol('http', 'Hypertext Transfer Protocol'),
  request: defineField({ name: 'http.request', type: 'bool', description: 'Request' }),
  response: defineField({ name: 'http.response', type: 'bool', description: 'Response' }),
  method: defineField({ name: 'http.request.method', type: 'string', description: 'Request Method' }),
  uri: defineField({ name: 'http.request.uri', type: 'string', description: 'Request URI' }),
  reqVersion: defineField({ name: 'http.request.version', type: 'string', description: 'Request Version' }),
  respVersion: defineField({ name: 'http.response.version', type: 'string', description: 'Response Version' }),
  code: defineField({ name: 'http.response.code', type: 'uint', description: 'Status Code', bits: 16 }),
  phrase: defineField({ name: 'http.response.phrase', type: 'string', description: 'Response Phrase' }),
  host: defineField({ name: 'http.host', type: 'string', description: 'Host' }),
  userAgent: defineField({ name: 'http.user_agent', type: 'string', description: 'User-Agent' }),
  authorization: defineField({ name: 'http.authorization', type: 'string', description: 'Authorization' }),
  cookie: defineField({ name: 'http.cookie', type: 'string', description: 'Cookie' }),
  contentType: defineField({ name: 'http.content_type', type: 'string', description: 'Content-Type' }),
  contentLength: defineField({ name: 'http.content_length', type: 'uint', description: 'Content length', bits: 64 }),
  contentEncoding: defineField({ name: 'http.content_encoding', type: 'string', description: 'Content-Encoding' }),
  time: defineField({ name: 'http.time', type: 'reltime', description: 'Time since request' }),
  requestIn: defineField({ name: 'http.request_in', type: 'framenum', description: 'Request in frame' }),
  responseIn: defineField({ name: 'http.response_in', type: 'framenum', description: 'Response in frame' }),
  fileData: defineField({ name: 'http.file_data', type: 'string', description: 'File Data' }),
} as const;

export interface CaptureHttp {
  /** Every exchange (HTTP/1.x in the clear, over TLS, HTTP/2), ordered by the event where it starts. */
  exchanges: HttpExchange[];
  /** Sparse: event → HTTP/1.x messages completed in that event (tshark attaches http.* there). */
  byEvent: Map<number, HttpMessage[]>;
  exchangeOf: Map<HttpMessage, HttpExchange>;
  notes: string[];
  ms: number;
  /** The cleartext HTTP/1.x part, found once by the scan. */
  plain: { exchanges: HttpExchange[]; byEvent: Map<number, HttpMessage[]> };
  /** Source streams (`tcp:N`, `fd:…`) that are not HTTP/1.x in the clear but start like TLS or HTTP/2. */
  layerCandidates: { id: string; kind: 'tls' | 'h2' }[];
  /** Key store generation the TLS/HTTP/2 part was computed for (-1: not yet). */
  layerGen: number;
  /** Decode work of the cleartext scan, shared by all its bodies (content-coding.ts). */
  decode: DecodeBudget;
}

/** Progress of a capture's HTTP scan: events (frames or syscalls) looked at so far. */
export interface HttpScanProgress {
  done: number;
  total: number;
  /** HTTP messages found so far. */
  messages: number;
}

export interface HttpScanOptions {
  signal?: AbortSignal;
  onProgress?: (p: HttpScanProgress) => void;
  /** Yield to the event loop after this many ms of work (default 20). */
  sliceMs?: number;
  bodies?: BodyMode;
}

const cache = new WeakMap<Capture, CaptureHttp>();

function record(byEvent: Map<number, HttpMessage[]>, exchangeOf: Map<HttpMessage, HttpExchange>, m: HttpMessage, ex: HttpExchange): void {
  exchangeOf.set(m, ex);
  // A message whose declared body never completed gets no fields, as tshark (waiting for the
  // rest of the PDU) shows none; heads cut by the tracer are still shown for what they say.
  if (m.incomplete && !m.headTruncated) return;
  const list = byEvent.get(m.endEvent);
  // Copy on write: the TLS part adds to a copy of the cleartext map whose lists it must not change.
  if (list) byEvent.set(m.endEvent, [...list, m]);
  else byEvent.set(m.endEvent, [m]);
}

/** What a stream that is not HTTP/1.x starts with: a TLS record header (RFC 8446 §5.1), HTTP/2, or else. */
function classify(b: Uint8Array): 'tls' | 'h2' | undefined {
  if (b.length >= 3 && b[0] >= 20 && b[0] <= 24 && b[1] === 3) return 'tls';
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x52 && b[2] === 0x49 && b[3] === 0x20) return 'h2';
  // A server that speaks first: its SETTINGS frame on stream 0 (RFC 9113 §3.4, §6.5).
  if (b.length >= 9 && b[3] === 4 && (b[5] | b[6] | b[7] | b[8]) === 0) return 'h2';
  return undefined;
}

function startOf(ex: HttpExchange): number {
  return ex.request?.startEvent ?? ex.response?.startEvent ?? 0;
}

/** Work units between progress checks (frames / fd streams). */
const STEP = 256;

/**
 * One sequential pass over the frames: every TCP stream reassembled and parsed as it goes.
 * A generator so the host can run it in slices (yielding = "a good moment to pause").
 */
function* scanPackets(capture: Capture, ch: CaptureHttp, bodies: BodyMode, progress: HttpScanProgress): Generator<void> {
  const internals = capture.internals();
  if (internals.kind !== 'packets') return;
  const conv = internals.conv;
  const r = createFrameReader(internals, { sequential: true });
  const states: (TcpFollowState | null | undefined)[] = [];
  const parsers: Http1Parser[] = [];
  const n = internals.index.dataOffset.length;
  const fs = conv.frameStream;
  const plain = ch.plain;
  progress.total = n;
  for (let f = 1; f <= n && f < fs.length; f++) {
    if ((f & (STEP - 1)) === 0) {
      progress.done = f;
      yield;
    }
    const sid = fs[f];
    if (sid < 0) continue;
    let st = states[sid];
    if (st === null) continue;
    if (st === undefined) {
      st = createTcpFollowState(`tcp:${sid}`);
      st.keepChunks = false;
      const p = createHttp1Parser(st.stream.id, { bodies, decodeBudget: ch.decode, onMessage: (m, ex) => record(plain.byEvent, ch.exchangeOf, m, ex) });
      parsers[sid] = p;
      st.onChunk = (c) => {
        pushHttpChunk(p, c);
        // The chunk that showed the stream is not HTTP/1.x: keep it if it may be TLS or HTTP/2.
        if (p.notHttp && states[sid] !== null) {
          states[sid] = null;
          const kind = classify(c.bytes);
          if (kind) ch.layerCandidates.push({ id: `tcp:${sid}`, kind });
        }
      };
      states[sid] = st;
    }
    readFrame(r, f);
    feedTcpFrame(r, st, f);
  }
  for (let sid = 0; sid < states.length; sid++) {
    const p = parsers[sid];
    if (!p || p.notHttp) continue;
    endHttpStream(p);
    for (const ex of p.exchanges) plain.exchanges.push(ex);
    for (const note of p.notes) ch.notes.push(`tcp:${sid}: ${note}`);
  }
  progress.done = n;
}

function* scanSyscalls(capture: Capture, ch: CaptureHttp, bodies: BodyMode, progress: HttpScanProgress): Generator<void> {
  const infos = listFdStreams(capture);
  progress.total = capture.count();
  let k = 0;
  for (const info of infos) {
    if ((++k & 15) === 0) yield;
    progress.done = Math.max(progress.done, info.firstEvent);
    if (info.role === 'other' && !/->/.test(info.name)) continue;
    const s = fdStream(capture, info.id);
    const r = httpExchanges(s, { bodies, decodeBudget: ch.decode, onMessage: (m, ex) => record(ch.plain.byEvent, ch.exchangeOf, m, ex) });
    if (!r.isHttp) {
      const first = s.chunks.find((c) => c.bytes.length > 0);
      const kind = first ? classify(first.bytes) : undefined;
      if (kind) ch.layerCandidates.push({ id: info.id, kind });
      continue;
    }
    for (const ex of r.exchanges) ch.plain.exchanges.push(ex);
    for (const note of r.notes) ch.notes.push(`${info.id}: ${note}`);
  }
  progress.done = progress.total;
}

function emptyHttp(): CaptureHttp {
  return {
    exchanges: [], byEvent: new Map(), exchangeOf: new Map(), notes: [], ms: 0, plain: { exchanges: [], byEvent: new Map() }, layerCandidates: [], layerGen: -1, decode: createDecodeBudget(),
  };
}

function* scanSteps(capture: Capture, ch: CaptureHttp, bodies: BodyMode, progress: HttpScanProgress): Generator<void> {
  // Scan the capture itself, not a TLS-layer wrapper: stream building needs no TLS fields.
  const base = unwrapTls(capture);
  if (base.internals().kind === 'packets') yield* scanPackets(base, ch, bodies, progress);
  else yield* scanSyscalls(base, ch, bodies, progress);
  ch.plain.exchanges.sort((a, b) => startOf(a) - startOf(b));
  if (ch.decode.spent) ch.notes.push(budgetNote(ch.decode));
}

function finish(capture: Capture, ch: CaptureHttp, t0: number): CaptureHttp {
  cache.set(capture, ch);
  refreshHttpLayers(capture, ch);
  ch.ms = performance.now() - t0;
  return ch;
}

/**
 * The TLS and HTTP/2 part: HTTP/1.x over decrypted TLS streams (http.* fields at the frames
 * where tshark shows them) and HTTP/2 exchanges. Recomputed when keys were added since.
 */
export function refreshHttpLayers(capture: Capture, ch: CaptureHttp): void {
  const t = captureTls(capture);
  const gen = t.keys.generation;
  if (ch.layerGen === gen) return;
  ch.layerGen = gen;
  const byEvent = new Map(ch.plain.byEvent);
  const exchanges = [...ch.plain.exchanges];
  const haveKeys = t.keys.byRandom.size > 0 || t.keys.psks.length > 0;
  const decode = createDecodeBudget();
  for (const { id, kind } of ch.layerCandidates) {
    // Without keys a TLS stream shows no HTTP: do not even build it.
    if (kind === 'tls' && !haveKeys) continue;
    const tls = kind === 'tls' ? tlsOfStream(capture, id) : null;
    const h2 = http2OfStream(capture, id);
    if (h2) {
      for (const ex of http2Exchanges(h2, tls ? tls.stream.id : id, { bodies: 'size', budget: decode })) exchanges.push(ex);
    } else if (tls && tls.stream.chunks.length > 0) {
      const r = httpExchanges(tshFrames(tls.stream), { bodies: 'size', decodeBudget: decode, onMessage: (m, ex) => record(byEvent, ch.exchangeOf, m, ex) });
      if (r.isHttp) for (const ex of r.exchanges) exchanges.push(ex);
    }
  }
  exchanges.sort((a, b) => startOf(a) - startOf(b));
  ch.byEvent = byEvent;
  ch.exchanges = exchanges;
}

/**
 * Decrypted bytes become visible in the event that completes their TLS record (tshark's frame
 * for the HTTP message), not in the one holding the record's first byte.
 */
export function tshFrames(s: ByteStream): ByteStream {
  return { ...s, chunks: s.chunks.map((c) => (c.lastEvent !== undefined ? { ...c, event: c.lastEvent } : c)) };
}

/** Find every HTTP exchange of the capture (cached; call after indexing is done). */
export function captureHttp(capture: Capture, bodies: BodyMode = 'size'): CaptureHttp {
  const hit = cache.get(capture);
  if (hit) {
    refreshHttpLayers(capture, hit);
    return hit;
  }
  const t0 = performance.now();
  const ch = emptyHttp();
  const progress: HttpScanProgress = { done: 0, total: 0, messages: 0 };
  for (const _ of scanSteps(capture, ch, bodies, progress)) {
    // run to completion
  }
  return finish(capture, ch, t0);
}

/**
 * The same scan, in slices of `sliceMs` that yield to the event loop (the engine worker keeps
 * answering requests meanwhile), with progress; resolves null when `signal` aborts it.
 */
export async function scanCaptureHttp(capture: Capture, opts: HttpScanOptions = {}): Promise<CaptureHttp | null> {
  const hit = cache.get(capture);
  if (hit) return captureHttp(capture);
  const t0 = performance.now();
  const ch = emptyHttp();
  const progress: HttpScanProgress = { done: 0, total: 0, messages: 0 };
  const slice = opts.sliceMs ?? 20;
  let sliceStart = performance.now();
  for (const _ of scanSteps(capture, ch, opts.bodies ?? 'size', progress)) {
    if (performance.now() - sliceStart < slice) continue;
    progress.messages = ch.exchangeOf.size;
    opts.onProgress?.(progress);
    await new Promise<void>((r) => setImmediate(r));
    if (opts.signal?.aborted) return null;
    sliceStart = performance.now();
  }
  if (opts.signal?.aborted) return null;
  const done = cache.get(capture) ? captureHttp(capture) : finish(capture, ch, t0);
  opts.onProgress?.({ done: progress.total, total: progress.total, messages: done.exchangeOf.size });
  return done;
}

/** Seconds between two events, exact to the nanosecond (float epoch times are not). */
function deltaSeconds(capture: Capture, from: number, to: number): number {
  const i = capture.internals();
  const ix = i.index;
  const ds = ix.tsSec.data[to - 1] - ix.tsSec.data[from - 1];
  const dn = ix.tsNsec.data[to - 1] - ix.tsNsec.data[from - 1];
  return ds + dn / 1e9;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
let bodyCache: { capture: Capture; stream: string; gen: number; exchanges: HttpExchange[] } | undefined;

/** The source stream of a TLS stream id: `tls:N` → `tcp:N`, `tls:tcp:N` / `tls:fd:…` → the rest. */
export function tlsSource(id: string): string {
  const rest = id.slice(4);
  return /^\d+$/.test(rest) ? `tcp:${rest}` : rest;
}

/**
 * Exchanges of one stream with their bodies (the last stream asked for is cached): `tcp:N` and
 * `fd:…` in the clear (HTTP/1.x or HTTP/2 with the preface), `tls:…` decrypted.
 */
export function streamExchangesWithBodies(capture: Capture, stream: string): HttpExchange[] {
  const gen = captureTls(capture).keys.generation;
  if (bodyCache && bodyCache.capture === capture && bodyCache.stream === stream && bodyCache.gen === gen) return bodyCache.exchanges;
  let exchanges: HttpExchange[];
  if (stream.startsWith('tls:')) {
    const src = tlsSource(stream);
    const h2 = http2OfStream(capture, src);
    const t = tlsOfStream(capture, src);
    if (!t) throw new Error(`${stream} is not a decrypted TLS stream`);
    exchanges = h2 ? http2Exchanges(h2, t.stream.id, { bombs: bodyBudgetOf(capture) }) : httpExchanges(tshFrames(t.stream), { bodies: 'keep', bombBudget: bodyBudgetOf(capture) }).exchanges;
  } else {
    const base = unwrapTls(capture);
    const s = stream.startsWith('tcp:') ? tcpStream(base.internals(), Number(stream.slice(4))) : fdStream(base, stream);
    exchanges = startsWithPreface(s) ? http2Exchanges(parseHttp2(s), stream, { bombs: bodyBudgetOf(capture) }) : httpExchanges(s, { bodies: 'keep', bombBudget: bodyBudgetOf(capture) }).exchanges;
  }
  bodyCache = { capture, stream, gen, exchanges };
  return exchanges;
}

function messageInfo(m: HttpMessage): string {
  if (m.kind === 'request') return `${m.method} ${m.uri} ${m.version}`;
  return `${m.version} ${m.status ?? ''} ${m.phrase}${m.contentType ? `  (${m.contentType.split(';')[0]})` : ''}`;
}

/** Add the http.* fields of the messages completed at `event` (the Capture.annotate hook). */
export function addHttpFields(capture: Capture, ch: CaptureHttp, event: number, d: Dissection, withBodies = true): void {
  const msgs = ch.byEvent.get(event);
  if (!msgs) return;
  for (const m of msgs) {
    const ex = ch.exchangeOf.get(m);
    if (!ex) continue;
    const top = addField(d, HF.http, 0, 0, -1);
    const hv = (name: string): string | undefined => headerValue(m, name);
    if (m.kind === 'request') {
      addField(d, HF.request, 0, 0, top, true);
      addField(d, HF.method, 0, 0, top, m.method);
      addField(d, HF.uri, 0, 0, top, m.uri);
      if (m.version) addField(d, HF.reqVersion, 0, 0, top, m.version);
      const host = hv('host');
      if (host !== undefined) addField(d, HF.host, 0, 0, top, host);
      const ua = hv('user-agent');
      if (ua !== undefined) addField(d, HF.userAgent, 0, 0, top, ua);
      const auth = hv('authorization');
      if (auth !== undefined) addField(d, HF.authorization, 0, 0, top, auth);
      const cookie = hv('cookie');
      if (cookie !== undefined) addField(d, HF.cookie, 0, 0, top, cookie);
    } else {
      addField(d, HF.response, 0, 0, top, true);
      addField(d, HF.respVersion, 0, 0, top, m.version);
      if (m.status !== null) addField(d, HF.code, 0, 0, top, m.status);
      addField(d, HF.phrase, 0, 0, top, m.phrase);
    }
    if (m.contentType) addField(d, HF.contentType, 0, 0, top, m.contentType);
    if (m.contentLength !== null) addField(d, HF.contentLength, 0, 0, top, m.contentLength);
    if (m.contentEncoding) addField(d, HF.contentEncoding, 0, 0, top, m.contentEncoding);
    if (m.kind === 'response' && ex.request && ex.response === m) {
      addField(d, HF.time, 0, 0, top, deltaSeconds(capture, ex.request.endEvent, m.endEvent));
      addField(d, HF.requestIn, 0, 0, top, ex.request.endEvent);
    } else if (m.kind === 'request' && ex.response) {
      addField(d, HF.responseIn, 0, 0, top, ex.response.endEvent);
    }
    if (withBodies && m.bodyBytes > 0) {
      const full = streamExchangesWithBodies(capture, ex.stream)[ex.index];
      const fm = m.kind === 'request' ? full?.request : full?.response;
      if (fm?.body && fm.body.length > 0) addField(d, HF.fileData, 0, 0, top, utf8.decode(fm.body));
    }
    d.protocol = 'HTTP';
    d.info = messageInfo(m);
  }
}

/** Install the per-event HTTP fields on the capture (Capture.annotate); returns the exchanges. */
export function installHttpAnnotations(capture: Capture): CaptureHttp {
  const ch = captureHttp(capture);
  setAnnotator(capture, (event, d) => {
    // Keys added since (addKeylog) bring their HTTP/1.x-over-TLS messages in here.
    refreshHttpLayers(capture, ch);
    if (ch.byEvent.has(event)) addHttpFields(capture, ch, event, d, d.keep === null);
  });
  return ch;
}

/**
 * Events matching a filter that uses only `http.*` fields, evaluated over the annotated events
 * alone (a few per exchange) instead of re-dissecting every frame. Returns null when the filter
 * uses other fields (the caller then filters the usual way), or throws on a filter error.
 */
export function httpFilterEvents(capture: Capture, text: string): number[] | null {
  const c = compileFilterText(text);
  if (!c.ok) throw new Error(c.errors.map((e) => e.message).join('; '));
  if (c.fields.length === 0 || !c.fields.every((f) => f === 'http' || f.startsWith('http.'))) return null;
  const ch = captureHttp(capture);
  const wantsBody = c.fields.includes('http.file_data');
  const d = createDissection();
  const empty = new Uint8Array(0);
  const out: number[] = [];
  for (const ev of ch.byEvent.keys()) {
    resetDissection(d, empty);
    addHttpFields(capture, ch, ev, d, wantsBody);
    if (c.predicate(d)) out.push(ev);
  }
  return out.sort((a, b) => a - b);
}
