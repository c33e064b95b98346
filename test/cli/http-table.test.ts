/**
 * The `http` table's pages (httpTable RPC: HTTP/1.x read straight from the HTTP index's columns)
 * equal the exchange list `tracelens http` prints (httpPage rows) turned into the same columns,
 * cell for cell, on HTTP/1.x in the clear and decrypted, HTTP/2, fd streams and a capture set;
 * `time` is the events table's time of each exchange's first event.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_EVENT_TABLE_ROWS, MAX_HTTP_PAGE_ROWS, type HttpExchangeRow } from '../../shared/rpc.ts';
import { HTTP_COLUMNS, rowsToColumns, type SqlTableColumn } from '../../shared/sql-table.ts';
import type { EngineClient } from '../../shared/engine-client.ts';
import { CORPUS } from '../engine/corpus.ts';
import { inProcessEngine } from '../engine/in-process-engine.ts';

const SEED = join(import.meta.dirname, '../fixtures/seed-413');
const CASES: { name: string; path: string; more?: string[]; keys?: string; min: number }[] = [
  { name: 'HTTP/1.1 in the clear', path: join(CORPUS, 'pcap/generated/gen-http11-plain.pcap'), min: 1 },
  { name: 'HTTP/1.1 over TLS, decrypted', path: join(SEED, 'upload-413.pcap'), keys: join(SEED, 'upload-413.keys'), min: 1 },
  { name: 'HTTP/2 over TLS 1.2', path: join(CORPUS, 'pcap/generated/gen-tls12-h2.pcap'), keys: join(CORPUS, 'keys/generated/gen-tls12-h2.keys'), min: 2 },
  { name: 'gRPC-Web (HTTP/1.1 and HTTP/2)', path: join(CORPUS, 'pcapng/wireshark/grpc_web.pcapng.gz'), min: 1 },
  { name: 'strace fd streams, decrypted', path: join(SEED, 'upload-413.strace'), keys: join(SEED, 'upload-413.keys'), min: 1 },
  { name: 'a capture set (pcap + strace)', path: join(SEED, 'upload-413.pcap'), more: [join(SEED, 'upload-413.strace')], keys: join(SEED, 'upload-413.keys'), min: 1 },
];

async function open(c: EngineClient, path: string, more?: string[]): Promise<void> {
  const done = new Promise<void>((resolve) => c.onEvent((e) => e.type === 'progress' && e.info.done && resolve()));
  const info = await c.call('open', more ? { path, more } : { path });
  if (!info.done) await done;
}

/** A column's cells as values (texts through the dictionary; NaN and NO_TEXT as null). */
const cells = (col: SqlTableColumn): (string | number | null)[] => col.ids
  ? [...col.ids].map((id) => (id < (col.dict?.length ?? 0) ? (col.dict as string[])[id] : null))
  : [...(col.nums ?? [])].map((v) => (Number.isNaN(v) ? null : v));

describe('httpTable equals the exchange list as columns', () => {
  for (const k of CASES) {
    it(k.name, async () => {
      const c = inProcessEngine();
      try {
        await open(c, k.path, k.more);
        if (k.keys) await c.call('addKeylog', { path: k.keys });
        const rows: HttpExchangeRow[] = [];
        for (let start = 0; ; start += MAX_HTTP_PAGE_ROWS) {
          const p = await c.call('httpPage', { start, count: MAX_HTTP_PAGE_ROWS });
          rows.push(...p.rows);
          if (start + p.rows.length >= p.total || p.rows.length === 0) break;
        }
        expect(rows.length).toBeGreaterThanOrEqual(k.min);
        // Pages of 3 rows: page boundaries and starts past the first page are exercised too.
        const got: (string | number | null)[][] = [];
        let total = 0;
        for (let start = 0; ; start += 3) {
          const p = await c.call('httpTable', { start, count: 3 });
          total = p.total;
          p.columns.forEach((col, j) => (got[j] ??= []).push(...cells(col)));
          if (start + 3 >= p.total) break;
        }
        expect(total).toBe(rows.length);
        const names = (await c.call('httpTable', { start: 0, count: 0 })).columns.map((col) => col.name);
        expect(names).toEqual([...HTTP_COLUMNS.map((d) => d.name), 'time']);
        const want = rowsToColumns(rows, HTTP_COLUMNS).map(cells);
        want.forEach((col, j) => expect(got[j], names[j]).toEqual(col));
        // time: the events table's time of the request (or response) event.
        const ev = await c.call('eventTable', { start: 0, count: MAX_EVENT_TABLE_ROWS, info: false });
        const times = ev.columns.find((col) => col.name === 'time')?.nums ?? new Float64Array(0);
        const wantTime = rows.map((r) => {
          const e = r.request ?? r.response;
          return e === null ? null : times[e - 1];
        });
        expect(got[names.length - 1]).toEqual(wantTime);
      } finally {
        c.close();
      }
    });
  }
});
