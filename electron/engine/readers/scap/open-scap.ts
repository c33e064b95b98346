/**
 * Open a sysdig/Falco `.scap` capture: one streaming pass over the blocks builds the syscall
 * index (and the process/fd tables as libsinsp keeps them); the Arguments text and the details
 * of an event are re-read from the file on demand.
 *
 * State at the time of each event is kept cheaply and without allocation per event: fd info
 * and process snapshots are immutable objects in two tables (a new entry only when the state
 * changed), each event stores their ids in typed columns; the rare extra resolutions (a second
 * fd, a pid's name, poll lists, the base of a relative path) go in a sparse sorted side column.
 */
import type { CaptureInfo } from '../../../../shared/rpc.ts';
import type { OpenOptions } from '../../capture.ts';
import { windowedReader, type CaptureSource } from '../../io/capture-source.ts';
import { addField, markMalformed, resetDissection, type Dissection } from '../../dissectors/dissection.ts';
import { hfFrameFile } from '../../dissectors/frame.ts';
import { argField, SF } from '../../syscalls/fields.ts';
import { addIndexedSyscallFields, addLatencyFields, fdUsage, quantizedLatency, addSyscallEvent, createSyscallIndex, Dir, FD_UNKNOWN, fdNumOf, hasFdName, reserveSyscallEvents, syscallCapture, syscallCount, syscallSubtree, type SyscallEventInput, type SyscallFieldGroup, type SyscallIndex, type SyscallReader } from '../../syscalls/syscall-index.ts';
import { createColumn, createInterner, intern, pushValue, reserve } from '../../index/columns.ts';
import { EVENT_TABLE, PPM_EVENT_MAX, SC_NAMES, type EventDef } from '../../syscalls/scap-event-table.ts';
import { GENERIC_CATEGORY } from '../../syscalls/generic-categories.ts';
import { BT, createBlockWalker, isEventBlock, SHB_MAGIC } from './blocks.ts';
import { createEventView, decodeEvent, paramI64, paramStr, type EventView } from './event.ts';
import { argsText, paramText, PT, type Resolver } from './render.ts';
import { applyContainerEvent, applyEvent, applyMemoryEvent, atPath, containerThread, createState, dropThread, FdType, fdTypeChar, fdTypeName, joinPath, l4Name, NO_ID, readFdList, readIfList, readMachineInfo, readProcList, readUserList, takeProcChanged, threadCount, threadOf, unknownThread, type FdInfo, type ScapState, type ThreadInfo } from './state.ts';

/** What a row knows about its process (immutable; shared by consecutive events of a thread). */
type ProcSnap = Readonly<Pick<ThreadInfo, 'pid' | 'ptid' | 'comm' | 'exe' | 'args' | 'argc' | 'exepath' | 'cwd' | 'container' | 'uid' | 'gid' | 'nsTid' | 'nsPid'> & {
  /** Parent's name and command line (undefined: not known). */
  pname: string | undefined;
  pcmdline: string | undefined;
  /** Ancestors' names and pids, parent first, as the process table had them when the snapshot was made. */
  anames: readonly string[];
  apids: readonly number[];
  /** False when the thread was first seen in an event (sysdig has no process for it: its proc fields are <NA>). */
  valid: boolean;
  sid: number;
  sname: string;
  vpgid: number;
  tty: number;
  /** The process's (main thread's) fd limit and environment. */
  fdlimit: number;
  env: string;
  loginuid: number;
  exeWritable: boolean;
  cgroups: string;
  /** Threads of the process (-1: its main thread is not in the table) and proc.nchilds. */
  nthreads: number;
  nchilds: number;
  /** Pid of the oldest shell among the process and its ancestors (-1: none). */
  loginshellid: number;
  cloneSec: number;
  cloneNsec: number;
}>;

/**
 * Memory counters, open fds, exectime and totexectime a row saw, per entry in the memory table
 * (MEM_WIDTH numbers).
 */
const MEM_WIDTH = 8;

/** Ancestors followed at most this far (a loop in ptids, from reused pids, must end). */
const MAX_ANCESTORS = 32;

/** EC_* category names (ppm_events_public.h ppm_event_category, low bits) as Falco's evt.category prints them. */
const CATEGORY: Record<number, string> = {
  0: 'unknown', 1: 'other', 2: 'file', 3: 'net', 4: 'IPC', 5: 'memory', 6: 'process', 7: 'sleep', 8: 'system',
  9: 'signal', 10: 'user', 11: 'time', 12: 'processing', 32: 'IO_READ', 33: 'IO_WRITE', 34: 'IO_OTHER', 64: 'wait', 128: 'scheduler',
};
const EC_INTERNAL = 1 << 8;
const EC_IO_BASE = 32;

/**
 * evt.category as libsinsp's sinsp_evt::get_category and the TYPE_CATEGORY check print it: the
 * event's category, except I/O events, which take the kind of their fd (file, net, IPC, other).
 */
function categoryOf(def: EventDef | undefined, f: FdInfo | undefined): string {
  if (!def) return 'unknown';
  const c = def[1] & 0xff;
  if ((c & EC_IO_BASE) === 0) return CATEGORY[c] ?? 'unknown';
  if (!f) return 'unknown';
  switch (f.type) {
    case FdType.File: case FdType.FileV2: case FdType.Directory:
      return 'file';
    case FdType.Ipv4Sock: case FdType.Ipv6Sock: case FdType.Ipv4ServSock: case FdType.Ipv6ServSock:
      return 'net';
    case FdType.Fifo: case FdType.UnixSock: case FdType.Event: case FdType.Signalfd: case FdType.Inotify:
      return 'ipc'; // the SC_IPC subcategory prints in lower case, unlike the EC_IPC category

    default:
      return 'other';
  }
}
const EC_METAEVENT = 1 << 12;

function paramFd(dv: DataView, q: number): number {
  return dv.getInt32(q + 4, true) * 4294967296 + dv.getUint32(q, true);
}

const EC_SYSCALL = 1 << 9;
const NUMERIC_RES = new Set<number>([PT.ERRNO, PT.FD, PT.PID, PT.FD32, PT.PID32, PT.INT8, PT.INT16, PT.INT32, PT.INT64, PT.UINT8, PT.UINT16, PT.UINT32, PT.UINT64]);
/**
 * Per event type: 1 when the first parameter is the result, as evt.rawres reads it (libsinsp
 * sinsp_evt::has_return_value: a syscall exit's first parameter, whatever its name: res, fd, ...;
 * not the generic event's). Only numeric ones.
 */
const RES_FIRST: Uint8Array = Uint8Array.from(EVENT_TABLE, (d, type) => (d && (type & 1) === 1 && type !== 1 && (d[1] & EC_SYSCALL) !== 0 && d[3].length > 0 && NUMERIC_RES.has(d[3][0][1]) ? 1 : 0));

/** Event types with parameters whose text depends on state (fds, pids, fd lists, paths). */
const STATEFUL: Uint8Array = Uint8Array.from(EVENT_TABLE, (d) =>
  d && d[3].some((p) => p[1] === PT.FD || p[1] === PT.FD32 || p[1] === PT.PID || p[1] === PT.PID32 || p[1] === PT.FDLIST || p[1] === PT.FSPATH || p[1] === PT.FSRELPATH) ? 1 : 0,
);

/**
 * evt.abspath's (dirfd, path) parameter names per event, source then destination
 * (sinsp_filter_check_event::extract_abspath; sysdig 0.29.3 also resolves the old openat, linkat
 * and unlinkat enters; fchownat is current libsinsp's). open_by_handle_at is apart: its path.
 */
const ABSPATH_PARAMS: ReadonlyMap<string, readonly string[]> = new Map([
  ['PPME_SYSCALL_RENAMEAT_X', ['olddirfd', 'oldpath', 'newdirfd', 'newpath']],
  ['PPME_SYSCALL_RENAMEAT2_X', ['olddirfd', 'oldpath', 'newdirfd', 'newpath']],
  ['PPME_SYSCALL_LINKAT_E', ['olddir', 'oldpath', 'newdir', 'newpath']],
  ['PPME_SYSCALL_LINKAT_2_X', ['olddir', 'oldpath', 'newdir', 'newpath']],
  ['PPME_SYSCALL_SYMLINKAT_X', ['linkdirfd', 'linkpath']],
  ['PPME_SYSCALL_OPENAT_E', ['dirfd', 'name']],
  ['PPME_SYSCALL_OPENAT_2_X', ['dirfd', 'name']],
  ['PPME_SYSCALL_OPENAT2_X', ['dirfd', 'name']],
  ['PPME_SYSCALL_UNLINKAT_E', ['dirfd', 'name']],
  ['PPME_SYSCALL_UNLINKAT_2_X', ['dirfd', 'name']],
  ['PPME_SYSCALL_MKDIRAT_X', ['dirfd', 'path']],
  ['PPME_SYSCALL_FCHMODAT_X', ['dirfd', 'filename']],
  ['PPME_SYSCALL_FCHOWNAT_X', ['dirfd', 'pathname']],
]);

/** Per event type: parameter indexes of ABSPATH_PARAMS (src dirfd, src path, dst dirfd, dst path), -1 for none. */
const ABSPATH: Int8Array = (() => {
  const out = new Int8Array(EVENT_TABLE.length * 4).fill(-1);
  EVENT_TABLE.forEach((d, type) => {
    const names = d && ABSPATH_PARAMS.get(d[4]);
    if (!names) return;
    names.forEach((n, k) => (out[type * 4 + k] = d[3].findIndex((p) => p[0] === n)));
  });
  return out;
})();

/** Slots of the extra resolutions (event * 64 + slot) that hold evt.abspath.src and .dst (parameters use 0..nparams-1). */
const ABSPATH_SRC_SLOT = 62;
const ABSPATH_DST_SLOT = 63;

/** Scheduler switch and procinfo events: libsinsp looks their thread up without creating it. */
const SWITCH: Uint8Array = Uint8Array.from(EVENT_TABLE, (d) => (d && (d[0] === 'switch' || d[0] === 'procinfo') ? 1 : 0));

/**
 * Events whose fd parameter is not the event's fd (no fd.* fields; the fd still resolves in
 * evt.args): mmap and mmap2. sysdig 0.29.3, the oracle of test/golden/sysdig, prints
 * `fd.num=<NA>` on them (its event table did not flag them EF_USES_FD); the newer libsinsp of
 * the seed rendering (docker-curl-https.txt) flags them, but that file only shows evt.args, which
 * names the fd either way.
 */
/** Is n in the first len values of an ascending array? */
function sortedHas(a: Int32Array, len: number, n: number): boolean {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < n) lo = mid + 1;
    else hi = mid;
  }
  return lo < len && a[lo] === n;
}

/** Scheduler switch events (thread.exectime). */
const SWITCH_ONLY: Uint8Array = Uint8Array.from(EVENT_TABLE, (d) => (d && d[0] === 'switch' ? 1 : 0));
/** Events that report memory counters (applyMemoryEvent). */
const MEM_EVENT: Uint8Array = Uint8Array.from(EVENT_TABLE, (d) => (d && ['switch', 'brk', 'mmap', 'mmap2', 'munmap'].includes(d[0]) ? 1 : 0));
/**
 * Also the *at exits whose dirfd newer tables flag EF_USES_FD and 0.29.3's did not (driver/
 * event_table.c at libs 0.7.0: EF_NONE): sysdig prints no fd fields on them (sysdig-abspath.test.ts).
 */
const OLD_NO_FD = new Set(['PPME_SYSCALL_MKDIRAT_X', 'PPME_SYSCALL_UNLINKAT_2_X', 'PPME_SYSCALL_SYMLINKAT_X', 'PPME_SYSCALL_FCHMODAT_X']);
const NO_FD: Uint8Array = Uint8Array.from(EVENT_TABLE, (d) => (d && (d[0] === 'mmap' || d[0] === 'mmap2' || OLD_NO_FD.has(d[4])) ? 1 : 0));

const EF_FD = 1 | 2 | 4; // EF_CREATES_FD | EF_DESTROYS_FD | EF_USES_FD (ppm_events_public.h enum ppm_event_flags)
/**
 * fd events: libsinsp gives them fd fields even when the fd is not in the thread's table
 * (sinsp_filter_check_fd::extract_fd), the fd.num -1 of FD_UNKNOWN included. mmap excluded (NO_FD).
 */
const FD_EVENT: Uint8Array = Uint8Array.from(EVENT_TABLE, (d, i) => (d && (d[2] & EF_FD) !== 0 && NO_FD[i] === 0 ? 1 : 0));

/**
 * fd.typechar of an fd event without an fd-table entry, guessed from the event type as libsinsp
 * does (sinsp_evt::extract_typechar; sysdig 0.29.3 counts open among the file openers).
 */
function nullFdTypechar(name: string): string {
  switch (name) {
    case 'open': case 'openat': case 'openat2': case 'creat': return 'f';
    case 'socket': case 'accept': case 'accept4': return '4';
    case 'pipe': case 'pipe2': return 'p';
    case 'eventfd': case 'eventfd2': return 'e';
    case 'signalfd': case 'signalfd4': return 's';
    case 'timerfd_create': return 't';
    case 'inotify_init': case 'inotify_init1': return 'i';
    default: return 'o';
  }
}

/**
 * fd.name of an fd event's exit whose fd is not in the table, from the exit's own parameters
 * (sinsp_filter_check_fd::extract_fdname_from_event): the second parameter (path or tuple, as
 * evt.args prints it) of open, creat, openat, accept and connect, "" for the others.
 */
function nullFdName(v: EventView, def: EventDef): string {
  if (!['open', 'creat', 'openat', 'openat2', 'accept', 'accept4', 'connect'].includes(def[0]) || v.nparams < 2) return '';
  const pi = def[0].startsWith('openat') ? def[3].findIndex((p) => p[0] === 'name') : 1;
  if (pi < 0 || pi >= v.nparams) return '';
  const [val, res] = paramText(v, pi, def[3][pi], undefined);
  return res || val;
}

/**
 * PPME_SOCKET_CONNECT_X. sysdig 0.29.3 names a unix socket's failed connect exit by its tuple as
 * evt.args prints it (`0->ffff88003c420800 /var/run/nscd/socket`) while its fd table keeps the
 * old name (the close that follows shows ""): observed on curl_google and 502Error, modelled so.
 */
const CONNECT_X = EVENT_TABLE.findIndex((d) => d?.[4] === 'PPME_SOCKET_CONNECT_X');

/**
 * Metaevents that do not start the capture's clock (sinsp::next sets m_firstevent_ts from the
 * first event of another type): evt.reltime counts from the first event that is none of these.
 */
const NO_TIME_BASE: Uint8Array = Uint8Array.from(EVENT_TABLE, (d) => (d && ['PPME_CONTAINER_JSON_E', 'PPME_CONTAINER_JSON_2_E', 'PPME_USER_ADDED_E', 'PPME_GROUP_ADDED_E'].includes(d[4]) ? 1 : 0));

// ppm_events_public.h enum ppm_event_flags.
const EF_READS_FROM_FD = 1 << 3;
const EF_WRITES_TO_FD = 1 << 4;
const EF_WAITS = 1 << 7;
const EF_CREATES_FD = 1;
const EC_MEMORY = 5;

// ppm_events_public.h PPM_O_* open flags and PPM_S_IX* mode bits.
const PPM_O_RDONLY = 1 << 0;
const PPM_O_WRONLY = 1 << 1;
const PPM_O_CREAT = 1 << 2;
const PPM_O_TMPFILE = 1 << 13;
const PPM_S_IXANY = (1 << 6) | (1 << 3) | (1 << 0);

/**
 * evt.is_open_*: where the open flags and mode are, per event (sinsp_filter_check_event
 * TYPE_ISOPEN_*: open's exit and openat's enter at 2/3, openat2's exit and openat's 2nd exit at
 * 3/4, open_by_handle_at's exit at 2 (no mode); creat's exit has only a mode, at 2).
 */
const OPEN_FLAGS: ReadonlyMap<string, readonly [flags: number, mode: number]> = new Map([
  ['PPME_SYSCALL_OPEN_X', [2, 3]], ['PPME_SYSCALL_OPENAT_E', [2, 3]], ['PPME_SYSCALL_OPENAT_2_X', [3, 4]],
  ['PPME_SYSCALL_OPENAT2_X', [3, 4]], ['PPME_SYSCALL_OPEN_BY_HANDLE_AT_X', [2, -1]], ['PPME_SYSCALL_CREAT_X', [-1, 2]],
]);

/** Exits that name a file or a socket without an fd-table entry (evt.count.error.file / .net). */
const FILE_OPEN_X = new Set(['PPME_SYSCALL_OPEN_X', 'PPME_SYSCALL_CREAT_X', 'PPME_SYSCALL_OPENAT_X', 'PPME_SYSCALL_OPENAT_2_X', 'PPME_SYSCALL_OPENAT2_X', 'PPME_SYSCALL_OPEN_BY_HANDLE_AT_X']);
const NET_OPEN_X = new Set(['PPME_SOCKET_ACCEPT_X', 'PPME_SOCKET_ACCEPT_5_X', 'PPME_SOCKET_ACCEPT4_X', 'PPME_SOCKET_ACCEPT4_5_X', 'PPME_SOCKET_CONNECT_X']);

/** libsinsp's container type names (container_type enum, CT_DOCKER = 0 ...), as container.type prints them. */
const CONTAINER_TYPES = ['docker', 'lxc', 'libvirt-lxc', 'mesos', 'rkt', 'custom', 'cri', 'containerd', 'cri-o', 'bpm', 'static', 'podman'];

/**
 * evt.count.error's test (sinsp_filter_check_event::extract_error_count): a parameter named res
 * below 0, else for an exit that creates an fd its fd parameter below 0. undefined: no such result.
 */
function errorResult(v: EventView, def: EventDef): boolean | undefined {
  const ri = def[3].findIndex((p) => p[0] === 'res');
  if (ri >= 0 && ri < v.nparams) return paramI64(v, ri) < 0 ? true : undefined;
  if ((def[2] & EF_CREATES_FD) !== 0 && (v.type & 1) === 1) {
    const fi = def[3].findIndex((p) => p[0] === 'fd');
    if (fi >= 0 && fi < v.nparams && paramI64(v, fi) < 0) return true;
  }
  return undefined;
}

/** Event types with an evt.buffer (a BYTEBUF parameter named data or buf, as dissect adds it). */
const HAS_BUFFER: Uint8Array = Uint8Array.from(EVENT_TABLE, (d) => (d && d[3].some((p) => p[1] === PT.BYTEBUF && (p[0] === 'data' || p[0] === 'buf')) ? 1 : 0));

/** Fields of addFdFields that are a function of the fd snapshot alone. */
const FD_GROUP = new Set(['fd.type', 'fd.cip', 'fd.sip', 'fd.cport', 'fd.sport', 'fd.l4proto', 'fd.filename', 'fd.sockfamily']);
/** Fields of addFdFields that also depend on the process's container (isLocal). */
const FD_SIDE_GROUP = new Set(['fd.is_server', 'fd.lip', 'fd.rip', 'fd.lport', 'fd.rport']);
/** Also from addFdFields, but guessed from the event for an fd event without a table entry (addNullFdFields). */
const FD_CHAR_GROUP = new Set(['fd.typechar', 'fd.directory']);
/** Fields of addProcFields but thread.ismain (which needs the tid): a function of the process snapshot. */
const PROC_GROUP = new Set(['proc.exe', 'proc.exepath', 'proc.args', 'proc.cmdline', 'proc.exeline', 'proc.pcmdline', 'proc.ppid', 'proc.pname', 'proc.aname', 'proc.apid',
  'proc.cwd', 'proc.vpid', 'thread.vtid', 'container.name', 'container.type', 'container.image', 'user.uid', 'user.name', 'user.homedir', 'user.shell', 'group.gid', 'group.name',
  'proc.sid', 'proc.sname', 'proc.vpgid', 'proc.tty', 'proc.loginshellid', 'proc.nthreads', 'proc.nchilds', 'proc.fdlimit', 'proc.env', 'thread.cgroups',
  'proc.is_exe_writable', 'user.loginuid', 'user.loginname', 'container.image.id', 'container.privileged', 'container.mounts']);
/** Process snapshot ids below this fit beside the fd snapshot id in one key. */
const PROC_KEY = 1 << 22;

/** Container events (PPME_CONTAINER_E, PPME_CONTAINER_JSON_E, PPME_CONTAINER_JSON_2_E). */
const CONTAINER_EVENT: Uint8Array = Uint8Array.from(EVENT_TABLE, (d) => (d && d[0] === 'container' && (d[4].endsWith('_E')) ? 1 : 0));

/** proc.cmdline: comm, then " arg" per argument (empty arguments keep their space), as sinsp_threadinfo's populate_cmdline. */
function cmdlineOf(t: Pick<ThreadInfo, 'comm' | 'args' | 'argc'>): string {
  return t.argc > 0 ? `${t.comm} ${t.args}` : t.comm;
}

export function eventTypeName(type: number): string {
  const def = type < PPM_EVENT_MAX ? EVENT_TABLE[type] : undefined;
  return def ? def[0] : `unknown(${type})`;
}

/** True for events sysdig hides from its default output (internal/meta events such as procinfo). */
export function isInternalEvent(type: number): boolean {
  const def = type < PPM_EVENT_MAX ? EVENT_TABLE[type] : undefined;
  return !!def && (def[1] & (EC_INTERNAL | EC_METAEVENT)) !== 0 && (def[1] & (1 << 9)) === 0;
}

export interface ScapCapture extends SyscallReader {
  /** evt.args text of one event (also the Arguments column). */
  argsOf(event: number): string;
  /** Numeric scap event type of an event. */
  typeOf(event: number): number;
  /** The file an event came from (one of several rotated files: frame.file). */
  fileNameOf(event: number): string;
}

/**
 * Bytes of virtual offset space per file of a rotated set: file k's byte o is at k * SCAP_FILE_SPAN
 * + o (as sets/packet-merge.ts does for packet files), so the offset column names the file too.
 */
export const SCAP_FILE_SPAN = 2 ** 40;

/**
 * Several scap files as one capture (a `sysdig -C/-G/-e` rotation, `-W` ring): `sources` must be
 * in time order (see scapFirstEventNs). They are read one after the other into one index over
 * one process/fd state, as sysdig reads them in order: each file's process and fd lists (sysdig
 * writes the current tables at the start of every rotated file) replace the threads they name
 * and add their fds, so state carries over and nothing is listed twice. Events are numbered
 * across the files; evt.reltime counts from the first file's first event.
 */
export async function openScap(sources: CaptureSource | readonly CaptureSource[], opts: OpenOptions, warnings: string[]): Promise<ScapCapture> {
  const files: readonly CaptureSource[] = Array.isArray(sources) ? sources : [sources as CaptureSource];
  if (files.length === 0) throw new Error('openScap: no file');
  const source = files[0];
  const many = files.length > 1;
  const names = files.map((f) => f.path.split(/[\\/]/).pop() ?? f.path);
  /** Which file the block being read is in (its index in `files`); its offsets start at fileBase. */
  let fileNo = 0;
  let fileBase = 0;
  /** "at byte N" of a message, naming the file in a set. */
  const at = (offset: number): string => (many ? `${names[fileNo]} byte ${offset}` : `byte ${offset}`);
  const totalSize = files.reduce((a, f) => a + f.fileSize, 0);
  const t0 = Date.now();
  const ix = createSyscallIndex();
  const st: ScapState = createState();
  /**
   * State each event saw, as small ids into tables of shared immutable snapshots (a new snapshot
   * only when the state changed): fd info (0 = none) and process.
   */
  const fdCol = createColumn(Int32Array);
  const fdTable: (FdInfo | undefined)[] = [undefined];
  const fdIds = new Map<FdInfo, number>();
  let lastFdInfo: FdInfo | undefined;
  let lastFdId = 0;
  const procCol = createColumn(Int32Array);
  const procTable: ProcSnap[] = [{
    pid: -1, ptid: -1, comm: '', exe: '', args: '', argc: 0, exepath: '', cwd: '', container: '', uid: NO_ID, gid: NO_ID, nsTid: -1, nsPid: -1, pname: undefined, pcmdline: undefined, anames: [], apids: [], valid: false,
    sid: -1, sname: '', vpgid: -1, tty: 0, fdlimit: 0, env: '', loginuid: -1, exeWritable: false, cgroups: '', nthreads: -1, nchilds: 0, loginshellid: -1, cloneSec: 0, cloneNsec: 0,
  }];
  /**
   * Memory counters per event (vm sizes, page faults, open fds: they change on most mmap, switch
   * and open events, so they are kept apart from the process snapshots): an id per event into
   * rows of MEM_WIDTH numbers, a new row only when a thread's numbers changed (0: none).
   */
  /** Events (numbers, ascending) whose exit gave an fd a new name: fd.name_changed, rare enough for a list. */
  const nameChanged = createColumn(Int32Array);
  const memCol = createColumn(Int32Array);
  const memTable = createColumn(Float64Array);
  for (let k = 0; k < MEM_WIDTH; k++) pushValue(memTable, 0);
  /** Numeric event type per event (0xffff: header unreadable). */
  const types = createColumn(Uint16Array);
  /**
   * Rare extra resolutions (a second fd, a pid's name, poll lists, the base of a relative path),
   * sparse and sorted: key = event * 64 + parameter index; value = fd snapshot id for fd
   * parameters, else an id in xStrings.
   */
  const xKey = createColumn(Float64Array);
  const xVal = createColumn(Int32Array);
  const xStrings = createInterner();
  /** Block counts per type, counted in runs (consecutive blocks mostly share a type). */
  const blockCounts = new Map<number, number>();
  let runType = -1;
  let runCount = 0;
  /** evt.type text per event type id (names are looked up once, not per event). */
  const typeNames: string[] = [];
  const v = createEventView();
  let shbVersion = '';
  let bytesRead = 0;
  let done = false;
  let cancelled = false;
  let firstNs: string | null = null;
  let sawShb = false;
  const MAX_WARN = 200;
  let suppressed = 0;
  const warn = (m: string): void => {
    if (warnings.length < MAX_WARN) warnings.push(m);
    else suppressed++;
  };
  /** Parts of the input that could not be read (the CLI exits 2 when there are any). */
  let readErrors = 0;
  const damage = (m: string): void => {
    readErrors++;
    warn(m);
  };
  /**
   * Time of the last event whose header was read (a cut-short last event has none), as numbers:
   * the text is made when info() asks (one string per event was a tenth of the pass's garbage).
   */
  let lastGoodSec = -1;
  let lastGoodNsec = 0;
  const nsText = (sec: number, nsec: number): string | null => (sec < 0 ? null : `${sec}${String(nsec).padStart(9, '0')}`);

  const ev: SyscallEventInput = {
    offset: 0, length: 0, tsSec: 0, tsNsec: 0, cpu: -1, pid: -1, tid: -1, dir: 0, type: '', fd: -1, fdName: '',
    procName: '', container: '', rawres: NaN, latencyNs: NaN, failed: false, malformed: false,
  };

  function fdIdOf(f: FdInfo | undefined): number {
    if (!f) return 0;
    if (f === lastFdInfo) return lastFdId;
    let id = fdIds.get(f);
    if (id === undefined) {
      id = fdTable.length;
      fdTable.push(f);
      fdIds.set(f, id);
    }
    lastFdInfo = f;
    lastFdId = id;
    return id;
  }

  /** Snapshot id of a thread's process state; the thread keeps its last one while nothing changed. */
  function snapOf(t: ThreadInfo): number {
    const id = t.snapId;
    if (!takeProcChanged(st, t) && id > 0) return id;
    const anames: string[] = [];
    const apids: number[] = [];
    // proc.pname: the thread's own parent (sinsp_threadinfo::get_parent_thread, m_ptid).
    // proc.aname[N] walks up from the main thread (aname[1] is the process's parent).
    const main = t.tid !== t.pid ? st.threads.get(t.pid) : undefined;
    const parent = t.ptid > 0 ? st.threads.get(t.ptid) : undefined;
    const pname = parent?.comm;
    const pcmdline = parent ? cmdlineOf(parent) : undefined;
    for (let p = main ? main.ptid : t.ptid; p > 0 && anames.length < MAX_ANCESTORS; ) {
      const a = st.threads.get(p);
      if (!a) break;
      anames.push(a.comm);
      apids.push(a.pid);
      const up = st.threads.get(a.pid)?.ptid ?? a.ptid;
      if (up === p) break;
      p = up;
    }
    const proc = main ?? t;
    const x = processExtras(t, main);
    if (id > 0) {
      const s = procTable[id];
      if (s.pid === t.pid && s.comm === t.comm && s.exe === t.exe && s.args === t.args && s.argc === t.argc && s.cwd === proc.cwd && s.container === t.container && s.ptid === proc.ptid
        && s.exepath === t.exepath && s.uid === t.uid && s.gid === t.gid && s.valid === t.valid && s.nsTid === t.nsTid && s.nsPid === t.nsPid && s.pname === pname && s.pcmdline === pcmdline && s.anames.join('\0') === anames.join('\0') && s.apids.join() === apids.join()
        && s.sid === t.sid && s.sname === x.sname && s.vpgid === t.vpgid && s.tty === t.tty && s.fdlimit === proc.fdlimit && s.env === proc.env && s.loginuid === t.loginuid && s.exeWritable === t.exeWritable
        && s.cgroups === t.cgroups && s.nthreads === x.nthreads && s.nchilds === x.nchilds && s.loginshellid === x.loginshellid && s.cloneSec === t.cloneSec && s.cloneNsec === t.cloneNsec) return id;
    }
    t.snapId = procTable.length;
    // proc.ppid is the process's parent: the main thread's ptid.
    // proc.cwd of a thread is its process's (sinsp_threadinfo::get_cwd reads the main thread's).
    procTable.push({
      pid: t.pid, ptid: proc.ptid, comm: t.comm, exe: t.exe, args: t.args, argc: t.argc, exepath: t.exepath, cwd: proc.cwd, container: t.container, uid: t.uid, gid: t.gid, nsTid: t.nsTid, nsPid: t.nsPid, pname, pcmdline, anames, apids, valid: t.valid,
      sid: t.sid, sname: x.sname, vpgid: t.vpgid, tty: t.tty, fdlimit: proc.fdlimit, env: proc.env, loginuid: t.loginuid, exeWritable: t.exeWritable, cgroups: t.cgroups,
      nthreads: x.nthreads, nchilds: x.nchilds, loginshellid: x.loginshellid, cloneSec: t.cloneSec, cloneNsec: t.cloneNsec,
    });
    return t.snapId;
  }

  /**
   * proc.sname, proc.nthreads, proc.nchilds and proc.loginshellid (sysdig 0.29 filterchecks):
   * the session leader is the thread whose tid is the session id, else the oldest ancestor of the
   * main thread still in the session; a shell is a name ending in "sh", the oldest one counting.
   */
  function processExtras(t: ThreadInfo, main: ThreadInfo | undefined): { sname: string; nthreads: number; nchilds: number; loginshellid: number } {
    const m = t.tid === t.pid ? t : main;
    const leader = t.sid >= 0 ? st.threads.get(t.sid) : undefined;
    let sname = leader?.comm;
    let shell = m && m.comm.endsWith('sh') ? m.pid : -1;
    let top = m;
    let inSession = leader === undefined;
    for (let p = m ? m.ptid : -1, k = 0; p > 0 && k < MAX_ANCESTORS; k++) {
      const a = st.threads.get(p);
      if (!a) break;
      if (inSession && a.sid === t.sid) top = a;
      else inSession = false;
      if (a.comm.endsWith('sh')) shell = a.pid;
      if (a.ptid === p) break;
      p = a.ptid;
    }
    sname ??= top?.comm ?? '';
    const n = m ? threadCount(st, t.pid) : -1;
    return { sname, nthreads: n, nchilds: m && t === m ? n - 1 : 0, loginshellid: shell };
  }

  /**
   * thread.exectime of a switch event (sinsp_filter_check_thread extract_exectime): the time since
   * the previous switch on the same CPU, 0 for a CPU's first. Kept per CPU as seconds and ns.
   */
  const lastSwitch = new Map<number, readonly [number, number]>();
  function switchExectime(cpu: number, sec: number, nsec: number): number {
    const last = lastSwitch.get(cpu);
    lastSwitch.set(cpu, [sec, nsec]);
    return last ? (sec - last[0]) * 1e9 + (nsec - last[1]) : 0;
  }

  /** A row for a switch without a thread: only its exectime is known (sysdig prints it; totexectime has no thread). */
  function execRow(exec: number): number {
    const id = memTable.length / MEM_WIDTH;
    for (let k = 0; k < MEM_WIDTH; k++) pushValue(memTable, k === 6 ? exec : 0);
    return id;
  }

  /** Memory row id of a thread's current counters (a new row only when they changed). */
  function memOf(t: ThreadInfo, exec: number): number {
    const id = t.memId;
    const d = memTable.data;
    const o = id * MEM_WIDTH;
    // A close's exit still counts the fd it closed (sysdig removes it after the event).
    const open = t.fds.size + (st.closed ? 1 : 0);
    if (id > 0 && d[o] === t.vmsize && d[o + 1] === t.vmrss && d[o + 2] === t.vmswap && d[o + 3] === t.pfmajor && d[o + 4] === t.pfminor && d[o + 5] === open
      && d[o + 6] === exec && d[o + 7] === t.totExec) return id;
    t.memId = memTable.length / MEM_WIDTH;
    pushValue(memTable, t.vmsize);
    pushValue(memTable, t.vmrss);
    pushValue(memTable, t.vmswap);
    pushValue(memTable, t.pfmajor);
    pushValue(memTable, t.pfminor);
    pushValue(memTable, open);
    pushValue(memTable, exec);
    pushValue(memTable, t.totExec);
    return t.memId;
  }

  function addExtra(num: number, i: number, val: number): void {
    pushValue(xKey, num * 64 + i);
    pushValue(xVal, val);
  }

  /** Resolutions that are not the event's main fd, computed while the state is current. */
  function extraResolutions(num: number, t: ThreadInfo, mainFd: number): void {
    const ps = EVENT_TABLE[v.type]![3];
    for (let i = 0; i < v.nparams && i < ps.length; i++) {
      const pt = ps[i][1];
      if (pt === PT.FD || pt === PT.FD32) {
        const fd = paramI64(v, i);
        if (fd < 0 || fd === mainFd) continue;
        const f = t.fds.get(fd);
        if (f) addExtra(num, i, fdIdOf(f));
      } else if (pt === PT.PID || pt === PT.PID32) {
        const comm = st.threads.get(paramI64(v, i))?.comm;
        if (comm) addExtra(num, i, intern(xStrings, comm));
      } else if (pt === PT.FDLIST) {
        const p = v.pOff[i];
        if (v.pLen[i] < 2) continue;
        const nfds = v.dv.getUint16(p, true);
        let chars = '';
        for (let j = 0, q = p + 2; j < nfds && q + 10 <= p + v.pLen[i]; j++, q += 10) {
          const f = t.fds.get(paramFd(v.dv, q));
          chars += f ? fdTypeChar(f)[0] : '?';
        }
        if (chars) addExtra(num, i, intern(xStrings, chars));
      } else if (pt === PT.FSRELPATH || pt === PT.FSPATH) {
        // Only relative paths are resolved against a base (absolute and empty ones print as they are).
        if (v.pLen[i] === 0) continue;
        const c0 = v.buf[v.pOff[i]];
        if (c0 === 0x2f || c0 === 0) continue;
        const extra = ps[i][3];
        let base = t.cwd;
        if (extra.startsWith('dirfd=')) {
          const di = Number(extra.slice(6));
          if (di < v.nparams) {
            const dfd = paramI64(v, di);
            if (dfd !== -100) base = t.fds.get(dfd)?.name ?? '';
          }
        }
        addExtra(num, i, intern(xStrings, base));
      }
    }
    abspathResolutions(num, t);
  }

  /** evt.abspath.src / .dst of an *at call, from the fd table and cwd as they are after the event. */
  function abspathResolutions(num: number, t: ThreadInfo): void {
    const a = v.type * 4;
    let src: string | undefined;
    if (EVENT_TABLE[v.type]![4] === 'PPME_SYSCALL_OPEN_BY_HANDLE_AT_X') {
      // The path the kernel found for the handle, on success only (fd > 0).
      if (v.nparams > 3 && paramI64(v, 0) > 0 && v.pLen[3] > 0) src = joinPath('', paramStr(v, 3));
    } else if (ABSPATH[a] >= 0 && ABSPATH[a + 1] >= 0) src = atPath(t, v, ABSPATH[a], ABSPATH[a + 1]);
    if (src !== undefined) addExtra(num, ABSPATH_SRC_SLOT, intern(xStrings, src));
    const dst = ABSPATH[a + 2] >= 0 && ABSPATH[a + 3] >= 0 ? atPath(t, v, ABSPATH[a + 2], ABSPATH[a + 3]) : undefined;
    if (dst !== undefined) addExtra(num, ABSPATH_DST_SLOT, intern(xStrings, dst));
  }

  /** Offset of the first event block (for the size estimate). */
  let firstEventOffset = -1;
  const ESTIMATE_AFTER = 4096;

  /**
   * Once the first events are in, size the columns for the whole file from their average block
   * length: one allocation instead of a dozen doubling copies. Over-estimates only cost address
   * space (pages never written are never touched); compressed files keep doubling.
   */
  function presize(endOfEvent: number): void {
    if (files.some((f) => f.compressed) || !(totalSize > endOfEvent) || firstEventOffset < 0) return;
    const avg = (endOfEvent - firstEventOffset) / ESTIMATE_AFTER;
    const want = Math.ceil(ESTIMATE_AFTER + ((totalSize - endOfEvent) / avg) * 1.05);
    reserveSyscallEvents(ix, want);
    reserve([fdCol, procCol, memCol, types], want);
  }

  /**
   * applyEvent with its failure reported, kept out of onEvent: numbers live across a try block
   * are boxed (one heap number per event).
   */
  function applySafely(t: ThreadInfo, num: number, index: number, offset: number): number {
    try {
      return applyEvent(st, v, t);
    } catch (e) {
      warn(`event ${num} (block ${index + 1}) at ${at(offset)}: state update failed: ${(e as Error).message}`);
      return -1;
    }
  }

  /** The thread of switch and procinfo enters whose tid the table lacks (unknownThread). */
  let noThread: ThreadInfo | undefined;

  function onEvent(type: number, buf: Uint8Array, dv: DataView, start: number, len: number, offset: number, index: number): void {
    const ok = decodeEvent(v, type, buf, dv, start, len);
    const num = syscallCount(ix) + 1;
    if (num === 1) firstEventOffset = offset;
    else if (num === ESTIMATE_AFTER && fileNo === 0) presize(offset + len);
    ev.offset = fileBase + offset;
    ev.length = len;
    ev.malformed = v.error !== '';
    if (v.error !== '') damage(`event ${num} (block ${index + 1}) at ${at(offset)}: ${v.error}`);
    if (!ok) {
      ev.tsSec = 0; ev.tsNsec = 0; ev.cpu = -1; ev.pid = -1; ev.tid = -1; ev.dir = Dir.None; ev.type = 'malformed';
      ev.fd = -1; ev.fdName = ''; ev.procName = ''; ev.container = ''; ev.rawres = NaN; ev.latencyNs = NaN; ev.failed = false;
      pushValue(fdCol, 0);
      pushValue(procCol, procCol.length > 0 ? procCol.data[procCol.length - 1] : 0);
      pushValue(memCol, 0);
      pushValue(types, 0xffff);
      addSyscallEvent(ix, ev);
      return;
    }
    const et = v.type;
    // libsinsp does not create a thread for a scheduler switch or procinfo (no /proc lookup): the
    // event has no process, and sysdig prints <NA> for its proc, user and container fields.
    const noProcess = et < PPM_EVENT_MAX && SWITCH[et] === 1 && !st.threads.has(v.tid);
    // Not kept: the next switch of this tid has no process either. The enters (every switch and
    // procinfo type) leave the thread as it is in applyEvent, so one reused object serves them.
    const transient = noProcess && (et & 1) === 0;
    const t = transient ? (noThread = unknownThread(v.tid, noThread)) : threadOf(st, v.tid);
    if (noProcess) {
      if (!transient) dropThread(st, v.tid);
      st.last = undefined;
    }
    const exit = (et & 1) === 1;
    // An exit leaves the enter's fields of the thread alone (applyEvent only sets them on enters).
    const matched = exit && t.enterType === et - 1;
    const enterFd = t.enterFd;
    st.closed = undefined;
    st.nameChanged = false;
    const container = et < PPM_EVENT_MAX && CONTAINER_EVENT[et] === 1 ? applyContainerEvent(st, v) : undefined;
    const fd = applySafely(t, num, index, offset);
    if (st.nameChanged) pushValue(nameChanged, num);
    if (!noProcess && et < PPM_EVENT_MAX && MEM_EVENT[et] === 1) applyMemoryEvent(st, v, t);
    // A close's exit still shows the fd it closed.
    const f = fd >= 0 && (et >= PPM_EVENT_MAX || NO_FD[et] === 0) ? (t.fds.get(fd) ?? (exit && fd === enterFd ? st.closed : undefined)) : undefined;
    // An fd that is not the event's (mmap's) still resolves in evt.args, as an extra resolution.
    if (et < PPM_EVENT_MAX && STATEFUL[et] === 1) extraResolutions(num, t, NO_FD[et] === 1 ? -1 : fd);
    pushValue(fdCol, fdIdOf(f));
    // A container JSON event shows the container's own thread (containerThread), not its tid's.
    const sid = noProcess ? 0 : snapOf(container !== undefined ? containerThread(container) : t);
    const snap = procTable[sid];
    pushValue(procCol, sid);
    let exec = 0;
    if (et < PPM_EVENT_MAX && SWITCH_ONLY[et] === 1) {
      exec = switchExectime(v.cpu, v.tsSec, v.tsNsec);
      if (!noProcess) t.totExec += exec;
    }
    pushValue(memCol, noProcess ? (exec !== 0 || SWITCH_ONLY[et] === 1 ? execRow(exec) : 0) : memOf(t, exec));
    pushValue(types, et);
    ev.tsSec = v.tsSec;
    ev.tsNsec = v.tsNsec;
    ev.cpu = v.cpu;
    ev.tid = v.tid;
    ev.pid = snap.pid;
    ev.dir = exit ? Dir.Exit : Dir.Enter;
    ev.type = typeNames[et] ??= eventTypeName(et);
    if (et <= 1) {
      // PPME_GENERIC_E/X: the first parameter is the ppm_sc syscall id.
      const nm = v.nparams > 0 ? SC_NAMES.get(paramI64(v, 0)) : et === 1 ? t.genericName : undefined;
      if (nm) ev.type = nm;
      if (et === 0) t.genericName = ev.type;
    }
    const fdEvent = et < PPM_EVENT_MAX && FD_EVENT[et] === 1 && !noProcess;
    ev.fd = et < PPM_EVENT_MAX && NO_FD[et] === 1 ? -1 : fd >= 0 ? fd : fdEvent ? FD_UNKNOWN : -1;
    ev.fdName = f ? (et === CONNECT_X && f.type === FdType.UnixSock && v.nparams > 1 && paramI64(v, 0) < 0 ? nullFdName(v, EVENT_TABLE[et]!) : f.name)
      : ev.fd === FD_UNKNOWN && exit ? nullFdName(v, EVENT_TABLE[et]!) : '';
    ev.procName = snap.comm;
    ev.container = noProcess ? '' : snap.container || 'host';
    const raw = exit && v.nparams > 0 && et < PPM_EVENT_MAX && RES_FIRST[et] === 1 ? paramI64(v, 0) : NaN;
    ev.rawres = raw;
    ev.failed = raw < 0;
    // sysdig 0.29.3 prints 0 for enters and for exits whose enter it did not see.
    // A scheduler switch prints the thread's last latency: libsinsp's parser returns before the
    // enter that would reset it (sinsp_parser::reset, sysdig 0.29.3).
    if (et < PPM_EVENT_MAX && SWITCH[et] === 1 && EVENT_TABLE[et]![0] === 'switch') ev.latencyNs = noProcess ? 0 : t.latencyNs;
    else ev.latencyNs = t.latencyNs = matched ? (v.tsSec - t.enterTsSec) * 1e9 + (v.tsNsec - t.enterTsNsec) : 0;
    if (ix.timeBaseNs === undefined && (et >= PPM_EVENT_MAX || NO_TIME_BASE[et] === 0)) ix.timeBaseNs = BigInt(v.tsSec) * 1_000_000_000n + BigInt(v.tsNsec);
    lastGoodSec = v.tsSec;
    lastGoodNsec = v.tsNsec;
    firstNs ??= nsText(v.tsSec, v.tsNsec);
    addSyscallEvent(ix, ev);
  }

  const walkerOf = (): ReturnType<typeof createBlockWalker> => createBlockWalker({
    // The walker's own messages say "at byte N" of the file it reads: name the file in a set.
    warning: (m) => warn(many ? `${names[fileNo]}: ${m}` : m),
    damage: (m) => damage(many ? `${names[fileNo]}: ${m}` : m),
    block(type, buf, dv, start, len, offset, index) {
      if (type !== runType) {
        if (runCount > 0) blockCounts.set(runType, (blockCounts.get(runType) ?? 0) + runCount);
        runType = type;
        runCount = 0;
      }
      runCount++;
      if (index === 0 && type !== BT.SHB) damage(`block 1 at ${at(offset)}: not a section header block (type 0x${type.toString(16)})`);
      try {
        if (isEventBlock(type)) {
          onEvent(type, buf, dv, start, len, offset, index);
          return;
        }
        let err = '';
        switch (type) {
          case BT.SHB:
            if (len >= 24) {
              const magic = dv.getUint32(start + 8, true);
              if (magic !== SHB_MAGIC) err = `byte-order magic 0x${magic.toString(16)} is not 0x1a2b3c4d (big-endian scap files do not exist in practice)`;
              shbVersion = `${dv.getUint16(start + 12, true)}.${dv.getUint16(start + 14, true)}`;
            }
            sawShb = true;
            break;
          case BT.MI: case BT.MI_INT:
            readMachineInfo(st, buf, start, len);
            break;
          case BT.FDL: case BT.FDL_INT: case BT.FDL_V2:
            err = readFdList(st, type, buf, dv, start, len);
            break;
          case BT.IL: case BT.IL_INT: case BT.IL_V2:
            err = readIfList(st, type, buf, dv, start, len);
            break;
          case BT.UL: case BT.UL_INT: case BT.UL_V2:
            err = readUserList(st, type, buf, start, len);
            break;
          default:
            if (type >= BT.PL_V1 && type <= BT.PL_V9 || type === BT.PL_V1_INT || type === BT.PL_V2_INT || type === BT.PL_V3_INT) {
              err = readProcList(st, type, buf, dv, start, len);
            }
        }
        if (err) damage(`block ${index + 1} (type 0x${type.toString(16)}) at ${at(offset)}: ${err}`);
      } catch (e) {
        damage(`block ${index + 1} (type 0x${type.toString(16)}) at ${at(offset)}: ${(e as Error).message}`);
      }
    },
  });

  const info = (): CaptureInfo => {
    const n = syscallCount(ix);
    if (runCount > 0) {
      blockCounts.set(runType, (blockCounts.get(runType) ?? 0) + runCount);
      runCount = 0;
    }
    const allWarnings = suppressed ? [...warnings, `${suppressed} more warnings not shown`] : warnings;
    return {
      name: names.join(', '),
      path: source.path,
      format: 'scap',
      kind: 'syscalls',
      compressed: files.some((f) => f.compressed),
      events: n,
      bytesRead,
      fileSize: totalSize,
      firstTimeNs: firstNs,
      lastTimeNs: nsText(lastGoodSec, lastGoodNsec),
      linkTypes: [],
      warnings: allWarnings,
      done,
      cancelled,
      loadMs: Date.now() - t0,
      extra: {
        readErrors,
        // A rotation: how many files, in the order read (info's name lists them in that order).
        ...(many ? { files: files.length } : {}),
        processes: st.procCount,
        threads: st.threads.size,
        shbVersion,
        hostname: st.hostname,
        ...Object.fromEntries([...blockCounts].map(([t, c]) => [`0x${t.toString(16)}`, c])),
      },
    };
  };

  let lastProgress = Date.now();
  for (fileNo = 0; fileNo < files.length && !opts.signal?.aborted; fileNo++) {
    fileBase = fileNo * SCAP_FILE_SPAN;
    // One walker per file: a cut-short last block of one file must not swallow the next file's header.
    const walker = walkerOf();
    const result = await files[fileNo].stream(async (chunk) => {
      walker.push(chunk);
      bytesRead += chunk.length;
      if (opts.onProgress && Date.now() - lastProgress > 100) {
        lastProgress = Date.now();
        opts.onProgress(info());
      }
      // Let the host answer requests between chunks.
      await new Promise<void>((r) => setImmediate(r));
    }, opts.signal);
    walker.end();
    if (result.error) damage(many ? `${names[fileNo]}: ${result.error}` : result.error);
  }
  fileNo = Math.min(fileNo, files.length - 1);
  if (!sawShb && syscallCount(ix) === 0) damage(`no scap section header block found in ${bytesRead} bytes: not a scap file?`);
  cancelled = !!opts.signal?.aborted;
  done = true;
  opts.onProgress?.(info());

  /** The bytes of an event at a virtual offset, from its file. */
  function readAt(off: number, len: number): Uint8Array {
    const k = Math.floor(off / SCAP_FILE_SPAN);
    return files[k].randomAccess.read(off - k * SCAP_FILE_SPAN, len);
  }

  /**
   * evt.buffer of an I/O event (the first BYTEBUF parameter named data or buf, as dissect adds
   * it) from its parameter range alone, for fd streams (SyscallIndex.ioBytes); null when it has none.
   */
  const iv = createEventView();
  function ioBytes(event: number): Uint8Array | null | undefined {
    const type = types.data[event - 1];
    if (type >= PPM_EVENT_MAX || HAS_BUFFER[type] !== 1) return type === 0xffff ? undefined : null;
    const bytes = readAt(ix.offset.data[event - 1], ix.length.data[event - 1]);
    if (bytes.length < 12) return undefined;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (!decodeEvent(iv, dv.getUint32(0, true), bytes, dv, 0, bytes.length)) return undefined;
    const ps = EVENT_TABLE[iv.type]?.[3] ?? [];
    for (let i = 0; i < iv.nparams && i < ps.length; i++) {
      if (ps[i][1] === PT.BYTEBUF && (ps[i][0] === 'data' || ps[i][0] === 'buf')) return bytes.slice(iv.pOff[i], iv.pOff[i] + iv.pLen[i]);
    }
    return null;
  }

  /** The file an event came from (frame.file of a set of several scaps). */
  function fileNameOf(event: number): string {
    if (event < 1 || event > syscallCount(ix)) return '';
    return names[Math.floor(ix.offset.data[event - 1] / SCAP_FILE_SPAN)] ?? '';
  }

  const rv = createEventView();
  function reread(event: number, read: (off: number, len: number) => Uint8Array): boolean {
    const off = ix.offset.data[event - 1];
    const len = ix.length.data[event - 1];
    const bytes = read(off, len);
    if (bytes.length < 12) return false;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const bt = dv.getUint32(0, true);
    return decodeEvent(rv, bt, bytes, dv, 0, bytes.length);
  }

  /** Index of the first extra resolution of `event` (or of a later event). */
  function firstExtra(event: number): number {
    const key = event * 64;
    let lo = 0;
    let hi = xKey.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (xKey.data[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  function resolver(event: number): Resolver {
    const f = fdTable[fdCol.data[event - 1]];
    const mainFd = ix.fd.data[event - 1];
    const from = firstExtra(event);
    const extra = (i: number): number => {
      const key = event * 64 + i;
      for (let k = from; k < xKey.length && xKey.data[k] <= key; k++) if (xKey.data[k] === key) return xVal.data[k];
      return -1;
    };
    const str = (i: number): string | undefined => {
      const id = extra(i);
      return id >= 0 ? xStrings.strings[id] : undefined;
    };
    return {
      fd(fd, i) {
        if (fd === mainFd && f) return `<${fdTypeChar(f)}>${f.name}`;
        const o = fdTable[extra(i)];
        return o ? `<${fdTypeChar(o)}>${o.name}` : undefined;
      },
      pid: (_pid, i) => str(i),
      fdList: str,
      base: str,
    };
  }

  function argsOf(event: number): string {
    return argsWith(event, readAt);
  }

  function argsWith(event: number, read: (off: number, len: number) => Uint8Array): string {
    if (event < 1 || event > syscallCount(ix)) return '';
    try {
      if (!reread(event, read)) return '';
      return argsText(rv, resolver(event));
    } catch (e) {
      return `<error: ${(e as Error).message}>`;
    }
  }

  /**
   * argsOf of events start+1 … start+count, their bytes read a window at a time: the events
   * table reads every event in file order, and one read per event was most of its time.
   */
  const pageReaders: ((offset: number, length: number) => Uint8Array)[] = [];
  function windowedAt(off: number, len: number): Uint8Array {
    const k = Math.floor(off / SCAP_FILE_SPAN);
    pageReaders[k] ??= windowedReader(files[k].randomAccess);
    return pageReaders[k](off - k * SCAP_FILE_SPAN, len);
  }
  function argsPage(start: number, count: number, out: string[]): void {
    for (let r = 0; r < count; r++) out[r] = argsWith(start + r + 1, windowedAt);
  }

  /** `outer`: the event is event `outer.event` of a merged index (SyscallReader.dissectAs). */
  function dissect(event: number, d: Dissection, outer?: { ix: SyscallIndex; event: number }): void {
    const off = ix.offset.data[event - 1];
    const len = ix.length.data[event - 1];
    const bytes = readAt(off, len);
    resetDissection(d, bytes, 'Event');
    const evtEntry = addIndexedSyscallFields(outer?.ix ?? ix, outer?.event ?? event, d);
    // A set of several scaps names each event's file (frame.file, as packet sets do).
    if (many) addField(d, hfFrameFile, 0, 0, evtEntry, fileNameOf(event));
    d.protocol = 'scap';
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 12 || !decodeEvent(rv, dv.getUint32(0, true), bytes, dv, 0, bytes.length)) {
      markMalformed(d, evtEntry, 'event header unreadable');
      return;
    }
    const snap = procTable[procCol.data[event - 1]];
    const f = fdTable[fdCol.data[event - 1]];
    const r = resolver(event);
    const def = EVENT_TABLE[rv.type];
    const args = argsText(rv, r);
    d.info = args;
    addField(d, SF.args, 0, 0, evtEntry, args);
    addField(d, SF.info, 0, 0, evtEntry, args);
    const src = r.base(ABSPATH_SRC_SLOT);
    if (src !== undefined) {
      const dst = r.base(ABSPATH_DST_SLOT);
      addField(d, SF.abspath, 0, 0, evtEntry, src);
      addField(d, SF.abspathSrc, 0, 0, evtEntry, src);
      addField(d, SF.abspathDst, 0, 0, evtEntry, dst ?? src);
    }
    const generic = rv.type <= 1 ? GENERIC_CATEGORY.get(ix.strings.strings[ix.type.data[event - 1]]) : undefined;
    addField(d, SF.category, 0, 0, evtEntry, generic === undefined || generic.startsWith('IO_') ? categoryOf(def, f) : generic);
    const isRead = def ? (def[1] & 0xff) === 32 : false;
    const isWrite = def ? (def[1] & 0xff) === 33 : false;
    addField(d, SF.isIo, 0, 0, evtEntry, isRead || isWrite);
    addField(d, SF.isIoRead, 0, 0, evtEntry, isRead);
    addField(d, SF.isIoWrite, 0, 0, evtEntry, isWrite);
    const raw = ix.rawres.data[event - 1];
    if (!Number.isNaN(raw)) addField(d, SF.res, 0, 0, evtEntry, raw >= 0 ? 'SUCCESS' : (paramText(rv, 0, def![3][0], undefined)[1] || String(raw)));
    // sysdig 0.29.3 prints evt.failed false for events without a result (enters).
    addField(d, SF.failed, 0, 0, evtEntry, raw < 0);
    if (Number.isNaN(ix.latencyNs.data[event - 1])) addLatencyFields(d, evtEntry, 0);
    const threadLatency = snap !== undefined && procCol.data[event - 1] !== 0 ? ix.latencyNs.data[event - 1] : NaN;
    if (def) addEventFlagFields(d, evtEntry, def, f, threadLatency);
    // 0.29.3's TYPE_LATENCY_QUANTIZED: events of a thread with a latency, internal ones left out.
    if (def && threadLatency > 0 && (def[1] & EC_INTERNAL) === 0) addField(d, SF.latencyQuantized, 0, 0, evtEntry, quantizedLatency(threadLatency));
    // TYPE_COUNT_THREADINFO / _PROCINFO: procinfo events only, the second one of main threads.
    if (def?.[4] === 'PPME_PROCINFO_E') {
      addField(d, SF.countThreadinfo, 0, 0, evtEntry, 1);
      if (snap !== undefined && procCol.data[event - 1] !== 0 && ix.tid.data[event - 1] === snap.pid) addField(d, SF.countProcinfo, 0, 0, evtEntry, 1);
    }
    for (let i = 0; i < rv.nparams; i++) {
      const pd = def?.[3][i];
      const name = pd ? pd[0] : `arg${i}`;
      const [val, res] = pd ? paramText(rv, i, pd, r) : [Array.from(bytes.subarray(rv.pOff[i], rv.pOff[i] + rv.pLen[i]), (b) => b.toString(16).padStart(2, '0')).join(''), ''];
      addField(d, argField(name), rv.pOff[i], rv.pLen[i], evtEntry, res ? `${val}(${res})` : val);
      if (pd && pd[1] === PT.BYTEBUF && (name === 'data' || name === 'buf')) {
        addField(d, SF.buffer, rv.pOff[i], rv.pLen[i], evtEntry, bytes.slice(rv.pOff[i], rv.pOff[i] + rv.pLen[i]));
      }
    }
    // evt.buflen is the bytes the call moved, its result, not what the capture kept of them
    // (sinsp_filter_check_event TYPE_BUFLEN: I/O events on a known fd, exits with res >= 0).
    if (f && def && (def[1] & EC_IO_BASE) !== 0 && raw >= 0) addField(d, SF.buflen, 0, 0, evtEntry, raw);
    if (rv.error) markMalformed(d, evtEntry, rv.error);
    const hasProcess = snap !== undefined && procCol.data[event - 1] !== 0;
    if (hasProcess) addProcFields(d, snap, ix.tid.data[event - 1], memCol.data[event - 1], rv.tsSec, rv.tsNsec);
    else if (memCol.data[event - 1] !== 0) addField(d, SF.threadExectime, 0, 0, syscallSubtree(d, SF.thread), memTable.data[memCol.data[event - 1] * MEM_WIDTH + 6]);
    if (f) addFdFields(d, f, snap, event);
    else if (fdNumOf(ix, event - 1) !== undefined && hasProcess && def) addNullFdFields(d, def, rv.type & 1 ? ix.strings.strings[ix.fdName.data[event - 1]] : undefined, snap);
    // The container id (empty outside containers), a colon and fd.name (TYPE_CONTAINERNAME).
    // fd.uid: the thread id and the fd number written one after the other (TYPE_UID).
    const fdNum = fdNumOf(ix, event - 1);
    if (fdNum !== undefined) addField(d, SF.fdUid, 0, 0, syscallSubtree(d, SF.fd), `${ix.tid.data[event - 1]}${fdNum}`);
    // Enters of an fd the table does not hold have none (extract_fdname_from_event answers only exits).
    if (hasProcess && hasFdName(ix, event - 1) && (f !== undefined || (rv.type & 1) === 1)) addField(d, SF.fdContainername, 0, 0, syscallSubtree(d, SF.fd), `${snap.container}:${ix.strings.strings[ix.fdName.data[event - 1]]}`);
  }

  /** evt.io_dir, evt.is_wait, evt.wait_latency, evt.is_syslog, evt.is_open_*, evt.count.error* (sinsp_filter_check_event). */
  function addEventFlagFields(d: Dissection, evtE: number, def: EventDef, f: FdInfo | undefined, latency: number): void {
    const flags = def[2];
    if (flags & EF_WRITES_TO_FD) addField(d, SF.ioDir, 0, 0, evtE, 'write');
    else if (flags & EF_READS_FROM_FD) addField(d, SF.ioDir, 0, 0, evtE, 'read');
    addField(d, SF.isWait, 0, 0, evtE, (flags & EF_WAITS) !== 0);
    // A waiting call's exit: the thread's latency, 0 without a thread.
    if (flags & EF_WAITS && (rv.type & 1) === 1) addField(d, SF.waitLatency, 0, 0, evtE, Number.isNaN(latency) ? 0 : latency);
    addField(d, SF.isSyslog, 0, 0, evtE, (flags & EF_WRITES_TO_FD) !== 0 && f !== undefined && f.name.includes('/dev/log'));
    const open = OPEN_FLAGS.get(def[4]);
    let rd = false;
    let wr = false;
    let ex = false;
    if (open) {
      const [fi, mi] = open;
      const fl = fi >= 0 && fi < rv.nparams ? paramI64(rv, fi) : 0;
      rd = fi >= 0 && (fl & PPM_O_RDONLY) !== 0;
      wr = fi >= 0 && (fl & PPM_O_WRONLY) !== 0;
      if (mi >= 0 && mi < rv.nparams && (fi < 0 || (fl & (PPM_O_TMPFILE | PPM_O_CREAT)) !== 0)) ex = (paramI64(rv, mi) & PPM_S_IXANY) !== 0;
    }
    addField(d, SF.isOpenRead, 0, 0, evtE, rd);
    addField(d, SF.isOpenWrite, 0, 0, evtE, wr);
    addField(d, SF.isOpenExec, 0, 0, evtE, ex);
    if (!errorResult(rv, def)) return;
    addField(d, SF.countError, 0, 0, evtE, 1);
    const file = f ? f.type === FdType.File || f.type === FdType.FileV2 || f.type === FdType.Directory : FILE_OPEN_X.has(def[4]);
    const net = f ? f.type === FdType.Ipv4Sock || f.type === FdType.Ipv6Sock || f.type === FdType.Ipv4ServSock || f.type === FdType.Ipv6ServSock || f.type === FdType.UnixSock : NET_OPEN_X.has(def[4]);
    const memory = (def[1] & 0xff) === EC_MEMORY;
    if (file) addField(d, SF.countErrorFile, 0, 0, evtE, 1);
    if (net) addField(d, SF.countErrorNet, 0, 0, evtE, 1);
    if (memory) addField(d, SF.countErrorMemory, 0, 0, evtE, 1);
    // "other": neither file nor net, and (without an fd) not memory either.
    if (!file && !net && (f !== undefined || !memory)) addField(d, SF.countErrorOther, 0, 0, evtE, 1);
  }

  /**
   * The fd fields libsinsp still gives an fd event whose fd is not in the table (extract_single
   * with m_fdinfo NULL): a type character guessed from the event, and on exits the directory of
   * the name the exit carries ("/" for none). fd.type, fd.filename and the tuple fields stay absent.
   */
  function addNullFdFields(d: Dissection, def: EventDef, exitName: string | undefined, snap: ProcSnap): void {
    const fdE = syscallSubtree(d, SF.fd);
    addField(d, SF.fdTypechar, 0, 0, fdE, nullFdTypechar(def[0]));
    if (exitName === undefined) return;
    const at = exitName.lastIndexOf('/');
    const dir = at > 0 ? (at < exitName.length - 1 ? exitName.slice(0, at) : exitName) : '/';
    addField(d, SF.fdDirectory, 0, 0, fdE, dir);
    addField(d, SF.fdContainerdirectory, 0, 0, fdE, `${snap.container}:${dir}`);
  }

  function addProcFields(d: Dissection, snap: ProcSnap, tid: number, memId: number, tsSec: number, tsNsec: number): void {
    const proc = syscallSubtree(d, SF.proc);
    addField(d, SF.procExe, 0, 0, proc, snap.exe);
    addField(d, SF.procExepath, 0, 0, proc, snap.exepath);
    addField(d, SF.procArgs, 0, 0, proc, snap.args);
    addField(d, SF.procCmdline, 0, 0, proc, cmdlineOf(snap));
    // exe, a space, the arguments (sinsp_filter_check_thread TYPE_EXELINE).
    addField(d, SF.procExeline, 0, 0, proc, `${snap.exe} ${snap.args}`);
    if (snap.pcmdline !== undefined) addField(d, SF.procPcmdline, 0, 0, proc, snap.pcmdline);
    addField(d, SF.procPpid, 0, 0, proc, snap.ptid);
    if (snap.pname !== undefined) addField(d, SF.procPname, 0, 0, proc, snap.pname);
    for (const a of snap.anames) addField(d, SF.procAname, 0, 0, proc, a);
    for (const a of snap.apids) addField(d, SF.procApid, 0, 0, proc, a);
    addField(d, SF.procCwd, 0, 0, proc, snap.cwd);
    const thread = syscallSubtree(d, SF.thread);
    addField(d, SF.threadIsmain, 0, 0, thread, tid === snap.pid);
    // -1: unknown; a container event's thread has -2 (containerThread), which sysdig prints.
    if (snap.nsTid !== -1) addField(d, SF.threadVtid, 0, 0, thread, snap.nsTid);
    if (snap.nsPid !== -1) addField(d, SF.procVpid, 0, 0, proc, snap.nsPid);
    addProcStateFields(d, proc, snap, tid === snap.pid, memId, tsSec, tsNsec);
    const c = snap.container ? st.containers.get(snap.container) : undefined;
    const cont = syscallSubtree(d, SF.container);
    if (c) {
      if (c.imageId) addField(d, SF.containerImageId, 0, 0, cont, c.imageId);
      addField(d, SF.containerPrivileged, 0, 0, cont, c.privileged ?? false);
      addField(d, SF.containerMounts, 0, 0, cont, c.mounts ?? '');
    }
    addField(d, SF.containerName, 0, 0, cont, snap.container ? (c?.name ?? '') : 'host');
    // container.type: host, else the runtime of a container the capture described (none otherwise).
    const ctype = !snap.container ? 'host' : c?.type !== undefined ? (CONTAINER_TYPES[c.type] ?? String(c.type)) : undefined;
    if (ctype !== undefined) addField(d, SF.containerType, 0, 0, cont, ctype);
    if (c?.image) addField(d, SF.containerImage, 0, 0, cont, c.image);
    const user = syscallSubtree(d, SF.user);
    addField(d, SF.userUid, 0, 0, user, snap.uid);
    const un = st.users.get(String(snap.uid));
    if (un !== undefined) addField(d, SF.userName, 0, 0, user, un);
    const home = st.userHomes.get(String(snap.uid));
    if (home) {
      addField(d, SF.userHomedir, 0, 0, user, home[0]);
      addField(d, SF.userShell, 0, 0, user, home[1]);
    }
    addField(d, SF.userLoginuid, 0, 0, user, snap.loginuid);
    const ln = snap.loginuid >= 0 ? st.users.get(String(snap.loginuid)) : undefined;
    if (ln !== undefined) addField(d, SF.userLoginname, 0, 0, user, ln);
    const group = syscallSubtree(d, SF.group);
    addField(d, SF.groupGid, 0, 0, group, snap.gid);
    const gn = st.groups.get(String(snap.gid));
    if (gn !== undefined) addField(d, SF.groupName, 0, 0, group, gn);
  }

  /** The process-state fields (sid, tty, limits, memory, environment …) of a row's snapshot. */
  function addProcStateFields(d: Dissection, proc: number, snap: ProcSnap, isMain: boolean, memId: number, tsSec: number, tsNsec: number): void {
    addField(d, SF.procSid, 0, 0, proc, snap.sid);
    if (snap.sname) addField(d, SF.procSname, 0, 0, proc, snap.sname);
    addField(d, SF.procVpgid, 0, 0, proc, snap.vpgid);
    addField(d, SF.procTty, 0, 0, proc, snap.tty);
    if (snap.loginshellid >= 0) addField(d, SF.procLoginshellid, 0, 0, proc, snap.loginshellid);
    if (snap.nthreads >= 0) addField(d, SF.procNthreads, 0, 0, proc, snap.nthreads);
    addField(d, SF.procNchilds, 0, 0, proc, snap.nchilds);
    // proc.duration: the event's time minus the clone's, in ns (none when the clone was not seen).
    if (snap.cloneSec !== 0) addField(d, SF.procDuration, 0, 0, proc, (tsSec - snap.cloneSec) * 1e9 + (tsNsec - snap.cloneNsec));
    addField(d, SF.procFdlimit, 0, 0, proc, snap.fdlimit);
    const m = memTable.data;
    const o = memId * MEM_WIDTH;
    addField(d, SF.procFdopencount, 0, 0, proc, m[o + 5]);
    addField(d, SF.procFdusage, 0, 0, proc, fdUsage(m[o + 5], snap.fdlimit));
    addField(d, SF.procVmsize, 0, 0, proc, m[o]);
    addField(d, SF.procVmrss, 0, 0, proc, m[o + 1]);
    addField(d, SF.procVmswap, 0, 0, proc, m[o + 2]);
    addField(d, SF.procEnv, 0, 0, proc, snap.env);
    addField(d, SF.procIsExeWritable, 0, 0, proc, snap.exeWritable);
    const thread = syscallSubtree(d, SF.thread);
    addField(d, SF.threadVmsize, 0, 0, thread, isMain ? m[o] : 0);
    addField(d, SF.threadVmrss, 0, 0, thread, isMain ? m[o + 1] : 0);
    addField(d, SF.threadPfmajor, 0, 0, thread, m[o + 3]);
    addField(d, SF.threadPfminor, 0, 0, thread, m[o + 4]);
    if (snap.cgroups) addField(d, SF.threadCgroups, 0, 0, thread, snap.cgroups);
    addField(d, SF.threadExectime, 0, 0, thread, m[o + 6]);
    addField(d, SF.threadTotexectime, 0, 0, thread, m[o + 7]);
  }

  /**
   * Is an address one of this machine's (or of the thread's container)? libsinsp
   * sinsp_network_interfaces::is_ipv4addr_in_local_machine: a thread in a known container whose
   * IP is unknown (0) matches any container's IP, 0.0.0.0 included, so an unconnected socket
   * there counts as a server's; then the host's interfaces. IPv6 checks the interfaces only.
   */
  function isLocal(ip: string, v6: boolean, snap: ProcSnap | undefined): boolean {
    const addr = ip || (v6 ? '::' : '0.0.0.0');
    const c = !v6 && snap?.container ? st.containers.get(snap.container) : undefined;
    if (c?.ip) {
      if (c.ip === addr) return true;
    } else if (c) {
      for (const o of st.containers.values()) if ((o.ip || '0.0.0.0') === addr) return true;
    }
    return st.localAddrs.has(addr);
  }

  function addFdFields(d: Dissection, f: FdInfo, snap: ProcSnap | undefined, event: number): void {
    const fdE = syscallSubtree(d, SF.fd);
    addField(d, SF.fdConnected, 0, 0, fdE, f.connected === true);
    addField(d, SF.fdNameChanged, 0, 0, fdE, sortedHas(nameChanged.data, nameChanged.length, event));
    addField(d, SF.fdType, 0, 0, fdE, fdTypeName(f));
    addField(d, SF.fdTypechar, 0, 0, fdE, fdTypeChar(f)[0]);
    if (f.cip) addField(d, SF.fdCip, 0, 0, fdE, f.cip);
    if (f.sip) addField(d, SF.fdSip, 0, 0, fdE, f.sip);
    if (f.cip) addField(d, SF.fdCport, 0, 0, fdE, f.cport);
    if (f.sip) addField(d, SF.fdSport, 0, 0, fdE, f.sport);
    const l4 = l4Name(f);
    if (l4) addField(d, SF.fdL4proto, 0, 0, fdE, l4);
    const file = f.type === FdType.File;
    if (file || f.type === FdType.Directory) {
      // sinsp_filter_check_fd TYPE_DIRECTORY / TYPE_FILENAME: split at the last '/'.
      const at = f.name.lastIndexOf('/');
      const dir = !file ? f.name : at > 0 ? (at < f.name.length - 1 ? f.name.slice(0, at) : f.name) : '/';
      addField(d, SF.fdDirectory, 0, 0, fdE, dir);
      if (file) addField(d, SF.fdFilename, 0, 0, fdE, at >= 0 ? (at < f.name.length - 1 ? f.name.slice(at + 1) : f.name) : '/');
      if (snap) addField(d, SF.fdContainerdirectory, 0, 0, fdE, `${snap.container}:${dir}`);
    }

    const ip = f.type === FdType.Ipv4Sock || f.type === FdType.Ipv6Sock;
    const serv = f.type === FdType.Ipv4ServSock || f.type === FdType.Ipv6ServSock;
    if (ip || serv) addField(d, SF.fdSockfamily, 0, 0, fdE, 'ip');
    else if (f.type === FdType.UnixSock) addField(d, SF.fdSockfamily, 0, 0, fdE, 'unix');
    addField(d, SF.fdIsServer, 0, 0, fdE, serv || (ip && isLocal(f.sip, f.type === FdType.Ipv6Sock, snap)));
    if (ip && f.cip) {
      // "local" is the side whose address is one of the machine's (the client's is checked).
      const local = isLocal(f.cip, f.type === FdType.Ipv6Sock, snap);
      addField(d, SF.fdLip, 0, 0, fdE, local ? f.cip : f.sip);
      addField(d, SF.fdRip, 0, 0, fdE, local ? f.sip : f.cip);
      addField(d, SF.fdLport, 0, 0, fdE, local ? f.cport : f.sport);
      addField(d, SF.fdRport, 0, 0, fdE, local ? f.sport : f.cport);
    }
  }

  function containerName(event: number): string {
    const sid = procCol.data[event - 1];
    if (sid === 0) return '';
    const id = procTable[sid].container;
    return id ? (st.containers.get(id)?.name ?? '') : 'host';
  }

  /**
   * What filters read without dissecting (syscall-index.ts SyscallFieldGroup): fd and process
   * fields per snapshot id, evt.res/evt.failed per result class, evt.buffer from the buffer
   * parameter of I/O events only (other events are not read at all).
   */
  function fieldGroups(): SyscallFieldGroup[] {
    const decoded = (e: number): boolean => types.data[e - 1] !== 0xffff;
    const fdKey = (e: number): number => (decoded(e) ? fdCol.data[e - 1] * PROC_KEY + procCol.data[e - 1] : 0);
    const fdFill = (e: number, d: Dissection): void => {
      const f = decoded(e) ? fdTable[fdCol.data[e - 1]] : undefined;
      if (f) addFdFields(d, f, procTable[procCol.data[e - 1]], e);
    };
    const bv = createEventView();
    const RES_EXACT = 65536;
    return [
      { fields: FD_GROUP, key: (e) => (decoded(e) ? fdCol.data[e - 1] : 0), fill: fdFill },
      { fields: FD_SIDE_GROUP, key: fdKey, fill: fdFill, exact: (e) => procCol.data[e - 1] < PROC_KEY },
      {
        fields: FD_CHAR_GROUP, key: fdKey, fill: fdFill,
        // An fd event with an fd but no table entry: its type character comes from the event.
        exact: (e) => procCol.data[e - 1] < PROC_KEY && (fdCol.data[e - 1] !== 0 || procCol.data[e - 1] === 0 || fdNumOf(ix, e - 1) === undefined),
      },
      {
        fields: PROC_GROUP,
        key: (e) => (decoded(e) ? procCol.data[e - 1] : 0),
        fill: (e, d) => {
          const sid = decoded(e) ? procCol.data[e - 1] : 0;
          // Only the group's fields are read from this fill: the memory and time ones are not in it.
          if (sid !== 0) addProcFields(d, procTable[sid], ix.tid.data[e - 1], memCol.data[e - 1], 0, 0);
        },
      },
      {
        fields: new Set(['evt.res', 'evt.failed']),
        // Undecoded, no result, success, else per event type and errno (the errno's name).
        key: (e) => {
          if (!decoded(e)) return 0;
          const raw = ix.rawres.data[e - 1];
          return Number.isNaN(raw) ? 1 : raw >= 0 ? 2 : 3 + types.data[e - 1] * RES_EXACT - raw;
        },
        exact: (e) => {
          const raw = ix.rawres.data[e - 1];
          return !(raw < 0) || (Number.isInteger(raw) && raw > -RES_EXACT);
        },
        fill: (e, d) => {
          if (!decoded(e)) return;
          const raw = ix.rawres.data[e - 1];
          const evt = syscallSubtree(d, SF.evt);
          if (!Number.isNaN(raw)) {
            let res = 'SUCCESS';
            if (raw < 0) res = (reread(e, readAt) && EVENT_TABLE[rv.type] ? paramText(rv, 0, EVENT_TABLE[rv.type]![3][0], undefined)[1] : '') || String(raw);
            addField(d, SF.res, 0, 0, evt, res);
          }
          addField(d, SF.failed, 0, 0, evt, raw < 0);
        },
      },
      {
        fields: new Set(['evt.buffer']),
        present: (e) => types.data[e - 1] < PPM_EVENT_MAX && HAS_BUFFER[types.data[e - 1]] === 1,
        fill: (e, d) => {
          const bytes = readAt(ix.offset.data[e - 1], ix.length.data[e - 1]);
          if (bytes.length < 12) return;
          const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          if (!decodeEvent(bv, dv.getUint32(0, true), bytes, dv, 0, bytes.length)) return;
          const ps = EVENT_TABLE[bv.type]?.[3];
          if (!ps) return;
          for (let i = 0; i < bv.nparams && i < ps.length; i++) {
            if (ps[i][1] === PT.BYTEBUF && (ps[i][0] === 'data' || ps[i][0] === 'buf')) addField(d, SF.buffer, 0, 0, -1, bytes.subarray(bv.pOff[i], bv.pOff[i] + bv.pLen[i]));
          }
        },
      },
    ];
  }

  // sysdig leaves internal events out of its output; evt.deltatime counts from the previous shown one.
  ix.hidden = (e) => types.data[e - 1] !== 0xffff && isInternalEvent(types.data[e - 1]);
  const cap = syscallCapture(ix, {
    info,
    args: argsOf,
    argsPage,
    containerName,
    dissect,
    ioBytes,
    fieldGroups,
    close: () => {
      for (const f of files) f.randomAccess.close();
    },
  });
  return {
    ...cap, argsOf, fileNameOf, containerName,
    dissectAs: (local, outer, event, d) => dissect(local, d, { ix: outer, event }),
    typeOf: (e) => (e >= 1 && e <= types.length && types.data[e - 1] !== 0xffff ? types.data[e - 1] : -1) };
}

/** Blocks looked at for a file's first event before giving up (the process and fd lists come first). */
const HEAD_BLOCKS = 1 << 16;

/**
 * Time (ns since the epoch) of a scap file's first event, from its block headers only (the
 * event header's u64 ts after u16 cpu and, in EVF blocks, u32 flags: scap_savefile.c). A gzip
 * file is looked at in what its head inflates to; undefined when no event is found there.
 * Used to put rotated files in time order: a `-W` ring's names are not.
 */
export function scapFirstEventNs(source: CaptureSource): bigint | undefined {
  const head = source.compressed ? source.peek(1 << 24) : undefined;
  const read = (off: number, len: number): Uint8Array => (head ? head.subarray(off, off + len) : source.randomAccess.read(off, len));
  let off = 0;
  for (let n = 0; n < HEAD_BLOCKS; n++) {
    const h = read(off, 24);
    if (h.length < 8) return undefined;
    const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
    const type = dv.getUint32(0, true);
    const len = dv.getUint32(4, true);
    if (len < 12 || (len & 3) !== 0) return undefined;
    if (isEventBlock(type)) {
      const q = 8 + 2 + (type === BT.EVF || type === BT.EVF_V2 || type === BT.EVF_V2_LARGE ? 4 : 0);
      return h.length >= q + 8 ? dv.getBigUint64(q, true) : undefined;
    }
    off += len;
  }
  return undefined;
}

/**
 * Put the files of a rotation in time order (their first events'; a file without a readable
 * event goes last, in the order given), so a `-W` ring that wrapped reads oldest first.
 */
export function scapTimeOrder<T extends { source: CaptureSource }>(files: readonly T[]): T[] {
  const keyed = files.map((f, i) => ({ f, i, t: scapFirstEventNs(f.source) }));
  keyed.sort((a, b) => (a.t === undefined ? (b.t === undefined ? a.i - b.i : 1) : b.t === undefined ? -1 : a.t < b.t ? -1 : a.t > b.t ? 1 : a.i - b.i));
  return keyed.map((k) => k.f);
}

// joinPath is re-exported for tests of path resolution.
export { joinPath };
