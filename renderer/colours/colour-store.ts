/**
 * The user's colouring rules and the View ▸ Colorize Packet List switch, kept in localStorage as
 * a Wireshark colorfilters text (so the stored form is the file users import and export), and
 * sent to the engine whenever a capture is open or the rules change.
 */
import { create } from 'zustand';
import { formatColourRules, parseColourRules, WIRESHARK_DEFAULT_COLORFILTERS, type ColourRule } from '../../shared/colour-rules.ts';
import type { ColourRuleStatus } from '../../shared/rpc.ts';

const RULES_KEY = 'tracelens.colorfilters';
const ON_KEY = 'tracelens.colorize';

export interface ColourState {
  rules: ColourRule[];
  /** View ▸ Colorize Packet List. */
  enabled: boolean;
  /** The engine's answer for the rules in force (inactive rules and why), per rule. */
  status: ColourRuleStatus[];
  dialogOpen: boolean;
}

/** What the store persists to (localStorage in the window, a Map-backed object in tests). */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function storage(): KeyValue | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled for this origin
  }
}

export const defaultRules = (): ColourRule[] => parseColourRules(WIRESHARK_DEFAULT_COLORFILTERS).rules;

/** The saved rules (Wireshark's defaults when none were saved or the text holds none). */
export function loadRules(store: KeyValue | null): ColourRule[] {
  const text = store?.getItem(RULES_KEY);
  if (!text) return defaultRules();
  const { rules } = parseColourRules(text);
  return rules.length > 0 || text.trim() === '' ? rules : defaultRules();
}

export function saveRules(store: KeyValue | null, rules: readonly ColourRule[]): void {
  try {
    store?.setItem(RULES_KEY, formatColourRules(rules));
  } catch {
    // Quota or disabled storage: the rules last for this window only.
  }
}

export function loadEnabled(store: KeyValue | null): boolean {
  return store?.getItem(ON_KEY) !== '0';
}

export const useColours = create<ColourState>(() => ({
  rules: loadRules(storage()),
  enabled: loadEnabled(storage()),
  status: [],
  dialogOpen: false,
}));

export function setRules(rules: ColourRule[]): void {
  saveRules(storage(), rules);
  useColours.setState({ rules });
}

export function setColorize(enabled: boolean): void {
  try {
    storage()?.setItem(ON_KEY, enabled ? '1' : '0');
  } catch {
    // as above
  }
  useColours.setState({ enabled });
}
