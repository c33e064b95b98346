/**
 * HTTP/2 (RFC 9113) over a plaintext ByteStream (decrypted TLS or h2c): the connection
 * preface, frames of both directions (any chunking; bytes the stream lacks are skipped and the
 * reader resumes at the next chunk that starts with a plausible frame header), header blocks
 * (HEADERS/PUSH_PROMISE + CONTINUATION, padding, priority) decoded with one HPACK decoder per
 * direction, and per-stream messages: request, interim and final response, trailers, DATA
 * reassembled, RST_STREAM, GOAWAY.
 *
 * Cost is linear in frames; per stream one small object, so 10,000 streams stay fast.
 */
import { feedUnits, loseBytes, newUnitState, resetUnit, type UnitState } from '../streams/length-prefixed.ts';
import type { ByteStream, StreamDir } from '../streams/byte-stream.ts';
import { createHpackDecoder, decodeHeaderBlock, HPACK_LIMITS, type HeaderField, type HpackDecoder } from './hpack.ts';

/** RFC 9113 §3.4 client connection preface. */
export const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';
const PREFACE_BYTES = new TextEncoder().encode(PREFACE);

/** Frame types, RFC 9113 §6. */
export const FT = {
  DATA: 0,
  HEADERS: 1,
  PRIORITY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PUSH_PROMISE: 5,
  PING: 6,
  GOAWAY: 7,
  WINDOW_UPDATE: 8,
  CONTINUATION: 9,
} as const;
export const FRAME_TYPE_NAMES: Readonly<Record<string, string>> = {
  0: 'DATA',
  1: 'HEADERS',
  2: 'PRIORITY',
  3: 'RST_STREAM',
  4: 'SETTINGS',
  5: 'PUSH_PROMISE',
  6: 'PING',
  7: 'GOAWAY',
  8: 'WINDOW_UPDATE',
  9: 'CONTINUATION',
};
const FLAG_END_STREAM = 0x1;
const FLAG_END_HEADERS = 0x4;
const FLAG_PADDED = 0x8;
const FLAG_PRIORITY = 0x20;

/** RFC 9113 §7 error codes. */
export const ERROR_NAMES: Readonly<Record<string, string>> = {
  0: 'NO_ERROR',
  1: 'PROTOCOL_ERROR',
  2: 'INTERNAL_ERROR',
  3: 'FLOW_CONTROL_ERROR',
  4: 'SETTINGS_TIMEOUT',
  5: 'STREAM_CLOSED',
  6: 'FRAME_SIZE_ERROR',
  7: 'REFUSED_STREAM',
  8: 'CANCEL',
  9: 'COMPRESSION_ERROR',
  10: 'CONNECT_ERROR',
  11: 'ENHANCE_YOUR_CALM',
  12: 'INADEQUATE_SECURITY',
  13: 'HTTP_1_1_REQUIRED',
};

export interface H2Frame {
  dir: StreamDir;
  type: number;
  flags: number;
  streamId: number;
  /** Payload length from the header. */
  length: number;
  /** Event carrying the frame header / the frame's last byte. */
  event: number;
  lastEvent: number;
  time: number;
  /** Payload as captured (a prefix of it when not `complete`). */
  payload: Uint8Array;
  complete: boolean;
  /** DATA: the payload without padding. */
  data?: Uint8Array;
  /** Frame that ends a header block: its decoded fields (of the whole block). */
  headers?: HeaderField[];
  hpackError?: string;
  /** RST_STREAM / GOAWAY error code; GOAWAY last stream id; PUSH_PROMISE promised id. */
  errorCode?: number;
  lastStreamId?: number;
  promisedId?: number;
}

export interface H2Message {
  headers: HeaderField[];
  /** Event that completed the header block. */
  event: number;
  time: number;
  /** Interim (1xx) responses before this one. */
  interim?: HeaderField[][];
  trailers?: HeaderField[];
  /** DATA payloads in order. */
  data: Uint8Array[];
  dataLength: number;
  /** DATA bytes not captured (truncated frames). */
  missing: number;
  /** Events carrying DATA. */
  dataEvents: number[];
  /** Event with END_STREAM. */
  endEvent?: number;
}

export interface H2Stream {
  id: number;
  request?: H2Message;
  response?: H2Message;
  /** PUSH_PROMISE that opened this stream (server push). */
  promisedBy?: number;
  reset?: { by: StreamDir; code: number; event: number };
  /** RFC 9113 §5.1 state as far as seen. */
  state: 'idle' | 'open' | 'half-closed (local)' | 'half-closed (remote)' | 'closed';
  endStream: [boolean, boolean];
  /** A header block of this stream failed to decode or went past a bound (hpack.ts), and where. */
  malformed?: string;
}

export interface H2Connection {
  /** The client preface was seen (else the capture started mid-connection or it is not HTTP/2). */
  preface: boolean;
  /** The event whose bytes complete the preface (tshark's "Magic" frame). */
  prefaceEvent?: number;
  frames: H2Frame[];
  /** Streams by id, in order of first appearance. */
  streams: Map<number, H2Stream>;
  goaway?: { dir: StreamDir; lastStreamId: number; code: number; event: number };
  notes: string[];
}

/** A plausible frame header at b[i..i+9) (for resynchronisation). */
function plausibleFrame(b: Uint8Array, i: number): boolean {
  if (i + 9 > b.length) return false;
  const len = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
  const type = b[i + 3];
  return type <= 9 && len <= 1 << 20 && (b[i + 5] & 0x80) === 0;
}

/** True when the stream's client side starts with the HTTP/2 preface. */
export function startsWithPreface(s: ByteStream): boolean {
  let k = 0;
  for (const c of s.chunks) {
    if (c.dir !== 0) continue;
    if (c.seq !== k || c.gap) return false;
    for (let i = 0; i < c.bytes.length && k < PREFACE_BYTES.length; i++, k++) if (c.bytes[i] !== PREFACE_BYTES[k]) return false;
    if (k === PREFACE_BYTES.length) return true;
  }
  return false;
}

interface Reader extends UnitState {
  event: number;
  time: number;
  /** Bytes of the preface still to skip (client side). */
  skip: number;
}

/** RFC 9113 §4.1: a 24-bit payload length opens the 9-byte frame header. */
function frameBodyLength(h: Uint8Array): number {
  return (h[0] << 16) | (h[1] << 8) | h[2];
}

function newReader(): Reader {
  return { ...newUnitState(9), event: 0, time: 0, skip: 0 };
}

interface BlockState {
  parts: Uint8Array[];
  streamId: number;
  broken: boolean;
  first: H2Frame;
  promised?: number;
}

/** Parse an HTTP/2 connection from a plaintext ByteStream. Never throws. */
export function parseHttp2(s: ByteStream): H2Connection {
  const conn: H2Connection = { preface: startsWithPreface(s), frames: [], streams: new Map(), notes: [] };
  const rd: [Reader, Reader] = [newReader(), newReader()];
  if (conn.preface) rd[0].skip = PREFACE_BYTES.length;
  else conn.notes.push('no connection preface: the capture starts mid-connection; headers that need earlier HPACK state are marked unknown');
  // One decoded-header budget for the connection: both directions draw on it.
  const headerBudget = { left: HPACK_LIMITS.connectionBytes };
  const hpack: [HpackDecoder, HpackDecoder] = [createHpackDecoder(conn.preface, headerBudget), createHpackDecoder(conn.preface, headerBudget)];
  const blocks: [BlockState | null, BlockState | null] = [null, null];

  const stream = (id: number): H2Stream => {
    let st = conn.streams.get(id);
    if (!st) {
      st = { id, state: 'idle', endStream: [false, false] };
      conn.streams.set(id, st);
    }
    return st;
  };

  const endStream = (st: H2Stream, dir: StreamDir, ev: number): void => {
    st.endStream[dir] = true;
    const m = dir === 0 ? st.request : st.response;
    if (m) m.endEvent = ev;
    st.state = st.endStream[0] && st.endStream[1] ? 'closed' : st.endStream[0] ? 'half-closed (remote)' : 'half-closed (local)';
  };

  const onHeaders = (f: H2Frame, headers: HeaderField[], streamId: number, promised: number | undefined): void => {
    if (promised !== undefined) {
      const p = stream(promised);
      p.promisedBy = streamId;
      p.request = { headers, event: f.lastEvent, time: f.time, data: [], dataLength: 0, missing: 0, dataEvents: [] };
      p.endStream[0] = true;
      p.state = 'half-closed (remote)';
      return;
    }
    const st = stream(streamId);
    if (st.state === 'idle') st.state = 'open';
    const msg: H2Message = { headers, event: f.lastEvent, time: f.time, data: [], dataLength: 0, missing: 0, dataEvents: [] };
    if (f.dir === 0) {
      if (!st.request) st.request = msg;
      else st.request.trailers = headers;
    } else {
      const status = headers.find((h) => h.name === ':status')?.value;
      if (!st.response) {
        st.response = msg;
      } else if (st.response.headers.find((h) => h.name === ':status')?.value.startsWith('1') && status !== undefined) {
        // The previous one was interim (1xx): this is the next response.
        msg.interim = [...(st.response.interim ?? []), st.response.headers];
        st.response = msg;
      } else {
        st.response.trailers = headers;
      }
    }
  };

  const onFrame = (f: H2Frame): void => {
    conn.frames.push(f);
    const p = f.payload;
    const b = blocks[f.dir];
    if (b && f.type !== FT.CONTINUATION) {
      conn.notes.push(`event ${f.event}: header block on stream ${b.streamId} interrupted by a ${FRAME_TYPE_NAMES[f.type] ?? f.type} frame`);
      blocks[f.dir] = null;
      hpack[f.dir].complete = false;
    }
    const padded = (f.flags & FLAG_PADDED) !== 0;
    const padLen = padded && p.length > 0 ? p[0] : 0;
    switch (f.type) {
      case FT.DATA: {
        const start = padded ? 1 : 0;
        const end = f.complete ? Math.max(start, p.length - padLen) : p.length;
        f.data = p.subarray(start, end);
        const st = stream(f.streamId);
        const m = f.dir === 0 ? st.request : st.response;
        if (m) {
          m.data.push(f.data);
          m.dataLength += f.data.length;
          m.dataEvents.push(f.lastEvent);
          if (!f.complete) m.missing += f.length - p.length - (padded ? padLen : 0);
        }
        if (f.flags & FLAG_END_STREAM) endStream(st, f.dir, f.lastEvent);
        break;
      }
      case FT.HEADERS:
      case FT.PUSH_PROMISE: {
        let o = padded ? 1 : 0;
        let promised: number | undefined;
        if (f.type === FT.HEADERS && f.flags & FLAG_PRIORITY) o += 5;
        if (f.type === FT.PUSH_PROMISE) {
          promised = p.length >= o + 4 ? ((p[o] & 0x7f) << 24) | (p[o + 1] << 16) | (p[o + 2] << 8) | p[o + 3] : undefined;
          f.promisedId = promised;
          o += 4;
        }
        const frag = p.subarray(Math.min(o, p.length), f.complete ? Math.max(o, p.length - padLen) : p.length);
        const blk: BlockState = { parts: [frag], streamId: f.streamId, broken: !f.complete, first: f, promised };
        if (f.type === FT.HEADERS && f.flags & FLAG_END_STREAM) endStream(stream(f.streamId), f.dir, f.lastEvent);
        if (f.flags & FLAG_END_HEADERS) finishBlock(f, blk);
        else blocks[f.dir] = blk;
        break;
      }
      case FT.CONTINUATION: {
        if (!b || b.streamId !== f.streamId) {
          conn.notes.push(`event ${f.event}: CONTINUATION on stream ${f.streamId} without a header block`);
          break;
        }
        b.parts.push(p);
        if (!f.complete) b.broken = true;
        if (f.flags & FLAG_END_HEADERS) {
          blocks[f.dir] = null;
          finishBlock(f, b);
        }
        break;
      }
      case FT.RST_STREAM: {
        if (p.length >= 4) {
          f.errorCode = ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
          const st = stream(f.streamId);
          st.reset = { by: f.dir, code: f.errorCode, event: f.lastEvent };
          st.state = 'closed';
        }
        break;
      }
      case FT.GOAWAY: {
        if (p.length >= 8) {
          f.lastStreamId = ((p[0] & 0x7f) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
          f.errorCode = ((p[4] << 24) | (p[5] << 16) | (p[6] << 8) | p[7]) >>> 0;
          conn.goaway = { dir: f.dir, lastStreamId: f.lastStreamId, code: f.errorCode, event: f.lastEvent };
        }
        break;
      }
      case FT.SETTINGS: {
        // SETTINGS_HEADER_TABLE_SIZE (0x1, RFC 9113 §6.5.2) from a peer limits the other side's
        // encoder table; hpack.ts checks size updates against it (and its own cap).
        if (!(f.flags & 0x1)) {
          for (let i = 0; i + 6 <= p.length; i += 6) {
            if (((p[i] << 8) | p[i + 1]) === 1) hpack[f.dir === 0 ? 1 : 0].limit = ((p[i + 2] << 24) | (p[i + 3] << 16) | (p[i + 4] << 8) | p[i + 5]) >>> 0;
          }
        }
        break;
      }
      default:
        break;
    }
  };

  const finishBlock = (last: H2Frame, blk: BlockState): void => {
    const h = hpack[last.dir];
    let block: Uint8Array;
    if (blk.parts.length === 1) block = blk.parts[0];
    else {
      block = new Uint8Array(blk.parts.reduce((n, x) => n + x.length, 0));
      let o = 0;
      for (const x of blk.parts) {
        block.set(x, o);
        o += x.length;
      }
    }
    if (blk.broken) {
      // Part of the block was not captured: its insertions are lost too.
      h.complete = false;
      last.hpackError = 'header block partly missing from the capture';
      const r = decodeHeaderBlock(h, block);
      last.headers = r.headers;
    } else {
      const r = decodeHeaderBlock(h, block);
      last.headers = r.headers;
      if (r.error) {
        last.hpackError = r.error;
        conn.notes.push(`event ${last.lastEvent}: ${r.error}`);
        const st = stream(blk.promised ?? blk.streamId);
        st.malformed ??= `${r.error} (${FRAME_TYPE_NAMES[last.type] ?? last.type} frame ending the block at event ${last.lastEvent})`;
      }
    }
    onHeaders(last, last.headers ?? [], blk.streamId, blk.promised);
  };

  const emit = (r: Reader, dir: StreamDir, lastEvent: number): void => {
    const h = r.hdr;
    const body = r.body ?? new Uint8Array(0);
    const f: H2Frame = {
      dir,
      type: h[3],
      flags: h[4],
      streamId: ((h[5] & 0x7f) << 24) | (h[6] << 16) | (h[7] << 8) | h[8],
      length: body.length,
      event: r.event,
      lastEvent,
      time: r.time,
      payload: r.missing ? body.subarray(0, r.vis) : body,
      complete: !r.missing,
    };
    resetUnit(r);
    onFrame(f);
  };

  const hole = (r: Reader, dir: StreamDir, n: number, ev: number): void => {
    if (n <= 0) return;
    r.at += n;
    if (r.skip > 0) {
      r.skip = Math.max(0, r.skip - n);
      return;
    }
    if (!r.synced) return;
    loseBytes(r, n, () => emit(r, dir, ev));
  };

  for (const c of s.chunks) {
    const dir = c.dir;
    const r = rd[dir];
    const ev = c.lastEvent ?? c.event;
    if (c.gap) hole(r, dir, c.gap, c.event);
    const b = c.bytes;
    let i = 0;
    if (r.skip > 0) {
      const n = Math.min(r.skip, b.length);
      r.skip -= n;
      i = n;
      if (r.skip === 0 && conn.preface) conn.prefaceEvent = ev;
    }
    if (!r.synced && i < b.length) {
      if (plausibleFrame(b, i)) {
        r.synced = true;
        r.hdrN = 0;
        conn.notes.push(`${dir === 0 ? 'client' : 'server'}: frames resume at event ${c.event} after missing bytes`);
      } else {
        r.at += b.length;
        if (c.truncated) r.at += c.truncated;
        continue;
      }
    }
    feedUnits(
      r,
      b,
      i,
      frameBodyLength,
      () => {
        r.event = c.event;
        r.time = c.time;
      },
      () => emit(r, dir, ev),
    );
    r.at += b.length;
    if (c.truncated) hole(r, dir, c.truncated, c.event);
  }
  for (const dir of [0, 1] as const) {
    const r = rd[dir];
    if (r.body !== null) {
      conn.notes.push(`${dir === 0 ? 'client' : 'server'}: last frame (event ${r.event}) ends after the capture`);
      r.missing = true;
      emit(r, dir, r.event);
    }
  }
  return conn;
}
