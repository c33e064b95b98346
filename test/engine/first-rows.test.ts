/** `open` with `firstRows`: the first progress that has events carries the table's first rows and its columns. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RowsPage } from '../../shared/rpc.ts';
import { CORPUS } from './corpus.ts';
import { inProcessEngine } from './in-process-engine.ts';

const HTTP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');

describe('open firstRows', () => {
  it('sends rows [0, count) with the first progress, as `rows` answers them, once', async () => {
    const c = inProcessEngine();
    const pages: RowsPage[] = [];
    const columns: unknown[] = [];
    c.onEvent((e) => e.type === 'progress' && e.rows && pages.push(e.rows) && columns.push(e.columns));
    const done = new Promise<void>((r) => c.onEvent((e) => e.type === 'progress' && e.info.done && r()));
    await c.call('open', { path: HTTP, firstRows: { count: 12 } });
    await done;
    expect(pages).toHaveLength(1);
    const [first] = pages;
    expect(first.start).toBe(0);
    expect([...first.events]).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // The table's columns; the texts the HTTP scan does not change (it names Protocol and Info later).
    // With the table's columns, so the window need not ask for them first.
    expect(columns).toEqual([await c.call('columns', null)]);
    const asked = await c.call('rows', { start: 0, count: 12 });
    expect(Object.keys(first.cells)).toEqual(Object.keys(asked.cells));
    const text = (p: RowsPage, col: string): string[] => [...p.cells[col]].map((i) => p.strings[i]);
    for (const col of ['no', 'source', 'destination', 'length']) expect(text(first, col)).toEqual(text(asked, col));
    // Without it, no progress carries rows.
    pages.length = 0;
    const again = new Promise<void>((r) => c.onEvent((e) => e.type === 'progress' && e.info.done && r()));
    await c.call('open', { path: HTTP });
    await again;
    expect(pages).toHaveLength(0);
    await expect(c.call('open', { path: HTTP, firstRows: { count: 0 } })).rejects.toThrow(/count/);
    c.close();
  });
});
