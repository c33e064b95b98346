/**
 * `export --parquet` writes its files with our own writer (electron/cli/sql/parquet-writer.ts):
 * DuckDB reads them back with every column and value of the same table written by DuckDB's own
 * COPY, on real captures of every format; the encodings hold at their edges (NULLs, booleans,
 * negative and 2^40 integers, a column a row group lacks, bit widths past 8); and the events'
 * Protocol column, filled a page at a time, is what `list` shows per event.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bitWidth, bytes, contents, finishFile, intDictionary, intDictWork, putHybrid, startFile, thriftBytes, writeRowGroup, type ParquetCodec } from '../../electron/cli/sql/parquet-writer.ts';
import { NO_TEXT } from '../../shared/rpc.ts';
import { CORPUS } from '../engine/corpus.ts';
import { cli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEED = join(import.meta.dirname, '../fixtures/seed-413');
const PCAP = join(SEED, 'upload-413.pcap');
const KEYS = join(SEED, 'upload-413.keys');
const STRACE = join(SEED, 'upload-413.strace');
const H2 = join(CORPUS, 'pcap/generated/gen-tls12-h2.pcap');
const H2_KEYS = join(CORPUS, 'keys/generated/gen-tls12-h2.keys');

async function query(...argv: string[]): Promise<string[][]> {
  const r = await cli('sql', ...argv);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out.replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
}

const TABLES = ['events', 'http', 'conversations'];

describe('export --parquet equals DuckDB COPY of the same tables', () => {
  const cases: [string, string[]][] = [
    ['pcap, decrypted', [PCAP, '--keylog', KEYS]],
    ['pcapng.gz, HTTP/2', [join(CORPUS, 'pcapng/wireshark/grpc_web.pcapng.gz')]],
    ['TLS 1.2 HTTP/2, decrypted', [H2, '--keylog', H2_KEYS]],
    ['scap', [join(CORPUS, 'scap/falco/connect_localhost.scap')]],
    ['strace', [STRACE]],
    ['a pcap and a strace log in one table', [PCAP, STRACE]],
  ];
  cases.forEach(([name, args], k) => {
    it(name, async () => {
      const ours = join(dir, `ours-${k}`);
      const duck = join(dir, `duck-${k}`);
      const r = await cli('export', ...args, '--parquet', ours);
      expect(r.err).toMatch(/^tracelens: wrote \d+ events, \d+ http, \d+ conversations to /);
      expect(r.code).toBe(0);
      const copy = TABLES.map((t) => `COPY ${t} TO '${duck}-${t}.parquet' (FORMAT parquet)`).join('; ');
      await query(...args, copy);
      for (const t of TABLES) {
        const a = `read_parquet('${ours}/${t}.parquet')`;
        const b = `read_parquet('${duck}-${t}.parquet')`;
        const schema = (x: string): string => `(SELECT string_agg(column_name || ' ' || column_type, ', ') FROM (DESCRIBE SELECT * FROM ${x}))`;
        const rows = await query(`SELECT (SELECT count(*) FROM ${a}), (SELECT count(*) FROM ${b}), (SELECT count(*) FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b})), (SELECT count(*) FROM (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a})), ${schema(a)}, ${schema(b)}`);
        const [n, m, onlyOurs, onlyDuck, ourSchema, duckSchema] = rows[1];
        expect({ t, n, onlyOurs, onlyDuck, ourSchema }).toEqual({ t, n: m, onlyOurs: '0', onlyDuck: '0', ourSchema: duckSchema });
        if (t === 'events') expect(Number(n)).toBeGreaterThan(0);
      }
    });
  });
});

describe('events.protocol, a page at a time, is the Protocol column of every row', () => {
  const cases: [string, string[]][] = [
    ['HTTP/1.1 over TLS 1.3', [PCAP, '--keylog', KEYS]],
    ['HTTP/2 over TLS 1.2', [H2, '--keylog', H2_KEYS]],
    ['HTTP/1.1 cleartext', [join(CORPUS, 'pcap/generated/gen-http11-plain.pcap')]],
    ['HTTP out of order', [join(CORPUS, 'pcap/wireshark/http-ooo.pcap')]],
    ['HTTP and brotli, pcapng', [join(CORPUS, 'pcapng/wireshark/http-brotli.pcapng')]],
  ];
  for (const [name, args] of cases) {
    it(name, async () => {
      const [file, ...keys] = args;
      // The default columns (cells: the layers' row per event), not -e _ws.col.Protocol.
      const listed = (await cli('list', file, ...keys, '--format', 'json')).out.trim().split('\n').map((l) => (JSON.parse(l) as { Protocol: string }).Protocol);
      const rows = await query(file, ...keys, '--no-info', 'SELECT protocol FROM events ORDER BY number');
      expect(rows.slice(1).map((r) => r[0])).toEqual(listed);
      expect(new Set(listed).size).toBeGreaterThan(1);
    });
  }
});

describe('parquet writer', () => {
  it('thrift compact: field deltas, a long field jump, zigzag varints, lists, booleans', () => {
    // Field 1 i32 -1 (zigzag 1), field 20 i64 300 (long form: type 6, zigzag(20) = 40, zigzag(300) = 600 = 0xd8 0x04),
    // field 21 true (type 1), field 22 list<i32> [1] (header 0x15), stop.
    const b = thriftBytes({ t: 'struct', fields: [[1, { t: 'i32', v: -1 }], [20, { t: 'i64', v: 300 }], [21, { t: 'bool', v: true }], [22, { t: 'list', elem: 'i32', items: [{ t: 'i32', v: 1 }] }]] });
    expect([...b]).toEqual([0x15, 0x01, 0x06, 0x28, 0xd8, 0x04, 0x11, 0x19, 0x15, 0x02, 0x00]);
  });

  it('RLE/bit-packed hybrid: a long run is one RLE run, short runs bit-packed groups (Encodings.md example)', () => {
    const b = bytes();
    putHybrid(b, new Uint8Array(100).fill(1), 100, 1);
    expect([...contents(b)]).toEqual([200, 1, 0x01]);
    const c = bytes();
    // Encodings.md's bit-packing example: 0..7 at width 3 is 10001000 11000110 11111010.
    putHybrid(c, [0, 1, 2, 3, 4, 5, 6, 7], 8, 3);
    expect([...contents(c)]).toEqual([0x03, 0b10001000, 0b11000110, 0b11111010]);
    expect([bitWidth(0), bitWidth(1), bitWidth(2), bitWidth(255), bitWidth(256)]).toEqual([1, 1, 2, 8, 9]);
  });

  it('INT64 of few distinct values in a small range: a dictionary, read back by DuckDB value for value; others PLAIN', async () => {
    const file = join(dir, 'int-dict.parquet');
    const parts: Uint8Array[] = [];
    const f = startFile((d) => parts.push(d.slice()), { nullId: NO_TEXT });
    const n = 5000;
    // Ports and lengths: 300 distinct values from -100 (NULL every 13th); frame numbers: all distinct; 2^40 apart: too wide.
    const small = Float64Array.from({ length: n }, (_, i) => (i % 13 === 0 ? NaN : ((i * 37) % 300) - 100));
    const seq = Float64Array.from({ length: n }, (_, i) => i + 1);
    const wide = Float64Array.from({ length: n }, (_, i) => (i % 3) * 2 ** 40);
    const before = intDictWork.values;
    writeRowGroup(f, [{ name: 'small', type: 'BIGINT', nums: small }, { name: 'seq', type: 'BIGINT', nums: seq }, { name: 'wide', type: 'BIGINT', nums: wide }], n);
    // Linear: each column's values looked at most twice (the range pass, then the slots).
    expect(intDictWork.values - before).toBeLessThanOrEqual(2 * 3 * n);
    finishFile(f);
    writeFileSync(file, Buffer.concat(parts));
    const enc = await query(`SELECT path_in_schema, encodings FROM parquet_metadata('${file}') ORDER BY column_id`);
    expect(enc.slice(1).map((r) => [r[0], r[1].includes('RLE_DICTIONARY')])).toEqual([['small', true], ['seq', false], ['wide', false]]);
    const got = await query(`SELECT small, seq, wide FROM read_parquet('${file}')`);
    const want = Array.from({ length: n }, (_, i) => [Number.isNaN(small[i]) ? '' : String(small[i]), String(seq[i]), String(wide[i])]);
    expect(got.slice(1)).toEqual(want);
  });

  it('intDictionary: first-use order, NULLs skipped, undefined when most values are new or the range is wide', () => {
    const levels = Uint8Array.of(1, 1, 0, 1, 1, 1);
    const d = intDictionary(Float64Array.of(7, 5, NaN, 7, 5, 7), levels, 6, 5);
    expect(d && [...d.values]).toEqual([7, 5]);
    expect(d && [...d.idx]).toEqual([0, 1, 0, 1, 0]);
    expect(intDictionary(Float64Array.of(1, 2, 3, 4), new Uint8Array(4).fill(1), 4, 4)).toBeUndefined();
    expect(intDictionary(Float64Array.of(0, 2 ** 16, 0, 0), new Uint8Array(4).fill(1), 4, 4)).toBeUndefined();
    expect(intDictionary(Float64Array.of(1.5, 1.5, 1.5, 1.5), new Uint8Array(4).fill(1), 4, 4)).toBeUndefined();
    // The slots are reset: a second call sees its own values only.
    const e = intDictionary(Float64Array.of(5, 5, 9, 9), new Uint8Array(4).fill(1), 4, 4);
    expect(e && [...e.values]).toEqual([5, 9]);
  });

  for (const codec of ['none', 'gzip'] as ParquetCodec[]) {
    it(`edge values read back by DuckDB (${codec})`, async () => {
      const file = join(dir, `edges-${codec}.parquet`);
      const parts: Uint8Array[] = [];
      const f = startFile((d) => parts.push(d.slice()), { codec, nullId: NO_TEXT });
      const n = 1000;
      const big = Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? NaN : (i - 500) * 2 ** 40 + i));
      const frac = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? NaN : i / 8));
      const bool = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? NaN : i % 2));
      const dict = Array.from({ length: 300 }, (_, i) => `t${i} é`);
      const ids = Uint32Array.from({ length: n }, (_, i) => (i % 11 === 0 ? NO_TEXT : (i * 7) % 300));
      writeRowGroup(f, [{ name: 'big', type: 'BIGINT', nums: big }, { name: 'frac', type: 'DOUBLE', nums: frac }, { name: 'flag', type: 'BOOLEAN', nums: bool }, { name: 'text', type: 'VARCHAR', ids, dict }], n);
      // A second group without `text` and with a column the first lacks.
      writeRowGroup(f, [{ name: 'big', type: 'BIGINT', nums: Float64Array.of(-1, 2 ** 52) }, { name: 'later', type: 'VARCHAR', ids: Uint32Array.of(0, NO_TEXT), dict: ['x'] }], 2);
      finishFile(f);
      writeFileSync(file, Buffer.concat(parts));
      const p = `read_parquet('${file}')`;
      const rows = await query(`SELECT count(*), count(big), sum(big)::VARCHAR, count(frac), sum(frac), count(flag), sum(flag::INT), count(text), count(DISTINCT text), min(text), count(later) FROM ${p}`);
      let sumBig = 0n;
      let sumFrac = 0;
      let flags = 0;
      let flagCount = 0;
      for (let i = 0; i < n; i++) {
        if (!Number.isNaN(big[i])) sumBig += BigInt(big[i]);
        if (!Number.isNaN(frac[i])) sumFrac += frac[i];
        if (!Number.isNaN(bool[i])) {
          flagCount++;
          flags += bool[i];
        }
      }
      sumBig += -1n + 2n ** 52n;
      const texts = new Set(Array.from(ids).filter((x) => x !== NO_TEXT).map((x) => dict[x]));
      expect(rows[1]).toEqual([String(n + 2), String(n - Math.ceil((n - 3) / 7) + 2), sumBig.toString(), String(n - n / 5), String(sumFrac), String(flagCount), String(flags), String(n - Math.ceil(n / 11)), String(texts.size), [...texts].sort()[0], '1']);
      const one = await query(`SELECT big, frac, flag, text, later FROM (SELECT *, row_number() OVER () AS k FROM ${p}) WHERE k IN (2, 4, 1001, 1002) ORDER BY k`);
      expect(one.slice(1)).toEqual([
        [String(-499 * 2 ** 40 + 1), '0.125', 'true', 't7 é', ''],
        ['', '0.375', '', 't21 é', ''],
        ['-1', '', '', '', 'x'],
        [String(2 ** 52), '', '', '', ''],
      ]);
    });
  }
});
