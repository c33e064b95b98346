/**
 * Length-prefixed PDUs over TCP that span segments (DNS over TCP: RFC 1035 §4.2.2, RFC 7766
 * §8), as tshark 4.0's one pass places them (packet-tcp.c tcp_dissect_pdus without out-of-order
 * reassembly): a PDU wholly inside a segment is dissected there; one that continues into later
 * segments is collected in sequence order and dissected, from its own "Reassembled TCP" bytes,
 * on the frame whose segment completes it; the frames before say `[TCP segment of a reassembled
 * PDU]`. Several PDUs in one segment, a PDU's tail followed by whole PDUs, and a length prefix
 * cut in two all occur (test/fixtures/dns-tcp/).
 *
 * The first pass (frames in order) copies the bytes of a PDU in progress and keeps each
 * completed one for its completing frame, so a revisit in any order reads no other frame. Held
 * bytes count against IP reassembly's budget (one share of the memory limit for reassembly);
 * past it later PDUs are dissected segment by segment and the capture says so.
 *
 * Sequence gaps (lost segments) drop the PDU in progress; data below the next expected sequence
 * number (retransmissions, out-of-order segments) is not collected again, and a segment of only
 * such data is left as plain TCP; a segment cut short by the snapshot length
 * ends collecting until the next segment.
 */
import { fragmentStoreOf, type FragmentStore } from './ip-reassembly.ts';
import { sizeText } from '../limits.ts';
import type { ConversationTable } from '../streams/conversations.ts';

/** What the first pass left for one frame's TCP payload (only frames that need one). */
export interface TcpPduAt {
  /** Which TCP header of the frame (ctx.sumTcpCount at the time): tunnels may carry two. */
  tcpIndex: number;
  /** The PDU this segment completed, header included; null when it completed none. */
  reassembled: Uint8Array | null;
  /** The frames and byte counts it was collected from, in order (tshark's #8(1), #10(1399) …). */
  pieces: { frame: number; length: number }[];
  /** Where the frame's own PDUs begin in its payload (the payload length: none). */
  ownFrom: number;
  /**
   * Every byte was seen before (a retransmission or an out-of-order segment): tshark 4.0 does
   * not desegment it, so it is neither a PDU nor a segment of one (plain TCP).
   */
  old: boolean;
}

interface Direction {
  /** Raw sequence number of the next byte expected. */
  next: number;
  /** The PDU in progress: its header so far, then the whole PDU once the header gave its length. */
  hdr: Uint8Array;
  hdrN: number;
  buf: Uint8Array | null;
  have: number;
  pieces: { frame: number; length: number }[];
}

export interface TcpPduStore {
  dirs: Map<number, Direction>;
  at: Map<number, TcpPduAt>;
}

/** How a protocol frames its PDUs: the header length, and the PDU length it gives (header included). */
export interface PduFraming {
  headerLength: number;
  pduLength: (hdr: Uint8Array, off: number) => number;
}

const stores = new WeakMap<ConversationTable, Map<PduFraming, TcpPduStore>>();

/** The store of one framing in one capture (the first-pass and revisit contexts share `conv`). */
export function tcpPduStoreOf(conv: ConversationTable, framing: PduFraming): TcpPduStore {
  let m = stores.get(conv);
  if (m === undefined) stores.set(conv, (m = new Map()));
  let s = m.get(framing);
  if (s === undefined) m.set(framing, (s = { dirs: new Map(), at: new Map() }));
  return s;
}

export function tcpPduLimitMessage(frame: number, budget: number): string {
  return `TCP reassembly of length-prefixed PDUs (DNS over TCP) stopped at frame ${frame}: reassembled data passed ${sizeText(budget)} (1/16 of the memory limit); later PDUs are dissected segment by segment; raise the limit with --max-memory MB / TRACELENS_MAX_MEMORY`;
}

function dropPending(st: Direction, budget: FragmentStore): void {
  if (st.buf !== null) budget.held -= st.buf.length;
  st.buf = null;
  st.hdrN = 0;
  st.have = 0;
  st.pieces = [];
}

/**
 * First pass: the segment data[off, end) (`rep` bytes on the wire) at raw sequence number `seq`
 * in direction `key` (stream × 2 + direction) of frame `frame`. Returns what a revisit of the
 * frame must know, or undefined when its payload is read as it stands (PDUs from its first byte).
 */
export function tcpPduFirstPass(
  s: TcpPduStore, conv: ConversationTable, f: PduFraming, key: number, frame: number, tcpIndex: number,
  seq: number, data: Uint8Array, off: number, end: number, rep: number,
): TcpPduAt | undefined {
  const budget = fragmentStoreOf(conv);
  if (budget.stopped !== undefined) return undefined;
  let st = s.dirs.get(key);
  if (st === undefined) {
    st = { next: seq, hdr: new Uint8Array(f.headerLength), hdrN: 0, buf: null, have: 0, pieces: [] };
    s.dirs.set(key, st);
  }
  const ahead = (seq - st.next) | 0;
  let p = off;
  if (ahead < 0) {
    // Bytes already seen (a retransmission): only what lies past them is new.
    if (end - off <= -ahead) {
      const at: TcpPduAt = { tcpIndex, reassembled: null, pieces: [], ownFrom: end - off, old: true };
      s.at.set(frame, at);
      return at;
    }
    p = off - ahead;
  } else if (ahead > 0) {
    dropPending(st, budget);
  }
  st.next = (seq + rep) >>> 0;
  if (end - off < rep) {
    // Cut short by the snapshot length: what follows cannot be collected.
    dropPending(st, budget);
    return undefined;
  }
  const start = p;
  let done: Uint8Array | null = null;
  let pieces: { frame: number; length: number }[] = [];
  if (st.hdrN > 0 || st.buf !== null) {
    if (st.buf === null) {
      const take = Math.min(f.headerLength - st.hdrN, end - p);
      st.hdr.set(data.subarray(p, p + take), st.hdrN);
      st.hdrN += take;
      p += take;
      st.pieces.push({ frame, length: take });
      if (st.hdrN === f.headerLength) {
        const len = Math.max(f.headerLength, f.pduLength(st.hdr, 0));
        if (budget.held + len > budget.budget) {
          budget.stopped = tcpPduLimitMessage(frame, budget.budget);
          dropPending(st, budget);
          return undefined;
        }
        st.buf = new Uint8Array(len);
        st.buf.set(st.hdr);
        st.have = f.headerLength;
        budget.held += len;
      }
    }
    if (st.buf !== null && p < end) {
      const take = Math.min(st.buf.length - st.have, end - p);
      st.buf.set(data.subarray(p, p + take), st.have);
      st.have += take;
      // The header's piece and the body's are one piece when they came in one segment.
      const last = st.pieces[st.pieces.length - 1];
      if (last !== undefined && last.frame === frame) last.length += take;
      else st.pieces.push({ frame, length: take });
      p += take;
    }
    if (st.buf !== null && st.have === st.buf.length) {
      done = st.buf;
      pieces = st.pieces;
      st.buf = null;
      st.hdrN = 0;
      st.have = 0;
      st.pieces = [];
    } else {
      // The whole segment continues a PDU that completes later.
      const at: TcpPduAt = { tcpIndex, reassembled: null, pieces: [], ownFrom: end - off, old: false };
      s.at.set(frame, at);
      return at;
    }
  }
  const ownFrom = p - off;
  // The frame's own PDUs; a last one that does not end here starts the next PDU in progress.
  while (p < end) {
    if (end - p < f.headerLength) {
      st.hdr.set(data.subarray(p, end));
      st.hdrN = end - p;
      st.pieces = [{ frame, length: end - p }];
      break;
    }
    const len = Math.max(f.headerLength, f.pduLength(data, p));
    if (p + len <= end) {
      p += len;
      continue;
    }
    if (budget.held + len > budget.budget) {
      budget.stopped = tcpPduLimitMessage(frame, budget.budget);
      break;
    }
    st.buf = new Uint8Array(len);
    st.buf.set(data.subarray(p, end));
    st.have = end - p;
    st.hdr.set(data.subarray(p, p + f.headerLength));
    st.hdrN = f.headerLength;
    st.pieces = [{ frame, length: end - p }];
    budget.held += len;
    break;
  }
  if (done === null && start === off) return undefined;
  const at: TcpPduAt = { tcpIndex, reassembled: done, pieces, ownFrom, old: false };
  s.at.set(frame, at);
  return at;
}

/** Revisit: what the first pass left for this frame's TCP payload number `tcpIndex`. */
export function tcpPduAt(s: TcpPduStore, frame: number, tcpIndex: number): TcpPduAt | undefined {
  const at = s.at.get(frame);
  return at !== undefined && at.tcpIndex === tcpIndex ? at : undefined;
}
