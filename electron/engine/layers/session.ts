/**
 * A capture session: one open capture and the stream layers above its TCP/fd streams, owned by
 * the engine host (or a test, or the bench). Each layer declares the fields it owns, whether it
 * needs a whole-capture scan before they exist, and how it adds them to an event; the session's
 * `capture` is the format's capture whose dissect also adds every layer's fields. The host waits
 * for a layer's scan only when a request names one of its fields (docs/engine.md, "Stream layers").
 *
 * Layers, in the order they add fields to an event:
 * - HTTP/1.x (layers/http-layer.ts): scanned once, in slices, into a column index;
 * - TLS and HTTP/2 (tls/capture-tls.ts): no scan; each stream is decrypted and framed when one of
 *   its events is first asked for, and again when keys are added.
 * - TCP analysis (layers/tcp-analysis.ts): a sequential pass run lazily up to the frame asked for;
 *   in the window a background pass (runTcpAnalysis) runs it to the end, and rows asked for far
 *   past its frontier show without their tags, marked pending, until it reaches them.
 */
import type { Capture } from '../capture.ts';
import type { PageTexts } from '../index/columns.ts';
import { createDissection, resetDissection, type Dissection } from '../dissectors/dissection.ts';
import { hfFrameProtocols } from '../dissectors/frame.ts';
import { allFields } from '../fields/registry.ts';
import { HF } from '../http/http-fields.ts';
import { HTTP2_FIELDS } from '../http2/fields.ts';
import type { H2Connection, H2Frame } from '../http2/connection.ts';
import { http2Info } from '../http2/info.ts';
import { addTlsLayerFields, captureTls, markTlsLayer, tlsFrameOf, tlsLayerOfEvent, tlsLayerOfStream, tlsOfStream, type CaptureTls } from '../tls/capture-tls.ts';
import type { CryptoProfileName } from '../tls/crypto.ts';
import { TLS_FIELDS } from '../tls/fields.ts';
import { TCP_SEGMENT_TAG, tlsFrameColumns, type FrameColumns, type RowColumns } from '../tls/rows.ts';
import { hasHttpSegmentRow, httpSegmentRow } from './http-rows.ts';
import { endEventOf, type HttpIndex } from './http-index.ts';
import { addColumnFields, COLUMN_FIELD_NAMES, wantsColumnFields } from './column-fields.ts';
import { claimPayload } from './layer-tree.ts';
import { TCP_ANALYSIS_FIELDS } from './tcp-analysis-fields.ts';
import { ANALYSE_AHEAD, analyseTo, analysedWithin, createTcpAnalysis, type TcpAnalysis } from './tcp-analysis.ts';
import { addTcpAnalysisFields, frameInfoTags } from './tcp-analysis-view.ts';
import { prepareStreamFrames, tcpStreamFrames } from '../streams/tcp-reassembly.ts';
import { TCP_ONE } from '../index/packet-index.ts';
import { addHttpFields, createHttpLayer, messageInfo, httpFinal, httpMessagesEndingAt, httpScanSteps, refreshHttpTls, wantsHttp, type HttpLayer, type HttpScanProgress } from './http-layer.ts';

export interface StreamLayer {
  name: string;
  /** Field names this layer adds (a filter naming one of them depends on the layer). */
  fields: readonly string[];
  /** True once the layer can add its fields to any event (its scan, if any, is done). */
  ready(): boolean;
}

export interface CaptureSession {
  /** The format's capture (no layer fields). */
  base: Capture;
  /** The same capture whose dissect adds the layer fields. */
  capture: Capture;
  http: HttpLayer;
  /** The TLS layer's key store and stream cache (tls/capture-tls.ts). */
  tls: CaptureTls;
  layers: StreamLayer[];
  /** TCP sequence analysis of a packet capture (tcp.analysis.*, the [TCP …] Info tags). */
  tcpAnalysis: TcpAnalysis | undefined;
  /** The running or finished HTTP scan (resolves false when cancelled). */
  httpScan: Promise<boolean> | undefined;
  /**
   * While true (the host's `rows`), the TCP analysis runs at most `analyseAhead` frames past its
   * frontier for an event; farther events get no analysis (rowPending says which).
   */
  deferAnalysis: boolean;
  /** Frames a deferred request may analyse past the frontier (tcp-analysis.ts ANALYSE_AHEAD; tests lower it). */
  analyseAhead: number;
}

export interface ScanOptions {
  signal?: AbortSignal;
  onProgress?: (p: HttpScanProgress) => void;
  /** Yield to the event loop after this many ms of work (default 20). */
  sliceMs?: number;
  /** Checked between slices: while true the scan waits (interactive work such as a filter goes first). */
  paused?: () => boolean;
}

const HTTP_FIELD_NAMES = Object.values(HF).map((f) => f.name);
const TLS_LAYER_FIELDS = [...TLS_FIELDS, ...HTTP2_FIELDS];

/** Dissections by the format's capture under the session (tests: a TLS/HTTP/2-field filter does none). */
export const sessionWork = { baseDissects: 0, layerOnly: 0 };

/** Open a session over a capture (indexing may still run: scans start when asked). */
export function openSession(base: Capture, opts: { profile?: CryptoProfileName } = {}): CaptureSession {
  const tls = captureTls(base, opts.profile);
  const http = createHttpLayer(base);
  const session: CaptureSession = {
    base,
    capture: base,
    http,
    tls,
    layers: [
      // The Protocol/Info column fields read the rows, which name HTTP once the scan has run.
      { name: 'http', fields: [...HTTP_FIELD_NAMES, ...COLUMN_FIELD_NAMES], ready: () => httpFinal(http) },
      { name: 'tls', fields: TLS_LAYER_FIELDS.map((f) => f.name), ready: () => true },
      // Computed up to the frame asked for, at once (linear, each TCP header from the index columns).
      { name: 'tcp-analysis', fields: TCP_ANALYSIS_FIELDS.map((f) => f.name), ready: () => true },
    ],
    tcpAnalysis: undefined,
    httpScan: undefined,
    deferAnalysis: false,
    analyseAhead: ANALYSE_AHEAD,
  };
  const internals = base.internals();
  // A capture set's parts have sessions of their own, whose fields its dissect already adds.
  if (internals.kind === 'set') {
    session.layers = [];
    return session;
  }
  if (internals.kind === 'packets') session.tcpAnalysis = createTcpAnalysis(internals);
  const columns = base.columns();
  const infoColumn = columns.findIndex((c) => c.id === 'info');
  const protocolColumn = columns.findIndex((c) => c.id === 'protocol');
  const scratch = createDissection();
  scratch.keep = new Uint8Array(allFields().length + 1);
  scratch.keep[HF.http.id] = 1;
  // Everything but dissect and cells passes through (the spread keeps methods added to Capture later).
  session.capture = {
    ...base,
    dissect: (ev, d, o) => {
      // A filter on tcp.analysis.* fields alone is answered from the analysis columns, with no
      // re-dissection of the frame.
      if (session.tcpAnalysis && o?.info === false && keepsOnly(d, TCP_ANALYSIS_FIELDS)) {
        resetDissection(d, EMPTY);
        if (analysisAt(session, ev)) addTcpAnalysisFields(session.tcpAnalysis, ev, d);
        return;
      }
      // Likewise a filter on TLS / HTTP/2 fields alone: the stream layers' indexes answer it (the
      // stream is walked once when first asked for), the frame itself is not dissected again.
      if (o?.info === false && keepsOnly(d, TLS_LAYER_FIELDS)) {
        resetDissection(d, EMPTY);
        sessionWork.layerOnly++;
        try {
          addTlsLayerFields(base, ev, d);
        } catch (e) {
          d.malformed ??= `TLS/HTTP2 layer: ${(e as Error).message}`;
        }
        return;
      }
      sessionWork.baseDissects++;
      base.dissect(ev, d, o);
      addLayerFields(session, ev, d, o?.info ?? true);
      if (wantsColumnFields(d)) addColumnFields(base, ev, d, session.capture.cells);
    },
    // The Protocol column sorts by what the row shows (TLSv1.3, HTTP …), not the index's TCP.
    sortKey: base.sortKey && ((ev, column) => {
      if (column === 'protocol' && protocolColumn >= 0) {
        const row = layerColumns(session, ev, scratch);
        if (row && !('tcpTag' in row)) return row.protocol;
      }
      return base.sortKey?.(ev, column);
    }),
    sortKeys: base.sortKey && ((column, start, count) => {
      const out: (number | string | undefined)[] = new Array(count);
      for (let r = 0; r < count; r++) out[r] = base.sortKey?.(start + r + 1, column);
      if (column === 'protocol' && protocolColumn >= 0) layerProtocols(session, start, count, out, scratch);
      return out;
    }),
    sortKeyTexts: base.sortKeyTexts && ((column, start, count) => {
      const page = base.sortKeyTexts?.(column, start, count);
      if (!page || column !== 'protocol' || protocolColumn < 0) return page;
      // The rows a layer names (TLSv1.3, HTTP …) over the index's protocol, as sortKeys does.
      const layer: (number | string | undefined)[] = new Array(count);
      layerProtocols(session, start, count, layer, scratch);
      let codes: Map<string, number> | undefined;
      // Neighbouring layer rows mostly name the same protocol (HTTP): no Map lookup then.
      let last: string | number | undefined;
      let lastId = 0;
      for (let r = 0; r < count; r++) {
        const v = layer[r];
        if (v === undefined) continue;
        if (v !== last) {
          codes ??= new Map(page.dict.map((t, k) => [t, k]));
          const t = String(v);
          let k = codes.get(t);
          if (k === undefined) codes.set(t, (k = page.dict.push(t) - 1));
          last = v;
          lastId = k;
        }
        page.ids[r] = lastId;
      }
      return page;
    }),
    cellTexts: (column, start, count) => {
      if (column === 'info' && infoColumn >= 0 && protocolColumn >= 0) return infoTexts(session, start, count, infoColumn, protocolColumn, scratch);
      // Without a Protocol column or TCP analysis the session's cells are the capture's (syscalls).
      return protocolColumn < 0 && !session.tcpAnalysis ? base.cellTexts?.(column, start, count) : undefined;
    },
    cells: (ev, out) => {
      base.cells(ev, out);
      if (infoColumn >= 0) layerCells(session, ev, out, protocolColumn, infoColumn, scratch);
    },
  };
  // Its dissect adds the TLS fields: a filter on hello types may answer them undissected (tls/hello-filter.ts).
  markTlsLayer(session.capture);
  return session;
}

/**
 * Over the format's cells of event `ev` in `out`: the TCP analysis tags before its Info (tshark
 * puts them first; applyColumns keeps them before a layer's Info), then the stream layers'
 * Protocol and Info. `plain`: the caller knows that no TLS layer takes the event's stream and
 * that no HTTP/1.x message ends at it (only a segment row may apply).
 */
function layerCells(s: CaptureSession, ev: number, out: string[], protocolColumn: number, infoColumn: number, scratch: Dissection, plain = false): void {
  if (s.tcpAnalysis && analysisAt(s, ev)) out[infoColumn] = frameInfoTags(s.tcpAnalysis, ev) + out[infoColumn];
  if (protocolColumn < 0 || carriesNoLayer(s, ev)) return;
  const row = plain ? plainColumns(s, ev, NO_INFOS) : layerColumns(s, ev, scratch);
  if (row) applyColumns(row, out, protocolColumn, infoColumn);
}

/** TCP flags that end a direction or the connection (RFC 9293 §3.1): they may complete a message without data. */
const TH_FIN_RST = 0x01 | 0x04;

/**
 * Whether packet `ev` is one TCP segment with no payload and neither FIN nor RST (a SYN, a bare
 * ACK), from the index's TCP header columns: no stream layer has a unit on it, so its row waits
 * for no layer scan (`list -f 'tcp.flags.syn == 1'` prints its rows without the HTTP scan).
 */
export function carriesNoLayer(s: CaptureSession, ev: number): boolean {
  const int = s.http.internals;
  if (int.kind !== 'packets') return false;
  const ix = int.index;
  const hdr = ix.hdrFlags.data[ev - 1];
  return (hdr & TCP_ONE) !== 0 && (hdr & TH_FIN_RST) === 0 && ix.tcpLen.data[ev - 1] === 1;
}

/** Per cleartext HTTP index: 1 for each TCP stream it holds an exchange of, for its first `n` rows (a followed capture's index grows). */
const claimedStreams = new WeakMap<HttpIndex, { n: number; claimed: Uint8Array }>();

/** Whether the cleartext HTTP/1.x scan recorded an exchange on TCP stream `st`. */
function claimedByHttp(ix: HttpIndex | undefined, st: number): boolean {
  if (!ix) return false;
  let hit = claimedStreams.get(ix);
  if (!hit || hit.n !== ix.n) {
    const byId = ix.streams.strings.map((id) => (id.startsWith('tcp:') ? Number(id.slice(4)) : -1));
    let max = -1;
    for (const n of byId) if (n > max) max = n;
    const claimed = new Uint8Array(max + 1);
    for (let r = 0; r < ix.n; r++) {
      const n = byId[ix.stream[r]];
      if (n >= 0) claimed[n] = 1;
    }
    hit = { n: ix.n, claimed };
    claimedStreams.set(ix, hit);
  }
  return st < hit.claimed.length && hit.claimed[st] === 1;
}

/** The Protocol of a row where an HTTP/1.x message ends. */
const HTTP_PROTOCOL = 'HTTP';

/** Per TCP stream of a page: 0 not asked yet, 1 TLS, 2 not (asked once a stream, not once a row). */
interface StreamTlsMemo {
  of: Uint8Array;
}

function createStreamTlsMemo(): StreamTlsMemo {
  return { of: new Uint8Array(1024) };
}

/** Is TCP stream `st` TLS, as layerColumns decides it? A stream the HTTP/1.x scan parsed from its first bytes is not: no peek at its start. */
function streamIsTls(s: CaptureSession, st: number, memo: StreamTlsMemo): boolean {
  if (st >= memo.of.length) {
    const grown = new Uint8Array(Math.max(st + 1, memo.of.length * 2));
    grown.set(memo.of);
    memo.of = grown;
  }
  if (memo.of[st] === 0) memo.of[st] = claimedByHttp(s.http.plain, st) || tlsOfStream(s.base, `tcp:${st}`) === null ? 2 : 1;
  return memo.of[st] === 1;
}

/**
 * The Protocol column sortKey gives events start+1 … start+count (over the base's own in `out`),
 * without a layerColumns call for every event: only events of a TLS stream go through it; of
 * the others, those where an HTTP message ends show HTTP (addHttpFields gives them an Info),
 * the rest keep the base's protocol, as layerColumns decides.
 */
function layerProtocols(s: CaptureSession, start: number, count: number, out: (number | string | undefined)[], scratch: Dissection): void {
  const http = s.http;
  if (http.plain) refreshTls(s);
  const decided = new Uint8Array(count);
  const int = http.internals;
  if (int.kind === 'packets') {
    const fs = int.conv.frameStream;
    const tls = createStreamTlsMemo();
    for (let r = 0; r < count; r++) {
      const ev = start + r + 1;
      const st = ev < fs.length ? fs[ev] : -1;
      if (st < 0 || !streamIsTls(s, st, tls)) continue;
      decided[r] = 1;
      const row = layerColumns(s, ev, scratch);
      if (row && !('tcpTag' in row)) out[r] = row.protocol;
    }
  }
  if (!http.plain) return;
  for (const ix of [http.plain, http.tls]) {
    if (!ix || ix.endRefs.length === 0) continue;
    for (let k = firstEndFrom(ix, start + 1); k < ix.endRefs.length; k++) {
      const r = endEventOf(ix, ix.endRefs[k]) - start - 1;
      if (r >= count) break;
      if (!decided[r]) out[r] = HTTP_PROTOCOL;
    }
  }
}

/** The position in `ix.endRefs` of the first message ending at or after `event` (firstEndAt answers only an exact event). */
function firstEndFrom(ix: HttpIndex, event: number): number {
  let lo = 0;
  let hi = ix.endRefs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (endEventOf(ix, ix.endRefs[mid]) < event) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Info cells infoTexts built from the HTTP index and the analysis (`fast`), from TCP's header
 * without a dissection (`tcp`), and through `cells` (tests count them).
 */
export const infoWork = { fast: 0, tcp: 0, cells: 0 };

/** Per row of a page: the joined Info texts of the HTTP/1.x messages ending at it (addHttpFields' order), or undefined. */
function httpInfosOfPage(s: CaptureSession, start: number, count: number): (string | undefined)[] {
  const out: (string | undefined)[] = new Array(count);
  const http = s.http;
  // layerColumns asks the HTTP layer only once its cleartext index exists.
  if (!http.plain) return out;
  refreshTls(s);
  for (const ix of [http.plain, http.tls]) {
    if (!ix || ix.endRefs.length === 0) continue;
    for (let k = firstEndFrom(ix, start + 1); k < ix.endRefs.length; k++) {
      const ref = ix.endRefs[k];
      const r = endEventOf(ix, ref) - start - 1;
      if (r >= count) break;
      const text = messageInfo(ix, ref >>> 1, (ref & 1) === 1);
      const had = out[r];
      out[r] = had === undefined ? text : `${had}, ${text}`;
    }
  }
  return out;
}

/**
 * The Info cells of events start+1 … start+count as page ids, equal to `cells`' (test:
 * info-texts.test.ts), with no dissection where the row is an HTTP/1.x message's end over TCP:
 * there `cells` shows the TCP analysis tags and the messages' Info texts, and the frame's own
 * TCP Info (which the index says it is: Protocol TCP, so it starts with the ports and gives no
 * tag) only decides the tags, which come from the analysis. Nor where the frame's own Info is
 * TCP's and its header gives it (the capture's tcpInfo: bare ACKs, SYN/FIN, segments of a
 * message…): the layers then go over it as in `cells` (layerCells). The other rows (other
 * protocols, frames of other shapes) go through `cells`.
 */
function infoTexts(s: CaptureSession, start: number, count: number, infoColumn: number, protocolColumn: number, scratch: Dissection): PageTexts | undefined {
  const int = s.http.internals;
  if (int.kind !== 'packets') return undefined;
  const ix = int.index;
  const fs = int.conv.frameStream;
  const tcpProtocol = ix.strings.ids.get(TCP_PROTOCOL) ?? -1;
  const http = httpInfosOfPage(s, start, count);
  const ta = s.tcpAnalysis;
  const ids = new Uint32Array(count);
  const dict: string[] = [];
  const codes = new Map<string, number>();
  const cells = new Array<string>(s.base.columns().length).fill('');
  let last: string | undefined;
  let lastId = 0;
  const tls = createStreamTlsMemo();
  for (let r = 0; r < count; r++) {
    const ev = start + r + 1;
    const st = ev < fs.length ? fs[ev] : -1;
    let text: string | undefined;
    const infos = http[r];
    if (infos !== undefined && st >= 0 && ix.protocol.data[ev - 1] === tcpProtocol && !carriesNoLayer(s, ev) && !streamIsTls(s, st, tls)) {
      text = (ta && analysisAt(s, ev) ? frameInfoTags(ta, ev) : '') + infos;
    }
    if (text !== undefined) infoWork.fast++;
    else {
      const own = int.tcpInfo?.(ev);
      if (own !== undefined) {
        infoWork.tcp++;
        cells[infoColumn] = own;
        // A stream the HTTP scan or the TLS peek tells from its start: no TLS lookup for the row.
        layerCells(s, ev, cells, protocolColumn, infoColumn, scratch, infos === undefined && st >= 0 && !streamIsTls(s, st, tls));
      } else {
        infoWork.cells++;
        s.capture.cells(ev, cells);
      }
      text = cells[infoColumn] ?? '';
    }
    // Neighbouring rows mostly repeat a text (a keep-alive stream's requests): no Map lookup then.
    if (text !== last) {
      last = text;
      const id = codes.get(text);
      if (id === undefined) codes.set(text, (lastId = dict.push(text) - 1));
      else lastId = id;
    }
    ids[r] = lastId;
  }
  return { ids, dict };
}

/** The index's protocol of a frame whose top dissector is TCP (its Info is TCP's own). */
const TCP_PROTOCOL = 'TCP';

/** Whether event `ev`'s TCP analysis may be read now (at once, or within `analyseAhead` frames when deferring). */
function analysisAt(s: CaptureSession, ev: number): boolean {
  return !s.deferAnalysis || !s.tcpAnalysis || analysedWithin(s.tcpAnalysis, ev, s.analyseAhead);
}

/**
 * 1 when a deferred `cells` of event `ev` lacked its TCP analysis (a TCP frame past the pass's
 * frontier): the row shows TCP's own Info for now and the window asks again once the pass is there.
 */
export function rowPending(s: CaptureSession, ev: number): number {
  const ta = s.tcpAnalysis;
  if (!s.deferAnalysis || !ta || ev <= ta.done) return 0;
  const fs = ta.internals.conv.frameStream;
  return ev < fs.length && fs[ev] >= 0 ? 1 : 0;
}

/** Run `fn` (a rows page) with the TCP analysis deferred: it costs at most ANALYSE_AHEAD frames wherever the rows are. */
export function withDeferredAnalysis<T>(s: CaptureSession, fn: () => T): T {
  const was = s.deferAnalysis;
  s.deferAnalysis = true;
  try {
    return fn();
  } finally {
    s.deferAnalysis = was;
  }
}

export interface AnalysisPassOptions {
  signal?: AbortSignal;
  /** Frames analysed so far and the frames indexed; at most every `progressMs` and once at the end. */
  onProgress?: (done: number, total: number) => void;
  sliceMs?: number;
  progressMs?: number;
  /** While true the pass waits between slices (the host: a request waits for the HTTP scan, which then has the thread alone). */
  paused?: () => boolean;
}

/**
 * The TCP analysis of every frame indexed, in slices of `sliceMs` that yield to the event loop
 * (requests are answered between them; a rows page may itself move the frontier by up to
 * `analyseAhead` frames). Resolves true once every frame is analysed, false when aborted.
 */
export function runTcpAnalysis(s: CaptureSession, opts: AnalysisPassOptions = {}): Promise<boolean> {
  const ta = s.tcpAnalysis;
  return ta ? analyseSliced(ta, () => ta.internals.index.dataOffset.length, opts) : Promise.resolve(true);
}

/**
 * What the window's first look far into the capture would otherwise build inside its request
 * (the per-stream frame lists the TLS layer's peek at a stream's start reads), built now in
 * steps that yield to the event loop. Resolves false when aborted.
 */
export async function prepareStreams(s: CaptureSession, signal?: AbortSignal): Promise<boolean> {
  for (const _ of prepareStreamFrames(s.base.internals())) {
    await new Promise<void>((r) => setImmediate(r));
    if (signal?.aborted) return false;
  }
  return true;
}

async function analyseSliced(ta: TcpAnalysis, target: () => number, opts: AnalysisPassOptions): Promise<boolean> {
  const slice = opts.sliceMs ?? 10;
  const every = opts.progressMs ?? 250;
  let shown = performance.now();
  while (ta.done < target()) {
    const t0 = performance.now();
    // Chunks of a few thousand frames (a few ms) until the slice is used.
    while (ta.done < target() && performance.now() - t0 < slice) analyseTo(ta, Math.min(target(), ta.done + 4096));
    const now = performance.now();
    if (now - shown >= every) {
      shown = now;
      opts.onProgress?.(ta.done, target());
    }
    await new Promise<void>((r) => setImmediate(r));
    while (opts.paused?.() && !opts.signal?.aborted) await new Promise<void>((r) => setTimeout(r, 5));
    if (opts.signal?.aborted) return false;
  }
  opts.onProgress?.(ta.done, target());
  return true;
}

/** TCP analysis tags (`[TCP Window Full] ` …) stay in front of the layer's Info, as tshark's column fence keeps them. */
const TCP_TAGS = /^(\[TCP [^\]]+\] )+/;

function applyColumns(row: FrameColumns, out: string[], protocolColumn: number, infoColumn: number): void {
  const tcpInfo = out[infoColumn] ?? '';
  const tags = TCP_TAGS.exec(tcpInfo)?.[0] ?? '';
  if ('tcpTag' in row) {
    // tshark 4.0 (no out-of-order reassembly by default) does not desegment these segments.
    if (/\[TCP (Retransmission|Out-Of-Order|Spurious Retransmission|Fast Retransmission)\]/.test(tags)) return;
    out[infoColumn] = row.tcpTag === 'append' ? `${tcpInfo} ${TCP_SEGMENT_TAG}` : `${tags}${row.lead ? `${row.lead} ` : ''}${TCP_SEGMENT_TAG}`;
    return;
  }
  out[protocolColumn] = row.protocol;
  // TLS and HTTP/2 append their texts with a ", " separator (packet-tls.c, packet-http2.c
  // col_append_sep_str), so behind the tags tshark shows "[TCP Window Full] , DATA[3]"; HTTP
  // sets the column, and a "[TLS segment …]" tag is appended with none.
  const sep = tags && /^(TLS|SSL|HTTP2$)/.test(row.protocol) && !row.info.startsWith('[') ? ', ' : '';
  out[infoColumn] = `${tags}${sep}${row.info}`;
}

/**
 * The Protocol and Info of an event from the stream layers (tshark's: the top protocol of the
 * frame, HTTP on the frame completing each message), or undefined when the format's stand.
 * `scratch` is a dissection reused for the HTTP Info texts.
 */
export function layerColumns(s: CaptureSession, event: number, scratch: Dissection): FrameColumns | undefined {
  const infos: string[] = [];
  if (s.http.plain) {
    refreshTls(s);
    resetDissection(scratch, EMPTY);
    addHttpFields(s.http, event, scratch, true, infos);
  }
  // Syscall captures have no Protocol column of packets: their fd streams show no TLS rows.
  const t = s.http.internals.kind === 'packets' ? tlsFrameOf(s.base, event) : undefined;
  if (t) return tlsFrameColumns(t.frame, infos, t.conn && (t.h2 || t.conn.prefaceEvent === event) ? http2RowColumns(t.conn, event, t.h2 ?? []) : undefined);
  return plainColumns(s, event, infos);
}

/** layerColumns of an event no TLS layer took: HTTP where messages end (their Info texts `infos`), else a segment row of a message spanning frames. */
function plainColumns(s: CaptureSession, event: number, infos: readonly string[]): FrameColumns | undefined {
  if (infos.length > 0) return { protocol: HTTP_PROTOCOL, info: infos.join(', ') };
  const seg = httpSegmentRow(s.http, event);
  if (seg === 'continues') return { tcpTag: 'append' };
  return seg ? { tcpTag: 'alone', lead: seg.head } : undefined;
}

const NO_INFOS: readonly string[] = [];

/**
 * HTTP/2 rows (`Magic`, `HEADERS[1]: GET /`, `DATA[1]`, `SETTINGS[0]` …, Protocol `HTTP2`) for
 * the frames an event completes (http2/info.ts, tshark 4.0's texts).
 */
export function http2RowColumns(conn: H2Connection, event: number, frames: readonly H2Frame[]): RowColumns | undefined {
  const info = http2Info(conn, event, frames);
  return info ? { protocol: 'HTTP2', info } : undefined;
}

const EMPTY = new Uint8Array(0);

/**
 * The layer fields of one event, after the format's own fields, in layer order (TLS and HTTP/2,
 * then HTTP/1.x over it or over TCP); when a layer took the TCP payload, the `Data` node goes and
 * frame.protocols names the layers (layer-tree.ts).
 */
export function addLayerFields(s: CaptureSession, event: number, d: Dissection, wantInfo = true): void {
  const http = s.http;
  let tlsSource = -1;
  try {
    tlsSource = addTlsLayerFields(s.base, event, d);
  } catch (e) {
    d.malformed ??= `TLS/HTTP2 layer: ${(e as Error).message}`;
  }
  let messages = 0;
  if (http.plain && wantsHttp(d)) {
    refreshTls(s);
    try {
      messages = addHttpFields(http, event, d, wantInfo, [], tlsSource);
    } catch (e) {
      d.malformed ??= `HTTP layer: ${(e as Error).message}`;
    }
  }
  if (s.tcpAnalysis && (wantInfo || keepsAny(d, TCP_ANALYSIS_FIELDS)) && analysisAt(s, event)) {
    const tags = addTcpAnalysisFields(s.tcpAnalysis, event, d);
    if (wantInfo && tags) d.info = tags + d.info;
  }
  if (d.summary || !(d.keep === null || d.keep[hfFrameProtocols.id] === 1)) return;
  // frame.protocols without the http.* fields (io,phs): it still names http where a message ends.
  if (http.plain && messages === 0 && !wantsHttp(d)) {
    refreshTls(s);
    messages = httpMessagesEndingAt(http, event);
  }
  const chain = layerChain(s, event, messages);
  if (chain) claimPayload(d, chain);
}

/**
 * What frame.protocols of each event ends with as the stream layers make it (see addLayerFields),
 * without dissecting: for io,phs over the index (stats/phs.ts). The answer for one event is
 * layerChain's; what makes it cheap over every event: the HTTP messages ending at each event are
 * counted once from the end lookups, the TLS layer is asked once per TCP stream whether it took
 * the stream, and the HTTP segment rows only for events inside a message spanning frames.
 */
// protocolLayerChains' per-event TLS answer: asked, completes records, carries part of one, completes HTTP/2 frames.
const TLS_ASKED = 1;
const TLS_RECORDS = 2;
const TLS_PARTIAL = 4;
const TLS_H2 = 8;

export function protocolLayerChains(s: CaptureSession): (event: number) => string[] | undefined {
  const http = s.http;
  if (http.plain) refreshTls(s);
  const n = s.base.count();
  const ends = new Uint16Array(n + 2);
  for (const ix of [http.plain, http.tls]) {
    if (!ix) continue;
    for (const ref of ix.endRefs) {
      const e = endEventOf(ix, ref);
      if (e <= n && ends[e] < 0xffff) ends[e]++;
    }
  }
  // Events covered by a cleartext message spanning frames (start < end): a difference array.
  const covered = new Int32Array(n + 2);
  const plain = http.plain;
  if (plain) {
    for (let r = 0; r < plain.n; r++) {
      for (const [a, b] of [[plain.reqStart[r], plain.reqEnd[r]], [plain.respStart[r], plain.respEnd[r]]]) {
        if (a === 0 || a >= b || b > n) continue;
        covered[a]++;
        covered[b]--;
      }
    }
    for (let e = 1; e <= n; e++) covered[e] += covered[e - 1];
  }
  const int = s.base.internals();
  const frameStream = int.kind === 'packets' ? int.conv.frameStream : undefined;
  // Per TCP stream: 0 not asked yet, 1 the TLS layer took it, 2 it did not.
  const tlsStream = new Uint8Array(int.kind === 'packets' ? int.conv.nTcp : 0);
  // Per event of a TLS stream, what the TLS layer says of it (TLS_* bits), all of a stream's
  // events asked at its first (tlsLayerOfStream); 0: not asked.
  const tlsCode = new Uint8Array(n + 2);
  return (event) => {
    const messages = ends[event];
    const t = frameStream && event < frameStream.length ? frameStream[event] : -1;
    if (t >= 0 && t < tlsStream.length && tlsStream[t] !== 2) {
      if (tlsStream[t] === 0 && int.kind === 'packets') {
        const frames = tcpStreamFrames(int, t);
        const all = tlsLayerOfStream(s.base, t, frames);
        tlsStream[t] = all ? 1 : 2;
        if (all) all.forEach((f, i) => {
          if (frames[i] <= n) tlsCode[frames[i]] = TLS_ASKED | (f.records > 0 ? TLS_RECORDS : 0) | (f.partial ? TLS_PARTIAL : 0) | (f.h2 ? TLS_H2 : 0);
        });
      }
      // Counts only, as layerChain reads them from tlsFrameOf: no record decrypted again.
      const code = tlsCode[event];
      const f = code !== 0 ? { records: code & TLS_RECORDS, partial: (code & TLS_PARTIAL) !== 0, h2: (code & TLS_H2) !== 0 } : tlsLayerOfEvent(s.base, event);
      if (tlsStream[t] === 0) tlsStream[t] = f ? 1 : 2;
      if (f) {
        if (f.records === 0) return f.partial ? [] : undefined;
        return ['tls', ...(f.h2 ? ['http2'] : []), ...(messages > 0 ? ['http'] : [])];
      }
    }
    if (messages > 0) return ['http'];
    return covered[event] > 0 && hasHttpSegmentRow(http, event) ? [] : undefined;
  };
}

/** The protocols above TCP of an event a layer took (empty: a segment of a later PDU); undefined: none took it. */
function layerChain(s: CaptureSession, event: number, httpMessages: number): string[] | undefined {
  const t = s.http.internals.kind === 'packets' ? tlsFrameOf(s.base, event) : undefined;
  if (t) {
    if (!t.frame.records?.length) return t.frame.partial === undefined ? undefined : [];
    return ['tls', ...(t.h2?.length ? ['http2'] : []), ...(httpMessages > 0 ? ['http'] : [])];
  }
  if (httpMessages > 0) return ['http'];
  return httpSegmentRow(s.http, event) ? [] : undefined;
}

/** Whether `d` records some of `fields` and nothing else (a keep mask); cached per field list and mask. */
const onlyCache = new WeakMap<readonly { id: number }[], WeakMap<Uint8Array, boolean>>();
function keepsOnly(d: Dissection, fields: readonly { id: number }[]): boolean {
  const keep = d.keep;
  if (keep === null || d.summary) return false;
  let byMask = onlyCache.get(fields);
  if (!byMask) {
    byMask = new WeakMap();
    onlyCache.set(fields, byMask);
  }
  let v = byMask.get(keep);
  if (v === undefined) {
    const ids = new Set(fields.map((f) => f.id));
    let any = false;
    v = true;
    for (let i = 0; i < keep.length && v; i++) {
      if (keep[i] !== 1) continue;
      any = true;
      if (!ids.has(i)) v = false;
    }
    v &&= any;
    byMask.set(keep, v);
  }
  return v;
}

function keepsAny(d: Dissection, fields: readonly { id: number }[]): boolean {
  if (d.summary) return false;
  if (d.keep === null) return true;
  for (const f of fields) if (d.keep[f.id] === 1) return true;
  return false;
}

/** Bring the HTTP-over-TLS part up to the key store's generation (keys added since). */
export function refreshTls(s: CaptureSession): void {
  const int = s.http.internals;
  // Asked per event: the common case (no keys added, no key-log blocks left to load) is two compares.
  if (s.http.tlsGen === s.tls.keys.generation && (int.kind !== 'packets' || int.index.secrets.length === s.tls.dsbLoaded)) return;
  const t = captureTls(s.base);
  refreshHttpTls(s.http, t.keys.generation, t.keys.byRandom.size > 0 || t.keys.psks.length > 0);
}

/** The layers whose fields `fields` names and that are not ready yet (a filter waits for these only). */
export function pendingLayers(s: CaptureSession, fields: readonly string[]): StreamLayer[] {
  return s.layers.filter((l) => !l.ready() && fields.some((f) => l.fields.includes(f)));
}

/**
 * The HTTP scan, in slices of `sliceMs` that yield to the event loop (the engine keeps
 * answering meanwhile); resolves false when `signal` aborts it. Started once per session.
 */
export function scanHttp(s: CaptureSession, opts: ScanOptions = {}): Promise<boolean> {
  if (httpFinal(s.http)) {
    refreshTls(s);
    return Promise.resolve(true);
  }
  s.httpScan ??= (async () => {
    const progress: HttpScanProgress = { done: 0, total: 0, messages: 0 };
    const slice = opts.sliceMs ?? 20;
    let sliceStart = performance.now();
    for (const _ of httpScanSteps(s.http, progress, { rows: true })) {
      if (performance.now() - sliceStart < slice) continue;
      progress.messages = s.http.messages;
      opts.onProgress?.(progress);
      await new Promise<void>((r) => setImmediate(r));
      while (opts.paused?.() && !opts.signal?.aborted) await new Promise<void>((r) => setTimeout(r, 5));
      if (opts.signal?.aborted) {
        s.httpScan = undefined;
        return false;
      }
      sliceStart = performance.now();
    }
    refreshTls(s);
    opts.onProgress?.({ done: progress.total, total: progress.total, messages: s.http.messages });
    return true;
  })();
  return s.httpScan;
}

/** The HTTP scan run to completion at once (tests, the bench, one-shot tools). */
export function scanHttpNow(s: CaptureSession): HttpLayer {
  if (!httpFinal(s.http)) {
    const progress: HttpScanProgress = { done: 0, total: 0, messages: 0 };
    for (const _ of httpScanSteps(s.http, progress)) {
      // run to completion
    }
  }
  refreshTls(s);
  return s.http;
}
