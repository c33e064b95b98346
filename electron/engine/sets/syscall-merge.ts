/**
 * Syscall readers of different formats as one syscall capture (docs/capture-sets.md): the scap
 * files of a sysdig rotation and strace logs of the same run, say. Each reader indexes its files
 * on its own; their events are then merged by time into one syscall index (a k-way merge of
 * time-sorted lists, no re-sort) with, per event, its reader and its number there. Every column
 * of the merged index (evt.num, fd.stream, evt.reltime, evt.deltatime, the string columns that
 * filters read) is the merged one; a reader dissects its own event as an event of the merged
 * index (SyscallReader.dissectAs), as strace -ff's merge does for its files.
 *
 * Events of equal time keep reader order (the first reader's first), then each reader's order.
 */
import type { CaptureInfo, ColumnDef } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { addField, findField, type Dissection } from '../dissectors/dissection.ts';
import { hfFrameFile } from '../dissectors/frame.ts';
import { createColumn, pushValue } from '../index/columns.ts';
import { SF } from '../syscalls/fields.ts';
import {
  addSyscallEvent, createSyscallIndex, syscallCapture, syscallCount, syscallEventAt, syscallTimeNs, SYSCALL_COLUMNS,
  type SyscallEventInput, type SyscallFieldGroup, type SyscallIndex, type SyscallReader,
} from '../syscalls/syscall-index.ts';
import { clockJoin, type ClockJoin } from './clock-join.ts';

/** The syscall table's columns plus the File column (frame.file) of a set. */
export const MERGED_SYSCALL_COLUMNS: ColumnDef[] = [...SYSCALL_COLUMNS, { id: 'file', title: 'File', field: 'frame.file', width: 140 }];

/** At most 255 readers: the reader column is a byte. */
const MAX_READERS = 255;

function indexOf(c: Capture): SyscallIndex {
  const x = c.internals();
  if (x.kind !== 'syscalls') throw new Error('a merged syscall index joins syscall captures');
  return x.index;
}

/**
 * Put an strace log without epoch times (-t/-tt, -r) on the clock of another syscall capture
 * of the set (a scap: epoch nanoseconds), as sets/clock-join.ts does with the packets' clock:
 * its times are shifted in place before anything reads them.
 */
export function joinStraceClock(strace: Capture, other: Capture): ClockJoin {
  const ix = indexOf(strace);
  const n = strace.count();
  if (n === 0 || other.count() === 0) return { kind: 'epoch' };
  const ts = ix.tsSec.data;
  let s0 = Infinity;
  let s1 = -Infinity;
  for (let i = 0; i < n; i++) {
    s0 = Math.min(s0, ts[i]);
    s1 = Math.max(s1, ts[i]);
  }
  // A scap's first events can be untimed metaevents (container, user lists at time 0): its span starts at its time base.
  const base = indexOf(other).timeBaseNs;
  const p0 = base !== undefined ? Number(base / 1_000_000_000n) + Number(base % 1_000_000_000n) / 1e9 : other.time(1);
  const j = clockJoin(strace.info().extra.timestamps, s0, s1, p0, other.time(other.count()), 'the scap files\'');
  if (j.kind !== 'epoch') for (let i = 0; i < n; i++) ts[i] += j.shiftS;
  return j;
}

/** Which reader and event number each merged event is. */
export interface MergedSyscalls extends Capture {
  argsOf(event: number): string;
  /** The file of an event (frame.file, the File column). */
  fileNameOf(event: number): string;
  /** The reader of merged event `event` (its index in the readers given) and its number there. */
  readerOf(event: number): { reader: number; local: number };
}

/**
 * A filter group of one reader over the merged numbering: the reader's own answer on its events;
 * the other readers' events have none of its values and are dissected (exact false).
 */
function readerGroup(g: SyscallFieldGroup, r: number, reader: Uint8Array, local: Uint32Array): SyscallFieldGroup {
  const own = (e: number): boolean => reader[e - 1] === r;
  const { key, present, exact } = g;
  return {
    fields: g.fields,
    ...(key ? { key: (e: number) => (own(e) ? key(local[e - 1]) + 1 : 0) } : {}),
    fill: (e, d) => {
      if (own(e)) g.fill(local[e - 1], d);
    },
    ...(present ? { present: (e: number) => !own(e) || present(local[e - 1]) } : {}),
    exact: (e) => own(e) && (exact?.(local[e - 1]) ?? true),
  };
}

/**
 * One group over the fields two readers' groups share (the fd fields, evt.res/evt.failed, the
 * I/O buffer): each event answered by its own reader's group, keys kept apart per reader.
 */
function sharedGroup(a: SyscallFieldGroup, ra: number, b: SyscallFieldGroup, rb: number, fields: Set<string>, readers: number, reader: Uint8Array, local: Uint32Array): SyscallFieldGroup {
  const pick = (e: number): SyscallFieldGroup | undefined => (reader[e - 1] === ra ? a : reader[e - 1] === rb ? b : undefined);
  const keyed = a.key !== undefined && b.key !== undefined;
  return {
    fields,
    ...(keyed ? { key: (e: number) => { const g = pick(e); return g?.key ? g.key(local[e - 1]) * readers + reader[e - 1] : 0; } } : {}),
    fill: (e, d) => pick(e)?.fill(local[e - 1], d),
    present: (e) => pick(e)?.present?.(local[e - 1]) ?? true,
    exact: (e) => {
      const g = pick(e);
      return g !== undefined && (g.exact?.(local[e - 1]) ?? true);
    },
  };
}

/** The merged capture's filter groups: shared ones first (a filter takes the first group holding all its fields). */
function mergedGroups(readers: readonly SyscallReader[], reader: Uint8Array, local: Uint32Array): SyscallFieldGroup[] {
  const per = readers.map((c) => indexOf(c).fieldGroups ?? []);
  const shared: SyscallFieldGroup[] = [];
  for (let ra = 0; ra < per.length; ra++) {
    for (let rb = ra + 1; rb < per.length; rb++) {
      for (const a of per[ra]) {
        for (const b of per[rb]) {
          if ((a.key === undefined) !== (b.key === undefined)) continue;
          const both = new Set([...a.fields].filter((f) => b.fields.has(f)));
          if (both.size > 0) shared.push(sharedGroup(a, ra, b, rb, both, readers.length, reader, local));
        }
      }
    }
  }
  return [...shared, ...per.flatMap((gs, r) => gs.map((g) => readerGroup(g, r, reader, local)))];
}

/** The readers' info extras as one: counts that several give (events, processes, lines…) added. */
function sumExtra(extras: readonly Record<string, number | string>[]): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const x of extras) {
    for (const [k, v] of Object.entries(x)) {
      const have = out[k];
      out[k] = typeof have === 'number' && typeof v === 'number' ? have + v : v;
    }
  }
  return out;
}

/**
 * A reader's warnings, each naming its file: a one-file reader says "line 12 (byte 400)", which
 * in a set of several files needs the name (a rotation's or an -ff merge's name their files).
 */
function namedWarnings(info: CaptureInfo): string[] {
  if (info.name.includes(', ')) return info.warnings;
  return info.warnings.map((w) => (w.startsWith(info.name) || w.startsWith(info.path) ? w : `${info.name}: ${w}`));
}

/**
 * Merge fully indexed syscall readers by time into one capture. `clockNotes` are said in the
 * capture's warnings and info (an strace log put on the scap's clock).
 */
export function mergeSyscallReaders(readers: readonly SyscallReader[], clockNotes: readonly string[] = []): MergedSyscalls {
  if (readers.length === 0 || readers.length > MAX_READERS) throw new Error(`a merged syscall index joins 1 to ${MAX_READERS} readers`);
  const started = performance.now();
  const parts = readers.map(indexOf);
  const ix = createSyscallIndex();
  const readerCol = createColumn(Uint8Array);
  const localCol = createColumn(Uint32Array);
  const pos = parts.map(() => 0);
  const ev: SyscallEventInput = {
    offset: 0, length: 0, tsSec: 0, tsNsec: 0, cpu: -1, pid: -1, tid: -1, dir: 0, type: '', fd: -1, fdName: '',
    procName: '', container: '', rawres: NaN, latencyNs: NaN, failed: false, malformed: false,
  };
  for (;;) {
    let best = -1;
    let bs = 0;
    let bn = 0;
    for (let r = 0; r < parts.length; r++) {
      const p = parts[r];
      const k = pos[r];
      if (k >= syscallCount(p)) continue;
      // Seconds and nanoseconds apart: epoch ns do not fit a double exactly.
      const s = p.tsSec.data[k];
      const n = p.tsNsec.data[k];
      if (best < 0 || s < bs || (s === bs && n < bn)) {
        best = r;
        bs = s;
        bn = n;
      }
    }
    if (best < 0) break;
    const p = parts[best];
    const k = pos[best]++;
    const e = addSyscallEvent(ix, syscallEventAt(p, k, ev));
    ix.flags.data[e - 1] = p.flags.data[k];
    pushValue(readerCol, best);
    pushValue(localCol, k + 1);
  }
  const n = syscallCount(ix);
  const reader = readerCol.data.subarray(0, n);
  const local = localCol.data.subarray(0, n);
  ix.reader = reader;
  // evt.reltime counts from the earliest reader's start (a scap's first timed event).
  const bases = parts.filter((p) => syscallCount(p) > 0).map((p) => p.timeBaseNs ?? syscallTimeNs(p, 1));
  if (bases.length > 0) ix.timeBaseNs = bases.reduce((a, b) => (b < a ? b : a));
  ix.hidden = (e) => parts[reader[e - 1]].hidden?.(local[e - 1]) ?? false;
  const loadMs = performance.now() - started;
  const fileNameOf = (e: number): string => (e >= 1 && e <= n ? readers[reader[e - 1]].fileNameOf(local[e - 1]) : '');

  const infos = (): CaptureInfo[] => readers.map((c) => c.info());
  const info = (): CaptureInfo => {
    const all = infos();
    // Each reader's own first and last (a scap's skip nothing: its metaevents may be at 0).
    const firsts = all.flatMap((i) => (i.firstTimeNs === null ? [] : [BigInt(i.firstTimeNs)]));
    const lasts = all.flatMap((i) => (i.lastTimeNs === null ? [] : [BigInt(i.lastTimeNs)]));
    const first = firsts.length > 0 ? firsts.reduce((a, b) => (b < a ? b : a)).toString() : null;
    const last = lasts.length > 0 ? lasts.reduce((a, b) => (b > a ? b : a)).toString() : null;
    return {
      name: all.map((i) => i.name).join(', '),
      path: all[0].path,
      // The nanosecond clock and fields of a scap: its Time column shows 9 digits.
      format: all.some((i) => i.format === 'scap') ? 'scap' : all[0].format,
      kind: 'syscalls',
      compressed: all.some((i) => i.compressed),
      events: n,
      bytesRead: all.reduce((a, i) => a + i.bytesRead, 0),
      fileSize: all.reduce((a, i) => a + i.fileSize, 0),
      firstTimeNs: first,
      lastTimeNs: last,
      linkTypes: [],
      warnings: [...clockNotes, ...all.flatMap(namedWarnings)].slice(0, 1000),
      done: all.every((i) => i.done),
      cancelled: all.some((i) => i.cancelled),
      loadMs: all.reduce((a, i) => a + i.loadMs, 0) + loadMs,
      extra: {
        ...sumExtra(all.map((i) => i.extra)),
        readers: all.map((i) => i.format).join(' + '),
        // The strace logs' clock is the scap's now (joined, or epoch already).
        timestamps: 'epoch',
        ...(clockNotes.length > 0 ? { clockJoin: clockNotes.join('; ') } : {}),
        warningCount: all.reduce((a, i) => a + Number(i.extra.warningCount ?? i.warnings.length), clockNotes.length),
      },
    };
  };

  const dissect = (e: number, d: Dissection): void => {
    readers[reader[e - 1]].dissectAs(local[e - 1], ix, e, d);
    // The set's file of the event, once (a rotated scap names its own file already).
    if (findField(d, hfFrameFile) < 0) addField(d, hfFrameFile, 0, 0, findField(d, SF.evt), fileNameOf(e));
  };
  const cap = syscallCapture(ix, {
    info,
    args: (e) => readers[reader[e - 1]].argsOf(local[e - 1]),
    dissect,
    dissectIo: (e, d) => {
      const r = readers[reader[e - 1]];
      if (r.dissectIoAs) r.dissectIoAs(local[e - 1], ix, e, d);
      else dissect(e, d);
    },
    containerName: (e) => readers[reader[e - 1]].containerName?.(local[e - 1]) ?? '',
    fieldGroups: () => mergedGroups(readers, reader, local),
    close: () => {
      for (const r of readers) r.close();
    },
  });
  const fileCol = MERGED_SYSCALL_COLUMNS.length - 1;
  return {
    ...cap,
    columns: () => MERGED_SYSCALL_COLUMNS,
    cells(e, out) {
      cap.cells(e, out);
      out[fileCol] = fileNameOf(e);
    },
    sortKey: (e, column) => (column === 'file' ? fileNameOf(e) : cap.sortKey?.(e, column)),
    argsOf: (e) => (e >= 1 && e <= n ? readers[reader[e - 1]].argsOf(local[e - 1]) : ''),
    fileNameOf,
    readerOf: (e) => ({ reader: reader[e - 1], local: local[e - 1] }),
  };
}
