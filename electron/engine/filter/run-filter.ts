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
import { frameScan, frameTermsOf, type FrameTerm } from './frame-bytes.ts';
import { helloTest } from '../tls/hello-filter.ts';

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

/**
 * A test that holds wherever `ast` does, from the byte terms alone (null: none): events where it
 * fails are not dissected (`frame contains "GET" and http.request.uri contains "x"`).
 */
function necessary(ast: FilterAst, terms: ReadonlyMap<FilterAst, (e: number) => boolean>): ((e: number) => boolean) | null {
  const t = terms.get(ast);
  if (t) return t;
  if (ast.t !== 'and' && ast.t !== 'or') return null;
  const l = necessary(ast.l, terms);
  const r = necessary(ast.r, terms);
  if (ast.t === 'or') return l && r && ((e) => l(e) || r(e));
  return l && r ? (e) => l(e) && r(e) : l ?? r;
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
  // `frame contains` / `frame matches` terms: answered from one scan of the file's bytes
  // (frame-bytes.ts), filled in below before any test reads them.
  const x = capture.internals();
  const readAt = x.kind === 'packets' ? x.readAt : undefined;
  const byteTerms = x.kind === 'packets' && readAt ? frameTermsOf(compiled.ast) : new Map<FilterAst, FrameTerm>();
  const scan = x.kind === 'packets' && readAt && byteTerms.size > 0 ? frameScan(x.index, readAt, [...byteTerms.values()], first, last) : undefined;
  const termTests = new Map<FilterAst, (e: number) => boolean>();
  if (scan) {
    let k = 0;
    for (const node of byteTerms.keys()) {
      const h = scan.hits[k++];
      termTests.set(node, (e) => h[e - first] === 1);
    }
  }
  // Indexed fields: a tight loop over typed arrays; only events the columns do not describe
  // (or every event, when the filter names other fields) are dissected.
  const fields = columnFields(x);
  const cols = compileColumnFilter(compiled.ast, fields, columnGroups(x, fields), termTests);
  const onColumns = cols?.test;
  const exact = cols?.exact ?? null;
  // A test that reads the file per event (evt.buffer) runs in slices like a dissection.
  const cheap = cols?.reads !== true;
  const needed = cols ? null : necessary(compiled.ast, termTests);
  // ClientHello / ServerHello types: TLS 1.3 events are answered undissected (tls/hello-filter.ts).
  const hello = cols || wantsDelta ? null : helloTest(capture, compiled.ast);
  if (scan && (cols || needed)) {
    // One window a step (a few ms of native search, or of RE2 over a smaller window), yielding
    // after each slice of `sliceMs` so that a newer filter can cancel this one.
    const slice = opts.sliceMs ?? 20;
    while (scan.decided() < last) {
      const t0 = performance.now();
      while (scan.decided() < last && performance.now() - t0 <= slice) scan.step(scan.decided() + 1);
      opts.onProgress?.(0, scan.decided());
      await new Promise<void>((r) => setImmediate(r));
      if (opts.signal?.aborted) return { ok: true, events: new Uint32Array(0), warnings: compiled.warnings, cancelled: true, indexed: cols !== null, dissected: 0 };
    }
  }
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
  const { d, info } = dissectionFor(compiled.fields);
  let out = new Uint32Array(Math.min(size, 1 << 16));
  let n = 0;
  let dissected = 0;
  const slice = opts.sliceMs ?? 20;
  let sliceStart = performance.now();
  let byHello: boolean | undefined;
  for (let e = first; e <= last; e++) {
    let hit: boolean;
    const byColumns = onColumns !== undefined && (exact === null || exact(e));
    if (byColumns) hit = onColumns(e);
    else if (needed && !needed(e)) hit = false;
    else if (hello && (byHello = hello(e)) !== undefined) hit = byHello;
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
