/**
 * The golden filter table (test/golden/filters/filters.tsv, tshark 4.0.17 -Y) through the path
 * the window and the CLI use: openCapture (the index) + runFilter (re-dissection in the worker),
 * not the full-dissection helper of golden.test.ts. It caught summary-mode dissection dropping
 * TCP/IPv4 header fields (every `tcp.port` filter matched nothing).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Capture } from '../../electron/engine/capture.ts';
import { runFilter } from '../../electron/engine/filter/run-filter.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS } from '../engine/corpus.ts';

const corpus = CORPUS;
const rows = readFileSync(join(import.meta.dirname, '../golden/filters/filters.tsv'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => {
    const [file, filter, frames] = line.split('\t');
    return { file, filter, frames: frames ? frames.split(' ').map(Number) : [] };
  });

/** Same known difference as golden.test.ts (not the filter engine's). */
const KNOWN: Record<string, string> = {
  'tcp contains "GET /big.txt"': "the tcp protocol entry spans only the TCP header; Wireshark's spans header + payload (dissectors/tcp.ts)",
};

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
