/**
 * HTTP/2 (RFC 9113) over a plaintext ByteStream (decrypted TLS or h2c): the connection
 * preface, frames of both directions (any chunking; bytes the stream lacks are skipped and the
 * reader resumes at the next chunk that starts with a plausible frame header), header blocks
 * (HEADERS/PUSH_PROMISE + CONTINUATION, padding, priority) decoded with one HPACK decoder per
 * direction, and per-stream messages: request, interim and final response, trailers, DATA
 * reassembled, RST_STREAM, GOAWAY.
 *
 * Cost is linear in frames. Frames are kept as columns (http2/frame-index.ts, 16 bytes a frame),
 * per stream one small object; a frame's payload is read again from the plaintext stream and
 * its header block decoded again on demand, from the nearest HPACK snapshot (one every
 * HPACK_SNAPSHOT_EVERY blocks of a direction), so no lookup replays the connection from its start
 * and a walk over every event in order decodes each block about once (a cursor per direction).
 */
import { feedUnits, loseBytes, newUnitState, resetUnit, type UnitState } from '../streams/length-prefixed.ts';
import type { ByteStream, StreamChunk, StreamDir } from '../streams/byte-stream.ts';
import {
  createDirMap, createFrameColumns, frameComplete, frameDir, frameEndsBlock, frameFlags, frameLength, framePos, framesAtEvent, frameStreamId, frameType,
  entryWhere, frameColumnBytes, markBlockEnd, packDir, pushDirChunk, pushFrame, readDir, dirChunkAt, type DirMap, type H2FrameColumns, type PackedDir,
  createDirPacker, packChunk, packedOf, type DirPacker,
} from './frame-index.ts';
import { createHpackDecoder, decodeHeaderBlock, HPACK_LIMITS, type HeaderField, type HpackDecoder } from './hpack.ts';
import {
  createStreamColumns, deltaFrame, endOn, intern, intern16, rowOfId, setDeltaFrame, setEndOn, setSize, setStreamState, SF, sideIf, sideOf, sizeOf, streamColumnBytes, streamRow,
  streamState, trimStreamColumns, type H2StreamColumns,
} from './stream-columns.ts';

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

/** A frame as the layers above read it, made on demand from the columns (h2Frame). */
export interface H2Frame {
  /** Frame number in the connection (arrival order over both directions). */
  index: number;
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

/** HPACK state of one direction at the start of a header block (no block pending). */
interface HpackSnapshot {
  frame: number;
  table: [string, string][];
  size: number;
  maxSize: number;
  limit: number;
  complete: boolean;
}

/** Header blocks of a direction between two HPACK snapshots: a lookup decodes at most this many. */
export const HPACK_SNAPSHOT_EVERY = 64;

/** Decoded header blocks kept between lookups (two snapshot intervals: responses answered a little out of order hit). */
const RECENT_BLOCKS = 2 * HPACK_SNAPSHOT_EVERY;

/** What the on-demand decoding keeps between lookups (one cursor per direction, the last answer). */
interface HpackCursor {
  side: BlockSide;
  /** Next frame to feed. */
  next: number;
  last?: { frame: number; headers: HeaderField[]; error?: string };
}

export interface H2Connection {
  /** The client preface was seen (else the capture started mid-connection or it is not HTTP/2). */
  preface: boolean;
  /** The event whose bytes complete the preface (tshark's "Magic" frame). */
  prefaceEvent?: number;
  /** The plaintext stream the frames were read from (payloads are read again from it)... */
  stream?: ByteStream;
  /** ...or, once packed (packConnection), each direction's bytes in one buffer. */
  packed?: [PackedDir, PackedDir];
  frames: H2FrameColumns;
  /** Per direction: where each chunk starts in the frame reader's byte count. */
  dirs: [DirMap, DirMap];
  /** Streams as columns, in order of first appearance (stream-columns.ts). */
  streams: H2StreamColumns;
  goaway?: { dir: StreamDir; lastStreamId: number; code: number; event: number };
  notes: string[];
  /** HPACK snapshots per direction, in frame order. */
  snapshots: [HpackSnapshot[], HpackSnapshot[]];
  /** Header blocks that began with less of the connection's header budget left than one block may use: what was left. */
  lowBudget: Map<number, number>;
  cursors: [HpackCursor | undefined, HpackCursor | undefined];
  /** Header blocks decoded lately (by their last frame), so lookups a little out of order decode nothing. */
  recent: Map<number, { headers: HeaderField[]; error?: string }>;
}

const noBudget = (): number => 0;

/** Bytes of HPACK state a snapshot holds, estimated (the 4096-byte default table, RFC 7541 §4.2). */
const SNAPSHOT_BYTES = 4096;

/** What a parsed connection holds besides its stream's bytes, estimated: columns and HPACK snapshots. */
export function connectionIndexBytes(conn: H2Connection): number {
  const packed = conn.packed ? conn.packed[0].bytes.length + conn.packed[1].bytes.length + 24 * (conn.dirs[0].n + conn.dirs[1].n) : 0;
  return packed + frameColumnBytes(conn.frames) + streamColumnBytes(conn.streams) + (conn.snapshots[0].length + conn.snapshots[1].length) * SNAPSHOT_BYTES;
}

/** Work counters for tests: stream walks (whole-connection passes) and header blocks decoded. */
export const h2Work = { parses: 0, blocksDecoded: 0 };

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
  /** Position of the frame header being assembled. */
  hpos: number;
  /** Bytes of the preface still to skip (client side). */
  skip: number;
}

/** RFC 9113 §4.1: a 24-bit payload length opens the 9-byte frame header. */
function frameBodyLength(h: Uint8Array): number {
  return (h[0] << 16) | (h[1] << 8) | h[2];
}

function newReader(): Reader {
  return { ...newUnitState(9), event: 0, hpos: 0, skip: 0 };
}

interface BlockState {
  parts: Uint8Array[];
  streamId: number;
  broken: boolean;
  promised?: number;
}

/** One direction's header-block assembly: its HPACK decoder and the block in progress. */
interface BlockSide {
  hp: HpackDecoder;
  block: BlockState | null;
}

/** What feeding one frame to the block assembly did. */
type BlockStep =
  | { kind: 'none' }
  | { kind: 'interrupted'; streamId: number }
  | { kind: 'orphan' }
  | { kind: 'block'; blk: BlockState; headers: HeaderField[]; error?: string };

/** A frame's payload fields needed by the header-block assembly. */
interface FrameHead {
  dir: StreamDir;
  type: number;
  flags: number;
  streamId: number;
  complete: boolean;
}

/** HEADERS / PUSH_PROMISE payload: the block fragment and the promised stream (padding and priority skipped). */
function blockFragment(f: FrameHead, p: Uint8Array): { frag: Uint8Array; promised?: number } {
  const padded = (f.flags & FLAG_PADDED) !== 0;
  const padLen = padded && p.length > 0 ? p[0] : 0;
  let o = padded ? 1 : 0;
  let promised: number | undefined;
  if (f.type === FT.HEADERS && f.flags & FLAG_PRIORITY) o += 5;
  if (f.type === FT.PUSH_PROMISE) {
    promised = p.length >= o + 4 ? ((p[o] & 0x7f) << 24) | (p[o + 1] << 16) | (p[o + 2] << 8) | p[o + 3] : undefined;
    o += 4;
  }
  return { frag: p.subarray(Math.min(o, p.length), f.complete ? Math.max(o, p.length - padLen) : p.length), promised };
}

/** Does this frame need its payload for the header-block assembly of `side`'s direction? */
function needsPayload(f: FrameHead, dir: StreamDir): boolean {
  if (f.dir === dir) return f.type === FT.HEADERS || f.type === FT.PUSH_PROMISE || f.type === FT.CONTINUATION;
  return f.type === FT.SETTINGS && !(f.flags & 0x1);
}

/**
 * Feed one frame to the header-block assembly of direction `dir` (the scan feeds both sides,
 * an on-demand decode one): the same steps, so a block decoded again equals the scan's.
 * `budget`: what the connection's header budget has left when a block ends here.
 */
function blockStep(side: BlockSide, dir: StreamDir, f: FrameHead, p: Uint8Array, budgetLeft: () => number): BlockStep {
  if (f.dir !== dir) {
    // SETTINGS_HEADER_TABLE_SIZE (0x1, RFC 9113 §6.5.2) from the peer limits this side's encoder table.
    if (f.type === FT.SETTINGS && !(f.flags & 0x1)) {
      for (let i = 0; i + 6 <= p.length; i += 6) if (((p[i] << 8) | p[i + 1]) === 1) side.hp.limit = ((p[i + 2] << 24) | (p[i + 3] << 16) | (p[i + 4] << 8) | p[i + 5]) >>> 0;
    }
    return { kind: 'none' };
  }
  const b = side.block;
  let step: BlockStep = { kind: 'none' };
  if (b && f.type !== FT.CONTINUATION) {
    side.block = null;
    side.hp.complete = false;
    step = { kind: 'interrupted', streamId: b.streamId };
  }
  if (f.type === FT.HEADERS || f.type === FT.PUSH_PROMISE) {
    const { frag, promised } = blockFragment(f, p);
    const blk: BlockState = { parts: [frag], streamId: f.streamId, broken: !f.complete, promised };
    if (f.flags & FLAG_END_HEADERS) return finishBlock(side, blk, budgetLeft);
    side.block = blk;
  } else if (f.type === FT.CONTINUATION) {
    if (!b || b.streamId !== f.streamId) return { kind: 'orphan' };
    b.parts.push(p);
    if (!f.complete) b.broken = true;
    if (f.flags & FLAG_END_HEADERS) {
      side.block = null;
      return finishBlock(side, b, budgetLeft);
    }
  }
  return step;
}

function finishBlock(side: BlockSide, blk: BlockState, budgetLeft: () => number): BlockStep {
  const h = side.hp;
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
  h.budget.left = budgetLeft();
  h2Work.blocksDecoded++;
  // Part of the block was not captured: its insertions are lost too.
  if (blk.broken) h.complete = false;
  const r = decodeHeaderBlock(h, block);
  return { kind: 'block', blk, headers: r.headers, error: blk.broken ? 'header block partly missing from the capture' : r.error };
}

function headOf(c: H2FrameColumns, i: number): FrameHead {
  return { dir: frameDir(c, i), type: frameType(c, i), flags: frameFlags(c, i), streamId: frameStreamId(c, i), complete: frameComplete(c, i) };
}

function dirSource(conn: H2Connection, dir: StreamDir): ByteStream | PackedDir {
  const src = conn.packed?.[dir] ?? conn.stream;
  if (!src) throw new Error('HTTP/2 connection without its bytes');
  return src;
}

/**
 * Keep each direction's bytes in one buffer and drop the stream (its chunk objects and the
 * frame buffers they are views of), for a connection whose stream nothing else holds.
 */
export function packConnection(conn: H2Connection): void {
  if (conn.packed || !conn.stream) return;
  conn.packed = [packDir(conn.stream, conn.dirs[0]), packDir(conn.stream, conn.dirs[1])];
  conn.stream = undefined;
}

/** Payload of frame `i` as captured (a view when it lies in one chunk). */
export function framePayload(conn: H2Connection, i: number): Uint8Array {
  const fx = conn.frames;
  const dir = frameDir(fx, i);
  const len = frameLength(fx, i);
  const p = readDir(dirSource(conn, dir), conn.dirs[dir], framePos(fx, i), len);
  return frameComplete(fx, i) ? p : p.subarray(0, Math.min(p.length, len));
}

/** Parse an HTTP/2 connection from a plaintext ByteStream. Never throws. */
export function parseHttp2(s: ByteStream): H2Connection {
  const p = beginHttp2(startsWithPreface(s), s);
  for (let k = 0; k < s.chunks.length; k++) p.feed(s.chunks[k], k);
  return p.end();
}

/** An HTTP/2 parse fed one chunk at a time, in stream order (`k`: the chunk's index in its stream); `end` finishes it. */
interface H2Parse {
  feed(c: StreamChunk, k: number): void;
  end(): H2Connection;
}

/** A parse fed chunks held nowhere else (streams/segment-follow.ts): each chunk's bytes are copied in; `dirBytes` bounds its direction's bytes. */
export interface H2PackedParse {
  feed(c: StreamChunk, dirBytes: number): void;
  end(): H2Connection;
}

/**
 * The parse of a connection whose chunks come one at a time and are held nowhere else (cleartext
 * HTTP/2 of a finished capture's TCP stream, tls/capture-tls.ts): each chunk's bytes are copied
 * into its direction's packed buffer as it comes (a DirPacker sized from `dirBytes`, what
 * packConnection would make) and the parse reads the copy. startsWithPreface is decided on the
 * client's first chunks as they come (those before it are held until then), the rest is
 * parseHttp2's. No stream is kept (`conn.stream` is unset): `conn.packed` holds the bytes.
 */
export function streamHttp2(): H2PackedParse {
  let p: H2Parse | undefined;
  const held: StreamChunk[] = [];
  const packers: [DirPacker | undefined, DirPacker | undefined] = [undefined, undefined];
  let k = 0;
  let decided: boolean | undefined;
  const begin = (preface: boolean): H2Parse => {
    const q = beginHttp2(preface, undefined);
    for (const c of held) q.feed(c, 0);
    held.length = 0;
    return q;
  };
  const parse = (c: StreamChunk): void => {
    if (p) return p.feed(c, 0);
    held.push(c);
    if (c.dir !== 0) return;
    // As startsWithPreface: client bytes in order from the first, no gap, equal to the preface.
    if (c.seq !== k || c.gap) decided = false;
    for (let i = 0; decided === undefined && i < c.bytes.length && k < PREFACE_BYTES.length; i++, k++) if (c.bytes[i] !== PREFACE_BYTES[k]) decided = false;
    if (decided === undefined && k === PREFACE_BYTES.length) decided = true;
    if (decided !== undefined) p = begin(decided);
  };
  return {
    feed: (c, dirBytes) => {
      if (c.bytes.length > 0) {
        const pk = (packers[c.dir] ??= createDirPacker(dirBytes));
        // The chunk is the reassembly's, passed on and dropped: it carries the copy from here.
        c.bytes = packChunk(pk, c.bytes, c.event, c.time);
      }
      parse(c);
    },
    end: () => {
      const conn = (p ?? begin(false)).end();
      conn.packed = [packedOf(packers[0] ?? createDirPacker(0)), packedOf(packers[1] ?? createDirPacker(0))];
      return conn;
    },
  };
}

function beginHttp2(preface: boolean, s: ByteStream | undefined): H2Parse {
  h2Work.parses++;
  const conn: H2Connection = {
    preface, stream: s, frames: createFrameColumns(), dirs: [createDirMap(), createDirMap()], streams: createStreamColumns(), notes: [],
    snapshots: [[], []], lowBudget: new Map(), cursors: [undefined, undefined], recent: new Map(),
  };
  const fx = conn.frames;
  const rd: [Reader, Reader] = [newReader(), newReader()];
  if (conn.preface) rd[0].skip = PREFACE_BYTES.length;
  else conn.notes.push('no connection preface: the capture starts mid-connection; headers that need earlier HPACK state are marked unknown');
  // One decoded-header budget for the connection: both directions draw on it.
  const headerBudget = { left: HPACK_LIMITS.connectionBytes };
  const sides: [BlockSide, BlockSide] = [
    { hp: createHpackDecoder(conn.preface, { left: 0 }), block: null },
    { hp: createHpackDecoder(conn.preface, { left: 0 }), block: null },
  ];
  const blocksSeen = [0, 0];
  /** Blocks of each direction when its last snapshot was taken (-inf: none yet). */
  const snapAt = [-Infinity, -Infinity];

  const sc = conn.streams;
  const fxEv = (i: number): number => fx.ev[i];

  /** The frame with END_STREAM of direction `dir` ends the message: where its end event is found. */
  const endStream = (r: number, dir: StreamDir, i: number): void => {
    sc.flags[r] |= dir === 0 ? SF.End0 : SF.End1;
    if (sc.head[dir][r] >= 0) {
      const code = i === sc.head[dir][r] ? 1 : i === deltaFrame(sc, r, dir, 'lastData') ? 2 : i === deltaFrame(sc, r, dir, 'trailers') ? 3 : 0;
      setEndOn(sc, r, dir, code);
      if (code === 0) {
        const side = sideOf(sc, r);
        const e = side.endEvent ?? [undefined, undefined];
        e[dir] = fx.ev[i];
        side.endEvent = e;
      } else {
        const e = sideIf(sc, r)?.endEvent;
        if (e) e[dir] = undefined;
      }
    }
    const f = sc.flags[r];
    setStreamState(sc, r, f & SF.End0 && f & SF.End1 ? 'closed' : f & SF.End0 ? 'half-closed (remote)' : 'half-closed (local)');
  };

  /** A frame the end event points at is about to change (more DATA, new trailers): keep the event itself. */
  const pinEnd = (r: number, dir: StreamDir, code: number): void => {
    if (endOn(sc, r, dir) !== code) return;
    const at = code === 2 ? deltaFrame(sc, r, dir, 'lastData') : deltaFrame(sc, r, dir, 'trailers');
    const side = sideOf(sc, r);
    const e = side.endEvent ?? [undefined, undefined];
    e[dir] = fxEv(at);
    side.endEvent = e;
    setEndOn(sc, r, dir, 0);
  };

  /** A new message of direction `dir` whose head block ends at frame `i`: columns reset, its shown values interned. */
  const newMessage = (r: number, dir: StreamDir, i: number, headers: readonly HeaderField[]): void => {
    sc.head[dir][r] = i;
    for (const k of ['firstData', 'lastData', 'trailers'] as const) setDeltaFrame(sc, r, dir, k, -1);
    setSize(sc, r, dir, 'data', 0);
    setSize(sc, r, dir, 'decoded', 0);
    sc.flags[r] &= ~((dir === 0 ? SF.Trailers0 : SF.Trailers1) | (3 << (SF.EndOnShift + 2 * dir)));
    const side = sideIf(sc, r);
    if (side?.missing) side.missing[dir] = 0;
    if (side?.endEvent) side.endEvent[dir] = undefined;
    if (dir === 0) {
      sc.method[r] = intern16(sc, knownValue(headers, ':method') ?? '');
      sc.host[r] = intern(sc.strings, knownValue(headers, 'host') ?? knownValue(headers, ':authority') ?? '');
      sc.path[r] = intern(sc.strings, knownValue(headers, ':path') ?? '');
      if (knownValue(headers, 'content-encoding')) sc.flags[r] |= SF.ReqEncoded;
      else sc.flags[r] &= ~SF.ReqEncoded;
    } else {
      const status = knownValue(headers, ':status');
      sc.status[r] = status !== undefined && /^\d{3}$/.test(status) ? Number(status) : 0;
      sc.ctype[r] = intern16(sc, knownValue(headers, 'content-type') ?? '');
      sc.cenc[r] = intern16(sc, knownValue(headers, 'content-encoding') ?? '');
      if (headers.find((h) => h.name === ':status')?.value.startsWith('1')) sc.flags[r] |= SF.Interim;
      else sc.flags[r] &= ~SF.Interim;
    }
  };

  const trailers = (r: number, dir: StreamDir, i: number): void => {
    pinEnd(r, dir, 3);
    setDeltaFrame(sc, r, dir, 'trailers', i);
    sc.flags[r] |= dir === 0 ? SF.Trailers0 : SF.Trailers1;
  };

  const onHeaders = (dir: StreamDir, i: number, headers: HeaderField[], streamId: number, promised: number | undefined): void => {
    if (promised !== undefined) {
      const p = streamRow(sc, promised);
      sideOf(sc, p).promisedBy = streamId;
      newMessage(p, 0, i, headers);
      sc.flags[p] |= SF.End0;
      setStreamState(sc, p, 'half-closed (remote)');
      return;
    }
    const r = streamRow(sc, streamId);
    if (streamState(sc, r) === 'idle') setStreamState(sc, r, 'open');
    if (dir === 0) {
      if (sc.head[0][r] < 0) newMessage(r, 0, i, headers);
      else trailers(r, 0, i);
    } else if (sc.head[1][r] < 0) {
      newMessage(r, 1, i, headers);
    } else if (sc.flags[r] & SF.Interim && headers.find((h) => h.name === ':status')?.value !== undefined) {
      // The previous one was interim (1xx): this is the next response.
      const side = sideOf(sc, r);
      (side.interim ??= []).push(sc.head[1][r]);
      newMessage(r, 1, i, headers);
    } else {
      trailers(r, 1, i);
    }
  };

  const onFrame = (i: number, f: FrameHead, p: Uint8Array, length: number, event: number, lastEvent: number): void => {
    const dir = f.dir;
    // A snapshot of this side's HPACK state every HPACK_SNAPSHOT_EVERY blocks, where a block starts.
    const side = sides[dir];
    if ((f.type === FT.HEADERS || f.type === FT.PUSH_PROMISE) && side.block === null && blocksSeen[dir] - snapAt[dir] >= HPACK_SNAPSHOT_EVERY) {
      const h = side.hp;
      conn.snapshots[dir].push({ frame: i, table: h.table.slice(), size: h.size, maxSize: h.maxSize, limit: h.limit, complete: h.complete });
      snapAt[dir] = blocksSeen[dir];
    }
    // The other side's decoder only sees SETTINGS (its table size limit).
    const other: StreamDir = dir === 0 ? 1 : 0;
    if (needsPayload(f, other)) blockStep(sides[other], other, f, p, noBudget);
    const r = blockStep(side, dir, f, p, () => {
      // Below one block's worth of budget the exact amount matters to a later decode: keep it.
      if (headerBudget.left < HPACK_LIMITS.maxListSize) conn.lowBudget.set(i, headerBudget.left);
      return headerBudget.left;
    });
    if (r.kind === 'interrupted') conn.notes.push(`event ${event}: header block on stream ${r.streamId} interrupted by a ${FRAME_TYPE_NAMES[f.type] ?? f.type} frame`);
    else if (r.kind === 'orphan') conn.notes.push(`event ${event}: CONTINUATION on stream ${f.streamId} without a header block`);
    else if (r.kind === 'block') {
      headerBudget.left = side.hp.budget.left;
      blocksSeen[dir]++;
      markBlockEnd(fx, i);
      if (r.error && !r.blk.broken) {
        conn.notes.push(`event ${lastEvent}: ${r.error}`);
        const side = sideOf(sc, streamRow(sc, r.blk.promised ?? r.blk.streamId));
        side.malformed ??= `${r.error} (${FRAME_TYPE_NAMES[f.type] ?? f.type} frame ending the block at event ${lastEvent})`;
      }
      onHeaders(dir, i, r.headers, r.blk.streamId, r.blk.promised);
    }
    const padded = (f.flags & FLAG_PADDED) !== 0;
    const padLen = padded && p.length > 0 ? p[0] : 0;
    switch (f.type) {
      case FT.DATA: {
        const start = padded ? 1 : 0;
        const end = f.complete ? Math.max(start, p.length - padLen) : p.length;
        const r = streamRow(sc, f.streamId);
        if (sc.head[dir][r] >= 0) {
          pinEnd(r, dir, 2);
          if (deltaFrame(sc, r, dir, 'firstData') < 0) setDeltaFrame(sc, r, dir, 'firstData', i);
          setDeltaFrame(sc, r, dir, 'lastData', i);
          const n = sizeOf(sc, r, dir, 'data') + end - start;
          setSize(sc, r, dir, 'data', n);
          setSize(sc, r, dir, 'decoded', n);
          if (!f.complete) {
            const side = sideOf(sc, r);
            const m = (side.missing ??= [0, 0]);
            m[dir] += length - p.length - (padded ? padLen : 0);
          }
        }
        if (f.flags & FLAG_END_STREAM) endStream(r, dir, i);
        break;
      }
      case FT.HEADERS:
        if (f.flags & FLAG_END_STREAM) endStream(streamRow(sc, f.streamId), dir, i);
        break;
      case FT.RST_STREAM: {
        if (p.length >= 4) {
          const r = streamRow(sc, f.streamId);
          sideOf(sc, r).reset = { by: dir, code: ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0, event: lastEvent };
          setStreamState(sc, r, 'closed');
        }
        break;
      }
      case FT.GOAWAY: {
        if (p.length >= 8) {
          conn.goaway = { dir, lastStreamId: ((p[0] & 0x7f) << 24) | (p[1] << 16) | (p[2] << 8) | p[3], code: ((p[4] << 24) | (p[5] << 16) | (p[6] << 8) | p[7]) >>> 0, event: lastEvent };
        }
        break;
      }
      default:
        break;
    }
  };

  const emit = (r: Reader, dir: StreamDir, lastEvent: number): void => {
    const h = r.hdr;
    const body = r.body ?? new Uint8Array(0);
    const f: FrameHead = { dir, type: h[3], flags: h[4], streamId: ((h[5] & 0x7f) << 24) | (h[6] << 16) | (h[7] << 8) | h[8], complete: !r.missing };
    const payload = r.missing ? body.subarray(0, r.vis) : body;
    const i = pushFrame(fx, f.dir, f.type, f.flags, f.streamId, body.length, lastEvent, r.hpos + 9, f.complete);
    const event = r.event;
    resetUnit(r);
    onFrame(i, f, payload, body.length, event, lastEvent);
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

  const feed = (c: StreamChunk, k: number): void => {
    const dir = c.dir;
    const r = rd[dir];
    const ev = c.lastEvent ?? c.event;
    if (c.gap) hole(r, dir, c.gap, c.event);
    const b = c.bytes;
    if (b.length > 0) pushDirChunk(conn.dirs[dir], k, r.at);
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
        return;
      }
    }
    const at = r.at;
    feedUnits(
      r,
      b,
      i,
      frameBodyLength,
      (p) => {
        r.event = c.event;
        r.hpos = at + p;
      },
      () => emit(r, dir, ev),
    );
    r.at += b.length;
    if (c.truncated) hole(r, dir, c.truncated, c.event);
  };
  const end = (): H2Connection => {
    for (const dir of [0, 1] as const) {
      const r = rd[dir];
      if (r.body !== null) {
        conn.notes.push(`${dir === 0 ? 'client' : 'server'}: last frame (event ${r.event}) ends after the capture`);
        r.missing = true;
        emit(r, dir, r.event);
      }
    }
    trimStreamColumns(conn.streams);
    return conn;
  };
  return { feed, end };
}

/** RFC 9113 §8.2: names are lower case; a field that needs HPACK state from before the capture is not known. */
function knownValue(h: readonly HeaderField[], name: string): string | undefined {
  for (const f of h) if (!f.unknown && f.name.toLowerCase() === name) return f.value;
  return undefined;
}

/** Frames in the connection. */
export function frameCount(conn: H2Connection): number {
  return conn.frames.n;
}

/** The event and time of the chunk where frame `i`'s header began. */
export function headerWhere(conn: H2Connection, i: number): { event: number; time: number } {
  const fx = conn.frames;
  const m = conn.dirs[frameDir(fx, i)];
  const k = dirChunkAt(m, framePos(fx, i) - 9);
  return k >= 0 ? entryWhere(dirSource(conn, frameDir(fx, i)), m, k) : { event: fx.ev[i], time: 0 };
}

/**
 * The header block that frame `blockEnd` ends, decoded again: from this direction's cursor when
 * it is at or before the frame (a walk in order), else from the nearest snapshot before it.
 */
export function blockHeaders(conn: H2Connection, blockEnd: number): { headers: HeaderField[]; error?: string } | undefined {
  const fx = conn.frames;
  if (blockEnd < 0 || blockEnd >= fx.n || !frameEndsBlock(fx, blockEnd)) return undefined;
  const dir = frameDir(fx, blockEnd);
  let cur = conn.cursors[dir];
  if (cur?.last?.frame === blockEnd) return cur.last;
  const hit = conn.recent.get(blockEnd);
  if (hit) return hit;
  const snaps = conn.snapshots[dir];
  let lo = 0;
  let hi = snaps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (snaps[mid].frame <= blockEnd) lo = mid + 1;
    else hi = mid;
  }
  const snap = lo > 0 ? snaps[lo - 1] : undefined;
  // A snapshot ahead of the cursor is used only when walking from the cursor would decode more
  // than one snapshot interval: blocks on the way are kept (recent), which a jump would skip.
  if (!cur || cur.next > blockEnd || (snap && snap.frame > cur.next && !blocksWithin(fx, dir, cur.next, blockEnd, HPACK_SNAPSHOT_EVERY + 1))) {
    const hp = createHpackDecoder(conn.preface, { left: Infinity });
    if (snap) {
      hp.table = snap.table.slice();
      hp.size = snap.size;
      hp.maxSize = snap.maxSize;
      hp.limit = snap.limit;
      hp.complete = snap.complete;
    }
    cur = { side: { hp, block: null }, next: snap ? snap.frame : 0 };
    conn.cursors[dir] = cur;
  }
  let answer: HpackCursor['last'];
  for (let i = cur.next; i <= blockEnd; i++) {
    const f = headOf(fx, i);
    if (!needsPayload(f, dir) && f.dir !== dir) continue;
    const p = needsPayload(f, dir) ? framePayload(conn, i) : new Uint8Array(0);
    const r = blockStep(cur.side, dir, f, p, () => (i === blockEnd ? (conn.lowBudget.get(i) ?? Infinity) : Infinity));
    if (i === blockEnd && r.kind === 'block') answer = { frame: i, headers: r.headers, error: r.error };
    // Blocks decoded on the way (the budget of each but the one asked is not exact: not kept then).
    else if (r.kind === 'block' && !conn.lowBudget.has(i)) remember(conn, i, { headers: r.headers, error: r.error });
  }
  if (answer) remember(conn, blockEnd, answer);
  cur.next = blockEnd + 1;
  cur.last = answer;
  return answer;
}

/** Whether frames [from, to] end at most `limit` header blocks of direction `dir` (a pass over the columns, no decoding). */
function blocksWithin(fx: H2FrameColumns, dir: StreamDir, from: number, to: number, limit: number): boolean {
  let n = 0;
  for (let i = from; i <= to; i++) if (frameEndsBlock(fx, i) && frameDir(fx, i) === dir && ++n > limit) return false;
  return true;
}

function remember(conn: H2Connection, frame: number, v: { headers: HeaderField[]; error?: string }): void {
  const m = conn.recent;
  m.set(frame, v);
  if (m.size > RECENT_BLOCKS) m.delete(m.keys().next().value as number);
}

/**
 * Frame `i` with its payload, DATA bytes, error codes and (unless `headers` is false: a filter
 * that names no header field) its decoded header block.
 */
export function h2Frame(conn: H2Connection, i: number, headers = true): H2Frame {
  const fx = conn.frames;
  const where = headerWhere(conn, i);
  const payload = framePayload(conn, i);
  const f: H2Frame = {
    index: i,
    dir: frameDir(fx, i),
    type: frameType(fx, i),
    flags: frameFlags(fx, i),
    streamId: frameStreamId(fx, i),
    length: frameLength(fx, i),
    event: where.event,
    lastEvent: fx.ev[i],
    time: where.time,
    payload,
    complete: frameComplete(fx, i),
  };
  const p = payload;
  const padded = (f.flags & FLAG_PADDED) !== 0;
  const padLen = padded && p.length > 0 ? p[0] : 0;
  if (f.type === FT.DATA) {
    const start = padded ? 1 : 0;
    f.data = p.subarray(start, f.complete ? Math.max(start, p.length - padLen) : p.length);
  } else if (f.type === FT.PUSH_PROMISE) {
    f.promisedId = blockFragment(f, p).promised;
  } else if (f.type === FT.RST_STREAM && p.length >= 4) {
    f.errorCode = ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
  } else if (f.type === FT.GOAWAY && p.length >= 8) {
    f.lastStreamId = ((p[0] & 0x7f) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
    f.errorCode = ((p[4] << 24) | (p[5] << 16) | (p[6] << 8) | p[7]) >>> 0;
  }
  if (headers && frameEndsBlock(fx, i)) {
    const h = blockHeaders(conn, i);
    f.headers = h?.headers ?? [];
    if (h?.error) f.hpackError = h.error;
  }
  return f;
}

/** The frames completed at `event`, made from the columns (header blocks decoded unless `headers` is false). */
export function framesOfEvent(conn: H2Connection, event: number, headers = true): H2Frame[] {
  return framesAtEvent(conn.frames, event).map((i) => h2Frame(conn, i, headers));
}

/** Frame numbers of one HTTP/2 stream (a pass over the stream id column). */
export function framesOfStream(conn: H2Connection, sid: number): number[] {
  const fx = conn.frames;
  const out: number[] = [];
  for (let i = 0; i < fx.n; i++) if ((fx.sid[i] & 0x7fffffff) === sid || (fx.tf[i] >>> 28 === FT.PUSH_PROMISE && frameStreamId(fx, i) !== sid && h2PromisedId(conn, i) === sid)) out.push(i);
  return out;
}

function h2PromisedId(conn: H2Connection, i: number): number | undefined {
  return blockFragment(headOf(conn.frames, i), framePayload(conn, i)).promised;
}

/** The DATA frames of stream row `r`'s message of direction `dir`: a pass from its first to its last. */
export function messageDataFrames(conn: H2Connection, r: number, dir: StreamDir): number[] {
  const sc = conn.streams;
  const fx = conn.frames;
  const first = deltaFrame(sc, r, dir, 'firstData');
  if (first < 0) return [];
  const last = deltaFrame(sc, r, dir, 'lastData');
  const want = ((dir << 31) | sc.id[r]) >>> 0;
  const out: number[] = [];
  for (let i = first; i <= last; i++) if (fx.sid[i] === want && frameType(fx, i) === FT.DATA) out.push(i);
  return out;
}

/** A message's DATA bytes read again from its frames (padding removed). */
export function messageBody(conn: H2Connection, r: number, dir: StreamDir): Uint8Array[] {
  const fx = conn.frames;
  return messageDataFrames(conn, r, dir).map((i) => {
    const p = framePayload(conn, i);
    const padded = (frameFlags(fx, i) & FLAG_PADDED) !== 0;
    const padLen = padded && p.length > 0 ? p[0] : 0;
    const start = padded ? 1 : 0;
    return p.subarray(start, frameComplete(fx, i) ? Math.max(start, p.length - padLen) : p.length);
  });
}

/** The end event of a message: its END_STREAM frame's, else its last DATA frame's, else its head's. */
export function messageEndEvent(conn: H2Connection, r: number, dir: StreamDir): number {
  const sc = conn.streams;
  const fx = conn.frames;
  const code = endOn(sc, r, dir);
  if (code === 1) return fx.ev[sc.head[dir][r]];
  if (code === 2) return fx.ev[deltaFrame(sc, r, dir, 'lastData')];
  if (code === 3) return fx.ev[deltaFrame(sc, r, dir, 'trailers')];
  const pinned = sideIf(sc, r)?.endEvent?.[dir];
  if (pinned !== undefined) return pinned;
  const last = deltaFrame(sc, r, dir, 'lastData');
  return fx.ev[last >= 0 ? last : sc.head[dir][r]];
}

/** Row of HTTP/2 stream `id`, or -1. */
export const streamRowOf = (conn: H2Connection, id: number): number => rowOfId(conn.streams, id);

/** The time of the first frame completed at `event` (its header's chunk), or undefined. */
export function timeAtEvent(conn: H2Connection, event: number): number | undefined {
  const at = framesAtEvent(conn.frames, event);
  return at.length > 0 ? headerWhere(conn, at[0]).time : undefined;
}
