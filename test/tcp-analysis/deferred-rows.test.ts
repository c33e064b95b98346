/**
 * The window's rows never wait on the TCP analysis pass (issue 18 item 7): a rows page far past
 * the pass's frontier costs no analysis at all and marks its TCP rows pending, one near it costs
 * at most ANALYSE_AHEAD frames, and once the background pass has run the same rows are exactly
 * those of the eager (CLI) path, [TCP …] tags included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import type { Capture } from '../../electron/engine/capture.ts';
import { rowsPage } from '../../electron/engine/host/rows-page.ts';
import { openSession, rowPending, runTcpAnalysis, withDeferredAnalysis, type CaptureSession } from '../../electron/engine/layers/session.ts';
import { ANALYSE_AHEAD } from '../../electron/engine/layers/tcp-analysis.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import type { DetailsNode, RowsPage } from '../../shared/rpc.ts';
import { inProcessEngineWithClose, openDone } from '../engine/in-process-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'deferred-rows-'));
const path = join(dir, 'keepalive.pcap');
const reorderedPath = join(dir, 'reordered.pcap');
const captures: Capture[] = [];
afterAll(() => {
  for (const c of captures) c.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeAll(() => {
  // Shape (a): 16 interleaved keep-alive connections (every frame is TCP).
  SHAPES.find((s) => s.id === 'a')!.generate(path, 120_000);
  // Shape (f): segments reordered and retransmitted, so rows carry [TCP …] tags.
  SHAPES.find((s) => s.id === 'f')!.generate(reorderedPath, 6000);
}, 60_000);

async function open(file = path): Promise<CaptureSession> {
  const { capture, indexing } = await openCapture(file);
  await indexing;
  captures.push(capture);
  return openSession(capture);
}

const page = (s: CaptureSession, start: number, deferred: boolean): RowsPage =>
  deferred
    ? withDeferredAnalysis(s, () => rowsPage(s.capture, undefined, 1, start, 200, undefined, undefined, (ev) => rowPending(s, ev)))
    : rowsPage(s.capture, undefined, 1, start, 200);

const infos = (p: RowsPage): string[] => Array.from(p.cells.info, (i) => p.strings[i]);

describe('rows and the TCP analysis pass', () => {
  it('a page far past the frontier does no analysis and is pending; one near it at most ANALYSE_AHEAD frames', async () => {
    const s = await open();
    const ta = s.tcpAnalysis!;
    const n = s.capture.count();
    expect(n).toBeGreaterThan(3 * ANALYSE_AHEAD);
    for (const at of [n - 200, Math.floor(n / 2), 3 * ANALYSE_AHEAD]) {
      const p = page(s, at, true);
      expect(ta.done, `page at ${at}`).toBe(0);
      expect(p.pending?.every((v) => v === 1)).toBe(true);
      expect(infos(p).some((t) => t.includes('[TCP'))).toBe(false);
    }
    // Near the frontier the rows are complete at once, for a bounded cost.
    const near = page(s, ANALYSE_AHEAD - 1000, true);
    expect(near.pending).toBeUndefined();
    expect(ta.done).toBeLessThanOrEqual(ANALYSE_AHEAD + 200);
    // Outside a deferred request (the CLI, a filter) the analysis runs to the frame asked for.
    const eager = page(s, n - 200, false);
    expect(eager.pending).toBeUndefined();
    expect(ta.done).toBe(n);
  }, 60_000);

  it('after the background pass, deferred rows equal the eager ones', async () => {
    const eagerSession = await open(reorderedPath);
    const s = await open(reorderedPath);
    // A small look-ahead, so that this small file has rows past it.
    s.analyseAhead = 500;
    const n = s.capture.count();
    const at = (start: number): RowsPage => withDeferredAnalysis(s, () => rowsPage(s.capture, undefined, 1, start, 1000, undefined, undefined, (ev) => rowPending(s, ev)));
    // Out of order, as a user jumps: the end, the middle (both past the look-ahead), the start.
    const before = [at(n - 1000), at(Math.floor(n / 2)), at(0)];
    expect(before[0].pending?.some((v) => v === 1)).toBe(true);
    expect(before[1].pending?.some((v) => v === 1)).toBe(true);
    expect(s.tcpAnalysis!.done).toBeLessThanOrEqual(1500);
    const seen: number[] = [];
    expect(await runTcpAnalysis(s, { sliceMs: 5, progressMs: 0, onProgress: (d) => seen.push(d) })).toBe(true);
    expect(seen.at(-1)).toBe(n);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    let tagged = 0;
    for (let start = 0; start < n; start += 1000) {
      const after = at(start);
      const want = rowsPage(eagerSession.capture, undefined, 1, start, 1000);
      expect(after.pending).toBeUndefined();
      expect(infos(after)).toEqual(infos(want));
      tagged += infos(after).filter((t) => t.startsWith('[TCP')).length;
    }
    // The comparison covers rows with tags (retransmissions, out-of-order, dup ACKs).
    expect(tagged).toBeGreaterThan(0);
  }, 60_000);

  it('the pass waits while a request waits for the HTTP scan (the HTTP tab clicked right after open), then finishes', async () => {
    const { client, close } = inProcessEngineWithClose();
    try {
      const events: string[] = [];
      const finished = new Promise<void>((r) => client.onEvent((e) => {
        if (e.type === 'analysisProgress' && e.finished) {
          events.push('analysis finished');
          r();
        }
      }));
      await openDone(client, path);
      const page = await client.call('httpPage', { start: 0, count: 10 });
      events.push('http page');
      expect(page.total).toBeGreaterThan(1000);
      await finished;
      // Without the pause the pass (cheaper than the scan, sliced beside it) finished first.
      expect(events).toEqual(['http page', 'analysis finished']);
    } finally {
      close();
    }
  }, 120_000);

  it('the engine marks far rows pending, runs the pass after indexing and says when it reached them', async () => {
    const { client, close } = inProcessEngineWithClose();
    try {
      const progress: { done: number; finished: boolean }[] = [];
      const finished = new Promise<void>((r) => client.onEvent((e) => {
        if (e.type !== 'analysisProgress') return;
        progress.push({ done: e.done, finished: e.finished });
        if (e.finished) r();
      }));
      await openDone(client, path);
      // Details of a frame far ahead have its SEQ/ACK analysis (the pass is run up to it).
      const lastEvent = (await client.call('rows', { start: 119_000, count: 5000 })).events.at(-1) ?? 0;
      expect(lastEvent).toBeGreaterThan(119_000);
      const details = client.call('details', { event: lastEvent });
      const last = await client.call('rows', { start: 119_000, count: 200 });
      const flat = (nodes: DetailsNode[]): string[] => nodes.flatMap((n) => [n.field, ...flat(n.children ?? [])]);
      expect(flat(await details)).toContain('tcp.analysis');
      await finished;
      const again = await client.call('rows', { start: 119_000, count: 200 });
      expect(again.pending).toBeUndefined();
      expect(progress.at(-1)?.finished).toBe(true);
      // The first answer was complete only if the pass had already got there (a fast machine).
      if (last.pending) expect(last.pending.some((v) => v === 1)).toBe(true);
      else expect(infos(last)).toEqual(infos(again));
    } finally {
      close();
    }
  }, 120_000);
});
