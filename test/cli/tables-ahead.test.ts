/**
 * loadTables (electron/cli/sql/tables.ts) keeps the engine busy while pages are written: when a
 * page is written, the next two of its table are already asked for, and the next table's first
 * page (http after events, conversations after http) is asked for as soon as no page of the
 * table before is left to ask for, before its last pages are written. Counted on a fake engine client (requests made), not timed.
 */
import { describe, expect, it } from 'vitest';
import type { EngineClient } from '../../shared/engine-client.ts';
import { MAX_EVENT_TABLE_ROWS } from '../../shared/rpc.ts';
import { MAX_HTTP_TABLE_ROWS } from '../../shared/sql-table.ts';
import { loadTables, type Table } from '../../electron/cli/sql/tables.ts';

/** A client answering eventTable / httpTable / stats from sizes alone, logging each request. */
function fakeClient(events: number, http: number, log: string[]): EngineClient {
  const page = (start: number, size: number, total: number, kind: 'nums' | 'ids') => {
    const n = Math.max(0, Math.min(size, total - start));
    const col = kind === 'nums' ? { name: 'number', type: 'BIGINT', nums: new Float64Array(n) } : { name: 'stream', type: 'VARCHAR', ids: new Uint32Array(n), dict: [] };
    return { start, total, columns: [col] };
  };
  const call = (method: string, params: { start?: number; name?: string }): Promise<unknown> => {
    log.push(`${method} ${params.start ?? params.name}`);
    if (method === 'eventTable') return Promise.resolve(page(params.start ?? 0, MAX_EVENT_TABLE_ROWS, events, 'nums'));
    if (method === 'httpTable') return Promise.resolve(page(params.start ?? 0, MAX_HTTP_TABLE_ROWS, http, 'ids'));
    return Promise.resolve({ kind: 'conv', rows: [] });
  };
  return { call, onEvent: () => () => undefined, close: () => undefined } as unknown as EngineClient;
}

describe('loadTables asks ahead', () => {
  it('two pages ahead within a table, the next table asked before the last page is written', async () => {
    const log: string[] = [];
    const E = MAX_EVENT_TABLE_ROWS;
    const H = MAX_HTTP_TABLE_ROWS;
    const client = fakeClient(5 * E + 7, 4 * H + 1, log);
    const writes: { table: Table; rows: number; asked: string[] }[] = [];
    await loadTables(client, async (table, _c, rows) => void writes.push({ table, rows, asked: [...log] }), 'x', false, true);
    const ev = writes.filter((w) => w.table === 'events');
    expect(ev.map((w) => w.rows)).toEqual([E, E, E, E, E, 7]);
    // Writing events page k: pages k+1 and k+2 asked (as far as there are pages).
    ev.forEach((w, k) => {
      for (let j = k + 1; j <= Math.min(k + 2, 5); j++) expect(w.asked).toContain(`eventTable ${j * E}`);
      expect(w.asked).not.toContain(`eventTable ${(k + 3) * E}`);
    });
    // http's first page is asked with the last events page (when page 3 came), before pages 3-5 are written.
    expect(ev[3].asked.slice(-2)).toEqual([`eventTable ${5 * E}`, 'httpTable 0']);
    expect(ev[2].asked).not.toContain('httpTable 0');
    // Likewise the conversations after http's last page, before its last three pages are written.
    const http = writes.filter((w) => w.table === 'http');
    expect(http.map((w) => w.rows)).toEqual([H, H, H, H, 1]);
    expect(http[2].asked.slice(-3)).toEqual([`httpTable ${4 * H}`, 'stats conv,tcp', 'stats conv,udp']);
    expect(http[1].asked).not.toContain('stats conv,tcp');
    // Every page asked once.
    expect(log.filter((l) => l.startsWith('eventTable')).length).toBe(6);
    expect(log.filter((l) => l.startsWith('httpTable')).length).toBe(5);
    expect(writes.filter((w) => w.table === 'conversations').length).toBe(2);
  });

  it('a table without rows gets its columns once, and the next table is still asked', async () => {
    const log: string[] = [];
    const writes: [Table, number][] = [];
    await loadTables(fakeClient(0, 0, log), async (table, _c, rows) => void writes.push([table, rows]), 'x', false, false);
    expect(writes).toEqual([['events', 0], ['http', 0], ['conversations', 0], ['conversations', 0]]);
    expect(log).toEqual(['eventTable 0', 'httpTable 0']);
  });
});
