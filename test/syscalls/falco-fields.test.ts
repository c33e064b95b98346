/**
 * Falco's derived syscall fields where no sysdig oracle exists: strace logs (the scap side is
 * held to `sysdig -p` by test/scap/sysdig-fields.test.ts). Each field is checked against the
 * log line it came from, with libsinsp's rules (sinsp_filter_check_event): open flags, errors,
 * I/O direction, waits, the -T duration as evt.latency.human.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import '../../electron/engine/fields/all-fields.ts';
import { openCaptureSource } from '../../electron/engine/io/capture-source.ts';
import { openStrace } from '../../electron/engine/readers/strace/open-strace.ts';
import { humanDuration } from '../../electron/engine/syscalls/syscall-index.ts';
import { CORPUS } from '../engine/corpus.ts';

const LOG = `${CORPUS}/strace/generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt`;

describe('humanDuration (libsinsp format_time)', () => {
  it('prints each unit as sysdig 0.29.3 does', () => {
    // Values seen in the corpus goldens (evt.latency -> evt.latency.human).
    expect(humanDuration(0)).toBe('0ns');
    expect(humanDuration(835)).toBe('835ns');
    expect(humanDuration(1593)).toBe('1.59us');
    expect(humanDuration(10146)).toBe('10us');
    expect(humanDuration(21000)).toBe('21us');
    // The unit boundaries of format_time.
    expect(humanDuration(1_234_567)).toBe('1.23ms');
    expect(humanDuration(12_345_678)).toBe('12ms');
    expect(humanDuration(1_234_567_890)).toBe('1.23s');
    expect(humanDuration(61_000_000_000)).toBe('1:1');
    expect(humanDuration(3_723_000_000_000)).toBe('01:02:03');
  });
});

describe('Falco fields on an strace log', () => {
  it('open flags, errors, I/O direction, waits and latency follow the line', async () => {
    const warnings: string[] = [];
    const cap = await openStrace(openCaptureSource(LOG), {}, warnings);
    const text = readFileSync(LOG);
    const d = createDissection();
    const get = (name: string): string[] => fieldStrings(d, fieldByName(name)!);
    const seen = { open: 0, openErr: 0, read: 0, wait: 0, latency: 0 };
    for (let e = 1; e <= cap.count(); e++) {
      cap.dissect(e, d);
      const r = cap.range(e);
      const line = text.subarray(r.offset, r.offset + r.length).toString('latin1');
      const type = get('evt.type')[0];
      expect(get('evt.count')).toEqual(['1']);
      const failed = / = -1 [A-Z]+/.test(line);
      expect([e, get('evt.count.error')]).toEqual([e, failed ? ['1'] : []]);
      if (type === 'openat' || type === 'open') {
        seen.open++;
        expect([e, get('evt.is_open_read')]).toEqual([e, [/O_RDONLY|O_RDWR/.test(line) ? '1' : '0']]);
        expect([e, get('evt.is_open_write')]).toEqual([e, [/O_WRONLY|O_RDWR/.test(line) ? '1' : '0']]);
        if (failed) {
          seen.openErr++;
          expect([e, get('evt.count.error.file')]).toEqual([e, ['1']]);
        }
      } else if (get('evt.res').length > 0) expect([e, get('evt.is_open_read')]).toEqual([e, ['0']]);
      if (type === 'read' || type === 'recvfrom') {
        seen.read++;
        expect([e, get('evt.io_dir')]).toEqual([e, ['read']]);
      }
      if (type === 'write' || type === 'sendto') expect([e, get('evt.io_dir')]).toEqual([e, ['write']]);
      if (type === 'poll' || type === 'ppoll' || type === 'select') {
        seen.wait++;
        expect([e, get('evt.is_wait')]).toEqual([e, ['1']]);
      }
      if (type === 'fstat' || type === 'close') expect([e, get('evt.is_wait')]).toEqual([e, ['0']]);
      const t = /<(\d+)\.(\d{6})>\s*$/.exec(line.trimEnd());
      if (t) {
        seen.latency++;
        const ns = Number(t[1]) * 1e9 + Number(t[2]) * 1000;
        expect([e, get('evt.latency'), get('evt.latency.human')]).toEqual([e, [String(ns)], [humanDuration(ns)]]);
      }
    }
    // The log has every kind checked above.
    expect(seen.open).toBeGreaterThan(10);
    expect(seen.openErr).toBeGreaterThan(0);
    expect(seen.read).toBeGreaterThan(10);
    expect(seen.wait).toBeGreaterThan(0);
    expect(seen.latency).toBeGreaterThan(100);
    cap.close();
  });
});
