/**
 * Every field both tools know (our registry ∩ `tshark -G fields`), every frame of every corpus
 * pcap/pcapng tshark reads, against tshark 4.0.17 (goldens: test/golden/fields-all/NAME.tsv.gz,
 * made by scripts/make-golden-fields-all.ts with the column golden's key logs). Each capture is
 * opened once, as the window opens it (session layers, key log, HTTP scan), and each frame is
 * dissected once recording the golden's fields (as `-e` does); a cell is the field's occurrences joined by `,` as
 * `tshark -T fields` prints them. A cell that differs fails unless an entry of FIELD_EXCEPTIONS
 * (exceptions.ts) explains it; entries nothing needs any more are printed (not failed).
 *
 * FIELDS_REPORT=1 prints the differences per field (count, captures, first example) instead of
 * failing; FIELDS_SHOW=REGEX also prints every difference of the fields it matches.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeTsv } from '../../../electron/cli/run.ts';
import { fieldStrings } from '../../../electron/engine/dissectors/values.ts';
import { fieldByName, type FieldDef } from '../../../electron/engine/fields/registry.ts';
import { createExtractor } from '../../../electron/engine/filter/extract.ts';
import { dissectionFor } from '../../../electron/engine/filter/run-filter.ts';
import { eventTimeNs } from '../../../electron/engine/host/rows-page.ts';
import { openSession, scanHttpNow } from '../../../electron/engine/layers/session.ts';
import { openCapture } from '../../../electron/engine/open-capture.ts';
import { addCaptureKeylog } from '../../../electron/engine/tls/capture-tls.ts';
import { COLUMN_KEYS, nameOf } from '../../../scripts/make-golden-columns.ts';
import { cellDigest } from '../../../scripts/make-golden-fields-all.ts';
import { CORPUS } from '../../engine/corpus.ts';
import { FIELD_EXCEPTIONS, exceptionFor, type FieldDiff } from './exceptions.ts';

const DIR = import.meta.dirname;
const REPORT = process.env.FIELDS_REPORT === '1';
const SHOW = process.env.FIELDS_SHOW ? new RegExp(process.env.FIELDS_SHOW) : undefined;
const goldens = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith('.tsv.gz')).sort() : [];
const captureOf = (g: string): string => g.slice(0, -'.tsv.gz'.length).replaceAll('__', '/');

/** Our cells for `fields`, one row per frame, formatted as the golden stores them. */
async function ourCells(capture: string, fields: readonly FieldDef[]): Promise<string[][]> {
  const { capture: base, indexing } = await openCapture(join(CORPUS, capture));
  await indexing;
  try {
    const s = openSession(base);
    const keys = COLUMN_KEYS[capture]?.keys;
    if (keys) addCaptureKeylog(s.capture, { path: join(CORPUS, keys) });
    scanHttpNow(s);
    // A dissection recording the golden's fields, as `-e` asks (session fields such as
    // frame.time_delta are added only to a dissection that names them).
    const { d } = dissectionFor(fields.map((f) => f.name));
    // frame.time_delta_displayed is the extract path's (the previous displayed event: here every event is).
    const delta = fields.map((f) => f.name === 'frame.time_delta_displayed');
    const extractor = createExtractor(s.capture, fields.filter((_, k) => delta[k]), (e) => eventTimeNs(s.capture, e));
    const rows: string[][] = [];
    for (let e = 1; e <= s.capture.count(); e++) {
      s.capture.dissect(e, d);
      const shown = delta.some(Boolean) ? extractor.values(e, e > 1 ? e - 1 : null) : [];
      rows.push(fields.map((f, k) => cellDigest((delta[k] ? shown[0] : fieldStrings(d, f)).map(escapeTsv).join(','))));
    }
    return rows;
  } finally {
    base.close();
  }
}

/** Exception index → the cells it explained. */
const used = new Map<number, number>();
const totals = { cells: 0, equal: 0, excepted: 0, valueCells: 0, valueEqual: 0 };
/** field → [differing cells, captures, first example] (report mode). */
const byField = new Map<string, { n: number; captures: Set<string>; example: string }>();
/** field → cells compared (report mode). */
const perField = new Map<string, number>();

describe('every shared field equals tshark 4.0 -T fields', () => {
  it('has goldens', () => expect(goldens.length).toBeGreaterThan(50));
  for (const g of goldens) {
    const capture = captureOf(g);
    it(capture, async () => {
      expect(`${nameOf(capture)}.tsv.gz`).toBe(g);
      const lines = gunzipSync(readFileSync(join(DIR, g))).toString('utf8').split('\n').filter((l) => l.length > 0);
      const names = lines[0].slice(1).split('\t');
      const defs = names.map((n) => fieldByName(n));
      const missing = names.filter((_, k) => defs[k] === undefined);
      expect(missing, 'golden fields the registry no longer declares').toEqual([]);
      const got = await ourCells(capture, defs as FieldDef[]);
      expect(got.length, 'frames').toBe(lines.length - 1);
      const unexplained: string[] = [];
      for (let r = 1; r < lines.length; r++) {
        const want = lines[r].split('\t');
        const ours = got[r - 1];
        for (let c = 0; c < names.length; c++) {
          totals.cells++;
          const w = want[c] ?? '';
          if (REPORT) perField.set(names[c], (perField.get(names[c]) ?? 0) + 1);
          const value = (defs[c] as FieldDef).type !== 'protocol';
          if (value) totals.valueCells++;
          if (w === ours[c]) {
            totals.equal++;
            if (value) totals.valueEqual++;
            continue;
          }
          const diff: FieldDiff = { capture, frame: r, field: names[c], type: (defs[c] as FieldDef).type, tshark: w, ours: ours[c] };
          const k = exceptionFor(diff);
          if (k >= 0) {
            used.set(k, (used.get(k) ?? 0) + 1);
            totals.excepted++;
          }
          if (REPORT) {
            const e = byField.get(names[c]) ?? { n: 0, captures: new Set<string>(), example: `${capture} frame ${r}: tshark ${JSON.stringify(w)} ours ${JSON.stringify(ours[c])}` };
            e.n++;
            e.captures.add(capture);
            byField.set(names[c], e);
          }
          if (SHOW?.test(names[c])) console.log(`${k < 0 ? '' : '(excepted) '}${capture} frame ${r} ${names[c]}: tshark ${JSON.stringify(w)} ours ${JSON.stringify(ours[c])}`);
          if (k < 0 && unexplained.length < 40) unexplained.push(`frame ${r} ${names[c]}: tshark ${JSON.stringify(w)} ours ${JSON.stringify(ours[c])}`);
        }
      }
      if (!REPORT) expect(unexplained, capture).toEqual([]);
    });
  }
  afterAll(() => {
    const pct = (n: number, of: number): string => ((100 * n) / Math.max(1, of)).toFixed(2);
    console.log(`fields-all: ${totals.cells} cells, ${totals.equal} equal (${pct(totals.equal, totals.cells)} %), ${totals.excepted} excepted; without protocol nodes ${totals.valueCells} cells, ${totals.valueEqual} equal (${pct(totals.valueEqual, totals.valueCells)} %)`);
    if (REPORT) {
      console.log(FIELD_EXCEPTIONS.map((x, k) => `${used.get(k) ?? 0}\t${String(x.field instanceof RegExp || typeof x.field === 'string' ? x.field : `type ${x.field.type}`)}\t${x.reason.slice(0, 90)}`).join('\n'));
      const rows = [...byField].sort((a, b) => b[1].n - a[1].n);
      console.log(rows.map(([f, e]) => `${f}\t${e.n}/${perField.get(f) ?? 0}\t${e.captures.size}\t${[...e.captures].slice(0, 4).join(' ')}\t${e.example}`).join('\n'));
    }
    const stale = FIELD_EXCEPTIONS.filter((_, k) => !used.has(k));
    if (stale.length > 0 && goldens.length > 0) console.log(`field exceptions that no longer differ:\n  ${stale.map((x) => `${String(x.field)}: ${x.reason}`).join('\n  ')}`);
  });
});
