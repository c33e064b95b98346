/**
 * One HTTP/1.x message found again from the HTTP index, without walking its stream from the
 * start: reassembly restarts at the frame holding the head's first byte (or, for streams
 * already in memory such as decrypted TLS and fd streams, at that event's first chunk), the
 * head is located by its offset there (HttpMessage.skip), and only that message is parsed.
 *
 * The restarted reassembly cannot see segments that arrived before the start frame (a head
 * whose continuation came first, out of order): the result is checked against the index (start
 * and end events, body size) and the caller falls back to a walk of the whole stream when it
 * does not match, so re-parsing never changes an answer.
 */
import type { CaptureInternals } from '../capture.ts';
import type { ByteStream, StreamChunk, StreamDir } from '../streams/byte-stream.ts';
import { streamDirOf } from '../streams/conversations.ts';
import { createFrameReader, createTcpFollowState, feedTcpFrame, frameTime, readFrame, tcpFollowSegment, tcpStreamFrames, type FrameReader } from '../streams/tcp-reassembly.ts';
import { createTcpSegment, readTcpSegment, simpleFrame, type TcpSegment } from '../streams/tcp-segment.ts';
import type { DecodeBudget } from '../http/content-coding.ts';
import { createMessageParser, endHttpStream, pushHttpChunk, type BodyMode, type HttpMessage } from '../http/http1.ts';
import { lowerBound } from '../bytes/arrays.ts';

type PacketInternals = Extract<CaptureInternals, { kind: 'packets' }>;

export interface MessageSpot {
  dir: StreamDir;
  startEvent: number;
  skip: number;
  /** The request's method, for a response (HEAD responses have no body). */
  requestMethod: string;
  /** Parse the head only (no body walk) or the whole message with bodies as given. */
  bodies: BodyMode | 'head';
  /** The capture's budget for highly compressed bodies (content-coding.ts), when bodies are kept. */
  bombBudget?: DecodeBudget;
}

/** Counts of work done, for tests that bound it (frames read, chunks parsed, chunks indexed). */
export const reparseWork = { frames: 0, chunks: 0, fallbacks: 0, indexed: 0 };


/** A consumer of the direction's chunks that starts the parser at the message's first byte. */
function messageFeeder(id: string, spot: MessageSpot): { push(c: StreamChunk): void; end(): void; result(): HttpMessage | null; done(): boolean } {
  let got: HttpMessage | null = null;
  let failed = false;
  let started = false;
  const headOnly = spot.bodies === 'head';
  const p = createMessageParser(id, spot.dir, spot.requestMethod, {
    bodies: headOnly ? 'none' : (spot.bodies as BodyMode),
    ...(spot.bombBudget ? { bombBudget: spot.bombBudget } : {}),
    onMessage: (m) => {
      got ??= m;
    },
    onHead: headOnly ? (m) => {
      got ??= m;
    } : undefined,
  });
  return {
    push(c) {
      if (got || failed || c.dir !== spot.dir) return;
      reparseWork.chunks++;
      if (!started) {
        if (c.bytes.length === 0) return;
        if (c.event !== spot.startEvent) {
          failed = true;
          return;
        }
        if (spot.skip >= c.bytes.length) {
          // The head begins in a later chunk delivered in the same event.
          spot = { ...spot, skip: spot.skip - c.bytes.length };
          return;
        }
        started = true;
        const first: StreamChunk = { dir: c.dir, event: c.event, time: c.time, bytes: c.bytes.subarray(spot.skip), seq: c.seq + spot.skip };
        if (c.lastEvent !== undefined) first.lastEvent = c.lastEvent;
        if (c.truncated) first.truncated = c.truncated;
        pushHttpChunk(p, first);
        return;
      }
      pushHttpChunk(p, c);
    },
    end() {
      if (!got && !failed && started) endHttpStream(p);
    },
    result: () => (failed ? null : got),
    done: () => got !== null || failed,
  };
}

/**
 * Per capture: one frame reader and segment for every re-parse (a reader allocates a dissection:
 * making one per message was a tenth of export-objects' engine time), and one buffer the frames
 * are read into.
 */
const readers = new WeakMap<PacketInternals, { r: FrameReader; seg: TcpSegment; frame: (event: number) => Uint8Array }>();

/**
 * Frame bytes read into one buffer, reused frame to frame (a fresh array per frame was one
 * allocation per exported object). A frame's bytes are not kept past the next read: the
 * reassembly copies what it holds out of order (keepCopy) and the parser copies heads and bodies
 * (append, bodyData), as they do for the sequential window reader.
 */
function scratchFrames(internals: PacketInternals): (event: number) => Uint8Array {
  const readAt = internals.readAt;
  const ix = internals.index;
  let buf = new Uint8Array(0);
  return (event) => {
    if (!readAt) return internals.frameBytes(event);
    const len = ix.capLen.data[event - 1];
    if (len > buf.length) buf = new Uint8Array(Math.max(len, 2 * buf.length, 1 << 16));
    return readAt(ix.dataOffset.data[event - 1], len, buf);
  };
}

function readerOf(internals: PacketInternals): { r: FrameReader; seg: TcpSegment; frame: (event: number) => Uint8Array } {
  let x = readers.get(internals);
  if (!x) {
    x = { r: createFrameReader(internals), seg: createTcpSegment(), frame: scratchFrames(internals) };
    readers.set(internals, x);
  }
  return x;
}

/** Re-parse a message of TCP stream `n`, restarting reassembly at its start frame. */
export function reparseTcpMessage(internals: PacketInternals, n: number, spot: MessageSpot): HttpMessage | null {
  const frames = tcpStreamFrames(internals, n);
  let k = lowerBound(frames, spot.startEvent);
  if (k >= frames.length || frames[k] !== spot.startEvent) return null;
  const st = createTcpFollowState(`tcp:${n}`);
  st.keepChunks = false;
  // The direction of a frame is fixed by the stream's first frame, as in the full walk.
  st.clientBit = streamDirOf(internals.conv, frames[0]);
  const feed = messageFeeder(st.stream.id, spot);
  st.onChunk = (c) => feed.push(c);
  const { r, seg, frame } = readerOf(internals);
  for (; k < frames.length && !feed.done(); k++) {
    reparseWork.frames++;
    const f = frames[k];
    const bytes = frame(f);
    // Most frames: the segment straight from the headers, as the scan reads them; others dissected.
    if (simpleFrame(internals, f) && readTcpSegment(internals, f, n, bytes, seg)) {
      tcpFollowSegment(st, seg.bit, f, frameTime(internals.index, f), seg.seq, seg.ack, seg.flags, seg.seglen, seg.payload);
    } else {
      readFrame(r, f, bytes);
      feedTcpFrame(r, st, f);
    }
  }
  feed.end();
  return feed.result();
}

/** Per stream and direction: event → index of the first chunk delivered with that event. */
const chunkIndexCache = new WeakMap<ByteStream, [Map<number, number>, Map<number, number>]>();

function chunkIndex(s: ByteStream): [Map<number, number>, Map<number, number>] {
  let m = chunkIndexCache.get(s);
  if (!m) {
    m = [new Map(), new Map()];
    reparseWork.indexed += s.chunks.length;
    for (let k = 0; k < s.chunks.length; k++) {
      const c = s.chunks[k];
      if (c.bytes.length > 0 && !m[c.dir].has(c.event)) m[c.dir].set(c.event, k);
    }
    chunkIndexCache.set(s, m);
  }
  return m;
}

/** Re-parse a message of a stream already in memory (decrypted TLS, fd stream). */
export function reparseStreamMessage(s: ByteStream, spot: MessageSpot): HttpMessage | null {
  const from = chunkIndex(s)[spot.dir].get(spot.startEvent);
  if (from === undefined) return null;
  const feed = messageFeeder(s.id, spot);
  for (let k = from; k < s.chunks.length && !feed.done(); k++) feed.push(s.chunks[k]);
  feed.end();
  return feed.result();
}
