/**
 * Field values of events as tshark's `-T fields -e` prints them, for the `extract` request:
 * numbers the index holds (frame.number, tcp.stream, tcp.flags, …) come from its columns,
 * everything else from a dissection that records only the asked fields (no Info text, no other
 * protocol's fields). `list -f … -e frame.number` over a million matches then dissects nothing.
 */
import type { Capture } from '../capture.ts';
import { fieldStrings, formatFieldValue } from '../dissectors/values.ts';
import type { FieldDef } from '../fields/registry.ts';
import { columnFields, type ColumnField } from './column-filter.ts';
import { dissectionFor } from './run-filter.ts';

export interface Extractor {
  /** The values of every field, in order, of event `e`. */
  values(e: number): string[][];
  /** Events dissected so far (tests count them). */
  dissected: number;
}

type NumColumn = Extract<ColumnField, { kind: 'num' }>;

/**
 * `defs`: a field, or the index of a table column (tshark's `_ws.col.Info` …: that column's
 * cell text, from the capture's `cells`).
 */
export function createExtractor(capture: Capture, defs: readonly (FieldDef | number)[]): Extractor {
  const all = columnFields(capture.internals());
  const cols: (NumColumn | undefined)[] = defs.map((f) => {
    const c = typeof f === 'number' ? undefined : all.get(f.name);
    return c?.kind === 'num' ? c : undefined;
  });
  const fields = defs.filter((f): f is FieldDef => typeof f !== 'number');
  const wantCells = fields.length < defs.length;
  const cells: string[] = wantCells ? new Array<string>(capture.columns().length).fill('') : [];
  const everyColumn = !wantCells && cols.every((c) => c !== undefined);
  const { d, info } = dissectionFor(fields.map((f) => f.name));
  const ex: Extractor = {
    dissected: 0,
    values(e) {
      const exact = everyColumn && cols.every((c) => c!.exact === undefined || c!.exact(e));
      if (!exact && fields.length > 0) {
        capture.dissect(e, d, { info });
        ex.dissected++;
      }
      if (wantCells) capture.cells(e, cells);
      return defs.map((f, k) => {
        if (typeof f === 'number') return [cells[f] ?? ''];
        const c = cols[k];
        if (!exact || !c) return fieldStrings(d, f);
        if (!c.has(e)) return [];
        const v = [formatFieldValue(f, c.num(e))];
        if (c.num2) v.push(formatFieldValue(f, c.num2(e)));
        return v;
      });
    },
  };
  return ex;
}
