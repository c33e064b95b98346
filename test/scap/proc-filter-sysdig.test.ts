/**
 * proc.pid / proc.name / thread.tid filters against sysdig 0.29.3 (oracles/make-proc-filter-oracles.sh).
 * Ours match what sysdig prints plus the procinfo events of the same thread: sysdig never prints an
 * internal event (sysdig.cpp skips EC_INTERNAL unless -D, and with -D sinsp::next lets every internal
 * event through the filter), while our list shows them and libsinsp gives each procinfo event the
 * thread sysdig -D prints beside it. So the expected set is the filtered oracle plus the procinfo
 * events whose -D tid / pid / name is the value; no other event may differ (shape i's +581 at 1 M).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { SCAP } from './sysdig-lines.ts';

const ORACLES = `${import.meta.dirname}/oracles`;

const CASES: [file: string, field: 'proc.name' | 'proc.pid' | 'thread.tid', value: string][] = [
  ['sysdig-inspect/502Error.scap', 'proc.name', 'haproxy'],
  ['sysdig-inspect/502Error.scap', 'proc.pid', '13700'],
  ['sysdig-inspect/502Error.scap', 'thread.tid', '13700'],
  ['falco/psp_run_as_user_0_container.scap', 'proc.name', 'sshd'],
  ['falco/ping_sendto.scap', 'proc.pid', '738'],
  ['falcosecurity-libs/single_ipv6_conn.scap', 'thread.tid', '25886'],
];

const lines = (path: string): string[][] => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => l.split(' '));
const baseName = (file: string): string => file.replace(/^.*\//, '').replace(/\.scap$/, '');

describe('proc and thread filters agree with sysdig', () => {
  for (const [file, field, value] of CASES) {
    it(`${baseName(file)}: ${field} == ${value}`, async () => {
      const shown = lines(`${ORACLES}/${baseName(file)}.${field}=${value}.txt`).map((l) => Number(l[0]));
      const procinfo = lines(`${ORACLES}/${baseName(file)}.${field}=${value}.procinfo.txt`).map((l) => Number(l[0]));
      expect(shown.length).toBeGreaterThan(0);
      expect(procinfo.length).toBeGreaterThan(0);
      const { capture, indexing } = await openCapture(`${SCAP}/${file}`);
      await indexing;
      const r = await runFilter(capture, `${field} == ${value}`);
      capture.close();
      if (!r.ok) throw new Error('filter failed');
      expect([...r.events]).toEqual([...shown, ...procinfo].sort((a, b) => a - b));
    });
  }
});
