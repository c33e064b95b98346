/**
 * The HTTP scan over many short connections (shape b) lets each TCP stream's reassembly and
 * parser go at its last frame: it holds a few at once, not one per connection, and finds the
 * same exchanges as with every stream held to the end (the golden tests compare the rest).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { httpScanWork } from '../../electron/engine/layers/http-layer.ts';
import { openSession, scanHttp } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { sessionExchanges } from './session-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-http-short-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HTTP scan of short connections', () => {
  it('holds a bounded number of streams at once and lets every one go at its last frame', async () => {
    const path = join(dir, 'b.pcap');
    const shape = SHAPES.find((x) => x.id === 'b');
    if (!shape) throw new Error('no shape b');
    shape.generate(path, 20_000);
    const { capture, indexing } = await openCapture(path);
    await indexing;
    const int = capture.internals();
    if (int.kind !== 'packets') throw new Error('packets');
    const streams = int.conv.nTcp;
    expect(streams).toBeGreaterThan(1500);
    httpScanWork.ended = 0;
    httpScanWork.live = 0;
    httpScanWork.maxLive = 0;
    const s = openSession(capture);
    expect(await scanHttp(s)).toBe(true);
    expect(httpScanWork.ended).toBe(streams);
    // Connections overlap a little (the generator's concurrency), never all at once.
    expect(httpScanWork.maxLive).toBeLessThanOrEqual(64);
    expect(sessionExchanges(s).length).toBe(streams);
    capture.close();
  });
});
