/**
 * The golden filter table (test/golden/filters/filters.tsv, tshark 4.0.17 -Y) through the path
 * the window and the CLI use: openCapture (the index) + runFilter (re-dissection in the worker),
 * not the full-dissection helper of golden.test.ts. It caught summary-mode dissection dropping
 * TCP/IPv4 header fields (every `tcp.port` filter matched nothing).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Capture } from '../../electron/engine/capture.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS } from '../engine/corpus.ts';
import { GOLDEN_FILTERS, KNOWN_FILTER_DIFFERENCES } from './golden-table.ts';

const corpus = CORPUS;
const rows = GOLDEN_FILTERS;

const KNOWN = KNOWN_FILTER_DIFFERENCES;

const opened = new Map<string, Promise<Capture>>();
function capture(file: string): Promise<Capture> {
  let p = opened.get(file);
  if (!p) {
    p = openCapture(file).then(async ({ capture: c, indexing }) => {
      await indexing;
      return c;
    });
    opened.set(file, p);
  }
  return p;
}

describe('filters through openCapture + runFilter agree with tshark -Y', () => {
  for (const { file, filter, frames } of rows) {
    const test = KNOWN[filter] ? it.fails : it;
    test(`${file.split('/').pop()}: ${filter}`, async () => {
      const run = await runFilter(await capture(join(corpus, file)), filter);
      if (!run.ok) throw new Error(run.errors.map((e) => e.message).join('; '));
      expect([...run.events]).toEqual(frames);
    });
  }
});
