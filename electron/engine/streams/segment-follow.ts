/**
 * A finished packet capture's TCP stream reassembled as its segments are read, its chunks handed
 * to a consumer and kept nowhere (no ByteStream: a chunk object and a frame buffer per segment).
 * Each frame is read once: a few header reads on the common Ethernet/IP frames (tcp-segment.ts),
 * else the dissectors, as the HTTP scan reads them. Dense streams are read through one moving
 * window. The chunk's bytes may be a view of that window: the consumer copies what it keeps
 * before returning. Used by cleartext HTTP/2 (tls/capture-tls.ts, http2/connection.ts streamHttp2).
 */
import type { CaptureInternals } from '../capture.ts';
import type { StreamChunk } from './byte-stream.ts';
import { streamDirOf } from './conversations.ts';
import { createFrameReader, createTcpFollowState, feedTcpFrame, frameTime, readFrame, tcpFollowSegment, tcpStreamFrames } from './tcp-reassembly.ts';
import { createTcpSegment, readTcpSegment, simpleFrame } from './tcp-segment.ts';

type PacketInternals = Extract<CaptureInternals, { kind: 'packets' }>;

/** Frames read and how (tests count them: each frame of the stream once, none dissected on shape d). */
export const segmentFollowWork = { frames: 0, dissected: 0 };

/**
 * Mean file bytes per frame of the stream up to which its frames are read through one moving
 * window (one read per MiB); sparser streams read each frame by itself.
 */
const DENSE_BYTES_PER_FRAME = 16 * 1024;

/** Upper bounds of each direction bit's payload bytes from the index (tcp.len when known, else the captured length). */
function payloadBounds(pi: PacketInternals, frames: Uint32Array): [number, number] {
  const ix = pi.index;
  const out: [number, number] = [0, 0];
  for (const f of frames) {
    const cap = ix.capLen.data[f - 1];
    const tl = ix.tcpLen.data[f - 1];
    out[streamDirOf(pi.conv, f) & 1] += tl > 0 ? Math.min(tl - 1, cap) : cap;
  }
  return out;
}

/**
 * Reassemble TCP stream `n`, calling `onChunk` with each chunk in stream order and an upper bound
 * of the payload bytes of the chunk's direction (so a consumer can size its copy once).
 */
export function followTcpSegments(pi: PacketInternals, n: number, onChunk: (c: StreamChunk, dirBytes: number) => void): void {
  const frames = tcpStreamFrames(pi, n);
  const ix = pi.index;
  const span = frames.length > 0 ? ix.dataOffset.data[frames[frames.length - 1] - 1] - ix.dataOffset.data[frames[0] - 1] : 0;
  const r = createFrameReader(pi, { sequential: span <= frames.length * DENSE_BYTES_PER_FRAME });
  const bounds = payloadBounds(pi, frames);
  const st = createTcpFollowState(`tcp:${n}`);
  st.keepChunks = false;
  // clientBit is set by the first segment, before any chunk.
  st.onChunk = (c) => onChunk(c, bounds[c.dir === 0 ? st.clientBit & 1 : (st.clientBit & 1) ^ 1]);
  const seg = createTcpSegment();
  for (const f of frames) {
    segmentFollowWork.frames++;
    const bytes = r.bytesOf(f);
    if (simpleFrame(pi, f) && readTcpSegment(pi, f, n, bytes, seg)) {
      tcpFollowSegment(st, seg.bit, f, frameTime(ix, f), seg.seq, seg.ack, seg.flags, seg.seglen, seg.payload);
    } else {
      segmentFollowWork.dissected++;
      readFrame(r, f, bytes);
      feedTcpFrame(r, st, f);
    }
  }
}
