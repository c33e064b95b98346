/**
 * bench/out/shapes.md: the shapes table as the issue asks for it, one markdown table per shape
 * (rows: operations; columns: CPU µs per event at each size after one process's start-up cost,
 * the largest/smallest per-event ratio, peak RSS, tshark's CPU seconds and RSS, and tshark's CPU
 * over ours), so it can be pasted into a note as it is.
 */
import type { Run } from './measure.ts';

export interface MdCell extends Run {
  command: string[];
}

export interface MdSize {
  size: number;
  target: { events: number; bytes: number; description: string; path: string };
  ops: Record<string, { ours: MdCell | null; tshark: MdCell | null }>;
}

export interface MdShape {
  id: string;
  name: string;
  sizes: MdSize[];
}

export function sizeLabel(n: number): string {
  return n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n);
}

function ok<T extends Run>(c: T | null | undefined): c is T {
  return !!c && !c.timedOut && c.exitCode === 0;
}

/** CPU µs per event after the start-up cost, or null. */
export function perEventUs(c: Run | null | undefined, events: number, startCpu: number): number | null {
  if (!ok(c) || events === 0) return null;
  return (Math.max(0, c.cpuSeconds - (c.startCpu ?? startCpu)) / events) * 1e6;
}

function us(v: number | null, c: Run | null | undefined): string {
  if (c?.timedOut) return 'timeout';
  if (c && c.exitCode !== 0) return `err ${c.exitCode}`;
  if (v === null) return '—';
  return v < 0.1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v.toFixed(0);
}

/**
 * The linearity cell: per-event cost at the largest size over the smallest. Below 0.1 CPU s of
 * work at the smallest size the ratio is start-up noise (marked ~); over 2 it is flagged.
 */
function ratioCell(first: MdSize, last: MdSize, op: string, startCpu: number): string {
  const a = first.ops[op]?.ours;
  const b = last.ops[op]?.ours;
  if (b?.timedOut) return '**timeout**';
  const pa = perEventUs(a, first.target.events, startCpu);
  const pb = perEventUs(b, last.target.events, startCpu);
  if (pa === null || pb === null || !a) return '—';
  const small = a.cpuSeconds - (a.startCpu ?? startCpu) < 0.1;
  if (pa === 0) return small ? '~' : '∞';
  const r = pb / pa;
  return `${r.toFixed(2)}${small ? ' ~' : r > 2 ? ' **>2×**' : ''}`;
}

export function shapeMarkdown(shape: MdShape, ops: readonly string[], startCpu: number, note = ''): string {
  const sizes = [...shape.sizes].sort((x, y) => x.size - y.size);
  if (sizes.length === 0) return '';
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  const L = sizeLabel(last.size);
  const head = ['operation', ...sizes.map((s) => `µs/event ${sizeLabel(s.size)}`)];
  if (sizes.length > 1) head.push(`${L}/${sizeLabel(first.size)}`);
  head.push(`ours ${L}: CPU s, peak RSS`, `tshark ${L}: CPU s, peak RSS`, 'tshark CPU / ours');
  const lines = [`### (${shape.id}) ${shape.name}${note ? ` — ${note}` : ''}`, ''];
  for (const s of sizes) lines.push(`- ${sizeLabel(s.size)}: ${s.target.events.toLocaleString('en')} events, ${(s.target.bytes / 1e6).toFixed(1)} MB — ${s.target.description}`);
  lines.push('', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const op of ops) {
    if (!sizes.some((s) => s.ops[op]?.ours || s.ops[op]?.tshark)) continue;
    const row = [op];
    for (const s of sizes) row.push(us(perEventUs(s.ops[op]?.ours, s.target.events, startCpu), s.ops[op]?.ours));
    if (sizes.length > 1) row.push(ratioCell(first, last, op, startCpu));
    const o = last.ops[op]?.ours;
    const t = last.ops[op]?.tshark;
    row.push(ok(o) ? `${o.cpuSeconds.toFixed(2)}, ${o.peakRssMB} MB` : last.ops[op]?.ours?.timedOut ? 'timeout' : '—');
    const mismatch = t && ok(o) && ok(t) && o.command.includes('list') && o.lines !== t.lines ? ` (${t.lines} vs our ${o.lines} matches)` : '';
    row.push(ok(t) ? `${t.cpuSeconds.toFixed(2)}, ${t.peakRssMB} MB${mismatch}` : last.ops[op]?.tshark?.timedOut ? 'timeout' : '—');
    row.push(ok(o) && ok(t) && o.cpuSeconds > 0 ? `${(t.cpuSeconds / o.cpuSeconds).toFixed(1)}×` : '—');
    lines.push(`| ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function shapesMarkdown(shapes: readonly MdShape[], ops: readonly string[], start: { seconds: number; cpuSeconds: number }, header: string): string {
  return [
    header,
    '',
    `CPU seconds of each command as its own process (\`/usr/bin/time\`, the process tree), µs/event after one CLI process's start-up (${start.cpuSeconds.toFixed(2)} CPU s, ${start.seconds.toFixed(2)} s wall, measured in the same run) is subtracted; "tshark CPU / ours" compares whole processes, start-up included. \`~\`: under 0.1 CPU s of work at the smallest size, the ratio is start-up noise.`,
    '',
    ...shapes.map((s) => `${shapeMarkdown(s, ops, start.cpuSeconds)}\n`),
  ].join('\n');
}

/**
 * tshark cells of an earlier run for the same question on the same file (same shape, size and
 * file bytes, same tshark arguments after the file path): tshark and the generated files do not
 * change between runs, so the second run of the day need not ask it again.
 */
export function reusableTshark(saved: readonly MdShape[], shapeId: string, size: number, bytes: number, op: string): MdCell | null {
  for (const sh of saved) {
    if (sh.id !== shapeId) continue;
    for (const s of sh.sizes) {
      if (s.size !== size || s.target.bytes !== bytes) continue;
      const t = s.ops[op]?.tshark;
      if (ok(t)) return t;
    }
  }
  return null;
}
