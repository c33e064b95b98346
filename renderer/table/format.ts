/** Time column text in the three display formats Wireshark users know (View → Time Format). */
export type TimeFormat = 'relative' | 'absolute' | 'delta';

/** Epoch nanoseconds as decimal text (CaptureInfo.firstTimeNs) → float seconds. */
export function nsTextToSeconds(ns: string | null): number | null {
  if (ns === null || !/^-?\d+$/.test(ns)) return null;
  const big = BigInt(ns);
  // Split to keep microsecond precision: whole seconds are exact, the fraction is small.
  return Number(big / 1_000_000_000n) + Number(big % 1_000_000_000n) / 1e9;
}

const two = (n: number): string => (n < 10 ? '0' : '') + n;

/** `2024-05-01 12:34:56.123456` in local time. */
export function absoluteTime(t: number): string {
  if (!Number.isFinite(t)) return '';
  const whole = Math.floor(t);
  let micros = Math.round((t - whole) * 1e6);
  let secs = whole;
  if (micros >= 1_000_000) { secs += 1; micros -= 1_000_000; }
  const d = new Date(secs * 1000);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(micros).padStart(6, '0')}`;
}

/** Seconds with microsecond digits, as Wireshark's relative and delta columns show them. */
export function seconds(dt: number): string {
  if (!Number.isFinite(dt)) return '';
  return dt.toFixed(6);
}

export function formatTime(fmt: TimeFormat, t: number, first: number | null, prev: number | null): string {
  if (fmt === 'absolute') return absoluteTime(t);
  if (fmt === 'relative') return first === null ? '' : seconds(t - first);
  return prev === null ? seconds(0) : seconds(t - prev);
}
