/**
 * syscallEventAt reads back every field addSyscallEvent stored, so the merges that copy events
 * between indexes (sets/syscall-merge.ts, strace -ff in open-strace.ts) lose nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  addSyscallEvent, createSyscallIndex, syscallEventAt, type SyscallEventInput,
} from '../../electron/engine/syscalls/syscall-index.ts';

const blank = (): SyscallEventInput => ({
  offset: 0, length: 0, tsSec: 0, tsNsec: 0, cpu: 0, pid: 0, tid: 0, dir: 0, type: 'x', fd: 0, fdName: 'x',
  procName: 'x', container: 'x', rawres: 0, latencyNs: 0, failed: true, malformed: true,
});

describe('syscallEventAt', () => {
  it('gives back each event as it was added, strace defaults (cpu -1, no container) included', () => {
    const events: SyscallEventInput[] = [
      { offset: 2 ** 40 + 3, length: 77, tsSec: 1_700_000_000, tsNsec: 999_999_999, cpu: 3, pid: 10, tid: 11, dir: 1, type: 'read', fd: 4, fdName: '/etc/hosts', procName: 'curl', container: 'abc', rawres: -11, latencyNs: 1234, failed: true, malformed: false },
      { offset: 0, length: 1, tsSec: 0, tsNsec: 0, cpu: -1, pid: -1, tid: -1, dir: 0, type: 'clone', fd: -1, fdName: '', procName: '', container: '', rawres: NaN, latencyNs: NaN, failed: false, malformed: true },
    ];
    const ix = createSyscallIndex();
    for (const e of events) addSyscallEvent(ix, e);
    const ev = blank();
    events.forEach((e, k) => expect(syscallEventAt(ix, k, ev)).toEqual(e));
  });

  it('copies an index into another event for event, flags included', () => {
    const a = createSyscallIndex();
    addSyscallEvent(a, { ...blank(), type: 'write', failed: true, malformed: false });
    addSyscallEvent(a, { ...blank(), type: 'open', failed: false, malformed: true });
    a.flags.data[1] |= 32;
    const b = createSyscallIndex();
    const ev = blank();
    for (let k = 0; k < 2; k++) {
      const e = addSyscallEvent(b, syscallEventAt(a, k, ev));
      expect(b.flags.data[e - 1] | 32).toBe(a.flags.data[k] | 32);
      b.flags.data[e - 1] = a.flags.data[k];
    }
    expect(Array.from(b.flags.data.subarray(0, 2))).toEqual(Array.from(a.flags.data.subarray(0, 2)));
    expect([0, 1].map((k) => syscallEventAt(b, k, blank()).type)).toEqual(['write', 'open']);
  });
});
