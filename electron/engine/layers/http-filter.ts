/**
 * http.* fields over a capture session's events: a filter that names only http.* fields is
 * answered from the HTTP layer's index alone (the few messages it holds, not every frame),
 * from its columns when every field it names is one (no re-parsing at all).
 *
 * Field definitions: http-fields.ts; the layer that adds them: layers/http-layer.ts.
 */
import { createDissection, resetDissection } from '../dissectors/dissection.ts';
import { allFields, fieldByName } from '../fields/registry.ts';
import { compileFilterText } from '../filter/compile.ts';
import { addMessageFields, mergedMessageRefs } from './http-layer.ts';
import { refreshTls, scanHttpNow, type CaptureSession } from './session.ts';

export { HF } from '../http/http-fields.ts';

/** http.* fields that are not columns of the index: a filter on them re-parses each message's head or body. */
export const REPARSED_HTTP_FIELDS = ['http.authorization', 'http.cookie', 'http.file_data'];

/** Whether a filter's fields are all http.* (then it can run over the HTTP index alone). */
export function onlyHttpFields(fields: readonly string[]): boolean {
  return fields.length > 0 && fields.every((f) => f === 'http' || f.startsWith('http.'));
}

/**
 * Events matching a filter that uses only `http.*` fields, evaluated over the indexed messages
 * alone. Returns null when the filter uses other fields (the caller then filters the usual
 * way), or throws on a filter error. Runs the HTTP scan first if it has not run.
 */
export function httpFilterEvents(s: CaptureSession, text: string): number[] | null {
  const steps = httpFilterSteps(s, text);
  if (!steps) return null;
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same, in slices of `sliceMs` that yield to the event loop; resolves null when the filter
 * names other fields and `cancelled` when `signal` aborts it.
 */
export async function httpFilterEventsSliced(
  s: CaptureSession, text: string, opts: { signal?: AbortSignal; sliceMs?: number } = {},
): Promise<number[] | null | 'cancelled'> {
  const steps = httpFilterSteps(s, text);
  if (!steps) return null;
  let t0 = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - t0 < (opts.sliceMs ?? 20)) continue;
    await new Promise<void>((res) => setImmediate(res));
    if (opts.signal?.aborted) return 'cancelled';
    t0 = performance.now();
  }
}

function httpFilterSteps(s: CaptureSession, text: string): Generator<void, number[]> | null {
  const c = compileFilterText(text);
  if (!c.ok) throw new Error(c.errors.map((e) => e.message).join('; '));
  if (!onlyHttpFields(c.fields)) return null;
  return (function* steps(): Generator<void, number[]> {
    if (!s.http.plain) scanHttpNow(s);
    refreshTls(s);
    const d = createDissection();
    // Only the filter's fields are recorded: fields that need a re-parse are skipped unless named.
    const keep = new Uint8Array(allFields().length + 1);
    for (const name of c.fields) {
      const f = fieldByName(name);
      if (f) keep[f.id] = 1;
    }
    d.keep = keep;
    const empty = new Uint8Array(0);
    const out: number[] = [];
    let last = -1;
    const merged = mergedMessageRefs(s.http);
    for (let k = 0; k < merged.length; k++) {
      if ((k & 4095) === 4095) yield;
      const m = merged.at(k);
      // Messages completed in the same event are one event's fields: test them together.
      if (m.event !== last) {
        if (last >= 0 && c.predicate(d)) out.push(last);
        resetDissection(d, empty);
        last = m.event;
      }
      addMessageFields(s.http, m.ix, m.ref, d);
    }
    if (last >= 0 && c.predicate(d)) out.push(last);
    return out;
  })();
}
