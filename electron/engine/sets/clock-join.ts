/**
 * Putting an strace log without epoch times on the packets' clock (docs/capture-sets.md):
 *
 * - `-t` / `-tt` print the local time of day only (the indexer places them on 1970-01-01, and
 *   past midnight on the next days). The date and the UTC offset come from the packet files of
 *   the set: of every shift "a UTC midnight near the packets + a whole quarter hour in
 *   [-14 h, +14 h]" (the range and granularity of real UTC offsets, ISO 8601 / IANA tzdb), the
 *   one that overlaps the packets' time span most, and of those the one whose first syscall is
 *   nearest the first packet.
 * - `-r` prints seconds since the previous line (summed into seconds since the first): no clock
 *   at all. The log is placed at the packets' first second so the merged order is readable, and
 *   the matcher joins its sockets by 5-tuple only (no lifetime test).
 */

export type ClockJoin =
  | { kind: 'epoch' }
  | { kind: 'timeOfDay'; shiftS: number; utcOffsetMin: number; note: string }
  | { kind: 'relative'; shiftS: number; note: string };

const DAY_S = 86_400;
const QUARTER_S = 900;
/** UTC offsets in use run from −12:00 to +14:00; ±14 h keeps the search symmetric. */
const MAX_OFFSET_Q = 56;

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/** `+01:00`-style text of a UTC offset in minutes. */
export function offsetText(min: number): string {
  const a = Math.abs(min);
  return `${min < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/**
 * The shift (whole seconds) that puts time-of-day syscall times [s0, s1] (seconds since
 * 1970-01-01 00:00 local) on the packets' span [p0, p1] (epoch seconds). Local = UTC + offset,
 * so epoch = s + day − offset.
 */
export function timeOfDayShift(s0: number, s1: number, p0: number, p1: number): { shiftS: number; utcOffsetMin: number } {
  const baseDay = Math.floor(p0 / DAY_S) * DAY_S;
  let best = { shiftS: baseDay, utcOffsetMin: 0 };
  let bestOverlap = -1;
  let bestGap = Infinity;
  for (let d = -1; d <= 1; d++) {
    for (let q = -MAX_OFFSET_Q; q <= MAX_OFFSET_Q; q++) {
      const shiftS = baseDay + d * DAY_S - q * QUARTER_S;
      const ov = overlap(s0 + shiftS, s1 + shiftS, p0, p1);
      const gap = Math.abs(s0 + shiftS - p0);
      if (ov > bestOverlap || (ov === bestOverlap && gap < bestGap)) {
        best = { shiftS, utcOffsetMin: (q * QUARTER_S) / 60 };
        bestOverlap = ov;
        bestGap = gap;
      }
    }
  }
  return best;
}

/** How to join a syscall part whose clock is `timestamps` (the strace indexer's TIME_KIND_TEXT). */
export function clockJoin(timestamps: string | number | undefined, s0: number, s1: number, p0: number, p1: number, of = 'the packets\''): ClockJoin {
  if (timestamps === 'time of day') {
    const { shiftS, utcOffsetMin } = timeOfDayShift(s0, s1, p0, p1);
    const date = new Date((s0 + shiftS) * 1000).toISOString().slice(0, 10);
    return {
      kind: 'timeOfDay',
      shiftS,
      utcOffsetMin,
      note: `strace times of day (-t/-tt) read as ${date} UTC${offsetText(utcOffsetMin)}: the date and offset that put them on ${of} time span`,
    };
  }
  if (timestamps === 'relative') {
    const shiftS = Math.floor(p0);
    return {
      kind: 'relative',
      shiftS,
      note: `strace relative times (-r): the log is placed at ${of} first second and its sockets are matched by 5-tuple only (no time test)`,
    };
  }
  return { kind: 'epoch' };
}
