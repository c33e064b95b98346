/**
 * The fields sysdig 0.29.3 cannot show on the corpus in full: proc.fdusage's printf rounding,
 * evt.latency.quantized's wrap from 100 s, and evt.count.procinfo / threadinfo, which only
 * procinfo events have (sysdig hides those events, so its -p output never carries them).
 */
import { describe, expect, it } from 'vitest';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fieldStrings, fixedLikePrintf, formatFieldValue } from '../../electron/engine/dissectors/values.ts';
import { fdUsage, quantizedLatency } from '../../electron/engine/syscalls/syscall-index.ts';
import { SF } from '../../electron/engine/syscalls/fields.ts';
import { open, SCAP } from './sysdig-lines.ts';

describe('proc.fdusage', () => {
  it('is open fds over the limit in percent, printed with one decimal as printf("%.1lf")', () => {
    expect(fdUsage(1, 1024)).toBe(0.09765625);
    expect(fdUsage(2000, 1024)).toBe(100);
    expect(fdUsage(3, 0)).toBe(0);
    expect(formatFieldValue(SF.procFdusage, fdUsage(1, 1024))).toBe('0.1');
    // 64 of 1024 is 6.25 exactly: printf rounds the tie to even, toFixed would give 6.3.
    expect(formatFieldValue(SF.procFdusage, fdUsage(64, 1024))).toBe('6.2');
    expect(formatFieldValue(SF.procFdusage, 100)).toBe('100.0');
    expect([0.75, 0.15, 0.05, 2.5, 3.5, -6.25].map((v) => fixedLikePrintf(v, 1))).toEqual(['0.8', '0.1', '0.1', '2.5', '3.5', '-6.2']);
    expect([2.5, 3.5, 0.5].map((v) => fixedLikePrintf(v, 0))).toEqual(['2', '4', '0']);
  });
});

describe('evt.latency.quantized', () => {
  it('is 1 under 100 s and 0 from there (csysdig screen width -1, unsigned wrap)', () => {
    expect([1, 835, 3e9, 99e9, 1e11, 5e11].map(quantizedLatency)).toEqual([1, 1, 1, 1, 0, 0]);
  });
});

describe('evt.count.procinfo / threadinfo', () => {
  it('procinfo events count 1 thread, and 1 process when on a main thread; other events neither', async () => {
    const { cap } = await open(`${SCAP}/sysdig-inspect/502Error.scap`);
    const d = createDissection();
    let procinfo = 0;
    let mains = 0;
    let others = 0;
    for (let e = 1; e <= cap.count(); e++) {
      cap.dissect(e, d);
      const thread = fieldStrings(d, SF.countThreadinfo);
      const proc = fieldStrings(d, SF.countProcinfo);
      if (fieldStrings(d, SF.type)[0] !== 'procinfo') {
        others += thread.length + proc.length;
        continue;
      }
      procinfo++;
      expect(thread).toEqual(['1']);
      const main = fieldStrings(d, SF.threadTid)[0] === fieldStrings(d, SF.procPid)[0] && fieldStrings(d, SF.procPid).length === 1;
      expect([e, proc]).toEqual([e, main ? ['1'] : []]);
      if (main) mains++;
    }
    cap.close();
    expect(others).toBe(0);
    expect(procinfo).toBeGreaterThan(1000);
    expect(mains).toBeGreaterThan(0);
    expect(mains).toBeLessThan(procinfo);
  });
});
