/**
 * HTTP/2 streams as HTTP exchanges, in the same shape the HTTP/1.x view uses: one exchange per
 * stream that carried a request or a response, with `version: 'HTTP/2'` and the stream id.
 */
import { decodeContent } from './content.ts';
import type { H2Connection, H2Message } from './connection.ts';
import type { HeaderField } from './hpack.ts';

export interface HttpMessage {
  /** Event that completed the header block (HTTP/1: the start line's event). */
  event: number;
  time: number;
  /** Header fields in order; HTTP/2 pseudo-headers included (`:method`…). */
  headers: { name: string; value: string; unknown?: boolean }[];
  trailers?: { name: string; value: string; unknown?: boolean }[];
  /** Body as transferred (after DATA reassembly / de-chunking). */
  body: Uint8Array;
  /** Body after Content-Encoding was undone (same as `body` when identity). */
  decodedBody: Uint8Array;
  contentEncoding?: string;
  decodeError?: string;
  /** Body bytes not in the capture. */
  missing: number;
  /** Event that ended the message (END_STREAM / last body byte). */
  endEvent?: number;
}

export interface HttpExchange {
  /** ByteStream id the exchange came from (`tls:tcp:0`, `fd:…`). */
  stream: string;
  version: string;
  /** HTTP/2 stream id. */
  streamId?: number;
  method?: string;
  /** Request target (HTTP/2 :path). */
  uri?: string;
  authority?: string;
  scheme?: string;
  status?: number;
  request?: HttpMessage;
  response?: HttpMessage;
  /** Stream reset (RST_STREAM error name), server push, unknown headers… */
  notes: string[];
}

function headerValue(h: readonly HeaderField[] | undefined, name: string): string | undefined {
  return h?.find((f) => f.name === name && !f.unknown)?.value;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function message(m: H2Message): HttpMessage {
  const body = concat(m.data, m.dataLength);
  const enc = headerValue(m.headers, 'content-encoding');
  const dec = enc && m.missing === 0 ? decodeContent(body, enc) : undefined;
  const strip = (h: HeaderField[]): HttpMessage['headers'] => h.map((f) => (f.unknown ? { name: f.name, value: f.value, unknown: true } : { name: f.name, value: f.value }));
  const out: HttpMessage = {
    event: m.event,
    time: m.time,
    headers: strip(m.headers),
    body,
    decodedBody: dec?.body ?? body,
    missing: m.missing,
  };
  if (m.trailers) out.trailers = strip(m.trailers);
  if (enc) out.contentEncoding = enc;
  if (dec?.error) out.decodeError = dec.error;
  else if (enc && m.missing > 0) out.decodeError = `${m.missing} body bytes missing: not decoded`;
  if (m.endEvent !== undefined) out.endEvent = m.endEvent;
  return out;
}

const RST_NAMES: Record<number, string> = { 0: 'NO_ERROR', 1: 'PROTOCOL_ERROR', 2: 'INTERNAL_ERROR', 5: 'STREAM_CLOSED', 7: 'REFUSED_STREAM', 8: 'CANCEL' };

/** The connection's exchanges, by stream id order of first appearance. */
export function http2Exchanges(conn: H2Connection, streamId: string): HttpExchange[] {
  const out: HttpExchange[] = [];
  for (const st of conn.streams.values()) {
    if (!st.request && !st.response) continue;
    const rq = st.request?.headers;
    const ex: HttpExchange = { stream: streamId, version: 'HTTP/2', streamId: st.id, notes: [] };
    const method = headerValue(rq, ':method');
    if (method !== undefined) ex.method = method;
    const path = headerValue(rq, ':path');
    if (path !== undefined) ex.uri = path;
    const auth = headerValue(rq, ':authority');
    if (auth !== undefined) ex.authority = auth;
    const scheme = headerValue(rq, ':scheme');
    if (scheme !== undefined) ex.scheme = scheme;
    const status = headerValue(st.response?.headers, ':status');
    if (status !== undefined && /^\d{3}$/.test(status)) ex.status = Number(status);
    if (st.request) ex.request = message(st.request);
    if (st.response) ex.response = message(st.response);
    if (st.promisedBy !== undefined) ex.notes.push(`server push promised on stream ${st.promisedBy}`);
    if (st.reset) ex.notes.push(`RST_STREAM ${RST_NAMES[st.reset.code] ?? st.reset.code} from the ${st.reset.by === 0 ? 'client' : 'server'} at event ${st.reset.event}`);
    if (rq?.some((h) => h.unknown) || st.response?.headers.some((h) => h.unknown)) ex.notes.push('some headers refer to HPACK state from before the capture: unknown');
    out.push(ex);
  }
  return out;
}
