/** Where the shared corpus lives (../shared/corpus next to the checkout) and how to list it. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CORPUS = [resolve(import.meta.dirname, '../../../shared/corpus'), '/work/shared/corpus'].find((p) => existsSync(p)) ?? '';

/** Files under `sub` of the corpus (recursively) whose name passes `keep`. */
export function corpusFiles(sub: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (keep(e)) out.push(p);
    }
  };
  const root = join(CORPUS, sub);
  if (existsSync(root)) walk(root);
  return out.sort();
}
