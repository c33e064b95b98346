/**
 * File names for exported HTTP objects, the same in the window ("Save all") and the CLI
 * (export-objects): the request URI's last path segment as Wireshark's HTTP object export
 * names them, an extension from the Content-Type when the segment has none, and a repeated name
 * numbered "(k)" before its extension. Pure (no Node import): the renderer uses it too.
 */

/** Names handed out by one export: every name used, and the next number to try per base name. */
export interface ObjectNames {
  used: Set<string>;
  next: Map<string, number>;
}

export function objectNames(): ObjectNames {
  return { used: new Set(), next: new Map() };
}

/** Longest file name written: under the 255 bytes of ext4/APFS/NTFS, with room for "(12345)". */
export const MAX_OBJECT_NAME = 160;

/** Extensions of common media types (IANA media type registry names). */
const EXTENSIONS: Record<string, string> = {
  'application/json': '.json', 'application/problem+json': '.json', 'application/ld+json': '.json', 'text/json': '.json',
  'text/html': '.html', 'application/xhtml+xml': '.xhtml', 'text/plain': '.txt', 'text/css': '.css', 'text/csv': '.csv',
  'text/javascript': '.js', 'application/javascript': '.js', 'application/xml': '.xml', 'text/xml': '.xml',
  'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'image/webp': '.webp', 'image/svg+xml': '.svg',
  'image/x-icon': '.ico', 'image/vnd.microsoft.icon': '.ico', 'image/avif': '.avif',
  'application/pdf': '.pdf', 'application/zip': '.zip', 'application/gzip': '.gz', 'application/wasm': '.wasm',
  'font/woff': '.woff', 'font/woff2': '.woff2', 'application/x-www-form-urlencoded': '.form', 'multipart/form-data': '.multipart',
  'application/octet-stream': '.bin',
};

/** The extension for a Content-Type value (parameters ignored), or '' when none is known. */
export function extensionOf(contentType: string): string {
  const t = contentType.split(';')[0].trim().toLowerCase();
  return EXTENSIONS[t] ?? (t.endsWith('+json') ? '.json' : t.endsWith('+xml') ? '.xml' : '');
}

/** FNV-1a, 32 bits, from `seed` (a stable tag for a cut name; not a security hash). */
function fnv1a(s: string, seed = 0x811c9dc5): string {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Ten hex digits: two FNV-1a runs with different seeds. */
const tag = (s: string): string => (fnv1a(s) + fnv1a(s, 0x01000193)).slice(0, 10);

/** A long name cut to MAX_OBJECT_NAME, keeping its extension and adding a short hash of the whole. */
function shorten(base: string): string {
  if (base.length <= MAX_OBJECT_NAME) return base;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 && base.length - dot <= 16 ? base.slice(dot) : '';
  const hash = tag(base);
  return `${base.slice(0, MAX_OBJECT_NAME - ext.length - hash.length - 1)}~${hash}${ext}`;
}

/** The name for a URI before numbering: last segment, decoded, made safe, an extension added. */
export function objectBaseName(uri: string, contentType = ''): string {
  // The path of an absolute-form URI; then up to its query or fragment.
  const path = uri.startsWith('/') ? uri : uri.replace(/^[a-z]+:\/\/[^/]*/i, '');
  let end = path.length;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x3f || c === 0x23) {
      end = i;
      break;
    }
  }
  let base = path.slice(path.lastIndexOf('/', end - 1) + 1, end);
  if (base.includes('%')) {
    try {
      base = decodeURIComponent(base);
    } catch {
      // keep it encoded
    }
  }
  if (/[^\w.@+=-]|^\./.test(base)) base = base.replace(/[^\w.@+=-]/g, '_').replace(/^\.+/, '_');
  base ||= 'index';
  const ext = extensionOf(contentType);
  // `/api/items` with JSON → items.json; `/style.css` keeps its own; `/index` + HTML → index.html.
  if (ext && !/\.[A-Za-z0-9]{1,8}$/.test(base)) base += ext;
  return shorten(base);
}

/**
 * A file name for one object of an export: objectBaseName, and "(k)" before the extension when
 * the name was handed out already. Amortised O(1): the next k per base is kept.
 */
export function objectFileName(uri: string, names: ObjectNames, contentType = ''): string {
  const base = objectBaseName(uri, contentType);
  let name = base;
  if (names.used.has(name)) {
    const dot = base.lastIndexOf('.');
    let k = names.next.get(base) ?? 1;
    do {
      name = dot > 0 ? `${base.slice(0, dot)}(${k})${base.slice(dot)}` : `${base}(${k})`;
      k++;
    } while (names.used.has(name));
    names.next.set(base, k);
  }
  names.used.add(name);
  return name;
}
