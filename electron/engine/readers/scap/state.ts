/**
 * Process and file-descriptor tables of a scap capture, kept current across events as libsinsp
 * does (its parsers for clone/execve/procexit and for fd-creating/destroying syscalls): seeded
 * from the process-list (PL) and fd-list (FDL) blocks, then updated by each event.
 * Layouts of PL/FDL entries: falcosecurity/libs userspace/libscap/engine/savefile/scap_savefile.c
 * (scap_read_proclist, scap_fd_read_from_disk); fd type numbers: userspace/libscap/scap.h.
 */
import { BT } from './blocks.ts';
import { paramI64, paramIndex, paramStr, paramU64, type EventView } from './event.ts';
import { EVENT_TABLE } from '../../syscalls/scap-event-table.ts';
import { ShortRead, byteCursor, readBytes, readI64le, readU16, readU32, readU8, type ByteCursor } from '../../bytes/cursor.ts';

/** scap_fd_type (libscap scap.h). */
export const FdType = {
  Unknown: 0, File: 1, Directory: 2, Ipv4Sock: 3, Ipv6Sock: 4, Ipv4ServSock: 5, Ipv6ServSock: 6, Fifo: 7, UnixSock: 8,
  Event: 9, Unsupported: 10, Signalfd: 11, Eventpoll: 12, Inotify: 13, Timerfd: 14, Netlink: 15, FileV2: 16, Bpf: 17,
  Userfaultfd: 18, Iouring: 19, Memfd: 20, Pidfd: 21,
} as const;

/** Type characters and names as libsinsp prints them (sinsp_fdinfo get_typechar / get_typestring). */
const TYPECHAR = ['?', 'f', 'd', '4', '6', '4', '6', 'p', 'u', 'e', 'o', 's', 'l', 'i', 't', 'n', 'f', 'b', 'u', 'r', 'm', 'P'];
const TYPENAME = ['unknown', 'file', 'directory', 'ipv4', 'ipv6', 'ipv4', 'ipv6', 'pipe', 'unix', 'event', 'unknown', 'signalfd', 'eventpoll', 'inotify', 'timerfd', 'netlink', 'file', 'bpf', 'userfaultfd', 'io_uring', 'memfd', 'pidfd'];

/** scap_l4_proto: 0 unknown, 1 ipv4 ip, 2 tcp, 3 udp, 4 icmp, 5 raw. */
export const L4 = { Unknown: 0, Tcp: 2, Udp: 3, Icmp: 4, Raw: 5 } as const;
const L4CHAR = ['', '', 't', 'u', 'i', 'r'];
const L4NAME = ['', '', 'tcp', 'udp', 'icmp', 'raw'];

export interface FdInfo {
  type: number;
  name: string;
  l4: number;
  cip: string;
  sip: string;
  cport: number;
  sport: number;
  /**
   * IP sockets: libsinsp's sinsp_sockinfo union as bytes (SOCK_UNION_LEN). Its IPv4 and IPv6
   * views overlap, and libsinsp switches a socket between them as tuples arrive, so reading the
   * other view's l4proto byte is part of what sysdig prints (`<4><unknown>` after connect(AF_UNSPEC)
   * on an IPv6 socket). Never mutated once the FdInfo is in the table (copied on change).
   */
  u?: Uint8Array;
  /** A socket that connected (connect's exit succeeded or is in progress) or was accepted (fd.connected). */
  connected?: boolean;
  /** 0 none, 1 client, 2 server (sinsp_fdinfo role flags); l4 is shown only once a role is known. */
  role?: number;
}

export interface ThreadInfo {
  tid: number;
  pid: number;
  ptid: number;
  comm: string;
  exe: string;
  /** Arguments after argv[0], joined by spaces; argc counts them (empty arguments count: proc.cmdline keeps their spaces). */
  args: string;
  argc: number;
  /** Full path of the executable (PL v7+, execve's trusted_exepath); '' when the capture does not say. */
  exepath: string;
  cwd: string;
  container: string;
  /** Real user and group ids; 0xffffffff when unknown (sysdig prints 4294967295). */
  uid: number;
  gid: number;
  /** Shared by all threads of a process. */
  fds: Map<number, FdInfo>;
  /** From the last enter event of this thread (exit events use it, as libsinsp does). */
  enterType: number;
  enterTsSec: number;
  enterTsNsec: number;
  enterFd: number;
  /** socket(): domain, type, protocol from the enter event. */
  enterA: number;
  enterB: number;
  enterC: number;
  /** execve enter: its filename parameter (the exit's exepath when the exit has none). */
  enterFilename: string;
  /**
   * evt.latency of the thread's last exit, 0 after an enter (libsinsp threadinfo m_latency): a
   * scheduler switch, which leaves it alone, prints it.
   */
  latencyNs: number;
  /** Id of the reader's last process snapshot of this thread (0: none yet). */
  snapId: number;
  /** Set when an event may have changed the process fields (exec, clone, chdir): the snapshot needs a check. */
  procChanged: boolean;
  /** The process (pid) and its procGen value at the last snapshot check (see takeProcChanged). */
  seenPid: number;
  seenGen: number;
  /** The pid this thread is counted under in ScapState.pidThreads while it is in the table. */
  countedPid: number;
  /** Syscall name of the last generic enter (its exit may not carry the id). */
  genericName: string;
  /** Thread id in its pid namespace (PL v4+, clone's vtid); tid when unknown. */
  vtid: number;
  /**
   * thread.vtid and proc.vpid as libsinsp keeps them (m_vtid, m_vpid): from the process list
   * (v4+), a clone sets tid/pid (the event's own values in a child pid namespace); -1 unknown.
   */
  nsTid: number;
  nsPid: number;
  /** clone flags (PPM_CL_*) of the clone that created it, 0 otherwise. */
  cloneFlags: number;
  /** Time (s, fractional) of that clone, 0 otherwise. */
  cloneTs: number;
  /**
   * False for a thread first seen in an event (no process list entry, clone or exec described it):
   * libsinsp's "invalid" thread (pid/ptid unknown), whose clones fill it from the event.
   */
  valid: boolean;
  /**
   * Process fields libsinsp keeps per thread (sinsp_threadinfo m_sid, m_vpgid, m_tty,
   * m_fdlimit, m_loginuid, m_exe_writable, m_env, m_cgroups): from the process list, clone and
   * execve exits; a clone copies sid, vpgid, tty, loginuid and exe_writable from its caller.
   */
  sid: number;
  vpgid: number;
  tty: number;
  fdlimit: number;
  /** Audit login uid as a signed 32-bit number (UINT32_MAX, unknown, prints -1). */
  loginuid: number;
  exeWritable: boolean;
  /** Environment and cgroups, entries joined by spaces as proc.env / thread.cgroups print them. */
  env: string;
  cgroups: string;
  /** Memory counters (m_vmsize_kb, m_vmrss_kb, m_vmswap_kb, m_pfmajor, m_pfminor). */
  vmsize: number;
  vmrss: number;
  vmswap: number;
  pfmajor: number;
  pfminor: number;
  /** Id of the reader's last memory row of this thread (0: none yet). */
  memId: number;
  /** Sum of thread.exectime over its switch events so far, ns (thread.totexectime). */
  totExec: number;
  /** Time of the clone that created it, ns since the epoch as two parts (0: not seen). */
  cloneSec: number;
  cloneNsec: number;
}

export interface ScapState {
  /** The thread table; changed only through putThread and dropThread (they keep pidThreads). */
  threads: Map<number, ThreadInfo>;
  /** Threads in the table per pid (proc.nthreads), so a clone or exit need not walk the table. */
  pidThreads: Map<number, number>;
  /**
   * Per pid, a count bumped when something every thread of the process shows changed (a thread
   * came or went, the fd limit): each thread's snapshot compares it with the value it last saw.
   */
  procGen: Map<number, number>;
  hostname: string;
  procCount: number;
  /** Last thread looked up by threadOf (events come in runs of one thread); cleared when list blocks replace threads. */
  last: ThreadInfo | undefined;
  /** What the current event's close removed from the table (its exit still names it); undefined otherwise. */
  closed: FdInfo | undefined;
  /** Set when the current exit gave an fd a new name (fd.name_changed); the reader clears it per event. */
  nameChanged: boolean;
  /** User and group names by id from the user-list (UL) blocks (the host's list; container lists keyed by container id). */
  users: Map<string, string>;
  /** Home directory and login shell of those users (user.homedir, user.shell). */
  userHomes: Map<string, readonly [homedir: string, shell: string]>;
  groups: Map<string, string>;
  /** Addresses of the machine's interfaces (IL blocks), as inet text: what libsinsp calls local. */
  localAddrs: Set<string>;
  /** Containers described by container events (PPME_CONTAINER_JSON_E, PPME_CONTAINER_E), by short id. */
  containers: Map<string, ContainerInfo>;
}

export interface ContainerInfo {
  name: string;
  image: string;
  /** IPv4 address as text ('' when unknown). */
  ip: string;
  /** libsinsp container_type (CT_DOCKER = 0 ...); undefined when the event did not say. */
  type?: number;
  /** The JSON's imageid, Privileged and Mounts (container.image.id, .privileged, .mounts). */
  imageId?: string;
  privileged?: boolean;
  mounts?: string;
}

export function createState(): ScapState {
  return { threads: new Map(), pidThreads: new Map(), procGen: new Map(), hostname: '', procCount: 0, last: undefined, closed: undefined, nameChanged: false, users: new Map(), userHomes: new Map(), groups: new Map(), localAddrs: new Set(), containers: new Map() };
}

export function fdTypeChar(fd: FdInfo): string {
  return (TYPECHAR[fd.type] ?? '?') + (fd.type >= 3 && fd.type <= 6 ? L4CHAR[fd.l4] ?? '' : '');
}

export function fdTypeName(fd: FdInfo): string {
  return TYPENAME[fd.type] ?? 'unknown';
}

export function l4Name(fd: FdInfo): string {
  return L4NAME[fd.l4] ?? '';
}

/** An unknown uid/gid ((uint32_t)-1, as libsinsp initialises them). */
export const NO_ID = 0xffffffff;

function newThread(tid: number, pid: number): ThreadInfo {
  return {
    tid, pid, ptid: -1, comm: '', exe: '', args: '', argc: 0, exepath: '', cwd: '', container: '', uid: NO_ID, gid: NO_ID,
    fds: new Map(), enterType: -1, enterTsSec: 0, enterTsNsec: 0, enterFd: -1, enterA: 0, enterB: 0, enterC: 0, enterFilename: '', latencyNs: 0,
    snapId: 0, procChanged: false, seenPid: -1, seenGen: 0, countedPid: -1, genericName: '', vtid: tid, nsTid: -1, nsPid: -1, cloneFlags: 0, cloneTs: 0, valid: true,
    sid: -1, vpgid: -1, tty: 0, fdlimit: -1, loginuid: -1, exeWritable: false, env: '', cgroups: '',
    vmsize: 0, vmrss: 0, vmswap: 0, pfmajor: 0, pfminor: 0, memId: 0, totExec: 0, cloneSec: 0, cloneNsec: 0,
  };
}

/** Container id from cgroup paths as libsinsp's docker/cri matchers find it (first 12 hex chars). */
export function containerFromCgroups(cg: string): string {
  const m = /(?:docker-|docker\/|crio-|cri-containerd-|containerd[/:]|libpod-)([0-9a-f]{64})/.exec(cg);
  return m ? m[1].slice(0, 12) : '';
}

const utf8 = new TextDecoder('utf-8');

/**
 * An fd name from an FDL block without control characters: writers of 2019 kept the line end of
 * /proc/net/unix in unix socket paths (`/var/run/docker.sock\n`); sysdig of that era removed
 * unprintable characters from names (libsinsp sanitize_string), and a name is one line here.
 */
function printable(s: string): string {
  return /[\x00-\x1f\x7f]/.test(s) ? s.replace(/[\x00-\x1f\x7f]/g, '') : s;
}

// scap blocks are little-endian (the writer's byte order; scap files are written on x86/arm64).
const u8 = readU8;
const u16 = (c: ByteCursor): number => readU16(c, true);
const u32 = (c: ByteCursor): number => readU32(c, true);
const i64 = readI64le;
const bytes = readBytes;
function str16(c: ByteCursor): string { const n = u16(c); return cstr(bytes(c, n)); }
function cstr(b: Uint8Array): string { const z = b.indexOf(0); return utf8.decode(z >= 0 ? b.subarray(0, z) : b); }

/** Machine info block: hostname at offset 20 (scap_machine_info, packed). */
export function readMachineInfo(st: ScapState, buf: Uint8Array, start: number, len: number): void {
  const b = buf.subarray(start + 8 + 20, Math.min(start + 8 + 148, start + len - 4));
  st.hostname = cstr(b);
}

/** Process list block (all versions). Returns an error text or ''. */
export function readProcList(st: ScapState, type: number, buf: Uint8Array, _dv: DataView, start: number, len: number): string {
  const c = byteCursor(buf, start + 8, start + len - 4);
  st.last = undefined;
  const v9 = type === BT.PL_V9;
  const ge = (v: number): boolean => {
    const order = [BT.PL_V1, BT.PL_V2, BT.PL_V3, BT.PL_V4, BT.PL_V5, BT.PL_V6, BT.PL_V7, BT.PL_V8, BT.PL_V9];
    const norm = type === BT.PL_V1_INT ? BT.PL_V1 : type === BT.PL_V2_INT ? BT.PL_V2 : type === BT.PL_V3_INT ? BT.PL_V3 : type;
    return order.indexOf(norm as (typeof order)[number]) >= order.indexOf(v as (typeof order)[number]);
  };
  try {
    while (c.end - c.pos >= 4) {
      const entryStart = c.pos;
      const subLen = v9 ? u32(c) : 0;
      const tid = i64(c);
      const pid = i64(c);
      const ptid = i64(c);
      const sid = ge(BT.PL_V6) ? i64(c) : -1;
      const vpgid = ge(BT.PL_V8) ? i64(c) : -1;
      const comm = str16(c);
      const exe = str16(c);
      const exepath = ge(BT.PL_V7) ? str16(c) : '';
      const argsB = bytes(c, u16(c));
      const cwd = str16(c);
      const fdlimit = i64(c);
      u32(c); // flags
      const uid = u32(c);
      const gid = u32(c);
      let cgroups = '';
      let vtid = tid;
      let nsTid = -1;
      let nsPid = -1;
      const t = newThread(tid, pid);
      if (ge(BT.PL_V2)) {
        t.vmsize = u32(c);
        t.vmrss = u32(c);
        t.vmswap = u32(c);
        t.pfmajor = i64(c);
        t.pfminor = i64(c);
        if (ge(BT.PL_V3)) t.env = envText(bytes(c, u16(c)));
        if (ge(BT.PL_V4)) {
          vtid = i64(c);
          nsTid = vtid;
          nsPid = i64(c);
          cgroups = latinNul(bytes(c, u16(c)));
          if (ge(BT.PL_V5)) str16(c); // root
        }
      }
      if (v9) readProcListTail(c, t, entryStart + subLen);
      t.sid = sid;
      t.vpgid = vpgid;
      t.fdlimit = fdlimit;
      t.cgroups = cgroupsText(spaced(cgroups));
      t.ptid = ptid;
      t.comm = comm;
      t.exe = exe;
      setArgs(t, argsB);
      t.exepath = exepath;
      t.uid = uid;
      t.gid = gid;
      t.cwd = dirSlash(cwd);
      t.container = containerFromCgroups(cgroups);
      t.vtid = vtid;
      t.nsTid = nsTid;
      t.nsPid = nsPid;
      const leader = st.threads.get(pid);
      if (leader && pid !== tid) t.fds = leader.fds;
      putThread(st, t);
      if (tid === pid) {
        // Threads listed before their leader share the leader's table from now on.
        for (const o of st.threads.values()) if (o.pid === pid && o !== t) o.fds = t.fds;
      }
      st.procCount++;
      if (v9) {
        if (subLen < c.pos - entryStart) return `process entry of tid ${tid} is longer than its length ${subLen}`;
        c.pos = entryStart + subLen;
      }
    }
  } catch (e) {
    if (e instanceof ShortRead) return `process list entry at byte ${c.pos} runs past the block end`;
    throw e;
  }
  return '';
}

/**
 * The PL v9 fields after the root (scap_savefile.c scap_read_proclist): writers of libs 0.10+ put
 * pidns_init_start_ts and tty first, older ones end with loginuid, exe_writable and capabilities
 * (29 bytes): a tail of at most 29 bytes is the older layout. Each is read only if it fits.
 */
function readProcListTail(c: ByteCursor, t: ThreadInfo, end: number): void {
  if (end - c.pos > 29) {
    if (end - c.pos >= 8) i64(c); // pidns_init_start_ts
    if (end - c.pos >= 4) t.tty = u32(c);
  }
  if (end - c.pos >= 4) t.loginuid = u32(c) | 0;
  if (end - c.pos >= 1) t.exeWritable = u8(c) !== 0;
}

/** A NUL-separated list (env, cgroups) as libsinsp prints it: entries joined by spaces. */
function nulList(b: Uint8Array): string {
  return spaced(utf8.decode(b));
}

/**
 * proc.env: the entries of a NUL-separated environment joined by spaces, empty ones included,
 * with trailing spaces cut, as sysdig 0.29.3 prints it (an all-NUL environment prints as '').
 */
function envText(b: Uint8Array): string {
  return spaced(utf8.decode(b)).trimEnd();
}

function spaced(s: string): string {
  return (s.endsWith('\0') ? s.slice(0, -1) : s).replaceAll('\0', ' ');
}

/** A NUL-separated list parameter of an event (env, cgroups). */
function paramList(v: EventView, i: number): string {
  return nulList(v.buf.subarray(v.pOff[i], v.pOff[i] + v.pLen[i]));
}

/** Parameter `name` of the event as an unsigned number; undefined when the event lacks it or it is empty. */
function optU64(v: EventView, type: number, name: string, n: number): number | undefined {
  const i = paramIndex(type, name, n);
  return i >= 0 && v.pLen[i] > 0 ? paramU64(v, i) : undefined;
}

/** As optU64, signed. */
function optI64(v: EventView, type: number, name: string, n: number): number | undefined {
  const i = paramIndex(type, name, n);
  return i >= 0 && v.pLen[i] > 0 ? paramI64(v, i) : undefined;
}

/** vm/page-fault parameters of clone, execve, brk, mmap, munmap and switch (when present). */
function applyMemParams(v: EventView, t: ThreadInfo, type: number, n: number): void {
  t.vmsize = optU64(v, type, 'vm_size', n) ?? t.vmsize;
  t.vmrss = optU64(v, type, 'vm_rss', n) ?? t.vmrss;
  t.vmswap = optU64(v, type, 'vm_swap', n) ?? t.vmswap;
  t.pfmajor = optU64(v, type, 'pgft_maj', n) ?? t.pfmajor;
  t.pfminor = optU64(v, type, 'pgft_min', n) ?? t.pfminor;
}

/**
 * Memory counters an event reports (libsinsp parse_brk_munmap_mmap_exit, parse_context_switch):
 * brk/mmap/mmap2/munmap exits set the thread's vm sizes; a switch sets its page faults and its
 * main thread's vm sizes. Called for every event of a known thread.
 */
export function applyMemoryEvent(st: ScapState, v: EventView, t: ThreadInfo): void {
  const type = v.type;
  const name = EVENT_TABLE[type]?.[0];
  const n = v.nparams;
  if (name === 'switch') {
    if (n < 6) return;
    const maj = paramIndex(type, 'pgft_maj', n);
    const min = paramIndex(type, 'pgft_min', n);
    t.pfmajor = paramU64(v, maj);
    t.pfminor = paramU64(v, min);
    const main = t.tid === t.pid ? t : st.threads.get(t.pid);
    if (main) {
      main.vmsize = paramU64(v, paramIndex(type, 'vm_size', n));
      main.vmrss = paramU64(v, paramIndex(type, 'vm_rss', n));
      main.vmswap = paramU64(v, paramIndex(type, 'vm_swap', n));
    }
  } else if ((type & 1) === 1 && (name === 'brk' || name === 'mmap' || name === 'mmap2' || name === 'munmap')) {
    applyMemParams(v, t, type, n);
  }
}

function latinNul(b: Uint8Array): string {
  // NUL-separated list (cgroups, env) joined by NULs kept as-is for matching.
  return utf8.decode(b);
}

/**
 * argv after argv[0] as libsinsp keeps it (sinsp_threadinfo::set_args): one argument per
 * NUL-terminated piece, so empty arguments count; joined with spaces for proc.args.
 */
function setArgs(t: ThreadInfo, b: Uint8Array): void {
  if (b.length === 0) {
    t.args = '';
    t.argc = 0;
    return;
  }
  const parts = utf8.decode(b[b.length - 1] === 0 ? b.subarray(0, b.length - 1) : b).split('\0');
  t.args = parts.join(' ');
  t.argc = parts.length;
}

/**
 * Interface list block (IL, IL_V2; scap_savefile.c scap_read_iflist): entries {type u16,
 * ifnamelen u16, addr, ...} (IL_V2: each after a u32 length). SCAP_II_IPV4 1 / IPV4_NOLINKSPEED 3
 * carry an IPv4 address at +4, SCAP_II_IPV6 2 / IPV6_NOLINKSPEED 4 an IPv6 one (scap.h).
 */
export function readIfList(st: ScapState, type: number, buf: Uint8Array, dv: DataView, start: number, len: number): string {
  const end = start + len - 4;
  const v2 = type === BT.IL_V2;
  // Fixed sizes without the name (scap_ifinfo_* are packed: type, ifnamelen, addr, netmask, bcast,
  // linkspeed u64): ipv4 24, ipv6 60, the *_nolinkspeed ones 8 less.
  const size: Record<number, number> = { 1: 24, 2: 60, 3: 16, 4: 52 };
  let p = start + 8;
  while (end - p >= 4) {
    const q = v2 ? p + 4 : p;
    const t = dv.getUint16(q, true);
    const nameLen = dv.getUint16(q + 2, true);
    const fixed = size[t];
    if (fixed === undefined) return `interface list entry at byte ${p} has unknown type ${t}`;
    const entry = v2 ? dv.getUint32(p, true) + 4 : fixed + nameLen;
    if (p + entry > end || (v2 && entry < 4 + 8)) return `interface list entry at byte ${p} runs past the block end`;
    if (t === 1 || t === 3) st.localAddrs.add(`${buf[q + 4]}.${buf[q + 5]}.${buf[q + 6]}.${buf[q + 7]}`);
    else st.localAddrs.add(ipv6(buf, q + 4));
    p += entry;
  }
  return '';
}

/**
 * A container event: PPME_CONTAINER_JSON_E's json ({"container":{"id","name","image","ip",...}})
 * or PPME_CONTAINER_E's id/name/image parameters (libsinsp container.cpp parse_container_json_evt).
 */
export function applyContainerEvent(st: ScapState, v: EventView): string | undefined {
  const type = v.type;
  const ji = paramIndex(type, 'json', v.nparams);
  if (ji >= 0) {
    try {
      const j = JSON.parse(paramStr(v, ji)) as { container?: { id?: unknown; name?: unknown; image?: unknown; ip?: unknown; type?: unknown; imageid?: unknown; privileged?: unknown; Mounts?: unknown } };
      const c = j.container;
      if (c && typeof c.id === 'string') {
        const ip = typeof c.ip === 'number' ? ipv4BE(c.ip) : typeof c.ip === 'string' ? c.ip : '';
        const id = c.id.slice(0, 12);
        st.containers.set(id, {
          name: typeof c.name === 'string' ? c.name : '', image: typeof c.image === 'string' ? c.image : '', ip, type: typeof c.type === 'number' ? c.type : undefined,
          imageId: typeof c.imageid === 'string' ? c.imageid : undefined, privileged: typeof c.privileged === 'boolean' ? c.privileged : undefined, mounts: mountsText(c.Mounts),
        });
        return id;
      }
    } catch {
      // Not JSON: the event's text still shows in evt.args; no container info from it.
    }
    return undefined;
  }
  const idI = paramIndex(type, 'id', v.nparams);
  if (idI < 0) return;
  const nI = paramIndex(type, 'name', v.nparams);
  const imI = paramIndex(type, 'image', v.nparams);
  const tI = paramIndex(type, 'type', v.nparams);
  st.containers.set(paramStr(v, idI).slice(0, 12), { name: nI >= 0 ? paramStr(v, nI) : '', image: imI >= 0 ? paramStr(v, imI) : '', ip: '', type: tI >= 0 ? paramI64(v, tI) : undefined });
  return undefined;
}

/**
 * The thread libsinsp gives a container JSON event, whatever its tid (parse_container_json_evt
 * takes sinsp_container_info::get_tinfo, sysdig 0.29.3): tid and pid -1, vtid and vpid -2, comm
 * `container:ID`, the container's id, the rest as a new sinsp_threadinfo has them (uid, gid,
 * loginuid and the parent 0). sysdig prints its proc.* and container.* fields from it.
 */
export function containerThread(id: string): ThreadInfo {
  const t = newThread(-1, -1);
  t.nsTid = t.nsPid = -2;
  t.comm = `container:${id}`;
  t.container = id;
  t.uid = t.gid = 0;
  t.loginuid = 0;
  t.ptid = 0;
  return t;
}

/**
 * container.mounts as libsinsp prints it (sinsp_filter_check_container TYPE_CONTAINER_MOUNTS):
 * source:dest:mode:rdwr:propagation per mount, separated by commas.
 */
function mountsText(m: unknown): string | undefined {
  if (!Array.isArray(m)) return undefined;
  const text = (x: unknown): string => (typeof x === 'string' ? x : typeof x === 'boolean' ? String(x) : '');
  return m.map((e: unknown) => {
    const o = (e ?? {}) as Record<string, unknown>;
    return `${text(o.Source)}:${text(o.Destination)}:${text(o.Mode)}:${text(o.RW)}:${text(o.Propagation)}`;
  }).join(',');
}

/** An IPv4 address held as a host-order number (the container JSON's "ip"). */
function ipv4BE(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** User list block (UL, UL_V2; scap_savefile.c scap_read_userlist): users and groups by id. Returns an error text or ''. */
export function readUserList(st: ScapState, type: number, buf: Uint8Array, start: number, len: number): string {
  const c = byteCursor(buf, start + 8, start + len - 4);
  const v2 = type === BT.UL_V2;
  try {
    while (c.end - c.pos >= 4) {
      const entryStart = c.pos;
      const subLen = v2 ? u32(c) : 0;
      const kind = u8(c); // USERBLOCK_TYPE_USER 0, USERBLOCK_TYPE_GROUP 1 (scap.h)
      if (kind === 0) {
        const uid = u32(c);
        u32(c); // gid
        const name = str16(c);
        const homedir = str16(c);
        const shell = str16(c);
        if (!st.users.has(String(uid))) {
          st.users.set(String(uid), name);
          st.userHomes.set(String(uid), [homedir, shell]);
        }
      } else {
        const gid = u32(c);
        const name = str16(c);
        if (!st.groups.has(String(gid))) st.groups.set(String(gid), name);
      }
      if (v2 && subLen > 0) {
        if (subLen < c.pos - entryStart) return `user list entry at byte ${entryStart} is longer than its length ${subLen}`;
        c.pos = entryStart + subLen;
      }
    }
  } catch (e) {
    if (e instanceof ShortRead) return `user list entry at byte ${c.pos} runs past the block end`;
    throw e;
  }
  return '';
}

function ipv4(n: number): string {
  return `${n & 255}.${(n >>> 8) & 255}.${(n >>> 16) & 255}.${n >>> 24}`;
}

/** IPv6 text as inet_ntop prints it (RFC 5952 zero compression). */
export function ipv6(b: Uint8Array, p: number): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[p + 2 * i] << 8) | b[p + 2 * i + 1]);
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff) {
    return `::ffff:${b[p + 12]}.${b[p + 13]}.${b[p + 14]}.${b[p + 15]}`;
  }
  let bs = -1, bl = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bl && j - i >= 2) { bs = i; bl = j - i; }
    i = j;
  }
  const hex = w.map((x) => x.toString(16));
  if (bs < 0) return hex.join(':');
  return `${hex.slice(0, bs).join(':')}::${hex.slice(bs + bl).join(':')}`;
}

/** FD list block (V1 and V2). */
export function readFdList(st: ScapState, type: number, buf: Uint8Array, _dv: DataView, start: number, len: number): string {
  const c = byteCursor(buf, start + 8, start + len - 4);
  st.last = undefined;
  const v2 = type === BT.FDL_V2;
  try {
    const tid = i64(c);
    let t = st.threads.get(tid);
    if (!t) {
      t = newThread(tid, tid);
      putThread(st, t);
    }
    while (c.end - c.pos >= 4) {
      const entryStart = c.pos;
      const subLen = v2 ? u32(c) : 0;
      const fd = i64(c);
      i64(c); // ino
      const ft = u8(c);
      const info: FdInfo = { type: ft, name: '', l4: 0, cip: '', sip: '', cport: 0, sport: 0 };
      switch (ft) {
        case FdType.Ipv4Sock: {
          const sip = u32(c), dip = u32(c), sport = u16(c), dport = u16(c);
          info.l4 = u8(c);
          info.cip = ipv4(sip); info.sip = ipv4(dip); info.cport = sport; info.sport = dport;
          if (sport < dport) {
            // /proc lists local->remote; a lower local port means we are the server side.
            info.cip = ipv4(dip); info.sip = ipv4(sip); info.cport = dport; info.sport = sport;
          }
          info.name = `${info.cip}:${info.cport}->${info.sip}:${info.sport}`;
          // A socket with both ends in the fd list is connected (libsinsp add_fd_from_scap).
          info.connected = true;
          break;
        }
        case FdType.Ipv4ServSock: {
          const ip = u32(c), port = u16(c);
          info.l4 = u8(c);
          info.sip = ipv4(ip); info.sport = port;
          info.name = `${info.sip}:${port}`;
          break;
        }
        case FdType.Ipv6Sock: {
          const s = c.pos; bytes(c, 32);
          const sport = u16(c), dport = u16(c);
          info.l4 = u8(c);
          info.cip = ipv6(buf, s); info.sip = ipv6(buf, s + 16); info.cport = sport; info.sport = dport;
          info.name = `${info.cip}:${sport}->${info.sip}:${dport}`;
          info.connected = true;
          break;
        }
        case FdType.Ipv6ServSock: {
          const s = c.pos; bytes(c, 16);
          const port = u16(c);
          info.l4 = u8(c);
          info.sip = ipv6(buf, s); info.sport = port;
          info.name = `${info.sip}:${port}`;
          break;
        }
        case FdType.UnixSock:
          i64(c); i64(c);
          info.name = str16(c);
          break;
        case FdType.FileV2:
          u32(c); // open flags
          info.name = str16(c);
          info.type = FdType.File;
          break;
        default:
          if (ft >= 1 && ft <= 21) info.name = str16(c);
          else {
            info.type = FdType.Unsupported;
            info.name = `unknown-type:[${ft}]`;
          }
      }
      info.name = printable(info.name);
      t.fds.set(fd, info);
      if (v2) {
        if (subLen < c.pos - entryStart) return `fd entry ${fd} of tid ${tid} is longer than its length ${subLen}`;
        c.pos = entryStart + subLen;
      }
    }
  } catch (e) {
    if (e instanceof ShortRead) return `fd list entry at byte ${c.pos} runs past the block end`;
    throw e;
  }
  return '';
}

/** The thread of an event, created on first sight (libsinsp creates it from /proc; we cannot). */
export function threadOf(st: ScapState, tid: number): ThreadInfo {
  const l = st.last;
  if (l !== undefined && l.tid === tid) return l;
  const t = lookupThread(st, tid);
  st.last = t;
  return t;
}

/**
 * What threadOf gives a tid it does not know, without putting it in the table: for the switch and
 * procinfo events of such a tid, which libsinsp gives no thread. `into` (a thread of this
 * function's making) is reset and returned, so the ~0.6 M such events of shape i at 1 M allocate
 * nothing (each a fresh ThreadInfo and fd Map, 0.5 GB, most of the index pass's GC).
 */
export function unknownThread(tid: number, into?: ThreadInfo): ThreadInfo {
  const t = into ?? newThread(tid, tid);
  // Its readers (onEvent, the enter path of a KEEPS_ENTER event in applyEvent) write latencyNs only.
  t.tid = t.pid = t.vtid = tid;
  t.latencyNs = 0;
  t.valid = false;
  return t;
}

/** A thread by tid; created empty and invalid when unknown, as libsinsp's get_thread does in a capture. */
function lookupThread(st: ScapState, tid: number): ThreadInfo {
  let t = st.threads.get(tid);
  if (!t) {
    t = newThread(tid, tid);
    t.valid = false;
    putThread(st, t);
  }
  return t;
}

function sockTupleInfo(v: EventView, i: number, fd: FdInfo): void {
  const p = v.pOff[i];
  const l = v.pLen[i];
  if (l < 1) return;
  const fam = v.buf[p];
  const dv = v.dv;
  if (fam === 2 && l >= 13) {
    fd.cip = ipv4(dv.getUint32(p + 1, true));
    fd.cport = dv.getUint16(p + 5, true);
    // A zero destination (disconnect) keeps the known server side, as libsinsp does.
    if (dv.getUint32(p + 7, true) !== 0 || !fd.sip) {
      fd.sip = ipv4(dv.getUint32(p + 7, true));
      fd.sport = dv.getUint16(p + 11, true);
    }
    fd.name = `${fd.cip}:${fd.cport}->${fd.sip}:${fd.sport}`;
  } else if (fam === 10 && l >= 37) {
    fd.cip = ipv6(v.buf, p + 1);
    fd.cport = dv.getUint16(p + 17, true);
    fd.sip = ipv6(v.buf, p + 19);
    fd.sport = dv.getUint16(p + 35, true);
    fd.name = `${fd.cip}:${fd.cport}->${fd.sip}:${fd.sport}`;
  } else if (fam === 1 && l >= 17) {
    const z = v.buf.indexOf(0, p + 17);
    fd.name = utf8.decode(v.buf.subarray(p + 17, z >= 0 && z < p + l ? z : p + l));
  }
}

/**
 * sinsp_sockinfo union layout (libsinsp fdinfo.h, packed): ipv4 {sip@0 u32, dip@4 u32, sport@8 u16,
 * dport@10 u16, l4proto@12 u8}; ipv6 {sip@0 [16], dip@16 [16], sport@32 u16, dport@34 u16, l4proto@36 u8}.
 */
const SOCK_UNION_LEN = 37;
const V4 = { sip: 0, dip: 4, sport: 8, dport: 10, l4: 12 } as const;
const V6 = { sip: 0, dip: 16, sport: 32, dport: 34, l4: 36 } as const;

/** sinsp_utils::is_ipv4_mapped_ipv6: ::ffff:a.b.c.d, and the all-zero address too. */
function mapped(b: Uint8Array, p: number): boolean {
  for (let i = 0; i < 10; i++) if (b[p + i] !== 0) return false;
  if (b[p + 10] === 0xff && b[p + 11] === 0xff) return true;
  return b[p + 10] === 0 && b[p + 11] === 0 && b[p + 12] === 0 && b[p + 13] === 0 && b[p + 14] === 0 && b[p + 15] === 0;
}

function u16le(b: Uint8Array, p: number): number {
  return b[p] | (b[p + 1] << 8);
}

function dotted4(b: Uint8Array, p: number): string {
  return `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
}

/** A socket's union to change: a copy of the current one, or one built from what is known. */
function unionOf(f: FdInfo): Uint8Array {
  if (f.u) return f.u.slice();
  const u = new Uint8Array(SOCK_UNION_LEN);
  if (f.type === FdType.Ipv6Sock) u[V6.l4] = f.l4;
  else u[V4.l4] = f.l4;
  return u;
}

/** Shown fields of an IP socket from its union: l4 as get_l4proto returns it, and the tuple. */
function deriveSock(f: FdInfo): void {
  const u = f.u;
  if (!u) return;
  if (f.type === FdType.Ipv4ServSock || f.type === FdType.Ipv6ServSock) {
    const v6s = f.type === FdType.Ipv6ServSock;
    f.l4 = u[v6s ? V6S_L4 : V4S_L4];
    f.cip = ''; f.cport = 0;
    f.sip = v6s ? ipv6(u, 0) : dotted4(u, 0);
    f.sport = u16le(u, v6s ? 16 : 4);
    return;
  }
  const v6 = f.type === FdType.Ipv6Sock;
  const raw = u[v6 ? V6.l4 : V4.l4];
  f.l4 = raw === L4.Raw ? L4.Raw : (f.role ?? 0) === 0 ? 0 : raw;
  if (!f.role) {
    // No role yet (not connected, bound or accepted): no client/server side to report.
    f.cip = ''; f.sip = ''; f.cport = 0; f.sport = 0;
  } else if (v6 && !(mapped(u, V6.sip) && mapped(u, V6.dip))) {
    f.cip = ipv6(u, V6.sip); f.sip = ipv6(u, V6.dip); f.cport = u16le(u, V6.sport); f.sport = u16le(u, V6.dport);
  } else if (v6) {
    f.cip = dotted4(u, V6.sip + 12); f.sip = dotted4(u, V6.dip + 12); f.cport = u16le(u, V4.sport); f.sport = u16le(u, V4.dport);
  } else {
    f.cip = dotted4(u, V4.sip); f.sip = dotted4(u, V4.dip); f.cport = u16le(u, V4.sport); f.sport = u16le(u, V4.dport);
  }
}

/** sinsp_utils::sockinfo_to_str without name resolution: the fd name libsinsp gives a connected socket. */
function sockName(f: FdInfo): string {
  const u = f.u!;
  if (f.type === FdType.Ipv4Sock) {
    const l4 = u[V4.l4];
    if (l4 === L4.Tcp || l4 === L4.Udp) return `${dotted4(u, V4.sip)}:${u16le(u, V4.sport)}->${dotted4(u, V4.dip)}:${u16le(u, V4.dport)}`;
    if (l4 === L4.Icmp || l4 === L4.Raw) return `${dotted4(u, V4.sip)}->${dotted4(u, V4.dip)}`;
    return '<unknown>';
  }
  const l4 = u[V6.l4];
  const m = mapped(u, V6.sip) && mapped(u, V6.dip);
  if (l4 === L4.Tcp || l4 === L4.Udp) {
    // The mapped case reads the ports through the IPv4 view, as sockinfo_to_str does.
    if (m) return `${dotted4(u, V6.sip + 12)}:${u16le(u, V4.sport)}->${dotted4(u, V6.dip + 12)}:${u16le(u, V4.dport)}`;
    return `${ipv6(u, V6.sip)}:${u16le(u, V6.sport)}->${ipv6(u, V6.dip)}:${u16le(u, V6.dport)}`;
  }
  if (l4 === L4.Icmp) return m ? `${dotted4(u, V6.sip + 12)}->${dotted4(u, V6.dip + 12)}` : `${ipv6(u, V6.sip)}->${ipv6(u, V6.dip)}`;
  return '<unknown>';
}

/** Byte copy without the typed-array view subarray() would allocate. */
function copy(u: Uint8Array, at: number, b: Uint8Array, from: number, n: number): void {
  for (let i = 0; i < n; i++) u[at + i] = b[from + i];
}

function zero(u: Uint8Array, p: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (u[p + i] !== 0) return false;
  return true;
}

function same(u: Uint8Array, p: number, b: Uint8Array, q: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (u[p + i] !== b[q + i]) return false;
  return true;
}

/**
 * update_ipv4_addresses_and_ports / set_ipv6_addresses_and_ports with overwrite_dest: the tuple
 * (sip, sport, dip, dport at offsets of b) goes into the view, unless the socket already holds it
 * in either direction. Returns whether anything changed.
 */
function setTuple(f: FdInfo, u: Uint8Array, L: typeof V4 | typeof V6, n: number, b: Uint8Array, sip: number, sport: number, dip: number, dport: number, overwrite: boolean): boolean {
  const wasSameType = (L === V4 && f.type === FdType.Ipv4Sock) || (L === V6 && f.type === FdType.Ipv6Sock);
  if (wasSameType && ((same(u, L.sip, b, sip, n) && same(u, L.sport, b, sport, 2) && same(u, L.dip, b, dip, n) && same(u, L.dport, b, dport, 2))
    || (same(u, L.sip, b, dip, n) && same(u, L.sport, b, dport, 2) && same(u, L.dip, b, sip, n) && same(u, L.dport, b, sport, 2)))) return false;
  let changed = !(same(u, L.sip, b, sip, n) && same(u, L.sport, b, sport, 2));
  copy(u, L.sip, b, sip, n);
  copy(u, L.sport, b, sport, 2);
  // The destination is only filled in while unknown (zero), unless told to overwrite.
  if (zero(u, L.dip, n) || (overwrite && !same(u, L.dip, b, dip, n))) {
    changed = true;
    copy(u, L.dip, b, dip, n);
  }
  if (zero(u, L.dport, 2) || (overwrite && !same(u, L.dport, b, dport, 2))) {
    changed = true;
    copy(u, L.dport, b, dport, 2);
  }
  return changed;
}

/** swap_addresses: a UDP server that connects keeps itself on the server side. */
function swapTuple(u: Uint8Array, L: typeof V4 | typeof V6, n: number): void {
  const s = u.slice(L.sip, L.sip + n);
  const sp = u.slice(L.sport, L.sport + 2);
  u.copyWithin(L.sip, L.dip, L.dip + n);
  u.copyWithin(L.sport, L.dport, L.dport + 2);
  u.set(s, L.dip);
  u.set(sp, L.dport);
}

/**
 * connect exit with a tuple (libsinsp fill_client_socket_info, as of the corpus renderings): the socket becomes IPv4 or IPv6
 * after the tuple's addresses (IPv4-mapped and all-zero IPv6 ones count as IPv4), its name is
 * sockinfo_to_str of the union, and it becomes a client if it had no role.
 */
function connectTuple(old: FdInfo, b: Uint8Array, p: number, l: number, overwrite: boolean): FdInfo | undefined {
  const fam = b[p];
  if (fam !== 2 && fam !== 10) return undefined;
  if ((fam === 2 && l < 13) || (fam === 10 && l < 37)) return undefined;
  const f: FdInfo = { ...old };
  const u = unionOf(old);
  let changed: boolean;
  let L: typeof V4 | typeof V6;
  let n: number;
  if (fam === 10 && !(mapped(b, p + 1) && mapped(b, p + 19))) {
    L = V6; n = 16;
    changed = setTuple(f, u, V6, 16, b, p + 1, p + 17, p + 19, p + 35, overwrite);
    f.type = FdType.Ipv6Sock;
  } else {
    L = V4; n = 4;
    changed = fam === 10 ? setTuple(f, u, V4, 4, b, p + 13, p + 17, p + 31, p + 35, overwrite) : setTuple(f, u, V4, 4, b, p + 1, p + 5, p + 7, p + 11, overwrite);
    f.type = FdType.Ipv4Sock;
  }
  f.u = u;
  if (changed && f.role === 2 && u[L.l4] === L4.Udp) swapTuple(u, L, n);
  if (!f.role) f.role = 1;
  f.name = sockName(f);
  deriveSock(f);
  return f;
}

/**
 * connect enter with an address (libsinsp before 0.21's fill_client_socket_info_from_addr, which
 * the corpus renderings reflect): the socket takes the address family's view and the destination;
 * the name stays, except for AF_UNSPEC (renamed from the union) and other families (the address text).
 */
function connectAddr(old: FdInfo, b: Uint8Array, p: number, l: number): FdInfo | undefined {
  const fam = b[p];
  const f: FdInfo = { ...old };
  if (fam === 2 && l >= 7) {
    const u = unionOf(old);
    copy(u, V4.dip, b, p + 1, 4);
    copy(u, V4.dport, b, p + 5, 2);
    f.u = u; f.type = FdType.Ipv4Sock;
  } else if (fam === 10 && l >= 19) {
    const u = unionOf(old);
    if (mapped(b, p + 1)) {
      copy(u, V4.dip, b, p + 13, 4);
      copy(u, V4.dport, b, p + 17, 2);
      f.type = FdType.Ipv4Sock;
    } else {
      copy(u, V6.dport, b, p + 17, 2);
      copy(u, V6.dip, b, p + 1, 16);
      f.type = FdType.Ipv6Sock;
    }
    f.u = u;
  } else if (fam === 0) {
    if (old.type !== FdType.Ipv4Sock && old.type !== FdType.Ipv6Sock) return undefined;
    const u = unionOf(old);
    if (old.type === FdType.Ipv4Sock) u.fill(0, V4.dip, V4.dip + 4).fill(0, V4.dport, V4.dport + 2);
    else u.fill(0, V6.dip, V6.dip + 16).fill(0, V6.dport, V6.dport + 2);
    f.u = u;
    f.name = sockName(f);
  } else if (fam === 1 && l > 1) {
    const z = b.indexOf(0, p + 1);
    f.name = utf8.decode(b.subarray(p + 1, z >= 0 && z < p + l ? z : p + l));
  } else return undefined;
  deriveSock(f);
  return f;
}

/** Server views of the union: ipv4serverinfo {ip@0, port@4, l4proto@6}, ipv6serverinfo {ip@0 [16], port@16, l4proto@18}. */
const V4S_L4 = 6;
const V6S_L4 = 18;

/**
 * bind exit (libsinsp parse_bind_exit): a non-zero port makes the socket a server socket of the
 * address's family (keeping its l4 protocol) with the server role; the name becomes the address
 * text in any case (a client bound to port 0 is named after its local address).
 */
function bindAddr(old: FdInfo, b: Uint8Array, p: number, l: number): FdInfo | undefined {
  const fam = b[p];
  if (!((fam === 2 && l >= 7) || (fam === 10 && l >= 19))) return undefined;
  const f: FdInfo = { ...old };
  const u = unionOf(old);
  const port = fam === 2 ? u16le(b, p + 5) : u16le(b, p + 17);
  if (port > 0) {
    if (fam === 2) {
      const l4 = u[V4.l4];
      copy(u, 0, b, p + 1, 6);
      u[V4S_L4] = l4;
      f.type = FdType.Ipv4ServSock;
    } else if (mapped(b, p + 1)) {
      const l4 = u[V6.l4];
      copy(u, 0, b, p + 13, 4);
      copy(u, 4, b, p + 17, 2);
      u[V4S_L4] = l4;
      f.type = FdType.Ipv4ServSock;
    } else {
      const l4 = u[V6.l4];
      copy(u, 16, b, p + 17, 2);
      copy(u, 0, b, p + 1, 16);
      u[V6S_L4] = l4;
      f.type = FdType.Ipv6ServSock;
    }
    f.role = 2;
  }
  f.u = u;
  f.name = fam === 2 ? `${dotted4(b, p + 1)}:${port}` : `${ipv6(b, p + 1)}:${port}`;
  deriveSock(f);
  return f;
}

/** add_socket (libsinsp parsers.cpp): the l4 protocol a new IP socket gets from socket()'s type and protocol. */
function socketL4(type: number, proto: number): number {
  const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3; // linux net.h
  if (proto === 6) return type === SOCK_RAW ? L4.Raw : L4.Tcp; // IPPROTO_TCP
  if (proto === 17) return type === SOCK_RAW ? L4.Raw : L4.Udp; // IPPROTO_UDP
  if (proto === 0) return (type & 0xff) === SOCK_STREAM ? L4.Tcp : (type & 0xff) === SOCK_DGRAM ? L4.Udp : 0; // IPPROTO_IP
  if (proto === 1) return type === SOCK_RAW ? L4.Raw : L4.Icmp; // IPPROTO_ICMP
  if (proto === 255) return L4.Raw; // IPPROTO_RAW
  return 0;
}

/** A directory as libsinsp keeps a cwd (sinsp_threadinfo::set_cwd): with a trailing '/'. */
function dirSlash(d: string): string {
  return d.endsWith('/') ? d : `${d}/`;
}

/** Join a relative path to a directory the way libsinsp's concatenate_paths does (normalised). */
export function joinPath(dir: string, path: string): string {
  if (path.startsWith('/') || !dir) return normalise(path);
  return normalise(`${dir.endsWith('/') ? dir : `${dir}/`}${path}`);
}

/**
 * `.`, `..` and empty segments resolved (copy_and_sanitize_path); a relative path (a thread whose
 * cwd the capture never gave) stays relative, `..` at its start dropped as libsinsp rewinds to
 * the start of the string.
 */
function normalise(p: string): string {
  const out: string[] = [];
  for (const s of p.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return p.startsWith('/') ? `/${out.join('/')}` : out.join('/');
}

/** The dirfd value meaning "the working directory" (ppm_events_public.h PPM_AT_FDCWD). */
const PPM_AT_FDCWD = -100;

/**
 * evt.abspath of an *at call: its path parameter joined to the directory its dirfd parameter
 * names (sinsp_filter_check_event::extract_abspath): an absolute path as it is, AT_FDCWD the
 * thread's cwd, an fd the table lacks "<UNKNOWN>/"; undefined when either parameter is empty.
 */
export function atPath(t: ThreadInfo, v: EventView, dirfdIdx: number, pathIdx: number): string | undefined {
  if (dirfdIdx >= v.nparams || pathIdx >= v.nparams || v.pLen[dirfdIdx] === 0 || v.pLen[pathIdx] === 0) return undefined;
  const path = paramStr(v, pathIdx);
  if (path.startsWith('/')) return normalise(path);
  const dfd = paramI64(v, dirfdIdx);
  if (dfd === PPM_AT_FDCWD) return joinPath(t.cwd, path);
  const f = t.fds.get(dfd);
  return f ? joinPath(f.name, path) : `<UNKNOWN>/${normalise(path)}`;
}

function fdPath(t: ThreadInfo, v: EventView, nameIdx: number, dirfdIdx: number): string {
  const name = paramStr(v, nameIdx);
  if (name.startsWith('/')) return normalise(name);
  let base = t.cwd;
  if (dirfdIdx >= 0) {
    const dfd = paramI64(v, dirfdIdx);
    if (dfd !== PPM_AT_FDCWD) base = t.fds.get(dfd)?.name ?? base;
  }
  return joinPath(base, name);
}

/** Index of the `fd` parameter per event type (-1 if none), computed once. */
const FD_PARAM: Int32Array = Int32Array.from(EVENT_TABLE, (d) => (d ? d[3].findIndex((p) => p[0] === 'fd') : -1));

/** Exit events the switch in applyEvent acts on (the others only report their fd). */
const STATE_CHANGING: Uint8Array = Uint8Array.from(EVENT_TABLE, (d) => (d && [
  'open', 'openat', 'openat2', 'creat', 'open_by_handle_at', 'socket', 'connect', 'bind', 'accept', 'accept4', 'close', 'dup', 'dup2', 'dup3',
  'pipe', 'pipe2', 'socketpair', 'eventfd', 'eventfd2', 'signalfd', 'signalfd4', 'timerfd_create', 'inotify_init', 'inotify_init1',
  'epoll_create', 'epoll_create1', 'bpf', 'userfaultfd', 'io_uring_setup', 'memfd_create', 'pidfd_open', 'chdir', 'fchdir',
  'execve', 'execveat', 'clone', 'clone3', 'fork', 'vfork', 'setsid', 'setrlimit', 'prlimit',
].includes(d[0]) ? 1 : 0));

const EF_SKIPPARSERESET = 1 << 8; // ppm_events_public.h enum ppm_event_flags
/** Enter events that do not replace a thread's pending enter (see applyEvent). */
const KEEPS_ENTER: Uint8Array = Uint8Array.from(EVENT_TABLE, (d) => (d && (d[0] === 'switch' || (d[2] & EF_SKIPPARSERESET) !== 0) ? 1 : 0));

const O_DIRECTORY = 1 << 10; // PPM_O_DIRECTORY (ppm_events_public.h)

/**
 * Update the tables with one event, before it is rendered (sysdig renders after parsing).
 * Returns the fd the event is about (-1 if none).
 */
export function applyEvent(st: ScapState, v: EventView, t: ThreadInfo): number {
  const type = v.type;
  const def = EVENT_TABLE[type];
  if (!def) return -1;
  const name = def[0];
  const n = v.nparams;
  const exit = (type & 1) === 1;
  const fdIdx = FD_PARAM[type] < n ? FD_PARAM[type] : -1;
  if (!exit) {
    // Scheduler switches and EF_SKIPPARSERESET events leave the pending enter alone (libsinsp
    // sinsp_parser::reset): a syscall's exit still pairs with its enter across a context switch.
    if (KEEPS_ENTER[type] === 1) return -1;
    t.enterType = type;
    t.enterTsSec = v.tsSec;
    t.enterTsNsec = v.tsNsec;
    t.enterFd = fdIdx >= 0 && def[3][fdIdx][1] === 14 ? paramI64(v, fdIdx) : -1;
    if (name === 'socket' && n >= 3) {
      t.enterA = paramU64(v, 0);
      t.enterB = paramU64(v, 1);
      t.enterC = paramU64(v, 2);
    } else if (name === 'execve' || name === 'execveat') {
      const fi = paramIndex(type, 'filename', n);
      t.enterFilename = fi >= 0 ? paramStr(v, fi) : '';
    } else if (name === 'procexit') {
      applyProcExit(st, t);
    } else if (name === 'connect' && t.enterFd >= 0) {
      const ai = paramIndex(type, 'addr', n);
      const old = t.fds.get(t.enterFd);
      if (ai >= 0 && old && v.pLen[ai] > 0) {
        // FdInfo objects are never mutated: events keep references to the state they saw.
        const f = connectAddr(old, v.buf, v.pOff[ai], v.pLen[ai]);
        if (f) t.fds.set(t.enterFd, f);
      }
    }
    return t.enterFd;
  }
  // Exit events: the result is the first parameter when it is errno/fd/pid.
  st.closed = undefined;
  const firstType = n > 0 ? def[3][0][1] : 0;
  const res = n > 0 && (firstType === 11 || firstType === 14 || firstType === 15) ? paramI64(v, 0) : NaN;
  const matched = t.enterType === type - 1;
  let fd = fdIdx > 0 && def[3][fdIdx][1] === 14 ? paramI64(v, fdIdx) : matched ? t.enterFd : -1;
  if (STATE_CHANGING[type] === 0) return fd;
  switch (name) {
    case 'open': case 'openat': case 'openat2': case 'creat': case 'open_by_handle_at': {
      if (res >= 0) {
        const ni = paramIndex(type, 'name', n) >= 0 ? paramIndex(type, 'name', n) : paramIndex(type, 'path', n);
        const di = paramIndex(type, 'dirfd', n);
        const fi = paramIndex(type, 'flags', n);
        const flags = fi >= 0 ? paramU64(v, fi) : 0;
        const path = ni >= 0 ? fdPath(t, v, ni, di) : '';
        putFd(st, t, res, { type: flags & O_DIRECTORY ? FdType.Directory : FdType.File, name: path, l4: 0, cip: '', sip: '', cport: 0, sport: 0 });
      }
      fd = res >= 0 ? res : -1;
      break;
    }
    case 'socket': {
      if (res >= 0) {
        const dom = matched ? t.enterA : 0;
        const info: FdInfo = { type: FdType.Unknown, name: '', l4: 0, cip: '', sip: '', cport: 0, sport: 0 };
        if (dom === 1) info.type = FdType.UnixSock;
        else if (dom === 2) info.type = FdType.Ipv4Sock;
        else if (dom === 10) info.type = FdType.Ipv6Sock;
        else if (dom === 16) info.type = FdType.Netlink;
        else info.type = FdType.Unsupported;
        if (dom === 2 || dom === 10) {
          const u = new Uint8Array(SOCK_UNION_LEN);
          u[dom === 2 ? V4.l4 : V6.l4] = matched ? socketL4(t.enterB, t.enterC) : 0;
          info.u = u;
          info.role = 0;
          deriveSock(info);
        }
        putFd(st, t, res, info);
        fd = res;
      }
      break;
    }
    case 'connect': {
      const old = t.fds.get(fd);
      const ti = paramIndex(type, 'tuple', n);
      if (old && ti >= 0 && (res >= 0 || res === -115) && v.pLen[ti] > 0) {
        const fam = v.buf[v.pOff[ti]];
        if (fam === 2 || fam === 10) {
          // libsinsp overwrites a known destination only when the enter was lost (stale fd data).
          const f = connectTuple(old, v.buf, v.pOff[ti], v.pLen[ti], !matched);
          if (f) putFd(st, t, fd, f);
        } else if (old.type === FdType.UnixSock) {
          const f = { ...old };
          sockTupleInfo(v, ti, f);
          putFd(st, t, fd, f);
        }
      }
      // parse_connect_exit: success or EINPROGRESS marks the socket connected.
      if (res >= 0 || res === -115) {
        const now = t.fds.get(fd);
        if (now && !now.connected) putFd(st, t, fd, { ...now, connected: true });
      }
      break;
    }
    case 'bind': {
      const old = t.fds.get(fd);
      const ai = paramIndex(type, 'addr', n);
      if (old && res >= 0 && ai >= 0 && v.pLen[ai] > 0) {
        const f = bindAddr(old, v.buf, v.pOff[ai], v.pLen[ai]);
        if (f) putFd(st, t, fd, f);
      }
      break;
    }
    case 'accept': case 'accept4': {
      if (res >= 0) {
        const ti = paramIndex(type, 'tuple', n);
        const info: FdInfo = { type: FdType.Ipv4Sock, name: '', l4: L4.Tcp, cip: '', sip: '', cport: 0, sport: 0, connected: true };
        if (ti >= 0 && v.pLen[ti] > 0) {
          const fam = v.buf[v.pOff[ti]];
          info.type = fam === 10 ? FdType.Ipv6Sock : fam === 1 ? FdType.UnixSock : FdType.Ipv4Sock;
          sockTupleInfo(v, ti, info);
        }
        putFd(st, t, res, info);
        fd = res;
      }
      break;
    }
    case 'close': {
      if (res >= 0 && matched) {
        st.closed = t.fds.get(t.enterFd);
        t.fds.delete(t.enterFd);
      }
      fd = matched ? t.enterFd : -1;
      break;
    }
    case 'dup': case 'dup2': case 'dup3': {
      const oi = paramIndex(type, 'oldfd', n);
      const old = oi >= 0 ? paramI64(v, oi) : matched ? t.enterFd : -1;
      const src = t.fds.get(old);
      if (res >= 0 && src) putFd(st, t, res, { ...src });
      // fd.num stays the duplicated fd (libsinsp parse_dup_exit leaves m_lastevent_fd, the
      // enter's fd, alone); the new fd is the result.
      fd = old;
      break;
    }
    case 'pipe': case 'pipe2': case 'socketpair': {
      const a = paramIndex(type, 'fd1', n);
      const b = paramIndex(type, 'fd2', n);
      if (res >= 0 && a >= 0 && b >= 0) {
        const ft = name === 'socketpair' ? FdType.UnixSock : FdType.Fifo;
        putFd(st, t, paramI64(v, a), { type: ft, name: '', l4: 0, cip: '', sip: '', cport: 0, sport: 0 });
        putFd(st, t, paramI64(v, b), { type: ft, name: '', l4: 0, cip: '', sip: '', cport: 0, sport: 0 });
      }
      fd = -1;
      break;
    }
    case 'eventfd': case 'eventfd2': case 'signalfd': case 'signalfd4': case 'timerfd_create': case 'inotify_init': case 'inotify_init1':
    case 'epoll_create': case 'epoll_create1': case 'bpf': case 'userfaultfd': case 'io_uring_setup': case 'memfd_create': case 'pidfd_open': {
      if (res >= 0) {
        const ft = name.startsWith('eventfd') ? FdType.Event : name.startsWith('signalfd') ? FdType.Signalfd : name === 'timerfd_create' ? FdType.Timerfd
          : name.startsWith('inotify') ? FdType.Inotify : name.startsWith('epoll') ? FdType.Eventpoll : name === 'bpf' ? FdType.Bpf
          : name === 'userfaultfd' ? FdType.Userfaultfd : name === 'io_uring_setup' ? FdType.Iouring : name === 'memfd_create' ? FdType.Memfd : FdType.Pidfd;
        const ni = paramIndex(type, 'name', n);
        putFd(st, t, res, { type: ft, name: ni >= 0 && ft === FdType.Memfd ? paramStr(v, ni) : '', l4: 0, cip: '', sip: '', cport: 0, sport: 0 });
        fd = res;
      }
      break;
    }
    case 'chdir': case 'fchdir': {
      t.procChanged = true;
      if (res === 0) {
        const pi = paramIndex(type, 'path', n);
        if (pi >= 0) t.cwd = dirSlash(joinPath(t.cwd, paramStr(v, pi)));
        else if (matched) t.cwd = t.fds.get(t.enterFd)?.name ?? t.cwd;
      }
      break;
    }
    case 'execve': case 'execveat': {
      t.procChanged = true;
      if (res === 0) applyExec(st, v, t, type, n);
      break;
    }
    case 'clone': case 'clone3': case 'fork': case 'vfork': {
      t.procChanged = true;
      if (res === 0) applyCloneChild(st, v, t, type, n);
      else if (res > 0) applyCloneCaller(st, v, t, type, n, res);
      break;
    }
    case 'setsid': {
      // parse_setsid_exit: the new session's id is the result.
      if (res >= 0) {
        t.sid = res;
        t.procChanged = true;
      }
      break;
    }
    case 'setrlimit': case 'prlimit': {
      applyFdLimit(st, v, t, type, n, res);
      break;
    }
    default:
      break;
  }
  return fd;
}

/** An exit's new fd table entry; a name other than the entry's before (none: an empty one) is fd.name_changed. */
function putFd(st: ScapState, t: ThreadInfo, fd: number, info: FdInfo): void {
  const old = t.fds.get(fd);
  if (old === undefined ? info.name !== '' : old.name !== info.name) st.nameChanged = true;
  t.fds.set(fd, info);
}

/** PPM_RLIMIT_NOFILE (ppm_events_public.h): the limit proc.fdlimit shows. */
const RLIMIT_NOFILE = 7;

/**
 * setrlimit/prlimit exits (parse_getrlimit_setrlimit_exit, parse_prlimit_exit): a new RLIMIT_NOFILE
 * current value becomes the process's fd limit (its main thread's).
 */
function applyFdLimit(st: ScapState, v: EventView, t: ThreadInfo, type: number, n: number, res: number): void {
  if (!(res >= 0)) return;
  const ri = paramIndex(type, 'resource', n);
  if (ri < 0 || paramI64(v, ri) !== RLIMIT_NOFILE) return;
  const ci = paramIndex(type, 'cur', n) >= 0 ? paramIndex(type, 'cur', n) : paramIndex(type, 'newcur', n);
  if (ci < 0) return;
  const cur = paramI64(v, ci);
  if (cur === -1) return;
  let target = t;
  if (EVENT_TABLE[type]?.[0] === 'prlimit') {
    const pi = paramIndex(type, 'pid', n);
    const pid = pi >= 0 ? paramI64(v, pi) : 0;
    const o = pid === 0 ? t : st.threads.get(pid);
    if (!o || !o.valid) return;
    target = o;
  }
  const main = target.tid === target.pid ? target : st.threads.get(target.pid);
  if (!main) return;
  main.fdlimit = cur;
  touchProcess(st, main.pid);
}

/** PPM_EXE_WRITABLE (ppm_events_public.h execve_flags): the executable is writable by its user. */
const PPM_EXE_WRITABLE = 1;

/** fdlimit, memory counters and cgroups of a clone or execve exit (the thread the event creates or replaces). */
function applyProcParams(v: EventView, t: ThreadInfo, type: number, n: number): void {
  t.fdlimit = optI64(v, type, 'fdlimit', n) ?? t.fdlimit;
  applyMemParams(v, t, type, n);
  const cg = paramIndex(type, 'cgroups', n);
  if (cg >= 0) t.cgroups = cgroupsText(paramList(v, cg));
}

/** sysdig 0.29.3 names cgroup v2's io controller by its v1 name, blkio. */
function cgroupsText(s: string): string {
  return s.replace(/(^| )io=/g, '$1blkio=');
}

function applyExec(st: ScapState, v: EventView, t: ThreadInfo, type: number, n: number): void {
  applyProcParams(v, t, type, n);
  const envI = paramIndex(type, 'env', n);
  if (envI >= 0) t.env = envText(v.buf.subarray(v.pOff[envI], v.pOff[envI] + v.pLen[envI]));
  t.tty = optU64(v, type, 'tty', n) ?? t.tty;
  t.vpgid = optI64(v, type, 'vpgid', n) ?? t.vpgid;
  const lu = optU64(v, type, 'loginuid', n);
  if (lu !== undefined) t.loginuid = lu | 0;
  const fl = optU64(v, type, 'flags', n);
  if (fl !== undefined) t.exeWritable = (fl & PPM_EXE_WRITABLE) !== 0;
  const exeI = paramIndex(type, 'exe', n);
  const argsI = paramIndex(type, 'args', n);
  const commI = paramIndex(type, 'comm', n);
  const pidI = paramIndex(type, 'pid', n);
  const cgI = paramIndex(type, 'cgroups', n);
  if (exeI >= 0) t.exe = paramStr(v, exeI);
  if (argsI >= 0) setArgs(t, v.buf.subarray(v.pOff[argsI], v.pOff[argsI] + v.pLen[argsI]));
  t.uid = optU64(v, type, 'uid', n) ?? t.uid;
  t.gid = optU64(v, type, 'gid', n) ?? t.gid;
  const epI = paramIndex(type, 'trusted_exepath', n);
  if (epI >= 0 && v.pLen[epI] > 0) t.exepath = paramStr(v, epI);
  // Without trusted_exepath, sysdig 0.29.3 takes the enter's filename (else none is known).
  else t.exepath = t.enterType === type - 1 ? t.enterFilename : '';
  if (commI >= 0) t.comm = paramStr(v, commI);
  else if (exeI >= 0) t.comm = t.exe.slice(t.exe.lastIndexOf('/') + 1);
  // execve's cwd parameter is not taken: sysdig 0.29.3 keeps the cwd it knew (proc.cwd stays
  // empty for a process first seen at its execve); relative paths then resolve as it resolves them.
  if (pidI >= 0) t.pid = paramI64(v, pidI);
  movedPid(st, t);
  // The parent too: a process first seen at its execve learns it here (libsinsp parse_execve_exit).
  t.ptid = optI64(v, type, 'ptid', n) ?? t.ptid;
  if (cgI >= 0) {
    const c = containerFromCgroups(utf8.decode(v.buf.subarray(v.pOff[cgI], v.pOff[cgI] + v.pLen[cgI])));
    if (c) t.container = c;
  }
}

/** clone flags (ppm_events_public.h PPM_CL_*). */
const CL = { THREAD: 1 << 13, NEWPID: 1 << 6, PARENT: 1 << 8, INVERTED: 1 << 16, VFORK: 1 << 27, CHILD_IN_PIDNS: 1 << 29 } as const;
/** A child thread entry older than this is from a lost exit and is replaced (libsinsp settings.h CLONE_STALE_TIME_NS). */
const CLONE_STALE_S = 2;

/** exe, args, comm and container of a clone exit (the new thread's, in both the caller and the child). */
/** What a clone's child inherits from its creator (parse_clone_exit: sid, vpgid, tty, loginuid, exe_writable; env for a new process). */
function inheritProc(c: ThreadInfo, from: ThreadInfo, newProcess: boolean): void {
  c.sid = from.sid;
  c.vpgid = from.vpgid;
  c.tty = from.tty;
  c.loginuid = from.loginuid;
  c.exeWritable = from.exeWritable;
  if (newProcess) c.env = from.env;
}

function cloneIdentity(v: EventView, c: ThreadInfo, type: number, n: number): void {
  applyProcParams(v, c, type, n);
  c.cloneSec = v.tsSec;
  c.cloneNsec = v.tsNsec;
  const exeI = paramIndex(type, 'exe', n);
  const argsI = paramIndex(type, 'args', n);
  const commI = paramIndex(type, 'comm', n);
  const cgI = paramIndex(type, 'cgroups', n);
  if (exeI >= 0) c.exe = paramStr(v, exeI);
  c.comm = commI >= 0 && v.pLen[commI] > 0 ? paramStr(v, commI) : c.exe;
  if (argsI >= 0) setArgs(c, v.buf.subarray(v.pOff[argsI], v.pOff[argsI] + v.pLen[argsI]));
  c.uid = optU64(v, type, 'uid', n) ?? c.uid;
  c.gid = optU64(v, type, 'gid', n) ?? c.gid;
  if (cgI >= 0) {
    const cid = containerFromCgroups(utf8.decode(v.buf.subarray(v.pOff[cgI], v.pOff[cgI] + v.pLen[cgI])));
    if (cid) c.container = cid;
  }
}

/**
 * m_vtid / m_vpid of a thread a clone made (parse_clone_exit): in a child pid namespace the
 * event's vtid/vpid, else its tid and pid (the caller's exit carries the caller's values).
 */
function setNsIds(v: EventView, t: ThreadInfo, type: number, n: number): void {
  const vtidI = paramIndex(type, 'vtid', n);
  const vpidI = paramIndex(type, 'vpid', n);
  if (cloneInContainer(v, type, n) && vtidI >= 0 && vpidI >= 0) {
    t.nsTid = paramI64(v, vtidI);
    t.nsPid = paramI64(v, vpidI);
  } else {
    t.nsTid = t.tid;
    t.nsPid = t.pid;
  }
}

/** parse_clone_exit's in_container: PPM_CL_CHILD_IN_PIDNS, or (older drivers) an event vtid that is not its tid. */
function cloneInContainer(v: EventView, type: number, n: number): boolean {
  const flagsI = paramIndex(type, 'flags', n);
  const vtidI = paramIndex(type, 'vtid', n);
  return (flagsI >= 0 && (paramU64(v, flagsI) & CL.CHILD_IN_PIDNS) !== 0) || (vtidI >= 0 && v.pLen[vtidI] > 0 && paramI64(v, vtidI) !== v.tid);
}

function cloneFds(from: ThreadInfo): Map<number, FdInfo> {
  // FdInfo objects are immutable once in a table, so the child may share them.
  return new Map(from.fds);
}

/**
 * clone/fork exit in the child (libsinsp parse_clone_exit_child): unless the caller's exit already
 * created this thread (less than CLONE_STALE_S ago), the thread is (re)built from the event: pid,
 * ptid, flags, exe/comm/args; a new process copies the parent's fds and cwd, a new thread shares
 * its leader's table. A leader or parent never described (invalid) takes the child's identity.
 */
function applyCloneChild(st: ScapState, v: EventView, t: ThreadInfo, type: number, n: number): void {
  const ts = v.tsSec + v.tsNsec / 1e9;
  if (t.cloneTs !== 0 && ts - t.cloneTs < CLONE_STALE_S) {
    // The caller made this thread without the namespace's ids: the child's event has them.
    if (cloneInContainer(v, type, n)) {
      setNsIds(v, t, type, n);
      t.procChanged = true;
    }
    return;
  }
  const pidI = paramIndex(type, 'pid', n);
  const ptidI = paramIndex(type, 'ptid', n);
  const flagsI = paramIndex(type, 'flags', n);
  const vtidI = paramIndex(type, 'vtid', n);
  const cwdI = paramIndex(type, 'cwd', n);
  t.pid = pidI >= 0 ? paramI64(v, pidI) : t.tid;
  movedPid(st, t);
  t.ptid = ptidI >= 0 ? paramI64(v, ptidI) : -1;
  t.vtid = vtidI >= 0 && v.pLen[vtidI] > 0 ? paramI64(v, vtidI) : t.tid;
  t.cloneFlags = (flagsI >= 0 ? paramU64(v, flagsI) : 0) | CL.INVERTED;
  setNsIds(v, t, type, n);
  t.cloneTs = ts;
  t.valid = true;
  t.container = '';
  const leader = (t.cloneFlags & CL.THREAD) === 0;
  const look = lookupThread(st, leader ? t.ptid : t.pid);
  if (look.valid) {
    t.exepath = look.exepath;
    t.uid = look.uid;
    t.gid = look.gid;
    inheritProc(t, look, leader);
  } else {
    // A creator never described: the child keeps libsinsp's initial loginuid, 0 (sysdig 0.29.3).
    t.loginuid = 0;
  }
  cloneIdentity(v, t, type, n);
  if (look.valid) {
    if (leader) {
      t.fds = cloneFds(look);
      t.cwd = look.cwd;
    }
  } else if (!leader) {
    look.pid = t.pid;
    movedPid(st, look);
    look.ptid = -1; // the thread's ptid is its process's parent only if the process made it (sysdig 0.29.3 leaves it unknown)
    look.valid = true;
    look.exe = t.exe;
    look.comm = t.comm;
    look.args = t.args;
    look.argc = t.argc;
    look.procChanged = true;
  }
  if (!leader) {
    t.fds = look.fds;
    // sysdig 0.29.3 makes a new thread's parent the process that created it (proc.pname of a
    // curl thread is curl), not the ptid parameter (the process's parent).
    t.ptid = t.pid;
  }
  if (!t.cwd && cwdI >= 0) {
    // The event's own cwd (sysdig 0.29.3 takes it, an empty one becoming "/").
    const c = paramStr(v, cwdI);
    if (c !== '<NA>') t.cwd = dirSlash(c);
  }
  if (!t.container) t.container = look.container;
  touchProcess(st, t.pid);
}

/**
 * clone/fork exit in the caller (libsinsp parse_clone_exit_caller): the caller creates the child's
 * entry, unless the child is in another pid namespace (res is then not its tid), is a vfork child
 * (its exit may come first), or the child already made its own (inverted clone).
 */
function applyCloneCaller(st: ScapState, v: EventView, t: ThreadInfo, type: number, n: number, child: number): void {
  const pidI = paramIndex(type, 'pid', n);
  const ptidI = paramIndex(type, 'ptid', n);
  const flagsI = paramIndex(type, 'flags', n);
  const vtidI = paramIndex(type, 'vtid', n);
  const validCaller = t.valid;
  if (!t.valid) {
    if (pidI >= 0) t.pid = paramI64(v, pidI);
    movedPid(st, t);
    if (ptidI >= 0) t.ptid = paramI64(v, ptidI);
    if (vtidI >= 0 && v.pLen[vtidI] > 0) t.vtid = paramI64(v, vtidI);
    t.valid = true;
  }
  const flags = flagsI >= 0 ? paramU64(v, flagsI) : 0;
  if (flags & (CL.CHILD_IN_PIDNS | CL.NEWPID | CL.PARENT) || t.tid !== t.vtid) return;
  if (flags & CL.VFORK || EVENT_TABLE[type]?.[4] === 'PPME_SYSCALL_VFORK_20_X') return;
  const existing = st.threads.get(child);
  if (existing && existing.cloneFlags & CL.INVERTED) return;
  const c = newThread(child, child);
  c.cloneFlags = flags;
  c.pid = (flags & CL.THREAD) === 0 ? child : t.pid;
  setNsIds(v, c, type, n);
  c.cloneTs = v.tsSec + v.tsNsec / 1e9;
  if ((flags & CL.THREAD) === 0) {
    if (validCaller) {
      c.fds = cloneFds(t);
      c.cwd = t.cwd;
    }
    c.ptid = t.tid;
  } else {
    c.pid = t.pid;
    c.ptid = t.pid; // as in applyCloneChild: a thread's parent is its process
    c.fds = (st.threads.get(t.pid) ?? t).fds;
  }
  c.container = t.container;
  c.exepath = t.exepath;
  c.uid = t.uid;
  c.gid = t.gid;
  inheritProc(c, t, (flags & CL.THREAD) === 0);
  cloneIdentity(v, c, type, n);
  if (!validCaller) {
    t.exe = c.exe;
    t.comm = c.comm;
    t.args = c.args;
    t.argc = c.argc;
  }
  putThread(st, c);
  if (st.last?.tid === child) st.last = undefined;
  touchProcess(st, c.pid);
}

/**
 * Threads of a process in the table (proc.nthreads counts them): their snapshots need a check.
 * O(1): the check happens at each thread's next snapshot (takeProcChanged), not by walking the table.
 */
function touchProcess(st: ScapState, pid: number): void {
  st.procGen.set(pid, (st.procGen.get(pid) ?? 0) + 1);
}

/**
 * Whether the thread's process fields may have changed since its last snapshot check (its own
 * events, or its process touched, or it moved to another pid); the check is then taken.
 */
export function takeProcChanged(st: ScapState, t: ThreadInfo): boolean {
  const gen = st.procGen.get(t.pid) ?? 0;
  const changed = t.procChanged || t.seenPid !== t.pid || t.seenGen !== gen;
  t.procChanged = false;
  t.seenPid = t.pid;
  t.seenGen = gen;
  return changed;
}

/** Threads of process pid in the table, the main one included. */
export function threadCount(st: ScapState, pid: number): number {
  return st.pidThreads.get(pid) ?? 0;
}

function countIn(st: ScapState, pid: number, by: number): void {
  const n = (st.pidThreads.get(pid) ?? 0) + by;
  if (n > 0) st.pidThreads.set(pid, n);
  else st.pidThreads.delete(pid);
}

/** Put `t` in the table under its tid (replacing the thread there), counted in its process. */
function putThread(st: ScapState, t: ThreadInfo): void {
  const old = st.threads.get(t.tid);
  if (old === t) return movedPid(st, t);
  if (old) countIn(st, old.countedPid, -1);
  st.threads.set(t.tid, t);
  t.countedPid = t.pid;
  countIn(st, t.pid, 1);
}

/** Remove thread `tid` from the table (nothing when it is not there). */
export function dropThread(st: ScapState, tid: number): void {
  const old = st.threads.get(tid);
  if (!old) return;
  countIn(st, old.countedPid, -1);
  st.threads.delete(tid);
}

/** After `t.pid` was set: a thread in the table is counted in its new process. */
function movedPid(st: ScapState, t: ThreadInfo): void {
  if (t.countedPid === t.pid || st.threads.get(t.tid) !== t) return;
  countIn(st, t.countedPid, -1);
  countIn(st, t.pid, 1);
  t.countedPid = t.pid;
}

/**
 * procexit (libsinsp parse_thread_exit / remove_thread): the thread leaves the table once its
 * event is rendered; a later event of the same tid finds no process (sysdig prints `<NA>`). A
 * leader stays while other threads of its process live (they share its fd table).
 */
function applyProcExit(st: ScapState, t: ThreadInfo): void {
  // Other threads of the process in the table: all of its count but t itself.
  if (t.tid === t.pid && threadCount(st, t.pid) > (st.threads.get(t.tid) === t ? 1 : 0)) return;
  const seen = t.seenPid === t.pid && t.seenGen === (st.procGen.get(t.pid) ?? 0);
  dropThread(st, t.tid);
  st.last = undefined;
  touchProcess(st, t.pid);
  // The touch is for the threads left in the table: the exit's own row keeps what t saw (sysdig
  // renders the procexit before the thread goes, its proc.nthreads still counting it).
  if (seen) t.seenGen = st.procGen.get(t.pid) ?? 0;
}
