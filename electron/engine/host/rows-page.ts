/**
 * One page of table rows (RowsPage in shared/rpc.ts): cells as a string table with indices, the
 * times the time column needs (float seconds and exact epoch nanoseconds, of the row's event and
 * of the event captured before it), and the view generation the rows belong to.
 */
import type { RowsPage } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { packetTimeNs } from '../index/packet-index.ts';
import { syscallTimeNs } from '../syscalls/syscall-index.ts';

export const MAX_PAGE = 5000;

/** Event number at position `p` (0-based) of a view (undefined = all events in order). */
export function eventAt(view: Uint32Array | undefined, p: number): number {
  return view ? view[p] : p + 1;
}

/** Exact epoch nanoseconds of an event, from the capture's index. */
export function eventTimeNs(c: Capture, event: number): bigint {
  const int = c.internals();
  if (int.kind === 'set') {
    const at = int.partOf(event);
    return eventTimeNs(int.parts[at.part].capture, at.local);
  }
  return int.kind === 'packets' ? packetTimeNs(int.index, event) : syscallTimeNs(int.index, event);
}

/**
 * eventTimeNs of capture `c` with its index looked up once (a page asks for two times a row, and
 * internals() builds its object and closures at every call).
 */
export function eventTimeNsOf(c: Capture): (event: number) => bigint {
  const int = c.internals();
  if (int.kind === 'packets') {
    const ix = int.index;
    return (event) => packetTimeNs(ix, event);
  }
  if (int.kind === 'syscalls') {
    const ix = int.index;
    return (event) => syscallTimeNs(ix, event);
  }
  return (event) => eventTimeNs(c, event);
}

/** Custom field columns of a page: their column ids and, per event, their cell texts in that order. */
export interface FieldCells {
  ids: readonly string[];
  texts: (event: number) => string[];
}

/**
 * `colour`: the colouring rules' answer per event (index + 1 of the matching rule, 0 none), or
 * undefined when colouring is off (the page then has no `colours`).
 */
/**
 * `pending`: per event, after its cells, non-zero when a column of it is still being computed
 * (rowPending in layers/session.ts); the page then carries `pending`.
 */
export function rowsPage(c: Capture, view: Uint32Array | undefined, generation: number, start: number, count: number, colour?: (event: number) => number, fields?: FieldCells, pending?: (event: number) => number): RowsPage {
  const total = view ? view.length : c.count();
  const from = Math.min(start, total);
  const n = Math.max(0, Math.min(count, total - from, MAX_PAGE));
  const columns = c.columns();
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const cells: Record<string, Uint32Array> = {};
  for (const col of columns) cells[col.id] = new Uint32Array(n);
  for (const id of fields?.ids ?? []) cells[id] = new Uint32Array(n);
  const events = new Uint32Array(n);
  const times = new Float64Array(n);
  const prevTimes = new Float64Array(n);
  const timesNs = new BigInt64Array(n);
  const prevTimesNs = new BigInt64Array(n);
  const flags = new Uint8Array(n);
  const colours = colour ? new Uint16Array(n) : undefined;
  let late: Uint8Array | undefined;
  const out: string[] = new Array(columns.length).fill('');
  const intern = (text: string): number => {
    let id = ids.get(text);
    if (id === undefined) {
      id = strings.length;
      strings.push(text);
      ids.set(text, id);
    }
    return id;
  };
  const timeNs = eventTimeNsOf(c);
  for (let r = 0; r < n; r++) {
    const ev = eventAt(view, from + r);
    events[r] = ev;
    times[r] = c.time(ev);
    // The event captured before this one is most often the previous row's: its times are there.
    const prevRow = r > 0 && events[r - 1] === ev - 1;
    prevTimes[r] = ev > 1 ? (prevRow ? times[r - 1] : c.time(ev - 1)) : NaN;
    timesNs[r] = timeNs(ev);
    // Event 1 has no previous event: its own time, so "since previous captured" is 0 (tshark's frame.time_delta).
    prevTimesNs[r] = ev > 1 ? (prevRow ? timesNs[r - 1] : timeNs(ev - 1)) : timesNs[r];
    flags[r] = c.flags(ev);
    if (colours && colour) colours[r] = colour(ev);
    c.cells(ev, out);
    for (let k = 0; k < columns.length; k++) cells[columns[k].id][r] = intern(out[k] ?? '');
    if (fields) {
      const texts = fields.texts(ev);
      fields.ids.forEach((id, k) => (cells[id][r] = intern(texts[k] ?? '')));
    }
    const p = pending?.(ev) ?? 0;
    if (p !== 0) (late ??= new Uint8Array(n))[r] = p;
  }
  return { start: from, generation, events, cells, strings, times, prevTimes, timesNs, prevTimesNs, flags, ...(colours ? { colours } : {}), ...(late ? { pending: late } : {}) };
}
