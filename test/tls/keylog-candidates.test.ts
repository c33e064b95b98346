/**
 * A key log beside the capture (FILE.keys) is offered once: after it is added (by the window's
 * banner, a drop or Add key log…) `keylogCandidates` no longer lists it, so the banner goes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inProcessEngine, openDone } from '../engine/in-process-engine.ts';

const SEED = join(import.meta.dirname, '../fixtures/seed-413');

describe('keylogCandidates', () => {
  it('lists the key log beside the capture until it is added', async () => {
    const c = inProcessEngine();
    await openDone(c, join(SEED, 'upload-413.pcap'));
    const before = await c.call('keylogCandidates', null);
    const keys = before.find((k) => k.endsWith('upload-413.keys'));
    expect(keys).toBeDefined();
    const r = await c.call('addKeylog', { path: keys! });
    expect(r.added).toBeGreaterThan(0);
    expect(await c.call('keylogCandidates', null)).not.toContain(keys);
    // A new open offers it again.
    await openDone(c, join(SEED, 'upload-413.pcap'));
    expect(await c.call('keylogCandidates', null)).toContain(keys);
  });
});
