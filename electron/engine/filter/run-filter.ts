/**
 * Run a display filter over a capture in the worker: events are re-dissected in summary mode
 * (only the fields the filter names are recorded) and tested in batches, yielding between
 * batches so the window stays served; the running count is reported as it grows and a newer
 * filter cancels an older one through the AbortSignal.
 */
import type { Capture } from '../capture.ts';
import { createDissection, type Dissection } from '../dissectors/dissection.ts';
import { networkLayerProtocols } from '../dissectors/table.ts';
import { allFields, fieldByName } from '../fields/registry.ts';
import { compileColumnFilter, columnFields } from './column-filter.ts';
import { compileFilterText } from './compile.ts';
import type { FilterMessage } from '../../../shared/filter/index.ts';

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
  | { ok: true; events: Uint32Array; warnings: FilterMessage[]; cancelled: boolean; indexed?: boolean }
  | { ok: false; errors: FilterMessage[] };

export interface FilterRunOptions {
  signal?: AbortSignal;
  /** Called after each batch with the matches so far and how many events were tested. */
  onProgress?: (matched: number, tested: number) => void;
  /** Event whose values `${field}` / `$field` references read (Wireshark: the selected packet). */
  referenceEvent?: number;
  /** Yield to the event loop after this many ms of work (default 20). */
  sliceMs?: number;
}

export async function runFilter(capture: Capture, text: string, opts: FilterRunOptions = {}): Promise<FilterRun> {
  let reference: Dissection | undefined;
  const ref = opts.referenceEvent;
  if (ref !== undefined && ref >= 1 && ref <= capture.count()) {
    reference = createDissection();
    capture.dissect(ref, reference);
  }
  const compiled = compileFilterText(text, { reference });
  if (!compiled.ok) return { ok: false, errors: compiled.errors };
  const total = capture.count();
  const onColumns = compileColumnFilter(compiled.ast, columnFields(capture.internals()));
  if (onColumns) {
    // Indexed fields only: a tight loop over typed arrays, no dissection at all.
    let out = new Uint32Array(Math.min(total, 1 << 16));
    let n = 0;
    for (let e = 1; e <= total; e++) {
      if (!onColumns(e)) continue;
      if (n === out.length) {
        const bigger = new Uint32Array(Math.min(total, out.length * 2));
        bigger.set(out);
        out = bigger;
      }
      out[n++] = e;
    }
    opts.onProgress?.(n, total);
    return { ok: true, events: out.slice(0, n), warnings: compiled.warnings, cancelled: false, indexed: true };
  }
  const d = createDissection();
  const keep = new Uint8Array(allFields().length + 1);
  let info = false;
  for (const name of compiled.fields) {
    const f = fieldByName(name);
    if (f) keep[f.id] = 1;
    if (NEEDS_INFO.has(name)) info = true;
  }
  // Only the filter's fields are recorded (`summary` stays false, so dissectors still compute
  // every field; test/filter/engine-golden.test.ts runs the golden table through this path).
  d.keep = keep;
  const network = networkLayerProtocols();
  d.networkOnly = compiled.fields.every((f) => belowTransport(f, network));
  // Protocols owning a filter field (`tcp` for tcp.flags.syn): others skip their header fields.
  const protocols = new Uint8Array(keep.length);
  for (const name of compiled.fields) {
    const proto = fieldByName(name.split('.')[0]);
    if (proto) protocols[proto.id] = 1;
  }
  d.keepProtocols = protocols;
  let out = new Uint32Array(Math.min(total, 1 << 16));
  let n = 0;
  const slice = opts.sliceMs ?? 20;
  let sliceStart = performance.now();
  for (let e = 1; e <= total; e++) {
    capture.dissect(e, d, { info });
    if (compiled.predicate(d)) {
      if (n === out.length) {
        const bigger = new Uint32Array(Math.min(total, out.length * 2));
        bigger.set(out);
        out = bigger;
      }
      out[n++] = e;
    }
    // The clock is read after every event: one event can cost milliseconds (a regex over a
    // 64 KB frame), and a check every 256 events let a cancel wait seconds.
    if (performance.now() - sliceStart > slice) {
      opts.onProgress?.(n, e);
      await new Promise<void>((r) => setImmediate(r));
      if (opts.signal?.aborted) return { ok: true, events: out.slice(0, n), warnings: compiled.warnings, cancelled: true };
      sliceStart = performance.now();
    }
  }
  opts.onProgress?.(n, total);
  return { ok: true, events: out.slice(0, n), warnings: compiled.warnings, cancelled: false };
}
