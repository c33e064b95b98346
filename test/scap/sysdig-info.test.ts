/**
 * evt.info against `sysdig -r FILE -p "%evt.info"` (sysdig 0.29.3) on every corpus scap it reads
 * (test/golden/sysdig/info, JSON-encoded as the arguments may hold newlines; written by
 * scripts/make-golden-sysdig-fields.sh). libsinsp has no info line of its own: evt.info is the
 * evt.args text, so it differs where evt.args does (the kinds scap.test.ts EXPLAINED lists).
 * It is hidden in the details tree (FieldInfo.hidden), where evt.args already shows the text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { detailsTree } from '../../electron/engine/host/details-tree.ts';
import { open, SCAP } from './sysdig-lines.ts';
import { agreement, GOLDEN_DIR } from './sysdig-fields.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';

/** The share (%) of events where our evt.info equals sysdig 0.29.3's as it prints it (a floor). */
const MIN_SHARE = 96.4;

const INFO_DIR = `${GOLDEN_DIR}/info`;

function readInfoGolden(path: string): { fields: string[]; rows: Map<number, string[]> } {
  const rows = new Map<number, string[]>();
  for (const l of gunzipSync(readFileSync(path)).toString('utf8').split('\n').slice(1)) {
    if (!l) continue;
    const tab = l.indexOf('\t');
    // sysdig ends the text with a space after the last argument (TYPE_ARGS writes "name=value " each).
    rows.set(Number(l.slice(0, tab)), [l.slice(0, tab), (JSON.parse(l.slice(tab + 1)) as string).replace(/ $/, '')]);
  }
  return { fields: ['evt.num', 'evt.info'], rows };
}

describe('evt.info vs sysdig 0.29.3', () => {
  it('is evt.args in both tools: ours on every event, sysdig\'s on every line of its rendering', async () => {
    const goldens = readdirSync(INFO_DIR).filter((g) => g.endsWith('.tsv.gz')).sort();
    expect(goldens.length).toBe(13);
    let total = 0;
    let same = 0;
    const notArgs: string[] = [];
    for (const g of goldens) {
      const rel = g.replace(/^scap__/, '').replace(/\.tsv\.gz$/, '').replaceAll('__', '/');
      const { cap } = await open(`${SCAP}/${rel}`);
      const golden = readInfoGolden(`${INFO_DIR}/${g}`);
      const d = createDissection();
      for (const num of golden.rows.keys()) {
        cap.dissect(num, d);
        const info = fieldByName('evt.info');
        const args = fieldByName('evt.args');
        expect(info && args && fieldStrings(d, info)).toEqual(args && fieldStrings(d, args));
      }
      const [a] = agreement(cap, golden, ['evt.info']);
      same += a.same;
      total += a.total;
      cap.close();
      // sysdig's %evt.info is the ARGS of its own default line (FILE.scap.sysdig.txt, sysdig 0.29.3).
      const lines = new Map<number, string>();
      for (const l of readFileSync(`${SCAP}/${rel}.sysdig.txt`, 'utf8').split('\n')) if (/^\d+ /.test(l)) lines.set(Number(l.split(' ')[0]), l.trimEnd());
      for (const [num, [, info]] of golden.rows) {
        const line = lines.get(num);
        if (line === undefined) continue;
        const m = /^(\d+ \S+ \d+ .* \(\d+\) [<>] \S+)(?: (.*))?$/s.exec(line);
        if (!m || (m[2] ?? '') !== info.trimEnd()) notArgs.push(`${rel} #${num}: ${info.slice(0, 80)}`);
      }
    }
    expect(total).toBe(14807);
    // psp_privileged: the container JSON metaevent (its JSON holds the line breaks of the rendering).
    expect(notArgs.filter((x) => !x.startsWith('falco/psp_privileged.scap'))).toEqual([]);
    // What differs is what evt.args differs by: the table kinds scap.test.ts EXPLAINED lists
    // (mmap res in hex, AF_LOCAL alone, empty buffers, vpgid, loginuid, container users, send
    // tuples): evt.args follows the current event table, as the seed rendering does.
    expect(Math.floor((1000 * same) / total) / 10).toBeGreaterThanOrEqual(MIN_SHARE);
  });

  it('is not a line of the details tree (evt.args is)', async () => {
    const { cap } = await open(`${SCAP}/falco/cat_write.scap`);
    const d = createDissection();
    cap.dissect(141, d);
    cap.close();
    // In the dissection (filters, columns, -e read it), with the arguments' text.
    const info = fieldByName('evt.info');
    const args = fieldStrings(d, fieldByName('evt.args')!);
    expect(args[0]).toMatch(/^fd=3\(<f>\/etc\/ld\.so\.cache\)/);
    expect(info && fieldStrings(d, info)).toEqual(args);
    const evt = detailsTree(d).find((n) => n.field === 'evt');
    const names = (evt?.children ?? []).map((n) => n.field);
    expect(names).toContain('evt.args');
    expect(names).not.toContain('evt.info');
  });
});
