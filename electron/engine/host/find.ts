/**
 * Find Packet (Wireshark's find bar): the next or previous row of the table's current order that
 * matches a display filter, a string (in the row's cells, the details tree's labels, or the
 * bytes, as UTF-8 and/or UTF-16LE, with or without ASCII case) or a hex value, from the selected
 * row, going round the end once. The scan runs in slices that yield to the event loop, so rows
 * and details are answered while it runs, and stops when its signal aborts.
 */
import type { Capture } from '../capture.ts';
import type { FindParams, FindResult } from '../../../shared/rpc.ts';
import { parseBytes } from '../../../shared/filter/literals.ts';
import { createDissection, type Dissection } from '../dissectors/dissection.ts';
import { allFields, fieldByName } from '../fields/registry.ts';
import { compileFilterText } from '../filter/compile.ts';
import { entryLabel } from '../dissectors/values.ts';
import { eventAt } from './rows-page.ts';

/** Longest needle (characters or bytes): a bound on the per-byte work of one comparison. */
export const MAX_FIND_NEEDLE = 1024;

/** ASCII upper → lower (Wireshark folds ASCII only when "case sensitive" is off). */
function foldByte(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
}

/** Index of `needle` in `hay` at or after `from`, or -1; `fold` ignores ASCII case. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, fold: boolean, from = 0): number {
  const n = needle.length;
  if (n === 0 || n > hay.length) return -1;
  const first = fold ? foldByte(needle[0]) : needle[0];
  for (let i = from; i + n <= hay.length; i++) {
    if ((fold ? foldByte(hay[i]) : hay[i]) !== first) continue;
    let k = 1;
    if (fold) while (k < n && foldByte(hay[i + k]) === foldByte(needle[k])) k++;
    else while (k < n && hay[i + k] === needle[k]) k++;
    if (k === n) return i;
  }
  return -1;
}

/** UTF-16LE bytes of a string (Wireshark's "wide" characters). */
export function utf16le(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >> 8;
  }
  return out;
}

/** The bytes a hex search looks for: `ab cd`, `abcd`, `ab:cd`, `ab-cd`; undefined when it is not hex. */
export function parseHexNeedle(text: string): Uint8Array | undefined {
  const t = text.trim().replace(/\s+/g, ':');
  if (t === '') return undefined;
  return parseBytes(t);
}

/** A test of one event, built once per search. */
type EventTest = (event: number) => boolean;

const WINDOW = 1 << 20;

/**
 * A frame's bytes through a 1 MiB read window that extends in the search's direction: a scan
 * over a million frames costs one read per window, not one per frame.
 */
function frameReader(capture: Capture, backward: boolean): (event: number, d: Dissection) => Uint8Array {
  const int = capture.internals();
  const readAt = int.kind === 'packets' ? int.readAt : undefined;
  if (!readAt) {
    return (event, d) => {
      if (int.kind === 'packets') return int.frameBytes(event);
      capture.dissect(event, d, { info: false });
      return d.sources[0]?.bytes ?? new Uint8Array(0);
    };
  }
  let start = 0;
  let win: Uint8Array = new Uint8Array(0);
  // Each window is read into the same buffer: a frame's bytes are searched before the next read.
  let buf: Uint8Array | undefined;
  return (event) => {
    const { offset, length } = capture.range(event);
    if (offset >= start && offset + length <= start + win.length) return win.subarray(offset - start, offset - start + length);
    if (length > WINDOW / 2) return readAt(offset, length);
    start = backward ? Math.max(0, offset + length - WINDOW) : offset;
    buf ??= new Uint8Array(WINDOW);
    win = readAt(start, WINDOW, buf);
    return win.subarray(offset - start, Math.min(offset - start + length, win.length));
  };
}

/** The test a search runs per event, or an error message. */
export function findTest(capture: Capture, p: FindParams): EventTest | string {
  if (p.text.length === 0) return 'nothing to find';
  const bytesOf = frameReader(capture, p.backward === true);
  if (p.text.length > MAX_FIND_NEEDLE) return `the search text is longer than ${MAX_FIND_NEEDLE} characters`;
  const d = createDissection();
  if (p.mode === 'filter') {
    const c = compileFilterText(p.text);
    if (!c.ok) return c.errors[0]?.message ?? 'the filter does not compile';
    const keep = new Uint8Array(allFields().length + 1);
    for (const name of c.fields) {
      const f = fieldByName(name);
      if (f) keep[f.id] = 1;
    }
    d.keep = keep;
    const info = c.fields.some((f) => f === 'frame.protocols' || f === 'tcp.flags.str');
    return (ev) => {
      capture.dissect(ev, d, { info });
      return c.predicate(d);
    };
  }
  if (p.mode === 'hex') {
    const needle = parseHexNeedle(p.text);
    if (!needle) return `"${p.text}" is not a hex value (write bytes as pairs: 00 1a ff, 001aff or 00:1a:ff)`;
    return (ev) => indexOfBytes(bytesOf(ev, d), needle, false) >= 0;
  }
  const fold = p.caseSensitive !== true;
  const scope = p.scope ?? 'list';
  if (scope === 'bytes') {
    const enc = p.encoding ?? 'both';
    const needles: Uint8Array[] = [];
    if (enc !== 'wide') needles.push(new TextEncoder().encode(p.text));
    if (enc !== 'narrow') needles.push(utf16le(p.text));
    return (ev) => {
      const hay = bytesOf(ev, d);
      return needles.some((n) => indexOfBytes(hay, n, fold) >= 0);
    };
  }
  const needle = fold ? p.text.toLowerCase() : p.text;
  const has = (s: string): boolean => (fold ? s.toLowerCase() : s).includes(needle);
  if (scope === 'list') {
    const out: string[] = [];
    return (ev) => {
      capture.cells(ev, out);
      return out.some(has);
    };
  }
  return (ev) => {
    capture.dissect(ev, d);
    for (let i = 0; i < d.n; i++) if (has(entryLabel(d, i))) return true;
    return false;
  };
}

export interface FindOptions {
  signal?: AbortSignal;
  /** Yield to the event loop after this many ms of work (default 20). */
  sliceMs?: number;
  onProgress?: (tested: number, total: number) => void;
}

/**
 * Search the view (`view` = events in display order, undefined = all events of `capture`) from
 * position `p.from` in direction `p.backward`: every other row once, then the start row itself
 * (so a lone match is found again, as Wireshark does).
 */
export async function findRow(capture: Capture, view: Uint32Array | undefined, p: FindParams, opts: FindOptions = {}): Promise<FindResult> {
  const t0 = performance.now();
  const total = view ? view.length : capture.count();
  const none = (extra: Partial<FindResult>): FindResult => ({ row: null, event: null, wrapped: false, cancelled: false, tested: 0, ms: performance.now() - t0, ...extra });
  const test = findTest(capture, p);
  if (typeof test === 'string') return none({ error: test });
  if (total === 0) return none({});
  const step = p.backward === true ? -1 : 1;
  // No selection: forward starts at the first row, backward at the last.
  const start = p.from >= 0 && p.from < total ? p.from : step > 0 ? -1 : total;
  const slice = opts.sliceMs ?? 20;
  let sliceStart = performance.now();
  for (let k = 1; k <= total; k++) {
    const raw = start + step * k;
    const pos = ((raw % total) + total) % total;
    const wrapped = raw < 0 || raw >= total;
    const ev = eventAt(view, pos);
    let hit: boolean;
    try {
      hit = test(ev);
    } catch {
      // A frame that fails to dissect does not match; the search goes on.
      hit = false;
    }
    if (hit) return { row: pos, event: ev, wrapped, cancelled: false, tested: k, ms: performance.now() - t0 };
    if (performance.now() - sliceStart > slice) {
      opts.onProgress?.(k, total);
      await new Promise<void>((r) => setImmediate(r));
      if (opts.signal?.aborted) return none({ cancelled: true, tested: k });
      sliceStart = performance.now();
    }
  }
  return none({ tested: total, wrapped: start >= 0 && start < total });
}
