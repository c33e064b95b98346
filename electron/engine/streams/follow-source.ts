/**
 * A followed stream as the follow pane and `tracelens follow` page through it: per chunk only
 * where its bytes are (columns, ~21 bytes a chunk), the bytes of a page read again from the
 * capture when that page is asked. A reassembled TCP stream held as a ByteStream keeps every
 * frame's payload: following the 965 MB upload of bench shape c peaked at 1.47 GB.
 *
 * A TCP chunk's bytes are a view of its own frame's bytes while the stream is built (the frame
 * that carried them), or a copy of an out-of-order fragment's tail (tcp-reassembly.ts keepCopy):
 * the first are found again at their offset in the frame, the second by dissecting the frame
 * again (its captured payload's tail, as tcp-file-bytes.ts reads them).
 */
import type { CaptureInternals } from '../capture.ts';
import type { ByteStream, StreamChunk, StreamDir, StreamKind } from './byte-stream.ts';
import { gatheredFrames } from './frame-gather.ts';
import { createFrameReader, fileCutNote, frameCut, frameTime, readFrame, tcpPayloadOf, tcpStream } from './tcp-reassembly.ts';

type PacketInternals = Extract<CaptureInternals, { kind: 'packets' }>;

/** Where each chunk of a stream is: columns indexed by chunk number. */
export interface ChunkColumns {
  n: number;
  dir: Uint8Array;
  /** Bytes of the chunk (0 for a gap marker). */
  size: Uint32Array;
  event: Uint32Array;
  /** Offset of the chunk's bytes in its frame's bytes; -1: a copied fragment (read by dissecting the frame). */
  off: Int32Array;
  seq: Float64Array;
  /** Chunk number → bytes missing before it / not recorded after it (both rare: not a column). */
  gap: Map<number, number>;
  truncated: Map<number, number>;
}

export function chunkColumns(capacity = 1024): ChunkColumns {
  return {
    n: 0, dir: new Uint8Array(capacity), size: new Uint32Array(capacity), event: new Uint32Array(capacity),
    off: new Int32Array(capacity), seq: new Float64Array(capacity), gap: new Map(), truncated: new Map(),
  };
}

function grown<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** Append chunk `c`, whose bytes start at `off` in its frame (-1: not a view of it). */
export function pushChunk(m: ChunkColumns, c: StreamChunk, off: number): void {
  if (m.n === m.dir.length) {
    const cap = Math.max(1024, m.n * 2);
    m.dir = grown(m.dir, cap);
    m.size = grown(m.size, cap);
    m.event = grown(m.event, cap);
    m.off = grown(m.off, cap);
    m.seq = grown(m.seq, cap);
  }
  const k = m.n++;
  m.dir[k] = c.dir;
  m.size[k] = c.size ?? c.bytes.length;
  m.event[k] = c.event;
  m.off[k] = off;
  m.seq[k] = c.seq;
  if (c.gap !== undefined) m.gap.set(k, c.gap);
  if (c.truncated !== undefined) m.truncated.set(k, c.truncated);
}

/** Bytes the columns hold (tests: a constant per chunk, whatever the chunks carry). */
export function columnBytes(m: ChunkColumns): number {
  return m.dir.byteLength + m.size.byteLength + m.event.byteLength + m.off.byteLength + m.seq.byteLength + 16 * (m.gap.size + m.truncated.size);
}

/** A stream to follow: its description, its chunks' columns, and a reader of chunks [first, end) with their bytes. */
export interface FollowSource {
  id: string;
  kind: StreamKind;
  client: string;
  server: string;
  notes: string[];
  columns: ChunkColumns;
  chunks: (first: number, end: number) => StreamChunk[];
}

/** A stream already held (UDP, TLS, fd, HTTP/2): its chunks are sliced. */
export function heldSource(s: ByteStream): FollowSource {
  const columns = chunkColumns(Math.max(1, s.chunks.length));
  for (const c of s.chunks) pushChunk(columns, c, -1);
  return { id: s.id, kind: s.kind, client: s.client, server: s.server, notes: s.notes, columns, chunks: (first, end) => s.chunks.slice(first, end) };
}

/** Work of tcpFollowSource reads (tests): frames dissected again for a copied fragment, bytes copied into pages. */
export const followReadWork = { dissected: 0, bytes: 0 };

/** TCP stream `n` as a follow source: built once (frames read, nothing kept but the columns), pages read again. */
export function tcpFollowSource(internals: PacketInternals, n: number): FollowSource {
  const columns = chunkColumns();
  const s = tcpStream(internals, n, (c, event, frame) => {
    // A view of the frame being read: its offset there; else (a fragment's copy) -1.
    const own = c.event === event && c.bytes.buffer === frame.buffer && c.bytes.byteOffset >= frame.byteOffset
      && c.bytes.byteOffset + c.bytes.length <= frame.byteOffset + frame.length;
    pushChunk(columns, c, c.bytes.length === 0 ? 0 : own ? c.bytes.byteOffset - frame.byteOffset : -1);
  });
  const ix = internals.index;
  const reader = createFrameReader(internals);
  const chunks = (first: number, end: number): StreamChunk[] => {
    const m = columns;
    end = Math.min(end, m.n);
    let total = 0;
    let withBytes = 0;
    for (let k = first; k < end; k++) if (m.size[k] > 0) {
      total += m.size[k];
      withBytes++;
    }
    // One buffer for the page: its chunks are views of it (one transfer to the window, no frame kept).
    const page = new Uint8Array(total);
    const frames = new Uint32Array(withBytes);
    for (let k = first, j = 0; k < end; k++) if (m.size[k] > 0) frames[j++] = m.event[k];
    const spans = { offset: (e: number) => ix.dataOffset.data[e - 1], length: (e: number) => ix.capLen.data[e - 1] };
    const bytesOf = internals.readAt ? gatheredFrames(frames, spans, internals.readAt, { transient: true }) : (e: number) => internals.frameBytes(e);
    const out: StreamChunk[] = [];
    let at = 0;
    for (let k = first; k < end; k++) {
      const size = m.size[k];
      const event = m.event[k];
      let bytes = page.subarray(at, at + size);
      if (size > 0) {
        const frame = bytesOf(event);
        const off = m.off[k];
        let from: Uint8Array;
        if (off >= 0) from = frame.subarray(off, off + size);
        else {
          readFrame(reader, event, frame);
          followReadWork.dissected++;
          const payload = tcpPayloadOf(reader);
          from = payload.subarray(payload.length - size);
        }
        if (from.length !== size || frameCut(ix, event, frame)) {
          // The file was cut after the stream was built: the page keeps the chunks before it, and says why it ends.
          const note = fileCutNote(event, frame.length, ix.capLen.data[event - 1]);
          if (!s.notes.includes(note)) s.notes.push(note);
          break;
        }
        bytes.set(from);
        followReadWork.bytes += size;
        at += size;
      } else bytes = new Uint8Array(0);
      const c: StreamChunk = { dir: m.dir[k] as StreamDir, event, time: frameTime(ix, event), bytes, seq: m.seq[k] };
      const gap = m.gap.get(k);
      if (gap !== undefined) c.gap = gap;
      const truncated = m.truncated.get(k);
      if (truncated !== undefined) c.truncated = truncated;
      out.push(c);
    }
    return out;
  };
  return { id: s.id, kind: s.kind, client: s.client, server: s.server, notes: s.notes, columns, chunks };
}
