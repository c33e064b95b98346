/**
 * The `tail` request: the rows of a capture that is still being indexed (followed while it is
 * written), from a given event on. Each call tests only events after the caller's last one
 * (runFilter over that range: indexed columns in its tight loop, other fields dissected), so
 * following costs one test per event in all, however often the caller asks. The HTTP scan is
 * resumed up to the new events first (followHttp), so http.* fields and the HTTP Protocol/Info
 * of an event are there as soon as its packets or syscalls are.
 */
import type { FieldDef } from '../fields/registry.ts';
import type { TailPage } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { compileFilterText } from '../filter/compile.ts';
import { createExtractor } from '../filter/extract.ts';
import { runFilter } from '../filter/run-filter.ts';
import { followHttp } from '../layers/http-layer.ts';
import { pendingLayers, type CaptureSession } from '../layers/session.ts';
import { rowsPage } from './rows-page.ts';

/** Events tested per call at most: a long backlog comes in several answers, none of them slow. */
export const MAX_TAIL_TESTS = 50_000;

/** A tail filter, checked once for all the calls with its text. */
export interface TailFilter {
  text: string;
}

export function compileTailFilter(session: CaptureSession | undefined, text: string): TailFilter {
  const compiled = compileFilterText(text);
  if (!compiled.ok) throw new Error(`filter: ${compiled.errors.map((e) => e.message).join('; ')}`);
  // The HTTP layer follows the capture (followHttp); a layer added later with a whole-capture
  // scan and no follow form would have no fields until the file is finished: say so.
  const waiting = session ? pendingLayers(session, compiled.fields).filter((l) => l.name !== 'http') : [];
  if (waiting.length > 0) {
    throw new Error(`${waiting.map((l) => `${l.name}.*`).join(', ')} fields are not available while the capture is followed (their scan runs once it stops growing); filter on other fields, or stop following`);
  }
  return { text };
}

export interface TailQuery {
  after: number;
  /** Test no event after this one. */
  until?: number;
  count: number;
  filter?: TailFilter;
  fields?: readonly FieldDef[];
}

/**
 * The page after `q.after`. `c` is the session's capture (layer fields included) when a
 * session is given; its HTTP scan is brought up to the events indexed so far.
 */
export async function tailPage(c: Capture, session: CaptureSession | undefined, q: TailQuery, generation: number): Promise<TailPage> {
  const info = c.info();
  const total = c.count();
  const known = session ? followHttp(session.http) : total;
  const last = Math.min(total, known, q.after + MAX_TAIL_TESTS, q.until ?? Infinity);
  let hits: number[] = [];
  let tested = Math.max(q.after, last);
  if (last > q.after) {
    if (q.filter) {
      const run = await runFilter(c, q.filter.text, { range: { first: q.after + 1, last } });
      if (!run.ok) throw new Error(`filter: ${run.errors.map((e) => e.message).join('; ')}`);
      hits = Array.from(run.events.subarray(0, q.count));
      // More matches than asked: the next call starts after the last one returned.
      if (run.events.length > q.count) tested = hits[hits.length - 1];
    } else {
      tested = Math.min(last, q.after + q.count);
      for (let e = q.after + 1; e <= tested; e++) hits.push(e);
    }
  }
  // Done once every event there will be has been tested.
  const page: TailPage = { tested, total, done: (info.done && tested >= total) || (q.until !== undefined && tested >= q.until) };
  if (q.fields) {
    const x = createExtractor(c, q.fields);
    page.events = hits;
    page.values = hits.map((ev) => x.values(ev));
  } else {
    page.rows = rowsPage(c, Uint32Array.from(hits), generation, 0, hits.length);
  }
  return page;
}
