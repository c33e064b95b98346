/**
 * A packets + syscalls set followed while both files grow (sets/set-follow.ts): real corpus bytes
 * copied into the two files in steps (records and lines cut anywhere), the set followed to the
 * end, compared with the same files opened whole: the same rows, the same owners, every event
 * number kept from the moment it was given, and the cost linear (each event placed and read by
 * the correlation once).
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Capture } from '../../electron/engine/capture.ts';
import { openCaptures } from '../../electron/engine/open-capture.ts';
import { createFollowMerge, extendMerge, type PartFront } from '../../electron/engine/sets/set-follow.ts';
import { mergeOrder } from '../../electron/engine/sets/set-capture.ts';
import { CORPUS } from '../engine/corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-set-follow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const SEED = join(import.meta.dirname, '../fixtures/seed-413');

function rowsOf(c: Capture): string[] {
  const out = new Array<string>(c.columns().length);
  const rows: string[] = [];
  for (let e = 1; e <= c.count(); e++) {
    c.cells(e, out);
    rows.push(out.join('\t'));
  }
  return rows;
}

function setOf(c: Capture) {
  const int = c.internals();
  if (int.kind !== 'set') throw new Error('not a set');
  return int;
}

/** Write both files in `steps` cuts at proportional byte offsets, following the set meanwhile. */
async function followInSteps(pcap: string, strace: string, steps: number): Promise<{ capture: Capture; shown: string[][]; syncsSeen: number }> {
  const src = [readFileSync(pcap), readFileSync(strace)];
  const paths = [join(dir, basename(pcap)), join(dir, basename(strace))];
  const fds = paths.map((p) => openSync(p, 'w'));
  const at = [0, 0];
  // The set opens once both files have their first bytes (the pcap header, the first lines).
  for (let k = 0; k < 2; k++) {
    at[k] = Math.ceil(src[k].length / steps);
    writeSync(fds[k], src[k].subarray(0, at[k]));
  }
  const stop = new AbortController();
  // stallMs: the copy pauses between steps; no part is taken as stalled.
  const { capture, indexing } = await openCaptures(paths, { follow: { stop: stop.signal, pollMs: 5, stallMs: Infinity } });
  const int = setOf(capture);
  const shown: string[][] = [];
  let syncsSeen = 0;
  for (let step = 1; step <= steps; step++) {
    for (let k = 0; k < 2; k++) {
      const to = Math.min(src[k].length, Math.ceil((src[k].length * (step + 1)) / steps));
      writeSync(fds[k], src[k].subarray(at[k], to));
      at[k] = to;
    }
    const written = at[0] + at[1];
    while (capture.info().bytesRead < written) await sleep(5);
    await sleep(120); // a tick of the set (SET_TICK_MS) after the parts read the bytes
    // What is shown at this step: each event's part and local number.
    const now: string[] = [];
    for (let e = 1; e <= capture.count(); e++) {
      const p = int.partOf(e);
      now.push(`${p.part}:${p.local}`);
    }
    if (now.length > (shown.at(-1)?.length ?? 0)) syncsSeen++;
    shown.push(now);
  }
  fds.forEach((fd) => closeSync(fd));
  stop.abort();
  await indexing;
  return { capture, shown, syncsSeen };
}

describe('a packets + syscalls set followed while both files grow', () => {
  for (const [name, pcap, strace] of [
    ['the seed upload (pcap + strace -ttt of the client)', join(SEED, 'upload-413.pcap'), join(SEED, 'upload-413.strace')],
    ['curl TLS 1.3 h2 (pcapng + strace -ttt)', join(CORPUS, 'pcapng/generated/gen-strace-curl-tls13-h2.pcapng'), join(CORPUS, 'strace/generated/strace-curl-tls13-h2.f-ttt-T-yy-s256-x.txt')],
    ['curl HTTP/1.1 (pcap + strace -tt: the log put on the packets\' day)', join(CORPUS, 'pcap/generated/gen-strace-http11-plain.pcap'), join(CORPUS, 'strace/generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt')],
  ] as const) {
    it(`${name}: followed to the end equals the set opened whole; numbers never change; linear work`, async () => {
      const { capture, shown, syncsSeen } = await followInSteps(pcap, strace, 24);
      // The set opened whole shows its HTTP rows once its layers are ready (as the followed one, awaited in followInSteps).
      const opened = await openCaptures([pcap, strace]);
      await opened.indexing;
      const whole = opened.capture;
      expect(capture.info().done).toBe(true);
      expect(capture.count()).toBe(whole.count());
      const a = rowsOf(capture);
      const b = rowsOf(whole);
      // File names differ only by folder; the File column shows base names.
      expect(a).toEqual(b);
      expect(setOf(capture).owners()).toEqual(setOf(whole).owners());
      expect(setOf(capture).owners().some((o) => !o.clientOwner.startsWith('unmatched') || !o.serverOwner.startsWith('unmatched'))).toBe(true);
      // Events appeared while the files grew, and every number kept its event.
      expect(syncsSeen).toBeGreaterThan(5);
      const final = shown.at(-1) ?? [];
      for (let e = 1; e <= capture.count(); e++) {
        const p = setOf(capture).partOf(e);
        final[e - 1] ??= `${p.part}:${p.local}`;
        expect(`${p.part}:${p.local}`).toBe(final[e - 1]);
      }
      for (const s of shown) expect(s).toEqual(final.slice(0, s.length));
      // Linear: each event placed once, and read once by the correlation's walks.
      const work = setOf(capture).followWork?.();
      const info = capture.info();
      expect(work?.steps).toBe(capture.count());
      expect(work?.packets).toBe(info.extra.packets);
      expect(work?.syscalls).toBe(info.extra.syscalls);
      // Matching runs again only for the tuples a step touched: at most every side once per sync.
      expect(work?.sidesMatched ?? Infinity).toBeLessThanOrEqual(2 * Number(info.extra.conversations) * (shown.length + 4));
      capture.close();
      whole.close();
    }, 120_000);
  }
});

describe('extendMerge: the watermark and a stalled part', () => {
  const part = (times: number[], ended = false): PartFront => ({ count: times.length, time: (e) => times[e - 1], ended });
  it('places only what the other part has reached; on equal times packets first; equals mergeOrder at the end', () => {
    const m = createFollowMerge();
    const A = [1, 2, 5, 9];
    const B = [1, 3, 4, 10];
    // Packets up to 5, syscalls up to 3: the packet at 5 waits (syscalls may still give 4).
    expect(extendMerge(m, [part(A.slice(0, 3)), part(B.slice(0, 2))], 1, Infinity)).toBe(4);
    expect(Array.from(m.order.part.subarray(1, 5))).toEqual([0, 1, 0, 1]);
    extendMerge(m, [part(A), part(B, true)], 2, Infinity);
    extendMerge(m, [part(A, true), part(B, true)], 3, Infinity);
    const whole = mergeOrder(A.length, (e) => A[e - 1], B.length, (e) => B[e - 1]);
    expect(m.count).toBe(8);
    expect(Array.from(m.order.part.subarray(1, 9))).toEqual(Array.from(whole.part.subarray(1, 9)));
    expect(Array.from(m.order.local.subarray(1, 9))).toEqual(Array.from(whole.local.subarray(1, 9)));
    expect(m.steps).toBe(8);
  });
  it('an event waits at most stallMs after it was read for the other part to reach its time', () => {
    const m = createFollowMerge();
    // Syscalls at 1..3 read at 100 ms, no packets at all (tcpdump saw nothing yet).
    expect(extendMerge(m, [part([]), part([1, 2, 3])], 100, 500)).toBe(0);
    expect(extendMerge(m, [part([]), part([1, 2, 3])], 599, 500)).toBe(0);
    expect(extendMerge(m, [part([]), part([1, 2, 3])], 600, 500)).toBe(3);
    // Long silent, then a packet (time 6) read before the syscall of the write that sent it
    // (time 5): the packet waits, though the syscalls gave nothing for long.
    expect(extendMerge(m, [part([6]), part([1, 2, 3])], 5000, 500)).toBe(0);
    expect(extendMerge(m, [part([6]), part([1, 2, 3, 5])], 5010, 500)).toBe(1);
    // The syscall at 7 places the packet; it waits for the packets itself, 500 ms after it was read.
    expect(extendMerge(m, [part([6]), part([1, 2, 3, 5, 7])], 5020, 500)).toBe(1);
    expect(Array.from(m.order.part.subarray(1, 6))).toEqual([1, 1, 1, 1, 0]);
    expect(extendMerge(m, [part([6]), part([1, 2, 3, 5, 7])], 5519, 500)).toBe(0);
    expect(extendMerge(m, [part([6]), part([1, 2, 3, 5, 7])], 5520, 500)).toBe(1);
  });
  it('an event waits past stallMs while the other part still gives events (a lagging strace), until their times pass it', () => {
    const m = createFollowMerge();
    // A packet at 10 read at 0; strace, seconds behind on a loaded machine, prints calls at 1, 2, … every 300 ms.
    const times = [1];
    expect(extendMerge(m, [part([10]), part(times)], 0, 500)).toBe(1);
    for (let t = 300, at = 2; at <= 9; t += 300, at++) {
      times.push(at);
      // Long past stallMs for the packet: it still waits, the syscalls before it go.
      expect(extendMerge(m, [part([10]), part(times)], t, 500)).toBe(1);
      expect(m.next[0]).toBe(1);
    }
    // strace passes its time: placed in time order.
    times.push(11);
    expect(extendMerge(m, [part([10]), part(times)], 2700, 500)).toBe(1);
    expect(Array.from(m.order.part.subarray(1, 11))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    // strace silent for stallMs: the syscall at 11 no longer waits for a packet before it.
    expect(extendMerge(m, [part([10]), part(times)], 3199, 500)).toBe(0);
    expect(extendMerge(m, [part([10]), part(times)], 3200, 500)).toBe(1);
    // A part that lags and lags (its times far from the packet's) holds at most waitMs (3 s):
    // then the packet goes, its row live.
    const n = createFollowMerge();
    const late = [1];
    expect(extendMerge(n, [part([100]), part(late)], 0, 500, 3000)).toBe(1);
    for (let t = 300; t < 3000; t += 300) {
      late.push(late.length + 1);
      expect(extendMerge(n, [part([100]), part(late)], t, 500, 3000)).toBe(1);
    }
    late.push(late.length + 1);
    // The syscall just read goes, then the packet (waited 3 s); the newest syscall waits for the packets.
    expect(extendMerge(n, [part([100]), part(late)], 3000, 500, 3000)).toBe(2);
    expect(n.order.part[n.count]).toBe(0);
  });
  it('an event whose correlation may still change waits past stallMs, up to waitMs after it was read, and what comes after it waits too', () => {
    const m = createFollowMerge();
    // A packet at 2 whose owner the syscalls may still name; the syscalls already passed its time.
    let pending = true;
    const packets = (times: number[]): PartFront => ({ ...part(times), waits: (e) => e === 1 && pending });
    expect(extendMerge(m, [packets([2, 3]), part([1, 4])], 0, 500, 3000)).toBe(1);
    // Its time is certain, and the stall long over: it waits all the same, and so does the packet at 3.
    expect(extendMerge(m, [packets([2, 3]), part([1, 4])], 2999, 500, 3000)).toBe(0);
    expect(m.count).toBe(1);
    // The owner is named: placed at once, in time order.
    pending = false;
    expect(extendMerge(m, [packets([2, 3]), part([1, 4])], 3000, 500, 3000)).toBe(3);
    expect(Array.from(m.order.part.subarray(1, 5))).toEqual([1, 0, 0, 1]);
    // Never named: placed waitMs after it was read.
    const n = createFollowMerge();
    const never: PartFront = { ...part([2]), waits: () => true };
    expect(extendMerge(n, [never, part([1, 4])], 100, 500, 3000)).toBe(1);
    expect(extendMerge(n, [never, part([1, 4])], 3099, 500, 3000)).toBe(0);
    expect(extendMerge(n, [never, part([1, 4])], 3100, 500, 3000)).toBe(2);
    expect(Array.from(n.order.part.subarray(1, 4))).toEqual([1, 0, 1]);
  });
  it('an event held back by its part (a TLS record being written) is not placed, and what comes after it waits for it', () => {
    const m = createFollowMerge();
    const held = (times: number[], count: number): PartFront => ({ count, indexed: times.length, time: (e) => times[e - 1], ended: false });
    // Syscalls 1, 2 placeable, 3 held; packets at 2.5 and 4.
    expect(extendMerge(m, [part([2.5, 4]), held([1, 2, 3], 2)], 0, 500)).toBe(3);
    expect(Array.from(m.order.part.subarray(1, 4))).toEqual([1, 1, 0]);
    // However long the hold lasts, the packet at 4 waits for the syscall at 3.
    expect(extendMerge(m, [part([2.5, 4]), held([1, 2, 3], 2)], 10_000, 500)).toBe(0);
    expect(extendMerge(m, [part([2.5, 4]), held([1, 2, 3], 3)], 10_001, 500)).toBe(2);
    expect(Array.from(m.order.part.subarray(1, 6))).toEqual([1, 1, 0, 1, 0]);
  });
});
