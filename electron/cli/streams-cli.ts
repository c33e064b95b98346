/** CLI commands over streams: follow, http, export-objects (contract in args.ts USAGE). */
import { objectFileName, objectNames } from '../../shared/object-names.ts';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { EngineClient } from '../../shared/engine-client.ts';
import { httpRowAt, packHttpRows } from '../../shared/packed-http.ts';
import { MAX_BODY_BATCH, MAX_HTTP_PAGE_ROWS, type FollowPage, type HttpBodyItem, type HttpExchangeRow, type PackedHttpRows } from '../../shared/rpc.ts';
import type { ExportObjectsArgs, FollowArgs, HttpArgs } from './args.ts';
import { addKeylogs, openAndIndex, write } from './common.ts';

const RULE = '===================================================================\n';

function header(p: FollowPage, mode: string): string {
  // An fd stream of a syscall capture is named as one (tshark has no such streams: its own word).
  const proto = p.kind === 'udp' ? 'udp' : p.kind === 'tls' ? 'tls' : p.kind === 'http2' ? 'http2' : p.kind === 'fd' ? 'fd' : 'tcp';
  return `\n${RULE}Follow: ${proto},${mode}\nFilter: ${p.filter}\nNode 0: ${p.client}\nNode 1: ${p.server}\n`;
}

export async function follow(client: EngineClient, a: FollowArgs, out: Writable, err: Writable): Promise<number> {
  await openAndIndex(client, a.file, a.more);
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  const format = a.as === 'raw' ? 'rawlines' : a.as;
  const spec = { ...(a.stream !== undefined ? { stream: a.stream } : { event: a.event }), textOnly: true };
  let page = await client.call('follow', { ...spec, format, page: 0 });
  if (a.as === 'ascii' || a.as === 'hex') await write(out, header(page, a.as));
  for (;;) {
    await write(out, page.text);
    if (page.page + 1 >= page.pages) break;
    page = await client.call('follow', { ...spec, format, page: page.page + 1 });
  }
  // Notes (a stream reset, bytes missing) describe the stream, they are not errors: in the
  // text formats they end the output; raw and yaml keep their shape and say them on stderr.
  if (a.as === 'ascii' || a.as === 'hex') await write(out, `${page.notes.map((n) => `Note: ${n}\n`).join('')}${RULE}`);
  else for (const n of page.notes) await write(err, `tracelens: note: ${page.id}: ${n}\n`);
  return 0;
}

/**
 * Every page of the exchange list, packed (the engine keeps the list; memory stays one page, and
 * a page is a few arrays and one string to copy, not an object per row).
 */
export async function* exchangePages(client: EngineClient, filter?: string): AsyncGenerator<PackedHttpRows> {
  for (let start = 0; ;) {
    const page = await client.call('httpPage', { ...(filter !== undefined ? { filter } : {}), start, count: MAX_HTTP_PAGE_ROWS, packed: true });
    const p = page.packed ?? packHttpRows(page.rows);
    yield p;
    start += p.n;
    if (start >= page.total || p.n === 0) return;
  }
}

/** Every row of the exchange list, a page at a time. */
export async function* exchangeRows(client: EngineClient, filter?: string): AsyncGenerator<HttpExchangeRow> {
  for await (const p of exchangePages(client, filter)) for (let i = 0; i < p.n; i++) yield httpRowAt(p, i);
}

export async function http(client: EngineClient, a: HttpArgs, out: Writable, err: Writable): Promise<number> {
  await openAndIndex(client, a.file, a.more);
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  // The engine writes the lines (shared/http-lines.ts): a page here is one string to copy out.
  for (let start = 0; ;) {
    const page = await client.call('httpPage', { ...(a.filter !== undefined ? { filter: a.filter } : {}), start, count: MAX_HTTP_PAGE_ROWS, lines: a.format });
    const lines = page.lines ?? { n: 0, text: '' };
    await write(out, lines.text);
    start += lines.n;
    if (start >= page.total || lines.n === 0) return 0;
  }
}

// Names are shared with the window's Save all (shared/object-names.ts).
export { MAX_OBJECT_NAME, objectFileName, objectNames } from '../../shared/object-names.ts';

/**
 * Write the rest of one response body to the open file `fd`, page by page from `offset`
 * (httpBody replies are bounded), so no body is held whole; returns the bytes written in all.
 */
async function exportRest(client: EngineClient, r: HttpExchangeRow, fd: number, offset: number, size: number): Promise<number> {
  while (offset < size) {
    const b = await client.call('httpBody', { stream: r.stream, index: r.index, message: 'response', offset });
    if (b.body.length === 0) break;
    for (let o = 0; o < b.body.length; ) o += writeSync(fd, b.body, o);
    offset += b.body.length;
  }
  return offset;
}

/** Objects asked of the engine per httpBodies request (one request per object cost more than the object). */
const EXPORT_BATCH = 256;

/** A batch of objects to write (rows in list order, each with its file name) and the engine's first reply for it. */
interface AskedBatch {
  batch: { r: HttpExchangeRow; name: string }[];
  first: Promise<HttpBodyItem[]>;
}

/** Ask the engine for the bodies of `batch` from item `k` (a reply may stop early at its byte limit). */
function askBodies(client: EngineClient, batch: { r: HttpExchangeRow }[], k: number): Promise<HttpBodyItem[]> {
  return client.call('httpBodies', { items: batch.slice(k, k + MAX_BODY_BATCH).map(({ r }) => ({ stream: r.stream, index: r.index })), message: 'response' });
}

/** The batch asked now: its reply is awaited later, so a failure is not an unhandled rejection meanwhile. */
function askBatch(client: EngineClient, batch: { r: HttpExchangeRow; name: string }[]): AskedBatch {
  const first = askBodies(client, batch, 0);
  first.catch(() => undefined);
  return { batch, first };
}

export async function exportObjects(client: EngineClient, a: ExportObjectsArgs, out: Writable, err: Writable): Promise<number> {
  await openAndIndex(client, a.file, a.more);
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  mkdirSync(a.out, { recursive: true });
  const names = objectNames();
  let n = 0;
  let failed = 0;
  let text = '';
  const fail = async (r: HttpExchangeRow, name: string, message: string): Promise<void> => {
    // One object that cannot be read or written does not stop the others.
    failed++;
    await write(err, `tracelens: export-objects: ${name} (response at event ${r.responseEnd}): ${message}\n`);
  };
  /** Write the objects of one asked batch, the bodies a reply at a time. */
  const run = async ({ batch, first }: AskedBatch): Promise<void> => {
    for (let k = 0; k < batch.length; ) {
      const items = k === 0 ? await first : await askBodies(client, batch, k);
      if (items.length === 0) throw new Error('the engine gave no bodies');
      for (const it of items) {
        const { r, name } = batch[k++];
        if (it.error !== undefined) {
          await fail(r, name, it.error);
          continue;
        }
        try {
          const path = join(a.out, name);
          let bytes = it.body.length;
          if (bytes >= it.bodySize) writeFileSync(path, it.body);
          else {
            const fd = openSync(path, 'w');
            try {
              for (let o = 0; o < it.body.length; ) o += writeSync(fd, it.body, o);
              bytes = await exportRest(client, r, fd, bytes, it.bodySize);
            } finally {
              closeSync(fd);
            }
          }
          n++;
          const note = it.decodeError ?? it.bodyNote;
          text += `${r.responseEnd}\t${r.host}\t${it.contentType}\t${bytes}\t${name}${note ? `\t(${note})` : ''}\n`;
          if (text.length >= 1 << 16) {
            await write(out, text);
            text = '';
          }
        } catch (e) {
          await fail(r, name, (e as Error).message);
        }
      }
    }
  };
  // One batch ahead: the engine reads the next batch's bodies while this one's files are
  // written (the engine sat idle for two thirds of shape (a) 1M's wall time, waiting on open()).
  // At most two replies are held: memory stays two batches, whatever the number of objects.
  let asked: AskedBatch | null = null;
  let batch: { r: HttpExchangeRow; name: string }[] = [];
  const next = async (): Promise<void> => {
    const ahead = batch.length > 0 ? askBatch(client, batch) : null;
    batch = [];
    if (asked) await run(asked);
    asked = ahead;
  };
  for await (const r of exchangeRows(client)) {
    if (r.response === null || r.responseWireBytes === 0) continue;
    batch.push({ r, name: objectFileName(r.uri, names, r.contentType) });
    if (batch.length >= EXPORT_BATCH) await next();
  }
  await next();
  await next();
  await write(out, text);
  if (n === 0 && failed === 0) await write(err, 'tracelens: no HTTP objects in this capture\n');
  if (failed > 0) await write(err, `tracelens: export-objects: ${failed} of ${n + failed} objects not written\n`);
  return failed > 0 ? 1 : 0;
}
