/**
 * DuckDB in the CLI process (`sql`, `export --parquet`): tables made from the engine's pages,
 * appended column by column. The engine never loads DuckDB; only these commands do, lazily, so
 * every other command starts without the native module.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { NO_TEXT } from '../../../shared/rpc.ts';
import type { TableSink } from './tables.ts';

/**
 * A column of rows to append: numbers (NaN = NULL), or for VARCHAR ids into `dict` (NO_TEXT =
 * NULL), as the engine's eventTable pages carry them.
 */
export interface SqlColumn {
  name: string;
  type: 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';
  nums?: ArrayLike<number>;
  ids?: ArrayLike<number>;
  dict?: readonly string[];
}

export async function openDuck(): Promise<DuckDBConnection> {
  let duck: typeof import('@duckdb/node-api');
  try {
    duck = await import('@duckdb/node-api');
  } catch (e) {
    // A bundle copied without its package's dependencies (or a platform DuckDB has no build for).
    throw new Error(`sql and export need DuckDB (@duckdb/node-api, a dependency of tracelens), which did not load: ${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
  const { DuckDBInstance } = duck;
  const db = await DuckDBInstance.create(':memory:');
  return db.connect();
}

/** A double-quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted SQL string literal. */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function createTableSql(table: string, columns: readonly Pick<SqlColumn, 'name' | 'type'>[]): string {
  return `CREATE TABLE IF NOT EXISTS ${ident(table)} (${columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ')})`;
}

/** The table's columns in order, after adding those of `columns` it lacks (captures of different kinds share one table). */
async function tableColumns(conn: DuckDBConnection, table: string, columns: readonly SqlColumn[]): Promise<string[]> {
  await conn.run(createTableSql(table, columns));
  const info = await conn.runAndReadAll(`SELECT name FROM pragma_table_info(${literal(table)})`);
  const names = info.getRows().map((r) => String(r[0]));
  for (const c of columns) {
    if (names.includes(c.name)) continue;
    await conn.run(`ALTER TABLE ${ident(table)} ADD COLUMN ${ident(c.name)} ${c.type}`);
    names.push(c.name);
  }
  return names;
}

/** Rows per DuckDB data chunk (its vector size). */
const CHUNK_ROWS = 2048;

/** Append typed columns to a table of DOUBLE / VARCHAR columns, a data chunk at a time. */
async function appendChunks(conn: DuckDBConnection, table: string, columns: readonly { text: boolean; values: ArrayLike<number> | readonly string[] }[], rows: number): Promise<void> {
  const { DuckDBDataChunk, DOUBLE, VARCHAR } = await import('@duckdb/node-api');
  const types = columns.map((c) => (c.text ? VARCHAR : DOUBLE));
  const app = await conn.createAppender(table);
  try {
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - start);
      const chunk = DuckDBDataChunk.create(types, n);
      columns.forEach((c, k) => {
        const vec = chunk.getColumnVector(k);
        for (let r = 0; r < n; r++) {
          const v = c.values[start + r];
          vec.setItem(r, typeof v === 'string' ? v : v === undefined || Number.isNaN(v) || v === NO_TEXT ? null : v);
        }
        vec.flush();
      });
      app.appendDataChunk(chunk);
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
}

/**
 * Append `rows` rows of `columns` to `table` (created on first use, widened by columns it lacks;
 * its columns that `columns` lacks get NULL). `constants` are columns with one text for every
 * row (the capture's name). Numbers and text ids go to a staging table a vector at a time (a
 * typed-array write per value), each column's few distinct texts to a table of their own, and
 * one INSERT … SELECT joins and casts them: DuckDB's loop, not a native call per value.
 */
export async function appendColumns(conn: DuckDBConnection, table: string, columns: readonly SqlColumn[], rows: number, constants: readonly { name: string; text: string }[] = []): Promise<void> {
  await tableColumns(conn, table, [...constants.map((k) => ({ name: k.name, type: 'VARCHAR' as const })), ...columns]);
  if (rows === 0) return;
  const stage = `stage_${table}`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${ident(stage)} (${columns.map((c) => `${ident(c.name)} DOUBLE`).join(', ')})`);
  await appendChunks(conn, stage, columns.map((c) => ({ text: false, values: (c.type === 'VARCHAR' ? c.ids : c.nums) ?? [] })), rows);
  const joins: string[] = [];
  const exprs = constants.map((k) => `${literal(k.text)} AS ${ident(k.name)}`);
  for (const [k, c] of columns.entries()) {
    const col = `s.${ident(c.name)}`;
    if (c.type !== 'VARCHAR') {
      exprs.push(c.type === 'DOUBLE' ? `${col} AS ${ident(c.name)}` : `CAST(${col} AS ${c.type}) AS ${ident(c.name)}`);
      continue;
    }
    const dict = `dict_${table}_${k}`;
    const texts = c.dict ?? [];
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${ident(dict)} (id DOUBLE, text VARCHAR)`);
    await appendChunks(conn, dict, [{ text: false, values: Float64Array.from(texts, (_, i) => i) }, { text: true, values: texts }], texts.length);
    joins.push(`LEFT JOIN ${ident(dict)} d${k} ON d${k}.id = ${col}`);
    exprs.push(`d${k}.text AS ${ident(c.name)}`);
  }
  await conn.run(`INSERT INTO ${ident(table)} BY NAME SELECT ${exprs.join(', ')} FROM ${ident(stage)} s ${joins.join(' ')}`);
  await conn.run(`DROP TABLE ${ident(stage)}`);
  for (const k of columns.keys()) if (columns[k].type === 'VARCHAR') await conn.run(`DROP TABLE ${ident(`dict_${table}_${k}`)}`);
}

/** The tables into DuckDB. */
export function duckSink(conn: DuckDBConnection): TableSink {
  return (table, columns, rows, constants) => appendColumns(conn, table, columns, rows, constants);
}
