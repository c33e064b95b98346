/**
 * Follow ▸ HTTP/2 Stream: one HTTP/2 stream (RFC 9113 §5) of a connection as a ByteStream, as
 * Wireshark's "Follow HTTP/2 Stream" shows it: each header block decoded to `name: value` lines,
 * each DATA frame's payload (padding removed), in frame order, every chunk pointing to the event
 * that completed its frame.
 *
 * Stream ids: `h2:<source>:<h2 stream id>` where the source is the TCP / fd stream carrying the
 * connection (`h2:tcp:0:3`, `h2:fd:1234:5:0:1`), optionally written with its TLS layer
 * (`h2:tls:tcp:0:3`) or as a bare TCP stream number (`h2:0:3`, as tshark's `follow,http2,…,0,3`).
 */
import type { Capture } from '../capture.ts';
import { FT, ERROR_NAMES, framesOfStream, h2Frame, streamRowOf, type H2Connection } from '../http2/connection.ts';
import type { HeaderField } from '../http2/hpack.ts';
import { http2OfStream, tlsOfStream } from '../tls/capture-tls.ts';
import type { ByteStream, StreamChunk } from '../streams/byte-stream.ts';

export const H2_STREAM_ID_RE = /^h2:((?:tls:)?(?:tcp:\d+|\d+|fd:\d+:\d+:\d+)):(\d+)$/;

/** Split an `h2:` stream id into the source stream (`tcp:N` / `fd:…`) and the HTTP/2 stream id; null if it is not one. */
export function parseH2StreamId(id: string): { source: string; streamId: number } | null {
  const m = H2_STREAM_ID_RE.exec(id);
  if (!m) return null;
  let source = m[1].startsWith('tls:') ? m[1].slice(4) : m[1];
  if (/^\d+$/.test(source)) source = `tcp:${source}`;
  return { source, streamId: Number(m[2]) };
}

const enc = new TextEncoder();

/** A header block as text lines (`name: value`), ending with an empty line like an HTTP/1.x head. */
export function headerBlockText(headers: readonly HeaderField[]): Uint8Array {
  let s = '';
  for (const h of headers) s += h.unknown ? `${h.name || '[unknown name]'}: ${h.value || '[unknown value]'} [needs HPACK state from before the capture]\r\n` : `${h.name}: ${h.value}\r\n`;
  return enc.encode(`${s}\r\n`);
}

/** The chunks of HTTP/2 stream `sid` of a parsed connection (its frames read again from the columns). */
export function h2StreamChunks(conn: H2Connection, sid: number): { chunks: StreamChunk[]; notes: string[] } {
  const chunks: StreamChunk[] = [];
  const notes: string[] = [];
  const seq: [number, number] = [0, 0];
  const push = (c: Omit<StreamChunk, 'seq'>, missing = 0): void => {
    chunks.push({ ...c, seq: seq[c.dir] });
    seq[c.dir] += c.bytes.length + missing;
  };
  for (const i of framesOfStream(conn, sid)) {
    const f = h2Frame(conn, i);
    // Server push: the promised request's headers arrive on the parent stream (RFC 9113 §8.4).
    const promised = f.type === FT.PUSH_PROMISE && f.promisedId === sid;
    if (f.streamId !== sid && !promised) continue;
    const where = { dir: f.dir, event: f.event, time: f.time, ...(f.lastEvent !== f.event ? { lastEvent: f.lastEvent } : {}) };
    if (f.headers && (f.type !== FT.PUSH_PROMISE || promised)) {
      push({ ...where, bytes: headerBlockText(f.headers) });
      if (f.hpackError) notes.push(`event ${f.lastEvent}: ${f.hpackError}`);
    } else if (f.type === FT.DATA && f.data) {
      // A frame cut off by the end of the capture (or a lost segment): say how much is missing.
      const missing = f.complete ? 0 : Math.max(0, f.length - f.payload.length);
      if (f.data.length > 0 || missing > 0) push({ ...where, bytes: f.data, ...(missing ? { truncated: missing } : {}) }, missing);
    } else if (f.type === FT.RST_STREAM && f.errorCode !== undefined) {
      notes.push(`event ${f.lastEvent}: stream ${sid} reset by the ${f.dir === 0 ? 'client' : 'server'} (${ERROR_NAMES[f.errorCode] ?? f.errorCode})`);
    }
  }
  return { chunks, notes };
}

/**
 * The ByteStream of an `h2:` id; throws a message naming what is wrong when it has none.
 * `endpoints` names the source stream's two sides (the caller has them listed already).
 */
export function h2Stream(capture: Capture, id: string, endpoints: (source: string) => { client: string; server: string }): ByteStream {
  const p = parseH2StreamId(id);
  if (!p) throw new Error(`"${id}" is not an HTTP/2 stream id (h2:tcp:N:S, h2:N:S or h2:fd:PID:FD:N:S)`);
  const conn = http2OfStream(capture, p.source);
  if (!conn) throw new Error(`${p.source} does not carry HTTP/2${tlsOfStream(capture, p.source)?.status === 'no-key' ? ' that can be read (no key for its TLS session)' : ''}`);
  if (streamRowOf(conn, p.streamId) < 0) throw new Error(`${p.source} has no HTTP/2 stream ${p.streamId} (streams: ${[...conn.streams.id.subarray(0, conn.streams.n)].join(', ') || 'none'})`);
  const { chunks, notes } = h2StreamChunks(conn, p.streamId);
  const src = endpoints(p.source);
  return { id: `h2:${p.source}:${p.streamId}`, kind: 'http2', client: src.client, server: src.server, chunks, notes: [...conn.notes, ...notes] };
}
