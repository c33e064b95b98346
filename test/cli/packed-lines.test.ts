/**
 * `list -e` prints packed extract pages straight from their text (packedFieldsLines): every
 * -E style gives the lines fieldsLine gives for the same values, escapes and quotes included.
 */
import { describe, expect, it } from 'vitest';
import { fieldsLine, packedFieldsLines } from '../../electron/cli/run.ts';
import { DEFAULT_FIELD_STYLE, type FieldStyle } from '../../electron/cli/args.ts';
import { createPackedBuilder, packField, packValue, packedValues } from '../../shared/packed-values.ts';

const ROWS: string[][][] = [
  [['1'], ['80', '443'], []],
  [['2'], [], ['a\tb']],
  [['3'], ['say "hi"', "it's"], ['x\ny', 'z\r']],
  [[''], [''], ['only']],
];

const STYLES: FieldStyle[] = [
  DEFAULT_FIELD_STYLE,
  { ...DEFAULT_FIELD_STYLE, separator: ',', aggregator: ';', quote: '"' },
  { ...DEFAULT_FIELD_STYLE, quote: "'", occurrence: 'f' },
  { ...DEFAULT_FIELD_STYLE, separator: '|', occurrence: 'l', aggregator: '/' },
  { ...DEFAULT_FIELD_STYLE, quote: '"', occurrence: 'l' },
];

describe('packed -e lines', () => {
  it('equal fieldsLine for every style', () => {
    const b = createPackedBuilder();
    for (const row of ROWS) {
      for (const vals of row) {
        packField(b);
        for (const v of vals) packValue(b, v);
      }
    }
    const p = packedValues(b);
    for (const style of STYLES) {
      const want = ROWS.map((r) => `${fieldsLine(r, style)}\n`).join('');
      expect(packedFieldsLines(p, ROWS.length, 3, style), JSON.stringify(style)).toBe(want);
      // A page cut short (--count): only its first rows.
      expect(packedFieldsLines(p, 2, 3, style)).toBe(ROWS.slice(0, 2).map((r) => `${fieldsLine(r, style)}\n`).join(''));
    }
  });
});
