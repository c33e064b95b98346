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
import { appendIpv4, appendText, appendUint, endLine, escapeTsv, fieldsLine, type LineStyle, type LinesBuilder } from '../../../shared/field-lines.ts';

export interface Extractor {
  /**
   * The values of every field, in order, of event `e`. `previous`: the event displayed before it
   * (null: `e` is the first displayed), for frame.time_delta_displayed; undefined leaves that
   * field without a value.
   */
  values(e: number, previous?: number | null): string[][];
  /** The same values appended to a packed page: no array per event where the columns answer. */
  pack(e: number, previous: number | null | undefined, into: PackedBuilder): void;
  /**
   * The same values as one line of `-T fields` text (fieldsLine, its line end included)
   * appended to a page of bytes: digits written straight from the columns where they answer.
   */
  line(e: number, previous: number | null | undefined, style: LineStyle, into: LinesBuilder): void;
  /** Whether values read `previous` (frame.time_delta_displayed): else callers may pass undefined. */
  wantsPrevious: boolean;
  /** Events dissected so far (tests count them). */
  dissected: number;
}

type NumColumn = Extract<ColumnField, { kind: 'num' }>;

/** Appends one value of a column to a line. */
type ValueWriter = (into: LinesBuilder, v: number) => void;

/**
 * How a column's values of field `f` are written, as formatFieldValue prints them: decimal
 * integers, booleans and IPv4 addresses as bytes (no string), other forms (hex bases, times) as
 * their text, escaped and quoted (`q`) as fieldsLine does.
 */
function valueWriter(f: FieldDef, q: string): ValueWriter {
  const t = f.type;
  const text: ValueWriter = (into, v) => appendText(into, q === '' ? escapeTsv(formatFieldValue(f, v)) : escapeTsv(formatFieldValue(f, v)).split(q).join(q + q));
  if ((t === 'uint' || t === 'int' || t === 'framenum') && (f.base === undefined || f.base === 'dec' || f.base === 'dec_hex')) {
    return (into, v) => {
      if (v >= 0 && v <= Number.MAX_SAFE_INTEGER && Number.isInteger(v)) appendUint(into, v);
      else text(into, v);
    };
  }
  if (t === 'bool') return (into, v) => appendText(into, v === 1 ? '1' : '0');
  if (t === 'ipv4') return appendIpv4;
  return text;
}

/** Writes one field's cell of event `e` (its printed occurrences, quoted) from its column. */
type CellWriter = (e: number, into: LinesBuilder) => void;

function cellWriter(c: NumColumn, f: FieldDef, style: LineStyle): CellWriter {
  const q = style.quote;
  const value = valueWriter(f, q);
  const { has, num, num2 } = c;
  if (q === '' && (!num2 || style.occurrence === 'f')) {
    return (e, into) => {
      if (has(e)) value(into, num(e));
    };
  }
  // fieldsLine quotes the joined cell: a quote in the aggregator is doubled too.
  const agg = q === '' ? style.aggregator : style.aggregator.split(q).join(q + q);
  // The occurrences printed (fieldsLine's slice): all, the first or the last of one or two.
  const n = num2 ? 2 : 1;
  const from = style.occurrence === 'l' ? n - 1 : 0;
  const to = style.occurrence === 'f' ? 1 : n;
  return (e, into) => {
    if (!has(e)) return;
    if (q !== '') appendText(into, q);
    for (let v = from; v < to; v++) {
      if (v > from) appendText(into, agg);
      value(into, v === 0 || !num2 ? num(e) : num2(e));
    }
    if (q !== '') appendText(into, q);
  };
}

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
  // The cell writers of the last style asked (one per page in practice).
  let writersFor: LineStyle | undefined;
  let writers: CellWriter[] = [];
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
    line(e, previous, style, into) {
      let fromColumns = packColumns;
      for (let k = 0; fromColumns && k < partial.length; k++) fromColumns = partial[k](e);
      if (!fromColumns) {
        appendText(into, fieldsLine(ex.values(e, previous), style));
        endLine(into);
        return;
      }
      if (style !== writersFor) {
        writers = defs.map((f, k) => cellWriter(cols[k] as NumColumn, f as FieldDef, style));
        writersFor = style;
      }
      const sep = style.separator;
      for (let k = 0; k < writers.length; k++) {
        if (k > 0) appendText(into, sep);
        writers[k](e, into);
      }
      endLine(into);
    },
  };
  return ex;
}
