/**
 * The packet-list rows of cleartext HTTP/1.x segments that do not complete a message, as tshark
 * 4.0 shows them: the frame holding a head whose body continues later shows the first line and
 * `[TCP segment of a reassembled PDU]` (packet-http.c sets Info, then asks TCP for more), the
 * frames between carry TCP's Info with the tag appended (packet-tcp.c, desegmentation).
 *
 * Answered per event in O(log n): the messages of the event's TCP stream that span frames, by
 * start event (built once per stream from the HTTP index), and the event's own TCP header for its
 * direction and length: no walk over the stream.
 */
import { requestSig, responseSig, type HttpIndex } from './http-index.ts';
import type { HttpLayer } from './http-layer.ts';
import { findField } from '../dissectors/dissection.ts';
import { hfTcpLen } from '../dissectors/tcp.ts';
import { entryValue } from '../dissectors/values.ts';
import { createFrameReader, frameEndpoints, readFrame, type FrameReader } from '../streams/tcp-reassembly.ts';
import { tcpStreamOf } from '../streams/conversations.ts';
import { TCP_ONE } from '../index/packet-index.ts';

/** Messages of one stream that span frames: [start, end, row, response] sorted by start, per direction. */
type Spans = [number[][], number[][]];

export interface HttpSegments {
  ix: HttpIndex;
  /** Spans by TCP stream number, built when one of its frames is first asked about. */
  spans: Map<number, Spans>;
  /**
   * Index rows by stream (the index's interned stream id), built once by a counting sort:
   * stream k's rows are rows[first[k] .. first[k + 1]). Typed arrays, so 5 M exchanges cost
   * two passes over a Uint32Array, not 5 M pushes into per-stream lists.
   */
  rows: { first: Uint32Array; rows: Uint32Array } | undefined;
  reader: FrameReader | undefined;
  /** Messages the index had when these were built (a followed capture's index grows). */
  messages: number;
}

const perIndex = new WeakMap<HttpIndex, HttpSegments>();

/** Work of the segment rows: spans built per stream (tests: a prepared index's rows build none). */
export const httpRowsWork = { spans: 0 };

function segmentsOf(ix: HttpIndex): HttpSegments {
  let seg = perIndex.get(ix);
  if (!seg || seg.messages !== ix.nDone) {
    seg = { ix, spans: new Map(), rows: undefined, reader: seg?.reader, messages: ix.nDone };
    perIndex.set(ix, seg);
  }
  return seg;
}

/** Index rows per step of prepareHttpRows: a few ms each. */
const ROWS_STEP = 1 << 16;

/**
 * The per-stream spans of every TCP stream of a finished HTTP index, built ahead of use in
 * steps (the window's scan runs it before it shows the index): else the first row asked for in each stream
 * builds them inside that request, which on a keep-alive capture of 5 M exchanges is a pass over
 * the index (0.5 s) and then each stream's rows.
 */
export function* prepareHttpRows(layer: HttpLayer, ix: HttpIndex): Generator<void> {
  if (ix.n === 0 || layer.internals.kind !== 'packets') return;
  const seg = segmentsOf(ix);
  if (!seg.rows) {
    const steps = rowsByStreamSteps(ix, ROWS_STEP);
    for (let r = steps.next(); !seg.rows; r = steps.next()) {
      if (r.done) seg.rows = r.value;
      else yield;
      // The index changed meanwhile (a followed capture): these are not wanted any more.
      if (perIndex.get(ix) !== seg) return;
    }
  }
  let done = 0;
  for (const [id, k] of ix.streams.ids) {
    const m = /^tcp:(\d+)$/.exec(id);
    if (!m || seg.spans.has(Number(m[1]))) continue;
    seg.spans.set(Number(m[1]), streamSpans(seg, Number(m[1])));
    const rows = seg.rows;
    done += rows ? rows.first[k + 1] - rows.first[k] : 0;
    if (done < ROWS_STEP) continue;
    done = 0;
    yield;
    if (perIndex.get(ix) !== seg) return;
  }
}

/** The row of a frame that carries part of a cleartext HTTP message and completes none. */
export function httpSegmentRow(layer: HttpLayer, event: number): { head: string } | 'continues' | undefined {
  const ix = layer.plain;
  const int = layer.internals;
  if (!ix || ix.n === 0 || int.kind !== 'packets') return undefined;
  const seg = segmentsOf(ix);
  // The TCP stream number itself: no "tcp:N" id built and parsed back per event.
  const n = tcpStreamOf(int.conv, event);
  if (n < 0) return undefined;
  let sp = seg.spans.get(n);
  if (!sp) {
    sp = streamSpans(seg, n);
    seg.spans.set(n, sp);
  }
  for (const dir of [0, 1] as const) {
    const s = spanAt(sp[dir], event);
    if (!s) continue;
    const [start, , r, response] = s;
    if (start === event) return { head: firstLine(ix, r, response === 1) };
    // Between the head and the end: only the message's own direction, with payload.
    seg.reader ??= createFrameReader(int);
    const self = segmentOf(seg.reader, event);
    const head = segmentOf(seg.reader, start);
    if (self.len > 0 && self.src === head.src) return 'continues';
  }
  return undefined;
}

/** The message of `list` (one direction's spans) holding `event`: the last starting at or before it, if it ends after. */
function spanAt(list: number[][], event: number): number[] | undefined {
  // Messages of one direction do not overlap.
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid][0] <= event) lo = mid + 1;
    else hi = mid;
  }
  const s = list[lo - 1];
  return s && s[1] > event ? s : undefined;
}

/** Events hasHttpSegmentRow answered from the index, and those it left to httpSegmentRow (tests count them). */
export const segmentRowWork = { indexed: 0, dissected: 0 };

/**
 * Whether httpSegmentRow gives `event` a row, without dissecting where the event and its
 * message's head each have one complete TCP header (TCP_ONE): tcp.len is then the index's
 * column, and the event's direction in the stream (conv.frameDir) tells whether its source is
 * the head's. io,phs asks this of every frame inside a message spanning frames — all 1 M
 * frames of one large upload — which httpSegmentRow dissects twice each. Else httpSegmentRow.
 */
export function hasHttpSegmentRow(layer: HttpLayer, event: number): boolean {
  const ix = layer.plain;
  const int = layer.internals;
  if (!ix || ix.n === 0 || int.kind !== 'packets') return false;
  const n = tcpStreamOf(int.conv, event);
  if (n < 0) return false;
  const seg = segmentsOf(ix);
  let sp = seg.spans.get(n);
  if (!sp) {
    sp = streamSpans(seg, n);
    seg.spans.set(n, sp);
  }
  const hf = int.index.hdrFlags.data;
  for (const dir of [0, 1] as const) {
    const s = spanAt(sp[dir], event);
    if (!s) continue;
    const start = s[0];
    if (start === event) return true;
    if ((hf[event - 1] & TCP_ONE) === 0 || (hf[start - 1] & TCP_ONE) === 0) {
      segmentRowWork.dissected++;
      return httpSegmentRow(layer, event) !== undefined;
    }
    segmentRowWork.indexed++;
    // tcpLen holds tcp.len + 1.
    if (int.index.tcpLen.data[event - 1] > 1 && int.conv.frameDir[event] === int.conv.frameDir[start]) return true;
  }
  return false;
}

function segmentOf(r: FrameReader, event: number): { src: string; len: number } {
  readFrame(r, event);
  const k = findField(r.d, hfTcpLen);
  const v = k >= 0 ? entryValue(r.d, k) : 0;
  return { src: frameEndpoints(r).src, len: typeof v === 'number' ? v : 0 };
}

function streamSpans(seg: HttpSegments, n: number): Spans {
  const ix = seg.ix;
  httpRowsWork.spans++;
  seg.rows ??= rowsByStream(ix);
  const out: Spans = [[], []];
  const id = ix.streams.ids.get(`tcp:${n}`);
  const { first, rows } = seg.rows;
  for (let k = id === undefined ? 0 : first[id], end = id === undefined ? 0 : first[id + 1]; k < end; k++) {
    const r = rows[k];
    if (ix.reqStart[r] !== 0 && ix.reqStart[r] < ix.reqEnd[r]) out[0].push([ix.reqStart[r], ix.reqEnd[r], r, 0]);
    if (ix.respStart[r] !== 0 && ix.respStart[r] < ix.respEnd[r]) out[1].push([ix.respStart[r], ix.respEnd[r], r, 1]);
  }
  for (const l of out) l.sort((a, b) => a[0] - b[0]);
  return out;
}

function rowsByStream(ix: HttpIndex): { first: Uint32Array; rows: Uint32Array } {
  const steps = rowsByStreamSteps(ix, Infinity);
  for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
}

/** The same in steps of `step` rows. */
function* rowsByStreamSteps(ix: HttpIndex, step: number): Generator<void, { first: Uint32Array; rows: Uint32Array }> {
  const first = new Uint32Array(ix.streams.strings.length + 1);
  for (let from = 0; from < ix.n; from += step) {
    if (from > 0) yield;
    for (let r = from, to = Math.min(ix.n, from + step); r < to; r++) first[ix.stream[r] + 1]++;
  }
  for (let k = 1; k < first.length; k++) first[k] += first[k - 1];
  const at = first.slice(0, -1);
  const rows = new Uint32Array(ix.n);
  // Ascending within each stream (streamSpans sorts by start event anyway).
  for (let from = 0; from < ix.n; from += step) {
    yield;
    for (let r = from, to = Math.min(ix.n, from + step); r < to; r++) rows[at[ix.stream[r]]++] = r;
  }
  return { first, rows };
}

/** packet-http.c's Info for a head: the first line, its CRLF shown as a space. */
function firstLine(ix: HttpIndex, r: number, response: boolean): string {
  if (response) {
    const s = responseSig(ix, r);
    return `${s.version} ${ix.status[r] === 0 ? '' : ix.status[r]} ${s.phrase} `;
  }
  const q = requestSig(ix, r);
  return `${q.method} ${ix.strings.strings[ix.uri[r]]} ${q.version} `;
}
