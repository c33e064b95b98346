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
import { packField, packValue, type PackedBuilder } from '../../../shared/packed-values.ts';

export interface Extractor {
  /**
   * The values of every field, in order, of event `e`. `previous`: the event displayed before it
   * (null: `e` is the first displayed), for frame.time_delta_displayed; undefined leaves that
   * field without a value.
   */
  values(e: number, previous?: number | null): string[][];
  /** The same values appended to a packed page: no array per event where the columns answer. */
  pack(e: number, previous: number | null | undefined, into: PackedBuilder): void;
  /** Whether values read `previous` (frame.time_delta_displayed): else callers may pass undefined. */
  wantsPrevious: boolean;
  /** Events dissected so far (tests count them). */
  dissected: number;
}

type NumColumn = Extract<ColumnField, { kind: 'num' }>;

/**
 * `defs`: a field, or the index of a table column (tshark's `_ws.col.Info` …: that column's
 * cell text, from the capture's `cells`).
 */
/** Computed from the displayed events, not the event alone (layers/column-fields.ts declares it). */
const DELTA_DISPLAYED = 'frame.time_delta_displayed';

/**
 * The event displayed before `event` in a view of events in capture order (a filter's result;
 * undefined: every event), whatever order the table sorts them in: Wireshark's "previous
 * displayed frame". null when none is.
 */
export function previousDisplayed(view: Uint32Array | undefined, event: number): number | null {
  if (!view) return event > 1 ? event - 1 : null;
  let lo = 0;
  let hi = view.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (view[mid] < event) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? view[lo - 1] : null;
}

/**
 * `timeNs`: exact epoch nanoseconds of an event, for frame.time_delta_displayed (the time since
 * the previous displayed event, tshark's one pass: the previous frame `-Y` kept).
 */
export function createExtractor(capture: Capture, defs: readonly (FieldDef | number)[], timeNs?: (event: number) => bigint): Extractor {
  const all = columnFields(capture.internals());
  const cols: (NumColumn | undefined)[] = defs.map((f) => {
    const c = typeof f === 'number' ? undefined : all.get(f.name);
    return c?.kind === 'num' ? c : undefined;
  });
  const delta = defs.map((f) => typeof f !== 'number' && f.name === DELTA_DISPLAYED);
  const fields = defs.filter((f, k): f is FieldDef => typeof f !== 'number' && !delta[k]);
  const wantCells = defs.some((f) => typeof f === 'number');
  const cells: string[] = wantCells ? new Array<string>(capture.columns().length).fill('') : [];
  const everyColumn = !wantCells && cols.every((c, k) => c !== undefined || delta[k]);
  const { d, info } = dissectionFor(fields.map((f) => f.name));
  // Packed rows straight from the columns: every field a column, none computed from the view.
  const packColumns = everyColumn && !delta.includes(true);
  const partial = cols.filter((c) => c?.exact !== undefined).map((c) => c?.exact as (e: number) => boolean);
  const ex: Extractor = {
    dissected: 0,
    wantsPrevious: delta.includes(true),
    values(e, previous) {
      const exact = everyColumn && cols.every((c) => c === undefined || c.exact === undefined || c.exact(e));
      if (!exact && fields.length > 0) {
        capture.dissect(e, d, { info });
        ex.dissected++;
      }
      if (wantCells) capture.cells(e, cells);
      return defs.map((f, k) => {
        if (typeof f === 'number') return [cells[f] ?? ''];
        if (delta[k]) {
          if (previous === undefined || !timeNs) return [];
          return [formatFieldValue(f, previous === null ? 0n : timeNs(e) - timeNs(previous))];
        }
        const c = cols[k];
        if (!exact || !c) return fieldStrings(d, f);
        if (!c.has(e)) return [];
        const v = [formatFieldValue(f, c.num(e))];
        if (c.num2) v.push(formatFieldValue(f, c.num2(e)));
        return v;
      });
    },
    pack(e, previous, into) {
      let fromColumns = packColumns;
      for (let k = 0; fromColumns && k < partial.length; k++) fromColumns = partial[k](e);
      if (!fromColumns) {
        for (const v of ex.values(e, previous)) {
          packField(into);
          for (const x of v) packValue(into, x);
        }
        return;
      }
      for (let k = 0; k < defs.length; k++) {
        const c = cols[k] as NumColumn;
        const f = defs[k] as FieldDef;
        packField(into);
        if (!c.has(e)) continue;
        packValue(into, formatFieldValue(f, c.num(e)));
        if (c.num2) packValue(into, formatFieldValue(f, c.num2(e)));
      }
    },
  };
  return ex;
}
