/**
 * Field lookup for the parser and completion: by name (including deprecated aliases), and
 * "did you mean" suggestions by prefix and edit distance over all names.
 */
import type { FieldInfo } from '../fields.ts';

export interface FieldIndex {
  get(name: string): FieldInfo | undefined;
  /** Every field, sorted by name. */
  readonly all: readonly FieldInfo[];
}

/** Either a plain lookup (no suggestions possible) or an index built with `makeFieldIndex`. */
export type FieldSource = ((name: string) => FieldInfo | undefined) | FieldIndex;

export function makeFieldIndex(fields: readonly FieldInfo[]): FieldIndex {
  const byName = new Map<string, FieldInfo>();
  for (const f of fields) byName.set(f.name, f);
  // `deprecated` on a field is an old name that still resolves to it (validator warns).
  for (const f of fields) if (f.deprecated && !byName.has(f.deprecated)) byName.set(f.deprecated, f);
  const all = [...fields].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { get: (n) => byName.get(n), all };
}

export function lookup(src: FieldSource, name: string): FieldInfo | undefined {
  return typeof src === 'function' ? src(name) : src.get(name);
}

/** Rows of the distance table, reused: a suggestion compares one name with every field (~3,000). */
let rows: Int32Array[] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Edit distance counting an adjacent transposition as one edit (optimal string alignment:
 * `tcp.prot` is one typo away from `tcp.port`), with an early exit above `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (rows[0].length <= b.length) rows = rows.map(() => new Int32Array(b.length * 2 + 1));
  let [prev2, prev, cur] = rows;
  for (let k = 0; k <= b.length; k++) prev[k] = k;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length];
}

/**
 * Suggestions already made, per index: the colouring rules name the same unknown protocols
 * (hsrp, ospf …) in several rules and are compiled again with every change of the set.
 */
const suggested = new WeakMap<FieldIndex, Map<string, string | undefined>>();

/** The closest field name to `name`, if one is close enough to be a plausible typo. */
export function suggestField(src: FieldSource, name: string): string | undefined {
  if (typeof src === 'function') return undefined;
  let memo = suggested.get(src);
  if (!memo) suggested.set(src, (memo = new Map()));
  if (memo.has(name)) return memo.get(name);
  const s = closestField(src, name);
  if (memo.size < 1000) memo.set(name, s);
  return s;
}

function closestField(src: FieldIndex, name: string): string | undefined {
  const low = name.toLowerCase();
  if (low !== name && src.get(low)) return low;
  const max = Math.max(1, Math.min(3, Math.floor(name.length / 4)));
  let best: string | undefined;
  let bestD = max + 1;
  for (const f of src.all) {
    const d = editDistance(low, f.name, max);
    if (d > max) continue;
    if (d < bestD || (d === bestD && best !== undefined && f.name.length < best.length)) {
      bestD = d;
      best = f.name;
    }
  }
  if (best !== undefined && bestD <= max) return best;
  // A unique field that starts with what was typed (`tcp.dstp` → `tcp.dstport`).
  const starts = src.all.filter((f) => f.name.startsWith(low));
  return starts.length === 1 || (starts.length > 1 && starts.length <= 3) ? starts[0].name : undefined;
}
