/**
 * What the engine host answers for streams and HTTP (shared/rpc.ts `streams`, `follow`,
 * `httpExchanges`, `httpBody`), as plain functions over a Capture so the CLI, tests and the
 * host share them. The last followed stream is cached so paging through a large stream does
 * not rebuild it for every page.
 */
import { MAX_HTTP_PAGE_ROWS, type FollowFormatName, type FollowPage, type HttpBody, type HttpBodyItem, type HttpExchangeRow, type HttpPage, type HttpPageQuery, type StreamSummary } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { createDissection } from '../dissectors/dissection.ts';
import { compileFilterText } from '../filter/compile.ts';
import { exchangeRefs, httpBodyOf as layerBodyOf, rowOf, tlsSource, type HttpLayer } from '../layers/http-layer.ts';
import { scanHttpNow, type CaptureSession } from '../layers/session.ts';
import { httpFilterEventsSliced, onlyHttpFields } from '../layers/http-filter.ts';
import { exchangeList, viewKey, viewRows, viewSteps, type ExchangeView } from '../layers/exchange-view.ts';
import { tlsOfStream } from '../tls/capture-tls.ts';
import { recordAt, recordCount, type TlsStreamResult } from '../tls/session.ts';
import type { ByteStream, StreamChunk, StreamDir } from '../streams/byte-stream.ts';
import { heldSource, tcpFollowSource, type ChunkColumns, type FollowSource } from '../streams/follow-source.ts';
import { fdStream, fdStreamOfEvent, listFdStreams } from '../streams/fd-streams.ts';
import { h2Stream } from './h2-stream.ts';
import { ownBytes } from './reply-size.ts';
import { setHttpPage } from '../sets/set-http.ts';
import {
  FOLLOW_FOOTER, followHeader, formatAscii, formatCArrays, formatHex, formatRawLines, formatRawTshark, formatUtf8, formatYaml, streamFilter,
} from '../streams/follow-format.ts';
import { createFrameReader, frameEndpoints, readFrame, streamIdOfFrame, tcpStream, udpStream } from '../streams/tcp-reassembly.ts';
import { hfTcpPayload } from '../dissectors/tcp.ts';
import { hfUdpPayload } from '../dissectors/udp.ts';
import { streamDirOf } from '../streams/conversations.ts';

/** Data bytes per follow page. */
const PAGE_BYTES = 1 << 20;

const listCache = new WeakMap<Capture, StreamSummary[]>();

/** Every TCP/UDP conversation (packets) or fd stream (syscalls). */
export function listStreams(capture: Capture, opts: { kind?: 'tcp' | 'udp' | 'fd' } = {}): StreamSummary[] {
  const int = capture.internals();
  if (int.kind === 'set') {
    // Each part's streams, their events in the set's numbering.
    return int.parts.flatMap((p) => listStreams(p.capture, opts).map((s) => ({ ...s, firstEvent: p.global(s.firstEvent), lastEvent: p.global(s.lastEvent) })));
  }
  if (int.kind === 'syscalls') {
    if (opts.kind && opts.kind !== 'fd') return [];
    return listFdStreams(capture).map((s) => {
      const sock = s.name.includes('->');
      const [a, b] = sock ? s.name.split('->') : [`${s.procName}(${s.pid})`, s.name];
      return {
        id: s.id, kind: 'fd', client: a, server: b, firstEvent: s.firstEvent, lastEvent: s.lastEvent, events: s.events,
        bytes: [s.bytes[0], s.bytes[1]], pid: s.pid, tid: s.tid, fd: s.fd, name: s.name, procName: s.procName, role: s.role,
      };
    });
  }
  let all = listCache.get(capture);
  if (!all) {
    const conv = int.conv;
    const n = int.index.dataOffset.length;
    const tcp: StreamSummary[] = [];
    const udp: StreamSummary[] = [];
    const clientBit: number[][] = [[], []];
    const r = createFrameReader(int);
    for (let f = 1; f <= n && f < conv.frameStream.length; f++) {
      const v = conv.frameStream[f];
      if (v === -1) continue;
      const isTcp = v >= 0;
      const id = isTcp ? v : -2 - v;
      const list = isTcp ? tcp : udp;
      let s = list[id];
      readFrame(r, f);
      if (!s) {
        const ep = frameEndpoints(r);
        s = { id: `${isTcp ? 'tcp' : 'udp'}:${id}`, kind: isTcp ? 'tcp' : 'udp', client: ep.src, server: ep.dst, firstEvent: f, lastEvent: f, events: 0, bytes: [0, 0] };
        list[id] = s;
        clientBit[isTcp ? 0 : 1][id] = streamDirOf(conv, f);
      }
      s.events++;
      s.lastEvent = f;
      const pf = isTcp ? hfTcpPayload : hfUdpPayload;
      for (let k = 0; k < r.d.n; k++) {
        if (r.d.fid[k] === pf.id) {
          const dir = streamDirOf(conv, f) === clientBit[isTcp ? 0 : 1][id] ? 0 : 1;
          s.bytes[dir] += r.d.len[k];
          break;
        }
      }
    }
    all = [...tcp.filter(Boolean), ...udp.filter(Boolean)];
    listCache.set(capture, all);
  }
  return opts.kind ? all.filter((s) => s.kind === opts.kind) : all;
}

/**
 * A followed stream with what every page needs computed once: page starts, and per page the
 * hex offsets and chunk counters of both directions before it, and the whole stream's summary
 * (walking every chunk per page made following a 1 GB upload quadratic in its pages). A TCP
 * stream's bytes are not held: each page reads its own again (follow-source.ts).
 */
interface FollowEntry {
  capture: Capture;
  key: string;
  source: FollowSource;
  pages: FollowPaging;
}

export interface FollowPaging {
  /** First chunk of each page. */
  starts: number[];
  /** Per page: bytes of hex dump offset per direction before its first chunk (gap text counted). */
  offsets: [number, number][];
  /** Per page: chunks per direction before its first chunk (the C arrays' counters). */
  counters: [number, number][];
  summary: { clientChunks: number; serverChunks: number; turns: number };
  totalBytes: [number, number];
}

let followCache: FollowEntry | undefined;

/** Resolve a stream id (or an event's stream) to its ByteStream. */
export function resolveStream(capture: Capture, spec: { stream?: string; event?: number }): ByteStream {
  const int = capture.internals();
  if (int.kind === 'set') {
    // The part holding the stream (or the event) resolves it; chunk events come back in the set's numbering.
    let part = int.parts.findIndex((p) => p.kind === (spec.stream?.startsWith('fd:') || spec.stream?.startsWith('h2:fd:') || spec.stream?.startsWith('tls:fd:') ? 'syscalls' : 'packets'));
    let local: number | undefined;
    if (spec.stream === undefined && spec.event !== undefined) {
      const at = int.partOf(spec.event);
      part = at.part;
      local = at.local;
    }
    const p = int.parts[part];
    const s = resolveStream(p.capture, { ...spec, event: local });
    return { ...s, chunks: s.chunks.map((c) => ({ ...c, event: p.global(c.event), ...(c.lastEvent !== undefined ? { lastEvent: p.global(c.lastEvent) } : {}) })) };
  }
  let id = spec.stream;
  if (id === undefined && spec.event !== undefined) {
    if (int.kind === 'packets') id = streamIdOfFrame(int, spec.event);
    else id = fdStreamOfEvent(capture, spec.event);
    if (id === undefined) throw new Error(`event ${spec.event} belongs to no stream`);
  }
  if (id === undefined) throw new Error('give a stream id or an event');
  if (id.startsWith('h2:')) {
    return h2Stream(capture, id, (source) => {
      const s = listStreams(capture, int.kind === 'packets' ? { kind: 'tcp' } : { kind: 'fd' }).find((x) => x.id === source);
      return { client: s?.client ?? '', server: s?.server ?? '' };
    });
  }
  const m = /^(tcp|udp|tls):(\d+)$/.exec(id);
  if (m && int.kind === 'packets') {
    const n = Number(m[2]);
    if (m[1] === 'tcp') return tcpStream(int, n);
    if (m[1] === 'udp') return udpStream(int, n);
    const t = tlsOfStream(capture, `tcp:${n}`);
    if (!t) throw new Error(`TCP stream ${n} does not carry TLS`);
    return t.stream;
  }
  if (id.startsWith('fd:')) return fdStream(capture, id);
  if (id.startsWith('tls:')) {
    const t = tlsOfStream(capture, tlsSource(id));
    if (!t) throw new Error(`${tlsSource(id)} does not carry TLS`);
    return int.kind === 'syscalls' && (t.status === 'no-key' || t.status === 'unsupported') ? undecryptedRecords(t) : t.stream;
  }
  throw new Error(`unknown stream id "${id}" (tcp:N, udp:N, tls:N, h2:tcp:N:S or fd:PID:FD:N)`);
}

/** TLS record header length (RFC 8446 §5.1: type, legacy version, length). */
const RECORD_HEADER = 5;

/**
 * A TLS stream over an fd that nothing could decrypt: its records as they were written and read
 * (header and body, a record cut by the tracer's snaplen marked truncated), under the note
 * "not decrypted (no key)", instead of the plaintext stream's one empty "missing" marker per
 * record. (Packet TLS follows keep tshark's follow,tls output, which shows nothing.)
 */
function undecryptedRecords(t: TlsStreamResult): ByteStream {
  const chunks: StreamChunk[] = [];
  const seq: [number, number] = [0, 0];
  for (let i = 0; i < recordCount(t); i++) {
    const r = recordAt(t, i).record;
    const bytes = new Uint8Array(RECORD_HEADER + r.body.length);
    bytes.set([r.type, r.version >> 8, r.version & 0xff, r.length >> 8, r.length & 0xff]);
    bytes.set(r.body, RECORD_HEADER);
    const c: StreamChunk = { dir: r.dir, event: r.event, time: r.time, bytes, seq: seq[r.dir] };
    if (r.lastEvent !== r.event) c.lastEvent = r.lastEvent;
    if (!r.complete) c.truncated = r.length - r.body.length;
    seq[r.dir] += RECORD_HEADER + r.length;
    chunks.push(c);
  }
  const why = t.status === 'no-key' ? 'no key' : t.statusText;
  return { ...t.stream, chunks, notes: [`not decrypted (${why}): the ${chunks.length} TLS records as captured; ${t.statusText}`, ...t.notes] };
}


/**
 * What to follow for `spec`: a packet capture's TCP stream by its columns (its bytes read per
 * page), anything else as the stream resolveStream holds.
 */
export function resolveFollowSource(capture: Capture, spec: { stream?: string; event?: number }): FollowSource {
  const int = capture.internals();
  if (int.kind === 'packets') {
    const id = spec.stream ?? (spec.event !== undefined ? streamIdOfFrame(int, spec.event) : undefined);
    const m = id !== undefined ? /^tcp:(\d+)$/.exec(id) : null;
    if (m) return tcpFollowSource(int, Number(m[1]));
  }
  return heldSource(resolveStream(capture, spec));
}

/** Gap placeholder length in hex offsets (follow-format.ts chunkFollowBytes: tshark's text and a NUL). */
function followLength(size: number, gap: number | undefined): number {
  return gap && size === 0 ? `[${gap} bytes missing in capture file]`.length + 1 : size;
}

/** One walk over the chunks: page starts (a page holds about PAGE_BYTES), their offsets, the summary. */
export function followPaging(s: ByteStream, pageBytes = PAGE_BYTES): FollowPaging {
  return followPagingOf(heldSource(s).columns, pageBytes);
}

/** followPaging over a stream's chunk columns. */
export function followPagingOf(m: ChunkColumns, pageBytes = PAGE_BYTES): FollowPaging {
  const starts = [0];
  const offsets: [number, number][] = [[0, 0]];
  const counters: [number, number][] = [[0, 0]];
  const off: [number, number] = [0, 0];
  const cnt: [number, number] = [0, 0];
  const totalBytes: [number, number] = [0, 0];
  let bytes = 0;
  let turns = 0;
  let last = -1;
  for (let k = 0; k < m.n; k++) {
    const dir = m.dir[k] as StreamDir;
    if (bytes >= pageBytes) {
      starts.push(k);
      offsets.push([off[0], off[1]]);
      counters.push([cnt[0], cnt[1]]);
      bytes = 0;
    }
    // size: a decrypted TLS chunk's length without decrypting it again (only the page read does).
    const n = m.size[k];
    bytes += n;
    off[dir] += followLength(n, m.gap.get(k));
    cnt[dir]++;
    totalBytes[dir] += n;
    if (dir !== last) turns++;
    last = dir;
  }
  return { starts, offsets, counters, summary: { clientChunks: cnt[0], serverChunks: cnt[1], turns }, totalBytes };
}

function formatPage(s: { client: string; server: string }, chunks: StreamChunk[], format: FollowFormatName, paging: FollowPaging, page: number): string {
  // Offsets and counters continue across pages: what came before this page, counted once.
  const offsets: [number, number] = [...paging.offsets[page]];
  const counters: [number, number] = [...paging.counters[page]];
  switch (format) {
    case 'ascii': return formatAscii(chunks);
    case 'hex': return formatHex(chunks, offsets);
    case 'raw': return formatRawTshark(chunks);
    case 'rawlines': return formatRawLines(chunks);
    case 'yaml': return formatYaml(s, chunks, page === 0);
    case 'carrays': return formatCArrays(chunks, counters);
    case 'utf8': return formatUtf8(chunks);
    default: return '';
  }
}

/** One page of a stream for the follow pane / CLI. */
export function followPage(
  capture: Capture, spec: { stream?: string; event?: number }, format: FollowFormatName, page = 0, opts: { textOnly?: boolean } = {},
): FollowPage {
  const key = `${spec.stream ?? ''}|${spec.event ?? ''}`;
  let entry = followCache && followCache.capture === capture && followCache.key === key ? followCache : undefined;
  if (!entry) {
    // The old entry's columns go before the new stream is read.
    followCache = undefined;
    const source = resolveFollowSource(capture, spec);
    entry = { capture, key, source, pages: followPagingOf(source.columns) };
    followCache = entry;
  }
  return followSourcePage(entry.source, entry.pages, format, page, opts.textOnly === true);
}

/** Page `page` of `s` in `format`: reads only that page's chunks (paging holds the rest). */
export function followPageOf(s: ByteStream, paging: FollowPaging, format: FollowFormatName, page: number): FollowPage {
  return followSourcePage({ id: s.id, kind: s.kind, client: s.client, server: s.server, notes: s.notes, count: s.chunks.length, chunks: (a, b) => s.chunks.slice(a, b) }, paging, format, page);
}

/** Page `page` of a follow source: its chunks read (and formatted) alone. */
function followSourcePage(
  s: Omit<FollowSource, 'columns'> & { count?: number; columns?: ChunkColumns }, paging: FollowPaging, format: FollowFormatName, page: number, textOnly = false,
): FollowPage {
  const pages = paging.starts.length;
  const total = s.count ?? s.columns?.n ?? 0;
  const p = Math.max(0, Math.min(page, pages - 1));
  const first = paging.starts[p];
  const end = p + 1 < pages ? paging.starts[p + 1] : total;
  const chunks = s.chunks(first, end);
  return {
    id: s.id, kind: s.kind, client: s.client, server: s.server, filter: streamFilter(s.id), page: p, pages, firstChunk: first,
    totalChunks: total, totalBytes: [paging.totalBytes[0], paging.totalBytes[1]],
    chunks: textOnly ? [] : chunks.map((c) => ({ dir: c.dir, event: c.event, lastEvent: c.lastEvent, time: c.time, seq: c.seq, bytes: c.bytes, gap: c.gap, truncated: c.truncated })),
    text: formatPage(s, chunks, format, paging, p),
    summary: { ...paging.summary },
    notes: s.notes,
  };
}

/** The complete tshark-style text (header, data, footer) of a stream in ascii/hex/raw. */
export function followText(p: FollowPage, mode: 'ascii' | 'hex' | 'raw', body: string): string {
  return `${followHeader(p.kind === 'udp' ? 'udp' : 'tcp', mode, { id: p.id, kind: 'tcp', client: p.client, server: p.server, chunks: [], notes: [] }, p.filter)}${body}${FOLLOW_FOOTER}`;
}

// ---- HTTP -----------------------------------------------------------------------------------

/**
 * The session's HTTP layer with its exchanges: the whole-capture scan's, run now if it has not
 * been, or with `live` (the capture is followed and still growing) the follow scan's as it
 * stands (the caller brought it up to date with followHttp): scanning would end the follow.
 */
function httpLayerOf(session: CaptureSession, live: boolean): HttpLayer {
  return live && session.http.live ? session.http : scanHttpNow(session);
}

/**
 * Every HTTP exchange (HTTP/1.x in the clear and over TLS, HTTP/2), optionally only those whose
 * request or response event matches `filter`. Rows come from the HTTP layer's columns.
 */
export function httpExchangeRows(session: CaptureSession, filter?: string, opts: { live?: boolean } = {}): HttpExchangeRow[] {
  const int = session.capture.internals();
  if (int.kind === 'set') {
    const rows = int.httpRows();
    return filter && filter.trim() !== '' ? setHttpPage(session.capture, rows, { filter, start: 0, count: MAX_HTTP_PAGE_ROWS }).rows : rows;
  }
  const layer = httpLayerOf(session, opts.live === true);
  const refs = exchangeRefs(layer);
  if (!filter || filter.trim() === '') return refs.map((e) => rowOf(layer, e));
  const c = compileFilterText(filter);
  if (!c.ok) throw new Error(c.errors.map((e) => e.message).join('; '));
  const d = createDissection();
  const out: HttpExchangeRow[] = [];
  for (const e of refs) {
    const row = rowOf(layer, e);
    const evs = [row.requestEnd, row.responseEnd].filter((x): x is number => x !== null);
    let hit = false;
    for (const ev of evs) {
      session.capture.dissect(ev, d);
      if (c.predicate(d)) {
        hit = true;
        break;
      }
    }
    if (hit) out.push(row);
  }
  return out;
}

/**
 * One page of the exchange list for `q`: the view (search, filter, sort over the layer's
 * columns) is built in steps, `pause` called between them (the host yields to other requests
 * there), and kept in `cache` for the next page of the same query.
 */
export async function httpPageOf(session: CaptureSession, cache: { view?: ExchangeView }, q: HttpPageQuery, pause?: () => Promise<void>, opts: { live?: boolean } = {}): Promise<HttpPage> {
  const int = session.capture.internals();
  // A capture set: its exchanges once, from the parts' layers (sets/set-http.ts).
  if (int.kind === 'set') return setHttpPage(session.capture, int.httpRows(), q);
  const live = opts.live === true && session.http.live !== undefined;
  const layer = httpLayerOf(session, live);
  const list = exchangeList(layer);
  const key = viewKey(q);
  let view = cache.view;
  let ms = 0;
  if (!view || view.key !== key || view.list !== list) {
    const t0 = performance.now();
    const out: { view?: ExchangeView } = {};
    let slice = t0;
    // A filter of http.* fields runs over the HTTP index once (http-filter.ts); others dissect
    // each exchange's request and response events.
    const text = q.filter?.trim() ?? '';
    const c = text ? compileFilterText(text) : null;
    if (c && !c.ok) throw new Error(c.errors.map((e) => e.message).join('; '));
    // Not while following: the index filter runs over the whole-capture scan (each exchange's events are dissected instead).
    const events = c?.ok && !live && onlyHttpFields(c.fields) ? await httpFilterEventsSliced(session, text) : null;
    if (events === 'cancelled') throw new Error('cancelled');
    for (const _ of viewSteps(list, session.capture, events ? { ...q, filterEvents: events } : q, out)) {
      if (pause && performance.now() - slice > 20) {
        await pause();
        slice = performance.now();
      }
    }
    view = out.view as ExchangeView;
    cache.view = view;
    ms = performance.now() - t0;
  }
  const count = Math.min(Math.max(0, q.count), MAX_HTTP_PAGE_ROWS);
  return { total: view.order.length, all: list.codes.length, start: q.start, rows: viewRows(view, q.start, count), ms };
}

/** Headers and body of one message (HTTP/1.x or HTTP/2; `stream` and `index` as in the rows). */
export function httpBodyOf(session: CaptureSession, stream: string, index: number, which: 'request' | 'response', opts: { live?: boolean } = {}): HttpBody {
  return layerBodyOf(bodyLayerOf(session, stream, opts.live === true), stream, index, which);
}

function bodyLayerOf(session: CaptureSession, stream: string, live: boolean): HttpLayer {
  const int = session.capture.internals();
  return int.kind === 'set' ? scanHttpNow(int.httpSession(stream)) : httpLayerOf(session, live);
}

/**
 * Per layer: the last message served in pages that did not reach its end, with what it was read
 * from (the layer's indexes and TLS key generation), so the next page is a copy instead of a
 * re-parse and decode of the whole message (page k of a long body cost O(k pages) before).
 * One message a layer; dropped when its last page is served.
 */
interface PagedBody {
  plain: HttpLayer['plain'];
  tls: HttpLayer['tls'];
  h2: HttpLayer['h2'];
  tlsGen: number;
  key: string;
  body: HttpBody;
}
const pagedBodies = new WeakMap<HttpLayer, PagedBody>();

/**
 * The message's headers and body for the page [offset, offset + length) of httpBody: read and
 * decoded once for all the pages of a body longer than one (not while the capture is followed:
 * its messages may still grow).
 */
export function httpBodyPageOf(session: CaptureSession, stream: string, index: number, which: 'request' | 'response', offset: number, length: number, opts: { live?: boolean } = {}): HttpBody {
  const live = opts.live === true;
  const layer = bodyLayerOf(session, stream, live);
  const key = `${which} ${index} ${stream}`;
  const held = pagedBodies.get(layer);
  const same = held !== undefined && held.key === key && held.plain === layer.plain && held.tls === layer.tls && held.h2 === layer.h2 && held.tlsGen === layer.tlsGen;
  let body: HttpBody;
  if (same && offset > 0) body = held.body;
  else body = layerBodyOf(layer, stream, index, which);
  if (!live && offset + length < Math.max(body.body.length, body.raw.length)) pagedBodies.set(layer, { plain: layer.plain, tls: layer.tls, h2: layer.h2, tlsGen: layer.tlsGen, key, body });
  else if (held) pagedBodies.delete(layer);
  return body;
}

/**
 * The decoded bodies of `items` (httpBodies): in order, until `limit` bytes are given (at least
 * one item); a body longer than what is left is cut there (its bodySize says so). A message that
 * cannot be read gives its error and the next ones still come.
 */
export function httpBodiesOf(session: CaptureSession, items: { stream: string; index: number }[], which: 'request' | 'response', limit: number): HttpBodyItem[] {
  const out: HttpBodyItem[] = [];
  let left = limit;
  for (const it of items) {
    if (out.length > 0 && left <= 0) break;
    try {
      const b = httpBodyOf(session, it.stream, it.index, which);
      const cut = b.body.length > left ? b.body.subarray(0, Math.max(0, left)) : b.body;
      // Its own bytes (shape (d) at 300 k: 120 k objects, each reply cloned the connection's
      // growing buffer, 7.1x the CPU of 100 k for 3x the events).
      const body = ownBytes(cut);
      left -= body.length;
      out.push({ body, bodySize: b.body.length, contentType: b.contentType, ...(b.decodeError ? { decodeError: b.decodeError } : {}), ...(b.bodyNote ? { bodyNote: b.bodyNote } : {}) });
    } catch (e) {
      out.push({ body: new Uint8Array(0), bodySize: 0, contentType: '', error: (e as Error).message });
    }
  }
  return out;
}
