/**
 * A cleartext HTTP/2 connection (h2c, RFC 9113 §3.3) straight from the frames of its TCP stream,
 * for a finished packet capture: each segment is read once (a few header reads on the common
 * Ethernet/IP frames, layers/tcp-segment.ts, else the dissectors, as the HTTP scan reads them),
 * reassembled, its bytes copied into the direction's packed buffer and fed to the frame parser.
 * The reassembled ByteStream (a chunk object and a frame buffer per segment, then a packed copy
 * of all of it: shape (d) at 1 M peaked at 1.4 GB) is never made; what is kept is what
 * packConnection kept: the packed bytes, the frame and stream columns.
 */
import type { CaptureInternals } from '../capture.ts';
import { streamDirOf } from '../streams/conversations.ts';
import { createFrameReader, createTcpFollowState, feedTcpFrame, frameTime, readFrame, tcpFollowSegment, tcpStreamFrames } from '../streams/tcp-reassembly.ts';
import { createTcpSegment, readTcpSegment, simpleFrame } from '../layers/tcp-segment.ts';
import { streamHttp2, type H2Connection } from './connection.ts';
import { createDirPacker, packChunk, packedOf, type DirPacker } from './frame-index.ts';

type PacketInternals = Extract<CaptureInternals, { kind: 'packets' }>;

/** Frames read and how (tests count them: each frame of the stream once). */
export const h2cTcpWork = { frames: 0, dissected: 0 };

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

/** The h2c connection of TCP stream `n` (the caller knows it starts with the client preface, or lets the parse tell). */
export function h2cOfTcpStream(pi: PacketInternals, n: number): H2Connection {
  const frames = tcpStreamFrames(pi, n);
  const ix = pi.index;
  const span = frames.length > 0 ? ix.dataOffset.data[frames[frames.length - 1] - 1] - ix.dataOffset.data[frames[0] - 1] : 0;
  const r = createFrameReader(pi, { sequential: span <= frames.length * DENSE_BYTES_PER_FRAME });
  const bounds = payloadBounds(pi, frames);
  const st = createTcpFollowState(`tcp:${n}`);
  st.keepChunks = false;
  const parse = streamHttp2();
  const packers: [DirPacker | undefined, DirPacker | undefined] = [undefined, undefined];
  st.onChunk = (c) => {
    const dir = c.dir;
    if (c.bytes.length === 0) return parse.feed(c, 0);
    const p = (packers[dir] ??= createDirPacker(bounds[dir === 0 ? st.clientBit & 1 : (st.clientBit & 1) ^ 1]));
    // The chunk is the reassembly's, passed on and dropped: it carries the copy from here.
    c.bytes = packChunk(p, c.bytes, c.event, c.time);
    parse.feed(c, 0);
  };
  const seg = createTcpSegment();
  for (const f of frames) {
    h2cTcpWork.frames++;
    const bytes = r.bytesOf(f);
    if (simpleFrame(pi, f) && readTcpSegment(pi, f, n, bytes, seg)) {
      tcpFollowSegment(st, seg.bit, f, frameTime(ix, f), seg.seq, seg.ack, seg.flags, seg.seglen, seg.payload);
    } else {
      h2cTcpWork.dissected++;
      readFrame(r, f, bytes);
      feedTcpFrame(r, st, f);
    }
  }
  const conn = parse.end();
  conn.packed = [packedOf(packers[0] ?? createDirPacker(0)), packedOf(packers[1] ?? createDirPacker(0))];
  return conn;
}
