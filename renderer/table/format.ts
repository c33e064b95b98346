/**
 * Time column text in the formats Wireshark offers under View → Time Display Format:
 * date and time of day (local, or UTC), seconds since the first event, since the previous
 * displayed event, and since the previous captured event.
 */
import type { CaptureInfo } from '../../shared/rpc.ts';

export type TimeFormat = 'absolute' | 'utc' | 'relative' | 'delta' | 'delta-captured';

export const TIME_FORMATS: readonly { id: TimeFormat; title: string }[] = [
  { id: 'absolute', title: 'Date and time of day' },
  { id: 'utc', title: 'UTC date and time of day' },
  { id: 'relative', title: 'Seconds since start' },
  { id: 'delta', title: 'Seconds since previous displayed event' },
  { id: 'delta-captured', title: 'Seconds since previous captured event' },
];

export const isTimeFormat = (s: string): s is TimeFormat => TIME_FORMATS.some((f) => f.id === s);

/** Epoch nanoseconds as decimal text (CaptureInfo.firstTimeNs) → float seconds. */
export function nsTextToSeconds(ns: string | null): number | null {
  if (ns === null || !/^-?\d+$/.test(ns)) return null;
  const big = BigInt(ns);
  // Split to keep microsecond precision: whole seconds are exact, the fraction is small.
  return Number(big / 1_000_000_000n) + Number(big % 1_000_000_000n) / 1e9;
}

const two = (n: number): string => (n < 10 ? '0' : '') + n;

/** `2024-05-01 12:34:56` of whole epoch seconds, local time or UTC. */
function dateTime(secs: number, utc: boolean): string {
  const d = new Date(secs * 1000);
  return utc
    ? `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
    : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** `2024-05-01 12:34:56.123456` (local time unless `utc`), from float epoch seconds (µs exact). */
export function absoluteTime(t: number, utc = false): string {
  if (!Number.isFinite(t)) return '';
  const whole = Math.floor(t);
  let micros = Math.round((t - whole) * 1e6);
  let secs = whole;
  if (micros >= 1_000_000) { secs += 1; micros -= 1_000_000; }
  return `${dateTime(secs, utc)}.${String(micros).padStart(6, '0')}${utc ? 'Z' : ''}`;
}

/**
 * The same with nanoseconds, from exact epoch nanoseconds (RowsPage.timesNs): a float cannot
 * hold nanoseconds of an epoch time.
 */
export function absoluteTimeNs(epochNs: bigint, utc = false): string {
  let secs = epochNs / 1_000_000_000n;
  let frac = epochNs % 1_000_000_000n;
  if (frac < 0n) { frac += 1_000_000_000n; secs -= 1n; }
  return `${dateTime(Number(secs), utc)}.${String(frac).padStart(9, '0')}${utc ? 'Z' : ''}`;
}

/** Seconds with microsecond digits, as Wireshark's relative and delta columns show them. */
export function seconds(dt: number): string {
  if (!Number.isFinite(dt)) return '';
  return dt.toFixed(6);
}

/**
 * Captures with nanosecond timestamps (scap always; pcap/pcapng when the first time has digits
 * below the microsecond): their time column shows 9 digits, from the rows' exact times.
 */
export function nanosecondCapture(info: CaptureInfo | null): boolean {
  if (!info) return false;
  if (info.format === 'scap') return true;
  return info.firstTimeNs !== null && /\d{3}$/.test(info.firstTimeNs) && !info.firstTimeNs.endsWith('000');
}

/** A nanosecond difference as seconds with 9 digits (relative / delta times of nanosecond captures). */
export function secondsNs(dns: bigint): string {
  const neg = dns < 0n;
  const a = neg ? -dns : dns;
  return `${neg ? '-' : ''}${a / 1_000_000_000n}.${String(a % 1_000_000_000n).padStart(9, '0')}`;
}

/**
 * Text of time `t` (float epoch seconds). `prev` is the previous displayed event's time for
 * 'delta', the previous captured event's for 'delta-captured' (null for the first: 0).
 */
export function formatTime(fmt: TimeFormat, t: number, first: number | null, prev: number | null): string {
  if (fmt === 'absolute' || fmt === 'utc') return absoluteTime(t, fmt === 'utc');
  if (fmt === 'relative') return first === null ? '' : seconds(t - first);
  return prev === null || Number.isNaN(prev) ? seconds(0) : seconds(t - prev);
}
