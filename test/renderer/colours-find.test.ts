/** The window's side of colouring rules and Find Packet: storage, reordering, row colours, status words. */
import { describe, expect, it } from 'vitest';
import { formatColourRules, parseColourRules, WIRESHARK_DEFAULT_COLORFILTERS } from '../../shared/colour-rules.ts';
import type { RowsPage } from '../../shared/rpc.ts';
import { loadEnabled, loadRules, saveRules, type KeyValue } from '../../renderer/colours/colour-store.ts';
import { moveRule } from '../../renderer/colours/ColourRulesDialog.tsx';
import { rowColour, type RowColour } from '../../renderer/colours/row-colour.ts';
import { findMessage } from '../../renderer/find/FindBar.tsx';

function memory(): KeyValue & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

const defaults = parseColourRules(WIRESHARK_DEFAULT_COLORFILTERS).rules;

describe('colour rules in the window', () => {
  it('starts from Wireshark defaults and keeps the user rules as a colorfilters text', () => {
    const store = memory();
    expect(loadRules(store)).toEqual(defaults);
    expect(loadEnabled(store)).toBe(true);
    const mine = [{ ...defaults[16], disabled: true }, defaults[0]];
    saveRules(store, mine);
    expect(store.map.get('tracelens.colorfilters')).toBe(formatColourRules(mine));
    expect(loadRules(store)).toEqual(mine);
    // A saved text with no rules in it at all (damaged) falls back to the defaults.
    store.setItem('tracelens.colorfilters', 'garbage\n');
    expect(loadRules(store)).toEqual(defaults);
    store.setItem('tracelens.colorize', '0');
    expect(loadEnabled(store)).toBe(false);
  });

  it('moves a rule up and down, clamped at the ends', () => {
    const names = (rs: typeof defaults) => rs.slice(0, 3).map((r) => r.name);
    expect(names(moveRule(defaults, 1, -1))).toEqual(['HSRP State Change', 'Bad TCP', 'Spanning Tree Topology  Change']);
    expect(names(moveRule(defaults, 0, -1))).toEqual(names(defaults));
    expect(moveRule(defaults, 19, 1).at(-1)!.name).toBe('System Event');
  });

  it('colours a row from the page: rule index + 1, 0 for none, nothing without colours', () => {
    const page = { start: 10, colours: Uint16Array.of(0, 17, 1) } as unknown as RowsPage;
    const css = new Map<number, RowColour>();
    expect(rowColour(page, 10, defaults, css)).toBeUndefined();
    // TCP: [59345,58980,65535] on [4718,10030,11796].
    expect(rowColour(page, 11, defaults, css)).toEqual({ background: '#e7e6ff', color: '#12272e' });
    expect(rowColour(page, 12, defaults, css)).toEqual({ background: '#12272e', color: '#f78787' });
    expect(rowColour({ start: 0 } as unknown as RowsPage, 0, defaults, css)).toBeUndefined();
  });

  it('says what a search found, as Wireshark\'s status bar does', () => {
    const p = { mode: 'string' as const, text: 'abc' };
    expect(findMessage({ row: 3, wrapped: false, cancelled: false }, false, p)).toBeNull();
    expect(findMessage({ row: 3, wrapped: true, cancelled: false }, false, p)?.text).toMatch(/end of the capture/);
    expect(findMessage({ row: 3, wrapped: true, cancelled: false }, true, p)?.text).toMatch(/start of the capture/);
    expect(findMessage({ row: null, wrapped: false, cancelled: false }, false, p)).toEqual({ text: 'No event matched the string “abc”', error: true });
    expect(findMessage({ row: null, wrapped: false, cancelled: false, error: 'bad hex' }, false, p)).toEqual({ text: 'bad hex', error: true });
    expect(findMessage({ row: null, wrapped: false, cancelled: true }, false, p)).toBeNull();
  });
});
