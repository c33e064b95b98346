/** A table row's colours from its page (RowsPage.colours: index + 1 of the rule that matched). */
import { cssColour, type ColourRule } from '../../shared/colour-rules.ts';
import type { RowsPage } from '../../shared/rpc.ts';

export interface RowColour {
  background: string;
  color: string;
}

/**
 * CSS colours of row `row`, or undefined when the page has no colours (colouring off) or no rule
 * matched. `css` caches each rule's CSS text by rule index.
 */
export function rowColour(page: RowsPage, row: number, rules: readonly ColourRule[], css: Map<number, RowColour>): RowColour | undefined {
  const k = page.colours?.[row - page.start];
  if (!k) return undefined;
  let c = css.get(k);
  if (!c) {
    const rule = rules[k - 1];
    if (!rule) return undefined;
    c = { background: cssColour(rule.bg), color: cssColour(rule.fg) };
    css.set(k, c);
  }
  return c;
}
