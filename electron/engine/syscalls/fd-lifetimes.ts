/**
 * fd lifetimes of a syscall capture (scap, strace): `fd.stream`, one number per process, fd
 * number and open..close span, as `tcp.stream` is one number per TCP conversation. A closed and
 * reused fd number is a new lifetime, so `fd.stream == N` selects the events of one file or
 * socket only, where `proc.pid == P and fd.num == F` also selects every other file that had
 * the number before or after.
 *
 * Falco and Stratoshark have no such field: Stratoshark follows `thread.tid` and
 * `fd.containername` (no reuse split), Falco's `fd.uid` chains fd and thread id. The number is
 * Tracelens's own; docs/engine.md describes it.
 *
 * Rules, per process (fd tables are per process: pid = thread group id):
 * - a lifetime starts at the first event of a (pid, fd) with none open, or at an exit that
 *   creates that fd (open, socket, accept, dup2 …: result = the event's fd), ending the one
 *   before if its close was not captured;
 * - an event creating an fd other than its own (accept's new fd on the listening fd) ends any
 *   lifetime the new number had;
 * - a close belongs to the lifetime and ends it (on its exit, or on an strace line);
 * - an enter without an fd (open's, socket's) takes the lifetime of its thread's next exit of
 *   the same type, so following from either row of a pair gives the same stream.
 * Computed on demand over the index and extended as the index grows (a capture still loading).
 */
import type { SyscallIndex } from './syscall-index.ts';

/** Calls whose non-negative result is a new fd (strace and scap names). */
const CREATES = new Set([
  'open', 'openat', 'openat2', 'creat', 'open_by_handle_at', 'socket', 'accept', 'accept4', 'dup', 'dup2', 'dup3',
  'pipe', 'pipe2', 'eventfd', 'eventfd2', 'signalfd', 'signalfd4', 'timerfd_create', 'inotify_init', 'inotify_init1',
  'epoll_create', 'epoll_create1', 'memfd_create', 'userfaultfd', 'perf_event_open', 'pidfd_open', 'pidfd_getfd',
  'fanotify_init', 'io_uring_setup', 'mq_open',
]);

// Dir values of syscall-index.ts (not imported: that module imports this one).
const ENTER = 1;
const EXIT = 2;

export interface FdLifetimes {
  /** Per event (index event - 1): its fd.stream, -1 for events on no fd. */
  ids: Int32Array;
  /** Per lifetime: process, fd number, first and last event. */
  pid: number[];
  fd: number[];
  first: number[];
  last: number[];
}

interface State extends FdLifetimes {
  done: number;
  /** `pid:fd` → open lifetime. */
  open: Map<string, number>;
  /** tid → its last enter without an fd (event number) and type id, until the thread's next event. */
  pending: Map<number, [number, number]>;
  /** Per interned type id: is it one of CREATES (learnt as the interner grows). */
  createsType: Map<number, boolean>;
}

const states = new WeakMap<SyscallIndex, State>();

function isCreate(st: State, ix: SyscallIndex, typeId: number): boolean {
  let v = st.createsType.get(typeId);
  if (v === undefined) {
    v = CREATES.has(ix.strings.strings[typeId]);
    st.createsType.set(typeId, v);
  }
  return v;
}

function start(st: State, pid: number, fd: number, e: number): number {
  const k = st.pid.length;
  st.pid.push(pid);
  st.fd.push(fd);
  st.first.push(e);
  st.last.push(e);
  return k;
}

/** The fd lifetimes of every event indexed so far. */
export function fdLifetimes(ix: SyscallIndex): FdLifetimes {
  let st = states.get(ix);
  if (!st) {
    st = { ids: new Int32Array(0), pid: [], fd: [], first: [], last: [], done: 0, open: new Map(), pending: new Map(), createsType: new Map() };
    states.set(ix, st);
  }
  const n = ix.offset.length;
  if (st.done >= n) return st;
  if (st.ids.length < n) {
    const grown = new Int32Array(Math.max(n, st.ids.length * 2));
    grown.set(st.ids.subarray(0, st.done));
    grown.fill(-1, st.done);
    st.ids = grown;
  }
  const names = ix.strings.strings;
  const reader = ix.reader;
  for (let e = st.done + 1; e <= n; e++) {
    const i = e - 1;
    const fd = ix.fd.data[i];
    // A merged index of several readers: each reader's fd tables apart (syscall-index.ts reader).
    const r = reader ? `r${reader[i]}:` : '';
    const tid = reader ? ix.tid.data[i] * 256 + reader[i] : ix.tid.data[i];
    const dir = ix.dir.data[i];
    const type = ix.type.data[i];
    const pend = st.pending.get(tid);
    if (pend) st.pending.delete(tid);
    if (fd < 0) {
      if (dir === ENTER) st.pending.set(tid, [e, type]);
      const res = ix.rawres.data[i];
      // accept's new fd reported only as the result: that number's old lifetime is over.
      if (dir !== ENTER && res >= 0 && isCreate(st, ix, type)) st.open.delete(`${r}${ix.pid.data[i] >= 0 ? ix.pid.data[i] : `t${tid}`}:${res}`);
      continue;
    }
    const pid = ix.pid.data[i];
    const key = `${r}${pid >= 0 ? pid : `t${tid}`}:${fd}`;
    const res = ix.rawres.data[i];
    const creates = dir !== ENTER && res >= 0 && isCreate(st, ix, type);
    if (creates && res !== fd) st.open.delete(`${r}${pid >= 0 ? pid : `t${tid}`}:${res}`);
    let k = st.open.get(key);
    if (k === undefined || (creates && res === fd)) {
      k = start(st, pid, fd, e);
      st.open.set(key, k);
    }
    st.ids[i] = k;
    st.last[k] = e;
    if (pend && dir === EXIT && pend[1] === type && st.ids[pend[0] - 1] < 0) {
      st.ids[pend[0] - 1] = k;
      if (st.first[k] > pend[0]) st.first[k] = pend[0];
    }
    if (dir !== ENTER && names[type] === 'close') st.open.delete(key);
  }
  st.done = n;
  return st;
}

/** fd.stream of one event, -1 when it is on no fd. */
export function fdStreamOfEventNumber(ix: SyscallIndex, event: number): number {
  if (event < 1 || event > ix.offset.length) return -1;
  return fdLifetimes(ix).ids[event - 1];
}
