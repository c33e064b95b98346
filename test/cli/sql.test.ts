/**
 * SQL over captures (docs/sql.md): `sql FILE "SELECT count(*) FROM events"` equals the event
 * count, `http` rows equal `tracelens http`, `conversations` equal `stats conv,tcp|udp`, the
 * Protocol column equals tshark's, and a Parquet export round-trips through DuckDB with the same
 * counts; the ClickHouse export writes a schema and one JSON line per row.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import { cli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-sql-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEED = join(import.meta.dirname, '../fixtures/seed-413');
const PCAP = join(SEED, 'upload-413.pcap');
const KEYS = join(SEED, 'upload-413.keys');
const H2 = { file: join(CORPUS, 'pcap/generated/gen-tls12-h2.pcap'), keys: join(CORPUS, 'keys/generated/gen-tls12-h2.keys') };

/** The query's rows (tsv, header first) as arrays of cells. */
async function query(...argv: string[]): Promise<string[][]> {
  const r = await cli('sql', ...argv);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out.replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
}

async function events(file: string): Promise<number> {
  const r = await cli('info', file);
  return (JSON.parse(r.out) as { events: number }).events;
}

describe('sql', () => {
  const captures = [
    PCAP,
    join(CORPUS, 'pcapng/wireshark/grpc_web.pcapng.gz'),
    join(CORPUS, 'scap/falco/connect_localhost.scap'),
    join(SEED, 'upload-413.strace'),
  ];
  for (const file of captures) {
    it(`count(*) FROM events is the event count: ${file.split('/').pop()}`, async () => {
      const rows = await query(file, 'SELECT count(*) AS n, min(number), max(number) FROM events');
      const n = await events(file);
      expect(n).toBeGreaterThan(0);
      expect(rows[1]).toEqual([String(n), '1', String(n)]);
    });
  }

  it('events.protocol counts equal tshark\'s Protocol column (decrypted)', async () => {
    const rows = await query(PCAP, '--keylog', KEYS, 'SELECT protocol, count(*) FROM events GROUP BY 1 ORDER BY 1');
    // tshark 4.0.17: tshark -r upload-413.pcap -o tls.keylog_file:upload-413.keys -T fields -e _ws.col.Protocol | sort | uniq -c
    expect(rows.slice(1)).toEqual([['HTTP', '1'], ['TCP', '10'], ['TLSv1', '1'], ['TLSv1.3', '14']]);
  });

  it('events of a syscall capture carry the indexed syscall fields', async () => {
    const file = join(SEED, 'upload-413.strace');
    const sql = await query(file, '--no-info', "SELECT evt_type, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5");
    const listed = (await cli('list', file, '-e', 'evt.type')).out.trim().split('\n');
    const counts = new Map<string, number>();
    for (const t of listed) counts.set(t, (counts.get(t) ?? 0) + 1);
    const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5).map(([t, n]) => [t, String(n)]);
    expect(sql.slice(1)).toEqual(top);
    const failed = await query(file, '--no-info', "SELECT count(*) FROM events WHERE evt_type = 'write' AND evt_rawres < 0");
    expect(Number(failed[1][0])).toBeGreaterThan(0);
  });

  it('http rows equal tracelens http', async () => {
    const rows = await query(H2.file, '--keylog', H2.keys, 'SELECT request, response, method, uri, status, version FROM http ORDER BY request, stream_id');
    const listed = (await cli('http', H2.file, '--keylog', H2.keys)).out.trim().split('\n').map((l) => JSON.parse(l) as { request: number; response: number | null; method: string; uri: string; status: number | null; version: string });
    expect(rows.length - 1).toBe(listed.length);
    expect(listed.length).toBeGreaterThan(0);
    expect(rows.slice(1)).toEqual(listed.map((r) => [String(r.request), String(r.response ?? ''), r.method, r.uri, String(r.status ?? ''), r.version]));
    const withTime = await query(H2.file, '--keylog', H2.keys, 'SELECT count(*) FROM http WHERE time IS NOT NULL');
    expect(withTime[1][0]).toBe(String(listed.length));
  });

  it('conversations equal stats conv,tcp and conv,udp', async () => {
    const file = join(CORPUS, 'pcapng/wireshark/grpc_web.pcapng.gz');
    const rows = await query(file, "SELECT proto, count(*), sum(frames), sum(bytes) FROM conversations GROUP BY 1 ORDER BY 1");
    for (const proto of ['tcp', 'udp']) {
      const conv = JSON.parse((await cli('stats', `conv,${proto}`, file, '--format', 'json')).out) as { frames: number; bytes: number }[];
      const mine = rows.find((r) => r[0] === proto);
      if (conv.length === 0) {
        expect(mine).toBeUndefined();
        continue;
      }
      expect(mine).toEqual([proto, String(conv.length), String(conv.reduce((a, r) => a + r.frames, 0)), String(conv.reduce((a, r) => a + r.bytes, 0))]);
    }
  });

  it('several captures share the tables, named in capture', async () => {
    const strace = join(SEED, 'upload-413.strace');
    const rows = await query(PCAP, strace, '--no-info', 'SELECT capture, count(*) FROM events GROUP BY 1 ORDER BY 1');
    expect(rows.slice(1)).toEqual([['upload-413.pcap', String(await events(PCAP))], ['upload-413.strace', String(await events(strace))]]);
  });

  it('a query error is a message and exit 1', async () => {
    const r = await cli('sql', PCAP, 'SELECT nope FROM events');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tracelens: sql: .*nope/);
  });
});

describe('export', () => {
  it('--parquet round-trips through DuckDB with the same counts', async () => {
    const out = join(dir, 'pq');
    const r = await cli('export', H2.file, PCAP, '--keylog', H2.keys, '--parquet', out);
    expect(r.code).toBe(0);
    const direct = await query(H2.file, PCAP, '--keylog', H2.keys, 'SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM http), (SELECT count(*) FROM conversations), (SELECT count(DISTINCT protocol) FROM events)');
    const fromFiles = await query(`SELECT (SELECT count(*) FROM read_parquet('${out}/**/events.parquet')), (SELECT count(*) FROM read_parquet('${out}/http.parquet')), (SELECT count(*) FROM read_parquet('${out}/conversations.parquet')), (SELECT count(DISTINCT protocol) FROM read_parquet('${out}/events.parquet'))`);
    expect(fromFiles[1]).toEqual(direct[1]);
    expect(Number(direct[1][0])).toBe((await events(H2.file)) + (await events(PCAP)));
  });

  it('--clickhouse writes MergeTree tables and one JSON line per row', async () => {
    const out = join(dir, 'ch');
    const r = await cli('export', PCAP, '--keylog', KEYS, '--clickhouse', out);
    expect(r.code).toBe(0);
    const schema = readFileSync(join(out, 'schema.sql'), 'utf8');
    for (const t of ['events', 'http', 'conversations']) expect(schema).toMatch(new RegExp(`CREATE TABLE IF NOT EXISTS ${t} \\(`));
    expect(schema).toMatch(/ENGINE = MergeTree\(\)/);
    expect(schema).toMatch(/ENGINE = Distributed\(/);
    const lines = readFileSync(join(out, 'events.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(await events(PCAP));
    const first = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(first.capture).toBe('upload-413.pcap');
    expect(first.number).toBe(1);
    expect(typeof first.day).toBe('string');
    const http = readFileSync(join(out, 'http.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { status: number; truncated: number });
    expect(http.map((h) => h.status)).toEqual([413]);
    expect(typeof http[0].truncated).toBe('number');
  });
});
