/**
 * The user's Decode As rules (View ▸ Decode As…), remembered in the window's localStorage (the
 * desktop app's renderer storage too) and given to the engine before every open. Pure helpers
 * over a small store interface, so they test without a browser.
 */
import type { DecodeAsRule } from '../../shared/rpc.ts';

export interface RuleStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const DECODE_AS_KEY = 'tracelens.decodeAs';
/** More rules than anyone edits by hand; a damaged store must not send the engine a flood. */
const MAX_RULES = 1000;

function browserStore(): RuleStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (e.g. opaque origin)
  }
}

/** Stored rules, keeping only well-formed ones. */
export function parseRules(text: string | null): DecodeAsRule[] {
  if (!text) return [];
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(v)) return [];
  const out: DecodeAsRule[] = [];
  for (const r of v.slice(0, MAX_RULES)) {
    if (typeof r !== 'object' || r === null) continue;
    const o = r as Record<string, unknown>;
    if (typeof o.table === 'string' && typeof o.protocol === 'string' && typeof o.value === 'number' && Number.isInteger(o.value) && o.value >= 0) {
      out.push({ table: o.table, value: o.value, protocol: o.protocol });
    }
  }
  return out;
}

export function loadRules(store: RuleStore | null = browserStore()): DecodeAsRule[] {
  return parseRules(store?.getItem(DECODE_AS_KEY) ?? null);
}

export function saveRules(rules: readonly DecodeAsRule[], store: RuleStore | null = browserStore()): void {
  try {
    if (rules.length === 0) store?.removeItem(DECODE_AS_KEY);
    else store?.setItem(DECODE_AS_KEY, JSON.stringify(rules));
  } catch {
    // Quota or disabled storage: the rules apply to this session only.
  }
}

/** A value typed in the dialog: decimal or 0x hex; null when it is not a number in range. */
export function parseRuleValue(text: string, max: number): number | null {
  const t = text.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) return null;
  const v = Number(t);
  return Number.isSafeInteger(v) && v >= 0 && v <= max ? v : null;
}

/** The largest value of a table: ports are 16 bits, IP protocol numbers 8. */
export function tableMax(table: string): number {
  return table.endsWith('.port') ? 0xffff : table === 'ip.proto' ? 0xff : 0xffffffff;
}

/** tshark's -d form of a rule (`tcp.port==8000,dns`), shown in the dialog and usable on the CLI. */
export function ruleText(r: DecodeAsRule): string {
  return `${r.table}==${r.value},${r.protocol}`;
}
