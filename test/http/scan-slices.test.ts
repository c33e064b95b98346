/**
 * The HTTP scan of a 1 M packet keep-alive capture never holds the engine: `rows`, `details`
 * and `cancelFilter` are answered within the scan slice running when they arrive, and no step of
 * the scan does more than a bounded amount of work. Counted, not timed: the host emits one
 * httpProgress event per slice (a slice is ≤ 20 ms of steps, layers/session.ts), so a reply after
 * at most two of them came within one slice of the request; the scan counts its work units per
 * step (http-layer.ts scanStepWork).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { scanStepWork } from '../../electron/engine/layers/http-layer.ts';
import { FINISH_STEP } from '../../electron/engine/layers/http-index.ts';
import { createEngineClient } from '../../shared/engine-client.ts';
import { writeKeepalivePcap } from './make-keepalive-pcap.ts';
import { channelPorts } from '../engine/in-process-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-slices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the HTTP scan in slices', () => {
  it('answers rows, details and cancelFilter within a slice on a 1 M packet capture; every step is bounded', async () => {
    const path = join(dir, 'ka-1m.pcap');
    // Three frames per request (request, response, ACK): ~1 M frames.
    const { frames } = writeKeepalivePcap(path, { requests: 333_000, connections: 16 });
    expect(frames).toBeGreaterThan(990_000);
    const [a, b] = channelPorts();
    const close = serveEngine(a);
    const client = createEngineClient(b);
    let slices = 0;
    let finished = false;
    let indexed: () => void = () => {};
    const indexedP = new Promise<void>((r) => (indexed = r));
    let running: () => void = () => {};
    const runningP = new Promise<void>((r) => (running = r));
    let done: () => void = () => {};
    const doneP = new Promise<void>((r) => (done = r));
    client.onEvent((e) => {
      if (e.type === 'progress' && e.info.done) indexed();
      if (e.type === 'httpProgress') {
        if (e.finished) {
          finished = true;
          done();
        } else {
          slices++;
          if (slices === 3) running();
        }
      }
    });
    scanStepWork.max = 0;
    const first = await client.call('open', { path });
    if (!first.done) await indexedP;
    await runningP;

    /** Slices that ended between sending a request and its reply. */
    const within = async (call: () => Promise<unknown>): Promise<number> => {
      const before = slices;
      await call();
      return slices - before;
    };
    const counts: Record<string, number> = {};
    counts.rows = await within(() => client.call('rows', { start: 500_000, count: 60 }));
    counts.details = await within(() => client.call('details', { event: frames }));
    // A filter on an http.* field waits for the scan; cancelling it is answered at once.
    const waiting = client.call('filter', { text: 'http.response.code == 200' }).catch((e: unknown) => e);
    counts.cancelFilter = await within(() => client.call('cancelFilter', null));
    expect(finished).toBe(false);
    for (const [method, n] of Object.entries(counts)) expect(n, method).toBeLessThanOrEqual(2);
    await waiting;
    await doneP;
    // Many slices, each of bounded steps: frames per step, streams ended per step, and rows or
    // refs of the finishing pass per step (its refs came in order: no sort of the whole index).
    expect(slices).toBeGreaterThan(10);
    expect(scanStepWork.max).toBeGreaterThan(0);
    expect(scanStepWork.max).toBeLessThanOrEqual(FINISH_STEP);
    close();
    client.close();
    a.close();
  }, 600_000);
});
