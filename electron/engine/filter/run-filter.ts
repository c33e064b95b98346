/**
 * Run a display filter over a capture in the worker: events are re-dissected in summary mode
 * (only the fields the filter names are recorded) and tested in batches, yielding between
 * batches so the window stays served; the running count is reported as it grows and a newer
 * filter cancels an older one through the AbortSignal.
 */
import type { Capture } from '../capture.ts';
import { createDissection, ownBytes, type Dissection } from '../dissectors/dissection.ts';
import { entryValue } from '../dissectors/values.ts';
import { networkLayerProtocols } from '../dissectors/table.ts';
import { allFields, fieldByName } from '../fields/registry.ts';
import { columnGroups, compileColumnFilter, columnFields } from './column-filter.ts';
import { compileFilterText } from './compile.ts';
import type { FilterAst } from '../../../shared/filter/ast.ts';
import type { FilterMessage } from '../../../shared/filter/index.ts';
import type { PacketIndex } from '../index/packet-index.ts';

/**
 * Whether a filter can read `field` without dissecting what TCP and UDP carry: a frame field, or
 * one of a protocol the link, ethertype and ip.proto tables lead to (dissectors/table.ts).
 */
function belowTransport(field: string, network: readonly string[]): boolean {
  if (field === 'frame.protocols') return false;
  const proto = field.split('.')[0];
  return proto === 'frame' || network.includes(proto);
}

/** Fields that dissectors only produce when display texts are built. */
const NEEDS_INFO = new Set(['frame.protocols', 'tcp.flags.str']);

export type FilterRun =
  | { ok: true; events: Uint32Array; warnings: FilterMessage[]; cancelled: boolean; indexed?: boolean; dissected: number }
  | { ok: false; errors: FilterMessage[] };

export interface FilterRunOptions {
  signal?: AbortSignal;
  /** Called after each batch with the matches so far and how many events were tested. */
  onProgress?: (matched: number, tested: number) => void;
  /** Event whose values `${field}` / `$field` references read (Wireshark: the selected packet). */
  referenceEvent?: number;
  /** Yield to the event loop after this many ms of work (default 20). */
  sliceMs?: number;
  /** Test only events first..last (default 1..count): a followed capture's new events. */
  range?: { first: number; last: number };
}

/**
 * A dissection that records only the fields `fields` names (`summary` stays false, so dissectors
 * still compute every field; test/filter/engine-golden.test.ts runs the golden table through
 * this), and whether they need the display texts.
 */
export function dissectionFor(fields: readonly string[]): { d: Dissection; info: boolean } {
  const d = createDissection();
  const keep = new Uint8Array(allFields().length + 1);
  let info = false;
  for (const name of fields) {
    const f = fieldByName(name);
    if (f) keep[f.id] = 1;
    if (NEEDS_INFO.has(name)) info = true;
  }
  d.keep = keep;
  const network = networkLayerProtocols();
  d.networkOnly = fields.every((f) => belowTransport(f, network));
  // Protocols owning a field (`tcp` for tcp.flags.syn): others skip their header fields.
  const protocols = new Uint8Array(keep.length);
  for (const name of fields) {
    const proto = fieldByName(name.split('.')[0]);
    if (proto) protocols[proto.id] = 1;
  }
  d.keepProtocols = protocols;
  return { d, info };
}

const utf8 = new TextEncoder();

/** The literal of a filter that is exactly `frame contains LITERAL`, as bytes; else null. */
function frameContainsNeedle(ast: FilterAst): Uint8Array | null {
  if (ast.t !== 'contains' || ast.l.v !== 'field' || ast.l.name !== 'frame' || ast.r.v !== 'const') return null;
  const c = ast.r.c;
  if (c.k === 'bytes') return c.v;
  if (c.k === 'str') return utf8.encode(c.v);
  return null;
}

/** Bytes read at a time by the frame-contains scan: each window is searched natively in one call. */
export const CONTAINS_WINDOW = 4 << 20;

/** What one frame-contains scan did, for the tests: reads of the file and needle searches. */
export interface ContainsWork { reads: number; searches: number }
export const containsWork: ContainsWork = { reads: 0, searches: 0 };

/**
 * `frame contains LITERAL` over frames `first..last` without dissecting or cutting out any frame:
 * the file is read in windows of consecutive frames and each window is searched with
 * Buffer.indexOf (native) from the first frame that has not been decided; an occurrence decides
 * every frame before it (no match) and its own frame (a match if it ends inside it). A frame
 * outside the window (an earlier offset, as in a merged set, or one larger than it) starts a new one.
 * `test(e)` then answers in O(1); `step` bounds the work of one call (frames decided).
 */
export function frameContainsScan(ix: PacketIndex, readAt: (offset: number, length: number, into?: Uint8Array) => Uint8Array, needle: Uint8Array, first: number, last: number): { hits: Uint8Array; step: (upTo: number) => void } {
  const hits = new Uint8Array(Math.max(0, last - first + 1));
  // One window buffer for the whole scan (the bytes of a window are searched, never kept).
  const buffer = new Uint8Array(CONTAINS_WINDOW);
  let winStart = 0;
  let win: Buffer = Buffer.alloc(0);
  // Next occurrence at or after `searchedFrom` in the window (-1: none); valid while the window is.
  let next = -1;
  let searchedFrom = Infinity;
  let e = first;
  const step = (upTo: number): void => {
    for (; e <= Math.min(upTo, last); e++) {
      const off = ix.dataOffset.data[e - 1];
      const len = ix.capLen.data[e - 1];
      if (len < needle.length) continue;
      let s = off - winStart;
      if (s < 0 || s + len > win.length) {
        const bytes = readAt(off, Math.max(CONTAINS_WINDOW, len), buffer);
        containsWork.reads++;
        win = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        winStart = off;
        s = 0;
        next = -1;
        searchedFrom = Infinity;
        if (len > win.length) continue;
      }
      if (s < searchedFrom || (next >= 0 && next < s)) {
        next = win.indexOf(needle, s);
        containsWork.searches++;
        searchedFrom = s;
      }
      // No occurrence from here to the window's end: no frame inside the window matches.
      if (next < 0) continue;
      if (next + needle.length <= s + len) hits[e - first] = 1;
    }
  };
  return { hits, step };
}

export async function runFilter(capture: Capture, text: string, opts: FilterRunOptions = {}): Promise<FilterRun> {
  let reference: Dissection | undefined;
  const ref = opts.referenceEvent;
  if (ref !== undefined && ref >= 1 && ref <= capture.count()) {
    reference = createDissection();
    capture.dissect(ref, reference);
    // Read by every event's test: its bytes must outlive the read window's next move.
    ownBytes(reference);
  }
  // frame.time_delta_displayed: from the last event this run has kept (tshark's one pass).
  let lastKept: number | undefined;
  const epochId = fieldByName('frame.time_epoch')?.id;
  const epochOf = (d: Dissection): number | undefined => {
    for (let i = 0; i < d.n; i++) {
      if (d.fid[i] !== epochId) continue;
      const v = entryValue(d, i);
      return typeof v === 'bigint' ? Number(v / 1_000_000_000n) + Number(v % 1_000_000_000n) / 1e9 : typeof v === 'number' ? v : undefined;
    }
    return undefined;
  };
  const deltaDisplayed = (d: Dissection): number | undefined => {
    const t = epochOf(d);
    return t === undefined ? undefined : lastKept === undefined ? 0 : t - lastKept;
  };
  const compiled = compileFilterText(text, { reference, deltaDisplayed });
  if (!compiled.ok) return { ok: false, errors: compiled.errors };
  const wantsDelta = compiled.fields.includes('frame.time_delta_displayed');
  if (wantsDelta) compiled.fields.push('frame.time_epoch');
  const total = capture.count();
  const first = Math.max(1, opts.range?.first ?? 1);
  const last = Math.min(total, opts.range?.last ?? total);
  const size = Math.max(0, last - first + 1);
  // Indexed fields: a tight loop over typed arrays; only events the columns do not describe
  // (or every event, when the filter names other fields) are dissected.
  const fields = columnFields(capture.internals());
  const cols = compileColumnFilter(compiled.ast, fields, columnGroups(capture.internals(), fields));
  const onColumns = cols?.test;
  const exact = cols?.exact ?? null;
  // A test that reads the file per event (evt.buffer) runs in slices like a dissection.
  const cheap = cols?.reads !== true;
  if (onColumns && exact === null && cheap) {
    // Every event from the columns: the tight loop, no slices (≥ 50 M events/s).
    let out = new Uint32Array(Math.min(size, 1 << 16));
    let n = 0;
    for (let e = first; e <= last; e++) {
      if (!onColumns(e)) continue;
      if (n === out.length) {
        const bigger = new Uint32Array(Math.min(size, out.length * 2));
        bigger.set(out);
        out = bigger;
      }
      out[n++] = e;
    }
    opts.onProgress?.(n, total);
    return { ok: true, events: out.slice(0, n), warnings: compiled.warnings, cancelled: false, indexed: true, dissected: 0 };
  }
  const needle = frameContainsNeedle(compiled.ast);
  const x = capture.internals();
  // `frame contains LITERAL` alone: the captured bytes searched in file-sized windows, nothing
  // dissected (the `frame` protocol's value is the whole frame: compile.ts protocolBytes).
  const readAt = x.kind === 'packets' ? x.readAt : undefined;
  if (needle && readAt && x.kind === 'packets') {
    // Slices of 64 k frames (a few ms of native search each), yielding between them.
    const scan = frameContainsScan(x.index, readAt, needle, first, last);
    for (let from = first; from <= last; from += 1 << 16) {
      scan.step(from + (1 << 16) - 1);
      opts.onProgress?.(0, Math.min(last, from + (1 << 16) - 1));
      await new Promise<void>((r) => setImmediate(r));
      if (opts.signal?.aborted) return { ok: true, events: eventsOf(scan.hits, first, from + (1 << 16) - 1), warnings: compiled.warnings, cancelled: true, indexed: false, dissected: 0 };
    }
    const events = eventsOf(scan.hits, first, last);
    opts.onProgress?.(events.length, total);
    return { ok: true, events, warnings: compiled.warnings, cancelled: false, indexed: false, dissected: 0 };
  }
  const { d, info } = dissectionFor(compiled.fields);
  let out = new Uint32Array(Math.min(size, 1 << 16));
  let n = 0;
  let dissected = 0;
  const slice = opts.sliceMs ?? 20;
  let sliceStart = performance.now();
  for (let e = first; e <= last; e++) {
    let hit: boolean;
    const byColumns = onColumns !== undefined && (exact === null || exact(e));
    if (byColumns) hit = onColumns(e);
    else {
      capture.dissect(e, d, { info });
      dissected++;
      hit = compiled.predicate(d);
      if (hit && wantsDelta) lastKept = epochOf(d);
    }
    if (hit) {
      if (n === out.length) {
        const bigger = new Uint32Array(Math.min(size, out.length * 2));
        bigger.set(out);
        out = bigger;
      }
      out[n++] = e;
    }
    // The clock is read after every dissected event: one can cost milliseconds (a regex over a
    // 64 KB frame), and a check every 256 events let a cancel wait seconds. Column tests cost
    // nanoseconds: every 64 k of them.
    if ((byColumns && cheap && (e & 0xffff) !== 0) || performance.now() - sliceStart <= slice) continue;
    opts.onProgress?.(n, e);
    await new Promise<void>((r) => setImmediate(r));
    if (opts.signal?.aborted) return { ok: true, events: out.slice(0, n), warnings: compiled.warnings, cancelled: true, indexed: cols !== null, dissected };
    sliceStart = performance.now();
  }
  opts.onProgress?.(n, total);
  return { ok: true, events: out.slice(0, n), warnings: compiled.warnings, cancelled: false, indexed: cols !== null, dissected };
}

/** The events `first + k` (k < the frames decided up to `upTo`) whose byte in `hits` is set. */
function eventsOf(hits: Uint8Array, first: number, upTo: number): Uint32Array {
  const n = Math.min(hits.length, upTo - first + 1);
  let count = 0;
  for (let k = 0; k < n; k++) count += hits[k];
  const out = new Uint32Array(count);
  let j = 0;
  for (let k = 0; k < n; k++) if (hits[k] === 1) out[j++] = first + k;
  return out;
}
