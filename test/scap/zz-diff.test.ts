import { readdirSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { open, SCAP } from './sysdig-lines.ts';
import { agreement, GOLDEN_DIR, readGolden } from './sysdig-fields.ts';
const F = (process.env.F ?? 'fd.num').split(',');
it('dump', async () => {
  const out: string[] = [];
  for (const g of readdirSync(GOLDEN_DIR).filter((x) => x.endsWith('.tsv.gz')).sort()) {
    const rel = g.replace(/^scap__/, '').replace(/\.tsv\.gz$/, '').replaceAll('__', '/');
    const { cap } = await open(`${SCAP}/${rel}`);
    const golden = readGolden(`${GOLDEN_DIR}/${g}`);
    for (const a of agreement(cap, golden, F)) for (const d of a.diffs) out.push([g.slice(0, 30), a.field, d.num, d.type, JSON.stringify(d.want), JSON.stringify(d.got)].join('\t'));
    cap.close();
  }
  writeFileSync('/tmp/s15/diff.tsv', out.join('\n') + '\n');
}, 60000);
