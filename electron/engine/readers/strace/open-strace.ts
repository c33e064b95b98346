/**
 * Opening strace logs: one file (streamed in chunks, yielding between them, progress and
 * cancel), or several `-ff` per-process files merged into one capture in time order.
 */
import { basename } from 'node:path';
import type { CaptureInfo } from '../../../../shared/rpc.ts';
import type { Capture, OpenOptions } from '../../capture.ts';
import { createColumn, pushValue } from '../../index/columns.ts';
import { openCaptureSource, type CaptureSource } from '../../io/capture-source.ts';
import { addSyscallEvent, createSyscallIndex, syscallCapture, syscallCount, syscallEventAt, syscallTimeNs, type SyscallEventInput, type SyscallIndex, type SyscallReader } from '../../syscalls/syscall-index.ts';
import { dissectStrace, dissectStraceIo, straceArgsText, straceIoBytes, straceFieldGroups, type StraceFile } from './dissect.ts';
import { createStraceIndexer, TIME_KIND_TEXT, type StraceStats } from './indexer.ts';
import { createLine, Kind, parseLine } from './line.ts';

const YIELD_MS = 50;

/** An strace capture (one log or an -ff merge) as a reader of a merged syscall index. */
export type StraceCapture = SyscallReader;

/** `-ff` output files are named `PREFIX.PID`: the pid of prefix-less lines. */
export function pidFromFileName(path: string): number {
  const m = /\.(\d+)$/.exec(basename(path));
  return m ? Number(m[1]) : -1;
}

/**
 * True when the first lines look like strace output: most non-empty lines are syscalls,
 * resumed calls, signals, exits or attach banners (for the engine's format detection).
 */
export function isStraceText(head: Uint8Array): boolean {
  const L = createLine();
  let good = 0;
  let seen = 0;
  let p = 0;
  while (p < head.length && seen < 40) {
    let nl = head.indexOf(10, p);
    if (nl < 0) {
      if (seen > 0) break; // last line may be cut by the sample size
      nl = head.length;
    }
    parseLine(head, p, nl, L);
    p = nl + 1;
    if (L.kind === Kind.Empty || L.kind === Kind.Stack || L.kind === Kind.HexDump) continue;
    seen++;
    if (L.kind !== Kind.Text) good++;
  }
  return seen > 0 && good * 2 > seen;
}

function statsExtra(stats: StraceStats[]): Record<string, number | string> {
  const sum = (k: 'syscalls' | 'joined' | 'signals' | 'exits' | 'textLines' | 'binaryLines' | 'incomplete' | 'lines'): number => stats.reduce((a, s) => a + s[k], 0);
  const limit = Math.max(-1, ...stats.map((s) => s.stringLimit));
  const procs = new Set<number>();
  for (const s of stats) for (const p of s.processes) procs.add(p);
  return {
    processes: procs.size,
    syscalls: sum('syscalls'),
    joinedUnfinished: sum('joined'),
    signals: sum('signals'),
    exits: sum('exits'),
    unparsedLines: sum('textLines'),
    binaryLines: sum('binaryLines'),
    incompleteCalls: sum('incomplete'),
    lines: sum('lines'),
    timestamps: TIME_KIND_TEXT[stats[0]?.clock ?? 0],
    // strace -s N: data strings longer than N bytes are not in the log (HTTP heads cut there)
    ...(limit >= 0 ? { stringLimit: limit, stringLimitNote: `strings cut at ${limit} bytes by strace -s ${limit}` } : {}),
  };
}

interface Indexed {
  file: StraceFile;
  stats: StraceStats;
  bytesRead: number;
  done: Promise<void>;
  cancelled: () => boolean;
}

/** Stream one source through the strace indexer. */
function indexSource(source: CaptureSource, opts: OpenOptions, warnings: string[], defaultTid: number, onBatch: (bytes: number) => void): Indexed {
  const ix = createSyscallIndex();
  const indexer = createStraceIndexer(ix, warnings, defaultTid);
  const state: Indexed = {
    file: { ix, extra: indexer.extra, ra: source.randomAccess },
    stats: indexer.extra.stats,
    bytesRead: 0,
    done: Promise.resolve(),
    cancelled: () => opts.signal?.aborted ?? false,
  };
  state.done = (async () => {
    let last = performance.now();
    let first = true;
    let trailing: ReturnType<typeof setTimeout> | undefined;
    const result = await source.stream(async (chunk) => {
      try {
        indexer.push(chunk);
      } catch (e) {
        // never expected; keep what was indexed and say where it stopped
        warnings.push(`${source.path}: internal error at byte ${state.bytesRead}: ${(e as Error).message}`);
      }
      state.bytesRead += chunk.length;
      const now = performance.now();
      if (first || now - last > YIELD_MS) {
        first = false;
        clearTimeout(trailing);
        trailing = undefined;
        onBatch(state.bytesRead);
        await new Promise<void>((r) => setImmediate(r));
        last = performance.now();
      } else if (trailing === undefined && opts.follow) {
        // Held back by the rate limit: announced a turn later, or the last lines of a followed
        // log that stops growing would never reach the window.
        trailing = setTimeout(() => {
          trailing = undefined;
          onBatch(state.bytesRead);
        }, YIELD_MS);
      }
    }, opts.signal, opts.follow);
    clearTimeout(trailing);
    try {
      indexer.end();
    } catch (e) {
      warnings.push(`${source.path}: internal error at the end of the data: ${(e as Error).message}`);
    }
    if (result.error) warnings.push(`${source.path}: ${result.error}`);
    if (opts.signal?.aborted) warnings.push(`${source.path}: indexing cancelled after ${syscallCount(ix)} events (${state.bytesRead} bytes)`);
  })();
  return state;
}

function timeRange(ix: SyscallIndex): [string | null, string | null] {
  const n = syscallCount(ix);
  if (n === 0) return [null, null];
  const a = syscallTimeNs(ix, 1);
  const z = syscallTimeNs(ix, n);
  return [(a < z ? a : z).toString(), (a < z ? z : a).toString()];
}

/**
 * Start indexing one strace log. The capture answers requests at once (rows appear as they
 * are indexed); `indexing` resolves when the whole log has been read.
 */
export function startStrace(source: CaptureSource, opts: OpenOptions, warnings: string[]): { capture: StraceCapture; indexing: Promise<void> } {
  const started = performance.now();
  let done = false;
  let loadMs = 0;
  const run = indexSource(source, opts, warnings, pidFromFileName(source.path), () => opts.onProgress?.(info()));
  const { file } = run;
  const info = (): CaptureInfo => {
    const [first, last] = timeRange(file.ix);
    return {
      name: basename(source.path),
      path: source.path,
      format: 'strace',
      kind: 'syscalls',
      compressed: source.compressed,
      events: syscallCount(file.ix),
      bytesRead: run.bytesRead,
      fileSize: source.fileSize,
      firstTimeNs: first,
      lastTimeNs: last,
      linkTypes: [],
      warnings: warnings.slice(0, 1000),
      done,
      cancelled: run.cancelled(),
      loadMs: done ? loadMs : performance.now() - started,
      extra: { ...statsExtra([run.stats]), warningCount: warnings.length },
    };
  };
  const syscalls = syscallCapture(file.ix, {
    info,
    args: (event) => safe(() => straceArgsText(file, event), '', warnings, event),
    dissect: (event, d) => safe(() => dissectStrace(file, event, file.ix, event, d), undefined, warnings, event),
    // An error here is reported by the full dissection, which the caller falls back to.
    dissectIo: (event, d) => dissectStraceIo(file, event, file.ix, event, d),
    ioBytes: (event) => straceIoBytes(file, event),
    fieldGroups: () => straceFieldGroups(file.ix, (event) => ({ file, local: event })),
    close: () => source.randomAccess.close(),
  });
  const name = basename(source.path);
  const capture: StraceCapture = {
    ...syscalls,
    argsOf: (event) => safe(() => straceArgsText(file, event), '', warnings, event),
    fileNameOf: () => name,
    dissectAs: (local, ix, event, d) => safe(() => dissectStrace(file, local, ix, event, d), undefined, warnings, event),
    dissectIoAs: (local, ix, event, d) => dissectStraceIo(file, local, ix, event, d),
  };
  const indexing = run.done.then(() => {
    done = true;
    loadMs = performance.now() - started;
    opts.onProgress?.(info());
  });
  return { capture, indexing };
}

/** Decoding one event must never take the engine down: report it as a warning instead. */
function safe<T>(f: () => T, fallback: T, warnings: string[], event: number): T {
  try {
    return f();
  } catch (e) {
    if (warnings.length < 1000) warnings.push(`event ${event}: internal error while decoding: ${(e as Error).message}`);
    return fallback;
  }
}

/** Open one strace log and index it fully. */
export async function openStrace(source: CaptureSource, opts: OpenOptions, warnings: string[]): Promise<Capture> {
  const { capture, indexing } = startStrace(source, opts, warnings);
  await indexing;
  return capture;
}

/**
 * Open several strace logs (typically the `-ff` files `PREFIX.PID` of one run) as one capture,
 * events merged in time order (stable: equal times keep file order, then line order).
 * Each file is indexed on its own (its pid from the file name); cross-file knowledge (a child's
 * fds inherited from its parent's file) is not carried over.
 */
export async function openStraceFiles(paths: string[], opts: OpenOptions = {}, warnings: string[] = []): Promise<StraceCapture> {
  const started = performance.now();
  const sources = paths.map((p) => openCaptureSource(p));
  const runs: Indexed[] = [];
  let totalRead = 0;
  for (const s of sources) {
    // Each file's messages name it: "line 12 (byte 400)" alone does not say which of the files.
    const own: string[] = [];
    const run = indexSource(s, opts, own, pidFromFileName(s.path), () => undefined);
    await run.done;
    for (const w of own) warnings.push(w.startsWith(s.path) ? w : `${basename(s.path)}: ${w}`);
    totalRead += run.bytesRead;
    runs.push(run);
  }
  // k-way merge by time
  const ix = createSyscallIndex();
  const fileOf = createColumn(Uint16Array);
  const localOf = createColumn(Uint32Array);
  const pos = runs.map(() => 1);
  const ev: SyscallEventInput = {
    offset: 0, length: 0, tsSec: 0, tsNsec: 0, cpu: -1, pid: -1, tid: -1, dir: 0, type: '', fd: -1, fdName: '',
    procName: '', container: '', rawres: NaN, latencyNs: NaN, failed: false, malformed: false,
  };
  for (;;) {
    let best = -1;
    let bestT = 0;
    for (let f = 0; f < runs.length; f++) {
      const six = runs[f].file.ix;
      if (pos[f] > syscallCount(six)) continue;
      const t = six.tsSec.data[pos[f] - 1] * 1e9 + six.tsNsec.data[pos[f] - 1];
      if (best < 0 || t < bestT) {
        best = f;
        bestT = t;
      }
    }
    if (best < 0) break;
    const six = runs[best].file.ix;
    const k = pos[best]++ - 1;
    const n = addSyscallEvent(ix, syscallEventAt(six, k, ev));
    ix.flags.data[n - 1] = six.flags.data[k];
    pushValue(fileOf, best);
    pushValue(localOf, k + 1);
  }
  const loadMs = performance.now() - started;
  const [first, last] = timeRange(ix);
  const info = (): CaptureInfo => ({
    name: paths.map((p) => basename(p)).join(', '),
    path: paths[0] ?? '',
    format: 'strace',
    kind: 'syscalls',
    compressed: sources.some((s) => s.compressed),
    events: syscallCount(ix),
    bytesRead: totalRead,
    fileSize: sources.reduce((a, s) => a + s.fileSize, 0),
    firstTimeNs: first,
    lastTimeNs: last,
    linkTypes: [],
    warnings: warnings.slice(0, 1000),
    done: true,
    cancelled: opts.signal?.aborted ?? false,
    loadMs,
    extra: { ...statsExtra(runs.map((r) => r.stats)), files: paths.length, warningCount: warnings.length },
  });
  opts.onProgress?.(info());
  const names = paths.map((p) => basename(p));
  const at = (event: number): { file: StraceFile; local: number } => ({ file: runs[fileOf.data[event - 1]].file, local: localOf.data[event - 1] });
  const syscalls = syscallCapture(ix, {
    info,
    args: (event) => safe(() => straceArgsText(runs[fileOf.data[event - 1]].file, localOf.data[event - 1]), '', warnings, event),
    dissect: (event, d) => safe(() => dissectStrace(runs[fileOf.data[event - 1]].file, localOf.data[event - 1], ix, event, d), undefined, warnings, event),
    dissectIo: (event, d) => dissectStraceIo(runs[fileOf.data[event - 1]].file, localOf.data[event - 1], ix, event, d),
    ioBytes: (event) => straceIoBytes(runs[fileOf.data[event - 1]].file, localOf.data[event - 1]),
    fieldGroups: () => straceFieldGroups(ix, (event) => ({ file: runs[fileOf.data[event - 1]].file, local: localOf.data[event - 1] })),
    close: () => {
      for (const s of sources) s.randomAccess.close();
    },
  });
  return {
    ...syscalls,
    argsOf: (event) => safe(() => straceArgsText(at(event).file, at(event).local), '', warnings, event),
    fileNameOf: (event) => (event >= 1 && event <= fileOf.length ? names[fileOf.data[event - 1]] : ''),
    // Event `local` of this merge is at(local) in its own file; its indexed fields are the outer index's.
    dissectAs: (local, outer, event, d) => safe(() => dissectStrace(at(local).file, at(local).local, outer, event, d), undefined, warnings, event),
    dissectIoAs: (local, outer, event, d) => dissectStraceIo(at(local).file, at(local).local, outer, event, d),
  };
}
