/**
 * The first jump far into a big capture (issue 18 item 7): the TLS layer peeks at the start of
 * the stream of each row, which reads the per-stream frame lists; built inside that rows request
 * they cost a pass over the whole index (0.3–0.5 s at 10 M frames). The window's engine builds
 * them in steps once indexing is done, before its background passes, so that rows page builds
 * nothing; a session without that preparation does build them in the request. Likewise the
 * HTTP segment rows' per-stream spans: the window's HTTP scan builds them before it shows its index.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { rowsPage } from '../../electron/engine/host/rows-page.ts';
import { httpRowsWork } from '../../electron/engine/layers/http-rows.ts';
import { openSession, prepareStreams, rowPending, scanHttp, scanHttpNow, withDeferredAnalysis } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { prepareStreamFrames, streamFramesWork } from '../../electron/engine/streams/tcp-reassembly.ts';
import { streamStartsOf } from '../../electron/engine/index/stream-starts.ts';
import type { Capture } from '../../electron/engine/capture.ts';

/**
 * The index pass's noted stream starts (index/stream-starts.ts) tell these streams from their
 * first bytes without the frame lists; set aside, the TLS layer peeks at each start as it does
 * where those bytes are not conclusive (a first segment with SYN, reordered ones).
 */
function withoutNotedStarts(c: Capture): void {
  const int = c.internals();
  const starts = int.kind === 'packets' ? streamStartsOf(int.conv) : undefined;
  if (!starts) throw new Error('no noted starts');
  starts.done = false;
}
import { inProcessEngineWithClose, openDone } from '../engine/in-process-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'prepared-streams-'));
const path = join(dir, 'keepalive.pcap');
/** More frames than one step of the stepped build (2^18). */
const bigPath = join(dir, 'keepalive-big.pcap');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  // Shape (a): 16 interleaved keep-alive connections.
  SHAPES.find((s) => s.id === 'a')!.generate(path, 60_000);
  SHAPES.find((s) => s.id === 'a')!.generate(bigPath, 300_000);
}, 120_000);

describe('per-stream frame lists', () => {
  it('a session that was not prepared builds them inside the first rows page far in; a prepared one does not', async () => {
    for (const prepare of [false, true]) {
      const { capture, indexing } = await openCapture(path);
      await indexing;
      withoutNotedStarts(capture);
      const s = openSession(capture);
      if (prepare) expect(await prepareStreams(s)).toBe(true);
      const before = streamFramesWork.builds;
      const n = capture.count();
      const page = withDeferredAnalysis(s, () => rowsPage(s.capture, undefined, 1, Math.floor(n / 2), 200, undefined, undefined, (ev) => rowPending(s, ev)));
      expect(page.events.length).toBe(200);
      expect(streamFramesWork.builds - before, prepare ? 'prepared' : 'not prepared').toBe(prepare ? 0 : 1);
      capture.close();
    }
  }, 60_000);

  it('a rows page asked while the build in steps runs finishes that build instead of starting another', async () => {
    const { capture, indexing } = await openCapture(bigPath);
    await indexing;
    withoutNotedStarts(capture);
    const s = openSession(capture);
    const before = streamFramesWork.builds;
    const steps = prepareStreamFrames(capture.internals());
    expect(steps.next().done).toBe(false);
    const page = withDeferredAnalysis(s, () => rowsPage(s.capture, undefined, 1, capture.count() - 1000, 200, undefined, undefined, (ev) => rowPending(s, ev)));
    expect(page.events.length).toBe(200);
    expect(streamFramesWork.builds - before).toBe(1);
    // The stepped build sees it done and stops.
    expect(steps.next().done).toBe(true);
    expect(streamFramesWork.builds - before).toBe(1);
    capture.close();
  }, 60_000);

  it("the window's HTTP scan builds the segment rows' spans before it shows the index; the CLI's scan does not", async () => {
    for (const windowScan of [false, true]) {
      const { capture, indexing } = await openCapture(path);
      await indexing;
      const s = openSession(capture);
      await prepareStreams(s);
      if (windowScan) expect(await scanHttp(s)).toBe(true);
      else scanHttpNow(s);
      const before = httpRowsWork.spans;
      const n = capture.count();
      for (const at of [Math.floor(n / 2), n - 200, 100]) {
        const page = withDeferredAnalysis(s, () => rowsPage(s.capture, undefined, 1, at, 200, undefined, undefined, (ev) => rowPending(s, ev)));
        expect(page.events.length).toBe(200);
      }
      if (windowScan) expect(httpRowsWork.spans - before).toBe(0);
      else expect(httpRowsWork.spans - before).toBeGreaterThan(0);
      capture.close();
    }
  }, 60_000);

  it("the window's engine prepares them once indexing is done, before its background passes", async () => {
    const { client, close } = inProcessEngineWithClose();
    const analysed = new Promise<void>((r) => client.onEvent((e) => e.type === 'analysisProgress' && e.finished && r()));
    const before = streamFramesWork.builds;
    await openDone(client, path);
    await analysed;
    const built = streamFramesWork.builds - before;
    expect(built).toBe(1);
    const info = await client.call('rows', { start: 30_000, count: 200 });
    expect(info.events.length).toBe(200);
    // Rows anywhere, the HTTP list and its filters: the lists of the finished index are built once.
    await client.call('httpPage', { start: 0, count: 10, filter: 'http.response.code == 200' });
    await client.call('rows', { start: 59_000, count: 200 });
    expect(streamFramesWork.builds - before).toBe(1);
    close();
  }, 60_000);
});
