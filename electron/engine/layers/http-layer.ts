/**
 * The HTTP/1.x layer of a capture session: one sliced, cancellable pass over every TCP stream
 * (packets) or fd stream (syscalls) records each exchange in the column index (http-index.ts)
 * and drops the parsed objects; streams that turn out to be TLS or HTTP/2 are remembered as
 * candidates, and once keys decrypt them their HTTP/1.x is indexed the same way (HTTP/2
 * exchanges come from the TLS layer's connections).
 *
 * tshark attaches a message's `http.*` fields to the frame that completes it; so do we, from
 * the columns (event → message by binary search over the index's end events). Header fields
 * that are not columns (Authorization, Cookie) and bodies (http.file_data) are re-parsed from
 * the stream at the message (http-reparse.ts), and only when the dissection records them.
 */
import type { HttpBody, HttpExchangeRow } from '../../../shared/rpc.ts';
import type { Capture, CaptureInternals } from '../capture.ts';
import { addField, wants, type Dissection } from '../dissectors/dissection.ts';
import type { ByteStream, StreamChunk } from '../streams/byte-stream.ts';
import { fdStream, fdStreamChunksFrom, fdStreamRange, listFdStreams } from '../streams/fd-streams.ts';
import { createFrameReader, createTcpFollowState, feedTcpFrame, frameTime, readFrame, tcpFollowSegment, tcpStream, type FrameReader, type TcpFollowState } from '../streams/tcp-reassembly.ts';
import { createTcpSegment, readTcpSegment, simpleFrame } from '../streams/tcp-segment.ts';
import { parseHttp2, startsWithPreface } from '../http2/connection.ts';
import { h2ExchangeOfRow, http2Exchanges } from '../http2/exchanges.ts';
import { addH2Connection, createH2List, h2At, h2Find, h2Materialize, h2Row, h2Start, type H2ExchangeList } from './h2-list.ts';
import { classifyStart, createHttp1Parser, endHttpStream, headerValue, httpStreamIdle, httpExchanges, pushHttpChunk, type BodyMode, type Http1Parser, type HttpExchange, type HttpMessage } from '../http/http1.ts';
import { bodyBudgetOf, budgetNote, createDecodeBudget, type DecodeBudget } from '../http/content-coding.ts';
import { HF } from '../http/http-fields.ts';
import { placeHttpFields } from './http-ranges.ts';
import { http2OfStream, tlsOfStream } from '../tls/capture-tls.ts';
import { chunkWithEvent, type TlsStreamResult } from '../tls/session.ts';
import {
  addRow, contentLengthOf, createHttpIndex, endEventOf, finishHttpIndex, finishHttpIndexSteps, firstEndAt, HttpFlag, recordMessage, reqBodyBytes, reqDecodedBytes, requestSig, respBodyBytes,
  respDecodedBytes, responseSig, setUpgrade, showsFields, skipOf, type HttpIndex,
} from './http-index.ts';
import { reparseStreamMessage, reparseTcpMessage, reparseWork, type MessageSpot } from './http-reparse.ts';
import { prepareHttpRows } from './http-rows.ts';
import { createLiveTls, followTls, tlsStreamGrew, type LiveTls } from './http-live-tls.ts';

export interface HttpScanProgress {
  done: number;
  total: number;
  /** HTTP messages found so far. */
  messages: number;
}

export interface HttpLayer {
  /** The session's base capture (its own dissect, no layer fields). */
  capture: Capture;
  /** Its internals, asked once (a Capture builds the object per call). */
  internals: CaptureInternals;
  /** Cleartext HTTP/1.x, once the scan is done. */
  plain: HttpIndex | undefined;
  /** HTTP/1.x over decrypted TLS, for key generation `tlsGen`. */
  tls: HttpIndex | undefined;
  /** HTTP/2 exchanges: per connection its stream columns (h2-list.ts), no object per exchange. */
  h2: H2ExchangeList;
  /**
   * HTTP/2 connections not listed in `h2` yet (h2List lists them on first need): a filter on
   * http.* fields reads HTTP/1.x only and never frames them. In candidate order, with the decode
   * budget they draw on; only those after the last HTTP/1.x-over-TLS stream wait, so the budget
   * is spent in the same order as when all are listed at once.
   */
  h2Pending?: { streams: { id: string; stream: string }[]; decode: DecodeBudget };
  tlsGen: number;
  /** Source streams that are not HTTP/1.x in the clear but start like TLS or HTTP/2. */
  candidates: { id: string; kind: 'tls' | 'h2' }[];
  notes: string[];
  /** Messages found: the scan's, then plus those over TLS. */
  messages: number;
  plainMessages: number;
  ms: number;
  /** The last stream walked whole (re-parse fallback), kept for the next message of it. */
  walked?: { key: string; exchanges: HttpExchange[] };
  /** fd streams in memory for re-parsing, a few (decrypted TLS ones are held with their TLS result). */
  streams: Map<string, ByteStream>;
  /** Decode work of the cleartext scan, shared by all its bodies (content-coding.ts). */
  decode: DecodeBudget;
  /**
   * While the capture is followed (still growing): the scan kept running as events arrive,
   * whose index stands in `plain` until the whole-capture scan replaces it (followHttp).
   */
  live?: LiveHttp;
  /** While following: the recorder of messages over TLS into the live TLS index. */
  tlsOnMessage?: (m: HttpMessage, ex: HttpExchange) => void;
  /** Set by the host while a key log that is still written is followed (http-live-tls.ts keysExpected). */
  keysExpected?: boolean;
}

export function createHttpLayer(capture: Capture): HttpLayer {
  return { capture, internals: capture.internals(), plain: undefined, tls: undefined, h2: createH2List(), tlsGen: -1, candidates: [], notes: [], messages: 0, plainMessages: 0, ms: 0, streams: new Map(), decode: createDecodeBudget() };
}

const classify = classifyStart;

/** The recorder a parser reports to: each message goes into the index, the objects are dropped. */
function recorder(ix: HttpIndex, layer: HttpLayer): (m: HttpMessage, ex: HttpExchange) => void {
  const timeOf = (ev: number): number => layer.capture.time(ev);
  return (m, ex) => {
    layer.messages++;
    const info = m.kind === 'response' && ex.response !== m;
    let r: number;
    if (info) r = addRow(ix, ex.stream, ex.index);
    else {
      r = ex.row ?? addRow(ix, ex.stream, ex.index);
      ex.row = r;
    }
    recordMessage(ix, r, m, timeOf);
    if (info) ix.flags[r] |= HttpFlag.Info;
    else if (m.kind === 'response') setUpgrade(ix, r, ex.upgrade);
  };
}

/** Work units between progress checks (frames). */
const STEP = 256;

/**
 * Work of the scan between two yields, in units (a frame, a stream ended, a row or ref of the
 * finishing pass): `max` is the most any step did, for tests that bound a step by counting, not
 * by the clock (the host answers requests between steps).
 */
export const scanStepWork = { units: 0, max: 0 };

function stepDone(): void {
  if (scanStepWork.units > scanStepWork.max) scanStepWork.max = scanStepWork.units;
  scanStepWork.units = 0;
}

type PacketInternals = Extract<CaptureInternals, { kind: 'packets' }>;

/** The scan's state over the frames of a packet capture: per TCP stream its reassembly and parser. */
interface PacketScan {
  r: FrameReader;
  /** Per TCP stream: its reassembly state; null once it showed it is not HTTP/1.x. */
  states: (TcpFollowState | null | undefined)[];
  parsers: (Http1Parser | undefined)[];
  onMessage: (m: HttpMessage, ex: HttpExchange) => void;
  seg: ReturnType<typeof createTcpSegment>;
}

function createPacketScan(layer: HttpLayer, internals: PacketInternals, ix: HttpIndex): PacketScan {
  return { r: createFrameReader(internals, { sequential: true }), states: [], parsers: [], onMessage: recorder(ix, layer), seg: createTcpSegment() };
}

/** Feed frame `f` to its TCP stream's reassembly and HTTP/1.x parser. */
function scanFrame(layer: HttpLayer, internals: PacketInternals, s: PacketScan, f: number): void {
  const sid = internals.conv.frameStream[f];
  if (sid < 0) return;
  const { states, parsers } = s;
  let st = states[sid];
  if (st === null) return;
  if (st === undefined) {
    st = createTcpFollowState(`tcp:${sid}`);
    st.keepChunks = false;
    const p = createHttp1Parser(st.stream.id, { bodies: 'size', retain: false, headers: 'index', scratch: true, decodeBudget: layer.decode, onMessage: s.onMessage });
    parsers[sid] = p;
    st.onChunk = (c) => {
      pushHttpChunk(p, c);
      // The chunk that showed the stream is not HTTP/1.x: keep it if it may be TLS or HTTP/2.
      if (p.notHttp && states[sid] !== null) {
        states[sid] = null;
        const kind = classify(c.bytes);
        if (kind) layer.candidates.push({ id: `tcp:${sid}`, kind });
      }
    };
    states[sid] = st;
    if (++httpScanWork.live > httpScanWork.maxLive) httpScanWork.maxLive = httpScanWork.live;
  }
  const bytes = s.r.bytesOf(f);
  const seg = s.seg;
  // Most frames: the segment straight from the headers; others through the dissectors.
  if (simpleFrame(internals, f) && readTcpSegment(internals, f, sid, bytes, seg)) {
    tcpFollowSegment(st, seg.bit, f, frameTime(internals.index, f), seg.seq, seg.ack, seg.flags, seg.seglen, seg.payload);
  } else {
    readFrame(s.r, f, bytes);
    feedTcpFrame(s.r, st, f);
  }
}

/** Streams the packet scan let go at their last frame, and the most it held at once (tests count them). */
export const httpScanWork = { ended: 0, live: 0, maxLive: 0 };

/** Per TCP stream (0 … nTcp-1), its last frame among frames 1 … n-1 of `fs` (0: none). */
function lastFrames(fs: Int32Array, n: number, nTcp: number): Uint32Array {
  const last = new Uint32Array(nTcp);
  for (let f = 1; f < n; f++) {
    const sid = fs[f];
    if (sid >= 0 && sid < nTcp) last[sid] = f;
  }
  return last;
}

/** The scan over the frames of a packet capture; `only`: just the TCP streams marked 1 there. */
function* scanPackets(layer: HttpLayer, ix: HttpIndex, progress: HttpScanProgress, only?: Uint8Array): Generator<void> {
  const internals = layer.internals;
  if (internals.kind !== 'packets') return;
  const s = createPacketScan(layer, internals, ix);
  const n = internals.index.dataOffset.length;
  const fs = internals.conv.frameStream;
  progress.total = n;
  const last = lastFrames(fs, Math.min(n + 1, fs.length), internals.conv.nTcp);
  // Notes of streams let go at their last frame, given in stream order at the end as before.
  const endedNotes = new Map<number, string[]>();
  for (let f = 1; f <= n && f < fs.length; f++) {
    if ((f & (STEP - 1)) === 0) {
      progress.done = f;
      stepDone();
      yield;
    }
    scanStepWork.units++;
    const sid = fs[f];
    if (only && only[sid] !== 1) continue;
    scanFrame(layer, internals, s, f);
    // A stream's last frame: its reassembly and parser go now (100 k short connections would
    // otherwise all be held to the end), when ending it now would finish no message.
    if (sid >= 0 && last[sid] === f) {
      const p = s.parsers[sid];
      if (p && (p.notHttp || httpStreamIdle(p))) {
        // The end loop gives a stream that is not HTTP/1.x nothing (notes included).
        if (!p.notHttp && p.notes.length > 0) endedNotes.set(sid, p.notes);
        s.parsers[sid] = undefined;
        s.states[sid] = null;
        httpScanWork.ended++;
        httpScanWork.live--;
      }
    }
  }
  httpScanWork.live = 0;
  for (let sid = 0; sid < s.states.length; sid++) {
    if ((sid & (STEP - 1)) === 0) {
      stepDone();
      yield;
    }
    scanStepWork.units++;
    const p = s.parsers[sid];
    const ended = endedNotes.get(sid);
    if (ended) for (const note of ended) layer.notes.push(`tcp:${sid}: ${note}`);
    if (!p || p.notHttp) continue;
    endHttpStream(p);
    for (const note of p.notes) layer.notes.push(`tcp:${sid}: ${note}`);
  }
  progress.done = n;
}

function* scanSyscalls(layer: HttpLayer, ix: HttpIndex, progress: HttpScanProgress): Generator<void> {
  const capture = layer.capture;
  const infos = listFdStreams(capture);
  progress.total = capture.count();
  const onMessage = recorder(ix, layer);
  let k = 0;
  for (const info of infos) {
    if ((++k & 15) === 0) yield;
    progress.done = Math.max(progress.done, info.firstEvent);
    if (info.role === 'other' && !/->/.test(info.name)) continue;
    const s = fdStream(capture, info.id);
    const p = createHttp1Parser(s.id, { bodies: 'size', retain: false, headers: 'index', scratch: true, decodeBudget: layer.decode, onMessage });
    for (const c of s.chunks) pushHttpChunk(p, c);
    endHttpStream(p);
    if (!p.started) {
      const first = s.chunks.find((c) => c.bytes.length > 0);
      const kind = first ? classify(first.bytes) : undefined;
      if (kind) layer.candidates.push({ id: info.id, kind });
      continue;
    }
    for (const note of p.notes) layer.notes.push(`${info.id}: ${note}`);
  }
  progress.done = progress.total;
}

/**
 * The scan as steps (yield = a good moment to pause); the index is set when it completes.
 * `rows`: build the packet list's segment rows of the index too, before it is set (the window's
 * rows are asked again as soon as it is: http-rows.ts prepareHttpRows).
 */
export function* httpScanSteps(layer: HttpLayer, progress: HttpScanProgress, opts: { rows?: boolean } = {}): Generator<void> {
  const t0 = performance.now();
  const ix = createHttpIndex();
  layer.messages = 0;
  layer.candidates = [];
  layer.notes = [];
  layer.decode = createDecodeBudget();
  if (layer.internals.kind === 'packets') yield* scanPackets(layer, ix, progress);
  // A capture set's parts scan their own streams (sets/set-capture.ts).
  else if (layer.internals.kind === 'syscalls') yield* scanSyscalls(layer, ix, progress);
  if (layer.decode.spent) layer.notes.push(budgetNote(layer.decode));
  stepDone();
  for (const _ of finishHttpIndexSteps(ix, scanStepWork)) {
    stepDone();
    yield;
  }
  if (opts.rows) yield* prepareHttpRows(layer, ix);
  stepDone();
  layer.plain = ix;
  // The follow scan's index (and the TLS part derived beside it) gives way to the whole one.
  layer.live = undefined;
  layer.tlsOnMessage = undefined;
  layer.tls = undefined;
  layer.tlsGen = -1;
  layer.plainMessages = layer.messages;
  layer.ms = performance.now() - t0;
}

/** Streams the partial scan read (httpScanStreamsSteps), for tests. */
export const partialScanWork = { scans: 0, streams: 0 };

/**
 * The HTTP scan of just the TCP streams marked 1 in `only` (streams the index pass's heads left
 * to it: http-heads.ts), into a layer of its own so the session's stays unscanned: its `plain`
 * holds those streams' messages as the whole scan records them (each stream is reassembled and
 * parsed alone, so a stream's messages do not depend on the others), and its `candidates` any
 * of them that start like TLS or HTTP/2 (which the caller leaves to the whole scan).
 */
export function* httpScanStreamsSteps(layer: HttpLayer, only: Uint8Array): Generator<void, HttpLayer> {
  const part: HttpLayer = {
    ...layer, plain: undefined, tls: undefined, h2: createH2List(), h2Pending: undefined, tlsGen: -1, candidates: [], notes: [], messages: 0, plainMessages: 0,
    streams: new Map(), decode: createDecodeBudget(), walked: undefined, live: undefined, tlsOnMessage: undefined,
  };
  const ix = createHttpIndex();
  partialScanWork.scans++;
  for (let sid = 0; sid < only.length; sid++) partialScanWork.streams += only[sid];
  yield* scanPackets(part, ix, { done: 0, total: 0, messages: 0 }, only);
  stepDone();
  for (const _ of finishHttpIndexSteps(ix, scanStepWork)) {
    stepDone();
    yield;
  }
  part.plain = ix;
  part.plainMessages = part.messages;
  return part;
}

/**
 * The scan of a capture that is still growing, resumed per call: the same per-stream parsers
 * read on from the last event scanned (each event once), and the messages completed so far are
 * listed by end event as the finished index lists them. HTTP over TLS and messages that only
 * end with their stream (a body delimited by the close) wait for the whole-capture scan.
 */
export interface LiveHttp {
  ix: HttpIndex;
  /** Events scanned: 1..scanned. */
  scanned: number;
  packets: PacketScan | undefined;
  /** Syscall captures: per fd stream, its parser, I/O events fed and positions; null: not HTTP/1.x. */
  fds: Map<string, { p: Http1Parser; fed: number; pos: number[] } | null>;
  /** Refs of `ix.done` already listed in `ix.endRefs`, and the growing list behind it. */
  listed: number;
  refs: Uint32Array;
  /** HTTP/1.x over TLS read on as the streams grow (http-live-tls.ts); its index stands in `tls`. */
  tls: LiveTls;
}

/** The whole-capture scan has run (not the follow scan standing in for it). */
export function httpFinal(layer: HttpLayer): boolean {
  return layer.plain !== undefined && layer.live === undefined;
}

/**
 * Bring the follow scan up to the events indexed so far (starting it on first call) and return
 * the last event whose http.* fields are known (over TLS, a record still being written or not
 * decrypted yet holds the events after it back a while: http-live-tls.ts). Once the whole-capture scan has run, returns
 * the capture's count and does nothing.
 */
export function followHttp(layer: HttpLayer): number {
  const total = layer.capture.count();
  if (httpFinal(layer)) return total;
  const internals = layer.internals;
  if (internals.kind !== 'packets' && internals.kind !== 'syscalls') return total;
  let live = layer.live;
  if (!live) {
    const ix = createHttpIndex();
    const tlsIx = createHttpIndex(16);
    live = { ix, scanned: 0, packets: internals.kind === 'packets' ? createPacketScan(layer, internals, ix) : undefined, fds: new Map(), listed: 0, refs: new Uint32Array(1024), tls: createLiveTls(tlsIx) };
    layer.live = live;
    layer.plain = ix;
    layer.tls = tlsIx;
    layer.tlsOnMessage = recorder(tlsIx, layer);
  }
  if (total > live.scanned) {
    if (live.packets && internals.kind === 'packets') {
      const { states } = live.packets;
      const fs = internals.conv.frameStream;
      const grew = new Set<number>();
      for (let f = live.scanned + 1; f <= total && f < fs.length; f++) {
        scanFrame(layer, internals, live.packets, f);
        // A stream that is not HTTP/1.x in the clear may be TLS: it grew.
        if (fs[f] >= 0 && states[fs[f]] === null) grew.add(fs[f]);
      }
      for (const sid of grew) tlsStreamGrew(live.tls, `tcp:${sid}`);
    } else followFds(layer, live);
    live.scanned = total;
    listLiveRefs(live);
  }
  live.tls.keysExpected = layer.keysExpected === true;
  // Also when nothing was indexed: keys may have been added, or a stream's decryption was put off.
  const known = layer.tlsOnMessage ? followTls(layer.capture, live.tls, layer.candidates, layer.tlsOnMessage, layer.decode) : Infinity;
  if (layer.h2 !== live.tls.h2) layer.h2 = live.tls.h2;
  layer.h2Pending = undefined;
  listLiveRefs(live.tls);
  return Math.min(total, known);
}

function followFds(layer: HttpLayer, live: LiveHttp): void {
  const capture = layer.capture;
  const onMessage = recorder(live.ix, layer);
  for (const info of listFdStreams(capture)) {
    if (info.lastEvent <= live.scanned) continue;
    let st = live.fds.get(info.id);
    if (st === null) {
      tlsStreamGrew(live.tls, info.id);
      continue;
    }
    if (st === undefined) {
      // As the scan: files and pipes carry no HTTP (a socket may be named once it connects).
      if (info.role === 'other' && !/->/.test(info.name)) continue;
      st = { p: createHttp1Parser(info.id, { bodies: 'size', retain: false, headers: 'index', scratch: true, decodeBudget: layer.decode, onMessage }), fed: 0, pos: [0, 0] };
      live.fds.set(info.id, st);
    }
    const chunks = fdStreamChunksFrom(capture, info.id, st.fed, st.pos);
    st.fed += chunks.length;
    for (const c of chunks) pushHttpChunk(st.p, c);
    if (st.p.notHttp) {
      live.fds.set(info.id, null);
      // As the scan: a stream that starts like TLS or HTTP/2 is a candidate. The parser gives
      // up on the stream's first bytes, so the first non-empty chunk read now holds them.
      const first = chunks.find((c) => c.bytes.length > 0);
      const kind = first ? classify(first.bytes) : undefined;
      if (kind) layer.candidates.push({ id: info.id, kind });
    }
  }
}

/** Messages recorded since the last call, appended to the end-event list (sorted when one came late). */
function listLiveRefs(live: { ix: HttpIndex; listed: number; refs: Uint32Array }): void {
  const ix = live.ix;
  let m = ix.endRefs.length;
  let sorted = true;
  for (; live.listed < ix.nDone; live.listed++) {
    const ref = ix.done[live.listed];
    if (!showsFields(ix, ref >>> 1, (ref & 1) === 1)) continue;
    if (m === live.refs.length) {
      const bigger = new Uint32Array(m * 2);
      bigger.set(live.refs);
      live.refs = bigger;
    }
    if (m > 0 && endEventOf(ix, live.refs[m - 1]) > endEventOf(ix, ref)) sorted = false;
    live.refs[m++] = ref;
  }
  const refs = live.refs.subarray(0, m);
  if (!sorted) refs.sort((a, b) => endEventOf(ix, a) - endEventOf(ix, b) || a - b);
  ix.endRefs = refs;
}

/**
 * Decrypted bytes become visible in the event that completes their TLS record (tshark's frame
 * for the HTTP message), not in the one holding the record's first byte.
 */
export function tshFrames(s: ByteStream): ByteStream {
  return { ...s, chunks: s.chunks.map((c) => (c.lastEvent !== undefined ? chunkWithEvent(c, c.lastEvent) : c)) };
}

/**
 * tshFrames of a decrypted stream, one object per plaintext stream of a TLS result (which
 * capture-tls.ts caches per stream and key generation): re-parsing a message then finds the
 * stream and its chunk index (http-reparse.ts) already built. Rebuilt per message, they cost the
 * stream's length each time: quadratic in the requests of a keep-alive connection. Keyed by the
 * plaintext stream, not the result: a result dropped from the cache lets its plaintext stream go
 * (session.ts readSourceFrom), and these copies of its chunks with it.
 */
const tshStreams = new WeakMap<ByteStream, ByteStream>();
export const tshWork = { chunks: 0 };

function tshStreamOf(t: TlsStreamResult): ByteStream {
  const plain = t.stream;
  let s = tshStreams.get(plain);
  if (!s) {
    tshWork.chunks += plain.chunks.length;
    s = tshFrames(plain);
    tshStreams.set(plain, s);
  }
  return s;
}

/**
 * The TLS and HTTP/2 part: HTTP/1.x over decrypted TLS streams and HTTP/2 exchanges, for the
 * key store generation `gen` (recomputed when keys were added since).
 */
export function refreshHttpTls(layer: HttpLayer, gen: number, haveKeys: boolean): void {
  // Following: decrypted streams wait for the whole-capture scan (a growing stream's TLS state
  // would be cached half-read).
  if (layer.tlsGen === gen || !layer.plain || layer.live) return;
  layer.tlsGen = gen;
  layer.streams.clear();
  layer.walked = undefined;
  layer.messages = layer.plainMessages;
  const ix = createHttpIndex(16);
  const h2 = createH2List();
  const onMessage = recorder(ix, layer);
  const c = layer.capture;
  const decode = createDecodeBudget();
  const pending: { id: string; stream: string }[] = [];
  layer.h2 = h2;
  layer.h2Pending = undefined;
  for (const { id, kind } of layer.candidates) {
    // Without keys a TLS stream shows no HTTP: do not even build it.
    if (kind === 'tls' && !haveKeys) continue;
    // Cleartext HTTP/2 (the preface): listed when the list is first read (h2List).
    if (kind === 'h2') {
      pending.push({ id, stream: id });
      continue;
    }
    const tls = tlsOfStream(c, id);
    const conn = http2OfStream(c, id);
    if (conn) {
      pending.push({ id, stream: tls ? tls.stream.id : id });
    } else if (tls && tls.stream.chunks.length > 0) {
      // This stream's bodies draw on the budget after those of the connections before it.
      listH2(layer, pending, decode);
      pending.length = 0;
      const s = tshStreamOf(tls);
      const p = createHttp1Parser(s.id, { bodies: 'size', retain: false, headers: 'index', scratch: true, decodeBudget: decode, onMessage });
      for (const ch of s.chunks) pushHttpChunk(p, ch);
      endHttpStream(p);
    }
  }
  finishHttpIndex(ix);
  layer.tls = ix;
  if (pending.length > 0) layer.h2Pending = { streams: pending, decode };
}

/** Add the HTTP/2 connections of `streams` (in order) to the layer's list. */
function listH2(layer: HttpLayer, streams: readonly { id: string; stream: string }[], decode: DecodeBudget): void {
  for (const { id, stream } of streams) {
    const conn = http2OfStream(layer.capture, id);
    if (conn) addH2Connection(layer.h2, conn, stream, decode);
  }
}

/** The layer's HTTP/2 exchanges, the connections still pending listed first (h2Pending). */
export function h2List(layer: HttpLayer): H2ExchangeList {
  const p = layer.h2Pending;
  if (p) {
    layer.h2Pending = undefined;
    listH2(layer, p.streams, p.decode);
  }
  return layer.h2;
}

// ---- per-event fields ------------------------------------------------------------------------

/** Seconds between two events, exact to the nanosecond (float epoch times are not). */
function deltaSeconds(internals: CaptureInternals, from: number, to: number): number {
  // A set has no HTTP index of its own: its parts' layers answer (sets/set-capture.ts).
  if (internals.kind === 'set') throw new Error('HTTP fields of a capture set come from its parts');
  const ix = internals.index;
  const ds = ix.tsSec.data[to - 1] - ix.tsSec.data[from - 1];
  const dn = ix.tsNsec.data[to - 1] - ix.tsNsec.data[from - 1];
  return ds + dn / 1e9;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const NEED_REPARSE = [HF.authorization, HF.cookie];

/** Whether `d` records any http.* field (summary dissections for other filters skip the layer). */
export function wantsHttp(d: Dissection): boolean {
  if (d.summary) return false;
  const keep = d.keep;
  if (keep === null) return true;
  let v = keepsHttp.get(keep);
  if (v === undefined) {
    v = Object.values(HF).some((f) => keep[f.id] === 1);
    keepsHttp.set(keep, v);
  }
  return v;
}

/** Per keep mask (one per filter run): asked once per event, computed once. */
const keepsHttp = new WeakMap<Uint8Array, boolean>();

/**
 * The Info text of row `r`'s request or response, from the index's columns alone (no fields):
 * what addRowFields returns, and the SQL events table's Info of a row ending a message.
 */
export function messageInfo(ix: HttpIndex, r: number, response: boolean): string {
  // The text depends on the signature, the URI (request) or status (response) and whether a
  // body came: memoised per index, so a keep-alive capture's half million messages share a few
  // strings (no template and no new string to hash per row).
  let memo = infoMemo.get(ix);
  if (!memo) infoMemo.set(ix, (memo = { texts: [new Map(), new Map()], size: 0 }));
  const sig = response ? ix.respSig[r] : ix.reqSig[r];
  let bySig = memo.texts[response ? 1 : 0].get(sig);
  if (!bySig) memo.texts[response ? 1 : 0].set(sig, (bySig = new Map()));
  const key = (response ? ix.status[r] : ix.uri[r]) * 2 + ((response ? respBodyBytes(ix, r) : reqBodyBytes(ix, r)) > 0 ? 1 : 0);
  let text = bySig.get(key);
  if (text === undefined) {
    text = messageInfoText(ix, r, response);
    // A capture of distinct URIs would keep a text per message: past the bound they are made each time.
    if (memo.size < MAX_INFO_MEMO) {
      bySig.set(key, text);
      memo.size++;
    }
  }
  return text;
}

/** Per index: request and response Info texts by signature, then URI or status × 2 + has a body; texts kept. */
const infoMemo = new WeakMap<HttpIndex, { texts: [Map<number, Map<number, string>>, Map<number, Map<number, string>>]; size: number }>();
/** Info texts kept per index (a few MB at most). */
const MAX_INFO_MEMO = 1 << 16;

function messageInfoText(ix: HttpIndex, r: number, response: boolean): string {
  let ct: string;
  let line: string;
  if (!response) {
    const q = requestSig(ix, r);
    ct = q.contentType;
    line = `${q.method} ${ix.strings.strings[ix.uri[r]]} ${q.version}`;
  } else {
    const s = responseSig(ix, r);
    ct = s.contentType;
    line = `${s.version} ${ix.status[r] === 0 ? '' : ix.status[r]} ${s.phrase}`;
  }
  const bodyBytes = response ? respBodyBytes(ix, r) : reqBodyBytes(ix, r);
  // packet-http.c: the first line with its CRLF shown as a space; packet-media.c then appends
  // " (media type)" when it is handed a body. application/octet-stream goes to the data
  // dissector instead, which writes no Info (tshark 4.0 shows "Data (N bytes)" under HTTP).
  const media = ct.split(';')[0].trim();
  return `${line} ${media && bodyBytes > 0 && media.toLowerCase() !== 'application/octet-stream' ? ` (${media})` : ''}`;
}

/** Add the http.* fields of row `r`'s request or response to `d`; returns its Info text (with `wantInfo`). */
function addRowFields(layer: HttpLayer, ix: HttpIndex, r: number, response: boolean, d: Dissection, wantInfo: boolean): string {
  const f = ix.flags[r];
  const top = addField(d, HF.http, 0, 0, -1);
  let ct: string;
  let cl: number | null;
  let enc: string;
  if (!response) {
    const q = requestSig(ix, r);
    const uri = ix.strings.strings[ix.uri[r]];
    addField(d, HF.request, 0, 0, top, true);
    addField(d, HF.method, 0, 0, top, q.method);
    addField(d, HF.uri, 0, 0, top, uri);
    if (q.version) addField(d, HF.reqVersion, 0, 0, top, q.version);
    if (q.host !== undefined) addField(d, HF.host, 0, 0, top, q.host);
    if (q.userAgent !== undefined) addField(d, HF.userAgent, 0, 0, top, q.userAgent);
    if (NEED_REPARSE.some((x) => wants(d, x))) {
      const m = messageAt(layer, ix, r, false, 'head');
      const auth = m ? headerValue(m, 'authorization') : undefined;
      if (auth !== undefined) addField(d, HF.authorization, 0, 0, top, auth);
      const cookie = m ? headerValue(m, 'cookie') : undefined;
      if (cookie !== undefined) addField(d, HF.cookie, 0, 0, top, cookie);
    }
    ct = q.contentType;
    cl = contentLengthOf(ix, r, false);
    enc = q.contentEncoding;
  } else {
    const s = responseSig(ix, r);
    const status = ix.status[r] === 0 ? null : ix.status[r];
    addField(d, HF.response, 0, 0, top, true);
    addField(d, HF.respVersion, 0, 0, top, s.version);
    if (status !== null) addField(d, HF.code, 0, 0, top, status);
    addField(d, HF.phrase, 0, 0, top, s.phrase);
    ct = s.contentType;
    cl = contentLengthOf(ix, r, true);
    enc = s.contentEncoding;
  }
  const bodyBytes = response ? respBodyBytes(ix, r) : reqBodyBytes(ix, r);
  const info = wantInfo ? messageInfo(ix, r, response) : '';
  if (ct) addField(d, HF.contentType, 0, 0, top, ct);
  if (cl !== null) addField(d, HF.contentLength, 0, 0, top, cl);
  if (enc) addField(d, HF.contentEncoding, 0, 0, top, enc);
  const info1xx = (f & HttpFlag.Info) !== 0;
  if (response && !info1xx && (f & HttpFlag.Request)) {
    addField(d, HF.time, 0, 0, top, deltaSeconds(layer.internals, ix.reqEnd[r], ix.respEnd[r]));
    addField(d, HF.requestIn, 0, 0, top, ix.reqEnd[r]);
  } else if (!response && (f & HttpFlag.Response)) {
    addField(d, HF.responseIn, 0, 0, top, ix.respEnd[r]);
  }
  if (bodyBytes > 0 && wants(d, HF.fileData)) {
    const m = messageAt(layer, ix, r, response, 'keep');
    if (m?.body && m.body.length > 0) addField(d, HF.fileData, 0, 0, top, utf8.decode(m.body));
  }
  d.protocol = 'HTTP';
  return info;
}

/** How many HTTP/1.x messages `event` completes (what addHttpFields would add, without the fields). */
export function httpMessagesEndingAt(layer: HttpLayer, event: number): number {
  let n = 0;
  for (const ix of [layer.plain, layer.tls]) {
    if (!ix || ix.endRefs.length === 0) continue;
    let k = firstEndAt(ix, event);
    if (k < 0) continue;
    for (; k < ix.endRefs.length && endEventOf(ix, ix.endRefs[k]) === event; k++) n++;
  }
  return n;
}

/**
 * Add the http.* fields of the messages completed at `event`; with `wantInfo` their Info texts
 * go into `infos` (when given) and, joined, into `d.info`. Returns how many messages.
 */
export function addHttpFields(layer: HttpLayer, event: number, d: Dissection, wantInfo = true, infos: string[] = [], tlsSource = -1): number {
  const first = infos.length;
  for (const ix of [layer.plain, layer.tls]) {
    if (!ix || ix.endRefs.length === 0) continue;
    let k = firstEndAt(ix, event);
    if (k < 0) continue;
    for (; k < ix.endRefs.length && endEventOf(ix, ix.endRefs[k]) === event; k++) {
      const r = ix.endRefs[k] >>> 1;
      const response = (ix.endRefs[k] & 1) === 1;
      const at = d.n;
      infos.push(addRowFields(layer, ix, r, response, d, wantInfo));
      // Over TLS, a head in this frame's decrypted bytes gives the fields their ranges there.
      if (ix === layer.tls && tlsSource >= 0 && (response ? ix.respStart[r] : ix.reqStart[r]) === event) {
        placeHttpFields(d, at, tlsSource, skipOf(ix, r, response), response ? respBodyBytes(ix, r) : reqBodyBytes(ix, r));
      }
    }
  }
  if (wantInfo && infos.length > first) d.info = infos.slice(first).join(', ');
  return infos.length - first;
}

/** Every (index, ref) of a message showing fields, in event order: a filter over http.* only reads these. */
export function* httpMessageRefs(layer: HttpLayer): Generator<{ ix: HttpIndex; ref: number; event: number }> {
  const a = layer.plain;
  const b = layer.tls;
  let i = 0;
  let j = 0;
  const na = a?.endRefs.length ?? 0;
  const nb = b?.endRefs.length ?? 0;
  while (i < na || j < nb) {
    const ea = i < na && a ? endEventOf(a, a.endRefs[i]) : Infinity;
    const eb = j < nb && b ? endEventOf(b, b.endRefs[j]) : Infinity;
    if (ea <= eb && a) yield { ix: a, ref: a.endRefs[i++], event: ea };
    else if (b) yield { ix: b, ref: b.endRefs[j++], event: eb };
  }
}

/**
 * The same as a random-access list without an object per message: the cleartext and TLS
 * indexes' end-event lists merged (`at(k)` reuses one result object).
 */
export function mergedMessageRefs(layer: HttpLayer): { length: number; at(k: number): { ix: HttpIndex; ref: number; event: number } } {
  const a = layer.plain;
  const b = layer.tls;
  const na = a?.endRefs.length ?? 0;
  const nb = b?.endRefs.length ?? 0;
  const cur = { ix: (a ?? b) as HttpIndex, ref: 0, event: 0 };
  let i = 0;
  let j = 0;
  let next = 0;
  return {
    length: na + nb,
    at(k: number) {
      // Sequential access (k = next): one merge step.
      if (k !== next) throw new Error('mergedMessageRefs: read in order');
      next++;
      const ea = i < na && a ? endEventOf(a, a.endRefs[i]) : Infinity;
      const eb = j < nb && b ? endEventOf(b, b.endRefs[j]) : Infinity;
      if (ea <= eb && a) {
        cur.ix = a;
        cur.ref = a.endRefs[i++];
        cur.event = ea;
      } else if (b) {
        cur.ix = b;
        cur.ref = b.endRefs[j++];
        cur.event = eb;
      }
      return cur;
    },
  };
}

/** The fields of one message (for filters over the index alone). */
export function addMessageFields(layer: HttpLayer, ix: HttpIndex, ref: number, d: Dissection): void {
  addRowFields(layer, ix, ref >>> 1, (ref & 1) === 1, d, false);
}

// ---- messages again, from the stream ---------------------------------------------------------

function byteStreamOf(layer: HttpLayer, id: string): ByteStream | undefined {
  // Decrypted streams are held with their TLS result, not in the few-stream cache below: a
  // keep-alive capture interleaves more live connections than it holds.
  if (id.startsWith('tls:')) {
    const t = tlsOfStream(layer.capture, tlsSource(id));
    return t ? tshStreamOf(t) : undefined;
  }
  const hit = layer.streams.get(id);
  if (hit) {
    // Most recently used last.
    layer.streams.delete(id);
    layer.streams.set(id, hit);
    return hit;
  }
  let s: ByteStream | undefined;
  if (id.startsWith('fd:')) s = fdStream(layer.capture, id);
  if (!s) return undefined;
  layer.streams.set(id, s);
  if (layer.streams.size > 4) layer.streams.delete(layer.streams.keys().next().value as string);
  return s;
}

/** The source stream of a TLS stream id: `tls:N` → `tcp:N`, `tls:tcp:N` / `tls:fd:…` → the rest. */
export function tlsSource(id: string): string {
  const rest = id.slice(4);
  return /^\d+$/.test(rest) ? `tcp:${rest}` : rest;
}

/** A whole stream's exchanges (the fallback), with bodies as asked. */
function walkStream(layer: HttpLayer, id: string, bodies: BodyMode): HttpExchange[] {
  const key = `${id}|${bodies}`;
  if (layer.walked?.key === key) return layer.walked.exchanges;
  reparseWork.fallbacks++;
  let s: ByteStream | undefined;
  if (id.startsWith('tcp:')) s = tcpStream(layer.internals, Number(id.slice(4)));
  else s = byteStreamOf(layer, id);
  const exchanges = s ? httpExchanges(s, { bodies, ...(bodies === 'keep' ? { bombBudget: bodyBudgetOf(layer.capture) } : {}) }).exchanges : [];
  layer.walked = { key, exchanges };
  return exchanges;
}

/**
 * Request or response of row `r` parsed again with its headers (and body with 'keep'),
 * restarting at the message; checked against the index, walking the stream if it differs.
 */
export function messageAt(layer: HttpLayer, ix: HttpIndex, r: number, response: boolean, bodies: BodyMode | 'head'): HttpMessage | null {
  const id = ix.streams.strings[ix.stream[r]];
  const start = response ? ix.respStart[r] : ix.reqStart[r];
  const end = response ? ix.respEnd[r] : ix.reqEnd[r];
  if (start === 0) return null;
  const spot: MessageSpot = {
    dir: response ? 1 : 0, startEvent: start, skip: skipOf(ix, r, response), bodies,
    requestMethod: (ix.flags[r] & HttpFlag.Request) ? requestSig(ix, r).method : '',
    ...(bodies === 'keep' ? { bombBudget: bodyBudgetOf(layer.capture) } : {}),
  };
  const internals = layer.internals;
  let m: HttpMessage | null = null;
  if (id.startsWith('tcp:') && internals.kind === 'packets') m = reparseTcpMessage(internals, Number(id.slice(4)), spot);
  else {
    // An fd stream: only the message's own events (interleaved streams outnumber the cache).
    const s = id.startsWith('fd:') && end >= start ? fdStreamRange(layer.capture, id, start, end) : byteStreamOf(layer, id);
    if (s) m = reparseStreamMessage(s, spot);
  }
  const body = response ? respBodyBytes(ix, r) : reqBodyBytes(ix, r);
  // Bytes the restarted reassembly did not see (a segment of the message that arrived before its
  // start frame) count as missing: the message must lose exactly what the full walk lost.
  const side = ix.flags[r] & HttpFlag.Side ? ix.side.get(r) : undefined;
  const missing = (response ? side?.respMissing : side?.reqMissing) ?? 0;
  const ok = m !== null && m.startEvent === start && (bodies === 'head' || (m.endEvent === end && m.bodyBytes === body && m.missing === missing));
  if (ok) return m;
  // Not found again from its start frame (a head whose continuation arrived first): walk.
  const exs = walkStream(layer, id, bodies === 'head' ? 'none' : bodies);
  const ex = exs[ix.exIndex[r]];
  if (!ex) return null;
  if (ix.flags[r] & HttpFlag.Info) return ex.informational.find((x) => x.startEvent === start) ?? null;
  return response ? ex.response : ex.request;
}

// ---- rows ------------------------------------------------------------------------------------

function rowOfIndex(ix: HttpIndex, r: number): HttpExchangeRow {
  const f = ix.flags[r];
  const hasQ = (f & HttpFlag.Request) !== 0;
  const hasR = (f & HttpFlag.Response) !== 0;
  const q = hasQ ? requestSig(ix, r) : undefined;
  const s = hasR ? responseSig(ix, r) : undefined;
  const side = f & HttpFlag.Side ? ix.side.get(r) : undefined;
  const qMissing = side?.reqMissing ?? 0;
  const rMissing = side?.respMissing ?? 0;
  return {
    stream: ix.streams.strings[ix.stream[r]],
    index: ix.exIndex[r],
    request: hasQ ? ix.reqStart[r] : null,
    requestEnd: hasQ ? ix.reqEnd[r] : null,
    response: hasR ? ix.respStart[r] : null,
    responseEnd: hasR ? ix.respEnd[r] : null,
    version: q?.version || s?.version || '',
    method: q?.method ?? '',
    host: q?.host ?? '',
    uri: hasQ ? ix.strings.strings[ix.uri[r]] : '',
    status: hasR && ix.status[r] !== 0 ? ix.status[r] : null,
    phrase: s?.phrase ?? '',
    requestBodyBytes: hasQ ? reqDecodedBytes(ix, r) : 0,
    responseBodyBytes: hasR ? respDecodedBytes(ix, r) : 0,
    responseWireBytes: hasR ? respBodyBytes(ix, r) : 0,
    contentType: s?.contentType ?? '',
    contentEncoding: s?.contentEncoding ?? '',
    duration: hasQ && hasR ? NaN : null,
    upgrade: side?.upgrade ?? '',
    truncated: qMissing > 0 || rMissing > 0 || (f & (HttpFlag.ReqHeadTruncated | HttpFlag.RespHeadTruncated)) !== 0,
    incomplete: (f & (HttpFlag.ReqIncomplete | HttpFlag.RespIncomplete)) !== 0,
    ...(qMissing + rMissing > 0 ? { missingBytes: qMissing + rMissing } : {}),
  };
}

/** The HTTP table row of an exchange object (HTTP/2, and materialised HTTP/1.x). */
export function rowOfExchange(ex: HttpExchange): HttpExchangeRow {
  const q = ex.request;
  const r = ex.response;
  const truncated = (q?.missing ?? 0) > 0 || (r?.missing ?? 0) > 0 || !!q?.headTruncated || !!r?.headTruncated;
  const start = q ? q.startTime : r ? r.startTime : 0;
  return {
    stream: ex.stream,
    index: ex.index,
    request: q ? q.startEvent : null,
    requestEnd: q ? q.endEvent : null,
    response: r ? r.startEvent : null,
    responseEnd: r ? r.endEvent : null,
    version: q?.version || r?.version || '',
    method: q?.method ?? '',
    host: q ? headerValue(q, 'host') ?? headerValue(q, ':authority') ?? '' : '',
    uri: q?.uri ?? '',
    status: r?.status ?? null,
    phrase: r?.phrase ?? '',
    requestBodyBytes: q ? q.decodedBytes : 0,
    responseBodyBytes: r ? r.decodedBytes : 0,
    responseWireBytes: r ? r.bodyBytes : 0,
    contentType: r?.contentType ?? '',
    contentEncoding: r?.contentEncoding ?? '',
    duration: q && r ? r.endTime - start : null,
    upgrade: ex.upgrade,
    truncated,
    incomplete: !!q?.incomplete || !!r?.incomplete,
    ...(ex.streamId !== undefined ? { streamId: ex.streamId } : {}),
    ...((q?.missing ?? 0) + (r?.missing ?? 0) > 0 ? { missingBytes: (q?.missing ?? 0) + (r?.missing ?? 0) } : {}),
  };
}

/** One entry of the merged exchange list: an HTTP/1.x column row or an HTTP/2 exchange of the list. */
export type ExchangeRef = { ix: HttpIndex; r: number; start: number } | { h2: H2ExchangeList; k: number; start: number };

/** Every exchange (cleartext, over TLS, HTTP/2) in order of the event where it starts. */
export function exchangeRefs(layer: HttpLayer): ExchangeRef[] {
  const out: ExchangeRef[] = [];
  for (const ix of [layer.plain, layer.tls]) {
    if (!ix) continue;
    for (let r = 0; r < ix.n; r++) if (!(ix.flags[r] & HttpFlag.Info)) out.push({ ix, r, start: ix.reqStart[r] || ix.respStart[r] });
  }
  const h2 = h2List(layer);
  for (let k = 0; k < h2.n; k++) out.push({ h2, k, start: h2Start(h2, k) });
  const sorted = out.every((x, k) => k === 0 || x.start >= out[k - 1].start);
  return sorted ? out : out.sort((a, b) => a.start - b.start);
}

/** The HTTP table row of a merged entry (durations from the event times). */
export function rowOf(layer: HttpLayer, e: ExchangeRef): HttpExchangeRow {
  if ('h2' in e) return h2Row(e.h2, e.k);
  const row = rowOfIndex(e.ix, e.r);
  if (row.duration !== null) {
    // Times the side table holds (a message's own start/end times) before the events' times.
    const side = e.ix.flags[e.r] & HttpFlag.Side ? e.ix.side.get(e.r) : undefined;
    const t = layer.capture;
    const qs = side?.reqTimes?.[0] ?? t.time(e.ix.reqStart[e.r]);
    const re = side?.respTimes?.[1] ?? t.time(e.ix.respEnd[e.r]);
    row.duration = re - qs;
  }
  return row;
}

/**
 * An exchange object with headers (not bodies) parsed again: for callers that want the full
 * shape. HTTP/2: headers decoded again, bodies sized (not kept) whatever `bodies` says.
 */
export function materialize(layer: HttpLayer, e: ExchangeRef, bodies: BodyMode | 'head' = 'head'): HttpExchange {
  if ('h2' in e) return h2Materialize(e.h2, e.k, { bodies: 'size' });
  const { ix, r } = e;
  const f = ix.flags[r];
  const ex: HttpExchange = {
    index: ix.exIndex[r], stream: ix.streams.strings[ix.stream[r]], request: null, response: null, informational: [], upgrade: ix.side.get(r)?.upgrade ?? '',
  };
  if (f & HttpFlag.Request) ex.request = withColumns(messageAt(layer, ix, r, false, bodies), ix, r, false);
  if (f & HttpFlag.Response) ex.response = withColumns(messageAt(layer, ix, r, true, bodies), ix, r, true);
  return ex;
}

/** A re-parsed head carries the index's complete-message facts (end event, sizes, flags). */
function withColumns(m: HttpMessage | null, ix: HttpIndex, r: number, response: boolean): HttpMessage | null {
  if (!m) return null;
  const f = ix.flags[r];
  const side = ix.side.get(r);
  m.endEvent = response ? ix.respEnd[r] : ix.reqEnd[r];
  m.bodyBytes = response ? respBodyBytes(ix, r) : reqBodyBytes(ix, r);
  m.decodedBytes = response ? respDecodedBytes(ix, r) : reqDecodedBytes(ix, r);
  m.missing = (response ? side?.respMissing : side?.reqMissing) ?? 0;
  m.incomplete = (f & (response ? HttpFlag.RespIncomplete : HttpFlag.ReqIncomplete)) !== 0;
  m.headTruncated = (f & (response ? HttpFlag.RespHeadTruncated : HttpFlag.ReqHeadTruncated)) !== 0;
  return m;
}

/** Headers and body of one message (`stream` and `index` as in the rows). */
export function httpBodyOf(layer: HttpLayer, stream: string, index: number, which: 'request' | 'response'): HttpBody {
  let m: HttpMessage | null = null;
  let found = false;
  for (const ix of [layer.plain, layer.tls]) {
    if (!ix || found) continue;
    const r = rowOfExchangeIndex(ix, stream, index);
    if (r < 0) continue;
    found = true;
    m = messageAt(layer, ix, r, which === 'response', 'keep');
  }
  if (!found) {
    const ex = h2ExchangeWithBodies(layer, stream, index);
    if (!ex) throw new Error(`no exchange ${index} in ${stream}`);
    m = which === 'request' ? ex.request : ex.response;
  }
  if (!m) throw new Error(`exchange ${index} of ${stream} has no ${which}`);
  const startLine = m.kind === 'request' ? `${m.method} ${m.uri} ${m.version}` : `${m.version} ${m.status ?? ''}${m.phrase ? ` ${m.phrase}` : ''}`;
  return {
    startLine, headers: m.headers, body: m.body ?? new Uint8Array(0), raw: m.rawBody ?? new Uint8Array(0),
    contentType: m.contentType, contentEncoding: m.contentEncoding, decodeError: m.decodeError, missing: m.missing, event: m.startEvent,
    offset: 0, bodySize: m.body?.length ?? 0, rawSize: m.rawBody?.length ?? 0, ...(m.bodyNote ? { bodyNote: m.bodyNote } : {}),
    ...(m.trailers ? { trailers: m.trailers } : {}),
  };
}

/**
 * Per index: stream → its rows by exchange index (built on first use; export reads every row),
 * and the rows it was built for (a followed capture's follow-scan index grows).
 */
const rowsByStream = new WeakMap<HttpIndex, { n: number; by: Map<number, Int32Array> }>();

function rowOfExchangeIndex(ix: HttpIndex, stream: string, index: number): number {
  const sid = ix.streams.ids.get(stream);
  if (sid === undefined) return -1;
  let by = rowsByStream.get(ix)?.n === ix.n ? rowsByStream.get(ix)?.by : undefined;
  if (!by) {
    by = new Map();
    const count = new Map<number, number>();
    for (let r = 0; r < ix.n; r++) if (!(ix.flags[r] & HttpFlag.Info)) count.set(ix.stream[r], Math.max(count.get(ix.stream[r]) ?? 0, ix.exIndex[r] + 1));
    for (const [s, n] of count) by.set(s, new Int32Array(n).fill(-1));
    for (let r = 0; r < ix.n; r++) if (!(ix.flags[r] & HttpFlag.Info)) (by.get(ix.stream[r]) as Int32Array)[ix.exIndex[r]] = r;
    rowsByStream.set(ix, { n: ix.n, by });
  }
  const rows = by.get(sid);
  return rows && index >= 0 && index < rows.length ? rows[index] : -1;
}

function h2Exchange(layer: HttpLayer, stream: string, index: number): HttpExchange | undefined {
  const h2 = h2List(layer);
  const k = h2Find(h2, stream, index);
  if (k >= 0) return h2Materialize(h2, k, { bodies: 'size' });
  // A cleartext stream asked for directly (h2 with the preface, not in the scan's candidates).
  if (stream.startsWith('tcp:') || stream.startsWith('fd:')) {
    const base = layer.capture;
    const s = stream.startsWith('tcp:') ? tcpStream(layer.internals, Number(stream.slice(4))) : fdStream(base, stream);
    if (startsWithPreface(s)) return http2Exchanges(parseHttp2(s), stream, { bombs: bodyBudgetOf(layer.capture) })[index];
  }
  return undefined;
}

/** Exchanges whose bodies were re-assembled (for tests: one per body asked, not one per connection). */
export const h2BodyWork = { exchanges: 0 };

/**
 * An HTTP/2 exchange with its bodies: the scan keeps only their sizes, so this one exchange is
 * derived again from its connection with its bodies (under the capture's body budget); the
 * connection's other streams are not re-assembled and nothing is kept.
 */
function h2ExchangeWithBodies(layer: HttpLayer, stream: string, index: number): HttpExchange | undefined {
  const k = h2Find(h2List(layer), stream, index);
  if (k < 0) return h2Exchange(layer, stream, index);
  const { e, r, j } = h2At(layer.h2, k);
  h2BodyWork.exchanges++;
  return h2ExchangeOfRow(e.conn, r, e.stream, j, { bombs: bodyBudgetOf(layer.capture) });
}

/** Exchanges of one stream with bodies (bodies of every message: for tests and small streams). */
export function streamExchangesWithBodies(layer: HttpLayer, stream: string): HttpExchange[] {
  const refs = exchangeRefs(layer).filter((e) => ('h2' in e ? h2At(e.h2, e.k).e.stream : e.ix.streams.strings[e.ix.stream[e.r]]) === stream);
  if (refs.length > 0) return refs.map((e) => materialize(layer, e, 'keep'));
  const ex: HttpExchange[] = [];
  for (let k = 0; ; k++) {
    const e = h2Exchange(layer, stream, k);
    if (!e) break;
    ex.push(e);
  }
  return ex;
}

export type { StreamChunk };
