/** The table's helper RPCs: where an event sits in the current order (rowOf), and stopping a filter. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inProcessEngine, openDone } from './in-process-engine.ts';
import { CORPUS } from './corpus.ts';


describe('rowOf and cancelFilter', () => {
  it('finds an event in event order, in a filter view and in a sorted view', async () => {
    const c = inProcessEngine();
    await openDone(c, join(CORPUS, 'pcap/generated/gen-http11-plain.pcap'));
    expect(await c.call('rowOf', { event: 1 })).toBe(0);
    expect(await c.call('rowOf', { event: 33 })).toBe(32);
    expect(await c.call('rowOf', { event: 34 })).toBeNull();
    // Each row carries the time of the event captured before it.
    const plain = await c.call('rows', { start: 0, count: 33 });
    expect(Number.isNaN(plain.prevTimes![0])).toBe(true);
    for (let r = 1; r < 33; r++) expect(plain.prevTimes![r]).toBe(plain.times[r - 1]);
    await c.call('sort', { column: 'length', descending: true });
    const page = await c.call('rows', { start: 0, count: 33 });
    for (const r of [0, 7, 32]) expect(await c.call('rowOf', { event: page.events[r] })).toBe(r);
    await c.call('filter', { text: 'tcp.len > 0' });
    const shown = await c.call('rows', { start: 0, count: 33 });
    expect(shown.events.length).toBe(11);
    expect(await c.call('rowOf', { event: shown.events[5] })).toBe(5);
    const hidden = [...Array(33).keys()].map((i) => i + 1).find((e) => !shown.events.includes(e))!;
    expect(await c.call('rowOf', { event: hidden })).toBeNull();
    c.close();
  });

  it('cancelFilter stops a running filter and keeps the previous view', async () => {
    const c = inProcessEngine();
    const path = join(CORPUS, 'pcapng/wireshark/challenge01_ooo_stream.pcapng.gz');
    await openDone(c, path);
    const all = (await c.call('info', null)).events;
    // Reopen and filter at once: the filter waits for indexing and the HTTP scan, so the
    // cancel arrives while it runs.
    await c.call('open', { path });
    const running = c.call('filter', { text: 'tcp.len > 100' });
    await c.call('cancelFilter', null);
    const res = await running;
    expect(res.cancelled).toBe(true);
    const page = await c.call('rows', { start: 0, count: 10 });
    expect(page.events).toEqual(Uint32Array.from({ length: 10 }, (_, i) => i + 1));
    // A later filter runs normally.
    const ok = await c.call('filter', { text: 'tcp.len > 100' });
    expect(ok.cancelled).toBe(false);
    expect(ok.matched).toBeGreaterThan(0);
    expect(ok.matched).toBeLessThan(all);
    c.close();
  });
});
