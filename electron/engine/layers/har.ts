/**
 * HAR 1.2 entries for HTTP exchanges (File ▸ Export ▸ HAR, `tracelens har`): method, URL,
 * headers, cookies, query, bodies (decoded; base64 when not text) and timings from the capture's
 * event times. Works alike for packets and syscall captures, HTTP/1.x and HTTP/2.
 */
import type { HarContent, HarEntry, HarNameValue, HarRequest, HarResponse } from '../../../shared/har.ts';
import type { HttpBody, HttpExchangeRow } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { httpBodyOf, type HttpLayer } from './http-layer.ts';

/** Bodies longer than this (decoded) are cut in the HAR, with a comment saying so. */
export const HAR_BODY_LIMIT = 16 << 20;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as HAR content text: UTF-8 when it decodes as such, else base64 (HAR 1.2 §content). */
export function contentText(body: Uint8Array): { text: string; encoding?: 'base64' } {
  try {
    const text = utf8.decode(body);
    // Text with NULs or other C0 controls (not tab/CR/LF) is binary in all but name.
    if (!/[\x00-\x08\x0e-\x1f]/.test(text)) return { text };
  } catch {
    // not UTF-8
  }
  return { text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'), encoding: 'base64' };
}

const pairs = (h: readonly [string, string][]): HarNameValue[] => h.map(([name, value]) => ({ name, value }));

const header = (h: readonly [string, string][], name: string): string | undefined => h.find(([k]) => k.toLowerCase() === name)?.[1];

/** `Cookie: a=1; b=2` (RFC 6265 §5.4) as name/value pairs. */
export function requestCookies(h: readonly [string, string][]): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (const [k, v] of h) {
    if (k.toLowerCase() !== 'cookie') continue;
    for (const part of v.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) out.push({ name: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() });
    }
  }
  return out;
}

/** Each `Set-Cookie` (RFC 6265 §4.1) as its name and value (attributes are not split out). */
export function responseCookies(h: readonly [string, string][]): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (const [k, v] of h) {
    if (k.toLowerCase() !== 'set-cookie') continue;
    const first = v.split(';')[0];
    const eq = first.indexOf('=');
    if (eq > 0) out.push({ name: first.slice(0, eq).trim(), value: first.slice(eq + 1).trim() });
  }
  return out;
}

/** The query of a request target (RFC 3986 §3.4), decoded where it decodes. */
export function queryString(uri: string): HarNameValue[] {
  const q = uri.indexOf('?');
  if (q < 0) return [];
  const end = uri.indexOf('#', q);
  const text = uri.slice(q + 1, end < 0 ? undefined : end);
  const dec = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return text.split('&').filter((p) => p !== '').map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? { name: dec(p), value: '' } : { name: dec(p.slice(0, eq)), value: dec(p.slice(eq + 1)) };
  });
}

/** The absolute URL of a request: its target if absolute (proxy form), else scheme://host + target. */
export function requestUrl(row: HttpExchangeRow): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(row.uri)) return row.uri;
  // TLS below (a decrypted stream), or HTTP/2 (which browsers speak only over TLS; h2c is rare).
  const tls = row.stream.startsWith('tls:') || (row.version === 'HTTP/2' && !row.stream.startsWith('tcp:'));
  return `${tls ? 'https' : 'http'}://${row.host || 'unknown-host'}${row.uri.startsWith('/') || row.uri === '*' ? '' : '/'}${row.uri}`;
}

function content(b: HttpBody | null, row: HttpExchangeRow): HarContent {
  const mimeType = b?.contentType || row.contentType || 'x-unknown';
  if (!b) return { size: 0, mimeType };
  const size = b.bodySize ?? b.body.length;
  const c: HarContent = { size, mimeType };
  const wire = b.rawSize ?? b.raw.length;
  if (b.contentEncoding && wire > 0) c.compression = size - wire;
  if (size > 0) {
    const cut = b.body.length > HAR_BODY_LIMIT ? b.body.subarray(0, HAR_BODY_LIMIT) : b.body;
    Object.assign(c, contentText(cut));
    const notes = [
      ...(cut.length < b.body.length ? [`body cut at ${HAR_BODY_LIMIT} of ${b.body.length} bytes`] : []),
      ...(b.missing > 0 ? [`${b.missing} body bytes are not in the capture`] : []),
      ...(b.decodeError ? [`content decoding failed: ${b.decodeError}`] : []),
      ...(b.bodyNote ? [b.bodyNote] : []),
    ];
    if (notes.length > 0) c.comment = notes.join('; ');
  }
  return c;
}

/** Milliseconds from event `a` to event `b` (0 when either is unknown or b is before a). */
function between(c: Capture, a: number | null, b: number | null): number {
  if (a === null || b === null || a < 1 || b < 1) return 0;
  return Math.max(0, (c.time(b) - c.time(a)) * 1000);
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** One exchange as a HAR entry (the bodies are read again from the capture). */
export function harEntry(layer: HttpLayer, row: HttpExchangeRow): HarEntry {
  const c = layer.capture;
  const req = row.request !== null ? httpBodyOf(layer, row.stream, row.index, 'request') : null;
  const res = row.response !== null ? httpBodyOf(layer, row.stream, row.index, 'response') : null;
  const reqHeaders = req?.headers ?? [];
  const request: HarRequest = {
    method: row.method || 'UNKNOWN',
    url: requestUrl(row),
    httpVersion: row.version,
    cookies: requestCookies(reqHeaders),
    headers: pairs(reqHeaders),
    queryString: queryString(row.uri),
    headersSize: -1,
    bodySize: row.requestBodyBytes,
  };
  if (req && (req.bodySize ?? req.body.length) > 0) {
    const t = contentText(req.body.length > HAR_BODY_LIMIT ? req.body.subarray(0, HAR_BODY_LIMIT) : req.body);
    // HAR 1.2 postData has no encoding field: a binary body is given as base64 with a comment.
    request.postData = { mimeType: req.contentType || 'application/octet-stream', text: t.text, ...(t.encoding ? { comment: 'text is base64 (the body is not UTF-8 text)' } : {}) };
  }
  if (!req) request.comment = 'the request is not in the capture';
  const resHeaders = res?.headers ?? [];
  const response: HarResponse = {
    status: row.status ?? 0,
    statusText: row.phrase,
    httpVersion: row.version,
    cookies: responseCookies(resHeaders),
    headers: pairs(resHeaders),
    content: content(res, row),
    redirectURL: header(resHeaders, 'location') ?? '',
    headersSize: -1,
    bodySize: res ? row.responseWireBytes : -1,
  };
  if (!res) response.comment = row.incomplete ? 'no response: the capture ended first' : 'no response in the capture';
  // send: first to last request byte; wait: to the first response byte; receive: to its last.
  const first = row.request ?? row.response ?? 1;
  const send = between(c, row.request, row.requestEnd);
  const wait = between(c, row.requestEnd, row.response);
  const receive = between(c, row.response, row.responseEnd);
  const startedDateTime = new Date(c.time(first) * 1000).toISOString();
  const entry: HarEntry = {
    startedDateTime,
    time: round(send + wait + receive),
    request,
    response,
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, send: round(send), wait: round(wait), receive: round(receive), ssl: -1 },
    connection: row.streamId !== undefined ? `${row.stream} stream ${row.streamId}` : row.stream,
  };
  if (row.request !== null) entry._requestEvent = row.request;
  if (row.response !== null) entry._responseEvent = row.response;
  return entry;
}
