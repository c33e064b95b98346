/**
 * proc.env against `sysdig -r FILE -p "%proc.env"` (sysdig 0.29.3) on every corpus scap it reads.
 * Environments hold newlines and tabs, so the oracle is apart from the other fields: one
 * `evt.num<TAB>"json"` line per event (test/golden/sysdig/env, scripts/make-golden-sysdig-fields.sh).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { open, SCAP } from './sysdig-lines.ts';
import { agreement, GOLDEN_DIR } from './sysdig-fields.ts';

const ENV_DIR = `${GOLDEN_DIR}/env`;

function readEnvGolden(path: string): { fields: string[]; rows: Map<number, string[]> } {
  const rows = new Map<number, string[]>();
  for (const l of gunzipSync(readFileSync(path)).toString('utf8').split('\n').slice(1)) {
    if (!l) continue;
    const tab = l.indexOf('\t');
    rows.set(Number(l.slice(0, tab)), [l.slice(0, tab), JSON.parse(l.slice(tab + 1)) as string]);
  }
  return { fields: ['evt.num', 'proc.env'], rows };
}

describe('proc.env vs sysdig 0.29.3', () => {
  it('agrees on every event of every corpus scap sysdig reads (except the container metaevent)', async () => {
    const goldens = readdirSync(ENV_DIR).filter((g) => g.endsWith('.tsv.gz')).sort();
    expect(goldens.length).toBe(13);
    let same = 0;
    let total = 0;
    const diffs: string[] = [];
    for (const g of goldens) {
      const rel = g.replace(/^scap__/, '').replace(/\.tsv\.gz$/, '').replaceAll('__', '/');
      const { cap } = await open(`${SCAP}/${rel}`);
      const [a] = agreement(cap, readEnvGolden(`${ENV_DIR}/${g}`), ['proc.env']);
      same += a.same;
      total += a.total;
      for (const d of a.diffs) diffs.push(`${rel} #${d.num} ${d.type} want=${d.want.slice(0, 80)} got=${d.got.slice(0, 80)}`);
      cap.close();
    }
    expect(total).toBe(14807);
    // psp_privileged's one event is the container JSON metaevent, which sysdig gives a process of its own.
    expect(diffs.filter((d) => !d.startsWith('falco/psp_privileged.scap'))).toEqual([]);
    expect(same).toBeGreaterThanOrEqual(total - 1);
  });
});
