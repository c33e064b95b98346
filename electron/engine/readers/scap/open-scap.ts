/**
 * Open a sysdig/Falco `.scap` capture: one streaming pass over the blocks builds the syscall
 * index (and the process/fd tables as libsinsp keeps them); the Arguments text and the details
 * of an event are re-read from the file on demand.
 *
 * State at the time of each event is kept cheaply: FdInfo and process snapshots are immutable
 * objects, so each event stores a reference to the ones it saw (8 bytes per event each); the
 * rare extra resolutions (a second fd, a pid's name, poll lists, relative paths) go in a sparse map.
 */
import type { CaptureInfo } from '../../../../shared/rpc.ts';
import type { Capture, OpenOptions } from '../../capture.ts';
import type { CaptureSource } from '../../io/capture-source.ts';
import { addField, markMalformed, resetDissection, type Dissection } from '../../dissectors/dissection.ts';
import { argField, SF } from '../../syscalls/fields.ts';
import { addIndexedSyscallFields, addSyscallEvent, createSyscallIndex, Dir, syscallCapture, syscallCount, type SyscallEventInput } from '../../syscalls/syscall-index.ts';
import { createColumn, pushValue } from '../../index/columns.ts';
import { EVENT_TABLE, PPM_EVENT_MAX, SC_NAMES } from '../../syscalls/scap-event-table.ts';
import { BT, createBlockWalker, isEventBlock, SHB_MAGIC } from './blocks.ts';
import { createEventView, decodeEvent, paramI64 } from './event.ts';
import { argsText, paramText, PT, type Resolver } from './render.ts';
import { applyEvent, createState, fdTypeChar, fdTypeName, joinPath, l4Name, readFdList, readMachineInfo, readProcList, threadOf, type FdInfo, type ScapState, type ThreadInfo } from './state.ts';

/** What a row knows about its process (immutable; shared by consecutive events of a thread). */
interface ProcSnap {
  pid: number;
  ptid: number;
  comm: string;
  exe: string;
  args: string;
  cwd: string;
  container: string;
}

/** EC_* category names (ppm_events_public.h ppm_event_category, low bits) as Falco's evt.category prints them. */
const CATEGORY: Record<number, string> = {
  0: 'unknown', 1: 'other', 2: 'file', 3: 'net', 4: 'IPC', 5: 'memory', 6: 'process', 7: 'sleep', 8: 'system',
  9: 'signal', 10: 'user', 11: 'time', 12: 'processing', 32: 'IO_READ', 33: 'IO_WRITE', 34: 'IO_OTHER', 64: 'wait', 128: 'scheduler',
};
const EC_INTERNAL = 1 << 8;
const EC_METAEVENT = 1 << 12;

function paramFd(dv: DataView, q: number): number {
  return dv.getInt32(q + 4, true) * 4294967296 + dv.getUint32(q, true);
}

/** Event types with parameters whose text depends on state (fds, pids, fd lists, paths). */
const STATEFUL: Uint8Array = Uint8Array.from(EVENT_TABLE, (d) =>
  d && d[3].some((p) => p[1] === PT.FD || p[1] === PT.FD32 || p[1] === PT.PID || p[1] === PT.PID32 || p[1] === PT.FDLIST || p[1] === PT.FSPATH || p[1] === PT.FSRELPATH) ? 1 : 0,
);

export function eventTypeName(type: number): string {
  const def = type < PPM_EVENT_MAX ? EVENT_TABLE[type] : undefined;
  return def ? def[0] : `unknown(${type})`;
}

/** True for events sysdig hides from its default output (internal/meta events such as procinfo). */
export function isInternalEvent(type: number): boolean {
  const def = type < PPM_EVENT_MAX ? EVENT_TABLE[type] : undefined;
  return !!def && (def[1] & (EC_INTERNAL | EC_METAEVENT)) !== 0 && (def[1] & (1 << 9)) === 0;
}

export interface ScapCapture extends Capture {
  /** evt.args text of one event (also the Arguments column). */
  argsOf(event: number): string;
  /** Numeric scap event type of an event. */
  typeOf(event: number): number;
}

export async function openScap(source: CaptureSource, opts: OpenOptions, warnings: string[]): Promise<ScapCapture> {
  const t0 = Date.now();
  const ix = createSyscallIndex();
  const st: ScapState = createState();
  const fdRefs: (FdInfo | undefined)[] = [];
  const procRefs: ProcSnap[] = [];
  const types = createColumn(Int32Array);
  const extras = new Map<number, (string | undefined)[]>();
  const blockCounts = new Map<number, number>();
  /** evt.type text per event type id (names are looked up once, not per event). */
  const typeNames: string[] = [];
  const snaps = new Map<ThreadInfo, ProcSnap>();
  /** Syscall name of each thread's last generic enter (the exit may not carry the id). */
  const genericName = new Map<number, string>();
  const v = createEventView();
  let shbVersion = '';
  let bytesRead = 0;
  let done = false;
  let cancelled = false;
  let firstNs: string | null = null;
  let lastNs: string | null = null;
  let sawShb = false;
  const MAX_WARN = 200;
  let suppressed = 0;
  const warn = (m: string): void => {
    if (warnings.length < MAX_WARN) warnings.push(m);
    else suppressed++;
  };

  const ev: SyscallEventInput = {
    offset: 0, length: 0, tsSec: 0, tsNsec: 0, cpu: -1, pid: -1, tid: -1, dir: 0, type: '', fd: -1, fdName: '',
    procName: '', container: '', rawres: NaN, latencyNs: NaN, failed: false, malformed: false,
  };

  function snapOf(t: ThreadInfo): ProcSnap {
    const s = snaps.get(t);
    if (s && s.pid === t.pid && s.comm === t.comm && s.exe === t.exe && s.args === t.args && s.cwd === t.cwd && s.container === t.container && s.ptid === t.ptid) return s;
    const n: ProcSnap = { pid: t.pid, ptid: t.ptid, comm: t.comm, exe: t.exe, args: t.args, cwd: t.cwd, container: t.container };
    snaps.set(t, n);
    return n;
  }

  /** Resolutions that are not the event's main fd, computed while the state is current. */
  function extraResolutions(t: ThreadInfo, mainFd: number): (string | undefined)[] | undefined {
    const def = EVENT_TABLE[v.type];
    if (!def || !STATEFUL[v.type]) return undefined;
    let out: (string | undefined)[] | undefined;
    for (let i = 0; i < v.nparams && i < def[3].length; i++) {
      const pt = def[3][i][1];
      let s: string | undefined;
      if (pt === PT.FD || pt === PT.FD32) {
        const fd = paramI64(v, i);
        if (fd < 0 || fd === mainFd) continue;
        const f = t.fds.get(fd);
        s = f ? `<${fdTypeChar(f)}>${f.name}` : '';
      } else if (pt === PT.PID || pt === PT.PID32) {
        s = st.threads.get(paramI64(v, i))?.comm ?? '';
      } else if (pt === PT.FDLIST) {
        const p = v.pOff[i];
        if (v.pLen[i] < 2) continue;
        const nfds = v.dv.getUint16(p, true);
        let chars = '';
        for (let j = 0, q = p + 2; j < nfds && q + 10 <= p + v.pLen[i]; j++, q += 10) {
          const f = t.fds.get(paramFd(v.dv, q));
          chars += f ? fdTypeChar(f)[0] : '?';
        }
        s = chars;
      } else if (pt === PT.FSRELPATH || pt === PT.FSPATH) {
        const extra = def[3][i][3];
        let base = t.cwd;
        if (extra.startsWith('dirfd=')) {
          const di = Number(extra.slice(6));
          if (di < v.nparams) {
            const dfd = paramI64(v, di);
            if (dfd !== -100) base = t.fds.get(dfd)?.name ?? '';
          }
        }
        s = base;
      } else continue;
      if (!out) out = [];
      out[i] = s;
    }
    return out;
  }

  function onEvent(type: number, buf: Uint8Array, dv: DataView, start: number, len: number, offset: number, index: number): void {
    const ok = decodeEvent(v, type, buf, dv, start, len);
    const num = syscallCount(ix) + 1;
    ev.offset = offset;
    ev.length = len;
    ev.malformed = !!v.error;
    if (v.error) warn(`event ${num} (block ${index + 1}) at byte ${offset}: ${v.error}`);
    if (!ok) {
      ev.tsSec = 0; ev.tsNsec = 0; ev.cpu = -1; ev.pid = -1; ev.tid = -1; ev.dir = Dir.None; ev.type = 'malformed';
      ev.fd = -1; ev.fdName = ''; ev.procName = ''; ev.container = ''; ev.rawres = NaN; ev.latencyNs = NaN; ev.failed = false;
      fdRefs.push(undefined);
      procRefs.push(procRefs[procRefs.length - 1] ?? { pid: -1, ptid: -1, comm: '', exe: '', args: '', cwd: '', container: '' });
      pushValue(types, -1);
      addSyscallEvent(ix, ev);
      return;
    }
    const t = threadOf(st, v.tid);
    const exit = (v.type & 1) === 1;
    const enterTs = t.enterTsSec;
    const enterNs = t.enterTsNsec;
    const matched = exit && t.enterType === v.type - 1;
    const pre = exit && t.enterFd >= 0 ? t.fds.get(t.enterFd) : undefined;
    let fd = -1;
    try {
      fd = applyEvent(st, v, t);
    } catch (e) {
      warn(`event ${num} (block ${index + 1}) at byte ${offset}: state update failed: ${(e as Error).message}`);
    }
    const f = fd >= 0 ? (t.fds.get(fd) ?? (fd === t.enterFd ? pre : undefined)) : undefined;
    const x = extraResolutions(t, fd);
    if (x) extras.set(num, x);
    fdRefs.push(f);
    const snap = snapOf(t);
    procRefs.push(snap);
    pushValue(types, v.type);
    const def = v.type < PPM_EVENT_MAX ? EVENT_TABLE[v.type] : undefined;
    ev.tsSec = v.tsSec;
    ev.tsNsec = v.tsNsec;
    ev.cpu = v.cpu;
    ev.tid = v.tid;
    ev.pid = snap.pid;
    ev.dir = (v.type & 1) === 0 ? Dir.Enter : Dir.Exit;
    ev.type = typeNames[v.type] ??= eventTypeName(v.type);
    if (v.type <= 1) {
      // PPME_GENERIC_E/X: the first parameter is the ppm_sc syscall id.
      const nm = v.nparams > 0 ? SC_NAMES.get(paramI64(v, 0)) : v.type === 1 ? genericName.get(v.tid) : undefined;
      if (nm) ev.type = nm;
      if (v.type === 0) genericName.set(v.tid, ev.type);
    }
    ev.fd = fd;
    ev.fdName = f ? f.name : '';
    ev.procName = snap.comm;
    ev.container = snap.container || 'host';
    let raw = NaN;
    if (exit && def && v.nparams > 0) {
      const pt = def[3][0][1];
      if (pt === PT.ERRNO || pt === PT.FD || pt === PT.PID) raw = paramI64(v, 0);
    }
    ev.rawres = raw;
    ev.failed = raw < 0;
    ev.latencyNs = matched ? (v.tsSec - enterTs) * 1e9 + (v.tsNsec - enterNs) : NaN;
    if (firstNs === null) firstNs = `${v.tsSec}${String(v.tsNsec).padStart(9, '0')}`;
    addSyscallEvent(ix, ev);
  }

  const walker = createBlockWalker({
    warning: warn,
    block(type, buf, dv, start, len, offset, index) {
      blockCounts.set(type, (blockCounts.get(type) ?? 0) + 1);
      if (index === 0 && type !== BT.SHB) warn(`block 1 at byte ${offset}: not a section header block (type 0x${type.toString(16)})`);
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
          case BT.IL: case BT.IL_INT: case BT.IL_V2: case BT.UL: case BT.UL_INT: case BT.UL_V2:
            break; // interface and user lists: not needed for the fields we show
          default:
            if (type >= BT.PL_V1 && type <= BT.PL_V9 || type === BT.PL_V1_INT || type === BT.PL_V2_INT || type === BT.PL_V3_INT) {
              err = readProcList(st, type, buf, dv, start, len);
            }
        }
        if (err) warn(`block ${index + 1} (type 0x${type.toString(16)}) at byte ${offset}: ${err}`);
      } catch (e) {
        warn(`block ${index + 1} (type 0x${type.toString(16)}) at byte ${offset}: ${(e as Error).message}`);
      }
    },
  });

  const info = (): CaptureInfo => {
    const n = syscallCount(ix);
    const allWarnings = suppressed ? [...warnings, `${suppressed} more warnings not shown`] : warnings;
    return {
      name: source.path.split(/[\\/]/).pop() ?? source.path,
      path: source.path,
      format: 'scap',
      kind: 'syscalls',
      compressed: source.compressed,
      events: n,
      bytesRead,
      fileSize: source.fileSize,
      firstTimeNs: firstNs,
      lastTimeNs: n ? (lastNs = `${ix.tsSec.data[n - 1]}${String(ix.tsNsec.data[n - 1]).padStart(9, '0')}`) : lastNs,
      linkTypes: [],
      warnings: allWarnings,
      done,
      cancelled,
      loadMs: Date.now() - t0,
      extra: {
        processes: st.procCount,
        threads: st.threads.size,
        shbVersion,
        hostname: st.hostname,
        ...Object.fromEntries([...blockCounts].map(([t, c]) => [`0x${t.toString(16)}`, c])),
      },
    };
  };

  let lastProgress = Date.now();
  const result = await source.stream(async (chunk) => {
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
  if (result.error) warn(result.error);
  if (!sawShb && syscallCount(ix) === 0) warn(`no scap section header block found in ${bytesRead} bytes: not a scap file?`);
  cancelled = !!opts.signal?.aborted;
  done = true;
  opts.onProgress?.(info());

  const rv = createEventView();
  function reread(event: number): boolean {
    const off = ix.offset.data[event - 1];
    const len = ix.length.data[event - 1];
    const bytes = source.randomAccess.read(off, len);
    if (bytes.length < 12) return false;
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const bt = dv.getUint32(0, true);
    return decodeEvent(rv, bt, bytes, dv, 0, bytes.length);
  }

  function resolver(event: number): Resolver {
    const f = fdRefs[event - 1];
    const mainFd = ix.fd.data[event - 1];
    const x = extras.get(event);
    return {
      fd: (fd, i) => (fd === mainFd && f ? `<${fdTypeChar(f)}>${f.name}` : x?.[i] || undefined),
      pid: (_pid, i) => x?.[i] || undefined,
      fdList: (i) => x?.[i],
      base: (i) => x?.[i],
    };
  }

  function argsOf(event: number): string {
    if (event < 1 || event > syscallCount(ix)) return '';
    try {
      if (!reread(event)) return '';
      return argsText(rv, resolver(event));
    } catch (e) {
      return `<error: ${(e as Error).message}>`;
    }
  }

  function dissect(event: number, d: Dissection): void {
    const off = ix.offset.data[event - 1];
    const len = ix.length.data[event - 1];
    const bytes = source.randomAccess.read(off, len);
    resetDissection(d, bytes, 'Event');
    const evtEntry = addIndexedSyscallFields(ix, event, d);
    d.protocol = 'scap';
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 12 || !decodeEvent(rv, dv.getUint32(0, true), bytes, dv, 0, bytes.length)) {
      markMalformed(d, evtEntry, 'event header unreadable');
      return;
    }
    const snap = procRefs[event - 1];
    const f = fdRefs[event - 1];
    const r = resolver(event);
    const def = EVENT_TABLE[rv.type];
    const args = argsText(rv, r);
    d.info = args;
    addField(d, SF.args, 0, 0, evtEntry, args);
    const cat = def ? CATEGORY[def[1] & 0xff] ?? 'unknown' : 'unknown';
    addField(d, SF.category, 0, 0, evtEntry, cat);
    const isRead = def ? (def[1] & 0xff) === 32 : false;
    const isWrite = def ? (def[1] & 0xff) === 33 : false;
    addField(d, SF.isIo, 0, 0, evtEntry, isRead || isWrite);
    addField(d, SF.isIoRead, 0, 0, evtEntry, isRead);
    addField(d, SF.isIoWrite, 0, 0, evtEntry, isWrite);
    const raw = ix.rawres.data[event - 1];
    if (!Number.isNaN(raw)) {
      addField(d, SF.res, 0, 0, evtEntry, raw >= 0 ? 'SUCCESS' : (paramText(rv, 0, def![3][0], undefined)[1] || String(raw)));
      addField(d, SF.failed, 0, 0, evtEntry, raw < 0);
    }
    for (let i = 0; i < rv.nparams; i++) {
      const pd = def?.[3][i];
      const name = pd ? pd[0] : `arg${i}`;
      const [val, res] = pd ? paramText(rv, i, pd, r) : [Array.from(bytes.subarray(rv.pOff[i], rv.pOff[i] + rv.pLen[i]), (b) => b.toString(16).padStart(2, '0')).join(''), ''];
      addField(d, argField(name), rv.pOff[i], rv.pLen[i], evtEntry, res ? `${val}(${res})` : val);
      if (pd && pd[1] === PT.BYTEBUF && (name === 'data' || name === 'buf')) {
        addField(d, SF.buffer, rv.pOff[i], rv.pLen[i], evtEntry, bytes.slice(rv.pOff[i], rv.pOff[i] + rv.pLen[i]));
        addField(d, SF.buflen, rv.pOff[i], 0, evtEntry, rv.pLen[i]);
      }
    }
    if (rv.error) markMalformed(d, evtEntry, rv.error);
    if (snap) {
      const proc = addField(d, SF.proc, 0, 0, -1);
      if (snap.exe) addField(d, SF.procExe, 0, 0, proc, snap.exe);
      addField(d, SF.procCmdline, 0, 0, proc, `${snap.comm} ${snap.args}`.trim());
      if (snap.ptid >= 0) addField(d, SF.procPpid, 0, 0, proc, snap.ptid);
      if (snap.cwd) addField(d, SF.procCwd, 0, 0, proc, snap.cwd);
    }
    if (f) {
      const fdE = addField(d, SF.fd, 0, 0, -1);
      addField(d, SF.fdType, 0, 0, fdE, fdTypeName(f));
      addField(d, SF.fdTypechar, 0, 0, fdE, fdTypeChar(f)[0]);
      if (f.cip) addField(d, SF.fdCip, 0, 0, fdE, f.cip);
      if (f.sip) addField(d, SF.fdSip, 0, 0, fdE, f.sip);
      if (f.cip) addField(d, SF.fdCport, 0, 0, fdE, f.cport);
      if (f.sip) addField(d, SF.fdSport, 0, 0, fdE, f.sport);
      const l4 = l4Name(f);
      if (l4) addField(d, SF.fdL4proto, 0, 0, fdE, l4);
    }
  }

  const cap = syscallCapture(ix, {
    info,
    args: argsOf,
    dissect,
    close: () => source.randomAccess.close(),
  });
  return { ...cap, argsOf, typeOf: (e) => (e >= 1 && e <= types.length ? types.data[e - 1] : -1) };
}

// joinPath is re-exported for tests of path resolution.
export { joinPath };
