/**
 * The I/O graph's series (Wireshark's Statistics ▸ I/O Graph, tshark's -z io,stat): per
 * interval of capture time, how many events a filter kept, their bytes, and the first such
 * event (the one a click on the point goes to). Interval 0 chooses one that gives at most
 * MAX_AUTO_BUCKETS points.
 */
import type { IoGraphSeries } from '../../../shared/stats.ts';

/** Intervals the automatic choice picks from, in ms (Wireshark's I/O graph offers the same steps). */
const NICE_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000, 300_000, 600_000, 3_600_000, 86_400_000];
const MAX_AUTO_BUCKETS = 1000;
/** A hard cap: a tiny interval over a long capture is refused with a message, not allocated. */
export const MAX_BUCKETS = 200_000;

/** The interval to use for a capture `spanMs` long: the given one, or the smallest nice one under MAX_AUTO_BUCKETS. */
export function chooseInterval(spanMs: number, intervalMs: number): number {
  if (intervalMs > 0) {
    if (Math.floor(spanMs / intervalMs) + 1 > MAX_BUCKETS) throw new Error(`interval ${intervalMs} ms gives more than ${MAX_BUCKETS} points over ${(spanMs / 1000).toFixed(3)} s: choose a longer one`);
    return intervalMs;
  }
  return NICE_MS.find((n) => Math.floor(spanMs / n) + 1 <= MAX_AUTO_BUCKETS) ?? NICE_MS[NICE_MS.length - 1];
}

/**
 * One series over `events` (ascending; all events when undefined) of a capture with `count`
 * events: `relMs(e)` its time after the first event, `bytes(e)` its length.
 */
export function ioSeries(
  filter: string, count: number, events: Uint32Array | undefined, buckets: number, intervalMs: number,
  relMs: (e: number) => number, bytes: (e: number) => number,
): IoGraphSeries {
  const frames = new Array<number>(buckets).fill(0);
  const sums = new Array<number>(buckets).fill(0);
  const first = new Array<number>(buckets).fill(0);
  const add = (e: number): void => {
    // Events before the first one's time (out of order) count in the first interval.
    const b = Math.min(buckets - 1, Math.max(0, Math.floor(relMs(e) / intervalMs)));
    frames[b]++;
    sums[b] += bytes(e);
    if (first[b] === 0 || e < first[b]) first[b] = e;
  };
  if (events) for (const e of events) add(e);
  else for (let e = 1; e <= count; e++) add(e);
  return { filter, frames, bytes: sums, firstEvent: first };
}
