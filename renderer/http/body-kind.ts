/**
 * HTTP bodies for the HTTP view: which viewer a body gets (by Content-Type, then by sniffing),
 * form and multipart parsing, a markup tokenizer for highlighted source, hex dumps and
 * "copy as curl". Capture content is only ever turned into text nodes, never into live HTML.
 */
import { objectBaseName, objectFileName, objectNames } from '../../shared/object-names.ts';
import type { HttpBody, HttpExchangeRow } from '../../shared/rpc.ts';

export type BodyKind = 'empty' | 'json' | 'markup' | 'image' | 'form' | 'multipart' | 'text' | 'binary';

/** The media type without parameters, lower case (`text/html; charset=utf-8` → `text/html`). */
export function mediaType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/** A parameter of a Content-Type (`boundary`, `charset`), unquoted. */
export function typeParam(contentType: string, name: string): string | null {
  for (const part of contentType.split(';').slice(1)) {
    const k = part.indexOf('=');
    if (k < 0) continue;
    if (part.slice(0, k).trim().toLowerCase() !== name) continue;
    return part.slice(k + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return null;
}

/** Mostly printable text (UTF-8 allowed): shown as text rather than hex. */
export function looksTextual(b: Uint8Array): boolean {
  const n = Math.min(b.length, 4096);
  let bad = 0;
  for (let k = 0; k < n; k++) {
    const x = b[k];
    if (x === 0) return false;
    if (x < 0x09 || (x > 0x0d && x < 0x20) || x === 0x7f) bad++;
  }
  return bad <= n / 50;
}

export function bodyKind(contentType: string, body: Uint8Array): BodyKind {
  if (body.length === 0) return 'empty';
  const t = mediaType(contentType);
  if (t === 'application/json' || t.endsWith('+json') || t === 'text/json') return 'json';
  if (t === 'text/html' || t === 'application/xhtml+xml' || t.endsWith('/xml') || t.endsWith('+xml')) return 'markup';
  if (t.startsWith('image/')) return 'image';
  if (t === 'application/x-www-form-urlencoded') return 'form';
  if (t.startsWith('multipart/') && typeParam(contentType, 'boundary')) return 'multipart';
  if (t.startsWith('text/') || t === 'application/javascript' || t === 'application/x-javascript') return 'text';
  if (!looksTextual(body)) return 'binary';
  // Untyped text: sniff JSON and markup.
  const head = new TextDecoder().decode(body.subarray(0, 64)).trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return 'json';
  if (head.startsWith('<')) return 'markup';
  return 'text';
}

/** `a=1&b=x+y` → [['a','1'],['b','x y']] (application/x-www-form-urlencoded, WHATWG URL §5.1). */
export function parseForm(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const k = pair.indexOf('=');
    const dec = (s: string): string => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    out.push(k < 0 ? [dec(pair), ''] : [dec(pair.slice(0, k)), dec(pair.slice(k + 1))]);
  }
  return out;
}

export interface Part {
  headers: [string, string][];
  name: string | null;
  filename: string | null;
  contentType: string;
  body: Uint8Array;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  outer: for (let i = hay.indexOf(first, from); i >= 0 && i <= hay.length - needle.length; i = hay.indexOf(first, i + 1)) {
    for (let k = 1; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

/** The parts of a multipart body (RFC 2046 §5.1.1): headers, form-data name/filename, bytes. */
export function parseMultipart(body: Uint8Array, boundary: string): Part[] {
  const enc = new TextEncoder();
  const delim = enc.encode(`--${boundary}`);
  const parts: Part[] = [];
  let at = indexOf(body, delim, 0);
  while (at >= 0) {
    let start = at + delim.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // close delimiter
    // Skip transport padding to the end of the delimiter line.
    while (start < body.length && body[start] !== 0x0a) start++;
    start++;
    const next = indexOf(body, enc.encode(`\r\n--${boundary}`), start);
    const nextLf = next >= 0 ? next : indexOf(body, enc.encode(`\n--${boundary}`), start);
    const end = nextLf >= 0 ? nextLf : body.length;
    const chunk = body.subarray(start, end);
    // Headers end at the first empty line.
    let hEnd = indexOf(chunk, enc.encode('\r\n\r\n'), 0);
    let skip = 4;
    if (hEnd < 0) {
      hEnd = indexOf(chunk, enc.encode('\n\n'), 0);
      skip = 2;
    }
    const headText = hEnd >= 0 ? new TextDecoder().decode(chunk.subarray(0, hEnd)) : '';
    const headers: [string, string][] = [];
    for (const line of headText.split(/\r?\n/)) {
      const k = line.indexOf(':');
      if (k > 0) headers.push([line.slice(0, k).trim(), line.slice(k + 1).trim()]);
    }
    const disp = headers.find(([h]) => h.toLowerCase() === 'content-disposition')?.[1] ?? '';
    const param = (n: string): string | null => {
      const m = new RegExp(`(?:^|;)\\s*${n}="?([^";]*)"?`, 'i').exec(disp);
      return m ? m[1] : null;
    };
    parts.push({
      headers,
      name: param('name'),
      filename: param('filename'),
      contentType: headers.find(([h]) => h.toLowerCase() === 'content-type')?.[1] ?? '',
      body: hEnd >= 0 ? chunk.subarray(hEnd + skip) : chunk,
    });
    if (nextLf < 0) break;
    at = indexOf(body, delim, nextLf);
  }
  return parts;
}

export interface Token {
  cls: 'tag' | 'attr' | 'value' | 'comment' | 'text' | 'punct';
  text: string;
}

/** Split HTML/XML source into coloured tokens (a highlighter, not a parser: never executed). */
export function markupTokens(src: string): Token[] {
  const out: Token[] = [];
  const re = /<!--[\s\S]*?(?:-->|$)|<[!?/]?[A-Za-z][^>]*>?|[^<]+|</g;
  for (const m of src.matchAll(re)) {
    const t = m[0];
    if (t.startsWith('<!--')) out.push({ cls: 'comment', text: t });
    else if (t.startsWith('<') && t.length > 1) {
      const tag = /^<[!?/]?[A-Za-z][\w:.-]*/.exec(t)![0];
      out.push({ cls: 'tag', text: tag });
      const rest = t.slice(tag.length);
      for (const a of rest.matchAll(/(\s+)|([^\s=>/"']+)|(=)|("[^"]*"?|'[^']*'?)|([/?]?>)|(.)/g)) {
        if (a[2]) out.push({ cls: 'attr', text: a[0] });
        else if (a[4]) out.push({ cls: 'value', text: a[0] });
        else if (a[5]) out.push({ cls: 'tag', text: a[0] });
        else out.push({ cls: 'punct', text: a[0] });
      }
    } else out.push({ cls: 'text', text: t });
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Hex dump lines (offset, 16 bytes, ASCII), at most `maxBytes` of the body. */
export function hexDump(b: Uint8Array, maxBytes = 64 * 1024): string {
  const n = Math.min(b.length, maxBytes);
  let out = '';
  for (let p = 0; p < n; p += 16) {
    let hx = '';
    let tx = '';
    for (let k = 0; k < 16; k++) {
      if (k === 8) hx += ' ';
      if (p + k < n) {
        hx += `${HEX[b[p + k]]} `;
        tx += b[p + k] >= 0x20 && b[p + k] < 0x7f ? String.fromCharCode(b[p + k]) : '.';
      } else hx += '   ';
    }
    out += `${p.toString(16).padStart(8, '0')}  ${hx} ${tx}\n`;
  }
  if (n < b.length) out += `… ${(b.length - n).toLocaleString('en-US')} more bytes\n`;
  return out;
}

/** POSIX shell single quoting. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A curl command that repeats the request (Host and hop-by-hop headers left to curl). */
export function curlCommand(row: HttpExchangeRow, request: HttpBody | null, scheme: 'http' | 'https'): string {
  const parts = ['curl'];
  if (row.method && row.method !== 'GET') parts.push('-X', sq(row.method));
  const skip = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);
  for (const [k, v] of request?.headers ?? []) {
    if (k.startsWith(':') || skip.has(k.toLowerCase())) continue;
    parts.push('-H', sq(`${k}: ${v}`));
  }
  if (request && request.body.length > 0) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(request.body);
    parts.push(looksTextual(request.body) ? '--data-raw' : '--data-binary', sq(looksTextual(request.body) ? text : '@body.bin'));
  }
  const url = /^https?:\/\//i.test(row.uri) ? row.uri : `${scheme}://${row.host}${row.uri.startsWith('/') ? '' : '/'}${row.uri}`;
  parts.push(sq(url));
  return parts.join(' ');
}

/** A file name for a body, like Wireshark's Export Objects (the last path segment, or the stream and index). */
/** The file name of one saved body: as the CLI's export-objects names it (shared/object-names.ts). */
export function bodyFileName(row: HttpExchangeRow, which: 'request' | 'response'): string {
  const response = objectBaseName(row.uri, row.contentType);
  return which === 'request' ? `${response}.request` : response;
}

/**
 * Names for "Save all": one export's names, numbered when repeated exactly as export-objects
 * numbers them; a request body is its response's name + ".request".
 */
export function exportFileNames(rows: readonly HttpExchangeRow[]): { response: string; request: string }[] {
  const names = objectNames();
  return rows.map((r) => {
    const response = objectFileName(r.uri, names, r.contentType);
    return { response, request: `${response}.request` };
  });
}
