/** The golden filter table (scripts/make-golden-filters.sh): capture, filter, tshark -Y's frame numbers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GoldenFilter {
  file: string;
  filter: string;
  frames: number[];
}

export const GOLDEN_FILTERS: GoldenFilter[] = readFileSync(join(import.meta.dirname, '../golden/filters/filters.tsv'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => {
    const [file, filter, frames] = line.split('\t');
    return { file, filter, frames: frames ? frames.split(' ').map(Number) : [] };
  });

/**
 * Known differences that are not the filter engine's, each naming its cause. Tests run them as
 * `it.fails`, so fixing the cause makes them report an unexpected pass and the entry must go.
 */
export const KNOWN_FILTER_DIFFERENCES: Record<string, string> = {};
