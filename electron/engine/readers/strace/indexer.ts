/**
 * The strace index pass: lines (split across chunks) → syscall index entries. Keeps, as
 * libsinsp does for scap, a thread table (tid → thread group from clone flags) and per-process
 * fd tables (from -y decorations, or followed through open/socket/connect/accept/dup/close),
 * and joins `<unfinished ...>` / `<... resumed>` pairs into one event at the position of the
 * unfinished line. Only landmarks are read per line; strings are decoded for the few calls
 * that change the fd table.
 */
import { createColumn, pushValue, type Column } from '../../index/columns.ts';
import { addSyscallEvent, Dir, syscallCount, type SyscallEventInput, type SyscallIndex } from '../../syscalls/syscall-index.ts';
import { RowFlag } from '../../../../shared/rpc.ts';
import { argEndOut, firstArg, nthArg, splitArgs } from './args.ts';
import { errnoNumber } from './errno.ts';
import { anonLabel, bareDescription, describeDecoration, fdCode, fdName, FdType, L4, parseSockAddr, socketKind, type Endpoint, type FdDescription } from './fd-names.ts';
import { createLine, decorEnd, Kind, parseLine, stringEnd, TsKind, type StraceLine } from './line.ts';
import { decodeQuoted, decodeText, latin1, quotedText } from './strings.ts';
import { Io, Track, syscallInfo, type SyscallInfo } from './syscalls.ts';

/** Event types for lines that are not syscalls. */
export const T = { signal: 'signal', exit: 'exit', killed: 'killed', attach: 'attach', detach: 'detach', text: 'text', summary: 'summary' } as const;

/** What the strace pass adds next to the shared syscall index (per event, or sparse). */
export interface StraceExtra {
  /** fd type code (FdType) | l4 protocol << 4. */
  fdType: Column<Uint8Array>;
  /**
   * Where an I/O call's data starts (its quoted buffer, or the first `iov_base=` string of an
   * iovec/msghdr), so fd streams decode only that (dissect.ts straceIoBytes): 0 = not known (no
   * such argument, or hex-dump/-k lines follow: the full dissection reads those); otherwise the
   * opening quote's position in its line + 1, with IO_IN_RESUMED set when that line is the
   * resumed one of a joined event.
   */
  bufAt: Column<Uint32Array>;
  /** Resumed line of joined events: event → [offset, length]. */
  resumedOff: Map<number, number>;
  resumedLen: Map<number, number>;
  stats: StraceStats;
}

export interface StraceStats {
  lines: number;
  syscalls: number;
  joined: number;
  signals: number;
  exits: number;
  /** Generic text lines (not syscalls, signals, exits, banners, summary tables, trailers). */
  textLines: number;
  /** Of those, lines holding control bytes strace never writes unescaped (binary garbage). */
  binaryLines: number;
  /** Syscall lines without a result that were not `<unfinished ...>` (cut-off lines). */
  incomplete: number;
  processes: Set<number>;
  /** What the timestamps are: TimeKind (the first timestamped line decides). */
  clock: number;
  /**
   * strace's -s N, learnt from the first data string it cut (it prints N bytes, then `...`);
   * -1 while none was seen. Only the first STRING_PROBES data arguments are looked at.
   */
  stringLimit: number;
}

/** Data arguments checked for strace's `...` cut (the check splits the arguments: not per line). */
const STRING_PROBES = 1000;

/**
 * strace's timestamps: none, time of day (-t/-tt, local time without a date: events sit on
 * 1970-01-01 and only the time of day means anything), epoch (-ttt, --timestamps=unix) or
 * relative to the previous line (-r alone, summed into seconds since the first line).
 */
export const TimeKind = { None: 0, TimeOfDay: 1, Epoch: 2, Relative: 3 } as const;
export const TIME_KIND_TEXT = ['none', 'time of day', 'epoch', 'relative'];

interface FdEntry {
  desc: FdDescription;
  server: boolean;
  name: string;
  /** Decoration bytes this entry was decoded from, to skip decoding identical ones. */
  raw: Uint8Array | null;
  /**
   * Events named while only the peer was known (a connect in progress: strace prints the
   * socket before the kernel picks the local port). libsinsp has the whole tuple at connect's
   * exit, so these are renamed once a later decoration or getsockname() shows the local side.
   */
  waiting: number[] | null;
}

/** Events kept per socket for renaming; a socket used this often without a local side stays unnamed. */
const MAX_WAITING = 64;

interface NameEntry {
  bytes: Uint8Array;
  name: string;
  info: SyscallInfo | undefined;
}

/** Names interned by their bytes, so the hot loop allocates no string per line. */
const nameTable = new Map<number, NameEntry[]>();

function lookupName(b: Uint8Array, s: number, e: number): NameEntry {
  let h = e - s;
  for (let p = s; p < e; p++) h = (Math.imul(h, 31) + b[p]) | 0;
  let list = nameTable.get(h);
  if (list) {
    outer: for (const ent of list) {
      if (ent.bytes.length !== e - s) continue;
      for (let i = 0; i < ent.bytes.length; i++) if (ent.bytes[i] !== b[s + i]) continue outer;
      return ent;
    }
  } else {
    list = [];
    nameTable.set(h, list);
  }
  const name = latin1(b, s, e);
  const ent = { bytes: b.slice(s, e), name, info: syscallInfo(name) };
  list.push(ent);
  return ent;
}

const MAX_LINE = 16 << 20;

/** StraceExtra.bufAt: the data is in the resumed line (lines are below MAX_LINE, far below this bit). */
export const IO_IN_RESUMED = 2 ** 31;

/** Top-level arguments in b[s..e) as the dissection splits them. */
function argCount(b: Uint8Array, s: number, e: number): number {
  const out: number[] = [];
  splitArgs(b, s, e, out);
  return out.length / 2;
}

/** Opening quote of top-level argument k when it is a string, else -1 (k = 0 without splitting). */
function argStart(b: Uint8Array, s: number, e: number, k: number): number {
  let p = s;
  if (k === 0) while (p < e && b[p] === 0x20) p++;
  else p = nthArg(b, s, e, k);
  return p >= 0 && p < e && b[p] === 0x22 ? p : -1;
}

/** The `iov_base=` string the dissection would decode first (other strings skipped whole), or -1. */
function iovStart(b: Uint8Array, s: number, e: number): number {
  for (let p = s; p < e; p++) {
    if (b[p] !== 0x22) continue;
    if (p >= s + 9 && isIovBase(b, p)) return p;
    p = stringEnd(b, p, e) - 1;
  }
  return -1;
}

const IOV_BASE = [0x69, 0x6f, 0x76, 0x5f, 0x62, 0x61, 0x73, 0x65, 0x3d]; // "iov_base="

/** b[q - 9 .. q) is `iov_base=`. */
export function isIovBase(b: Uint8Array, q: number): boolean {
  for (let k = 0; k < 9; k++) if (b[q - 9 + k] !== IOV_BASE[k]) return false;
  return true;
}

/**
 * StraceExtra.bufAt of a call line (line start `line`): read/write-like calls have their data
 * right after the fd (`fd, "..."`, read without splitting the line: the fd and its decoration
 * are skipped); iovec/msghdr calls at their first `iov_base=` string.
 */
function dataStart(info: SyscallInfo, b: Uint8Array, s: number, e: number, line: number): number {
  let at = -1;
  if (info.dataArg === -2) at = iovStart(b, s, e);
  else if (info.dataArg === 1 && info.fdArg === 0) {
    let p = s;
    while (p < e && b[p] === 0x20) p++;
    while (p < e && ((b[p] >= 0x30 && b[p] <= 0x39) || (b[p] | 0x20) === 0x78 || ((b[p] | 0x20) >= 0x61 && (b[p] | 0x20) <= 0x66))) p++;
    if (p < e && b[p] === 0x3c) {
      const gt = decorEnd(b, p, e);
      p = gt > 0 ? gt + 1 : e;
    }
    while (p < e && b[p] === 0x20) p++;
    if (p < e && b[p] === 0x2c) {
      p++;
      while (p < e && b[p] === 0x20) p++;
      if (p < e && b[p] === 0x22) at = p;
    }
  } else if (info.dataArg >= 0) at = argStart(b, s, e, info.dataArg);
  return at >= 0 ? at - line + 1 : 0;
}

/** strace escapes non-printable bytes in what it prints (`\0`, `\x01`); a raw one is not its output. */
function hasControlByte(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i];
    if ((c < 0x20 && c !== 9 && c !== 13) || c === 0x7f) return true;
  }
  return false;
}

export interface StraceIndexer {
  push(chunk: Uint8Array): void;
  end(): void;
  extra: StraceExtra;
}

/**
 * `defaultTid`: the thread of lines without a pid prefix when known up front (the `.PID`
 * suffix of a -ff file); otherwise learnt from `strace: Process N attached` or getpid().
 */
export function createStraceIndexer(ix: SyscallIndex, warnings: string[], defaultTid = -1): StraceIndexer {
  const extra: StraceExtra = {
    fdType: createColumn(Uint8Array),
    bufAt: createColumn(Uint32Array),
    resumedOff: new Map(),
    resumedLen: new Map(),
    stats: { lines: 0, syscalls: 0, joined: 0, signals: 0, exits: 0, textLines: 0, binaryLines: 0, incomplete: 0, processes: new Set(), clock: TimeKind.None, stringLimit: -1 },
  };
  const st = extra.stats;
  const L: StraceLine = createLine();
  const ev: SyscallEventInput = {
    offset: 0, length: 0, tsSec: 0, tsNsec: 0, cpu: -1, pid: -1, tid: -1, dir: Dir.None, type: '', fd: -1, fdName: '',
    procName: '', container: '', rawres: NaN, latencyNs: NaN, failed: false, malformed: false,
  };
  let evFdType = 0;
  let evBufAt = 0;
  /** Unfinished I/O calls whose data is not in their first line: event → arguments in that line. */
  const pendingArgs = new Map<number, number>();
  /** Number the current line's event has (or will have once committed). */
  let curEvent = 0;

  // time
  let curSec = 0;
  let curNsec = 0;
  let numberMode = 0; // 0 unknown, 1 epoch (-ttt), 2 relative (-r)
  let clockDay = 0;
  let lastClock = -1;

  // threads, processes, fds
  const tidPid = new Map<number, number>();
  const procNames = new Map<number, string>();
  const fdTables = new Map<number, Map<number, FdEntry>>();
  const listenPorts = new Set<number>();
  const pending = new Map<number, number>();
  const pendingBytes = new Map<number, Uint8Array>();
  let sawPrefix = false;
  // While a log is followed, an unfinished call with fd effects (accept, connect, open…) gets its
  // fd and fd name from its resumed line: the events before the first such call are final.
  ix.settled = (): number => {
    let first = syscallCount(ix) + 1;
    for (const k of pendingBytes.keys()) first = Math.min(first, k);
    return first - 1;
  };

  // trailers (-k frames, hex dumps) extend the event whose line they follow
  let lastEvent = 0;
  let lastSeg = 0;
  let lastEnd = -1;
  let summaryEvent = 0;
  let lineNo = 0;
  let probes = 0;

  /** The -s limit from a data argument strace cut (`"GET / HTTP/1.1\r\nHost: "...`). */
  function probeStringLimit(info: SyscallInfo, b: Uint8Array): void {
    probes++;
    const p = nthArg(b, L.argsStart, L.argsEnd, info.dataArg);
    if (p < 0 || b[p] !== 0x22) return;
    const q = decodeQuoted(b, p, argEndOut);
    if (q.truncated) st.stringLimit = q.bytes.length;
  }

  const pidOf = (tid: number): number => tidPid.get(tid) ?? tid;

  function table(pid: number): Map<number, FdEntry> {
    let t = fdTables.get(pid);
    if (!t) {
      t = new Map();
      fdTables.set(pid, t);
    }
    return t;
  }

  function setTime(): void {
    if (st.clock === TimeKind.None && L.tsKind !== TsKind.None) st.clock = L.tsKind === TsKind.Clock ? TimeKind.TimeOfDay : L.tsSec < 1e8 ? TimeKind.Relative : TimeKind.Epoch;
    if (L.tsKind === TsKind.Clock) {
      let sec = L.tsSec + clockDay;
      if (lastClock >= 0 && sec + 43200 < lastClock) {
        clockDay += 86400; // wrapped past midnight
        sec += 86400;
      }
      lastClock = sec;
      curSec = sec;
      curNsec = L.tsNsec;
    } else if (L.tsKind === TsKind.Number) {
      if (numberMode === 0) numberMode = L.tsSec < 1e8 ? 2 : 1;
      if (numberMode === 1) {
        curSec = L.tsSec;
        curNsec = L.tsNsec;
      } else {
        curSec += L.tsSec;
        curNsec += L.tsNsec;
        if (curNsec >= 1e9) {
          curNsec -= 1e9;
          curSec++;
        }
      }
    }
  }

  // consecutive lines are mostly from one thread: skip the map lookups then
  let cacheTid = -2;
  let cachePid = -1;
  let cacheName = '';
  let cacheGen = -1;
  let gen = 0;

  function beginEvent(off: number, len: number, tid: number, type: string): void {
    if (tid !== cacheTid || gen !== cacheGen) {
      cacheTid = tid;
      cacheGen = gen;
      cachePid = tid >= 0 ? pidOf(tid) : -1;
      cacheName = procNames.get(cachePid) ?? '';
      if (cachePid >= 0) st.processes.add(cachePid);
    }
    const pid = cachePid;
    ev.offset = off;
    ev.length = len;
    ev.tsSec = curSec;
    ev.tsNsec = curNsec;
    ev.pid = pid;
    ev.tid = tid;
    ev.type = type;
    ev.fd = -1;
    ev.fdName = '';
    ev.procName = cacheName;
    ev.rawres = NaN;
    ev.latencyNs = NaN;
    ev.failed = false;
    ev.malformed = false;
    evFdType = 0;
    evBufAt = 0;
  }

  function commitEvent(): number {
    const n = addSyscallEvent(ix, ev);
    pushValue(extra.fdType, evFdType);
    pushValue(extra.bufAt, evBufAt);
    return n;
  }

  function applyResult(b: Uint8Array): void {
    ev.latencyNs = L.durNs;
    if (!L.hasResult) return;
    if (L.errnoEnd > L.errnoStart) {
      const num = errnoNumber(lookupName(b, L.errnoStart, L.errnoEnd).name);
      ev.rawres = num ? -num : L.ret;
      ev.failed = true;
    } else {
      ev.rawres = L.ret;
    }
  }

  function useEntry(e: FdEntry | undefined): void {
    if (!e) return;
    ev.fdName = e.name;
    evFdType = fdCode(e.desc, e.server);
    if (e.waiting && e.waiting.length < MAX_WAITING && e.waiting[e.waiting.length - 1] !== curEvent) e.waiting.push(curEvent);
  }

  const complete = (d: FdDescription): boolean => d.local !== null && d.remote !== null;
  const sameEndpoint = (a: Endpoint | null, z: Endpoint | null): boolean => a === z || (a !== null && z !== null && a.ip === z.ip && a.port === z.port);

  /**
   * `ent` replaces `old` for one fd: events named from `old` before its local side was known
   * get `ent`'s name when it is the same connection, now complete; otherwise the list moves on.
   */
  function carryWaiting(old: FdEntry | undefined, ent: FdEntry): void {
    const ipSock = ent.desc.type === FdType.Ipv4 || ent.desc.type === FdType.Ipv6;
    if (!ipSock) return;
    // a connect whose sockaddr was not printed (-e verbose=none) waits for any peer
    const same = old?.waiting && (old.desc.remote === null || sameEndpoint(old.desc.remote, ent.desc.remote));
    if (!complete(ent.desc)) {
      if (same) ent.waiting = old?.waiting ?? null;
      else if (ent.desc.remote) ent.waiting = [];
      return;
    }
    if (!same || !old?.waiting) return;
    const id = internName(ent.name);
    const code = fdCode(ent.desc, ent.server);
    const n = syscallCount(ix);
    for (const k of old.waiting) {
      if (k > n) continue; // the current event: named by useEntry
      ix.fdName.data[k - 1] = id;
      extra.fdType.data[k - 1] = code;
    }
  }

  function sameBytes(raw: Uint8Array | null, b: Uint8Array, s: number, e: number): boolean {
    if (!raw || raw.length !== e - s) return false;
    for (let i = 0; i < raw.length; i++) if (raw[i] !== b[s + i]) return false;
    return true;
  }

  /** An fd decorated as `N<...>` at b[lt] ('<') .. gt ('>'): entry kept up to date. */
  function decorated(pid: number, fd: number, b: Uint8Array, lt: number, gt: number, serverHint: boolean | null): FdEntry {
    const t = table(pid);
    const old = t.get(fd);
    if (old && sameBytes(old.raw, b, lt + 1, gt) && (serverHint === null || serverHint === old.server)) return old;
    const desc = describeDecoration(decodeText(b, lt + 1, gt));
    if (old && desc.inode !== '' && desc.inode === old.desc.inode) {
      // Same socket: strace shows only the inode until the kernel reports addresses (and never
      // a unix client's peer path); keep what connect/bind/getsockname taught.
      if (!desc.path) desc.path = old.desc.path;
      desc.local ??= old.desc.local;
      desc.remote ??= old.desc.remote;
    }
    let server = serverHint ?? (old && old.desc.type === desc.type ? old.server : false);
    if (serverHint === null && !old && desc.local && desc.remote && listenPorts.has(desc.local.port)) server = true;
    const ent: FdEntry = { desc, server, name: fdName(desc, server), raw: b.slice(lt + 1, gt), waiting: null };
    carryWaiting(old, ent);
    t.set(fd, ent);
    return ent;
  }

  /** The fd argument at p: number (hex with -e raw=all) and optional decoration. */
  function fdArg(b: Uint8Array, p: number, e: number, pid: number): void {
    let q = p;
    let fd = 0;
    if (b[q] === 0x30 && b[q + 1] === 0x78) {
      q += 2;
      for (;;) {
        const c = b[q] | 0x20;
        const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
        if (q >= e || d < 0) break;
        fd = fd * 16 + d;
        q++;
      }
      if (q === p + 2) return;
    } else {
      while (q < e && b[q] >= 0x30 && b[q] <= 0x39) fd = fd * 10 + (b[q++] - 0x30);
      if (q === p) return;
    }
    ev.fd = fd;
    if (q < e && b[q] === 0x3c) {
      const gt = decorEnd(b, q, e);
      if (gt > 0) {
        useEntry(decorated(pid, fd, b, q, gt, null));
        return;
      }
    }
    useEntry(fdTables.get(pid)?.get(fd));
  }

  function setEntry(pid: number, fd: number, desc: FdDescription, server: boolean): FdEntry {
    const ent: FdEntry = { desc, server, name: fdName(desc, server), raw: null, waiting: null };
    carryWaiting(undefined, ent);
    table(pid).set(fd, ent);
    return ent;
  }

  function argText(b: Uint8Array, s: number, e: number, k: number): string {
    const p = nthArg(b, s, e, k);
    return p < 0 ? '' : latin1(b, p, argEndOut);
  }

  function firstQuoted(b: Uint8Array, s: number, e: number): string | null {
    for (let p = s; p < e; p++) if (b[p] === 0x22) return quotedText(b, p, e);
    return null;
  }

  function backfillPid(tid: number, pid: number, from: number): void {
    const n = syscallCount(ix);
    for (let i = Math.max(0, from - 1); i < n; i++) if (ix.tid.data[i] === tid) ix.pid.data[i] = pid;
  }

  /**
   * fd-table effects of a completed call. `b[s..e)` holds the argument text (for joined
   * events: first part + resumed part), `L` the result. Returns with ev.fd/fdName updated.
   */
  function track(info: SyscallInfo, b: Uint8Array, s: number, e: number, rb: Uint8Array, event: number): void {
    const pid = ev.pid;
    const ret = L.ret;
    const ok = L.hasResult && !ev.failed && ret >= 0;
    const retDecor = L.retDecorEnd > L.retDecorStart;
    switch (info.track) {
      case Track.Open:
      case Track.Socket:
      case Track.Accept:
      case Track.Dup:
      case Track.Dup2: {
        if (!ok) return;
        let ent: FdEntry;
        if (retDecor) {
          ent = decorated(pid, ret, rb, L.retDecorStart - 1, L.retDecorEnd, info.track === Track.Accept ? true : null);
          if (info.track === Track.Socket && ent.desc.type === FdType.Socket) {
            // -y prints `socket:[inode]` for every socket: the arguments say which kind
            const k = socketKind(argText(b, s, e, 0), argText(b, s, e, 1));
            ent.desc = { ...ent.desc, type: k.type, l4: k.l4 };
            ent.name = fdName(ent.desc, ent.server);
          }
        } else if (info.track === Track.Open) {
          const path = firstQuoted(b, s, e) ?? '';
          const dir = latin1(b, s, Math.min(e, s + 400)).includes('O_DIRECTORY');
          ent = setEntry(pid, ret, { ...bareDescription(dir ? FdType.Directory : FdType.File, L4.None), path }, false);
        } else if (info.track === Track.Socket) {
          const k = socketKind(argText(b, s, e, 0), argText(b, s, e, 1));
          ent = setEntry(pid, ret, bareDescription(k.type, k.l4), false);
        } else if (info.track === Track.Accept) {
          const listening = ev.fd >= 0 ? fdTables.get(pid)?.get(ev.fd) : undefined;
          const sa = parseSockAddr(argText(b, s, e, 1));
          const type = listening?.desc.type ?? (sa?.family === 'AF_INET6' ? FdType.Ipv6 : sa?.family === 'AF_UNIX' ? FdType.Unix : FdType.Ipv4);
          ent = setEntry(pid, ret, { ...bareDescription(type, listening?.desc.l4 ?? L4.Tcp), path: listening?.desc.path ?? '', local: listening?.desc.local ?? null, remote: sa?.endpoint ?? null }, true);
        } else {
          const src = ev.fd >= 0 ? fdTables.get(pid)?.get(ev.fd) : undefined;
          if (!src) return;
          ent = { ...src, waiting: null };
          table(pid).set(ret, ent);
        }
        // dup/dup2/dup3 stay on the fd they duplicate, as libsinsp's fd.num (m_lastevent_fd is
        // the enter's fd; parse_dup_exit only copies the entry to the result); the result is evt.rawres.
        if (info.track !== Track.Dup && info.track !== Track.Dup2) ev.fd = ret;
        useEntry(ent);
        return;
      }
      case Track.Fcntl: {
        if (ok && ev.fd >= 0 && latin1(b, s, Math.min(e, s + 40)).includes('F_DUPFD')) {
          const src = fdTables.get(pid)?.get(ev.fd);
          if (src) table(pid).set(ret, { ...src, waiting: null });
        }
        return;
      }
      case Track.Connect:
      case Track.Bind:
      case Track.GetSockName:
      case Track.GetPeerName: {
        if (ev.fd < 0 || !L.hasResult) return;
        const sa = parseSockAddr(argText(b, s, e, 1));
        const inProgress = info.track === Track.Connect && L.errnoEnd > L.errnoStart && latin1(rb, L.errnoStart, L.errnoEnd) === 'EINPROGRESS';
        const t = table(pid);
        const old = t.get(ev.fd);
        if (!sa) {
          // only a pointer printed: a later decoration of this connection names the connect
          if (info.track === Track.Connect && (ok || inProgress) && old && (old.desc.type === FdType.Ipv4 || old.desc.type === FdType.Ipv6) && !complete(old.desc)) {
            old.waiting ??= [];
            useEntry(old);
          }
          return;
        }
        // -y says it is not a socket (only in edited logs): the decoration stays the name
        if (old?.raw && !(old.desc.type >= FdType.Ipv4 && old.desc.type <= FdType.Unix) && old.desc.type !== FdType.Socket) return;
        const desc: FdDescription = old
          ? { ...old.desc }
          : sa.family === 'AF_UNIX' ? bareDescription(FdType.Unix, L4.None) : bareDescription(sa.family === 'AF_INET6' ? FdType.Ipv6 : FdType.Ipv4, L4.Tcp);
        let server = old?.server ?? false;
        if (sa.family === 'AF_UNIX') {
          desc.type = FdType.Unix;
          if (sa.path) desc.path = sa.path;
        } else if (sa.family === 'AF_UNSPEC' && info.track === Track.Connect) {
          // connect(AF_UNSPEC) dissolves a datagram association (connect(2)); the event keeps the old name
          useEntry(old);
          if (ok && old) t.set(ev.fd, { desc: { ...desc, local: null, remote: null }, server, name: fdName({ ...desc, local: null, remote: null }, server), raw: old.raw, waiting: null });
          return;
        } else if (sa.endpoint && (sa.family === 'AF_INET' || sa.family === 'AF_INET6')) {
          if (desc.type !== FdType.Ipv4 && desc.type !== FdType.Ipv6) desc.type = sa.family === 'AF_INET6' ? FdType.Ipv6 : FdType.Ipv4;
          if (info.track === Track.Connect || info.track === Track.GetPeerName) {
            // Another peer: the kernel may pick another local address too (getsockname or -y
            // tells). A first connect keeps the address bind() gave, unless it was a wildcard.
            const bound = desc.remote === null && desc.local !== null && desc.local.ip !== '0.0.0.0' && desc.local.ip !== '::';
            if (info.track === Track.Connect && !sameEndpoint(desc.remote, sa.endpoint) && !bound) desc.local = null;
            desc.remote = sa.endpoint;
          } else {
            desc.local = sa.endpoint;
          }
          // IPv4-mapped on both sides: libsinsp types the socket IPv4
          if (desc.type === FdType.Ipv6 && desc.local?.ip.includes('.') && desc.remote?.ip.includes('.')) desc.type = FdType.Ipv4;
          // libsinsp: connect marks a client (parse_connect_exit), bind to a port a server (parse_bind_exit)
          if (info.track === Track.Connect && desc.l4 !== L4.Udp) server = false;
          if (info.track === Track.Bind && sa.endpoint.port > 0) {
            server = true;
            if (ok) listenPorts.add(sa.endpoint.port);
          }
        } else {
          return;
        }
        const ent: FdEntry = { desc, server, name: fdName(desc, server), raw: old?.raw ?? null, waiting: null };
        // A failed call names its own event (the peer it tried) and leaves the fd as it was.
        if (!ok && !inProgress) {
          useEntry(ent);
          return;
        }
        carryWaiting(old, ent);
        t.set(ev.fd, ent);
        useEntry(ent);
        return;
      }
      case Track.NewFd: {
        if (!ok) return;
        const ent = retDecor
          ? decorated(pid, ret, rb, L.retDecorStart - 1, L.retDecorEnd, false)
          : setEntry(pid, ret, describeDecoration(anonLabel(info.name)), false);
        ev.fd = ret;
        useEntry(ent);
        return;
      }
      case Track.Listen: {
        const ent = ev.fd >= 0 ? fdTables.get(pid)?.get(ev.fd) : undefined;
        if (ent) {
          ent.server = true;
          if (ent.desc.local) listenPorts.add(ent.desc.local.port);
        }
        return;
      }
      case Track.Close:
        if (ev.fd >= 0 && ok) fdTables.get(pid)?.delete(ev.fd);
        return;
      case Track.Pipe:
      case Track.SocketPair: {
        if (!ok) return;
        const k = info.track === Track.Pipe ? 0 : 3;
        const p = nthArg(b, s, e, k);
        if (p < 0 || b[p] !== 0x5b) return;
        let q = p + 1;
        for (let i = 0; i < 2; i++) {
          while (q < e && (b[q] === 0x20 || b[q] === 0x2c)) q++;
          let fd = 0;
          const d0 = q;
          while (q < e && b[q] >= 0x30 && b[q] <= 0x39) fd = fd * 10 + (b[q++] - 0x30);
          if (q === d0) return;
          if (b[q] === 0x3c) {
            const gt = decorEnd(b, q, e);
            if (gt > 0) {
              decorated(pid, fd, b, q, gt, false);
              q = gt + 1;
              continue;
            }
          }
          setEntry(pid, fd, k === 0 ? { ...bareDescription(FdType.Pipe, L4.None), path: 'pipe' } : bareDescription(FdType.Unix, L4.None, 'socketpair'), false);
        }
        return;
      }
      case Track.Execve: {
        if (!ok) return;
        const path = firstQuoted(b, s, e);
        if (path) {
          const name = path.slice(path.lastIndexOf('/') + 1);
          procNames.set(pid, name);
          gen++;
          ev.procName = name;
        }
        return;
      }
      case Track.Clone:
      case Track.Fork: {
        if (!ok || ret <= 0) return;
        const thread = info.track === Track.Clone && latin1(b, s, Math.min(e, s + 600)).includes('CLONE_THREAD');
        const childPid = thread ? pid : ret;
        tidPid.set(ret, childPid);
        gen++;
        if (thread) backfillPid(ret, pid, event);
        else {
          const parent = fdTables.get(pid);
          if (parent) fdTables.set(ret, new Map(parent));
          st.processes.add(ret);
        }
        const pname = procNames.get(pid);
        if (pname !== undefined && !procNames.has(childPid)) procNames.set(childPid, pname);
        gen++;
        return;
      }
    }
  }

  /** Learn the thread of prefix-less lines (attach banner, getpid()): fix earlier events. */
  function learnDefaultTid(tid: number): void {
    if (defaultTid >= 0 || sawPrefix) return;
    defaultTid = tid;
    gen++;
    const n = syscallCount(ix);
    for (let i = 0; i < n; i++) {
      if (ix.tid.data[i] === -1) {
        ix.tid.data[i] = tid;
        ix.pid.data[i] = tid;
      }
    }
    for (const m of [fdTables, procNames] as Map<number, unknown>[]) {
      const v = m.get(-1);
      if (v !== undefined) {
        m.delete(-1);
        m.set(tid, v);
      }
    }
    st.processes.delete(-1);
    st.processes.add(tid);
  }

  function textEvent(off: number, len: number, type: string): number {
    beginEvent(off, len, L.tid >= 0 ? L.tid : -1, type);
    const n = commitEvent();
    lastEvent = n;
    lastSeg = 0;
    lastEnd = off + len;
    return n;
  }

  function extendLast(off: number, len: number): boolean {
    if (lastEvent === 0 || off !== lastEnd + 1) return false;
    lastEnd = off + len;
    // hex dump (-e read=/write=) and -k lines: the full dissection reads the data from them
    extra.bufAt.data[lastEvent - 1] = 0;
    if (lastSeg === 0) ix.length.data[lastEvent - 1] = lastEnd - ix.offset.data[lastEvent - 1];
    else extra.resumedLen.set(lastEvent, lastEnd - (extra.resumedOff.get(lastEvent) ?? off));
    return true;
  }

  function syscallLine(b: Uint8Array, s: number, e: number, off: number): void {
    const tid = L.tid >= 0 ? L.tid : defaultTid;
    const ent = lookupName(b, L.nameStart, L.nameEnd);
    const info = ent.info;
    beginEvent(off, e - s, tid, ent.name);
    curEvent = syscallCount(ix) + 1;
    if (L.commEnd > L.commStart) ev.procName = lookupName(b, L.commStart, L.commEnd).name;
    if (info && info.fdArg >= 0) {
      const p = info.fdArg === 0 ? firstArg(b, L.argsStart, L.argsEnd) : nthArg(b, L.argsStart, L.argsEnd, info.fdArg);
      if (p >= 0) fdArg(b, p, argEndOut, ev.pid);
    }
    st.syscalls++;
    if (info && info.io !== Io.None) evBufAt = dataStart(info, b, L.argsStart, L.argsEnd, s);
    if (st.stringLimit < 0 && probes < STRING_PROBES && info && info.io === Io.Write && info.dataArg >= 0 && L.kind === Kind.Syscall) probeStringLimit(info, b);
    if (L.kind === Kind.Syscall) {
      applyResult(b);
      if (!L.hasResult) {
        st.incomplete++;
        if (warnings.length < 1000) warnings.push(`line ${lineNo} (byte ${off}): ${ent.name}() has no result (line cut off)`);
      }
      if (info && info.track !== Track.None) track(info, b, L.argsStart, L.argsEnd, b, syscallCount(ix) + 1);
      // the caller's own id: getpid/gettid, and set_tid_address, which glibc calls at every start
      if (L.tid < 0 && defaultTid < 0 && (ent.name === 'getpid' || ent.name === 'gettid' || ent.name === 'set_tid_address') && L.ret > 0) {
        ev.tid = ev.pid = L.ret;
        learnDefaultTid(L.ret);
      }
      const n = commitEvent();
      lastEvent = n;
      lastSeg = 0;
      lastEnd = off + (e - s);
      return;
    }
    // unfinished: the event takes this position; the resumed line completes it
    const n = commitEvent();
    const prev = pending.get(tid);
    if (prev !== undefined) {
      pendingBytes.delete(prev);
      pendingArgs.delete(prev);
    }
    pending.set(tid, n);
    if (info && info.io !== Io.None && evBufAt === 0) pendingArgs.set(n, argCount(b, L.argsStart, L.argsEnd));
    if (info && info.track !== Track.None) pendingBytes.set(n, b.slice(L.argsStart, L.argsEnd));
    lastEvent = n;
    lastSeg = 0;
    lastEnd = off + (e - s);
  }

  function resumedLine(b: Uint8Array, s: number, e: number, off: number): void {
    let tid = L.tid >= 0 ? L.tid : defaultTid;
    const ent = lookupName(b, L.nameStart, L.nameEnd);
    if (L.tid < 0 && sawPrefix && !pending.has(tid)) {
      // strace drops the [pid N] prefix while only one traced process is left: the one call of
      // that name still waiting is this one's
      let only = -2;
      for (const [t, k] of pending) {
        if (ix.strings.strings[ix.type.data[k - 1]] !== ent.name) continue;
        only = only === -2 ? t : -3;
      }
      if (only >= 0) tid = only;
    }
    const n = pending.get(tid);
    if (n === undefined || ix.strings.strings[ix.type.data[n - 1]] !== ent.name) {
      // resumed without its start (attached mid-call, or the start is in another -ff file)
      if (L.kind === Kind.Unfinished) L.kind = Kind.Syscall;
      syscallLine(b, s, e, off);
      return;
    }
    pending.delete(tid);
    st.joined++;
    resumedData(ent.info, b, s, n);
    curEvent = n;
    const i = n - 1;
    extra.resumedOff.set(n, off);
    extra.resumedLen.set(n, e - s);
    // restore the event into `ev` to apply the result and tracking
    ev.offset = ix.offset.data[i];
    ev.pid = ix.pid.data[i];
    ev.tid = ix.tid.data[i];
    ev.fd = ix.fd.data[i];
    ev.fdName = ix.strings.strings[ix.fdName.data[i]];
    ev.procName = ix.strings.strings[ix.procName.data[i]];
    ev.rawres = NaN;
    ev.failed = false;
    evFdType = extra.fdType.data[i];
    applyResult(b);
    const info = ent.info;
    const first = pendingBytes.get(n);
    if (info && info.track !== Track.None) {
      pendingBytes.delete(n);
      // arguments = first part + resumed part, as one buffer
      const rest = b.subarray(L.argsStart, L.argsEnd);
      const head = first ?? new Uint8Array(0);
      const all = new Uint8Array(head.length + rest.length);
      all.set(head);
      all.set(rest, head.length);
      track(info, all, 0, all.length, b, n);
    }
    ix.rawres.data[i] = ev.rawres;
    ix.latencyNs.data[i] = ev.latencyNs;
    if (ev.failed) ix.flags.data[i] |= RowFlag.Failed;
    ix.fd.data[i] = ev.fd;
    ix.fdName.data[i] = internName(ev.fdName);
    ix.procName.data[i] = internName(ev.procName);
    extra.fdType.data[i] = evFdType;
    lastEvent = n;
    lastSeg = 1;
    lastEnd = off + (e - s);
  }

  /** bufAt of a joined event from its resumed line (line start `s`), where the data is printed at exit. */
  function resumedData(info: SyscallInfo | undefined, b: Uint8Array, s: number, n: number): void {
    const before = pendingArgs.get(n);
    pendingArgs.delete(n);
    if (!info || info.io === Io.None) return;
    const i = n - 1;
    if (before === undefined) {
      // Found in the first line: an iovec list goes on no further (the dissection would join more strings).
      if (info.dataArg === -2 && extra.bufAt.data[i] !== 0 && b.subarray(L.argsStart, L.argsEnd).includes(0x22)) extra.bufAt.data[i] = 0;
      return;
    }
    const at = info.dataArg === -2 ? iovStart(b, L.argsStart, L.argsEnd) : info.dataArg >= before ? argStart(b, L.argsStart, L.argsEnd, info.dataArg - before) : -1;
    if (at >= 0) extra.bufAt.data[i] = (at - s + 1 + IO_IN_RESUMED) >>> 0;
  }

  function internName(s: string): number {
    let id = ix.strings.ids.get(s);
    if (id === undefined) {
      id = ix.strings.strings.length;
      ix.strings.strings.push(s);
      ix.strings.ids.set(s, id);
    }
    return id;
  }

  function line(b: Uint8Array, s: number, e: number, off: number): void {
    lineNo++;
    st.lines++;
    parseLine(b, s, e, L);
    if (L.kind === Kind.Empty) return;
    setTime();
    if (L.tid >= 0) sawPrefix = true;
    switch (L.kind) {
      case Kind.Stack:
      case Kind.HexDump:
        if (!extendLast(off, e - s)) {
          st.textLines++;
          textEvent(off, e - s, T.text);
        }
        return;
      case Kind.Syscall:
      case Kind.Unfinished:
        summaryEvent = 0;
        syscallLine(b, s, e, off);
        return;
      case Kind.Resumed:
        summaryEvent = 0;
        resumedLine(b, s, e, off);
        return;
      case Kind.Signal: {
        st.signals++;
        beginEvent(off, e - s, L.tid >= 0 ? L.tid : defaultTid, T.signal);
        lastEvent = commitEvent();
        lastSeg = 0;
        lastEnd = off + (e - s);
        return;
      }
      case Kind.Exit:
      case Kind.Killed: {
        st.exits++;
        const tid = L.tid >= 0 ? L.tid : defaultTid;
        beginEvent(off, e - s, tid, L.kind === Kind.Exit ? T.exit : T.killed);
        if (L.kind === Kind.Exit) ev.rawres = L.ret;
        const p = pending.get(tid);
        if (p !== undefined) {
          pending.delete(tid);
          pendingBytes.delete(p);
          pendingArgs.delete(p);
        }
        lastEvent = commitEvent();
        lastSeg = 0;
        lastEnd = off + (e - s);
        return;
      }
      case Kind.Attached:
      case Kind.Detached: {
        // -p: the banner comes first and names the traced process; with -f on stderr a banner
        // after the first calls names a new child, not the lines without a prefix
        if (L.kind === Kind.Attached && L.tid < 0 && st.syscalls === 0) learnDefaultTid(L.ret);
        const n = textEvent(off, e - s, L.kind === Kind.Attached ? T.attach : T.detach);
        ix.tid.data[n - 1] = L.ret;
        ix.pid.data[n - 1] = pidOf(L.ret);
        return;
      }
      default: {
        // -c/-C summary table: one event from the "% time" header to the "total" row
        if (summaryEvent > 0 && extendLast(off, e - s)) {
          if (b[L.end - 1] === 0x6c && latin1(b, Math.max(s, L.end - 6), L.end).endsWith('total')) summaryEvent = 0;
          return;
        }
        if (b[s] === 0x25 && latin1(b, s, Math.min(e, s + 6)) === '% time') {
          summaryEvent = textEvent(off, e - s, T.summary);
          return;
        }
        summaryEvent = 0;
        st.textLines++;
        const n = textEvent(off, e - s, T.text);
        if (hasControlByte(b, s, e)) {
          st.binaryLines++;
          if (warnings.length < 1000) warnings.push(`line ${lineNo} (byte ${off}, event ${n}): binary data, not strace output; shown as an unparsed line`);
        } else if (warnings.length < 1000) {
          warnings.push(`line ${lineNo} (byte ${off}, event ${n}): not strace output (the traced program's own output?); shown as an unparsed line`);
        }
      }
    }
  }

  // line splitting across chunks
  let base = 0;
  let carry: Uint8Array | null = null;
  let carryOff = 0;
  let skippingLongLine = false;

  function push(chunk: Uint8Array): void {
    let p = 0;
    if (carry || skippingLongLine) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        if (!skippingLongLine && carry) {
          if (carry.length + chunk.length > MAX_LINE) {
            warnings.push(`line ${lineNo + 1} (byte ${carryOff}): longer than ${MAX_LINE} bytes without a newline; shown cut at that length`);
            const big = new Uint8Array(MAX_LINE);
            big.set(carry.subarray(0, MAX_LINE));
            big.set(chunk.subarray(0, Math.max(0, MAX_LINE - carry.length)), Math.min(carry.length, MAX_LINE));
            line(big, 0, big.length, carryOff);
            carry = null;
            skippingLongLine = true;
          } else {
            const joined = new Uint8Array(carry.length + chunk.length);
            joined.set(carry);
            joined.set(chunk, carry.length);
            carry = joined;
          }
        }
        base += chunk.length;
        return;
      }
      if (skippingLongLine) {
        skippingLongLine = false;
      } else if (carry) {
        const joined = new Uint8Array(carry.length + nl);
        joined.set(carry);
        joined.set(chunk.subarray(0, nl), carry.length);
        line(joined, 0, joined.length, carryOff);
        carry = null;
      }
      p = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(10, p);
      if (nl < 0) break;
      line(chunk, p, nl, base + p);
      p = nl + 1;
    }
    if (p < chunk.length) {
      carry = chunk.slice(p);
      carryOff = base + p;
    }
    base += chunk.length;
  }

  function end(): void {
    if (carry) {
      line(carry, 0, carry.length, carryOff);
      carry = null;
    }
    for (const [tid, n] of pending) {
      if (warnings.length < 1000) warnings.push(`event ${n} (thread ${tid}, byte ${ix.offset.data[n - 1]}): ${ix.strings.strings[ix.type.data[n - 1]]}() <unfinished ...> never resumed`);
    }
  }

  return { push, end, extra };
}
