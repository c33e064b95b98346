/** CLI commands over streams: follow, http, export-objects (contract in args.ts USAGE). */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { EngineClient } from '../../shared/engine-client.ts';
import { MAX_HTTP_PAGE_ROWS, type FollowPage, type HttpBody, type HttpExchangeRow } from '../../shared/rpc.ts';
import type { ExportObjectsArgs, FollowArgs, HttpArgs } from './args.ts';
import { addKeylogs, openAndIndex, write } from './common.ts';

const RULE = '===================================================================\n';

function header(p: FollowPage, mode: string): string {
  const proto = p.kind === 'udp' ? 'udp' : p.kind === 'tls' ? 'tls' : p.kind === 'http2' ? 'http2' : 'tcp';
  return `\n${RULE}Follow: ${proto},${mode}\nFilter: ${p.filter}\nNode 0: ${p.client}\nNode 1: ${p.server}\n`;
}

export async function follow(client: EngineClient, a: FollowArgs, out: Writable, err: Writable): Promise<number> {
  await openAndIndex(client, a.file, a.more);
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  const format = a.as === 'raw' ? 'rawlines' : a.as;
  const spec = a.stream !== undefined ? { stream: a.stream } : { event: a.event };
  let page = await client.call('follow', { ...spec, format, page: 0 });
  if (a.as === 'ascii' || a.as === 'hex') await write(out, header(page, a.as));
  for (;;) {
    await write(out, page.text);
    if (page.page + 1 >= page.pages) break;
    page = await client.call('follow', { ...spec, format, page: page.page + 1 });
  }
  if (a.as === 'ascii' || a.as === 'hex') await write(out, RULE);
  for (const n of page.notes) await write(err, `tracelens: ${page.id}: ${n}\n`);
  return 0;
}

const TSV_COLUMNS: (keyof HttpExchangeRow)[] = ['request', 'response', 'stream', 'version', 'method', 'host', 'uri', 'status', 'requestBodyBytes', 'responseBodyBytes', 'contentType'];

/** Every row of the exchange list, a page at a time (the engine keeps the list; memory stays one page). */
async function* exchangeRows(client: EngineClient, filter?: string): AsyncGenerator<HttpExchangeRow> {
  for (let start = 0; ; start += MAX_HTTP_PAGE_ROWS) {
    const page = await client.call('httpPage', { ...(filter !== undefined ? { filter } : {}), start, count: MAX_HTTP_PAGE_ROWS });
    yield* page.rows;
    if (start + page.rows.length >= page.total || page.rows.length === 0) return;
  }
}

export async function http(client: EngineClient, a: HttpArgs, out: Writable, err: Writable): Promise<number> {
  await openAndIndex(client, a.file, a.more);
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  let text = '';
  for await (const r of exchangeRows(client, a.filter)) {
    if (a.format === 'jsonl') {
      text += `${JSON.stringify({
        request: r.request, response: r.response, stream: r.stream, version: r.version, method: r.method, host: r.host, uri: r.uri,
        status: r.status, requestBodyBytes: r.requestBodyBytes, responseBodyBytes: r.responseBodyBytes, contentType: r.contentType,
        ...(r.streamId !== undefined ? { streamId: r.streamId } : {}),
        ...(r.truncated ? { truncated: true } : {}), ...(r.missingBytes ? { missingBytes: r.missingBytes } : {}), ...(r.incomplete ? { incomplete: true } : {}), ...(r.upgrade ? { upgrade: r.upgrade } : {}),
      })}\n`;
    } else {
      text += `${TSV_COLUMNS.map((c) => String(r[c] ?? '')).join('\t')}\n`;
    }
    if (text.length >= 1 << 16) {
      await write(out, text);
      text = '';
    }
  }
  await write(out, text);
  return 0;
}

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

/** A long name cut to MAX_OBJECT_NAME, keeping its extension and adding a short hash of the whole. */
function shorten(base: string): string {
  if (base.length <= MAX_OBJECT_NAME) return base;
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 && base.length - dot <= 16 ? base.slice(dot) : '';
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 10);
  return `${base.slice(0, MAX_OBJECT_NAME - ext.length - hash.length - 1)}~${hash}${ext}`;
}

/**
 * A file name from the request URI's last path segment, as Wireshark's HTTP object export does;
 * a repeated name gets "(k)" before its extension. Amortised O(1): the next k per base is kept.
 */
export function objectFileName(uri: string, names: ObjectNames): string {
  const path = uri.replace(/^[a-z]+:\/\/[^/]*/i, '').split('?')[0];
  let base = path.slice(path.lastIndexOf('/') + 1);
  try {
    base = decodeURIComponent(base);
  } catch {
    // keep it encoded
  }
  base = shorten(base.replace(/[^\w.@+=-]/g, '_').replace(/^\.+/, '_') || 'index');
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

/**
 * Write one response body to `path`, page by page (httpBody replies are bounded), so no body is
 * held whole; returns the bytes written and the last page's notes.
 */
async function exportBody(client: EngineClient, r: HttpExchangeRow, path: string): Promise<{ bytes: number; b: HttpBody }> {
  const fd = openSync(path, 'w');
  try {
    let offset = 0;
    for (;;) {
      const b = await client.call('httpBody', { stream: r.stream, index: r.index, message: 'response', offset });
      for (let o = 0; o < b.body.length; ) o += writeSync(fd, b.body, o);
      offset += b.body.length;
      const size = b.bodySize ?? b.body.length;
      if (offset >= size || b.body.length === 0) return { bytes: offset, b };
    }
  } finally {
    closeSync(fd);
  }
}

export async function exportObjects(client: EngineClient, a: ExportObjectsArgs, out: Writable, err: Writable): Promise<number> {
  await openAndIndex(client, a.file, a.more);
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  mkdirSync(a.out, { recursive: true });
  const rows = exchangeRows(client);
  const names = objectNames();
  let n = 0;
  let failed = 0;
  for await (const r of rows) {
    if (r.response === null || r.responseWireBytes === 0) continue;
    const name = objectFileName(r.uri, names);
    try {
      const { bytes, b } = await exportBody(client, r, join(a.out, name));
      n++;
      const note = b.decodeError ?? b.bodyNote;
      await write(out, `${r.responseEnd}\t${r.host}\t${b.contentType}\t${bytes}\t${name}${note ? `\t(${note})` : ''}\n`);
    } catch (e) {
      // One object that cannot be read or written does not stop the others.
      failed++;
      await write(err, `tracelens: export-objects: ${name} (response at event ${r.responseEnd}): ${(e as Error).message}\n`);
    }
  }
  if (n === 0 && failed === 0) await write(err, 'tracelens: no HTTP objects in this capture\n');
  if (failed > 0) await write(err, `tracelens: export-objects: ${failed} of ${n + failed} objects not written\n`);
  return failed > 0 ? 1 : 0;
}
