/**
 * `export --clickhouse DIR`: a `schema.sql` of MergeTree tables and the SELECTs that give their
 * JSONEachRow rows. Kept to what ClickHouse 18.16 (Debian 12's package) accepts: Nullable
 * columns outside the sorting key, `PARTITION BY` expressions, no LowCardinality, no codecs.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal } from './duck.ts';
import { TABLES, type Table } from './tables.ts';

/** Per table: the columns never NULL (the sorting and partition keys), the key, the partition. */
const LAYOUT: Record<Table, { notNull: string[]; orderBy: string; partitionBy: string }> = {
  // The common questions go by capture, then by time or event number.
  events: { notNull: ['capture', 'number', 'time', 'day'], orderBy: '(capture, number)', partitionBy: '(capture, day)' },
  http: { notNull: ['capture', 'stream', 'exchange', 'day'], orderBy: '(capture, stream, exchange)', partitionBy: '(capture, day)' },
  conversations: { notNull: ['capture', 'proto', 'address_a', 'address_b'], orderBy: '(capture, proto, address_a, address_b)', partitionBy: 'capture' },
};

const TYPES: Record<string, string> = { BIGINT: 'Int64', DOUBLE: 'Float64', VARCHAR: 'String', BOOLEAN: 'UInt8', DATE: 'Date' };

export interface ClickhouseSchema {
  sql: string;
  /** DuckDB SELECT giving each table's rows in the column order of its CREATE TABLE. */
  selects: Record<Table, string>;
}

/** The day (UTC) of an epoch-seconds column, as ClickHouse's Date text reads it. */
function daySql(col: string): string {
  return `strftime(to_timestamp(coalesce(${col}, 0)), '%Y-%m-%d')`;
}

export async function clickhouseSchema(conn: DuckDBConnection): Promise<ClickhouseSchema> {
  let sql = '-- Tracelens capture tables for ClickHouse (docs/scale.md). Load with\n--   clickhouse-client --query "INSERT INTO events FORMAT JSONEachRow" < events.jsonl\n';
  const selects = {} as Record<Table, string>;
  for (const t of TABLES) {
    const info = await conn.runAndReadAll(`SELECT name, type FROM pragma_table_info(${literal(t)})`);
    const cols = info.getRowsJS().map((r) => ({ name: String(r[0]), type: String(r[1]) }));
    const { notNull, orderBy, partitionBy } = LAYOUT[t];
    if (t !== 'conversations') cols.push({ name: 'day', type: 'DATE' });
    const defs = cols.map((c) => {
      const base = TYPES[c.type] ?? 'String';
      return `  ${c.name} ${notNull.includes(c.name) ? base : `Nullable(${base})`}`;
    });
    sql += `\nCREATE TABLE IF NOT EXISTS ${t} (\n${defs.join(',\n')}\n) ENGINE = MergeTree()\nPARTITION BY ${partitionBy}\nORDER BY ${orderBy};\n`;
    sql += `-- On a cluster, the same table on every shard and one that spreads rows over them:\n-- CREATE TABLE ${t}_all AS ${t} ENGINE = Distributed(captures, default, ${t}, cityHash64(capture));\n`;
    const exprs = cols.map((c) => {
      if (c.name === 'day') return `${daySql(t === 'events' ? 'time' : '"time"')} AS day`;
      if (c.type === 'BOOLEAN') return `CAST(${ident(c.name)} AS INTEGER) AS ${ident(c.name)}`;
      return ident(c.name);
    });
    selects[t] = `SELECT ${exprs.join(', ')} FROM ${t}`;
  }
  return { sql, selects };
}
