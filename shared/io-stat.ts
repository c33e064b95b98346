/**
 * `-z io,stat,INTERVAL[,FILTER…]` as tshark 4.0 prints it (ui/cli/tap-iostat.c): per interval of
 * capture time, the frames and bytes each column's filter kept. The name's parsing, the result
 * type and the text table live here (CLI and engine share them); the counting is in
 * electron/engine/stats/io-stat.ts. Only plain filter columns (tshark's "Frames and bytes");
 * the calculated columns (COUNT(), SUM(), AVG() …) are refused with a message.
 */

export interface IoStatSpec {
  /** Interval in µs; 0 = the whole capture as one interval. */
  intervalUs: number;
  /** Decimal places of the interval column (tap-iostat.c invl_prec), before the draw adjusts it. */
  prec: number;
  /** Column filters; null = every frame ("Frames and bytes"). */
  filters: (string | null)[];
}

export interface IoStatColumn {
  filter: string | null;
  /** Per interval from 0: frames and bytes counted (intervals past the last frame are absent). */
  frames: number[];
  bytes: number[];
}

export interface IoStatResult {
  kind: 'iostat';
  name: `io,stat,${string}`;
  filter: string;
  spec: IoStatSpec;
  /** Capture duration (tshark's elapsed time: the latest frame after the first) as seconds and nanoseconds. */
  durationSec: number;
  durationNsec: number;
  columns: IoStatColumn[];
  ms: number;
}

const CALCULATED = /^(FRAMES|BYTES|COUNT|SUM|MIN|MAX|AVG|LOAD)\(/;

/**
 * The interval and filters of `io,stat,INTERVAL[,FILTER…]` (iostat_init): the interval in seconds
 * rounded to µs, its precision from its digits, and the comma-separated filters (an empty one:
 * every frame). Throws a message for what tshark refuses (and for calculated columns).
 */
export function parseIoStat(name: string): IoStatSpec {
  const m = /^io,stat,([0-9]*\.?[0-9]*)(,.*)?$/.exec(name);
  if (!m || m[1] === '' || m[1] === '.' || name.endsWith(',')) throw new Error('io,stat takes io,stat,INTERVAL[,FILTER]… (INTERVAL in seconds, 0 = whole capture; no trailing comma)');
  const seconds = Number(m[1]);
  let intervalUs = 0;
  let prec = 0;
  if (seconds !== 0) {
    intervalUs = Math.floor(seconds * 1e6 + 0.5);
    if (intervalUs < 1) throw new Error('io,stat interval must be >= 0.000001 seconds or 0 for the whole capture');
    // Precision: 6 less one per trailing decimal zero of the µs count (up to 6 of them).
    prec = 6;
    for (let i = 10; i < 10_000_000; i *= 10) {
      if (intervalUs % i > 0) break;
      prec--;
    }
    const dot = m[1].indexOf('.');
    // A whole number written with decimals ("1.00") shows that many places.
    if (prec === 0 && dot >= 0 && m[1].length - dot - 1 > 0) prec = Math.min(m[1].length - dot - 1, 6);
  }
  const filters: (string | null)[] = [];
  if (m[2] === undefined) filters.push(null);
  else {
    for (const raw of m[2].slice(1).split(',')) {
      const f = raw.trim();
      if (CALCULATED.test(f)) throw new Error(`io,stat column ${f}: calculated columns (COUNT(), SUM(), AVG() …) are not supported; give a display filter`);
      filters.push(f === '' ? null : f);
    }
  }
  return { intervalUs, prec, filters };
}

/** Digits of `v` (at least 1, at most `max`): tap-iostat.c magnitude(). */
function magnitude(v: number, max: number): number {
  let mag = 0;
  for (let i = 0; i < max; i++) {
    mag++;
    v = Math.floor(v / 10);
    if (v === 0) break;
  }
  return mag;
}

/** A label centred in a column `width` wide, as tap-iostat.c printcenter() places it (it prints nothing when the column is much wider). */
function center(label: string, width: number): string {
  const len = 6 - (Math.trunc((width - label.length) / 2) + 1);
  if (len > 0 && len < 6) {
    const pad = ' '.repeat(6 - len);
    return (width - label.length) % 2 === 0 ? `${pad}${label}${pad}|` : ` ${pad}${label}${pad}|`;
  }
  if (len > 0 && len <= 15) return `${label}|`;
  return '';
}

/** secs.frac with `prec` decimals, rounded half up from nanoseconds (display_signed_time of a rounded nstime). */
function secondsText(sec: number, nsec: number, prec: number): string {
  if (prec === 0) return String(sec + (nsec >= 500_000_000 ? 1 : 0));
  const unit = 10 ** (9 - prec);
  let frac = Math.floor((nsec + unit / 2) / unit);
  let s = sec;
  if (frac >= 10 ** prec) {
    frac -= 10 ** prec;
    s++;
  }
  return `${s}.${String(frac).padStart(prec, '0')}`;
}

/** The table tshark -q -z io,stat,… prints. */
export function ioStatText(r: IoStatResult): string {
  const { spec, columns } = r;
  // Duration in µs, rounded as tshark's elapsed time is.
  let duration = r.durationSec * 1e6 + Math.floor((r.durationNsec + 500) / 1000);
  const whole = spec.intervalUs === 0 || spec.intervalUs > duration;
  let interval = whole ? duration : spec.intervalUs;
  let durMag = magnitude(Math.floor(duration / 1e6), 5);
  const invlMag = magnitude(Math.floor(interval / 1e6), 5);
  let prec: number;
  let borderlen: number;
  if (interval === duration) {
    prec = durMag >= 2 ? 1 : durMag === 1 ? 3 : 6;
    borderlen = 30 + durMag + (prec === 0 ? 0 : prec + 1);
  } else {
    prec = spec.prec;
    borderlen = 25 + Math.max(invlMag, durMag) + (prec === 0 ? 0 : prec + 1);
  }
  let dv = 1_000_000;
  for (let i = 0; i < prec; i++) dv /= 10;
  if (duration % dv > 5 * (dv / 10)) {
    duration += 5 * (dv / 10);
    duration = Math.floor(duration / dv) * dv;
    durMag = magnitude(Math.floor(duration / 1e6), 5);
  }
  if (whole) interval = duration;
  const invlColW = Math.max(12, prec === 0 ? 2 * durMag + 8 : 2 * durMag + 2 * prec + 10);
  const widths = columns.map((c) => {
    const maxFrames = c.frames.reduce((a, b) => Math.max(a, b), 0);
    const maxBytes = c.bytes.reduce((a, b) => Math.max(a, b), 0);
    return { fr: Math.max(6, magnitude(maxFrames, 15)), val: Math.max(5, magnitude(maxBytes, 15)) };
  });
  const tabrowW = invlColW + widths.reduce((a, w) => a + w.fr + 3 + w.val + 3, 0);
  borderlen = Math.max(borderlen, tabrowW);
  const maxFilterW = columns.reduce((a, c) => Math.max(a, c.filter === null ? 26 : c.filter.length + 11), 0);
  if (maxFilterW > borderlen && borderlen < 102) borderlen = Math.min(maxFilterW, 102);
  if (borderlen - tabrowW === 1) borderlen++;

  const line = (s: string): string => `${s}${'|'.padStart(borderlen - s.length)}\n`;
  let t = `\n${'='.repeat(borderlen)}\n`;
  t += `|${' IO Statistics'.padEnd(borderlen - 2)}|\n|${''.padEnd(borderlen - 2)}|\n`;
  const durW = magnitude(r.durationSec, 5) + (prec === 0 ? 0 : prec + 1);
  // With a whole-second interval tshark 4.0 prints the duration's µs padded with spaces ("17. 89918").
  let durText = secondsText(r.durationSec, r.durationNsec, prec === 0 ? 6 : prec);
  if (prec === 0) durText = durText.replace(/\.(0*)/, (_, z: string) => `.${' '.repeat(z.length)}`);
  t += line(`| Duration: ${durText.padStart(durW)} secs`);
  t += line(`| Interval: ${secondsText(Math.floor(interval / 1e6), (interval % 1e6) * 1000, prec).padStart(durW)} secs`);
  t += `|${''.padEnd(borderlen - 2)}|\n`;
  columns.forEach((c, j) => {
    let s = `${j === 0 ? '| Col ' : '|     '}${j + 1}: `;
    if (c.filter === null) s += 'Frames and bytes';
    else {
      let f = c.filter;
      const maxW = borderlen - 11;
      while (f.length > maxW) {
        const sp = f.lastIndexOf(' ', maxW - 1);
        const len = sp >= 0 ? sp : maxW;
        t += line(s + f.slice(0, len));
        s = '|         ';
        f = f.slice(sp >= 0 ? len + 1 : len);
      }
      s += f;
    }
    t += line(s);
  });
  t += `|-${'-'.repeat(borderlen - 3)}|\n`;
  const filler = tabrowW < borderlen ? '|'.padStart(borderlen - tabrowW) : '';
  t += `|${'|'.padStart(invlColW - 1)}`;
  widths.forEach((w, j) => {
    t += `${String(j + 1).padEnd(2)}${' '.repeat(w.fr + w.val + 3)}|`;
  });
  t += `${filler}\n| Interval${'|'.padStart(invlColW - '| Interval'.length)}`;
  for (const w of widths) t += center('Frames', w.fr) + center('Bytes', w.val);
  t += `${filler}\n|-${'-'.repeat(tabrowW - 3)}|${filler}\n`;

  const num = (v: number, w: number): string => String(v).padStart(w);
  for (let t0 = 0, row = 0; t0 < duration; t0 += interval, row++) {
    let end = t0 + interval;
    const last = end >= duration;
    if (last) end = duration;
    if (prec === 0) {
      const a = num(Math.floor(t0 / 1e6), durMag);
      if (last) t += `| ${durMag === 1 ? ' ' : ''}${a} <> ${'Dur'.padEnd(durMag >= 3 ? durMag + 1 : 3)}|`;
      else t += `${durMag === 1 ? '|  ' : '| '}${a} <> ${num(Math.floor(end / 1e6), durMag)}${durMag === 1 ? '  |' : ' |'}`;
    } else {
      const part = (us: number): string => `${num(Math.floor(us / 1e6), durMag)}.${String(Math.floor((us % 1e6) / dv)).padStart(prec, '0')}`;
      t += `| ${part(t0)} <> ${part(end)} |`;
    }
    columns.forEach((c, j) => {
      t += ` ${num(c.frames[row] ?? 0, widths[j].fr)} | ${num(c.bytes[row] ?? 0, widths[j].val)} |`;
    });
    t += `${filler}\n`;
    if (last) break;
  }
  return `${t}${'='.repeat(borderlen)}\n`;
}

/** One line per interval: start and end (s), then frames and bytes per column (TSV). */
export function ioStatRows(r: IoStatResult): { start: number; end: number; frames: number[]; bytes: number[] }[] {
  // From integer µs, so 3 × 0.01 s prints as 0.03.
  const step = r.spec.intervalUs;
  const durationUs = r.durationSec * 1e6 + Math.floor((r.durationNsec + 500) / 1000);
  const n = Math.max(0, ...r.columns.map((c) => c.frames.length));
  const rows = [];
  for (let i = 0; i < n; i++) {
    const start = step === 0 ? 0 : i * step;
    const end = step === 0 ? durationUs : Math.min(durationUs, start + step);
    rows.push({ start: start / 1e6, end: end / 1e6, frames: r.columns.map((c) => c.frames[i] ?? 0), bytes: r.columns.map((c) => c.bytes[i] ?? 0) });
  }
  return rows;
}
