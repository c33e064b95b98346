/**
 * DuckDB in the CLI process (`sql`, `export --parquet`): tables made from the engine's pages,
 * appended column by column. The engine never loads DuckDB; only these commands do, lazily, so
 * every other command starts without the native module.
 */
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';

/** A column of rows to append: numbers (NaN = NULL) or texts (null = NULL). */
export interface SqlColumn {
  name: string;
  type: 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN';
  nums?: ArrayLike<number>;
  texts?: readonly (string | null)[];
}

export async function openDuck(): Promise<DuckDBConnection> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
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

function appendValue(app: DuckDBAppender, c: SqlColumn, r: number): void {
  if (c.type === 'VARCHAR') {
    const t = c.texts?.[r];
    if (t === null || t === undefined) app.appendNull();
    else app.appendVarchar(t);
    return;
  }
  const v = c.nums?.[r];
  if (v === undefined || Number.isNaN(v)) app.appendNull();
  else if (c.type === 'BIGINT') app.appendBigInt(BigInt(Math.trunc(v)));
  else if (c.type === 'BOOLEAN') app.appendBoolean(v !== 0);
  else app.appendDouble(v);
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

/**
 * Append `rows` rows of `columns` to `table` (created on first use, widened by columns it lacks;
 * its columns that `columns` lacks get NULL). `constants` are columns with one text for every
 * row (the capture's name).
 */
export async function appendColumns(conn: DuckDBConnection, table: string, columns: readonly SqlColumn[], rows: number, constants: readonly { name: string; text: string }[] = []): Promise<void> {
  const given: SqlColumn[] = [...constants.map((k) => ({ name: k.name, type: 'VARCHAR' as const, texts: [k.text] })), ...columns];
  const order = await tableColumns(conn, table, given);
  const byName = new Map(given.map((c) => [c.name, c]));
  const constant = new Set(constants.map((k) => k.name));
  const app = await conn.createAppender(table);
  try {
    for (let r = 0; r < rows; r++) {
      for (const name of order) {
        const c = byName.get(name);
        if (c === undefined) app.appendNull();
        else appendValue(app, c, constant.has(name) ? 0 : r);
      }
      app.endRow();
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
}
