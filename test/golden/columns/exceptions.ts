/**
 * Rows of the column golden (columns-golden.test.ts) where we knowingly differ from tshark 4.0,
 * each with its reason. An entry matches a difference by capture (exact corpus path, or a
 * RegExp), column, and optionally frames and a pattern on tshark's or our value.
 */
export interface ColumnDiff {
  capture: string;
  frame: number;
  column: 'Protocol' | 'Info';
  tshark: string;
  ours: string;
}

export interface ColumnException {
  capture: string | RegExp;
  column: 'Protocol' | 'Info';
  /** Frame numbers; all frames when absent. */
  frames?: number[];
  /** Must match tshark's value. */
  tshark?: RegExp;
  /** Must match our value. */
  ours?: RegExp;
  reason: string;
}

export const COLUMN_EXCEPTIONS: ColumnException[] = [];

/** Index of the first exception explaining `d`, or -1. */
export function exceptionFor(d: ColumnDiff): number {
  return COLUMN_EXCEPTIONS.findIndex(
    (x) =>
      x.column === d.column &&
      (typeof x.capture === 'string' ? x.capture === d.capture : x.capture.test(d.capture)) &&
      (x.frames === undefined || x.frames.includes(d.frame)) &&
      (x.tshark === undefined || x.tshark.test(d.tshark)) &&
      (x.ours === undefined || x.ours.test(d.ours)),
  );
}
