/**
 * The packet list's Protocol and Info columns against tshark 4.0.17, row for row, on every corpus
 * pcap/pcapng tshark reads (goldens: test/golden/columns/NAME.tsv, made by
 * scripts/make-golden-columns.ts, with the same key logs). A row that differs fails unless an
 * entry of COLUMN_EXCEPTIONS (exceptions.ts) explains it; exceptions that no longer match any
 * difference are reported (not failed) so the list shrinks as the engine catches up.
 *
 * COLUMNS_REPORT=1 prints the agreement over all rows (and every difference) instead of failing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSession, scanHttpNow } from '../../../electron/engine/layers/session.ts';
import { openCapture } from '../../../electron/engine/open-capture.ts';
import { addCaptureKeylog } from '../../../electron/engine/tls/capture-tls.ts';
import { COLUMN_KEYS, nameOf } from '../../../scripts/make-golden-columns.ts';
import { CORPUS } from '../../engine/corpus.ts';
import { COLUMN_EXCEPTIONS, exceptionFor, type ColumnDiff } from './exceptions.ts';

const DIR = import.meta.dirname;
const REPORT = process.env.COLUMNS_REPORT === '1';
const goldens = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.tsv')).sort() : [];
/** Corpus path of each golden (the name is the path with `/` → `__`; paths hold no `__`). */
const captureOf = (g: string): string => g.slice(0, -'.tsv'.length).replaceAll('__', '/');

/** Our Protocol and Info per frame, as the packet list shows them (the session's cells). */
async function ourColumns(capture: string): Promise<Map<number, [string, string]>> {
  const { capture: base, indexing } = await openCapture(join(CORPUS, capture));
  await indexing;
  try {
    const s = openSession(base);
    const keys = COLUMN_KEYS[capture]?.keys;
    if (keys) addCaptureKeylog(s.capture, { path: join(CORPUS, keys) });
    // The list once the background HTTP scan has finished (the host runs it after indexing).
    scanHttpNow(s);
    const cols = s.capture.columns();
    const p = cols.findIndex((c) => c.id === 'protocol');
    const i = cols.findIndex((c) => c.id === 'info');
    const out = new Map<number, [string, string]>();
    const cells: string[] = [];
    for (let e = 1; e <= s.capture.count(); e++) {
      s.capture.cells(e, cells);
      out.set(e, [cells[p], cells[i]]);
    }
    return out;
  } finally {
    base.close();
  }
}

const used = new Set<number>();
const totals = { rows: 0, protocol: 0, info: 0 };
const perCapture: string[] = [];

describe('Protocol and Info columns equal tshark 4.0', () => {
  it('has goldens', () => expect(goldens.length).toBeGreaterThan(50));
  it('golden names map back to corpus paths', () => {
    for (const g of goldens) expect(`${nameOf(captureOf(g))}.tsv`).toBe(g);
  });
  for (const g of goldens) {
    const capture = captureOf(g);
    it(capture, async () => {
      const want = readFileSync(join(DIR, g), 'utf8').split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
      const got = await ourColumns(capture);
      const unexplained: string[] = [];
      let p = 0;
      let inf = 0;
      for (const [frame, proto, info = ''] of want) {
        const ours = got.get(Number(frame)) ?? ['(no frame)', ''];
        for (const [column, w, o] of [['Protocol', proto, ours[0]], ['Info', info, ours[1]]] as const) {
          if (w === o) {
            if (column === 'Protocol') p++;
            else inf++;
            continue;
          }
          const diff: ColumnDiff = { capture, frame: Number(frame), column, tshark: w, ours: o, tsharkProtocol: proto };
          const k = exceptionFor(diff);
          if (k >= 0) used.add(k);
          if (k < 0 || REPORT) unexplained.push(`${k < 0 ? '' : '(excepted) '}frame ${frame} ${column}: tshark ${JSON.stringify(w)} ours ${JSON.stringify(o)}`);
        }
      }
      totals.rows += want.length;
      totals.protocol += p;
      totals.info += inf;
      perCapture.push(`${capture}: ${want.length} rows, Protocol ${p}, Info ${inf}`);
      if (REPORT) {
        if (unexplained.length) console.log(`${capture}\n  ${unexplained.join('\n  ')}`);
        return;
      }
      expect(unexplained, capture).toEqual([]);
    });
  }
  afterAll(() => {
    const pct = (n: number): string => ((100 * n) / Math.max(1, totals.rows)).toFixed(1);
    console.log(`columns: ${totals.rows} rows; Protocol agrees on ${totals.protocol} (${pct(totals.protocol)} %), Info on ${totals.info} (${pct(totals.info)} %)`);
    if (REPORT) console.log(perCapture.join('\n'));
    // Reported, not failed: an exception nothing needs any more can go from the list.
    const stale = COLUMN_EXCEPTIONS.filter((_, k) => !used.has(k));
    if (stale.length > 0 && goldens.length > 0) console.log(`column exceptions that no longer differ:\n  ${stale.map((x) => `${x.capture} ${x.column}: ${x.reason}`).join('\n  ')}`);
  });
});
