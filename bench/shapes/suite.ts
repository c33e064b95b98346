/**
 * `npm run bench -- shapes [--sizes 10k,100k,1m] [--shape a,b,…] [--tshark] [--timeout S]
 *  [--ops info,http,…] [--regen] [--file PATH [--keylog KEYS]] [--tshark-from A.json,…]
 *  [--tshark-ops 'TCP header,http']`
 *
 * For each capture shape and size (or one given capture): generate the file into bench/out/shapes/
 * (kept for the next run; --regen rewrites it), then run every operation as its own process —
 * the CLI for what it has commands for, bench/shapes/engine-op.ts for details and sort — so peak
 * RSS is per operation. Prints a table per shape and writes every number to
 * bench/out/shapes-<date>.json and bench/out/shapes.md (markdown.ts). With --tshark the same
 * questions go to tshark on the same file; --tshark-from reuses tshark's cells of earlier runs
 * for the same file (same bytes) instead of asking it again; --tshark-ops asks tshark only the
 * operations named exactly (a 1M tshark run of every operation takes about 40 min of one core per shape),
 * reused cells are shown for every operation.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closePcapWriter, createPcapWriter } from '../make-pcap.ts';
import { reusableTshark, shapesMarkdown, type MdShape } from './markdown.ts';
import { run, type Run } from './measure.ts';
import { SHAPES, type Shape } from './shapes.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'bench', 'out');
const NODE = process.execPath;
const TSX_CLI = ['--import', 'tsx', join(ROOT, 'electron/cli/main.ts')];
/** Where --built puts the `tracelens` command it builds from the sources before measuring. */
const BUILT_DIR = join(OUT, 'cli');
const BUILT_CLI = [join(BUILT_DIR, 'tracelens.mjs')];
/** The CLI as run: the sources through tsx, or with --built the bundled command users install. */
let CLI = TSX_CLI;
const ENGINE_OP = ['--import', 'tsx', join(ROOT, 'bench/shapes/engine-op.ts')];

export interface Options {
  sizes: number[];
  shapes: string[];
  tshark: boolean;
  timeout: number | undefined;
  ops: string[] | undefined;
  regen: boolean;
  file: string | undefined;
  keylog: string | undefined;
  /** Saved runs whose tshark cells are reused (same shape, size and file bytes). */
  tsharkFrom: string[];
  /** Operations (name prefixes) tshark is run for; undefined: all. */
  tsharkOps: string[] | undefined;
  /** Run the built `tracelens` command (bench/out/cli, built first) instead of the sources under tsx. */
  built: boolean;
}

export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s.trim());
  if (!m) throw new Error(`--sizes: ${s} is not a size (10k, 100k, 1m or a number)`);
  return Math.round(Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1));
}

export function parseOptions(argv: string[]): Options {
  const o: Options = { sizes: [10_000, 100_000, 1_000_000], shapes: SHAPES.map((s) => s.id), tshark: false, timeout: undefined, ops: undefined, regen: false, file: undefined, keylog: undefined, tsharkFrom: [], tsharkOps: undefined, built: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} needs a value`);
      return x;
    };
    if (a === '--sizes') o.sizes = v().split(',').map(parseSize);
    else if (a === '--shape' || a === '--shapes') {
      o.shapes = v().split(',');
      const bad = o.shapes.filter((s) => !SHAPES.some((x) => x.id === s));
      if (bad.length) throw new Error(`unknown shape ${bad.join(',')} (shapes: ${SHAPES.map((s) => s.id).join(',')})`);
    } else if (a === '--tshark') o.tshark = true;
    else if (a === '--timeout') o.timeout = Number(v());
    else if (a === '--ops') o.ops = v().split(',');
    else if (a === '--regen') o.regen = true;
    else if (a === '--file') o.file = v();
    else if (a === '--keylog') o.keylog = v();
    else if (a === '--tshark-from') o.tsharkFrom = v().split(',');
    else if (a === '--tshark-ops') o.tsharkOps = v().split(',');
    else if (a === '--built') o.built = true;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

export interface Target {
  kind: 'packets' | 'syscalls';
  path: string;
  keylog: string | undefined;
  events: number;
  bytes: number;
  description: string;
  generateSeconds: number | null;
  /** Longest stream (most payload bytes) and the address of its client. */
  stream: string | null;
  ipSrc: string;
  tsharkExtra: string[];
  /** A process of the capture for the proc.name filter (syscall shapes that name one). */
  procName?: string;
}

interface Operation {
  name: string;
  /** Our command (argv after node) or null if it does not apply. */
  ours(t: Target, scratch: string): string[] | null;
  /** tshark's arguments for the same question, or null. */
  tshark(t: Target, scratch: string): string[] | null;
  /** sysdig's arguments for the same question on a scap file (the oracle column there), or null. */
  sysdig?(t: Target): string[] | null;
}

const isScap = (t: Target): boolean => t.path.endsWith('.scap');
/** A filter on sysdig's own field classes (http.*, tls.* … are ours only: sysdig refuses them). */
const SYSDIG_FIELD = /^(evt|proc|thread|fd|user|group|container)\./;

/**
 * A filter as sysdig 0.29 reads it: `=` for equality (its `==` is an error: "unknown event type
 * =read"), `contains` with a bare word. Our filter language takes both spellings.
 */
export function sysdigFilter(f: string): string {
  return f.replace(/ == /g, ' = ').replace(/ contains "([^"\s]*)"/g, ' contains $1');
}

const keys = (t: Target): string[] => (t.keylog ? ['--keylog', t.keylog] : []);
const numberField = (t: Target): string => (t.kind === 'packets' ? 'frame.number' : 'evt.num');

/** `filter` gives null where the operation does not apply to the target (e.g. TCP flags in a syscall log). */
function filterOp(name: string, filter: (t: Target) => string | null, tsharkToo = true): Operation {
  return {
    name,
    ours: (t) => {
      const f = filter(t);
      return f === null ? null : [...CLI, 'list', t.path, ...keys(t), '-f', f, '-e', numberField(t)];
    },
    tshark: (t) => {
      const f = filter(t);
      return f !== null && tsharkToo && t.kind === 'packets' ? ['-n', '-r', t.path, ...t.tsharkExtra, '-Y', f, '-T', 'fields', '-e', 'frame.number'] : null;
    },
    // One line per matching event, as ours prints with -e evt.num.
    sysdig: (t) => {
      const f = filter(t);
      return f !== null && isScap(t) && SYSDIG_FIELD.test(f) ? ['-r', t.path, '-p', '%evt.num', sysdigFilter(f)] : null;
    },
  };
}

const packetsOnly = (f: string) => (t: Target): string | null => (t.kind === 'packets' ? f : null);
const syscallsOnly = (f: (t: Target) => string) => (t: Target): string | null => (t.kind === 'syscalls' ? f(t) : null);
/** The process of the longest fd stream (`fd:PID:FD:N`), for the syscall indexed-column filter. */
const pidOf = (t: Target): string => /^fd:(-?\d+):/.exec(t.stream ?? '')?.[1] ?? '1';

export const OPERATIONS: Operation[] = [
  {
    name: 'index (info)',
    ours: (t) => [...CLI, 'info', t.path],
    tshark: (t) => (t.kind === 'packets' ? ['-n', '-r', t.path, ...t.tsharkExtra, '-q'] : null),
    // sysdig has no quiet whole-file pass: it prints each event's number (the CPU is the parse).
    sysdig: (t) => (isScap(t) ? ['-r', t.path, '-p', '%evt.num'] : null),
  },
  filterOp('indexed column', (t) => (t.kind === 'packets' ? 'tcp.stream == 5' : `proc.pid == ${pidOf(t)}`)),
  filterOp('IP', (t) => (t.kind === 'packets' ? `ip.src == ${t.ipSrc}` : `fd.cip == ${t.ipSrc}`)),
  filterOp('TCP header', packetsOnly('tcp.flags.syn == 1')),
  filterOp('fd.name contains', syscallsOnly((t) => `fd.name contains "${t.ipSrc}"`)),
  filterOp('evt.type', syscallsOnly(() => 'evt.type == read')),
  filterOp('proc.name', (t) => (t.kind === 'syscalls' && t.procName ? `proc.name == ${t.procName}` : null)),
  filterOp('HTTP request', () => 'http.request.method == "GET"'),
  filterOp('HTTP response', () => 'http.response.code == 200'),
  filterOp('TLS', () => 'tls.handshake.type == 1'),
  filterOp('HTTP/2', () => 'http2.streamid == 3'),
  filterOp('contains', (t) => (t.kind === 'packets' ? 'frame contains "GET"' : 'evt.buffer contains "GET"')),
  {
    name: 'follow longest',
    ours: (t) => (t.stream ? [...CLI, 'follow', t.path, ...keys(t), '--stream', t.stream, '--as', 'raw'] : null),
    tshark: (t) => {
      const m = /^(tcp|udp):(\d+)$/.exec(t.stream ?? '');
      return m && t.kind === 'packets' ? ['-n', '-r', t.path, ...t.tsharkExtra, '-q', '-z', `follow,${m[1]},raw,${m[2]}`] : null;
    },
  },
  {
    name: 'http',
    ours: (t) => [...CLI, 'http', t.path, ...keys(t)],
    tshark: (t) => (t.kind === 'packets' ? ['-n', '-r', t.path, ...t.tsharkExtra, '-Y', 'http or http2', '-T', 'fields', '-e', 'frame.number'] : null),
  },
  {
    name: 'export-objects',
    ours: (t, dir) => [...CLI, 'export-objects', t.path, ...keys(t), '--out', join(dir, 'ours')],
    tshark: (t, dir) => (t.kind === 'packets' ? ['-n', '-r', t.path, ...t.tsharkExtra, '-q', '--export-objects', `http,${join(dir, 'tshark')}`] : null),
  },
  {
    // The three SQL tables as Parquet files (docs/sql.md); tshark's nearest: the events table's columns as text.
    name: 'export parquet',
    ours: (t, dir) => [...CLI, 'export', t.path, ...keys(t), '--parquet', join(dir, 'parquet')],
    tshark: (t) => (t.kind === 'packets' ? ['-n', '-r', t.path, ...t.tsharkExtra, '-T', 'fields', ...['frame.number', 'frame.time_epoch', '_ws.col.Source', '_ws.col.Destination', '_ws.col.Protocol', 'frame.len', '_ws.col.Info', 'frame.cap_len', 'tcp.stream', 'udp.stream', 'tcp.srcport', 'tcp.dstport', 'tcp.flags', 'tcp.len'].flatMap((f) => ['-e', f])] : null),
  },
  {
    name: 'details last',
    ours: (t) => [...ENGINE_OP, 'details', t.path, ...keys(t)],
    tshark: (t) => (t.kind === 'packets' ? ['-n', '-r', t.path, ...t.tsharkExtra, '-Y', `frame.number == ${t.events}`, '-V'] : null),
  },
  { name: 'sort (last column)', ours: (t) => [...ENGINE_OP, 'sort', t.path, ...keys(t)], tshark: () => null },
];

export interface Cell extends Run {
  command: string[];
  /** The saved run this cell was taken from (--tshark-from), not measured again. */
  reusedFrom?: string;
}

export interface SizeResult {
  size: number;
  target: Target;
  ops: Record<string, { ours: Cell | null; tshark: Cell | null }>;
}

export interface ShapeResult {
  id: string;
  name: string;
  sizes: SizeResult[];
}

function sizeLabel(n: number): string {
  return n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n);
}

function log(s: string): void {
  process.stderr.write(`${s}\n`);
}

async function prepare(shape: Shape, size: number, regen: boolean): Promise<Target> {
  const dir = join(OUT, 'shapes');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${shape.id}-${sizeLabel(size)}.${shape.ext}`);
  const stamp = `${path}.json`;
  let description: string;
  let keylog: string | undefined;
  let generateSeconds: number | null = null;
  if (regen || !existsSync(path) || !existsSync(stamp)) {
    const t0 = performance.now();
    const g = shape.generate(path, size);
    generateSeconds = Number(((performance.now() - t0) / 1000).toFixed(2));
    description = g.description;
    keylog = g.keylog;
    writeFileSync(stamp, JSON.stringify({ description, keylog }));
  } else {
    const s = JSON.parse(readFileSync(stamp, 'utf8')) as { description: string; keylog?: string };
    description = s.description;
    keylog = s.keylog;
  }
  const t = await describe(path, keylog, shape.ext === 'pcap' ? 'packets' : 'syscalls', description, generateSeconds, shape.tshark?.(keylog) ?? []);
  return { ...t, ipSrc: t.ipSrc || shape.ipSrc, procName: shape.procName };
}

/** Events and the longest stream of a file, from the engine (not timed). */
async function describe(path: string, keylog: string | undefined, kind: Target['kind'], description: string, generateSeconds: number | null, tsharkExtra: string[]): Promise<Target> {
  const r = await run(NODE, [...ENGINE_OP, 'longest', path, ...(keylog ? ['--keylog', keylog] : [])], 900);
  let events = 0;
  let stream: string | null = null;
  let client = '';
  try {
    const j = JSON.parse(r.firstLine) as { events: number; stream: string | null; client?: string };
    events = j.events;
    stream = j.stream;
    client = j.client ?? '';
  } catch {
    log(`  could not describe ${path}: ${r.stderr || r.firstLine}`);
  }
  return { kind, path, keylog, events, bytes: statSync(path).size, description, generateSeconds, stream, ipSrc: client, tsharkExtra };
}

/**
 * Wall seconds a cell may take: CPU seconds are what is compared, but the machine is shared (wall
 * is 3–5× CPU under load), so 60 s at 100 k cut linear cells (shape c follow, e export-objects).
 */
export function timeoutFor(events: number): number {
  return Math.max(180, Math.round((600 * events) / 1e6));
}

/** Run every operation on `t` into `out`, calling `save` after each (the JSON is never behind by more than one cell). */
async function runOps(t: Target, opts: Options, out: SizeResult['ops'], save: () => void, where: { shape: string; size: number; saved: { file: string; shapes: MdShape[] }[] }): Promise<void> {
  const timeout = opts.timeout ?? timeoutFor(t.events);
  for (const op of OPERATIONS) {
    if (opts.ops && !opts.ops.some((o) => op.name.startsWith(o))) continue;
    const scratch = mkdtempSync(join(tmpdir(), 'tracelens-shapes-'));
    try {
      const ours = op.ours(t, scratch);
      const cliArgs = ours && ours[0] === CLI[0] ? ours.slice(CLI.length) : ours?.slice(3) ?? [];
      const oc: Cell | null = ours ? { command: [CLI === BUILT_CLI ? 'node bench/out/cli/tracelens.mjs' : 'npm run -s cli --', ...cliArgs], ...(await run(NODE, ours, timeout)) } : null;
      if (oc && ours?.[2]?.endsWith('engine-op.ts')) oc.command = ['node --import tsx bench/shapes/engine-op.ts', ...ours.slice(3)];
      // On a scap file the oracle column is sysdig's.
      const tool = isScap(t) ? 'sysdig' : 'tshark';
      const ts = opts.tshark ? (tool === 'sysdig' ? (op.sysdig?.(t) ?? null) : op.tshark(t, scratch)) : null;
      let tc: Cell | null = null;
      if (ts) {
        for (const sv of where.saved) {
          const hit = reusableTshark(sv.shapes, where.shape, where.size, t.bytes, op.name);
          if (hit) {
            tc = { ...hit, reusedFrom: sv.file };
            break;
          }
        }
        if (!tc && (!opts.tsharkOps || opts.tsharkOps.includes(op.name))) tc = { command: [tool, ...ts], ...(await run(tool, ts, timeout)) };
      }
      out[op.name] = { ours: oc, tshark: tc };
      save();
      log(`  ${op.name.padEnd(18)} ${oc ? fmtCell(oc, timeout) : '—'}${tc ? `   tshark ${fmtCell(tc, timeout)}` : ''}${oc && oc.exitCode !== 0 && !oc.timedOut ? `   (${oc.stderr.split('\n').pop()})` : ''}`);
    } finally {
      removeScratch(scratch);
    }
  }
}

/**
 * Removed by a detached `rm -rf`, not waited for: on a disk mounted with `discard` each unlink waits
 * for the device (export-objects of shape (a) at 1 M leaves 302,616 files: ~10 min of the suite's
 * wall time, untimed, at ~600 unlinks/s), while the removal is I/O, not CPU the next cell measures.
 */
function removeScratch(dir: string): void {
  const rm = spawn('rm', ['-rf', dir], { detached: true, stdio: 'ignore' });
  rm.on('error', () => rmSync(dir, { recursive: true, force: true }));
  rm.unref();
}

function fmtCell(c: Run, timeout: number): string {
  if (c.timedOut) return `>${timeout} s`;
  if (c.exitCode !== 0) return `exit ${c.exitCode}`;
  return `${c.seconds.toFixed(2)} s ${c.cpuSeconds.toFixed(2)} cpu ${c.peakRssMB} MB (${c.lines} lines)`;
}

/** Startup cost of one CLI process (median of three `info` runs on a one-packet file). */
async function baseline(): Promise<{ seconds: number; cpuSeconds: number }> {
  const path = join(OUT, 'shapes', 'one-packet.pcap');
  mkdirSync(join(OUT, 'shapes'), { recursive: true });
  const w = createPcapWriter(path);
  closePcapWriter(w);
  const runs: Run[] = [];
  for (let i = 0; i < 3; i++) runs.push(await run(NODE, [...CLI, 'info', path], 60));
  runs.sort((a, b) => a.seconds - b.seconds);
  return { seconds: runs[1].seconds, cpuSeconds: runs.map((r) => r.cpuSeconds).sort((a, b) => a - b)[1] };
}

/** Per-event CPU µs after the startup cost, or null when the run did not succeed. */
function perEvent(c: Cell | null | undefined, events: number, base: { cpuSeconds: number }): number | null {
  if (!c || c.timedOut || c.exitCode !== 0 || events === 0) return null;
  return (Math.max(0, c.cpuSeconds - base.cpuSeconds) / events) * 1e6;
}

function cellText(c: Cell | null | undefined, events: number, base: { cpuSeconds: number }, timeout: number): string {
  if (!c) return '—';
  if (c.timedOut) return `>${timeout} s`;
  if (c.exitCode !== 0) return `err ${c.exitCode}`;
  const pe = perEvent(c, events, base) ?? 0;
  return `${c.seconds.toFixed(2)}s ${c.cpuSeconds.toFixed(2)}c ${pe < 10 ? pe.toFixed(2) : pe.toFixed(0)}µs ${c.peakRssMB}M`;
}

/** tshark's cell; for filters, its match count when it differs from ours (both print one line per match). */
function tsharkText(c: Cell | null | undefined, ours: Cell | null | undefined, timeout: number): string {
  if (!c) return '—';
  if (c.timedOut) return `>${timeout} s`;
  if (c.exitCode !== 0) return `err ${c.exitCode}`;
  const isFilter = ours?.command.includes('list') && ours.exitCode === 0 && !ours.timedOut;
  return `${c.seconds.toFixed(2)}s ${c.cpuSeconds.toFixed(2)}c ${c.peakRssMB}M${isFilter && ours && ours.lines !== c.lines ? ` (${c.lines} vs our ${ours.lines} matches)` : ''}`;
}

export function printTable(r: ShapeResult, base: { seconds: number; cpuSeconds: number }, opts: Options): string {
  const sizes = r.sizes;
  const timeoutOf = (s: SizeResult): number => opts.timeout ?? timeoutFor(s.target.events);
  const head = [`operation`, ...sizes.map((s) => `${sizeLabel(s.size)} (s, cpu s, cpu µs/event, peak RSS)`), sizes.length > 1 ? `per-event ${sizeLabel(sizes[sizes.length - 1].size)}/${sizeLabel(sizes[0].size)}` : ''];
  if (opts.tshark) head.push(...sizes.map((s) => `tshark ${sizeLabel(s.size)}`));
  const rows: string[][] = [];
  for (const op of OPERATIONS) {
    if (!sizes.some((s) => s.ops[op.name])) continue;
    const row = [op.name];
    for (const s of sizes) row.push(cellText(s.ops[op.name]?.ours, s.target.events, base, timeoutOf(s)));
    if (sizes.length > 1) {
      const first = sizes[0];
      const last = sizes[sizes.length - 1];
      const a = perEvent(first.ops[op.name]?.ours, first.target.events, base);
      const b = perEvent(last.ops[op.name]?.ours, last.target.events, base);
      const lastCell = last.ops[op.name]?.ours;
      if (lastCell?.timedOut) row.push('**timeout**');
      else if (a === null || b === null) row.push('—');
      else {
        // Below 0.1 CPU s of work at the small size the ratio is mostly startup noise.
        const small = (first.ops[op.name]?.ours?.cpuSeconds ?? 0) - base.cpuSeconds < 0.1;
        const ratio = a > 0 ? b / a : Infinity;
        row.push(`${ratio === Infinity ? '∞' : ratio.toFixed(2)}${ratio > 2 && !small ? ' **>2×**' : ''}${small ? ' ~' : ''}`);
      }
    } else row.push('');
    if (opts.tshark) for (const s of sizes) row.push(tsharkText(s.ops[op.name]?.tshark, s.ops[op.name]?.ours, timeoutOf(s)));
    rows.push(row);
  }
  const lines = [`### (${r.id}) ${r.name}`, ''];
  for (const s of sizes) {
    lines.push(`- ${sizeLabel(s.size)}: ${s.target.events.toLocaleString('en')} events, ${(s.target.bytes / 1e6).toFixed(1)} MB — ${s.target.description}; longest stream ${s.target.stream ?? '—'}`);
  }
  lines.push('', `| ${head.filter((h) => h !== '').join(' | ')} |`, `|${head.filter((h) => h !== '').map(() => '---').join('|')}|`);
  for (const row of rows) lines.push(`| ${row.filter((_, k) => head[k] !== '').join(' | ')} |`);
  return lines.join('\n');
}

interface SavedRun {
  baseline: { seconds: number; cpuSeconds: number };
  options: Options;
  results: ShapeResult[];
}

/**
 * Saved runs merged: per shape and size, each operation from the last run that measured it (a run
 * of one operation, `--ops export`, replaces that cell only). Runs of another file of the same
 * shape and size (other bytes: the generator changed) replace the whole size.
 */
export function mergeResults(runs: { results: ShapeResult[]; baseline?: { cpuSeconds: number } }[]): ShapeResult[] {
  const byShape = new Map<string, ShapeResult>();
  for (const r of runs) {
    for (const shape of r.results) {
      const m = byShape.get(shape.id) ?? { id: shape.id, name: shape.name, sizes: [] };
      for (const s of shape.sizes) {
        const old = m.sizes.find((x) => x.size === s.size);
        const same = old !== undefined && old.target.bytes === s.target.bytes;
        // Each cell keeps its own run's start-up (a tsx run's is twice a --built run's), and a run
        // without tshark keeps the tshark cell measured earlier on the same bytes.
        const fresh: SizeResult['ops'] = {};
        for (const [name, op] of Object.entries(s.ops)) {
          const ours = op.ours && r.baseline && op.ours.startCpu === undefined ? { ...op.ours, startCpu: r.baseline.cpuSeconds } : op.ours;
          fresh[name] = { ours, tshark: op.tshark ?? (same ? (old.ops[name]?.tshark ?? null) : null) };
        }
        const ops = same ? { ...old.ops, ...fresh } : fresh;
        m.sizes = [...m.sizes.filter((x) => x !== old), { ...s, ops }];
      }
      m.sizes.sort((a, b) => a.size - b.size);
      byShape.set(shape.id, m);
    }
  }
  return [...byShape.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function mergedRuns(files: string[]): { shapes: ShapeResult[]; baseline: SavedRun['baseline'] } {
  const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as SavedRun);
  return { shapes: mergeResults(runs), baseline: runs[runs.length - 1].baseline };
}

/** `shapes --report A.json [B.json…]`: the tables again from saved runs merged (mergeResults: per cell, the later run wins). */
export function reportFromJson(files: string[]): string {
  const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as SavedRun);
  const opts = { ...runs[0].options, tshark: runs.some((r) => r.options.tshark), timeout: undefined };
  return mergeResults(runs)
    .map((r) => printTable(r, runs[runs.length - 1].baseline, opts))
    .join('\n\n');
}

export async function runShapes(argv: string[]): Promise<void> {
  if (argv[0] === '--report') {
    console.log(reportFromJson(argv.slice(1)));
    const { shapes, baseline: b } = mergedRuns(argv.slice(1));
    writeFileSync(join(OUT, 'shapes.md'), shapesMarkdown(shapes, OPERATIONS.map((o) => o.name), b, `## Shapes table (from ${argv.slice(1).join(', ')})`));
    log(`wrote ${join(OUT, 'shapes.md')}`);
    return;
  }
  const opts = parseOptions(argv);
  mkdirSync(OUT, { recursive: true });
  if (opts.built) {
    // Built from the sources as they are now, so the numbers are never of a stale bundle.
    const b = spawnSync(NODE, [join(ROOT, 'scripts/build-cli.mjs'), BUILT_DIR], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error(`building the tracelens command failed (exit ${b.status})`);
    CLI = BUILT_CLI;
    log(`measuring the built command ${BUILT_CLI[0]}`);
  }
  const base = await baseline();
  log(`startup of one CLI process: ${base.seconds.toFixed(2)} s, ${base.cpuSeconds.toFixed(2)} CPU s (subtracted from CPU before per-event cost)`);
  const results: ShapeResult[] = [];
  const jobs: { id: string; name: string; targets: (() => Promise<{ size: number; target: Target }>)[] }[] = [];
  if (opts.file) {
    const file = resolve(opts.file);
    const kind = /\.(strace|txt|log|scap)$|\.\d+$/.test(file) ? 'syscalls' : 'packets';
    jobs.push({
      id: 'file',
      name: file,
      targets: [async () => {
        const t = await describe(file, opts.keylog, kind, 'given capture', null, opts.keylog ? ['-o', `tls.keylog_file:${opts.keylog}`] : []);
        return { size: t.events, target: { ...t, ipSrc: t.ipSrc || '127.0.0.1' } };
      }],
    });
  } else {
    for (const shape of SHAPES.filter((s) => opts.shapes.includes(s.id))) {
      jobs.push({ id: shape.id, name: shape.name, targets: opts.sizes.map((size) => async () => ({ size, target: await prepare(shape, size, opts.regen) })) });
    }
  }
  const saved = opts.tsharkFrom.map((file) => ({ file, shapes: (JSON.parse(readFileSync(file, 'utf8')) as SavedRun).results }));
  const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  // The pid too: two suites started in the same second (two queues) must not share a file.
  const jsonPath = join(OUT, `shapes-${stamp}-${process.pid}.json`);
  const tables: string[] = [];
  for (const job of jobs) {
    const r: ShapeResult = { id: job.id, name: job.name, sizes: [] };
    results.push(r);
    for (const make of job.targets) {
      const { size, target } = await make();
      log(`(${job.id}) ${job.name} @ ${sizeLabel(size)}: ${target.events} events, ${(target.bytes / 1e6).toFixed(1)} MB, ${target.description}`);
      const ops: SizeResult['ops'] = {};
      r.sizes.push({ size, target, ops });
      await runOps(target, opts, ops, () => writeFileSync(jsonPath, JSON.stringify({ date: new Date().toISOString(), baseline: base, options: opts, results }, null, 1)), { shape: job.id, size, saved });
    }
    const table = printTable(r, base, opts);
    tables.push(table);
    console.log(`${table}\n`);
  }
  writeFileSync(jsonPath.replace(/\.json$/, '.md'), `${tables.join('\n\n')}\n`);
  writeFileSync(join(OUT, 'shapes.md'), shapesMarkdown(results, OPERATIONS.map((o) => o.name), base, `## Shapes table (${stamp})`));
  log(`wrote ${jsonPath} (and the tables as .md beside it), and ${join(OUT, 'shapes.md')}`);
}
