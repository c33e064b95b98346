/** scripts/check-cycles.ts: what counts as a value import, cycle finding, and the known-cycle list. */
import { describe, expect, it } from 'vitest';
import { checkCycles, cycles, KNOWN_CYCLES, moduleImports, valueGraph } from '../../scripts/check-cycles.ts';

describe('moduleImports', () => {
  it('marks erased imports as type-only and everything else as values', () => {
    const code = [
      "import type { A } from './a.ts';",
      "import { type B, type C } from './b.ts';",
      "import { type D, e } from './d.ts';",
      "import './side-effect.ts';",
      "export type { F } from './f.ts';",
      "export { g } from '../g.ts';",
      "export * from './h.ts';",
      "const i = () => import('./i.ts');",
      "import { j } from 'node:fs';",
    ].join('\n');
    expect(moduleImports('electron/x/m.ts', code)).toEqual([
      { target: 'electron/x/a.ts', typeOnly: true },
      { target: 'electron/x/b.ts', typeOnly: true },
      { target: 'electron/x/d.ts', typeOnly: false },
      { target: 'electron/x/side-effect.ts', typeOnly: false },
      { target: 'electron/x/f.ts', typeOnly: true },
      { target: 'electron/g.ts', typeOnly: false },
      { target: 'electron/x/h.ts', typeOnly: false },
      { target: 'electron/x/i.ts', typeOnly: false },
    ]);
  });
});

describe('cycles', () => {
  const files: Record<string, string> = {
    'a.ts': "import { b } from './b.ts';",
    'b.ts': "import { c } from './c.ts';",
    'c.ts': "import { a } from './a.ts';",
    'd.ts': "import type { e } from './e.ts'; import { a } from './a.ts';",
    'e.ts': "import { d } from './d.ts';",
    'f.ts': "import { f } from './f.ts';",
  };
  const g = valueGraph(Object.keys(files), (f) => files[f]);

  it('finds value cycles, ignores cycles closed by a type import, and sees self-imports', () => {
    expect(cycles(g).sort()).toEqual([['a.ts', 'b.ts', 'c.ts'], ['f.ts']]);
  });

  it('reports unknown cycles and known cycles that changed', () => {
    const found = cycles(g);
    expect(checkCycles(found, [{ why: 'x', files: ['c.ts', 'a.ts', 'b.ts'] }, { why: 'y', files: ['f.ts'] }])).toEqual([]);
    expect(checkCycles(found, [{ why: 'x', files: ['a.ts', 'b.ts'] }])).toEqual([
      'value-import cycle: a.ts, b.ts, c.ts',
      'value-import cycle: f.ts',
      'known cycle (x) no longer occurs as listed: update KNOWN_CYCLES in scripts/check-cycles.ts',
    ]);
  });

  it('lists each known cycle once, with a reason', () => {
    for (const k of KNOWN_CYCLES) {
      expect(k.why).not.toBe('');
      expect(new Set(k.files).size).toBe(k.files.length);
    }
  });
});
