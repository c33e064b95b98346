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

export function createExtractor(capture: Capture, defs: readonly FieldDef[]): Extractor {
  const all = columnFields(capture.internals());
  const cols: (NumColumn | undefined)[] = defs.map((f) => {
    const c = all.get(f.name);
    return c?.kind === 'num' ? c : undefined;
  });
  const everyColumn = cols.every((c) => c !== undefined);
  const { d, info } = dissectionFor(defs.map((f) => f.name));
  const ex: Extractor = {
    dissected: 0,
    values(e) {
      const exact = everyColumn && cols.every((c) => c!.exact === undefined || c!.exact(e));
      if (!exact) {
        capture.dissect(e, d, { info });
        ex.dissected++;
      }
      return defs.map((f, k) => {
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
