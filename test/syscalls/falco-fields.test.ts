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
import '../../electron/engine/fields/all-fields.ts';
import { openCaptureSource } from '../../electron/engine/io/capture-source.ts';
import { openStrace } from '../../electron/engine/readers/strace/open-strace.ts';
import { humanDuration } from '../../electron/engine/syscalls/syscall-index.ts';
import { fieldByName, fieldCatalogue } from '../../electron/engine/fields/registry.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { GOLDEN_DIR, readGolden } from '../scap/sysdig-fields.ts';
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

/** Event numbers whose golden column `field` is `value` (the oracle's own per-event values). */
function goldenEvents(file: string, field: string, value: string): number[] {
  const g = readGolden(`${GOLDEN_DIR}/${file.replaceAll('/', '__')}.tsv.gz`);
  const col = g.fields.indexOf(field);
  return [...g.rows].filter(([, row]) => row[col] === value).map(([n]) => n).sort((a, b) => a - b);
}

describe('Falco fields in the filter language and the field list, against sysdig 0.29.3', () => {
  it('fields lists each new field once with its type', () => {
    const cat = fieldCatalogue();
    for (const [name, type] of [['evt.latency.human', 'string'], ['evt.reltime', 'uint'], ['evt.is_open_read', 'bool'], ['evt.count.error.file', 'uint'], ['proc.exeline', 'string'], ['thread.vtid', 'int'], ['user.shell', 'string'], ['container.type', 'string']]) {
      expect(cat.filter((f) => f.name === name).map((f) => f.type)).toEqual([type]);
    }
  });

  // Each filter selects the events whose value sysdig printed (its golden column), among those it prints.
  const cases: [file: string, filter: string, field: string, value: string][] = [
    ['scap/falco/open-multiple-files.scap', 'evt.is_open_read == 1', 'evt.is_open_read', 'true'],
    ['scap/falcosecurity-libs/curl_google.scap', 'evt.is_wait == 1', 'evt.is_wait', 'true'],
    ['scap/falcosecurity-libs/curl_google.scap', 'evt.io_dir == "write"', 'evt.io_dir', 'write'],
    ['scap/sysdig-inspect/502Error.scap', 'evt.count.error.net == 1', 'evt.count.error.net', '1'],
    ['scap/sysdig-inspect/502Error.scap', 'container.type == "docker"', 'container.type', 'docker'],
    ['scap/sysdig-inspect/502Error.scap', 'user.shell == "/bin/false"', 'user.shell', '/bin/false'],
  ];
  for (const [file, filter, field, value] of cases) {
    it(`${file}: ${filter}`, async () => {
      const { capture, indexing } = await openCapture(`${CORPUS}/${file}`);
      await indexing;
      const run = await runFilter(capture, filter);
      if (!run.ok) throw new Error(run.errors.map((e) => e.message).join('; '));
      const want = goldenEvents(file, field, value);
      expect(want.length).toBeGreaterThan(0);
      const shown = new Set(readGolden(`${GOLDEN_DIR}/${file.replaceAll('/', '__')}.tsv.gz`).rows.keys());
      // Only the events sysdig prints are compared (it hides internal events such as procinfo).
      const got = [...run.events].filter((e) => shown.has(e));
      const missing = want.filter((e) => !got.includes(e));
      const extra = got.filter((e) => !want.includes(e));
      // The golden test's 99% floor, per filter: at most 1% of the oracle's matches differ.
      expect(missing.length + extra.length).toBeLessThanOrEqual(Math.floor(want.length / 100));
      capture.close();
    });
  }
});
