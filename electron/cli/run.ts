/** The CLI commands over an engine worker. */
import type { Writable } from 'node:stream';
import { createEngineClient, type EngineClient } from '../../shared/engine-client.ts';
import { caretLine, type FilterMessage } from '../../shared/filter/index.ts';
import type { CaptureInfo } from '../../shared/rpc.ts';
import { startEngineWorkerWith, type EngineWorker } from '../engine/host/node-worker.ts';
import { isLimitMessage, limitsFromEnv, memoryMb, tempBytes, type EngineLimits } from '../engine/limits.ts';
import { parseCliArgs, UsageError, USAGE, type ListArgs } from './args.ts';
import { addKeylogs, openAndIndex, write } from './common.ts';
import { exportObjects, follow, http } from './streams-cli.ts';
import { stats } from './stats-cli.ts';

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

/** Why indexing stopped at a limit (packets say so in extra.stopped, every format in a warning). */
function limitStop(info: CaptureInfo): string | undefined {
  const s = info.extra.stopped;
  return typeof s === 'string' ? s : info.warnings.find(isLimitMessage);
}

/** Exit code of a command over an indexed capture: 2 when part of it could not be read. */
function readCode(info: CaptureInfo): number {
  return readErrors(info) > 0 || limitStop(info) !== undefined ? 2 : 0;
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
  return readCode(i);
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
    // Pages may come back shorter than asked (large values): go on from where each one ends.
    for (let start = 0, got = 1; start < shown && got > 0; start += got) {
      const page = await client.call('extract', { start, count: PAGE, fields: a.fields });
      got = page.events.length;
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
  return readCode(i);
}

/** The engine options every command takes; documented in USAGE_LIMITS. */
export const USAGE_LIMITS = `  Every command that opens a FILE also takes --max-memory MB (engine memory limit, default 1024;
  or TRACELENS_MAX_MEMORY) and --max-temp GIB (disk for a decompressed .gz capture, default 8;
  or TRACELENS_MAX_TEMP). A capture over a limit is read up to it, with a warning, exit code 2.
`;

/** Take --max-memory / --max-temp (anywhere, `--opt V` or `--opt=V`) out of argv. */
export function splitLimitArgs(argv: readonly string[]): { rest: string[]; limits: Partial<EngineLimits> } {
  const rest: string[] = [];
  const limits: Partial<EngineLimits> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^(--max-memory|--max-temp)(?:=(.*))?$/.exec(argv[i]);
    if (!m) {
      rest.push(argv[i]);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new UsageError(`${m[1]} needs a value`);
    try {
      if (m[1] === '--max-memory') limits.maxMemoryMb = memoryMb(value, m[1]);
      else limits.maxTempBytes = tempBytes(value, m[1]);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  return { rest, limits };
}

/** The engine ended on its own while a command ran. */
class EngineDied extends Error {}

export interface CliDeps {
  startEngine?: (limits: Partial<EngineLimits>) => Promise<EngineWorker>;
  /** Set to the running engine, so a signal handler can end it (main.ts). */
  onEngine?: (worker: EngineWorker) => void;
}

export async function runCli(argv: string[], out: Writable, err: Writable, deps: CliDeps = {}): Promise<number> {
  let args;
  let limits: Partial<EngineLimits>;
  try {
    const split = splitLimitArgs(argv);
    let env: Partial<EngineLimits>;
    try {
      env = limitsFromEnv(process.env);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    limits = { ...env, ...split.limits };
    args = parseCliArgs(split.rest);
  } catch (e) {
    if (e instanceof UsageError) {
      await write(err, `tracelens: ${e.message}\n${USAGE}${USAGE_LIMITS}`);
      return 1;
    }
    throw e;
  }
  if (args.command === 'help') {
    await write(out, USAGE + USAGE_LIMITS);
    return 0;
  }
  let worker: EngineWorker;
  try {
    worker = await (deps.startEngine ?? startEngineWorkerWith)(limits);
  } catch (e) {
    await write(err, `tracelens: cannot start the engine: ${(e as Error).message}\n`);
    return 3;
  }
  deps.onEngine?.(worker);
  const client = createEngineClient(worker.port);
  // Events indexed so far, for the message if the engine dies; why indexing stopped early.
  let events: number | undefined;
  let stopped: string | undefined;
  client.onEvent((e) => {
    if (e.type !== 'progress') return;
    events = e.info.events;
    stopped ??= limitStop(e.info);
  });
  // An engine that dies (out of memory, crash) answers nothing more: without this race the
  // command would wait forever, Node would find nothing left to do, and exit 0 in silence.
  const died = worker.died.then((m) => {
    throw new EngineDied(events !== undefined && !/ after \d+ events/.test(m) ? `${m} (${events} events were read)` : m);
  });
  const run = async (): Promise<number> => {
    const a = args;
    if (a.command === 'fields') {
      const fields = await client.call('fields', null);
      await write(out, fields.map((f) => `${f.name}\t${f.type}\t${f.description}\n`).join(''));
      return 0;
    }
    if (a.command === 'info') return await info(client, a.file, a.more, out);
    if (a.command === 'list') return await list(client, a, out, err);
    if (a.command === 'stats') return await stats(client, a, out, err);
    const code = a.command === 'follow' ? await follow(client, a, out, err) : a.command === 'http' ? await http(client, a, out, err) : await exportObjects(client, a, out, err);
    // info and list report every warning; the stream commands at least say that a limit cut
    // the capture short, and that the answer covers only the part before it.
    if (stopped === undefined) return code;
    await write(err, `tracelens: ${a.file}: ${stopped}\n`);
    return code === 0 ? 2 : code;
  };
  try {
    return await Promise.race([run(), died]);
  } catch (e) {
    if (e instanceof EngineDied) {
      await write(err, `tracelens: ${e.message}\n`);
      return 3;
    }
    await write(err, `tracelens: ${(e as Error).message}\n`);
    if (process.env.TRACELENS_DEBUG) await write(err, `${(e as Error).stack}\n`);
    return 2;
  } finally {
    died.catch(() => {});
    await worker.terminate();
  }
}
