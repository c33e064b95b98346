/**
 * The syscall overview of a scap or strace capture (the first screen of Sysdig Inspect, and
 * `strace -c`'s table): per syscall its calls, errors, total and mean time; errors by syscall
 * and errno; the processes, files and network connections with the most events. Read from the
 * syscall index's columns alone (no re-dissection).
 *
 * A call is an exit event or an unpaired one (strace lines); enter events only count towards
 * processes and fds. Time is the enter→exit latency the index keeps (scap pairs, strace -T).
 * An fd is a network connection when its name is a tuple (`ip:port->ip:port`, sysdig's
 * fd.name for sockets), a file otherwise.
 */
import type { SyscallOverview } from '../../../shared/stats.ts';
import type { Capture } from '../capture.ts';
import { errnoName } from '../readers/strace/errno.ts';
import { Dir } from '../syscalls/syscall-index.ts';
import { RowFlag } from '../../../shared/rpc.ts';

/** Rows kept per top list (processes, files, connections). */
const TOP = 50;

export function syscallOverview(capture: Capture, events?: Uint32Array): SyscallOverview {
  const int = capture.internals();
  if (int.kind !== 'syscalls') throw new Error('the syscall overview needs a syscall capture (scap, strace); this is a packet capture');
  const ix = int.index;
  const strings = ix.strings.strings;
  const calls = new Map<number, { calls: number; errors: number; totalNs: number; timed: number }>();
  const errors = new Map<string, { syscall: string; errno: string; count: number }>();
  const procs = new Map<number, { pid: number; name: string; events: number; errors: number }>();
  const fds = new Map<number, number>();
  const visit = (e: number): void => {
    const i = e - 1;
    const pid = ix.pid.data[i];
    let p = procs.get(pid);
    if (!p) {
      p = { pid, name: strings[ix.procName.data[i]] ?? '', events: 0, errors: 0 };
      procs.set(pid, p);
    }
    p.events++;
    if (!p.name) p.name = strings[ix.procName.data[i]] ?? '';
    const fdName = ix.fdName.data[i];
    if (fdName !== 0) fds.set(fdName, (fds.get(fdName) ?? 0) + 1);
    if (ix.dir.data[i] === Dir.Enter) return;
    const type = ix.type.data[i];
    let c = calls.get(type);
    if (!c) {
      c = { calls: 0, errors: 0, totalNs: 0, timed: 0 };
      calls.set(type, c);
    }
    c.calls++;
    const lat = ix.latencyNs.data[i];
    if (Number.isFinite(lat)) {
      c.totalNs += lat;
      c.timed++;
    }
    if (ix.flags.data[i] & RowFlag.Failed) {
      c.errors++;
      p.errors++;
      const raw = ix.rawres.data[i];
      const errno = raw < 0 && Number.isInteger(raw) ? errnoName(-raw) : '';
      const syscall = strings[type] ?? '';
      const key = `${syscall} ${errno}`;
      const x = errors.get(key);
      if (x) x.count++;
      else errors.set(key, { syscall, errno, count: 1 });
    }
  };
  if (events) for (const e of events) visit(e);
  else for (let e = 1; e <= capture.count(); e++) visit(e);
  const syscalls = [...calls].map(([type, c]) => ({
    name: strings[type] ?? '', calls: c.calls, errors: c.errors, totalNs: c.totalNs, meanNs: c.timed > 0 ? c.totalNs / c.timed : null,
  }));
  // strace -c orders by total time, then calls.
  syscalls.sort((a, b) => b.totalNs - a.totalNs || b.calls - a.calls || (a.name < b.name ? -1 : 1));
  const files: { name: string; events: number }[] = [];
  const connections: { name: string; events: number }[] = [];
  for (const [id, n] of fds) (strings[id]?.includes('->') ? connections : files).push({ name: strings[id] ?? '', events: n });
  const top = <T extends { events: number }>(a: T[]): T[] => a.sort((x, y) => y.events - x.events).slice(0, TOP);
  return {
    syscalls,
    errors: [...errors.values()].sort((a, b) => b.count - a.count),
    processes: top([...procs.values()]),
    files: top(files),
    connections: top(connections),
  };
}
