/**
 * The thread table's per-process bookkeeping (proc.nthreads, the snapshot checks a clone or an
 * exit causes) costs O(1) per event, not a walk of the table: 100 k clone and exit events with
 * up to 50 k threads alive touch the table a bounded number of times per event, and
 * threadCount is right after each of them.
 */
import { describe, expect, it } from 'vitest';
import { createEventView, type EventView } from '../../electron/engine/readers/scap/event.ts';
import { applyEvent, createState, threadCount, threadOf, type ScapState } from '../../electron/engine/readers/scap/state.ts';
import { EVENT_TABLE } from '../../electron/engine/syscalls/scap-event-table.ts';

const CLONE_X = EVENT_TABLE.findIndex((e) => e?.[4] === 'PPME_SYSCALL_CLONE_20_X');
const PROCEXIT_E = EVENT_TABLE.findIndex((e) => e?.[4] === 'PPME_PROCEXIT_1_E');
/** ppm_events_public.h PPM_CL_CLONE_THREAD. */
const CLONE_THREAD = 1 << 13;

/** An event of `type` by thread `tid` with the parameters as bytes (little-endian, as in a scap). */
function event(v: EventView, type: number, tid: number, params: Uint8Array[]): EventView {
  const buf = new Uint8Array(params.reduce((a, p) => a + p.length, 0));
  let at = 0;
  params.forEach((p, i) => {
    buf.set(p, at);
    v.pOff[i] = at;
    v.pLen[i] = p.length;
    at += p.length;
  });
  v.buf = buf;
  v.dv = new DataView(buf.buffer);
  v.type = type;
  v.tid = tid;
  v.nparams = params.length;
  v.tsSec = 1_700_000_000;
  v.tsNsec = 0;
  return v;
}

const i64 = (n: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(n), true);
  return b;
};
const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
};
const str = (s: string): Uint8Array => new TextEncoder().encode(`${s}\0`);

/** clone() returning `child` in its caller (tid 1 of pid 1): PPME_SYSCALL_CLONE_20_X's parameters up to vpid. */
function cloneParams(child: number, flags: number): Uint8Array[] {
  return [
    i64(child), str('/usr/bin/worker'), str(''), i64(1), i64(1), i64(0), str('/'), i64(1024), i64(0), i64(0),
    u32(0), u32(0), u32(0), str('worker'), str(''), u32(flags), u32(0), u32(0), i64(1), i64(1),
  ];
}

/** Counts the steps of every walk over the table; throws past `budget` (the old code walks it per event). */
function countWalks(st: ScapState, budget: number): () => number {
  let steps = 0;
  const m = st.threads;
  const wrap = <T>(it: IterableIterator<T>): IterableIterator<T> => {
    const next = (): IteratorResult<T> => {
      if (++steps > budget) throw new Error(`the thread table was walked more than ${budget} steps`);
      return it.next();
    };
    const self: IterableIterator<T> = { next, [Symbol.iterator]: () => self };
    return self;
  };
  const values = m.values.bind(m);
  const keys = m.keys.bind(m);
  const entries = m.entries.bind(m);
  m.values = () => wrap(values());
  m.keys = () => wrap(keys());
  m.entries = () => wrap(entries());
  m[Symbol.iterator] = () => wrap(entries());
  m.forEach = (fn) => {
    for (const [k, t] of wrap(entries())) fn(t, k, m);
  };
  return () => steps;
}

describe('the scap thread table', () => {
  it('100 k clone and exit events with 50 k threads alive: O(1) each, threadCount right throughout', () => {
    const N = 50_000;
    const st = createState();
    const v = createEventView();
    const steps = countWalks(st, 10 * 2 * N);
    const leader = threadOf(st, 1);
    // Odd children are threads of process 1, even ones processes of their own.
    for (let k = 0; k < N; k++) {
      const child = 1000 + k;
      applyEvent(st, event(v, CLONE_X, 1, cloneParams(child, k % 2 === 1 ? CLONE_THREAD : 0)), threadOf(st, 1));
      if (k % 997 === 0 || k === N - 1) {
        expect(threadCount(st, 1)).toBe(1 + Math.floor((k + 1) / 2));
        expect(threadCount(st, child)).toBe(k % 2 === 1 ? 0 : 1);
      }
    }
    expect(st.threads.size).toBe(N + 1);
    // The leader exits first: it stays while its threads live (they share its fd table).
    applyEvent(st, event(v, PROCEXIT_E, 1, []), leader);
    expect(st.threads.get(1)).toBe(leader);
    for (let k = 0; k < N; k++) {
      const child = 1000 + k;
      applyEvent(st, event(v, PROCEXIT_E, child, []), threadOf(st, child));
      if (st.threads.has(child)) throw new Error(`thread ${child} still in the table after its procexit`);
      if (k % 997 === 0) expect(threadCount(st, 1)).toBe(1 + Math.floor(N / 2) - Math.floor((k + 1) / 2));
    }
    expect(threadCount(st, 1)).toBe(1);
    applyEvent(st, event(v, PROCEXIT_E, 1, []), leader);
    expect(st.threads.size).toBe(0);
    expect(threadCount(st, 1)).toBe(0);
    expect(steps()).toBeLessThanOrEqual(10 * 2 * N);
  }, 60_000);
});
