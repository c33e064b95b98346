/** The CLI commands over an engine worker. */
import type { Readable, Writable } from 'node:stream';
import { commandVersion } from './version.ts';
import { createEngineClient, type EngineClient } from '../../shared/engine-client.ts';
import { caretLine, type FilterMessage } from '../../shared/filter/index.ts';
import type { CaptureInfo, DetailsNode, RowsPage } from '../../shared/rpc.ts';
import { startEngineWorker, type EngineWorker } from '../engine/host/node-worker.ts';
import { DEFAULT_LIMITS, isLimitMessage, limitsFromEnv, memoryMb, tempBytes, type EngineLimits } from '../engine/limits.ts';
import { NotInTracelens, parseCliArgs, parseTraceArgs, splitDecodeAsArgs, UsageError, USAGE, type ListArgs } from './args.ts';
import { parseTsharkArgs } from './tshark-args.ts';
import { COLUMN_FIELD_PREFIX, MAX_LINES_PAGE, type DecodeAsRule } from '../../shared/rpc.ts';
import { addKeylogs, openAndIndex, write } from './common.ts';
import { filterWantsHeads } from '../../shared/http-head-fields.ts';
import { unpackRows } from '../../shared/packed-values.ts';
import { escapeTsv, fieldsLine, lineStart } from '../../shared/field-lines.ts';
import { expert, tls } from './expert-cli.ts';
import { exportObjects, follow, http } from './streams-cli.ts';
import { stats } from './stats-cli.ts';
import { listFollow } from './follow-list.ts';
import { trace } from './trace.ts';
import { har } from './har-cli.ts';
import { exportTables, sql } from './sql-cli.ts';
import { spoolStdin, type StdinSpool } from './stdin-spool.ts';

const PAGE = 2000;
/** Rows per packed extract page: the engine's largest (rows-page.ts MAX_PAGE), a copy per page is cheap. */
const PACKED_PAGE = 5000;

/** Epoch nanoseconds (decimal text) as ISO 8601 with nanoseconds, UTC. */
export function isoFromNs(ns: string | null): string | null {
  if (ns === null) return null;
  const v = BigInt(ns);
  const sec = v / 1_000_000_000n;
  const frac = (v % 1_000_000_000n + 1_000_000_000n) % 1_000_000_000n;
  const base = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
  return `${base}.${frac.toString().padStart(9, '0')}Z`;
}

/**
 * First/last time for `info`: ISO 8601, except for strace logs whose timestamps have no date
 * (extra.timestamps: -t/-tt print the time of day only, -r seconds since the first line, no
 * option nothing), where a 1970 date would be made up.
 */
function timeText(ns: string | null, timestamps: unknown): string | null {
  const iso = isoFromNs(ns);
  if (iso === null) return null;
  if (timestamps === 'time of day') return iso.slice(11, -1);
  if (timestamps === 'relative') return `+${(BigInt(ns ?? 0) / 1_000_000_000n).toString()}.${iso.slice(20, -1)}`;
  if (timestamps === 'none') return null;
  return iso;
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

/** `link` and `owners` of a capture set. */
async function setCommand(client: EngineClient, a: { command: 'link'; file: string; more: string[]; event: number } | { command: 'owners'; file: string; more: string[] }, out: Writable, err: Writable): Promise<number> {
  await openAndIndex(client, a.file, a.more);
  if (a.command === 'owners') {
    const rows = await client.call('owners', null);
    await write(out, rows.map((r) => `${r.stream}\t${r.client}\t${r.server}\t${r.clientOwner}\t${r.serverOwner}\n`).join(''));
    return 0;
  }
  const r = await client.call('links', { event: a.event });
  await write(out, r.links.map((l) => `${l.event}\t${l.role}\t${l.from}-${l.to}\n`).join(''));
  for (const n of r.notes) await write(err, `tracelens: note: event ${a.event}: ${n}\n`);
  return 0;
}

async function info(client: EngineClient, file: string, more: string[], out: Writable): Promise<number> {
  const i = await openAndIndex(client, file, more);
  const { firstTimeNs, lastTimeNs, extra, ...rest } = i;
  const obj = {
    format: rest.format,
    events: rest.events,
    firstTime: timeText(firstTimeNs, extra.timestamps),
    lastTime: timeText(lastTimeNs, extra.timestamps),
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

// Where the -T fields text is made (the engine writes `list -e` pages with it); tests read them here.
export { escapeTsv, fieldsLine };

/** The details tree as tshark -V prints it: four spaces per level, a blank line after each event. */
export function detailsText(nodes: readonly DetailsNode[], depth = 0): string {
  let text = '';
  for (const n of nodes) {
    text += `${' '.repeat(4 * depth)}${n.label}\n`;
    if (n.children) text += detailsText(n.children, depth + 1);
  }
  return text;
}

/** One event's -e values as a line of the list command's output (tsv or json). */
function valuesLine(vals: readonly (readonly string[])[], a: ListArgs): string {
  if (a.format !== 'json') return `${fieldsLine(vals, a.fieldStyle)}\n`;
  const o: Record<string, string | readonly string[]> = {};
  a.fields.forEach((f, k) => {
    const v = vals[k];
    if (v.length === 1) o[f] = v[0];
    else if (v.length > 1) o[f] = v;
  });
  return `${JSON.stringify(o)}\n`;
}

/** Row `r` of a rows page as a line of the list command's output: the columns (tsv or json). */
function rowLine(page: RowsPage, r: number, columns: readonly { id: string; title: string }[], a: ListArgs): string {
  const cells = columns.map((c) => page.strings[page.cells[c.id][r]]);
  if (a.format !== 'json') return `${cells.join('\t')}\n`;
  const o: Record<string, string> = {};
  columns.forEach((c, k) => (o[c.title] = cells[k]));
  return `${JSON.stringify(o)}\n`;
}

async function list(client: EngineClient, a: ListArgs, out: Writable, err: Writable, inputEnded?: Promise<unknown>): Promise<number> {
  for (const n of a.notes) await write(err, `tracelens: note: ${n}\n`);
  if (a.follow) {
    return listFollow(client, a, out, err, {
      stopAfter: a.stopAfter,
      inputEnded,
      code: readCode,
      format: (page, columns) => {
        let text = '';
        if (page.values) for (const v of page.values) text += valuesLine(v, a);
        else if (page.rows) for (let r = 0; r < page.rows.events.length; r++) text += rowLine(page.rows, r, columns, a);
        return text;
      },
    });
  }
  if (a.fields.length > 0) {
    const known = new Set((await client.call('fields', null)).map((f) => f.name));
    // Column fields (`_ws.col.Info`) depend on the capture's kind: the engine checks them once it is open.
    const bad = a.fields.filter((f) => !known.has(f) && !f.startsWith(COLUMN_FIELD_PREFIX));
    if (bad.length > 0) {
      await write(err, `tracelens: not a field: ${bad.join(', ')} (see \`tracelens fields\`)\n`);
      return 1;
    }
  }
  // A filter on methods or status codes only: the index pass reads the heads, no HTTP scan is needed.
  const i = await openAndIndex(client, a.file, a.more, a.filter !== undefined && filterWantsHeads(a.filter));
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  if (a.names.network) await client.call('nameResolution', a.names);
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
  // --count N (tshark -c): the view is in event order, so the rows of events 1..N come first.
  const last = a.count ?? Infinity;
  if (a.quiet) shown = 0;
  if (a.fields.length > 0) {
    if (a.format === 'tsv' && a.fieldStyle.header && !a.quiet) await write(out, `${a.fields.join(a.fieldStyle.separator)}\n`);
    // Pages may come back shorter than asked (large values): go on from where each one ends.
    let more = true;
    const s = a.fieldStyle;
    const lines = { separator: s.separator, aggregator: s.aggregator, quote: s.quote, occurrence: s.occurrence };
    for (let start = 0, got = 1; more && start < shown && got > 0; start += got) {
      // tsv: the engine writes the lines, this writes their bytes as they come.
      const page = a.format === 'json'
        ? await client.call('extract', { start, count: PACKED_PAGE, fields: a.fields, packed: true })
        : await client.call('extract', { start, count: MAX_LINES_PAGE, fields: a.fields, lines });
      got = page.events.length;
      let rows = 0;
      while (rows < got && page.events[rows] <= last) rows++;
      more = rows === got;
      const b = page.lines;
      if (b) {
        await write(out, Buffer.from(b.buffer, b.byteOffset, rows === got ? b.length : lineStart(b, rows)));
        continue;
      }
      const p = page.packed;
      const values = p ? unpackRows(p, rows, a.fields.length) : page.values;
      let text = '';
      for (let r = 0; r < rows; r++) text += valuesLine(values[r], a);
      await write(out, text);
    }
  } else {
    // The Info column of an event completing an HTTP message is the message's (as tshark's): the
    // engine answers a rows page once the HTTP scan is done, unless no row of it can carry one.
    const columns = await client.call('columns', null);
    let more = true;
    for (let start = 0; more && start < shown; start += PAGE) {
      const page = await client.call('rows', { start, count: PAGE });
      let text = '';
      for (let r = 0; r < page.events.length; r++) {
        if (page.events[r] > last) {
          more = false;
          break;
        }
        if (a.details && a.format === 'tsv') {
          text += `${detailsText(await client.call('details', { event: page.events[r] }))}\n`;
          continue;
        }
        text += rowLine(page, r, columns, a);
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
  /** Standard input, for FILE `-` (default process.stdin). */
  stdin?: Readable;
}

export async function runCli(argv: string[], out: Writable, err: Writable, deps: CliDeps = {}): Promise<number> {
  let args;
  let limits: Partial<EngineLimits>;
  let decodeAs: DecodeAsRule[];
  // trace's arguments after its own are the traced command's (`curl -d x`): nothing is taken out.
  if (argv[0] === 'trace') {
    try {
      return await trace(parseTraceArgs(argv.slice(1)), out, err);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      await write(err, `tracelens: ${e.message}\n${USAGE}`);
      return 1;
    }
  }
  try {
    const split = splitLimitArgs(argv);
    let env: Partial<EngineLimits>;
    try {
      env = limitsFromEnv(process.env);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    limits = { ...env, ...split.limits };
    const d = splitDecodeAsArgs(split.rest);
    decodeAs = d.rules;
    args = d.rest[0] === 'tshark' ? parseTsharkArgs(d.rest.slice(1)) : parseCliArgs(d.rest);
  } catch (e) {
    if (e instanceof UsageError) {
      await write(err, e instanceof NotInTracelens ? `tracelens: ${e.message}\n` : `tracelens: ${e.message}\n${USAGE}${USAGE_LIMITS}`);
      return 1;
    }
    throw e;
  }
  if (args.command === 'help') {
    await write(out, USAGE + USAGE_LIMITS);
    return 0;
  }
  if (args.command === 'trace') return trace(args, out, err);
  if (args.command === 'version') {
    await write(out, `tracelens ${commandVersion()}\n`);
    return 0;
  }
  let worker: EngineWorker;
  try {
    // One command, one question: the HTTP scan runs only if the command needs HTTP.
    worker = await (deps.startEngine ?? ((l: Partial<EngineLimits>) => startEngineWorker({ limits: l, engine: { scanOnDemand: true } })))(limits);
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
  let spool: StdinSpool | undefined;
  const run = async (): Promise<number> => {
    const a = args;
    if (a.command === 'fields') {
      const fields = await client.call('fields', null);
      await write(out, fields.map((f) => `${f.name}\t${f.type}\t${f.description}\n`).join(''));
      return 0;
    }
    if (decodeAs.length > 0) {
      // Before the capture opens, so it is indexed once, under the rules.
      const r = await client.call('decodeAs', { rules: decodeAs });
      if (r.problems.length > 0) {
        await write(err, r.problems.map((p) => `tracelens: -d: ${p}\n`).join(''));
        return 1;
      }
    }
    // FILE `-`: standard input, copied to a private temp file the engine follows (stdin-spool.ts).
    let inputEnded: Promise<unknown> | undefined;
    if ('file' in a && a.file === '-') {
      spool = spoolStdin(deps.stdin ?? process.stdin, limits.maxTempBytes ?? DEFAULT_LIMITS.maxTempBytes);
      a.file = spool.path;
      const s = spool;
      inputEnded = s.ended.then(async (r) => {
        if (r.error) await write(err, `tracelens: ${r.error}\n`);
      });
      // Only `list --follow` prints as the input arrives; otherwise the whole input is one file.
      if (a.command !== 'list' || !a.follow) await inputEnded;
    }
    if (a.command === 'info') return await info(client, a.file, a.more, out);
    if (a.command === 'list') return await list(client, a, out, err, inputEnded);
    if (a.command === 'stats') return await stats(client, a, out, err);
    if (a.command === 'har') return await har(client, a, out, err);
    if (a.command === 'sql') return await sql(client, a, out, err);
    if (a.command === 'export') return await exportTables(client, a, out, err);
    if (a.command === 'link' || a.command === 'owners') return await setCommand(client, a, out, err);
    const code = a.command === 'follow' ? await follow(client, a, out, err) : a.command === 'http' ? await http(client, a, out, err)
      : a.command === 'expert' ? await expert(client, a, out, err) : a.command === 'tls' ? await tls(client, a, out, err) : await exportObjects(client, a, out, err);
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
    spool?.remove();
  }
}
