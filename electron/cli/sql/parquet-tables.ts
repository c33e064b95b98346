/**
 * `export --parquet DIR`: each table straight into DIR/TABLE.parquet by the Parquet writer
 * (parquet-writer.ts), a row group per batch of the engine's columns — no DuckDB in between.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { NO_TEXT } from '../../../shared/rpc.ts';
import { finishFile, startFile, writeRowGroup, type ParquetCodec, type ParquetColumn, type ParquetFile } from './parquet-writer.ts';
import { TABLES, type Table, type TableSink } from './tables.ts';

export interface ParquetTables {
  sink: TableSink;
  /** Finish every file (a table no capture gave rows still gets its columns, or none); returns rows per table. */
  finish: () => Record<Table, number>;
  /** Close the files without finishing them (after an error). */
  abort: () => void;
}

export function parquetTables(dir: string, codec: ParquetCodec = 'none'): ParquetTables {
  mkdirSync(dir, { recursive: true });
  const files = new Map<Table, { fd: number; file: ParquetFile; rows: number }>();
  const open = (t: Table): { fd: number; file: ParquetFile; rows: number } => {
    let f = files.get(t);
    if (f === undefined) {
      const fd = openSync(join(dir, `${t}.parquet`), 'w');
      f = { fd, file: startFile((data) => writeAll(fd, data), { codec, nullId: NO_TEXT }), rows: 0 };
      files.set(t, f);
    }
    return f;
  };
  const sink: TableSink = async (t, columns, rows, constants) => {
    const f = open(t);
    // A constant is one dictionary text: every row's id 0.
    const consts: ParquetColumn[] = constants.map((k) => ({ name: k.name, type: 'VARCHAR', ids: new Uint32Array(rows), dict: [k.text] }));
    writeRowGroup(f.file, [...consts, ...columns], rows);
    f.rows += rows;
  };
  const finish = (): Record<Table, number> => {
    const rows = { events: 0, http: 0, conversations: 0 };
    for (const t of TABLES) {
      const f = open(t);
      finishFile(f.file);
      closeSync(f.fd);
      rows[t] = f.rows;
    }
    files.clear();
    return rows;
  };
  const abort = (): void => {
    for (const f of files.values()) closeSync(f.fd);
    files.clear();
  };
  return { sink, finish, abort };
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let at = 0; at < data.length; ) at += writeSync(fd, data, at);
}
