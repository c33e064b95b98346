/**
 * The TCP analysis golden (test/golden/tcp-analysis/tcp-analysis.tsv, made by
 * scripts/make-golden-tcp-analysis.ts) and the same table computed here, row for row.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import '../../electron/engine/fields/all-fields.ts';
import { openSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS } from '../engine/corpus.ts';

export const GOLDEN = join(import.meta.dirname, '../golden/tcp-analysis/tcp-analysis.tsv');

export interface Golden { fields: string[]; byCapture: Map<string, string[][]> }

/** capture → rows (frame, Info, fields…). */
export function readGolden(): Golden {
  const [head, ...rows] = readFileSync(GOLDEN, 'utf8').split('\n').filter((l) => l.length > 0);
  const fields = head.slice(1).split('\t').slice(3);
  const byCapture = new Map<string, string[][]>();
  for (const r of rows) {
    const [capture, ...cols] = r.split('\t');
    while (cols.length < 2 + fields.length) cols.push('');
    if (!byCapture.has(capture)) byCapture.set(capture, []);
    byCapture.get(capture)!.push(cols);
  }
  return { fields, byCapture };
}

/** The leading `[TCP …] ` tags of an Info text. */
export function infoTags(info: string): string {
  const m = /^(\[TCP [^\]]*\] )+/.exec(info);
  return m ? m[0] : '';
}

/** The golden's columns for the given frames, computed by the engine (Info reduced to its tags). */
export async function engineRows(capture: string, frames: number[], fields: string[]): Promise<string[][]> {
  const { capture: base, indexing } = await openCapture(join(CORPUS, capture));
  await indexing;
  try {
    const s = openSession(base);
    const c = s.capture;
    const infoCol = c.columns().findIndex((x) => x.id === 'info');
    const defs = fields.map((f) => {
      const def = fieldByName(f);
      if (!def) throw new Error(`no field ${f}`);
      return def;
    });
    const d = createDissection();
    const cells: string[] = [];
    const out: string[][] = [];
    for (const e of frames) {
      c.dissect(e, d);
      c.cells(e, cells);
      out.push([String(e), infoTags(cells[infoCol]), ...defs.map((f) => {
        const v = fieldStrings(d, f);
        return f.type === 'none' ? v.map(() => '1').join(',') : v.join(',');
      })]);
    }
    return out;
  } finally {
    base.close();
  }
}
