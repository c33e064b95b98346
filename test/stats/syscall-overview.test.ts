/**
 * The syscall overview of the seed case's scap (docker-curl-https.scap, curl in Docker) against
 * its oracle, the upstream `sysdig -r` text docker-curl-https.txt (corpus MANIFEST): calls per
 * syscall are its exit (`<`) lines per event type, errors its exit lines with `res=-N`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { syscallOverview } from '../../electron/engine/stats/syscall-overview.ts';
import { CORPUS } from '../engine/corpus.ts';

const DIR = join(CORPUS, 'scap/xxradar-stratoshark');

/** From sysdig's text: exit lines per type, and exit lines with a negative res per (type, res). */
function oracle(): { calls: Map<string, number>; errors: Map<string, number> } {
  const calls = new Map<string, number>();
  const errors = new Map<string, number>();
  for (const line of readFileSync(join(DIR, 'docker-curl-https.txt'), 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[5] !== '<') continue;
    calls.set(f[6], (calls.get(f[6]) ?? 0) + 1);
    const m = / res=-(\d+)/.exec(line);
    if (m) errors.set(`${f[6]} ${m[1]}`, (errors.get(`${f[6]} ${m[1]}`) ?? 0) + 1);
  }
  return { calls, errors };
}

describe('syscall overview of the seed scap', () => {
  it('has sysdig\'s calls per syscall and its failed calls by errno', async () => {
    const { capture, indexing } = await openCapture(join(DIR, 'docker-curl-https.scap'));
    await indexing;
    try {
      const o = syscallOverview(capture);
      const want = oracle();
      const got = new Map(o.syscalls.map((s) => [s.name, s.calls]));
      for (const [name, n] of want.calls) expect(got.get(name), name).toBe(n);
      expect(o.syscalls.reduce((a, s) => a + s.calls, 0)).toBeGreaterThanOrEqual([...want.calls.values()].reduce((a, b) => a + b, 0));
      // sysdig: connect -2 (ENOENT) ×4, -101 (ENETUNREACH) ×4, -115 (EINPROGRESS) ×2; access -2 ×1
      const errs = new Map(o.errors.map((e) => [`${e.syscall} ${e.errno}`, e.count]));
      expect([errs.get('connect ENOENT'), errs.get('connect ENETUNREACH'), errs.get('access ENOENT')]).toEqual([want.errors.get('connect 2'), want.errors.get('connect 101'), want.errors.get('access 2')]);
      expect(o.processes[0].name).toBe('curl');
      expect(o.connections.length).toBeGreaterThan(0);
      expect(o.connections.every((c) => c.name.includes('->'))).toBe(true);
      // Timed: exit events carry the enter→exit latency.
      expect(o.syscalls.find((s) => s.name === 'read')?.meanNs).toBeGreaterThan(0);
    } finally {
      capture.close();
    }
  });
});
