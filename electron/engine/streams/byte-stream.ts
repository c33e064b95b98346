/**
 * One stream pipeline for packets and syscalls (docs/engine.md, "Stream layers"): whatever the bytes came from —
 * reassembled TCP segments, UDP datagrams, or read/write buffers on a file descriptor — they
 * become a ByteStream: two directions of chunks in arrival order, each chunk pointing back to
 * the event it came from. TLS decryption turns a ByteStream into a plaintext ByteStream; HTTP,
 * HTTP/2 and follow-stream read ByteStreams and never care about the source.
 */

/** 0 = client → server (the side that connected / sent first), 1 = server → client. */
export type StreamDir = 0 | 1;

export interface StreamChunk {
  dir: StreamDir;
  /** Event number (1-based) whose bytes these are; for bytes assembled from several, the first. */
  event: number;
  /** Event that completed the chunk (last segment / resumed read), when different from `event`. */
  lastEvent?: number;
  /** Epoch seconds of the event. */
  time: number;
  /** The payload. Empty for a pure gap marker. */
  bytes: Uint8Array;
  /** bytes.length, when the chunk tells it without making its bytes (decrypted TLS records read on demand). */
  readonly size?: number;
  /** Bytes known to be missing before this chunk in this direction (`[N bytes missing]`). */
  gap?: number;
  /** Bytes the tracer did not record after this chunk's bytes (strace -s, scap snaplen). */
  truncated?: number;
  /**
   * Position of the chunk's first byte in its direction's byte sequence (0-based, counting gaps
   * and truncated bytes), so layers above can map offsets back to chunks.
   */
  seq: number;
}

export type StreamKind = 'tcp' | 'udp' | 'fd' | 'tls' | 'http2';

export interface ByteStream {
  /** Stable id: `tcp:N`, `udp:N` (tshark's numbers), `fd:PID:FD:N` for syscall streams, `tls:N`. */
  id: string;
  kind: StreamKind;
  /** Endpoint texts, e.g. `10.0.0.1:51234` / `93.184.216.34:443`, or the fd name for files. */
  client: string;
  server: string;
  chunks: StreamChunk[];
  /** Problems found while building the stream (overlaps that disagree, unknown direction…). */
  notes: string[];
}

/** Concatenated bytes of one direction (gaps and truncations are not filled). */
export function directionBytes(s: ByteStream, dir: StreamDir): Uint8Array {
  let n = 0;
  for (const c of s.chunks) if (c.dir === dir) n += c.bytes.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of s.chunks) {
    if (c.dir !== dir) continue;
    out.set(c.bytes, o);
    o += c.bytes.length;
  }
  return out;
}
