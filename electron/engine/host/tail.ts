/**
 * The `tail` request: the rows of a capture that is still being indexed (followed while it is
 * written), from a given event on. Each call tests only events after the caller's last one, so
 * following costs one test per event in all, however often the caller asks.
 */
import type { FieldDef } from '../fields/registry.ts';
import type { TailPage } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { compileFilterText } from '../filter/compile.ts';
import { createExtractor } from '../filter/extract.ts';
import { dissectionFor } from '../filter/run-filter.ts';
import { pendingLayers, type CaptureSession } from '../layers/session.ts';
import { rowsPage } from './rows-page.ts';

/** Events tested per call at most: a long backlog comes in several answers, none of them slow. */
export const MAX_TAIL_TESTS = 50_000;

/** A compiled tail filter, kept between calls for the same text. */
export interface TailFilter {
  text: string;
  test: (event: number) => boolean;
}

export function compileTailFilter(c: Capture, session: CaptureSession | undefined, text: string): TailFilter {
  const compiled = compileFilterText(text);
  if (!compiled.ok) throw new Error(`filter: ${compiled.errors.map((e) => e.message).join('; ')}`);
  // A layer that needs a whole-capture scan (HTTP/1.x) has no fields until the file is finished.
  const waiting = session ? pendingLayers(session, compiled.fields) : [];
  if (waiting.length > 0) {
    throw new Error(`${waiting.map((l) => `${l.name}.*`).join(', ')} fields are not available while the capture is followed (their scan runs once it stops growing); filter on other fields, or stop following`);
  }
  const { d, info } = dissectionFor(compiled.fields);
  return {
    text,
    test: (e) => {
      c.dissect(e, d, { info });
      return compiled.predicate(d);
    },
  };
}

export interface TailQuery {
  after: number;
  /** Test no event after this one. */
  until?: number;
  count: number;
  filter?: TailFilter;
  fields?: readonly FieldDef[];
}

export function tailPage(c: Capture, q: TailQuery, generation: number): TailPage {
  const info = c.info();
  const total = c.count();
  const last = Math.min(total, q.after + MAX_TAIL_TESTS, q.until ?? Infinity);
  const hits: number[] = [];
  let e = q.after;
  while (e < last && hits.length < q.count) {
    e++;
    if (!q.filter || q.filter.test(e)) hits.push(e);
  }
  // Done once every event there will be has been tested.
  const page: TailPage = { tested: e, total, done: (info.done && e >= total) || (q.until !== undefined && e >= q.until) };
  if (q.fields) {
    const x = createExtractor(c, q.fields);
    page.events = hits;
    page.values = hits.map((ev) => x.values(ev));
  } else {
    page.rows = rowsPage(c, Uint32Array.from(hits), generation, 0, hits.length);
  }
  return page;
}
