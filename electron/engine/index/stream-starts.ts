/**
 * The first payload bytes of each direction of every TCP stream, noted by the index pass
 * (dissectors/tcp.ts onTcpSegment) while the segment is in memory: 16 bytes per stream (8 per direction). They let
 * the TLS layer tell that a stream starts neither with a TLS record nor with the HTTP/2 preface
 * (tls/capture-tls.ts startKind) without reassembling its start: a capture of 100 k short HTTP
 * connections is otherwise read twice for `tls.…` or `http2.…` filters.
 *
 * Only a "neither" is answered, and only when it is certain: the first byte of a direction's
 * first segment is not a TLS content type (looksLikeTls needs 20–24, RFC 8446 §5.1) and its first
 * two bytes are not the preface's "PR" (RFC 9113 §3.4). A direction whose first segment came
 * with SYN, had an unknown length or was cut to no captured byte, or which later saw a segment
 * before that first byte (reordered, so reassembly may start elsewhere), is not conclusive: the
 * caller then peeks at the stream as before.
 */
import type { ConversationTable } from '../streams/conversations.ts';
import { TH_SYN } from '../dissectors/tcp.ts';
import { createColumn, reserve, type Column } from './columns.ts';
/** Per direction: no payload seen, first bytes noted, not conclusive. */
const NONE = 0;
const NOTED = 1;
const UNSURE = 2;
/** TLS record content types (RFC 8446 §5.1: change_cipher_spec 20 … heartbeat 24), as plausibleHeader accepts. */
const CT_MIN = 20;
const CT_MAX = 24;
/** The HTTP/2 client preface's first two bytes, "PR" (RFC 9113 §3.4). */
const PREFACE_0 = 0x50;
const PREFACE_1 = 0x52;

export interface StreamStarts {
  /** Set once the index pass has seen every segment: a direction with no payload noted then has none. */
  done: boolean;
  /**
   * Indexed by stream × 2 + direction bit (`data[k]`, grown with `reserve`; `length` is unused):
   * NONE / NOTED / UNSURE, the first segment's raw sequence number, its first two bytes and how
   * many it had (1 or 2).
   */
  state: Column<Uint8Array>;
  seq: Column<Uint32Array>;
  b0: Column<Uint8Array>;
  b1: Column<Uint8Array>;
  len: Column<Uint8Array>;
}

/** Work, for tests: segments noted. */
export const startsWork = { segments: 0 };

const byConv = new WeakMap<ConversationTable, StreamStarts>();

export function createStreamStarts(): StreamStarts {
  return { done: false, state: createColumn(Uint8Array, 128), seq: createColumn(Uint32Array, 128), b0: createColumn(Uint8Array, 128), b1: createColumn(Uint8Array, 128), len: createColumn(Uint8Array, 128) };
}

/** The starts of the capture whose conversation table is `conv`, to be noted by its index pass (noteSegment on every TCP segment). */
export function startStreamStarts(conv: ConversationTable): StreamStarts {
  const s = createStreamStarts();
  byConv.set(conv, s);
  return s;
}

/** The starts noted by the index pass of the capture of `conv`, if it noted them. */
export function streamStartsOf(conv: ConversationTable): StreamStarts | undefined {
  return byConv.get(conv);
}

export function noteSegment(s: StreamStarts, stream: number, bit: number, seq: number, flags: number, b: Uint8Array, from: number, to: number, seglen: number): void {
  if (seglen === 0 || bit < 0) return;
  const k = stream * 2 + (bit & 1);
  if (k >= s.state.data.length) reserve([s.state, s.seq, s.b0, s.b1, s.len], k + 1);
  const state = s.state.data;
  const st = state[k];
  if (st === UNSURE) return;
  if (st === NOTED) {
    // A later segment before the first one's byte: reassembly may start the direction there.
    if ((((seq >>> 0) - s.seq.data[k]) | 0) < 0) state[k] = UNSURE;
    return;
  }
  startsWork.segments++;
  if (seglen < 0 || flags & TH_SYN || to <= from) {
    state[k] = UNSURE;
    return;
  }
  state[k] = NOTED;
  s.seq.data[k] = seq >>> 0;
  s.b0.data[k] = b[from];
  const two = to - from >= 2;
  s.len.data[k] = two ? 2 : 1;
  s.b1.data[k] = two ? b[from + 1] : 0;
}

/** Whether direction `k`'s start is known to be neither a TLS record nor the HTTP/2 preface (no payload at all: neither). */
function directionNeither(s: StreamStarts, k: number): boolean {
  const st = k < s.state.data.length ? s.state.data[k] : NONE;
  if (st === NONE) return true;
  if (st === UNSURE) return false;
  const b0 = s.b0.data[k];
  if (b0 >= CT_MIN && b0 <= CT_MAX) return false;
  if (b0 !== PREFACE_0) return true;
  return s.len.data[k] === 2 && s.b1.data[k] !== PREFACE_1;
}

/**
 * True when TCP stream `stream` of a finished index pass (`s.done`) starts with neither TLS nor the HTTP/2
 * preface in either direction; false when that is not certain from the first bytes noted.
 */
export function startsWithNeither(s: StreamStarts, stream: number): boolean {
  return s.done && directionNeither(s, stream * 2) && directionNeither(s, stream * 2 + 1);
}
