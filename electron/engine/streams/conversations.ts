/**
 * TCP and UDP conversation numbering, as tshark 4.0 numbers `tcp.stream` / `udp.stream`.
 *
 * A conversation is an unordered pair of (address, port) endpoints; streams are numbered in
 * order of first appearance, separately for TCP and UDP (Wireshark: conversation.c keyed by
 * ENDPOINT_TCP / ENDPOINT_UDP; packet-tcp.c init_tcp_conversation_data, packet-udp.c
 * get_udp_conversation_data). For TCP, a pure SYN on an existing conversation whose sequence
 * number differs from that direction's base sequence number, or that arrives after the
 * conversation saw a RST or FIN, starts a new stream (packet-tcp.c dissect_tcp, "port reuse").
 *
 * Everything is typed arrays; keys are hashed to a number and compared byte-for-byte on a
 * hit (collision check), so the first pass allocates nothing per packet.
 *
 * The first pass (frames in order) writes, per frame, the stream id into one Int32Array
 * (4 bytes/frame: ≥ 0 = TCP stream, ≤ -2 = UDP stream -2-id, -1 = none) and per stream the
 * base sequence numbers and window scale of each direction. Revisits read them back.
 */

/** Direction 0 = from the lower endpoint (as stored in the key) to the higher one. */
export interface ConversationTable {
  /** Per-frame stream id (index = frame number); see module comment for the encoding. */
  frameStream: Int32Array;
  /** Per-frame direction bit (index = frame number): 0/1, valid when frameStream ≠ -1. */
  frameDir: Uint8Array;
  /** key hash → conversation slot (most recent stream for TCP); chains via `next`. */
  buckets: Map<number, number>;
  /** Conversation slots: key bytes (40 bytes each: 2×16 address + 2×2 port + len + kind). */
  keys: Uint8Array;
  next: Int32Array;
  /** Slot → current stream id of that key (TCP streams restart on port reuse). */
  slotStream: Int32Array;
  nSlots: number;
  /** TCP stream state: index 2*stream+dir. */
  baseSeq: Uint32Array;
  /** bit 0: base seq set; bit 1: saw SYN (no ACK); bit 2: saw SYN/ACK. */
  seqFlags: Uint8Array;
  /** Window scale shift per direction: -1 unknown, -2 not used, else shift. */
  winScale: Int8Array;
  /** Per TCP stream: bit 0 RST seen, bit 1 FIN seen (4.0 "conversation completeness" subset). */
  closeFlags: Uint8Array;
  nTcp: number;
  nUdp: number;
}

const KEY_BYTES = 40;
const KIND_TCP = 6;
const KIND_UDP = 17;

export function createConversationTable(expectedFrames = 1024): ConversationTable {
  const n = Math.max(16, expectedFrames + 1);
  return {
    frameStream: new Int32Array(n).fill(-1),
    frameDir: new Uint8Array(n),
    buckets: new Map(),
    keys: new Uint8Array(KEY_BYTES * 64),
    next: new Int32Array(64).fill(-1),
    slotStream: new Int32Array(64),
    nSlots: 0,
    baseSeq: new Uint32Array(128),
    seqFlags: new Uint8Array(128),
    winScale: new Int8Array(128).fill(-1),
    closeFlags: new Uint8Array(64),
    nTcp: 0,
    nUdp: 0,
  };
}

function growTyped<T extends Int32Array | Uint8Array | Uint32Array | Int8Array>(a: T, min: number, fill?: number): T {
  let size = a.length;
  while (size <= min) size *= 2;
  const b = new (a.constructor as new (n: number) => T)(size);
  if (fill !== undefined) b.fill(fill);
  b.set(a);
  return b;
}

function ensureFrame(t: ConversationTable, frame: number): void {
  if (frame >= t.frameStream.length) {
    t.frameStream = growTyped(t.frameStream, frame, -1);
    t.frameDir = growTyped(t.frameDir, frame);
  }
}

/** Compare endpoint A (bytes at aOff, port aPort) with B; -1/0/1 like a comparator. */
function cmpEndpoint(data: Uint8Array, aOff: number, aPort: number, bOff: number, bPort: number, len: number): number {
  for (let k = 0; k < len; k++) {
    const x = data[aOff + k];
    const y = data[bOff + k];
    if (x !== y) return x < y ? -1 : 1;
  }
  return aPort === bPort ? 0 : aPort < bPort ? -1 : 1;
}

/**
 * Find the slot for a key, or -1. The key is read from the packet bytes directly:
 * addresses at srcOff/dstOff (addrLen bytes), ports given. `dir` tells which endpoint is lower.
 */
function hashKey(data: Uint8Array, loOff: number, loPort: number, hiOff: number, hiPort: number, len: number, kind: number): number {
  // FNV-1a over the normalised key, folded to 31 bits so it stays a small integer.
  let h = 0x811c9dc5 ^ kind ^ (len << 8);
  for (let k = 0; k < len; k++) h = Math.imul(h ^ data[loOff + k], 0x01000193);
  h = Math.imul(h ^ loPort, 0x01000193);
  for (let k = 0; k < len; k++) h = Math.imul(h ^ data[hiOff + k], 0x01000193);
  h = Math.imul(h ^ hiPort, 0x01000193);
  return h & 0x7fffffff;
}

function slotMatches(t: ConversationTable, s: number, data: Uint8Array, loOff: number, loPort: number, hiOff: number, hiPort: number, len: number, kind: number): boolean {
  const k = t.keys;
  const b = s * KEY_BYTES;
  if (k[b + 38] !== len || k[b + 39] !== kind) return false;
  for (let i = 0; i < len; i++) if (k[b + i] !== data[loOff + i] || k[b + 16 + i] !== data[hiOff + i]) return false;
  return ((k[b + 32] << 8) | k[b + 33]) === loPort && ((k[b + 34] << 8) | k[b + 35]) === hiPort;
}

/** Result of a lookup, kept in module scope to avoid allocating a tuple per packet. */
let lastDir = 0;

function findOrAddSlot(t: ConversationTable, data: Uint8Array, srcOff: number, srcPort: number, dstOff: number, dstPort: number, len: number, kind: number): number {
  const c = cmpEndpoint(data, srcOff, srcPort, dstOff, dstPort, len);
  let loOff = srcOff, loPort = srcPort, hiOff = dstOff, hiPort = dstPort;
  lastDir = 0;
  if (c > 0) {
    loOff = dstOff; loPort = dstPort; hiOff = srcOff; hiPort = srcPort;
    lastDir = 1;
  }
  const h = hashKey(data, loOff, loPort, hiOff, hiPort, len, kind);
  const head = t.buckets.get(h);
  for (let s = head ?? -1; s !== -1; s = t.next[s]) {
    if (slotMatches(t, s, data, loOff, loPort, hiOff, hiPort, len, kind)) return s;
  }
  const s = t.nSlots++;
  if ((s + 1) * KEY_BYTES > t.keys.length) t.keys = growTyped(t.keys, (s + 1) * KEY_BYTES);
  if (s >= t.next.length) {
    t.next = growTyped(t.next, s, -1);
    t.slotStream = growTyped(t.slotStream, s);
  }
  const b = s * KEY_BYTES;
  const k = t.keys;
  k.fill(0, b, b + KEY_BYTES);
  for (let i = 0; i < len; i++) {
    k[b + i] = data[loOff + i];
    k[b + 16 + i] = data[hiOff + i];
  }
  k[b + 32] = loPort >>> 8; k[b + 33] = loPort & 255;
  k[b + 34] = hiPort >>> 8; k[b + 35] = hiPort & 255;
  k[b + 38] = len; k[b + 39] = kind;
  t.next[s] = head ?? -1;
  t.buckets.set(h, s);
  t.slotStream[s] = -1;
  return s;
}

function newTcpStream(t: ConversationTable): number {
  const id = t.nTcp++;
  if (2 * id + 1 >= t.baseSeq.length) {
    t.baseSeq = growTyped(t.baseSeq, 2 * id + 1);
    t.seqFlags = growTyped(t.seqFlags, 2 * id + 1);
    t.winScale = growTyped(t.winScale, 2 * id + 1, -1);
  }
  if (id >= t.closeFlags.length) t.closeFlags = growTyped(t.closeFlags, id);
  return id;
}

const TH_FIN = 0x01;
const TH_SYN = 0x02;
const TH_RST = 0x04;
const TH_ACK = 0x10;

/**
 * First pass: the TCP stream of this segment (creating or restarting it), recorded for `frame`.
 * Addresses are read from `data` at srcOff/dstOff (addrLen 4 or 16).
 */
export function tcpFirstPass(
  t: ConversationTable, frame: number, data: Uint8Array, srcOff: number, dstOff: number, addrLen: number,
  srcPort: number, dstPort: number, seq: number, flags: number,
): number {
  const slot = findOrAddSlot(t, data, srcOff, srcPort, dstOff, dstPort, addrLen, KIND_TCP);
  const dir = lastDir;
  let stream = t.slotStream[slot];
  if (stream < 0) {
    stream = newTcpStream(t);
    t.slotStream[slot] = stream;
  } else if ((flags & (TH_SYN | TH_ACK)) === TH_SYN) {
    const i = 2 * stream + dir;
    if ((t.seqFlags[i] & 1) !== 0 && (t.baseSeq[i] !== seq >>> 0 || t.closeFlags[stream] !== 0)) {
      stream = newTcpStream(t);
      t.slotStream[slot] = stream;
    }
  }
  if (flags & TH_RST) t.closeFlags[stream] |= 1;
  if (flags & TH_FIN) t.closeFlags[stream] |= 2;
  ensureFrame(t, frame);
  t.frameStream[frame] = stream;
  t.frameDir[frame] = dir;
  return stream;
}

/**
 * First pass: record base sequence numbers (packet-tcp.c tcp_analyze_sequence_number):
 * the forward base is the SYN's seq, or seq-1 for a first segment without SYN; the reverse
 * base is ack-1 from the first segment with ACK set, if not set yet.
 */
export function tcpRecordSeq(t: ConversationTable, stream: number, dir: number, seq: number, ack: number, flags: number): void {
  const f = 2 * stream + dir;
  const r = 2 * stream + (dir ^ 1);
  if ((t.seqFlags[f] & 1) === 0) {
    if (flags & TH_SYN) {
      t.baseSeq[f] = seq;
      t.seqFlags[f] |= flags & TH_ACK ? 4 : 2;
    } else {
      t.baseSeq[f] = (seq - 1) >>> 0;
    }
    t.seqFlags[f] |= 1;
  }
  if ((t.seqFlags[r] & 1) === 0 && flags & TH_ACK) {
    t.baseSeq[r] = (ack - 1) >>> 0;
    t.seqFlags[r] |= 1;
  }
}

/**
 * First pass: window scaling from a SYN or SYN/ACK (packet-tcp.c: the WS option sets the
 * sender's shift; a SYN/ACK where either side lacks the option means no scaling both ways).
 * `shift` is -1 when the segment carried no WS option.
 */
export function tcpRecordWindowScale(t: ConversationTable, stream: number, dir: number, flags: number, shift: number): void {
  if (!(flags & TH_SYN)) return;
  const f = 2 * stream + dir;
  const r = 2 * stream + (dir ^ 1);
  if (shift < 0) {
    // No WS option: this side does not scale; after a SYN/ACK without it, neither side does.
    t.winScale[f] = -2;
    if (flags & TH_ACK) t.winScale[r] = -2;
  } else {
    // A SYN/ACK with WS answering a SYN without it: scaling is off (RFC 7323 §2.2).
    t.winScale[f] = flags & TH_ACK && t.winScale[r] === -2 ? -2 : Math.min(shift, 14);
  }
}

export function tcpBaseSeq(t: ConversationTable, stream: number, dir: number): number {
  return t.baseSeq[2 * stream + dir];
}

export function tcpWindowScale(t: ConversationTable, stream: number, dir: number): number {
  return t.winScale[2 * stream + dir];
}

/** First pass: the UDP stream of this datagram, recorded for `frame`. */
export function udpFirstPass(
  t: ConversationTable, frame: number, data: Uint8Array, srcOff: number, dstOff: number, addrLen: number,
  srcPort: number, dstPort: number,
): number {
  const slot = findOrAddSlot(t, data, srcOff, srcPort, dstOff, dstPort, addrLen, KIND_UDP);
  let stream = t.slotStream[slot];
  if (stream < 0) {
    stream = t.nUdp++;
    t.slotStream[slot] = stream;
  }
  ensureFrame(t, frame);
  t.frameStream[frame] = -2 - stream;
  t.frameDir[frame] = lastDir;
  return stream;
}

/** The TCP stream of a frame as recorded by the first pass, or -1. */
export function tcpStreamOf(t: ConversationTable, frame: number): number {
  const v = frame < t.frameStream.length ? t.frameStream[frame] : -1;
  return v >= 0 ? v : -1;
}

/** The UDP stream of a frame as recorded by the first pass, or -1. */
export function udpStreamOf(t: ConversationTable, frame: number): number {
  const v = frame < t.frameStream.length ? t.frameStream[frame] : -1;
  return v <= -2 ? -2 - v : -1;
}

/** Direction of the frame within its stream (0: from the lower endpoint), or -1. */
export function streamDirOf(t: ConversationTable, frame: number): number {
  const v = frame < t.frameStream.length ? t.frameStream[frame] : -1;
  return v === -1 ? -1 : t.frameDir[frame];
}

/** Bytes of index this table holds (for the ≤ 100 B/event budget). */
export function conversationTableBytes(t: ConversationTable): number {
  return t.frameStream.byteLength + t.frameDir.byteLength + t.keys.byteLength + t.next.byteLength +
    t.slotStream.byteLength + t.baseSeq.byteLength + t.seqFlags.byteLength + t.winScale.byteLength + t.closeFlags.byteLength;
}

/**
 * The current stream of a key without recording anything for the frame: used for headers
 * quoted inside ICMP errors (Wireshark looks their conversation up too). Creates the
 * conversation only when `create` (first pass). Returns -1 when there is none.
 */
export function peekStream(
  t: ConversationTable, data: Uint8Array, srcOff: number, dstOff: number, addrLen: number,
  srcPort: number, dstPort: number, udp: boolean, create: boolean,
): number {
  const before = t.nSlots;
  const slot = findOrAddSlot(t, data, srcOff, srcPort, dstOff, dstPort, addrLen, udp ? KIND_UDP : KIND_TCP);
  if (slot >= before) {
    if (!create) {
      // Undo the insertion: a revisit must not change the table.
      const h = hashKey(data, ...normalised(data, srcOff, srcPort, dstOff, dstPort, addrLen), addrLen, udp ? KIND_UDP : KIND_TCP);
      if (t.next[slot] === -1) t.buckets.delete(h);
      else t.buckets.set(h, t.next[slot]);
      t.nSlots--;
      return -1;
    }
    t.slotStream[slot] = udp ? t.nUdp++ : newTcpStream(t);
  }
  return t.slotStream[slot];
}

function normalised(data: Uint8Array, srcOff: number, srcPort: number, dstOff: number, dstPort: number, len: number): [number, number, number, number] {
  return cmpEndpoint(data, srcOff, srcPort, dstOff, dstPort, len) > 0 ? [dstOff, dstPort, srcOff, srcPort] : [srcOff, srcPort, dstOff, dstPort];
}
