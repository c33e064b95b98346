/**
 * The display-filter table: every filter in test/golden/filters/filters.tsv (made by
 * scripts/make-golden-filters.sh with tshark 4.0.17 `-Y`) must select exactly the frames
 * tshark selected.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchingFrames } from './frames.ts';
import { CORPUS } from '../engine/corpus.ts';
import { GOLDEN_FILTERS, KNOWN_FILTER_DIFFERENCES } from './golden-table.ts';

const corpus = CORPUS;
const rows = GOLDEN_FILTERS;

const KNOWN = KNOWN_FILTER_DIFFERENCES;

describe('display filters agree with tshark -Y', () => {
  it('has the table', () => expect(rows.length).toBeGreaterThanOrEqual(80));
  for (const { file, filter, frames } of rows) {
    const test = KNOWN[filter] ? it.fails : it;
    test(`${file.split('/').pop()}: ${filter}${KNOWN[filter] ? ` (known: ${KNOWN[filter]})` : ''}`, async () => {
      expect(await matchingFrames(join(corpus, file), filter)).toEqual(frames);
    });
  }
});
