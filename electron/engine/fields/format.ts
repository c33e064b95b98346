/**
 * Text forms of addresses and bytes, shared by the readers (pcapng interface options), the
 * dissectors (Info column), the index and the filter compiler. No imports, so any engine stage
 * may use it (eslint.config.js places it in engine/core).
 */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex(bytes: Uint8Array, sep = ''): string {
  let s = '';
  for (let k = 0; k < bytes.length; k++) s += (k && sep ? sep : '') + HEX[bytes[k]];
  return s;
}

export function formatIpv4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952 text form: lowercase, longest run (≥ 2) of zero groups compressed to `::`. */
export function formatIpv6(b: Uint8Array): string {
  if (b.length !== 16) return hex(b, ':');
  const g: number[] = [];
  for (let k = 0; k < 16; k += 2) g.push((b[k] << 8) | b[k + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let k = 0; k < 8; ) {
    if (g[k] !== 0) {
      k++;
      continue;
    }
    let e = k;
    while (e < 8 && g[e] === 0) e++;
    if (e - k > bestLen) {
      bestStart = k;
      bestLen = e - k;
    }
    k = e;
  }
  // IPv4-mapped (::ffff:a.b.c.d) prints its tail as dotted quad, as inet_ntop does.
  if (bestStart === 0 && bestLen === 5 && g[5] === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  if (bestLen < 2) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const tail = g.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return `${head}::${tail}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Epoch nanoseconds as Wireshark prints an ABSOLUTE_TIME_UTC field (epan abs_time_to_str):
 * "Aug 16, 2015 19:25:48.749582159 UTC", the day of the month padded to two places with a space.
 */
export function formatUtcTime(ns: bigint): string {
  const sec = ns >= 0n ? ns / 1_000_000_000n : (ns - 999_999_999n) / 1_000_000_000n;
  const frac = ns - sec * 1_000_000_000n;
  const t = new Date(Number(sec) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const day = String(t.getUTCDate()).padStart(2, ' ');
  return `${MONTHS[t.getUTCMonth()]} ${day}, ${t.getUTCFullYear()} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}.${frac.toString().padStart(9, '0')} UTC`;
}

/** The local zone's short name at `t` ("UTC", "CET", or "GMT+1" where the platform has no abbreviation). */
function zoneName(t: Date): string {
  return new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(t).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
}

/** Epoch nanoseconds as Wireshark prints an ABSOLUTE_TIME_LOCAL field: "Nov 21, 2026 19:05:02.666250000 UTC" in the local zone. */
export function formatLocalTime(ns: bigint): string {
  const sec = ns >= 0n ? ns / 1_000_000_000n : (ns - 999_999_999n) / 1_000_000_000n;
  const frac = ns - sec * 1_000_000_000n;
  const t = new Date(Number(sec) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  const day = String(t.getDate()).padStart(2, ' ');
  return `${MONTHS[t.getMonth()]} ${day}, ${t.getFullYear()} ${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}.${frac.toString().padStart(9, '0')} ${zoneName(t)}`;
}
