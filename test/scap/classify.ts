/**
 * Line-by-line comparison of our `sysdig -r` style lines against a sysdig rendering, with every
 * differing line put in a kind: the event type and the fields that differ (`proc`, `tid`,
 * `type`, `args:NAME` for each differing parameter, `args:count` when the parameter lists differ
 * in names). Tests then assert exact agreement except for an explicit, explained list of kinds.
 */
import { readFileSync } from 'node:fs';

export interface LineDiff {
  num: number;
  want: string;
  got: string;
  /** e.g. `< mmap args:res`, `> connect args:fd`, `< read proc`. */
  kind: string;
}

export interface Comparison {
  ok: number;
  diffs: LineDiff[];
}

interface Parts { num: string; time: string; cpu: string; proc: string; tid: string; dir: string; type: string; args: string }

/** `NUM TIME CPU PROC (TID) DIR TYPE ARGS`; the process name may contain spaces, the tid is the first `(N)` after the cpu. */
function split(line: string): Parts | undefined {
  const m = /^(\d+) (\S+) (\d+) (.*?) \((-?\d+)\) ([<>]) (\S+) ?(.*)$/.exec(line);
  if (!m) return undefined;
  return { num: m[1], time: m[2], cpu: m[3], proc: m[4], tid: m[5], dir: m[6], type: m[7], args: m[8] };
}

/** name=value pairs of an args text; a value runs until the next ` name=` (values may contain spaces). */
export function argPairs(args: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /(?:^| )([A-Za-z_][A-Za-z0-9_.]*)=/g;
  const starts: { name: string; at: number; val: number }[] = [];
  for (let m = re.exec(args); m; m = re.exec(args)) starts.push({ name: m[1], at: m.index, val: m.index + m[0].length });
  for (let i = 0; i < starts.length; i++) out.push([starts[i].name, args.slice(starts[i].val, i + 1 < starts.length ? starts[i + 1].at : args.length)]);
  return out;
}

/** The kind of a differing line (see LineDiff.kind). */
export function diffKind(want: string, got: string): string {
  const w = split(want);
  const g = split(got);
  if (!w || !g) return g ? 'unparsed oracle line' : 'missing';
  const fields: string[] = [];
  for (const k of ['time', 'cpu', 'proc', 'tid', 'dir', 'type'] as const) if (w[k] !== g[k]) fields.push(k);
  if (w.args !== g.args) {
    const wa = argPairs(w.args);
    const ga = argPairs(g.args);
    if (wa.length !== ga.length || wa.some(([n], i) => ga[i][0] !== n)) {
      fields.push(`args:names(${wa.map(([n]) => n).join(',')} vs ${ga.map(([n]) => n).join(',')})`);
    } else {
      for (let i = 0; i < wa.length; i++) if (wa[i][1] !== ga[i][1]) fields.push(`args:${wa[i][0]}`);
    }
  }
  return `${w.dir} ${w.type} ${fields.join(' ')}`;
}

/** Compare our lines (event number → line) with a rendering file. */
export function compareRendering(lines: ReadonlyMap<number, string>, oraclePath: string): Comparison {
  let ok = 0;
  const diffs: LineDiff[] = [];
  for (const raw of readFileSync(oraclePath, 'utf8').split('\n')) {
    if (!raw) continue;
    const want = raw.trimEnd();
    const num = Number(want.split(' ')[0]);
    const got = (lines.get(num) ?? '<missing>').trimEnd();
    if (got === want) ok++;
    else diffs.push({ num, want, got, kind: diffKind(want, got) });
  }
  return { ok, diffs };
}

/** Count of differing lines per kind, most frequent first. */
export function kindCounts(diffs: readonly LineDiff[]): [string, number][] {
  const m = new Map<string, number>();
  for (const d of diffs) m.set(d.kind, (m.get(d.kind) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
