/**
 * The packet list's Info text for the HTTP/2 frames an event completes, as tshark 4.0 writes it
 * (epan/dissectors/packet-http2.c): `Magic` for the client preface, then per frame
 * `TYPE[stream id]`, HEADERS with `: METHOD PATH` or `: STATUS PHRASE`, a DATA frame that ends
 * its stream with `(content type)` of the message; frames joined with ", ".
 */
import { blockHeaders, FRAME_TYPE_NAMES, FT, streamRowOf, type H2Connection, type H2Frame } from './connection.ts';
import type { HeaderField } from './hpack.ts';

/** Reason phrases of RFC 9110 §15 (and RFC 6585 §3-6, RFC 8297 §2), as tshark's HTTP status table names them. */
export const REASON: Readonly<Record<number, string>> = {
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-authoritative Information', 204: 'No Content', 205: 'Reset Content', 206: 'Partial Content', 207: 'Multi-Status',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 305: 'Use Proxy', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  407: 'Proxy Authentication Required', 408: 'Request Time-out', 409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed',
  413: 'Request Entity Too Large', 414: 'Request-URI Too Long', 415: 'Unsupported Media Type', 416: 'Requested Range Not Satisfiable', 417: 'Expectation Failed',
  418: "I'm a teapot", 421: 'Misdirected Request', 422: 'Unprocessable Entity', 423: 'Locked', 424: 'Failed Dependency', 425: 'Too Early', 426: 'Upgrade Required',
  428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Time-out', 505: 'HTTP Version not supported',
  506: 'Variant Also Negotiates', 507: 'Insufficient Storage', 508: 'Loop Detected', 510: 'Not Extended', 511: 'Network Authentication Required',
};

/** Media types tshark hands to a dissector of its own, which names the body instead (observed: image/png → PNG). */
const BODY_DISSECTOR: Readonly<Record<string, string>> = { 'image/png': 'PNG' };

function header(h: readonly HeaderField[] | undefined, name: string): string | undefined {
  if (!h) return undefined;
  for (const f of h) if (!f.unknown && f.name === name) return f.value;
  return undefined;
}

function headersInfo(h: readonly HeaderField[]): string {
  const method = header(h, ':method');
  if (method !== undefined) return `: ${method} ${header(h, ':path') ?? ''}`;
  const status = header(h, ':status');
  if (status !== undefined) {
    const phrase = REASON[Number(status)];
    return `: ${status}${phrase ? ` ${phrase}` : ''}`;
  }
  return '';
}

/** The Info text of one frame. */
export function frameInfo(conn: H2Connection, f: H2Frame): string {
  let s = `${FRAME_TYPE_NAMES[f.type] ?? `Unknown type (${f.type})`}[${f.streamId}]`;
  if (f.type === FT.HEADERS && f.headers) s += headersInfo(f.headers);
  else if (f.type === FT.DATA && f.flags & 0x1 && f.complete) {
    // END_STREAM (RFC 9113 §6.1): the body is complete here; tshark names its media type.
    const r = streamRowOf(conn, f.streamId);
    const head = r >= 0 ? conn.streams.head[f.dir][r] : -1;
    const ct = header(head >= 0 ? blockHeaders(conn, head)?.headers : undefined, 'content-type')?.split(';')[0].trim().toLowerCase();
    if (ct) s += ` (${BODY_DISSECTOR[ct] ?? ct})`;
  }
  return s;
}

/** Info of `event`: the frames it completes (`frames`, in stream order), after `Magic` when it completes the preface. */
export function http2Info(conn: H2Connection, event: number, frames: readonly H2Frame[]): string {
  const parts: string[] = [];
  if (conn.prefaceEvent === event) parts.push('Magic');
  for (const f of frames) parts.push(frameInfo(conn, f));
  return parts.join(', ');
}
