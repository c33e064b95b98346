/** CLI commands over streams: follow, http, export-objects (contract in args.ts USAGE). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { EngineClient } from '../../shared/engine-client.ts';
import type { FollowPage, HttpExchangeRow } from '../../shared/rpc.ts';
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

export async function http(client: EngineClient, a: HttpArgs, out: Writable, err: Writable): Promise<number> {
  await openAndIndex(client, a.file, a.more);
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  const rows = await client.call('httpExchanges', a.filter !== undefined ? { filter: a.filter } : {});
  let text = '';
  for (const r of rows) {
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
  }
  await write(out, text);
  return 0;
}

/** A file name from the request URI's last path segment, as Wireshark's HTTP object export does. */
export function objectFileName(uri: string, used: Set<string>): string {
  const path = uri.replace(/^[a-z]+:\/\/[^/]*/i, '').split('?')[0];
  let base = path.slice(path.lastIndexOf('/') + 1);
  try {
    base = decodeURIComponent(base);
  } catch {
    // keep it encoded
  }
  base = base.replace(/[^\w.@+=-]/g, '_').replace(/^\.+/, '_') || 'index';
  let name = base;
  for (let k = 1; used.has(name); k++) {
    const dot = base.lastIndexOf('.');
    name = dot > 0 ? `${base.slice(0, dot)}(${k})${base.slice(dot)}` : `${base}(${k})`;
  }
  used.add(name);
  return name;
}

export async function exportObjects(client: EngineClient, a: ExportObjectsArgs, out: Writable, err: Writable): Promise<number> {
  await openAndIndex(client, a.file, a.more);
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  mkdirSync(a.out, { recursive: true });
  const rows = await client.call('httpExchanges', {});
  const used = new Set<string>();
  let n = 0;
  for (const r of rows) {
    if (r.response === null || r.responseWireBytes === 0) continue;
    const b = await client.call('httpBody', { stream: r.stream, index: r.index, message: 'response' });
    const name = objectFileName(r.uri, used);
    writeFileSync(join(a.out, name), b.body);
    n++;
    await write(out, `${r.responseEnd}\t${r.host}\t${b.contentType}\t${b.body.length}\t${name}${b.decodeError ? `\t(${b.decodeError})` : ''}\n`);
  }
  if (n === 0) await write(err, 'tracelens: no HTTP objects in this capture\n');
  return 0;
}
