/**
 * The counting of `-z io,stat` (tshark 4.0 ui/cli/tap-iostat.c iostat_packet): a frame's time
 * after the first frame in µs (nanoseconds rounded), its interval that time over the interval
 * (all frames in one when the interval is 0); each column keeps the intervals up to the latest it
 * saw, and a frame earlier than that interval (timestamps out of order) counts in that latest
 * one, as does a frame before the first (tshark gives it the previous tapped frame's time,
 * which lands there too unless another column's frame moved that clock further). The table
 * (shared/io-stat.ts) stops at the capture's duration.
 */
import type { IoStatColumn, IoStatSpec } from '../../../shared/io-stat.ts';
import type { Capture } from '../capture.ts';

/** Seconds and nanoseconds of each event after the first one (events numbered from 1). */
export type RelativeTime = (e: number) => { sec: number; nsec: number };

/** The capture's clock relative to its first event, from the index's integer seconds and nanoseconds where it has them. */
export function relativeTime(capture: Capture): RelativeTime {
  const int = capture.internals();
  if (int.kind === 'packets' && capture.count() > 0) {
    const sec = int.index.tsSec.data;
    const nsec = int.index.tsNsec.data;
    return (e) => {
      let s = sec[e - 1] - sec[0];
      let ns = nsec[e - 1] - nsec[0];
      if (ns < 0) {
        s -= 1;
        ns += 1e9;
      }
      return { sec: s, nsec: ns };
    };
  }
  const t0 = capture.count() > 0 ? capture.time(1) : 0;
  return (e) => {
    const d = capture.time(e) - t0;
    const sec = Math.floor(d);
    return { sec, nsec: Math.round((d - sec) * 1e9) };
  };
}

/** The latest event time after the first one (tshark's elapsed time), over all events. */
export function elapsed(count: number, rel: RelativeTime): { sec: number; nsec: number } {
  let best = { sec: 0, nsec: 0 };
  for (let e = 1; e <= count; e++) {
    const t = rel(e);
    if (t.sec > best.sec || (t.sec === best.sec && t.nsec > best.nsec)) best = t;
  }
  return best;
}

/** A limit on the intervals one column may have: a tiny interval over a long capture is refused, not allocated. */
export const MAX_IO_STAT_ROWS = 1_000_000;

/**
 * One column over `events` (ascending; every event when undefined). `rel(e)` and `bytes(e)`: the
 * event's time after the first and its length on the wire.
 */
export function ioStatColumn(
  filter: string | null, spec: IoStatSpec, count: number, events: Uint32Array | undefined, rel: RelativeTime, bytes: (e: number) => number,
): IoStatColumn {
  const frames: number[] = [0];
  const sums: number[] = [0];
  let last = 0;
  const add = (e: number): void => {
    const t = rel(e);
    const us = t.sec < 0 ? 0 : t.sec * 1e6 + Math.floor((t.nsec + 500) / 1000);
    const row = Math.max(last, spec.intervalUs === 0 ? 0 : Math.floor(us / spec.intervalUs));
    if (row >= MAX_IO_STAT_ROWS) throw new Error(`io,stat: interval ${spec.intervalUs / 1e6} s gives more than ${MAX_IO_STAT_ROWS} rows over this capture; choose a longer one`);
    while (last < row) {
      frames.push(0);
      sums.push(0);
      last++;
    }
    frames[row]++;
    sums[row] += bytes(e);
  };
  if (events) for (const e of events) add(e);
  else for (let e = 1; e <= count; e++) add(e);
  return { filter, frames, bytes: sums };
}
