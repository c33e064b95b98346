/** The CLI commands over an engine worker. */
import type { Writable } from 'node:stream';
import { createEngineClient, type EngineClient } from '../../shared/engine-client.ts';
import { caretLine, type FilterMessage } from '../../shared/filter/index.ts';
import type { CaptureInfo } from '../../shared/rpc.ts';
import { startEngineWorker } from '../engine/host/node-worker.ts';
import { parseCliArgs, UsageError, USAGE, type ListArgs } from './args.ts';
import { addKeylogs, openAndIndex, write } from './common.ts';
import { exportObjects, follow, http } from './streams-cli.ts';

const PAGE = 2000;

/** Epoch nanoseconds (decimal text) as ISO 8601 with nanoseconds, UTC. */
export function isoFromNs(ns: string | null): string | null {
  if (ns === null) return null;
  const v = BigInt(ns);
  const sec = v / 1_000_000_000n;
  const frac = (v % 1_000_000_000n + 1_000_000_000n) % 1_000_000_000n;
  const base = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
  return `${base}.${frac.toString().padStart(9, '0')}Z`;
}

function readErrors(info: CaptureInfo): number {
  const n = info.extra.readErrors;
  return typeof n === 'number' ? n : 0;
}

async function info(client: EngineClient, file: string, more: string[], out: Writable): Promise<number> {
  const i = await openAndIndex(client, file, more);
  const { firstTimeNs, lastTimeNs, extra, ...rest } = i;
  const obj = {
    format: rest.format,
    events: rest.events,
    firstTime: isoFromNs(firstTimeNs),
    lastTime: isoFromNs(lastTimeNs),
    linkTypes: rest.linkTypes,
    warnings: rest.warnings,
    kind: rest.kind,
    compressed: rest.compressed,
    fileSize: rest.fileSize,
    bytes: rest.bytesRead,
    loadMs: Math.round(rest.loadMs),
    ...extra,
  };
  await write(out, `${JSON.stringify(obj)}\n`);
  return readErrors(i) > 0 ? 2 : 0;
}

/** A filter that does not parse: the message, the filter, and a caret line under the error range. */
export function filterErrorText(filter: string, errors: readonly FilterMessage[]): string {
  return errors
    .map((e) => `tracelens: ${e.message}\n  ${filter}\n  ${caretLine(filter, e)}\n`)
    .join('');
}

async function list(client: EngineClient, a: ListArgs, out: Writable, err: Writable): Promise<number> {
  if (a.fields.length > 0) {
    const known = new Set((await client.call('fields', null)).map((f) => f.name));
    const bad = a.fields.filter((f) => !known.has(f));
    if (bad.length > 0) {
      await write(err, `tracelens: not a field: ${bad.join(', ')} (see \`tracelens fields\`)\n`);
      return 1;
    }
  }
  const i = await openAndIndex(client, a.file, a.more);
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  let shown = i.events;
  if (a.filter !== undefined) {
    // rows/extract then page through the matching events only.
    const r = await client.call('filter', { text: a.filter });
    if (!r.ok) {
      // The engine parses the trimmed text: offsets refer to it.
      await write(err, filterErrorText(a.filter.trim(), r.errors));
      return 1;
    }
    for (const w of r.warnings) await write(err, `tracelens: warning: ${w.message}\n`);
    shown = r.matched;
  }
  if (a.fields.length > 0) {
    for (let start = 0; start < shown; start += PAGE) {
      const page = await client.call('extract', { start, count: PAGE, fields: a.fields });
      let text = '';
      for (let r = 0; r < page.events.length; r++) {
        const vals = page.values[r];
        if (a.format === 'json') {
          const o: Record<string, string | string[]> = {};
          a.fields.forEach((f, k) => {
            const v = vals[k];
            if (v.length === 1) o[f] = v[0];
            else if (v.length > 1) o[f] = v;
          });
          text += `${JSON.stringify(o)}\n`;
        } else {
          text += `${vals.map((v) => v.join(',')).join('\t')}\n`;
        }
      }
      await write(out, text);
    }
  } else {
    const columns = await client.call('columns', null);
    for (let start = 0; start < shown; start += PAGE) {
      const page = await client.call('rows', { start, count: PAGE });
      let text = '';
      for (let r = 0; r < page.events.length; r++) {
        const cells = columns.map((c) => page.strings[page.cells[c.id][r]]);
        if (a.format === 'json') {
          const o: Record<string, string> = {};
          columns.forEach((c, k) => (o[c.title] = cells[k]));
          text += `${JSON.stringify(o)}\n`;
        } else {
          text += `${cells.join('\t')}\n`;
        }
      }
      await write(out, text);
    }
  }
  for (const w of i.warnings) await write(err, `tracelens: ${a.file}: ${w}\n`);
  return readErrors(i) > 0 ? 2 : 0;
}

export async function runCli(argv: string[], out: Writable, err: Writable): Promise<number> {
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      await write(err, `tracelens: ${e.message}\n${USAGE}`);
      return 1;
    }
    throw e;
  }
  if (args.command === 'help') {
    await write(out, USAGE);
    return 0;
  }
  const worker = await startEngineWorker();
  const client = createEngineClient(worker.port);
  try {
    if (args.command === 'fields') {
      const fields = await client.call('fields', null);
      await write(out, fields.map((f) => `${f.name}\t${f.type}\t${f.description}\n`).join(''));
      return 0;
    }
    if (args.command === 'info') return await info(client, args.file, args.more, out);
    if (args.command === 'follow') return await follow(client, args, out, err);
    if (args.command === 'http') return await http(client, args, out, err);
    if (args.command === 'export-objects') return await exportObjects(client, args, out, err);
    return await list(client, args, out, err);
  } catch (e) {
    await write(err, `tracelens: ${(e as Error).message}\n`);
    if (process.env.TRACELENS_DEBUG) await write(err, `${(e as Error).stack}\n`);
    return 2;
  } finally {
    await worker.terminate();
  }
}
