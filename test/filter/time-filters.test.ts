/**
 * `frame.time` against tshark 4.0.17 in another time zone: a date literal without a zone is
 * local time, as in Wireshark (test/golden/filters/filters-tokyo.tsv, made by
 * scripts/make-golden-filters.sh with TZ=Asia/Tokyo; the UTC cases are in filters.tsv). The
 * last line of the file is `-e frame.time` as tshark prints it there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { openSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS } from '../engine/corpus.ts';
import { matchingFrames } from './frames.ts';

const rows = readFileSync(join(import.meta.dirname, '../golden/filters/filters-tokyo.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => l.split('\t'));

describe('frame.time in Asia/Tokyo', () => {
  const saved = process.env.TZ;
  beforeAll(() => {
    // Node reads TZ again when it changes: Date's local time is Tokyo's from here on.
    process.env.TZ = 'Asia/Tokyo';
  });
  afterAll(() => {
    process.env.TZ = saved;
  });
  for (const [file, filter, frames] of rows.filter((r) => !r[1].startsWith('-e '))) {
    it(filter, async () => {
      expect(await matchingFrames(join(CORPUS, file), filter)).toEqual(frames ? frames.split(' ').map(Number) : []);
    });
  }
  it('prints frame.time in local time', async () => {
    const [file, , want] = rows.find((r) => r[1] === '-e frame.time') ?? [];
    const { capture, indexing } = await openCapture(join(CORPUS, file));
    await indexing;
    const d = createDissection();
    capture.dissect(1, d);
    const got = fieldStrings(d, fieldByName('frame.time')!)[0];
    capture.close();
    // The zone's name is the platform's (Intl gives "GMT+9" for Tokyo, the C library "JST").
    expect(got.replace(/ \S+$/, '')).toBe(want.replace(/ \S+$/, ''));
    expect(got).toMatch(/ (JST|GMT\+9)$/);
  });
});

const times = readFileSync(join(import.meta.dirname, '../golden/filters/filters-times.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => l.split('\t'));

/**
 * frame.time_delta, frame.time_relative (from the index's times, added by the session) and
 * frame.time_delta_displayed (from the last frame the running filter kept, as tshark's one pass:
 * `a or frame.time_delta_displayed > x` depends on which frames `a` kept before).
 */
describe('frame times against other frames, through the session and runFilter', () => {
  for (const [file, filter, frames] of times) {
    it(`${file.split('/').pop()}: ${filter}`, async () => {
      const { capture, indexing } = await openCapture(join(CORPUS, file));
      await indexing;
      try {
        const r = await runFilter(openSession(capture).capture, filter);
        if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
        expect([...r.events]).toEqual(frames ? frames.split(' ').map(Number) : []);
      } finally {
        capture.close();
      }
    });
  }
});
