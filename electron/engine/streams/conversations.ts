/**
 * TCP and UDP conversation numbering, as tshark 4.0 numbers `tcp.stream` / `udp.stream`.
 *
 * A conversation is an unordered pair of (address, port) endpoints; streams are numbered in
 * order of first appearance, separately for TCP and UDP (Wireshark: conversation.c keyed by
 * ENDPOINT_TCP / ENDPOINT_UDP; packet-tcp.c init_tcp_conversation_data, packet-udp.c
 * get_udp_conversation_data). For TCP, a pure SYN on an existing conversation whose sequence
 * number differs from that direction's base sequence number starts a new stream (packet-tcp.c
 * dissect_tcp, "port reuse"); the same ISN again, even after FIN or RST, does not (tshark 4.0.17).
 * A SYN/ACK with a new sequence number keeps the stream but restarts its direction's relative
 * numbers and window scale from that frame on (also flagged as port reuse).
 *
 * Everything is typed arrays; keys are hashed to a number and compared word-for-word on a
 * hit (collision check), so the first pass allocates nothing per packet.
 *
 * The first pass (frames in order) writes, per frame, the stream id into one Int32Array
 * (4 bytes/frame: ≥ 0 = TCP stream, ≤ -2 = UDP stream -2-id, -1 = none) and per stream the
 * base sequence numbers and window scale of each direction. Revisits read them back; where a
 * later SYN or SYN/ACK changed them, the values before it are kept as a snapshot, so that a
 * revisit shows each frame what tshark showed it in its one pass.
 */

/** Direction 0 = from the lower endpoint (as stored in the key) to the higher one. */
export interface ConversationTable {
  /** Per-frame stream id (index = frame number); see module comment for the encoding. */
  frameStream: Int32Array;
  /** Per-frame direction bit (index = frame number): 0/1, valid when frameStream ≠ -1. */
  frameDir: Uint8Array;
  /** Hash table: (key hash & mask) → first conversation slot of that bucket, -1 = empty; chains via `next`. */
  heads: Int32Array;
  /** Conversation slots: key words (KEY_WORDS each: 4 words per address, big-endian, v4 in word 0; ports; len and kind). */
  keys: Int32Array;
  /** Slot → key hash (to re-bucket when `heads` grows). */
  hashes: Int32Array;
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
  /** Per TCP stream whose base or window scale changed mid-stream: the earlier values (see TcpSnapshot). */
  history: Map<number, TcpSnapshot[]>;
  /** Frames of a SYN that started a new stream on an earlier stream's ports (tcp.analysis.reused_ports). */
  portReuse: Set<number>;
  nTcp: number;
  nUdp: number;
}

/** The relative-number state of a TCP stream before frame `until` (both directions). */
export interface TcpSnapshot {
  until: number;
  base0: number;
  base1: number;
  ws0: number;
  ws1: number;
}

/** Key layout in words: lo address 0–3, hi address 4–7, (loPort << 16 | hiPort) 8, (len << 8 | kind) 9. */
const KEY_WORDS = 10;
const KIND_TCP = 6;
const KIND_UDP = 17;

export function createConversationTable(expectedFrames = 1024): ConversationTable {
  const n = Math.max(16, expectedFrames + 1);
  return {
    frameStream: new Int32Array(n).fill(-1),
    frameDir: new Uint8Array(n),
    heads: new Int32Array(64).fill(-1),
    keys: new Int32Array(KEY_WORDS * 64),
    hashes: new Int32Array(64),
    next: new Int32Array(64).fill(-1),
    slotStream: new Int32Array(64),
    nSlots: 0,
    baseSeq: new Uint32Array(128),
    seqFlags: new Uint8Array(128),
    winScale: new Int8Array(128).fill(-1),
    history: new Map(),
    portReuse: new Set(),
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

/**
 * Room for frames 0 … frames-1 in the per-frame arrays, at exactly that size: the packet
 * index sizes them with its columns (index/packet-index.ts growPacketIndex), so they are not
 * doubled a dozen times on the way to a large file's count.
 */
export function reserveFrames(t: ConversationTable, frames: number): void {
  if (frames <= t.frameStream.length) return;
  const stream = new Int32Array(frames);
  stream.fill(-1, t.frameStream.length);
  stream.set(t.frameStream);
  t.frameStream = stream;
  const dir = new Uint8Array(frames);
  dir.set(t.frameDir);
  t.frameDir = dir;
}

function ensureFrame(t: ConversationTable, frame: number): void {
  if (frame >= t.frameStream.length) {
    t.frameStream = growTyped(t.frameStream, frame, -1);
    t.frameDir = growTyped(t.frameDir, frame);
  }
}

/**
 * The key of the packet being looked up, normalised (lower endpoint first), in the slot
 * layout. Module scope: a lookup allocates nothing.
 */
const key = new Int32Array(KEY_WORDS);
/** Direction of the last key built: 0 = source is the lower endpoint. */
let lastDir = 0;

function word(data: Uint8Array, o: number): number {
  return (data[o] << 24) | (data[o + 1] << 16) | (data[o + 2] << 8) | data[o + 3];
}

/**
 * Build the normalised key from the packet bytes: addresses at srcOff/dstOff (len 4 or 16),
 * ports given. Endpoints are ordered by address bytes, then port (an unsigned word compare is
 * the byte-wise compare of big-endian bytes).
 */
function buildKey(data: Uint8Array, srcOff: number, srcPort: number, dstOff: number, dstPort: number, len: number, kind: number): void {
  const words = len >> 2;
  let c = 0;
  for (let w = 0; w < 4; w++) {
    const s = w < words ? word(data, srcOff + 4 * w) : 0;
    const d = w < words ? word(data, dstOff + 4 * w) : 0;
    key[w] = s;
    key[4 + w] = d;
    if (c === 0 && s !== d) c = s >>> 0 < d >>> 0 ? -1 : 1;
  }
  if (c === 0 && srcPort !== dstPort) c = srcPort < dstPort ? -1 : 1;
  lastDir = 0;
  if (c > 0) {
    for (let w = 0; w < 4; w++) {
      const s = key[w];
      key[w] = key[4 + w];
      key[4 + w] = s;
    }
    key[8] = (dstPort << 16) | srcPort;
    lastDir = 1;
  } else {
    key[8] = (srcPort << 16) | dstPort;
  }
  key[9] = (len << 8) | kind;
}

/** Multiplicative mix of the key words (murmur3-style rounds), folded to 31 bits. */
function hashKeyWords(): number {
  let h = 0x811c9dc5;
  for (let w = 0; w < KEY_WORDS; w++) {
    let k = Math.imul(key[w], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & 0x7fffffff;
}

function slotMatches(t: ConversationTable, s: number): boolean {
  const k = t.keys;
  const b = s * KEY_WORDS;
  for (let w = 0; w < KEY_WORDS; w++) if (k[b + w] !== key[w]) return false;
  return true;
}

/** Double the bucket array when the load passes 1 and re-bucket every slot. */
function growHeads(t: ConversationTable): void {
  const size = t.heads.length * 2;
  const heads = new Int32Array(size).fill(-1);
  const mask = size - 1;
  // Re-link in slot order so each chain keeps newest-first order.
  for (let s = 0; s < t.nSlots; s++) {
    const b = t.hashes[s] & mask;
    t.next[s] = heads[b];
    heads[b] = s;
  }
  t.heads = heads;
}

/** Slot of the key in `key` (built by buildKey), or a new slot for it. */
function findOrAddSlot(t: ConversationTable, data: Uint8Array, srcOff: number, srcPort: number, dstOff: number, dstPort: number, len: number, kind: number): number {
  buildKey(data, srcOff, srcPort, dstOff, dstPort, len, kind);
  const h = hashKeyWords();
  let b = h & (t.heads.length - 1);
  for (let s = t.heads[b]; s !== -1; s = t.next[s]) {
    if (t.hashes[s] === h && slotMatches(t, s)) return s;
  }
  const s = t.nSlots++;
  if ((s + 1) * KEY_WORDS > t.keys.length) t.keys = growTyped(t.keys, (s + 1) * KEY_WORDS);
  if (s >= t.next.length) {
    t.next = growTyped(t.next, s, -1);
    t.hashes = growTyped(t.hashes, s);
    t.slotStream = growTyped(t.slotStream, s);
  }
  t.keys.set(key, s * KEY_WORDS);
  t.hashes[s] = h;
  t.slotStream[s] = -1;
  if (t.nSlots > t.heads.length) {
    growHeads(t);
    return s;
  }
  b = h & (t.heads.length - 1);
  t.next[s] = t.heads[b];
  t.heads[b] = s;
  return s;
}

/** Undo the insertion of the newest slot (it heads its bucket's chain). */
function removeNewestSlot(t: ConversationTable, s: number): void {
  const b = t.hashes[s] & (t.heads.length - 1);
  t.heads[b] = t.next[s];
  t.next[s] = -1;
  t.nSlots--;
}

function newTcpStream(t: ConversationTable): number {
  const id = t.nTcp++;
  if (2 * id + 1 >= t.baseSeq.length) {
    t.baseSeq = growTyped(t.baseSeq, 2 * id + 1);
    t.seqFlags = growTyped(t.seqFlags, 2 * id + 1);
    t.winScale = growTyped(t.winScale, 2 * id + 1, -1);
  }
  return id;
}

const TH_SYN = 0x02;
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
  } else if (flags & TH_SYN) {
    const i = 2 * stream + dir;
    if ((t.seqFlags[i] & 1) !== 0 && t.baseSeq[i] !== seq >>> 0) {
      // A SYN with a new ISN is a new connection; a SYN/ACK with one stays in the stream
      // (tcpRecordSeq restarts the direction's numbers). Both are tcp.analysis.reused_ports.
      if (!(flags & TH_ACK)) {
        stream = newTcpStream(t);
        t.slotStream[slot] = stream;
      }
      t.portReuse.add(frame);
    }
  }
  ensureFrame(t, frame);
  t.frameStream[frame] = stream;
  t.frameDir[frame] = dir;
  return stream;
}

/** Before `frame` changes stream state that was already set: keep the values frames before it saw. */
function snapshot(t: ConversationTable, stream: number, frame: number): void {
  let list = t.history.get(stream);
  if (list === undefined) t.history.set(stream, (list = []));
  if (list.length > 0 && list[list.length - 1].until === frame) return;
  const b = 2 * stream;
  list.push({ until: frame, base0: t.baseSeq[b], base1: t.baseSeq[b + 1], ws0: t.winScale[b], ws1: t.winScale[b + 1] });
}

/** The state `frame` saw: a snapshot from before a later change, or undefined for the current values. */
function stateAt(t: ConversationTable, stream: number, frame: number | undefined): TcpSnapshot | undefined {
  if (frame === undefined || t.history.size === 0) return undefined;
  const list = t.history.get(stream);
  if (list === undefined) return undefined;
  for (const s of list) if (frame < s.until) return s;
  return undefined;
}

/**
 * First pass: record base sequence numbers (packet-tcp.c tcp_analyze_sequence_number):
 * the forward base is the SYN's seq, or seq-1 for a first segment without SYN; the reverse
 * base is ack-1 from the first segment with ACK set, if not set yet. A SYN/ACK with another
 * sequence number than the base restarts the forward base (port reuse, tshark 4.0.17).
 */
export function tcpRecordSeq(t: ConversationTable, stream: number, dir: number, seq: number, ack: number, flags: number, frame = 0): void {
  const f = 2 * stream + dir;
  const r = 2 * stream + (dir ^ 1);
  if ((flags & (TH_SYN | TH_ACK)) === (TH_SYN | TH_ACK) && (t.seqFlags[f] & 1) !== 0 && t.baseSeq[f] !== seq >>> 0) {
    snapshot(t, stream, frame);
    t.baseSeq[f] = seq;
  }
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
 * sender's shift; a SYN/ACK where either side lacks the option means no scaling both ways,
 * RFC 7323 §2.2). `shift` is -1 when the segment carried no WS option. A SYN without the option
 * on a side whose shift is known already (a SYN again, a reused port) leaves it: tshark 4.0.17
 * keeps the earlier connection's scaling then, and so must the frames before this one.
 */
export function tcpRecordWindowScale(t: ConversationTable, stream: number, dir: number, flags: number, shift: number, frame = 0): void {
  if (!(flags & TH_SYN)) return;
  const f = 2 * stream + dir;
  const r = 2 * stream + (dir ^ 1);
  const synAck = (flags & TH_ACK) !== 0;
  let fwd = t.winScale[f];
  let rev = t.winScale[r];
  if (shift >= 0) fwd = synAck && rev === -2 ? -2 : Math.min(shift, 14);
  else if (fwd === -1) fwd = -2;
  if (synAck && (fwd === -2 || rev === -2)) fwd = rev = -2;
  // A known shift that changes: the frames before this one keep theirs.
  if ((t.winScale[f] !== -1 && t.winScale[f] !== fwd) || (t.winScale[r] !== -1 && t.winScale[r] !== rev)) snapshot(t, stream, frame);
  t.winScale[f] = fwd;
  t.winScale[r] = rev;
}

/** Base sequence number of a direction, as frame `frame` saw it (the current one without `frame`). */
export function tcpBaseSeq(t: ConversationTable, stream: number, dir: number, frame?: number): number {
  const s = stateAt(t, stream, frame);
  if (s !== undefined) return dir === 0 ? s.base0 : s.base1;
  return t.baseSeq[2 * stream + dir];
}

/** Window scale shift of a direction (-1 unknown, -2 none), as frame `frame` saw it. */
export function tcpWindowScale(t: ConversationTable, stream: number, dir: number, frame?: number): number {
  const s = stateAt(t, stream, frame);
  if (s !== undefined) return dir === 0 ? s.ws0 : s.ws1;
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
  return t.frameStream.byteLength + t.frameDir.byteLength + t.heads.byteLength + t.keys.byteLength + t.hashes.byteLength +
    t.next.byteLength + t.slotStream.byteLength + t.baseSeq.byteLength + t.seqFlags.byteLength + t.winScale.byteLength + 40 * t.history.size;
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
      removeNewestSlot(t, slot);
      return -1;
    }
    t.slotStream[slot] = udp ? t.nUdp++ : newTcpStream(t);
  }
  return t.slotStream[slot];
}
