/**
 * Byte ranges of an HTTP/1.x message's fields in a data source that holds its head (the
 * decrypted TLS bytes of the frame completing it), as packet-http.c gives them: the request or
 * status line's parts, each header field over its whole line with the CRLF (RFC 9112 §2.1, §5),
 * the `http` node over head and body.
 */
import type { Dissection } from '../dissectors/dissection.ts';
import { HF } from '../http/http-fields.ts';

/** Header fields with their own http.* field, by lower-case name. */
const HEADER_FIELDS = new Map<string, number>([
  ['host', HF.host.id],
  ['user-agent', HF.userAgent.id],
  ['content-type', HF.contentType.id],
  ['content-length', HF.contentLength.id],
  ['content-encoding', HF.contentEncoding.id],
  ['authorization', HF.authorization.id],
  ['cookie', HF.cookie.id],
]);

/** Longest head looked at (a head beyond it keeps its fields without ranges). */
const MAX_HEAD = 64 * 1024;

/**
 * Give the entries `first..d.n` (one message's fields) ranges in source `src`, whose bytes hold
 * the message head at `at`; `body` is the body length (the `http` node covers what the source has).
 * Returns false, changing nothing, when the bytes at `at` are not a head.
 */
export function placeHttpFields(d: Dissection, first: number, src: number, at: number, body: number): boolean {
  const b = d.sources[src]?.bytes;
  if (!b || at < 0 || at >= b.length) return false;
  const lim = Math.min(b.length, at + MAX_HEAD);
  let lineEnd = -1;
  for (let i = at; i + 1 < lim; i++) {
    if (b[i] === 13 && b[i + 1] === 10) {
      lineEnd = i;
      break;
    }
  }
  if (lineEnd < 0) return false;
  // Start line: three parts separated by single spaces (the phrase may hold spaces).
  const sp1 = b.indexOf(32, at);
  const sp2 = sp1 >= 0 && sp1 < lineEnd ? b.indexOf(32, sp1 + 1) : -1;
  if (sp1 < 0 || sp1 >= lineEnd) return false;
  const parts: [number, number][] = [
    [at, sp1 - at],
    sp2 >= 0 && sp2 < lineEnd ? [sp1 + 1, sp2 - sp1 - 1] : [sp1 + 1, lineEnd - sp1 - 1],
    sp2 >= 0 && sp2 < lineEnd ? [sp2 + 1, lineEnd - sp2 - 1] : [lineEnd, 0],
  ];
  const lines = new Map<number, [number, number]>();
  let p = lineEnd + 2;
  let headEnd = -1;
  while (p + 1 < lim) {
    if (b[p] === 13 && b[p + 1] === 10) {
      headEnd = p + 2;
      break;
    }
    let e = p;
    while (e + 1 < lim && !(b[e] === 13 && b[e + 1] === 10)) e++;
    if (e + 1 >= lim) break;
    const colon = b.indexOf(58, p);
    if (colon > p && colon < e) {
      const name = String.fromCharCode(...b.subarray(p, colon)).trim().toLowerCase();
      const id = HEADER_FIELDS.get(name);
      if (id !== undefined && !lines.has(id)) lines.set(id, [p, e + 2 - p]);
    }
    p = e + 2;
  }
  if (headEnd < 0) return false;
  const isResponse = b[at] === 0x48 && String.fromCharCode(...b.subarray(at, at + 5)) === 'HTTP/';
  const lineFields = isResponse ? [HF.respVersion.id, HF.code.id, HF.phrase.id] : [HF.method.id, HF.uri.id, HF.reqVersion.id];
  for (let i = first; i < d.n; i++) {
    const id = d.fid[i];
    let range: [number, number] | undefined;
    if (id === HF.http.id) range = [at, Math.min(b.length, headEnd + body) - at];
    else if (lineFields.includes(id)) range = parts[lineFields.indexOf(id)];
    else range = lines.get(id);
    if (!range) continue;
    d.src[i] = src;
    d.off[i] = range[0];
    d.len[i] = range[1];
  }
  return true;
}
