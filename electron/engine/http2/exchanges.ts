/**
 * HTTP/2 streams as HTTP exchanges in the one shape HTTP/1.x uses (http/exchange.ts): one
 * exchange per stream that carried a request or a response, messages with `version: 'HTTP/2'`,
 * pseudo-headers among the headers, the stream id on the exchange, bodies reassembled from DATA
 * frames and content-decoded (RFC 9113 §8.1; Content-Encoding as HTTP/1.x).
 */
import { headerValue, type HttpExchange, type HttpMessage } from '../http/exchange.ts';
import { createDecodeBudget, decodeBody, type DecodeBudget } from '../http/content-coding.ts';
import type { BodyMode } from '../http/http1.ts';
import { blockHeaders, headerWhere, messageBody, messageEndEvent, streamRowOf, timeAtEvent, type H2Connection } from './connection.ts';
import type { HeaderField } from './hpack.ts';
import { concatBytes as concat } from '../bytes/arrays.ts';
import type { StreamDir } from '../streams/byte-stream.ts';
import { deltaFrame, SF, sideIf, sizeOf } from './stream-columns.ts';

export type { HttpExchange, HttpMessage } from '../http/exchange.ts';

/** Known fields only: fields that referred to HPACK state from before the capture are dropped. */
function pairs(h: readonly HeaderField[]): [string, string][] {
  const out: [string, string][] = [];
  for (const f of h) if (!f.unknown) out.push([f.name, f.value]);
  return out;
}

export interface H2ExchangeOptions {
  /** keep (default): decoded bodies on the messages; size: only their decoded size; none: the decoded size the columns hold. */
  bodies?: BodyMode;
  /** Decode work shared by the bodies (default: one budget per call). */
  budget?: DecodeBudget;
  /** The capture's budget for bomb-like bodies. */
  bombs?: DecodeBudget;
  /** Only the exchange of this HTTP/2 stream, at `index` of the full list: one body on demand. */
  only?: { streamId: number; index: number };
}

/** Headers of the block ending at frame `i`, decoded again. */
export function blockAt(conn: H2Connection, i: number): HeaderField[] {
  return blockHeaders(conn, i)?.headers ?? [];
}

/** One message of stream row `r`, direction `dir`, rebuilt from the columns and its frames. */
function message(conn: H2Connection, r: number, dir: StreamDir, opts: H2ExchangeOptions = {}, interimAt?: number): HttpMessage {
  const sc = conn.streams;
  const kind = dir === 0 ? 'request' : 'response';
  const head = sc.head[dir][r];
  const interim = interimAt !== undefined;
  const headers = pairs(blockAt(conn, interim ? interimAt : head));
  const side = sideIf(sc, r);
  // An interim response has no body of its own; it is shown at the final response's event.
  const dataLength = interim ? 0 : sizeOf(sc, r, dir, 'data');
  const missing = interim ? 0 : (side?.missing?.[dir] ?? 0);
  const keep = opts.bodies !== 'size' && opts.bodies !== 'none';
  const probe = { headers } as HttpMessage;
  const enc = headerValue(probe, 'content-encoding') ?? '';
  const decode = enc !== '' && missing === 0 && opts.bodies !== 'none';
  // The body is read again from its DATA frames only when it is kept or must be decoded to size it.
  const raw = !interim && (keep || decode) ? concat(messageBody(conn, r, dir), dataLength) : new Uint8Array(0);
  const dec = decode ? decodeBody(raw, enc, { keep, budget: opts.budget, bombs: opts.bombs }) : undefined;
  const body = dec?.bytes ?? raw;
  const cl = headerValue(probe, 'content-length');
  const status = kind === 'response' ? headerValue(probe, ':status') : undefined;
  const event = conn.frames.ev[head];
  const time = headerWhere(conn, head).time;
  // An interim response is shown at the final response's event (and ends there).
  const endEvent = interim ? event : messageEndEvent(conn, r, dir);
  const out: HttpMessage = {
    kind,
    startEvent: event,
    headEvent: event,
    endEvent,
    startTime: time,
    headTime: time,
    endTime: timeAtEvent(conn, endEvent) ?? time,
    version: 'HTTP/2',
    method: kind === 'request' ? headerValue(probe, ':method') ?? '' : '',
    uri: kind === 'request' ? headerValue(probe, ':path') ?? '' : '',
    status: status !== undefined && /^\d{3}$/.test(status) ? Number(status) : null,
    phrase: '',
    headers,
    headBytes: 0,
    bodyBytes: dataLength + missing,
    // Without decoding (bodies 'none'), the size the scan found (the HTTP layer's pass sets it).
    decodedBytes: dec && !dec.error ? dec.decodedSize : opts.bodies === 'none' && !interim ? sizeOf(sc, r, dir, 'decoded') : dataLength,
    missing,
    headTruncated: false,
    // No END_STREAM seen: the capture (or the connection) ended before the message did.
    incomplete: !interim && !(sc.flags[r] & (dir === 0 ? SF.End0 : SF.End1)),
    contentType: headerValue(probe, 'content-type') ?? '',
    contentEncoding: enc,
    contentLength: cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : null,
    chunked: false,
    ...(keep ? { body, rawBody: raw } : {}),
    pos: 0,
  };
  if (dec?.note) out.bodyNote = dec.note;
  if (!interim && sc.flags[r] & (dir === 0 ? SF.Trailers0 : SF.Trailers1)) out.trailers = pairs(blockAt(conn, deltaFrame(sc, r, dir, 'trailers')));
  if (dec?.error) out.decodeError = dec.error;
  else if (enc && missing > 0) out.decodeError = `${missing} body bytes missing: not decoded`;
  return out;
}

/** RFC 9113 §7 error codes. */
const RST_NAMES: Record<number, string> = {
  0: 'NO_ERROR', 1: 'PROTOCOL_ERROR', 2: 'INTERNAL_ERROR', 3: 'FLOW_CONTROL_ERROR', 4: 'SETTINGS_TIMEOUT', 5: 'STREAM_CLOSED',
  6: 'FRAME_SIZE_ERROR', 7: 'REFUSED_STREAM', 8: 'CANCEL', 9: 'COMPRESSION_ERROR', 10: 'CONNECT_ERROR', 11: 'ENHANCE_YOUR_CALM',
  12: 'INADEQUATE_SECURITY', 13: 'HTTP_1_1_REQUIRED',
};

/** Stream row `r` carried a request or a response: it is an exchange. */
export const isExchange = (conn: H2Connection, r: number): boolean => conn.streams.head[0][r] >= 0 || conn.streams.head[1][r] >= 0;

/** The exchange of stream row `r` (number `index` of the connection's list), rebuilt from the columns. */
export function h2ExchangeOfRow(conn: H2Connection, r: number, stream: string, index: number, opts: H2ExchangeOptions = {}): HttpExchange {
  const sc = conn.streams;
  const side = sideIf(sc, r);
  const notes: string[] = [];
  const hasQ = sc.head[0][r] >= 0;
  const hasR = sc.head[1][r] >= 0;
  const request = hasQ ? message(conn, r, 0, opts) : null;
  const response = hasR ? message(conn, r, 1, opts) : null;
  const ex: HttpExchange = { index, stream, request, response, informational: [], upgrade: '', streamId: sc.id[r], notes };
  for (const i of side?.interim ?? []) ex.informational.push(message(conn, r, 1, {}, i));
  if (side?.malformed) notes.push(`malformed: ${side.malformed}`);
  if (side?.promisedBy !== undefined) notes.push(`server push promised on stream ${side.promisedBy}`);
  if (side?.reset) notes.push(`RST_STREAM ${RST_NAMES[side.reset.code] ?? side.reset.code} from the ${side.reset.by === 0 ? 'client' : 'server'} at event ${side.reset.event}`);
  const unknown = (i: number): boolean => i >= 0 && blockAt(conn, i).some((h) => h.unknown);
  if (unknown(sc.head[0][r]) || unknown(sc.head[1][r])) notes.push('some headers refer to HPACK state from before the capture: unknown');
  return ex;
}

/** The connection's exchanges, in order of the streams' first appearance; `stream` names the ByteStream. */
export function http2Exchanges(conn: H2Connection, stream: string, options: H2ExchangeOptions = {}): HttpExchange[] {
  const opts = { ...options, budget: options.budget ?? createDecodeBudget() };
  const sc = conn.streams;
  if (opts.only) {
    const r = streamRowOf(conn, opts.only.streamId);
    return r >= 0 && isExchange(conn, r) ? [h2ExchangeOfRow(conn, r, stream, opts.only.index, opts)] : [];
  }
  const out: HttpExchange[] = [];
  for (let r = 0; r < sc.n; r++) if (isExchange(conn, r)) out.push(h2ExchangeOfRow(conn, r, stream, out.length, opts));
  return out;
}
