/**
 * The packet-list rows of cleartext HTTP/1.x segments that do not complete a message, as tshark
 * 4.0 shows them: the frame holding a head whose body continues later shows the first line and
 * `[TCP segment of a reassembled PDU]` (packet-http.c sets Info, then asks TCP for more), the
 * frames between carry TCP's Info with the tag appended (packet-tcp.c, desegmentation).
 *
 * Built per TCP stream the first time one of its frames is shown: one walk of the stream's
 * frames (bytes not kept), one byte per event of the capture for the marks.
 */
import { requestSig, responseSig, type HttpIndex } from './http-index.ts';
import type { HttpLayer } from './http-layer.ts';
import type { CaptureInternals } from '../capture.ts';
import { createFrameReader, createTcpFollowState, feedTcpFrame, readFrame, streamIdOfFrame, tcpStreamFrames } from '../streams/tcp-reassembly.ts';

type PacketInternals = Extract<CaptureInternals, { kind: 'packets' }>;

const HEAD = 1;
const CONTINUES = 2;

export interface HttpSegments {
  ix: HttpIndex;
  /** Per event: 0, HEAD (a head whose message ends later) or CONTINUES. */
  marks: Uint8Array;
  /** First line (with tshark's trailing space) of the head in each HEAD event. */
  heads: Map<number, string>;
  /** TCP streams done. */
  done: Set<number>;
  /** Index rows by stream name, built once. */
  rows: Map<string, number[]> | undefined;
}

const perIndex = new WeakMap<HttpIndex, HttpSegments>();

/** The row of a frame that carries part of a cleartext HTTP message and completes none. */
export function httpSegmentRow(layer: HttpLayer, event: number): { head: string } | 'continues' | undefined {
  const ix = layer.plain;
  const int = layer.internals;
  if (!ix || ix.n === 0 || int.kind !== 'packets') return undefined;
  let seg = perIndex.get(ix);
  if (!seg) {
    seg = { ix, marks: new Uint8Array(int.index.dataOffset.length + 1), heads: new Map(), done: new Set(), rows: undefined };
    perIndex.set(ix, seg);
  }
  const id = streamIdOfFrame(int, event);
  const m = id ? /^tcp:(\d+)$/.exec(id) : null;
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!seg.done.has(n)) markStream(int, seg, n);
  const k = seg.marks[event];
  if (k === HEAD) return { head: seg.heads.get(event) ?? '' };
  return k === CONTINUES ? 'continues' : undefined;
}

function markStream(pi: PacketInternals, seg: HttpSegments, n: number): void {
  seg.done.add(n);
  const ix = seg.ix;
  if (!seg.rows) {
    seg.rows = new Map();
    for (let r = 0; r < ix.n; r++) {
      const name = ix.streams.strings[ix.stream[r]];
      const l = seg.rows.get(name);
      if (l) l.push(r);
      else seg.rows.set(name, [r]);
    }
  }
  const rows = seg.rows.get(`tcp:${n}`);
  // Only messages spanning frames have segments that complete nothing.
  const spans = rows?.filter((r) => (ix.reqStart[r] !== 0 && ix.reqStart[r] !== ix.reqEnd[r]) || (ix.respStart[r] !== 0 && ix.respStart[r] !== ix.respEnd[r]));
  if (!spans || spans.length === 0) return;
  // Events with payload per direction, in stream order (the reassembled order).
  const events: [number[], number[]] = [[], []];
  const st = createTcpFollowState(`tcp:${n}`);
  st.keepChunks = false;
  st.onChunk = (c) => {
    const l = events[c.dir];
    if (c.bytes.length > 0 && l[l.length - 1] !== c.event) l.push(c.event);
  };
  const reader = createFrameReader(pi);
  for (const f of tcpStreamFrames(pi, n)) {
    readFrame(reader, f);
    feedTcpFrame(reader, st, f);
  }
  for (const r of spans) {
    for (const response of [false, true]) {
      const start = response ? ix.respStart[r] : ix.reqStart[r];
      const end = response ? ix.respEnd[r] : ix.reqEnd[r];
      if (start === 0 || start === end) continue;
      for (const e of events[response ? 1 : 0]) {
        if (e === start) {
          seg.marks[e] = HEAD;
          seg.heads.set(e, firstLine(ix, r, response));
        } else if (e > start && e < end && seg.marks[e] === 0) seg.marks[e] = CONTINUES;
      }
    }
  }
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
