/**
 * `sql [FILE…] QUERY` and `export FILE… --parquet DIR | --clickhouse DIR` (docs/sql.md): the
 * captures as the tables `events`, `http` and `conversations` in an embedded DuckDB, queried,
 * or written as Parquet files (what DuckDB, Spark, Trino and ClickHouse read) or as ClickHouse
 * JSONEachRow files with their schema.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { EngineClient } from '../../shared/engine-client.ts';
import type { ExportArgs, SqlArgs } from './args.ts';
import { addKeylogs, openAndIndex, write } from './common.ts';
import { clickhouseSchema } from './sql/clickhouse.ts';
import { duckSink, literal, openDuck } from './sql/duck.ts';
import { parquetTables } from './sql/parquet-tables.ts';
import { loadTables, TABLES, type TableSink } from './sql/tables.ts';

/** Open each capture in turn and load its three tables; false when a key log could not be read. */
async function loadCaptures(client: EngineClient, sink: TableSink, a: { files: readonly string[]; keylogs: readonly string[]; info: boolean }, err: Writable): Promise<boolean> {
  const { files, keylogs } = a;
  for (const file of files) {
    const info = await openAndIndex(client, file);
    if (!(await addKeylogs(client, keylogs, err))) return false;
    const name = basename(file);
    await loadTables(client, sink, name, a.info, info.kind !== 'syscalls');
  }
  return true;
}

/** A result value as text: NULL is empty (as `-T fields` prints an absent field). */
function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

function csvCell(t: string): string {
  return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

export async function sql(client: EngineClient, a: SqlArgs, out: Writable, err: Writable): Promise<number> {
  const conn = await openDuck();
  try {
    if (!(await loadCaptures(client, duckSink(conn), a, err))) return 1;
    let reader;
    try {
      reader = await conn.runAndReadAll(a.query);
    } catch (e) {
      await write(err, `tracelens: sql: ${(e as Error).message}\n`);
      return 1;
    }
    const names = reader.columnNames();
    const rows = reader.getRowsJS();
    if (a.format === 'json') {
      for (const r of rows) {
        const o: Record<string, unknown> = {};
        names.forEach((n, k) => (o[n] = typeof r[k] === 'bigint' ? Number(r[k]) : r[k]));
        await write(out, `${JSON.stringify(o)}\n`);
      }
      return 0;
    }
    const sep = a.format === 'csv' ? ',' : '\t';
    const cell = a.format === 'csv' ? (v: unknown) => csvCell(cellText(v)) : (v: unknown) => cellText(v).replace(/\t/g, '\\t').replace(/\n/g, '\\n');
    await write(out, `${names.map((n) => cell(n)).join(sep)}\n`);
    let text = '';
    for (const r of rows) {
      text += `${r.map(cell).join(sep)}\n`;
      if (text.length > 1 << 16) {
        await write(out, text);
        text = '';
      }
    }
    await write(out, text);
    return 0;
  } finally {
    conn.closeSync();
  }
}

export async function exportTables(client: EngineClient, a: ExportArgs, out: Writable, err: Writable): Promise<number> {
  void out;
  if (a.parquet !== undefined) {
    const dir = resolve(a.parquet);
    const files = parquetTables(dir, a.compression);
    let rows;
    try {
      if (!(await loadCaptures(client, files.sink, a, err))) return 1;
      rows = files.finish();
    } finally {
      files.abort();
    }
    await write(err, `tracelens: wrote ${TABLES.map((t) => `${rows[t]} ${t}`).join(', ')} to ${dir}/{${TABLES.join(',')}}.parquet\n`);
  }
  if (a.clickhouse === undefined) return 0;
  const conn = await openDuck();
  try {
    if (!(await loadCaptures(client, duckSink(conn), a, err))) return 1;
    const counts: string[] = [];
    for (const t of TABLES) {
      const n = await conn.runAndReadAll(`SELECT count(*) FROM ${t}`);
      counts.push(`${n.getRowsJS()[0][0]} ${t}`);
    }
    const dir = resolve(a.clickhouse);
    mkdirSync(dir, { recursive: true });
    const schema = await clickhouseSchema(conn);
    writeFileSync(join(dir, 'schema.sql'), schema.sql);
    for (const t of TABLES) await conn.run(`COPY (${schema.selects[t]}) TO ${literal(join(dir, `${t}.jsonl`))} (FORMAT json)`);
    await write(err, `tracelens: wrote ${counts.join(', ')} to ${dir}/schema.sql and {${TABLES.join(',')}}.jsonl\n`);
    return 0;
  } finally {
    conn.closeSync();
  }
}
