/**
 * An http.* (HTTP/1.x) filter on a cleartext HTTP/2 capture never frames its connections: the
 * HTTP scan queues the h2c candidates (HttpLayer.h2Pending) and h2List frames them the first time
 * the HTTP/2 list is read. Counted: h2Work.parses (connections parsed) and segmentFollowWork.frames
 * (TCP frames read for HTTP/2) do not move through the scan and the filter, and move once the list
 * is read (so the counters are the ones that see the work).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { h2Work } from '../../electron/engine/http2/connection.ts';
import { httpFilterEvents } from '../../electron/engine/layers/http-filter.ts';
import { h2List } from '../../electron/engine/layers/http-layer.ts';
import { openSession, scanHttp } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { segmentFollowWork } from '../../electron/engine/streams/segment-follow.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-h2c-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an HTTP/1.x filter on shape (d) builds no HTTP/2 connection', () => {
  it('http.request.method == "GET": empty, no connection parsed, no frame read for HTTP/2', async () => {
    const path = join(dir, 'd-4000.pcap');
    const sh = SHAPES.find((x) => x.id === 'd');
    if (!sh) throw new Error('no shape d');
    sh.generate(path, 4000);
    const { capture, indexing } = await openCapture(path);
    await indexing;
    const s = openSession(capture);
    const parses = h2Work.parses;
    const frames = segmentFollowWork.frames;
    // The whole scan, as the host runs it before answering an http.* filter (refreshTls included).
    expect(await scanHttp(s)).toBe(true);
    const text = 'http.request.method == "GET"';
    expect(httpFilterEvents(s, text)).toEqual([]);
    const run = await runFilter(s.capture, text);
    if (!run.ok) throw new Error(text);
    expect(run.events.length).toBe(0);
    expect(h2Work.parses - parses).toBe(0);
    expect(segmentFollowWork.frames - frames).toBe(0);
    // The HTTP/2 list, once read, has the connection: framed now, once.
    expect(s.http.h2Pending?.streams.length).toBe(1);
    expect(h2List(s.http).n).toBeGreaterThan(0);
    expect(h2Work.parses - parses).toBe(1);
    expect(segmentFollowWork.frames - frames).toBeGreaterThan(3000);
    h2List(s.http);
    expect(h2Work.parses - parses).toBe(1);
  });
});
