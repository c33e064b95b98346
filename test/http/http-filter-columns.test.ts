/**
 * http.* filters answered from the HTTP index's columns: the same events as adding every
 * message's fields to a dissection and testing the predicate, with each message read once and
 * no field built for an event completing a single message (counted, not timed).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { compileFilterText } from '../../electron/engine/filter/compile.ts';
import { httpFilterEvents, httpFilterWork } from '../../electron/engine/layers/http-filter.ts';
import { openSession, scanHttpNow, type CaptureSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS } from '../engine/corpus.ts';

/** Every field here is an index column. */
const COLUMN_FILTERS = [
  'http', 'http.request', 'http.response', 'http.response.code == 200', 'http.response.code != 200', 'http.response.code >= 300',
  'http.request.method == "GET"', 'http.request.method in {"POST", "PUT"}', 'http.request.uri == "/"', 'http.host', 'http.host != "localhost"',
  'http.request.version == "HTTP/1.1"', 'http.response.phrase == "OK"', 'http.content_type', 'http.content_length > 100', 'http.user_agent',
  'http.request and not http.request.method == "GET"', 'http.response.code == 200 or http.request.method == "HEAD"',
];
/** Not (only) columns: the message's fields are built. */
const OTHER_FILTERS = ['http.request.uri contains "index"', 'http.time > 0', 'http.file_data contains "html"'];

async function session(rel: string): Promise<CaptureSession> {
  const { capture, indexing } = await openCapture(join(CORPUS, rel));
  await indexing;
  const s = openSession(capture);
  scanHttpNow(s);
  return s;
}

/** Events whose full dissection (every layer's fields) satisfies the filter. */
function slowEvents(s: CaptureSession, text: string): number[] {
  const c = compileFilterText(text);
  if (!c.ok) throw new Error(text);
  const d = createDissection();
  const out: number[] = [];
  for (let e = 1; e <= s.capture.count(); e++) {
    s.capture.dissect(e, d);
    if (c.predicate(d)) out.push(e);
  }
  return out;
}

describe('http.* filters from the HTTP index columns', () => {
  for (const rel of ['pcap/wireshark/http.pcap', 'pcap/generated/gen-http11-plain.pcap', 'pcap/wireshark/http-ooo.pcap', 'pcap/wireshark/http-ooo2.pcap']) {
    it(rel, async () => {
      const s = await session(rel);
      const messages = s.http.plain!.endRefs.length + (s.http.tls?.endRefs.length ?? 0);
      expect(messages).toBeGreaterThan(0);
      for (const f of [...COLUMN_FILTERS, ...OTHER_FILTERS]) {
        const before = { ...httpFilterWork };
        const fast = httpFilterEvents(s, f);
        expect(fast, f).toEqual(slowEvents(s, f));
        const tested = httpFilterWork.columnTested - before.columnTested;
        const built = httpFilterWork.fieldsAdded - before.fieldsAdded;
        // Each message is read once, on the columns or into a dissection.
        expect(tested + built, f).toBe(messages);
        if (COLUMN_FILTERS.includes(f)) expect(tested, f).toBeGreaterThan(0);
        else expect(built, f).toBe(messages);
      }
      s.capture.close();
    }, 60_000);
  }
});
