/**
 * IPv4 and IPv6 fragment reassembly (RFC 791 §3.2, RFC 8200 §4.5), as tshark 4.0 does it in one
 * pass (epan/reassemble.c with packet-ip.c / packet-ipv6.c): the fragments of a datagram are
 * collected in frame order, and the frame whose fragment completes it carries the reassembled
 * payload and the layers above; earlier fragments stay fragments.
 *
 * The first pass (frames in order) copies fragment payloads until their datagram is complete,
 * then keeps the reassembled payload for the completing frame, so that revisits in any order
 * find it without reading other frames. Everything held is bounded by a share of the memory
 * limit (limits.ts): past it, later fragments are shown unreassembled and the capture says so.
 *
 * Overlaps: the fragments are laid out by offset and, where two overlap, the bytes of the one
 * with the lower offset stay (reassemble.c fragment_defragment); the later fragment is flagged
 * as overlapping, and as conflicting when its bytes in the overlap differ.
 */
import type { ConversationTable } from '../streams/conversations.ts';
import { ipReassemblyBudget, ipReassemblyLimitMessage } from '../limits.ts';

export interface FragmentPiece {
  frame: number;
  /** Offset of the piece in the datagram's payload, bytes. */
  offset: number;
  length: number;
  /** It overlaps the pieces before it in offset order; `conflict`: with different bytes. */
  overlap: boolean;
  conflict: boolean;
}

export interface Reassembled {
  key: string;
  /** The pieces in offset order (tshark's list: #5(1200), #6(1200), #4(600)). */
  pieces: FragmentPiece[];
  /** The payload, then copies of the source and destination addresses (`addrLen` each). */
  buf: Uint8Array;
  length: number;
  addrLen: number;
  /** Upper-layer protocol: IPv4 Protocol, or the Next Header of the first IPv6 fragment. */
  proto: number;
}

interface Pending {
  pieces: { frame: number; offset: number; bytes: Uint8Array }[];
  /** Payload length, known once the last fragment (no More Fragments) has come; -1 before. */
  total: number;
  proto: number;
  held: number;
}

export interface FragmentStore {
  pending: Map<string, Pending>;
  /** Completing frame → the datagrams it completed (more than one only in tunnels). */
  done: Map<number, Reassembled[]>;
  /** Bytes held: pending fragment payloads and reassembled datagrams. */
  held: number;
  budget: number;
  /** Set when the budget stopped reassembly: the message the capture shows. */
  stopped: string | undefined;
}

export function createFragmentStore(budget = ipReassemblyBudget()): FragmentStore {
  return { pending: new Map(), done: new Map(), held: 0, budget, stopped: undefined };
}

// One store per capture: the first-pass and revisit contexts of a capture share its
// conversation table, so the store hangs off that.
const stores = new WeakMap<ConversationTable, FragmentStore>();

export function fragmentStoreOf(conv: ConversationTable): FragmentStore {
  let s = stores.get(conv);
  if (s === undefined) stores.set(conv, (s = createFragmentStore()));
  return s;
}

/**
 * The key of a datagram: source and destination addresses and the identification (RFC 791
 * §3.2 adds the protocol for IPv4), as characters. Only built for fragments.
 */
export function fragmentKey(data: Uint8Array, srcOff: number, dstOff: number, addrLen: number, ident: number, proto: number): string {
  let k = String.fromCharCode(addrLen, proto, ident >>> 16, ident & 0xffff);
  for (let i = 0; i < addrLen; i++) k += String.fromCharCode(data[srcOff + i], data[dstOff + i]);
  return k;
}

/**
 * First pass: add the fragment data[off, end) at `offset` of the datagram `key`. Returns the
 * datagram when this fragment completes it, else undefined (also when the budget is spent).
 * `proto` is the upper protocol this fragment names (IPv6: meaningful in the first fragment).
 */
export function addFragment(
  s: FragmentStore, key: string, frame: number, offset: number, more: boolean, proto: number,
  data: Uint8Array, off: number, end: number, srcOff: number, dstOff: number, addrLen: number,
): Reassembled | undefined {
  const len = end - off;
  if (s.stopped !== undefined) return undefined;
  if (s.held + len > s.budget) {
    s.stopped = ipReassemblyLimitMessage(frame, s.budget);
    // What was pending can never complete now: let it go.
    for (const p of s.pending.values()) s.held -= p.held;
    s.pending.clear();
    return undefined;
  }
  let p = s.pending.get(key);
  if (p === undefined) s.pending.set(key, (p = { pieces: [], total: -1, proto, held: 0 }));
  p.pieces.push({ frame, offset, bytes: data.slice(off, end) });
  p.held += len;
  s.held += len;
  if (offset === 0) p.proto = proto;
  if (!more && p.total < 0) p.total = offset + len;
  if (p.total < 0 || !covers(p)) return undefined;
  s.pending.delete(key);
  const r = assemble(key, p, data, srcOff, dstOff, addrLen);
  // The pieces' copies are dropped; the datagram is kept for revisits.
  s.held += r.buf.length - p.held;
  let list = s.done.get(frame);
  if (list === undefined) s.done.set(frame, (list = []));
  list.push(r);
  return r;
}

/** The datagram `key` completed by `frame` in the first pass, if any. */
export function reassembledAt(s: FragmentStore, frame: number, key: string): Reassembled | undefined {
  const list = s.done.get(frame);
  if (list === undefined) return undefined;
  for (const r of list) if (r.key === key) return r;
  return undefined;
}

function byOffset(p: Pending): Pending['pieces'] {
  // Stable: fragments at the same offset keep their arrival order.
  return p.pieces.slice().sort((a, b) => a.offset - b.offset);
}

/** Whether the pieces cover [0, total) with no hole. */
function covers(p: Pending): boolean {
  let pos = 0;
  for (const piece of byOffset(p)) {
    if (piece.offset > pos) return false;
    pos = Math.max(pos, piece.offset + piece.bytes.length);
    if (pos >= p.total) return true;
  }
  return pos >= p.total;
}

function assemble(key: string, p: Pending, data: Uint8Array, srcOff: number, dstOff: number, addrLen: number): Reassembled {
  const total = p.total;
  const buf = new Uint8Array(total + 2 * addrLen);
  const pieces: FragmentPiece[] = [];
  let pos = 0;
  for (const piece of byOffset(p)) {
    const b = piece.bytes;
    const start = piece.offset;
    // Bytes past the datagram's end (a fragment longer than the last one says) are not kept.
    const stop = Math.min(start + b.length, total);
    const overlap = start < pos;
    let conflict = false;
    if (overlap) {
      const shared = Math.min(pos, stop);
      for (let i = start; i < shared; i++) {
        if (buf[i] !== b[i - start]) {
          conflict = true;
          break;
        }
      }
    }
    if (stop > pos) buf.set(b.subarray(Math.max(pos, start) - start, stop - start), Math.max(pos, start));
    pos = Math.max(pos, stop);
    pieces.push({ frame: piece.frame, offset: start, length: b.length, overlap, conflict });
  }
  buf.set(data.subarray(srcOff, srcOff + addrLen), total);
  buf.set(data.subarray(dstOff, dstOff + addrLen), total + addrLen);
  return { key, pieces, buf, length: total, addrLen, proto: p.proto };
}
