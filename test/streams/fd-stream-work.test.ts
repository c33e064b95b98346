/**
 * Work of the HTTP layer over fd streams, counted (I/O events read into chunks), not timed: an
 * strace log with more keep-alive sockets interleaved than the layer's stream cache holds used
 * to re-read a whole stream per message shown. And the answers stay those of the whole-stream parse.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { straceLog } from '../../bench/shapes/gen-strace.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { httpExchanges } from '../../electron/engine/http/http1.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { fdStream, fdStreamWork, listFdStreams } from '../../electron/engine/streams/fd-streams.ts';
import { messageEvents, scannedSession, sessionExchanges } from '../http/session-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-fdwork-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openLog(syscalls: number) {
  const path = join(dir, `h-${syscalls}.strace`);
  straceLog(path, syscalls);
  const { capture, indexing } = await openCapture(path);
  await indexing;
  return capture;
}

describe('fd streams under the HTTP layer', () => {
  it('showing every message reads each I/O event a bounded number of times, at any size', async () => {
    const perEvent: number[] = [];
    for (const syscalls of [3000, 12000]) {
      const c = await openLog(syscalls);
      const streams = listFdStreams(c);
      const ioEvents = streams.reduce((a, s) => a + s.events, 0);
      // More sockets interleaved than any small cache of whole streams holds.
      expect(streams.filter((s) => s.name.includes('->')).length).toBeGreaterThan(8);
      const s = scannedSession(c);
      const events = messageEvents(s);
      expect(events.length).toBeGreaterThan(syscalls / 10);
      fdStreamWork.read = 0;
      const d = createDissection();
      for (const ev of events) s.capture.dissect(ev, d);
      // Each message re-reads its own events (here 1–3 per message, both directions); re-reading
      // the whole stream per message would be ~its length (hundreds) per message.
      expect(fdStreamWork.read).toBeLessThanOrEqual(4 * events.length);
      perEvent.push(fdStreamWork.read / ioEvents);
      c.close();
    }
    // Linear: the work per I/O event does not grow with the capture.
    expect(perEvent[1]).toBeLessThanOrEqual(perEvent[0] * 1.5 + 0.1);
  }, 120_000);

  it('messages re-read from their events equal the whole-stream parse (heads and bodies)', async () => {
    const c = await openLog(4000);
    const s = scannedSession(c);
    const got = sessionExchanges(s, 'keep');
    const want = listFdStreams(c)
      .filter((x) => x.name.includes('->'))
      .flatMap((x) => httpExchanges(fdStream(c, x.id), { bodies: 'keep' }).exchanges)
      .sort((a, b) => (a.request?.startEvent ?? 0) - (b.request?.startEvent ?? 0));
    const shape = (e: (typeof got)[number]) => [e.request?.startEvent, e.request?.endEvent, e.request?.headers, e.request?.body,
      e.response?.startEvent, e.response?.endEvent, e.response?.status, e.response?.headers, e.response?.body, e.response?.bodyBytes];
    expect(got.length).toBeGreaterThan(100);
    expect(got.map(shape)).toEqual(want.map(shape));
    c.close();
  }, 120_000);
});
