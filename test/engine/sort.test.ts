/** Sorting the table in the worker: by index columns, by column text, with filters. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineClient } from '../../shared/engine-client.ts';
import { inProcessEngine, openDone } from './in-process-engine.ts';
import { CORPUS } from './corpus.ts';


async function column(c: EngineClient, id: string): Promise<{ events: number[]; texts: string[] }> {
  const page = await c.call('rows', { start: 0, count: 5000 });
  return { events: [...page.events], texts: [...page.cells[id]].map((k) => page.strings[k]) };
}

describe('sort', () => {
  it('sorts packets by length, source and Info text; keeps the sort through a filter', async () => {
    const c = inProcessEngine();
    await openDone(c, join(CORPUS, 'pcap/generated/gen-http11-plain.pcap'));
    const r = await c.call('sort', { column: 'length', descending: true });
    expect(r.rows).toBe(33);
    const len = await column(c, 'length');
    const nums = len.texts.map(Number);
    expect(nums).toEqual([...nums].sort((a, b) => b - a));
    // Ties keep event order.
    for (let i = 1; i < nums.length; i++) if (nums[i] === nums[i - 1]) expect(len.events[i]).toBeGreaterThan(len.events[i - 1]);
    await c.call('sort', { column: 'info', descending: false });
    const info = await column(c, 'info');
    expect(info.texts).toEqual([...info.texts].sort());
    await c.call('filter', { text: 'tcp.len > 0' });
    const filtered = await column(c, 'info');
    expect(filtered.texts).toEqual([...filtered.texts].sort());
    expect(filtered.events.length).toBe(11);
    await c.call('sort', { column: null, descending: false });
    const natural = await column(c, 'no');
    expect(natural.events).toEqual([...natural.events].sort((a, b) => a - b));
    await expect(c.call('sort', { column: 'nope', descending: false })).rejects.toThrow(/sort column/);
    c.close();
  });

  it('sorts syscall events by process name and by fd', async () => {
    const c = inProcessEngine();
    await openDone(c, join(CORPUS, 'scap/falco/cat_write.scap'));
    await c.call('sort', { column: 'proc', descending: false });
    const proc = await column(c, 'proc');
    const named = proc.texts.filter((t) => t !== '');
    expect(proc.texts).toEqual([...named.sort(), ...proc.texts.filter((t) => t === '')]);
    await c.call('sort', { column: 'fd', descending: true });
    const fd = await column(c, 'fd');
    // Events without an fd come last, whichever the direction.
    const nums = fd.texts.map((t) => (t === '' ? -1 : Number(t)));
    expect(nums).toEqual([...nums].sort((a, b) => b - a));
    await c.call('sort', { column: 'fd', descending: false });
    const up = (await column(c, 'fd')).texts;
    const firstEmpty = up.indexOf('');
    expect(up.slice(firstEmpty).every((t) => t === '')).toBe(true);
    expect(up.slice(0, firstEmpty).map(Number)).toEqual(up.slice(0, firstEmpty).map(Number).sort((a, b) => a - b));
    c.close();
  });
});
