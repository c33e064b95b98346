/**
 * Reading and writing the packed form of extract values (rpc.ts PackedValues): one string and
 * two offset arrays instead of an array per row and field, so a page of many small rows is
 * cheap to measure, copy between threads and collect.
 */
import type { PackedValues } from './rpc.ts';

/** A packed page being written: values appended row by row, field by field. */
export interface PackedBuilder {
  /** Value texts so far (a rope: V8 joins it once, when the page is copied). */
  text: string;
  counts: Uint32Array;
  ends: Uint32Array;
  /** Counts and values written. */
  nCounts: number;
  nValues: number;
}

export function createPackedBuilder(): PackedBuilder {
  return { text: '', counts: new Uint32Array(1024), ends: new Uint32Array(1024), nCounts: 0, nValues: 0 };
}

function grow(a: Uint32Array, need: number): Uint32Array {
  if (need <= a.length) return a;
  const b = new Uint32Array(Math.max(need, 2 * a.length));
  b.set(a);
  return b;
}

/** Start the next field of the current row: its values follow (packValue). */
export function packField(b: PackedBuilder): void {
  b.counts = grow(b.counts, b.nCounts + 1);
  b.counts[b.nCounts++] = 0;
}

/** One more value of the field started last. */
export function packValue(b: PackedBuilder, v: string): void {
  b.text += v;
  b.ends = grow(b.ends, b.nValues + 1);
  b.ends[b.nValues++] = b.text.length;
  b.counts[b.nCounts - 1]++;
}

export function packedValues(b: PackedBuilder): PackedValues {
  return { text: b.text, counts: b.counts.slice(0, b.nCounts), ends: b.ends.slice(0, b.nValues) };
}

/** Structured-clone bytes of a packed page, roughly (as host/reply-size.ts counts them). */
export function packedBytes(b: PackedBuilder): number {
  return 2 * b.text.length + 4 * (b.nCounts + b.nValues) + 64;
}

/**
 * The rows of a packed page as ExtractPage.values gives them: `rows` rows of `fields` fields.
 * Read in order (one cursor), so a page costs one pass.
 */
export function unpackRows(p: PackedValues, rows: number, fields: number): string[][][] {
  const out: string[][][] = [];
  let j = 0;
  let at = 0;
  for (let r = 0; r < rows; r++) {
    const row: string[][] = [];
    for (let k = 0; k < fields; k++) {
      const n = p.counts[r * fields + k];
      const vals: string[] = [];
      for (let q = 0; q < n; q++, j++) {
        vals.push(p.text.slice(at, p.ends[j]));
        at = p.ends[j];
      }
      row.push(vals);
    }
    out.push(row);
  }
  return out;
}

/** Value `j` of a packed page (random access: its start is the previous value's end). */
export function packedValueAt(p: PackedValues, j: number): string {
  return p.text.slice(j === 0 ? 0 : p.ends[j - 1], p.ends[j]);
}
