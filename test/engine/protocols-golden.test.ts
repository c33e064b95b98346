/**
 * Application protocols against tshark 4.0.17 (goldens: test/golden/protocols/PROTO.tsv, made by
 * scripts/make-golden-protocols.ts): in every corpus capture where tshark finds PROTO, the same
 * frames carry it here, with the same Protocol and Info columns (from the index pass, as the
 * table shows them) and the same field values (from a full re-dissection, as `cli list -e`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS } from './corpus.ts';

const GOLDEN = join(import.meta.dirname, '../golden/protocols');

/**
 * Known differences: capture → frame → columns that may differ, and why. Any other difference fails.
 */
const KNOWN: Record<string, { frames: string[]; columns: string[]; why: string }> = {
  'test/fixtures/ntp/ntp-edge.pcap': {
    frames: ['4', '5'],
    columns: ['Info'],
    why: 'truncated header: tshark appends "[Malformed Packet]" to Info; the engine appends it for no protocol, it marks the frame malformed (row colour, details) instead',
  },
};
const goldens = existsSync(GOLDEN) ? readdirSync(GOLDEN).filter((f) => f.endsWith('.tsv')).sort() : [];

/** capture → lines (frame, Protocol, Info, fields…) of one golden file. */
function readGolden(file: string): { fields: string[]; byCapture: Map<string, string[][]> } {
  const [head, ...rows] = readFileSync(join(GOLDEN, file), 'utf8').split('\n').filter((l) => l.length > 0);
  const fields = head.slice(1).split('\t').slice(4);
  const byCapture = new Map<string, string[][]>();
  for (const r of rows) {
    const [capture, ...cols] = r.split('\t');
    if (!byCapture.has(capture)) byCapture.set(capture, []);
    byCapture.get(capture)!.push(cols);
  }
  return { fields, byCapture };
}

describe('application protocols equal tshark', () => {
  it('has goldens', () => expect(goldens).toContain('ntp.tsv'));
  for (const g of goldens) {
    const proto = g.slice(0, -'.tsv'.length);
    const { fields, byCapture } = readGolden(g);
    it(`${proto}: the golden covers at least one capture`, () => expect(byCapture.size).toBeGreaterThan(0));
    for (const [capture, want] of byCapture) {
      it(`${proto} in ${capture}`, async () => {
        // Corpus paths, or repo fixtures (test/fixtures/…) for cases the corpus lacks.
        const path = capture.startsWith('test/') ? join(import.meta.dirname, '../..', capture) : join(CORPUS, capture);
        const { capture: cap, indexing } = await openCapture(path);
        await indexing;
        try {
          const columns = cap.columns();
          const protoCol = columns.findIndex((c) => c.id === 'protocol');
          const infoCol = columns.findIndex((c) => c.id === 'info');
          const top = fieldByName(proto);
          expect(top).toBeDefined();
          const defs = fields.map((f) => fieldByName(f));
          expect(fields.filter((_, k) => !defs[k])).toEqual([]);
          const d = createDissection();
          const cells: string[] = [];
          const got: string[][] = [];
          for (let e = 1; e <= cap.count(); e++) {
            cap.dissect(e, d);
            if (fieldStrings(d, top!).length === 0) continue;
            cap.cells(e, cells);
            got.push([String(e), cells[protoCol], cells[infoCol], ...defs.map((f) => fieldStrings(d, f!).join(','))]);
          }
          // Frame by frame, so a failure names the frame and the column.
          expect(got.map((r) => r[0])).toEqual(want.map((r) => r[0]));
          for (let i = 0; i < want.length; i++) {
            const names = ['frame.number', 'Protocol', 'Info', ...fields];
            const known = KNOWN[capture];
            const allowed = known?.frames.includes(want[i][0]) ? new Set(known.columns) : new Set<string>();
            const diff = names.filter((n, k) => got[i][k] !== want[i][k] && !allowed.has(n)).map((n) => `${n}: want ${want[i][names.indexOf(n)]} got ${got[i][names.indexOf(n)]}`);
            expect(diff, `frame ${want[i][0]}`).toEqual([]);
          }
        } finally {
          cap.close();
        }
      });
    }
  }
});
