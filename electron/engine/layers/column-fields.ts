/**
 * The packet list's Protocol and Info columns as fields (Wireshark 4.2's `_ws.col.protocol`,
 * `_ws.col.info`), so a filter reads what the row shows: `_ws.col.protocol == "HTTP"` selects
 * the rows the list names HTTP (the stream layers' top protocol), not the index's `TCP`. The
 * session adds them to a dissection that asks for them by name (a filter, `-e`), never to the
 * details tree. tshark 4.0 knows these names only for `-e` (its `-Y` refuses them), so they are
 * checked against the column golden's Protocol per frame (test/filter/column-fields.test.ts).
 */
import type { Capture } from '../capture.ts';
import { addField, type Dissection } from '../dissectors/dissection.ts';
import { defineField } from '../fields/registry.ts';

/** Times against other frames (Wireshark's frame fields; they need the index, not the frame alone). */
export const hfTimeDelta = defineField({ name: 'frame.time_delta', type: 'reltime', description: 'Time delta from previous captured frame' });
export const hfTimeRelative = defineField({ name: 'frame.time_relative', type: 'reltime', description: 'Time since the first frame' });
/**
 * Time since the previous frame of the filtered view, 0 for the view's first. While a filter
 * runs it is measured from the last frame that filter has passed so far (tshark 4.0's one pass:
 * `frame.time_delta_displayed > 1` keeps frames more than 1 s after the previous kept one);
 * filter/run-filter.ts computes it, nothing else records it.
 */
export const hfTimeDeltaDisplayed = defineField({ name: 'frame.time_delta_displayed', type: 'reltime', description: 'Time delta from previous displayed frame' });

export const hfColProtocol = defineField({ name: '_ws.col.protocol', type: 'string', description: 'Protocol (the packet list column)' });
export const hfColInfo = defineField({ name: '_ws.col.info', type: 'string', description: 'Information (the packet list column)' });

/** Each column field with the id of the table column it reads. */
const COLUMN_FIELDS = [
  [hfColProtocol, 'protocol'],
  [hfColInfo, 'info'],
] as const;

export const COLUMN_FIELD_NAMES = COLUMN_FIELDS.map(([f]) => f.name);

/** Whether `d` records a column or frame-time field: only a keep mask naming one (a full dissection is the details tree). */
export function wantsColumnFields(d: Dissection): boolean {
  const keep = d.keep;
  return keep !== null && (COLUMN_FIELDS.some(([f]) => keep[f.id] === 1) || keep[hfTimeDelta.id] === 1 || keep[hfTimeRelative.id] === 1);
}

/** frame.time_delta and frame.time_relative of packet event `ev` from the index's time columns. */
function addFrameTimes(c: Capture, ev: number, d: Dissection): void {
  const x = c.internals();
  if (x.kind !== 'packets' || ev < 1 || ev > c.count()) return;
  const ix = x.index;
  // In nanoseconds (bigint): a double loses the last digits of a difference of 10^9 s.
  const ns = (e: number): bigint => BigInt(ix.tsSec.data[e - 1]) * 1_000_000_000n + BigInt(ix.tsNsec.data[e - 1]);
  const since = (other: number): bigint => ns(ev) - ns(other);
  if (d.keep?.[hfTimeDelta.id] === 1) addField(d, hfTimeDelta, 0, 0, -1, ev === 1 ? 0n : since(ev - 1));
  if (d.keep?.[hfTimeRelative.id] === 1) addField(d, hfTimeRelative, 0, 0, -1, since(1));
}

/** Add the column fields `d` keeps, from `cells` of event `ev` (the row as the list shows it). */
export function addColumnFields(c: Capture, ev: number, d: Dissection, cells: (ev: number, out: string[]) => void): void {
  addFrameTimes(c, ev, d);
  if (!COLUMN_FIELDS.some(([f]) => d.keep?.[f.id] === 1)) return;
  const columns = c.columns();
  const out = new Array<string>(columns.length).fill('');
  cells(ev, out);
  for (const [f, id] of COLUMN_FIELDS) {
    const k = columns.findIndex((x) => x.id === id);
    if (k >= 0 && d.keep?.[f.id] === 1) addField(d, f, 0, 0, -1, out[k]);
  }
}
