/**
 * HTTP/2 streams as HTTP exchanges in the one shape HTTP/1.x uses (http/exchange.ts): one
 * exchange per stream that carried a request or a response, messages with `version: 'HTTP/2'`,
 * pseudo-headers among the headers, the stream id on the exchange, bodies reassembled from DATA
 * frames and content-decoded (RFC 9113 §8.1; Content-Encoding as HTTP/1.x).
 */
import { headerValue, type HttpExchange, type HttpMessage } from '../http/exchange.ts';
import { createDecodeBudget, decodeBody, type DecodeBudget } from '../http/content-coding.ts';
import type { BodyMode } from '../http/http1.ts';
import { messageBody, timeAtEvent, type H2Connection, type H2Message } from './connection.ts';
import type { HeaderField } from './hpack.ts';
import { concatBytes as concat } from '../bytes/arrays.ts';

export type { HttpExchange, HttpMessage } from '../http/exchange.ts';


/** Known fields only: fields that referred to HPACK state from before the capture are dropped. */
function pairs(h: readonly HeaderField[]): [string, string][] {
  const out: [string, string][] = [];
  for (const f of h) if (!f.unknown) out.push([f.name, f.value]);
  return out;
}

export interface H2ExchangeOptions {
  /** keep (default): decoded bodies on the messages; size: only their decoded size. */
  bodies?: BodyMode;
  /** Decode work shared by the bodies (default: one budget per call). */
  budget?: DecodeBudget;
  /** The capture's budget for bomb-like bodies. */
  bombs?: DecodeBudget;
  /** Only the exchange of this HTTP/2 stream, at `index` of the full list: one body on demand. */
  only?: { streamId: number; index: number };
}

function message(kind: 'request' | 'response', m: H2Message, conn: H2Connection, endOfStream: boolean, opts: H2ExchangeOptions = {}): HttpMessage {
  const keep = opts.bodies !== 'size' && opts.bodies !== 'none';
  const headers = pairs(m.headers);
  const probe = { headers } as HttpMessage;
  const enc = headerValue(probe, 'content-encoding') ?? '';
  const decode = enc !== '' && m.missing === 0 && opts.bodies !== 'none';
  // The body is read again from its DATA frames only when it is kept or must be decoded to size it.
  const raw = keep || decode ? concat(messageBody(conn, m), m.dataLength) : new Uint8Array(0);
  const dec = decode ? decodeBody(raw, enc, { keep, budget: opts.budget, bombs: opts.bombs }) : undefined;
  const body = dec?.bytes ?? raw;
  const cl = headerValue(probe, 'content-length');
  const status = kind === 'response' ? headerValue(probe, ':status') : undefined;
  const endEvent = m.endEvent ?? (m.dataFrames.length > 0 ? conn.frames.ev[m.dataFrames[m.dataFrames.length - 1]] : m.event);
  const out: HttpMessage = {
    kind,
    startEvent: m.event,
    headEvent: m.event,
    endEvent,
    startTime: m.time,
    headTime: m.time,
    endTime: timeAtEvent(conn, endEvent) ?? m.time,
    version: 'HTTP/2',
    method: kind === 'request' ? headerValue(probe, ':method') ?? '' : '',
    uri: kind === 'request' ? headerValue(probe, ':path') ?? '' : '',
    status: status !== undefined && /^\d{3}$/.test(status) ? Number(status) : null,
    phrase: '',
    headers,
    headBytes: 0,
    bodyBytes: m.dataLength + m.missing,
    decodedBytes: dec && !dec.error ? dec.decodedSize : m.dataLength,
    missing: m.missing,
    headTruncated: false,
    // No END_STREAM seen: the capture (or the connection) ended before the message did.
    incomplete: !endOfStream,
    contentType: headerValue(probe, 'content-type') ?? '',
    contentEncoding: enc,
    contentLength: cl !== undefined && /^\d+$/.test(cl) ? Number(cl) : null,
    chunked: false,
    ...(keep ? { body, rawBody: raw } : {}),
    pos: 0,
  };
  if (dec?.note) out.bodyNote = dec.note;
  if (m.trailers) out.trailers = pairs(m.trailers);
  if (dec?.error) out.decodeError = dec.error;
  else if (enc && m.missing > 0) out.decodeError = `${m.missing} body bytes missing: not decoded`;
  return out;
}

/** RFC 9113 §7 error codes. */
const RST_NAMES: Record<number, string> = {
  0: 'NO_ERROR', 1: 'PROTOCOL_ERROR', 2: 'INTERNAL_ERROR', 3: 'FLOW_CONTROL_ERROR', 4: 'SETTINGS_TIMEOUT', 5: 'STREAM_CLOSED',
  6: 'FRAME_SIZE_ERROR', 7: 'REFUSED_STREAM', 8: 'CANCEL', 9: 'COMPRESSION_ERROR', 10: 'CONNECT_ERROR', 11: 'ENHANCE_YOUR_CALM',
  12: 'INADEQUATE_SECURITY', 13: 'HTTP_1_1_REQUIRED',
};

/** The connection's exchanges, in order of the streams' first appearance; `stream` names the ByteStream. */
export function http2Exchanges(conn: H2Connection, stream: string, options: H2ExchangeOptions = {}): HttpExchange[] {
  const opts = { ...options, budget: options.budget ?? createDecodeBudget() };
  const out: HttpExchange[] = [];
  let index = -1;
  const one = opts.only ? conn.streams.get(opts.only.streamId) : undefined;
  const streams = opts.only ? (one ? [one] : []) : conn.streams.values();
  for (const st of streams) {
    if (!st.request && !st.response) continue;
    index = opts.only ? opts.only.index : index + 1;
    const notes: string[] = [];
    const ex: HttpExchange = {
      index,
      stream,
      request: st.request ? message('request', st.request, conn, st.endStream[0], opts) : null,
      response: st.response ? message('response', st.response, conn, st.endStream[1], opts) : null,
      informational: [],
      upgrade: '',
      streamId: st.id,
      notes,
    };
    for (const h of st.response?.interim ?? []) {
      ex.informational.push(message('response', { headers: h, event: st.response?.event ?? 0, time: st.response?.time ?? 0, dataFrames: [], dataLength: 0, missing: 0, endEvent: st.response?.event }, conn, true));
    }
    if (st.malformed) notes.push(`malformed: ${st.malformed}`);
    if (st.promisedBy !== undefined) notes.push(`server push promised on stream ${st.promisedBy}`);
    if (st.reset) notes.push(`RST_STREAM ${RST_NAMES[st.reset.code] ?? st.reset.code} from the ${st.reset.by === 0 ? 'client' : 'server'} at event ${st.reset.event}`);
    if (st.request?.headers.some((h) => h.unknown) || st.response?.headers.some((h) => h.unknown)) notes.push('some headers refer to HPACK state from before the capture: unknown');
    out.push(ex);
  }
  return out;
}
