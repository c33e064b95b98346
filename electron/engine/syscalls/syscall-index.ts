/**
 * The columnar index of a syscall capture (scap or strace): one entry per event in typed
 * arrays, strings interned. Both formats push normalised events here in their single pass and
 * supply, per format, how to re-read one event (arguments text, full dissection).
 * Default columns are Stratoshark's.
 */
import type { CaptureInfo, ColumnDef } from '../../../shared/rpc.ts';
import { RowFlag } from '../../../shared/rpc.ts';
import { textSortKey, type Capture } from '../capture.ts';
import { addField, type Dissection } from '../dissectors/dissection.ts';
import { createColumn, createInterner, intern, reserve, type Column, type Interner, type PageTexts } from '../index/columns.ts';
import type { FieldDef } from '../fields/registry.ts';
import { SF } from './fields.ts';
import { fdStreamOfEventNumber } from './fd-lifetimes.ts';

/** `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn` (UTC) of epoch nanoseconds. */
function isoTimeNs(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  return `${new Date(Number(sec) * 1000).toISOString().slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
}

/** Event direction as stored: none (strace, non-paired), enter `>`, exit `<`. */
export const Dir = { None: 0, Enter: 1, Exit: 2 } as const;

/**
 * `fd` of an fd event (open, socket, accept, setsockopt… : EF_CREATES_FD, EF_USES_FD or
 * EF_DESTROYS_FD in the event table) whose fd the reader does not know, as the enter of an open
 * or a setsockopt exit whose enter had no fd parameter. libsinsp's fd.num needs no fd-table
 * entry: it prints the thread's m_lastevent_fd, -1 here (sinsp_filter_check_fd::extract_single,
 * TYPE_FDNUM), and filters see that -1 too. -1 itself keeps meaning "not an fd event", which is
 * what every reader writes for events without an fd; no fd consumer (streams, lifetimes, sets)
 * treats either as an fd.
 */
export const FD_UNKNOWN = -2147483648;

/** fd.num of an event (0-based index i): its fd, -1 for FD_UNKNOWN, undefined when it has none. */
export function fdNumOf(ix: SyscallIndex, i: number): number | undefined {
  const fd = ix.fd.data[i];
  return fd >= 0 ? fd : fd === FD_UNKNOWN ? -1 : undefined;
}

/**
 * Whether an event has fd.name: every event with an fd ("" until the fd is named, as libsinsp's
 * fdinfo m_name), and the exits of fd events with an unknown fd, which libsinsp names from the
 * exit's own parameters (extract_fdname_from_event: "" for most, the path or tuple of open,
 * accept and connect exits). Enters with an unknown fd have none.
 */
export function hasFdName(ix: SyscallIndex, i: number): boolean {
  const fd = ix.fd.data[i];
  return fd >= 0 || (fd === FD_UNKNOWN && ix.dir.data[i] === Dir.Exit);
}

/** One event as a format reader hands it to the index (object reused by the reader). */
export interface SyscallEventInput {
  /** Byte range of the event in the (decompressed) file: block or text line(s). */
  offset: number;
  length: number;
  tsSec: number;
  tsNsec: number;
  /** -1 when unknown (strace). */
  cpu: number;
  pid: number;
  tid: number;
  dir: number;
  type: string;
  /** -1 when the event has no fd; FD_UNKNOWN for an fd event whose fd is not known. */
  fd: number;
  fdName: string;
  procName: string;
  container: string;
  /** Raw return value; NaN for enter events and events without one. */
  rawres: number;
  /** Enter→exit time in ns; NaN when unknown. */
  latencyNs: number;
  failed: boolean;
  /** The event could only be read in part (message in the format's warnings). */
  malformed: boolean;
}

export interface SyscallIndex {
  offset: Column<Float64Array>;
  length: Column<Uint32Array>;
  tsSec: Column<Float64Array>;
  tsNsec: Column<Uint32Array>;
  cpu: Column<Int32Array>;
  pid: Column<Int32Array>;
  tid: Column<Int32Array>;
  dir: Column<Uint8Array>;
  type: Column<Uint32Array>;
  fd: Column<Int32Array>;
  fdName: Column<Uint32Array>;
  procName: Column<Uint32Array>;
  container: Column<Uint32Array>;
  rawres: Column<Float64Array>;
  latencyNs: Column<Float64Array>;
  flags: Column<Uint8Array>;
  strings: Interner;
  /** Last string and id per interned column (type, fdName, procName, container). */
  lastStrings: string[];
  lastIds: number[];
  /**
   * Only the data fields of an I/O event (evt.buffer, evt.buflen, fd.truncated) into `d`, when
   * the format has a quicker way than its full dissection (fd streams read every I/O event).
   */
  dissectIo?: (event: number, d: Dissection) => void;
  /**
   * The bytes an I/O event moved as the tracer recorded them (its evt.buffer), read from the
   * buffer's byte range alone; null when the event shows none; undefined when the format cannot
   * tell this way (then dissectIo). Building fd streams costs a read per I/O event, not a dissection.
   */
  ioBytes?: (event: number) => Uint8Array | null | undefined;
  /**
   * Start of the capture for evt.reltime, in epoch ns (libsinsp m_firstevent_ts: the first
   * event's time, metaevents that carry no time of their own excluded); the first event's when unset.
   */
  timeBaseNs?: bigint;
  /**
   * Events the oracle's output leaves out (scap internal events such as procinfo): evt.deltatime
   * is measured from the previous event that is shown, as sysdig's filtercheck sees only those.
   */
  hidden?: (event: number) => boolean;
  /**
   * While the index still grows (a followed strace log): events up to this one have their final
   * fd fields; a later unfinished call may still change its own (sets/correlate.ts waits for it).
   */
  settled?: () => number;
  /** Fields a filter reads without dissecting the event (SyscallFieldGroup); set by syscallCapture. */
  fieldGroups?: readonly SyscallFieldGroup[];
  /**
   * Per event (index event - 1), the reader it came from when the index merges readers of
   * different formats (sets/syscall-merge.ts): fd tables are per reader, so one pid that both a
   * scap and an strace log traced is two sets of fd lifetimes, not one stream read twice.
   */
  reader?: Uint8Array;
}

/**
 * Fields that a filter can test without a full dissection (filter/column-filter.ts): their
 * values depend only on a small per-event key (an fd or process snapshot id, a result class),
 * so a predicate over them is evaluated once per distinct key and the events are scanned by
 * key; or, without a key, they are cheap to read alone (the I/O buffer, not the event's texts).
 */
export interface SyscallFieldGroup {
  /** Names of the fields `fill` gives (every occurrence the full dissection would give). */
  fields: ReadonlySet<string>;
  /**
   * Events with the same key have the same values of every field in `fields`; keys are >= 0.
   * Absent: `fill` is called per event.
   */
  key?: (event: number) => number;
  /**
   * Add the group's fields of `event` to `d` (already reset): with a key, called once per
   * distinct key, for the first event tested that has it. Other fields may be added too.
   */
  fill: (event: number, d: Dissection) => void;
  /**
   * False for events that have none of the group's fields (not read at all: the predicate's
   * answer on no values is used). Absent: any event may have them.
   */
  present?: (event: number) => boolean;
  /** False for events whose values the group cannot give (they are dissected). Absent: all. */
  exact?: (event: number) => boolean;
}

export function createSyscallIndex(): SyscallIndex {
  return {
    offset: createColumn(Float64Array),
    length: createColumn(Uint32Array),
    tsSec: createColumn(Float64Array),
    tsNsec: createColumn(Uint32Array),
    cpu: createColumn(Int32Array),
    pid: createColumn(Int32Array),
    tid: createColumn(Int32Array),
    dir: createColumn(Uint8Array),
    type: createColumn(Uint32Array),
    fd: createColumn(Int32Array),
    fdName: createColumn(Uint32Array),
    procName: createColumn(Uint32Array),
    container: createColumn(Uint32Array),
    rawres: createColumn(Float64Array),
    latencyNs: createColumn(Float64Array),
    flags: createColumn(Uint8Array),
    strings: createInterner(),
    lastStrings: ['', '', '', ''],
    lastIds: [0, 0, 0, 0],
  };
}

export function syscallCount(ix: SyscallIndex): number {
  return ix.offset.length;
}

function columnsOf(ix: SyscallIndex): Column<Float64Array | Uint32Array | Int32Array | Uint8Array>[] {
  return [ix.offset, ix.length, ix.tsSec, ix.tsNsec, ix.cpu, ix.pid, ix.tid, ix.dir, ix.type, ix.fd, ix.fdName, ix.procName, ix.container, ix.rawres, ix.latencyNs, ix.flags];
}

/**
 * Interned id of `s`, remembering the last string per column: consecutive events mostly repeat
 * the process name, container and fd name, so most lookups are one comparison.
 */
function internCached(ix: SyscallIndex, slot: number, s: string): number {
  if (ix.lastStrings[slot] === s) return ix.lastIds[slot];
  const id = intern(ix.strings, s);
  ix.lastStrings[slot] = s;
  ix.lastIds[slot] = id;
  return id;
}

/**
 * Make room for `n` events at once (a reader that can estimate its event count avoids the
 * repeated doubling copies, which cost as much as the index pass's own writes).
 */
export function reserveSyscallEvents(ix: SyscallIndex, n: number): void {
  reserve(columnsOf(ix), n);
}

/** Append one event; returns its 1-based event number. */
export function addSyscallEvent(ix: SyscallIndex, e: SyscallEventInput): number {
  const i = ix.offset.length;
  const n = i + 1;
  if (ix.offset.data.length < n) reserve(columnsOf(ix), n);
  ix.offset.data[i] = e.offset;
  ix.length.data[i] = e.length;
  ix.tsSec.data[i] = e.tsSec;
  ix.tsNsec.data[i] = e.tsNsec;
  ix.cpu.data[i] = e.cpu;
  ix.pid.data[i] = e.pid;
  ix.tid.data[i] = e.tid;
  ix.dir.data[i] = e.dir;
  ix.type.data[i] = internCached(ix, 0, e.type);
  ix.fd.data[i] = e.fd;
  ix.fdName.data[i] = internCached(ix, 1, e.fdName);
  ix.procName.data[i] = internCached(ix, 2, e.procName);
  ix.container.data[i] = internCached(ix, 3, e.container);
  ix.rawres.data[i] = e.rawres;
  ix.latencyNs.data[i] = e.latencyNs;
  ix.flags.data[i] = (e.failed ? RowFlag.Failed : 0) | (e.malformed ? RowFlag.Malformed : 0);
  ix.offset.length = ix.length.length = ix.tsSec.length = ix.tsNsec.length = ix.cpu.length = ix.pid.length = n;
  ix.tid.length = ix.dir.length = ix.type.length = ix.fd.length = ix.fdName.length = ix.procName.length = n;
  ix.container.length = ix.rawres.length = ix.latencyNs.length = ix.flags.length = n;
  return n;
}

/**
 * Fill `ev` with row `k` (0-based: event k + 1) of `ix`, for copying events from one index into
 * another (a k-way merge by time). `ev` is reused by the caller, so a merge allocates nothing per
 * event; the copy's flags byte still has to be taken from `ix.flags` for bits beyond failed and
 * malformed.
 */
export function syscallEventAt(ix: SyscallIndex, k: number, ev: SyscallEventInput): SyscallEventInput {
  const str = ix.strings.strings;
  const flags = ix.flags.data[k];
  ev.offset = ix.offset.data[k];
  ev.length = ix.length.data[k];
  ev.tsSec = ix.tsSec.data[k];
  ev.tsNsec = ix.tsNsec.data[k];
  ev.cpu = ix.cpu.data[k];
  ev.pid = ix.pid.data[k];
  ev.tid = ix.tid.data[k];
  ev.dir = ix.dir.data[k];
  ev.type = str[ix.type.data[k]];
  ev.fd = ix.fd.data[k];
  ev.fdName = str[ix.fdName.data[k]];
  ev.procName = str[ix.procName.data[k]];
  ev.container = str[ix.container.data[k]];
  ev.rawres = ix.rawres.data[k];
  ev.latencyNs = ix.latencyNs.data[k];
  ev.failed = (flags & RowFlag.Failed) !== 0;
  ev.malformed = (flags & RowFlag.Malformed) !== 0;
  return ev;
}

/** Later knowledge about an event (e.g. the exit that completes an enter, an fd name learnt later). */
export function setSyscallFdName(ix: SyscallIndex, event: number, name: string): void {
  ix.fdName.data[event - 1] = intern(ix.strings, name);
}

/**
 * The syscall table's columns. Stratoshark's default set (No., Time, Event name, Proc Name, PID,
 * TID, FD, FD Name, Container Name, Arguments, Info) is what the window shows at first; CPU, Dir
 * and the container id are kept as columns to show (renderer/table/column-layout.ts hides them by
 * default) and stay in place so that readers' and tests' column positions do not move. The Time
 * column sorts by evt.rawtime (its text is the epoch, not evt.time's time of day).
 */
export const SYSCALL_COLUMNS: ColumnDef[] = [
  { id: 'no', title: 'No.', field: 'evt.num', width: 70, align: 'right' },
  { id: 'time', title: 'Time', field: 'evt.rawtime', width: 170, align: 'right' },
  { id: 'cpu', title: 'CPU', field: 'evt.cpu', width: 45, align: 'right' },
  { id: 'proc', title: 'Proc Name', field: 'proc.name', width: 110 },
  { id: 'pid', title: 'PID', field: 'proc.pid', width: 80, align: 'right' },
  { id: 'tid', title: 'TID', field: 'thread.tid', width: 80, align: 'right' },
  { id: 'dir', title: 'Dir', field: 'evt.dir', width: 35 },
  { id: 'event', title: 'Event name', field: 'evt.type', width: 110 },
  { id: 'fd', title: 'FD', field: 'fd.num', width: 45, align: 'right' },
  { id: 'fdname', title: 'FD Name', field: 'fd.name', width: 220 },
  { id: 'container', title: 'Container', field: 'container.id', width: 120 },
  { id: 'args', title: 'Arguments', field: 'evt.args', width: 400 },
  { id: 'cname', title: 'Container Name', field: 'container.name', width: 140 },
  // The event as sysdig's line ends: direction, type, arguments.
  { id: 'info', title: 'Info', width: 500 },
];

const DIR_TEXT = ['', '>', '<'];

/** Columns whose sort key is their text (syscallCapture's sortKey), so sortKeyTexts gives their `cells` texts. */
const TEXT_KEY_COLUMNS = new Set(['proc', 'dir', 'event', 'fdname', 'container', 'cname']);

export function dirText(ix: SyscallIndex, event: number): string {
  return DIR_TEXT[ix.dir.data[event - 1]] ?? '';
}

/** Epoch seconds as a float (table time column, sorting). */
export function syscallTime(ix: SyscallIndex, event: number): number {
  return ix.tsSec.data[event - 1] + ix.tsNsec.data[event - 1] / 1e9;
}

export function syscallTimeNs(ix: SyscallIndex, event: number): bigint {
  return BigInt(ix.tsSec.data[event - 1]) * 1_000_000_000n + BigInt(ix.tsNsec.data[event - 1]);
}

/**
 * The entry of one syscall subtree (Event, Process, Thread, File descriptor, User, Group,
 * Container): the one already added, else a new top-level entry, so the details tree has one
 * subtree per kind however many steps (index, format dissector) add fields to it.
 */
export function syscallSubtree(d: Dissection, proto: FieldDef): number {
  for (let k = 0; k < d.n; k++) if (d.fid[k] === proto.id && d.parent[k] < 0) return k;
  return addField(d, proto, 0, 0, -1);
}

const NS = 1_000_000_000;

/**
 * A duration as libsinsp's format_time prints it (sinsp_filter_check_reference::format_time):
 * hh:mm:ss from an hour, m:s from a minute, then s, ms, us, ns with two decimals below each
 * unit's tenfold (1.59us, 21us, 3.18ms, 12ms).
 */
export function humanDuration(ns: number): string {
  const p2 = (n: number): string => String(Math.floor(n)).padStart(2, '0');
  if (ns >= 3600 * NS) return `${p2(ns / (3600 * NS))}:${p2((ns / (60 * NS)) % 60)}:${p2((ns / NS) % 60)}`;
  if (ns >= 60 * NS) return `${Math.floor(ns / (60 * NS))}:${Math.floor((ns / NS) % 60)}`;
  if (ns >= NS) return `${Math.floor(ns / NS)}.${p2((ns % NS) / 10_000_000)}s`;
  if (ns >= NS / 100) return `${Math.floor(ns / 1_000_000)}ms`;
  if (ns >= NS / 1000) return `${Math.floor(ns / 1_000_000)}.${p2((ns % 1_000_000) / 10_000)}ms`;
  if (ns >= NS / 100_000) return `${Math.floor(ns / 1000)}us`;
  if (ns >= NS / 1_000_000) return `${Math.floor(ns / 1000)}.${p2((ns % 1000) / 10)}us`;
  return `${ns}ns`;
}

/**
 * proc.fdusage: open fds as a percentage of the limit, 100 past it, 0 without a limit
 * (sinsp_threadinfo::get_fd_usage_pct_d).
 */
export function fdUsage(open: number, limit: number): number {
  if (limit <= 0) return 0;
  return open <= limit ? (open * 100) / limit : 100;
}

/**
 * evt.latency.quantized as sysdig 0.29.3 prints it: (uint64)(log10(ns) * w / 11) + 1, log10
 * capped at 11, with csysdig's screen width w left at -1 outside csysdig (g_screen_w): the
 * product lies in (-1, 0], which truncates to 0 (so 1), except -1 itself from 100 s, which as
 * an unsigned 64-bit number plus one wraps to 0.
 */
export function quantizedLatency(ns: number): number {
  const l = Math.min(11, Math.log10(ns));
  return Math.trunc((l * -1) / 11) === -1 ? 0 : 1;
}

/** evt.latency and its derived fields (libsinsp TYPE_LATENCY, _S, _NS, _HUMAN) of one event. */
export function addLatencyFields(d: Dissection, evt: number, ns: number): void {
  addField(d, SF.latency, 0, 0, evt, ns);
  addField(d, SF.latencyS, 0, 0, evt, Math.floor(ns / NS));
  addField(d, SF.latencyNs, 0, 0, evt, ns % NS);
  addField(d, SF.latencyHuman, 0, 0, evt, humanDuration(ns));
}

/** evt.time.iso8601 of epoch ns: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000` (sinsp_utils::ts_to_iso_8601, in UTC). */
function iso8601(ns: bigint): string {
  return `${isoTimeNs(ns)}+0000`;
}

/** Time of the previous shown event (evt.deltatime's reference); undefined for the first. */
function previousShownNs(ix: SyscallIndex, event: number): bigint | undefined {
  for (let e = event - 1; e >= 1; e--) if (!ix.hidden?.(e)) return syscallTimeNs(ix, e);
  return undefined;
}

/**
 * The fields every syscall event has, from the index (generated: no byte range of their own).
 * Format dissectors call this first, then add what they decode from the event's bytes.
 * Returns the `evt` protocol entry to attach further fields to.
 */
export function addIndexedSyscallFields(ix: SyscallIndex, event: number, d: Dissection): number {
  const i = event - 1;
  const s = ix.strings.strings;
  const evt = syscallSubtree(d, SF.evt);
  addField(d, SF.num, 0, 0, evt, event);
  const ns = syscallTimeNs(ix, event);
  addField(d, SF.time, 0, 0, evt, isoTimeNs(ns).slice(11));
  addField(d, SF.rawtime, 0, 0, evt, ns);
  addField(d, SF.datetime, 0, 0, evt, isoTimeNs(ns).replace('T', ' '));
  addField(d, SF.timeS, 0, 0, evt, isoTimeNs(ns).slice(11, 19));
  addField(d, SF.timeIso, 0, 0, evt, iso8601(ns));
  addField(d, SF.datetimeS, 0, 0, evt, isoTimeNs(ns).slice(0, 19).replace('T', ' '));
  addField(d, SF.rawtimeS, 0, 0, evt, ns / 1_000_000_000n);
  addField(d, SF.rawtimeNs, 0, 0, evt, ns % 1_000_000_000n);
  const base = ix.timeBaseNs ?? (syscallCount(ix) > 0 ? syscallTimeNs(ix, 1) : ns);
  // libsinsp subtracts unsigned: an event older than the base would wrap; it is clamped to 0 here.
  const rel = ns > base ? ns - base : 0n;
  addField(d, SF.reltime, 0, 0, evt, rel);
  addField(d, SF.reltimeS, 0, 0, evt, rel / 1_000_000_000n);
  addField(d, SF.reltimeNs, 0, 0, evt, rel % 1_000_000_000n);
  const prev = previousShownNs(ix, event);
  const delta = prev === undefined || prev > ns ? 0n : ns - prev;
  addField(d, SF.deltatime, 0, 0, evt, delta);
  addField(d, SF.deltatimeS, 0, 0, evt, delta / 1_000_000_000n);
  addField(d, SF.deltatimeNs, 0, 0, evt, delta % 1_000_000_000n);
  addField(d, SF.count, 0, 0, evt, 1);
  if (ix.cpu.data[i] >= 0) addField(d, SF.cpu, 0, 0, evt, ix.cpu.data[i]);
  const dir = DIR_TEXT[ix.dir.data[i]];
  if (dir) addField(d, SF.dir, 0, 0, evt, dir);
  addField(d, SF.type, 0, 0, evt, s[ix.type.data[i]]);
  const raw = ix.rawres.data[i];
  if (!Number.isNaN(raw)) addField(d, SF.rawres, 0, 0, evt, raw);
  // evt.count.exit: exits, and strace's one-line calls that returned (they are enter and exit at once).
  if (ix.dir.data[i] === Dir.Exit || (ix.dir.data[i] === Dir.None && !Number.isNaN(raw))) addField(d, SF.countExit, 0, 0, evt, 1);
  const lat = ix.latencyNs.data[i];
  if (!Number.isNaN(lat)) addLatencyFields(d, evt, lat);
  const proc = syscallSubtree(d, SF.proc);
  const pname = s[ix.procName.data[i]];
  if (pname) addField(d, SF.procName, 0, 0, proc, pname);
  if (ix.pid.data[i] >= 0) addField(d, SF.procPid, 0, 0, proc, ix.pid.data[i]);
  if (ix.tid.data[i] >= 0) addField(d, SF.threadTid, 0, 0, syscallSubtree(d, SF.thread), ix.tid.data[i]);
  const stream = fdStreamOfEventNumber(ix, event);
  const fdNum = fdNumOf(ix, i);
  if (fdNum !== undefined || stream >= 0) {
    const fd = syscallSubtree(d, SF.fd);
    if (fdNum !== undefined) addField(d, SF.fdNum, 0, 0, fd, fdNum);
    if (hasFdName(ix, i)) addField(d, SF.fdName, 0, 0, fd, s[ix.fdName.data[i]]);
    // An enter without an fd (open's) has the stream of its exit only.
    if (stream >= 0) addField(d, SF.fdStream, 0, 0, fd, stream);
  }
  const cont = s[ix.container.data[i]];
  if (cont) addField(d, SF.containerId, 0, 0, syscallSubtree(d, SF.container), cont);
  return evt;
}

/** What a syscall format supplies to turn its index into a `Capture`. */
export interface SyscallFormat {
  info(): CaptureInfo;
  /** Text of the Arguments column for one event (re-read lazily). */
  args(event: number): string;
  /**
   * Optional: `args` of events start+1 … start+count into out[0 … count), quicker than a call
   * per event (the events table reads every event in file order).
   */
  argsPage?(start: number, count: number, out: string[]): void;
  /** Full dissection of one event into `d` (the format calls resetDissection itself). */
  dissect(event: number, d: Dissection): void;
  /** Optional: see SyscallIndex.dissectIo. */
  dissectIo?(event: number, d: Dissection): void;
  /** Optional: see SyscallIndex.ioBytes. */
  ioBytes?(event: number): Uint8Array | null | undefined;
  /** container.name of an event's container (`host` outside containers), when the format knows it. */
  containerName?(event: number): string;
  /** Optional: see SyscallFieldGroup. */
  fieldGroups?(): SyscallFieldGroup[];
  close(): void;
}

/**
 * A syscall reader as a merged index (sets/syscall-merge.ts) uses it: its own capture, plus a
 * way to dissect its event `local` as event `event` of another index, whose columns (evt.num,
 * fd.stream, evt.reltime, evt.deltatime) then come from that index, as strace -ff's merge does.
 */
export interface SyscallReader extends Capture {
  /** The Arguments column of one event. */
  argsOf(local: number): string;
  /** The file an event came from (frame.file). */
  fileNameOf(local: number): string;
  dissectAs(local: number, ix: SyscallIndex, event: number, d: Dissection): void;
  /** Only the I/O data fields (SyscallIndex.dissectIo), when the reader has a quicker way. */
  dissectIoAs?(local: number, ix: SyscallIndex, event: number, d: Dissection): void;
  containerName?(local: number): string;
}

/** The Info column: the event as sysdig's line ends (direction, type, arguments). */
function infoText(dir: string, type: string, args: string): string {
  return `${dir} ${type} ${args}`.trim();
}

/** Events whose arguments a page decoded (tests: the events table decodes each once, not once per column). */
export const syscallPageWork = { argsEvents: 0 };

/** Texts of one column of a page, one id per row into the distinct texts (PageTexts). */
interface PageEncoder {
  ids: Uint32Array;
  dict: string[];
  codes: Map<string, number>;
  /** The previous row's text and id: neighbouring rows mostly repeat a text (one process, one fd). */
  last: string | undefined;
  lastId: number;
}

function pageEncoder(count: number): PageEncoder {
  return { ids: new Uint32Array(count), dict: [], codes: new Map(), last: undefined, lastId: 0 };
}

function encodeRow(p: PageEncoder, r: number, text: string): void {
  if (text !== p.last) {
    let id = p.codes.get(text);
    if (id === undefined) p.codes.set(text, (id = p.dict.push(text) - 1));
    p.last = text;
    p.lastId = id;
  }
  p.ids[r] = p.lastId;
}

/**
 * A text as its textSortKey prints: itself unless Number() reads it, which needs a digit, sign,
 * point or Infinity after the leading white space (\s is Number's white space too); the test
 * first spares long arguments texts the parse.
 */
export function keyText(t: string): string {
  return NUMBER_START.test(t) ? String(textSortKey(t)) : t;
}
const NUMBER_START = /^\s*[-+.\dI]/;

/** `page` with every text replaced by `f(text)`, texts that become equal merged (ids in first-use order). */
function mapPageTexts(page: PageTexts, f: (text: string) => string): PageTexts {
  const out = pageEncoder(page.ids.length);
  const remap = page.dict.map((t) => f(t));
  if (remap.every((t, k) => t === page.dict[k])) return page;
  for (let r = 0; r < page.ids.length; r++) encodeRow(out, r, remap[page.ids[r]]);
  return { ids: out.ids, dict: out.dict };
}

function timeText(ix: SyscallIndex, event: number): string {
  return `${ix.tsSec.data[event - 1]}.${String(ix.tsNsec.data[event - 1]).padStart(9, '0')}`;
}

export function syscallCapture(ix: SyscallIndex, fmt: SyscallFormat): Capture {
  const s = ix.strings.strings;
  if (fmt.dissectIo) ix.dissectIo = (event, d) => fmt.dissectIo?.(event, d);
  if (fmt.ioBytes) ix.ioBytes = (event) => fmt.ioBytes?.(event);
  if (fmt.fieldGroups) ix.fieldGroups = fmt.fieldGroups();
  const cell: Record<string, (e: number) => string> = {
    no: (e) => String(e),
    time: (e) => timeText(ix, e),
    cpu: (e) => (ix.cpu.data[e - 1] >= 0 ? String(ix.cpu.data[e - 1]) : ''),
    proc: (e) => s[ix.procName.data[e - 1]],
    pid: (e) => (ix.pid.data[e - 1] >= 0 ? String(ix.pid.data[e - 1]) : ''),
    tid: (e) => (ix.tid.data[e - 1] >= 0 ? String(ix.tid.data[e - 1]) : ''),
    dir: (e) => dirText(ix, e),
    event: (e) => s[ix.type.data[e - 1]],
    fd: (e) => String(fdNumOf(ix, e - 1) ?? ''),
    fdname: (e) => s[ix.fdName.data[e - 1]],
    container: (e) => s[ix.container.data[e - 1]],
    args: (e) => fmt.args(e),
    cname: (e) => fmt.containerName?.(e) ?? '',
    info: (e) => infoText(dirText(ix, e), s[ix.type.data[e - 1]], fmt.args(e)),
  };
  /**
   * The last page's Arguments, kept for one reuse: the events table asks for Arguments and Info
   * of the same page in one call. Used once and only while no event was added (a followed log
   * joins a resumed line to its call), so it never outlives that call's texts.
   */
  let argsMemo: { start: number; count: number; total: number; page: PageTexts } | undefined;
  const argsTexts = (start: number, count: number): PageTexts => {
    const memo = argsMemo;
    argsMemo = undefined;
    if (memo && memo.start === start && memo.count === count && memo.total === syscallCount(ix)) return memo.page;
    const texts = new Array<string>(count);
    syscallPageWork.argsEvents += count;
    if (fmt.argsPage) fmt.argsPage(start, count, texts);
    else for (let r = 0; r < count; r++) texts[r] = fmt.args(start + r + 1);
    const p = pageEncoder(count);
    for (let r = 0; r < count; r++) encodeRow(p, r, texts[r]);
    const page = { ids: p.ids, dict: p.dict };
    // The reply moves a page's arrays to the other thread (host/reply-size.ts): the memo keeps its own.
    argsMemo = { start, count, total: syscallCount(ix), page: { ids: p.ids.slice(), dict: p.dict } };
    return page;
  };
  /** Info of a page from its Arguments page: one text per distinct (direction, type, arguments). */
  const infoTexts = (start: number, count: number): PageTexts => {
    const args = argsTexts(start, count);
    const p = pageEncoder(count);
    // Keyed by numbers, not by the text: the arguments' text is hashed once, in argsTexts.
    const byKey = new Map<number, number>();
    const types = ix.type.data;
    const dirs = ix.dir.data;
    for (let r = 0; r < count; r++) {
      const i = start + r;
      const key = (types[i] * 4 + dirs[i]) * count + args.ids[r];
      let id = byKey.get(key);
      if (id === undefined) {
        const text = infoText(DIR_TEXT[dirs[i]] ?? '', s[types[i]], args.dict[args.ids[r]]);
        id = p.codes.get(text);
        if (id === undefined) p.codes.set(text, (id = p.dict.push(text) - 1));
        byKey.set(key, id);
      }
      p.ids[r] = id;
    }
    return { ids: p.ids, dict: p.dict };
  };
  /** Any column's `cells` texts of a page: Arguments and Info from the page's arguments, the rest a cell per row. */
  const cellTexts = (column: string, start: number, count: number): PageTexts | undefined => {
    if (column === 'args') return argsTexts(start, count);
    if (column === 'info') return infoTexts(start, count);
    const text = cell[column];
    if (!text) return undefined;
    const p = pageEncoder(count);
    for (let r = 0; r < count; r++) encodeRow(p, r, text(start + r + 1));
    return { ids: p.ids, dict: p.dict };
  };
  const capture: Capture = {
    info: () => fmt.info(),
    count: () => syscallCount(ix),
    columns: () => SYSCALL_COLUMNS,
    cells(event, out) {
      for (let c = 0; c < SYSCALL_COLUMNS.length; c++) out[c] = cell[SYSCALL_COLUMNS[c].id](event);
    },
    flags: (event) => ix.flags.data[event - 1],
    sortKey(event, column) {
      const i = event - 1;
      switch (column) {
        case 'no':
          return event;
        case 'time':
          return syscallTime(ix, event);
        // The two text columns: only the sorted one's text, not every cell of the row.
        case 'info':
        case 'args':
          return textSortKey(cell[column](event));
        // Negative ids mean "none": NaN sorts them with the empty cells, last.
        case 'cpu':
          return ix.cpu.data[i] >= 0 ? ix.cpu.data[i] : NaN;
        case 'pid':
          return ix.pid.data[i] >= 0 ? ix.pid.data[i] : NaN;
        case 'tid':
          return ix.tid.data[i] >= 0 ? ix.tid.data[i] : NaN;
        case 'fd':
          return fdNumOf(ix, i) ?? NaN;
        default:
          return cell[column]?.(event);
      }
    },
    sortKeyTexts(column, start, count) {
      // Arguments and Info sort by textSortKey of their text; the other text columns by the text.
      if (column === 'args' || column === 'info') return mapPageTexts(column === 'args' ? argsTexts(start, count) : infoTexts(start, count), keyText);
      return TEXT_KEY_COLUMNS.has(column) ? cellTexts(column, start, count) : undefined;
    },
    cellTexts,
    time: (event) => syscallTime(ix, event),
    dissect: (event, d) => {
      fmt.dissect(event, d);
    },
    range: (event) => ({ offset: ix.offset.data[event - 1], length: ix.length.data[event - 1] }),
    close: () => fmt.close(),
    internals: () => ({ kind: 'syscalls', index: ix }),
  };
  return capture;
}
