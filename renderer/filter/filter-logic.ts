/**
 * The filter bar's logic, apart from the editor: validation state (the shared parser, no round
 * trip), token classes for highlighting, history, saved filters, and the Wireshark "Apply as
 * Filter" combinations used by the details tree. Pure functions; storage is passed in.
 */
import { parseFilter, type FieldSource, type FilterAst, type FilterMessage } from '../../shared/filter/index.ts';
import { lookup } from '../../shared/filter/fields-index.ts';
import { FILTER_KEYWORDS, isFilterFunction } from '../../shared/filter/ast.ts';
import type { DetailsNode } from '../../shared/rpc.ts';

/* ----------------------------------------------------------------------------- validation */

export type FilterStatus = 'empty' | 'valid' | 'warning' | 'invalid';

export interface Validation {
  status: FilterStatus;
  /** Errors when invalid, else warnings. */
  messages: FilterMessage[];
}

/** Green / yellow / red as Wireshark's filter bar: empty text is neutral and always applies. */
export function validateFilter(text: string, fields: FieldSource): Validation {
  if (text.trim() === '') return { status: 'empty', messages: [] };
  const r = parseFilter(text, fields);
  if (!r.ok) return { status: 'invalid', messages: r.errors };
  const warnings = [...r.warnings, ...bareBooleans(r.ast)];
  return warnings.length ? { status: 'warning', messages: warnings } : { status: 'valid', messages: [] };
}

/**
 * A boolean field alone tests that it is present, not that it is true (Wireshark's rule:
 * `tcp.flags.syn` matches every TCP packet, `evt.failed` every event with a result). People
 * coming from Falco expect the other meaning, so say so and offer `== 1`.
 */
function bareBooleans(ast: FilterAst): FilterMessage[] {
  const out: FilterMessage[] = [];
  const walk = (t: FilterAst): void => {
    if (t.t === 'and' || t.t === 'or' || t.t === 'xor') {
      walk(t.l);
      walk(t.r);
    } else if (t.t === 'not') walk(t.e);
    else if (t.t === 'exists' && t.e.v === 'field' && t.e.type === 'bool') {
      out.push({
        message: `${t.e.name} alone is true wherever the field is present, whatever its value; write ${t.e.name} == 1 to keep only true values`,
        from: t.e.from,
        to: t.e.to,
        suggestion: `${t.e.name} == 1`,
      });
    }
  };
  walk(ast);
  return out;
}

/** `text` with the message's range replaced by its suggestion (the "did you mean" fix). */
export function applySuggestion(text: string, m: FilterMessage): string | null {
  if (m.suggestion === undefined) return null;
  return text.slice(0, m.from) + m.suggestion + text.slice(m.to);
}

/* ------------------------------------------------------------------------- highlighting */

export type TokenClass = 'field' | 'unknown-field' | 'keyword' | 'function' | 'operator' | 'string' | 'literal' | 'ref';

export interface TokenSpan {
  from: number;
  to: number;
  cls: TokenClass;
}

const KEYWORDS: ReadonlySet<string> = new Set(FILTER_KEYWORDS);
const OP_CHARS = /[=!<>~&|^+\-*/%(){}[\],#.]/;

/**
 * Token classes for highlighting. Unlike the parser this never fails: half-typed filters
 * (an open string, a stray character) still get colours up to where the user is typing.
 * A word is a field when the catalogue knows it; other words are literals, except a
 * dotted lowercase name that is not a field (shown as an unknown field).
 */
export function highlightTokens(text: string, fields: FieldSource): TokenSpan[] {
  const out: TokenSpan[] = [];
  let i = 0;
  let inSlice = false;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const from = i;
    if (c === '"' || (c === 'r' && text[i + 1] === '"')) {
      i += c === 'r' ? 2 : 1;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i = Math.min(text.length, i + 1);
      out.push({ from, to: i, cls: 'string' });
      continue;
    }
    if (c === "'") {
      i++;
      while (i < text.length && text[i] !== "'") i += text[i] === '\\' ? 2 : 1;
      i = Math.min(text.length, i + 1);
      out.push({ from, to: i, cls: 'literal' });
      continue;
    }
    if (c === '$') {
      i++;
      if (text[i] === '{') {
        const end = text.indexOf('}', i);
        i = end < 0 ? text.length : end + 1;
      } else while (i < text.length && /[A-Za-z0-9_.-]/.test(text[i])) i++;
      out.push({ from, to: i, cls: 'ref' });
      continue;
    }
    if (inSlice && c !== ']') {
      // Slice bodies (`[1:2,4-6]`) are numbers and separators.
      i++;
      while (i < text.length && text[i] !== ']') i++;
      out.push({ from, to: i, cls: 'literal' });
      continue;
    }
    if (/[A-Za-z0-9_:]/.test(c) || (c === '.' && text[i + 1] !== '.')) {
      i++;
      while (i < text.length && /[A-Za-z0-9_.:/-]/.test(text[i]) && !(text[i] === '.' && text[i + 1] === '.')) i++;
      const word = text.slice(from, i);
      let cls: TokenClass;
      if (KEYWORDS.has(word)) cls = 'keyword';
      else if (isFilterFunction(word) && /^\s*\(/.test(text.slice(i))) cls = 'function';
      else if (lookup(fields, word)) cls = 'field';
      else if (/^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)+$/.test(word)) cls = 'unknown-field';
      else cls = 'literal';
      out.push({ from, to: i, cls });
      continue;
    }
    // Operators: longest first so `===` stays one token.
    let len = 1;
    for (const op of ['===', '!==', '==', '!=', '~=', '<=', '>=', '&&', '||', '^^', '..']) {
      if (text.startsWith(op, i)) {
        len = op.length;
        break;
      }
    }
    if (c === '[') inSlice = true;
    if (c === ']') inSlice = false;
    i += len;
    if (OP_CHARS.test(c)) out.push({ from, to: i, cls: 'operator' });
  }
  return out;
}

/* ------------------------------------------------------------------- history and saving */

/** What the bar persists to (localStorage in the window, a Map in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const HISTORY_KEY = 'tracelens.filterHistory';
export const SAVED_KEY = 'tracelens.savedFilters';
export const MAX_HISTORY = 100;

export interface SavedFilter {
  label: string;
  text: string;
}

function readJson(store: KeyValueStore | null, key: string): unknown {
  try {
    const s = store?.getItem(key);
    return s ? (JSON.parse(s) as unknown) : null;
  } catch {
    return null; // damaged or foreign value: start over rather than fail the window
  }
}

function writeJson(store: KeyValueStore | null, key: string, value: unknown): void {
  try {
    store?.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the bar keeps working for this session.
  }
}

/** Applied filters, most recent first. */
export function loadHistory(store: KeyValueStore | null): string[] {
  const v = readJson(store, HISTORY_KEY);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX_HISTORY) : [];
}

/** Record an applied filter: moves to the front, no duplicates, bounded. */
export function pushHistory(store: KeyValueStore | null, history: readonly string[], text: string): string[] {
  const t = text.trim();
  if (!t) return [...history];
  const next = [t, ...history.filter((h) => h !== t)].slice(0, MAX_HISTORY);
  writeJson(store, HISTORY_KEY, next);
  return next;
}

export function loadSaved(store: KeyValueStore | null): SavedFilter[] {
  const v = readJson(store, SAVED_KEY);
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is SavedFilter => typeof x === 'object' && x !== null && typeof (x as SavedFilter).label === 'string' && typeof (x as SavedFilter).text === 'string');
}

/** Save (or replace, by label) a filter button. */
export function addSaved(store: KeyValueStore | null, saved: readonly SavedFilter[], label: string, text: string): SavedFilter[] {
  const l = label.trim();
  const t = text.trim();
  if (!l || !t) return [...saved];
  const i = saved.findIndex((s) => s.label === l);
  const next = i >= 0 ? saved.map((s, k) => (k === i ? { label: l, text: t } : s)) : [...saved, { label: l, text: t }];
  writeJson(store, SAVED_KEY, next);
  return next;
}

export function removeSaved(store: KeyValueStore | null, saved: readonly SavedFilter[], label: string): SavedFilter[] {
  const next = saved.filter((s) => s.label !== label);
  writeJson(store, SAVED_KEY, next);
  return next;
}

/**
 * ↑/↓ through the history. Position -1 is the text being typed (kept as `draft` so ↓ past the
 * newest entry gives it back); 0 is the most recent filter.
 */
export interface HistoryCursor {
  pos: number;
  draft: string;
}

export function historyStep(history: readonly string[], cur: HistoryCursor, currentText: string, dir: 'older' | 'newer'): { cursor: HistoryCursor; text: string } | null {
  const draft = cur.pos === -1 ? currentText : cur.draft;
  const pos = dir === 'older' ? cur.pos + 1 : cur.pos - 1;
  if (pos < -1 || pos >= history.length) return null;
  return { cursor: { pos, draft }, text: pos === -1 ? draft : history[pos] };
}

/* ------------------------------------------------------------- "Apply as Filter" wording */

/** Wireshark's Apply/Prepare as Filter choices, in its menu order and wording. */
export const FILTER_ACTIONS = [
  { id: 'selected', label: 'Selected' },
  { id: 'not', label: 'Not Selected' },
  { id: 'and', label: '…and Selected' },
  { id: 'or', label: '…or Selected' },
  { id: 'andNot', label: '…and not Selected' },
  { id: 'orNot', label: '…or not Selected' },
] as const;

export type FilterAction = (typeof FILTER_ACTIONS)[number]['id'];

/** `field == value` for a details node, or the bare field (exists) when it has no value. */
export function nodeFilter(node: Pick<DetailsNode, 'field' | 'filterValue'>): string | null {
  if (!node.field) return null;
  return node.filterValue !== undefined ? `${node.field} == ${node.filterValue}` : node.field;
}

/**
 * Combine the current filter text with the selected field's expression as Wireshark does:
 * the old filter in parentheses, `&&` / `||`, and `!(…)` for the "not" variants. With no
 * current filter the "and"/"or" forms reduce to the selected expression alone.
 */
export function combineFilter(current: string, expr: string, action: FilterAction): string {
  const cur = current.trim();
  const neg = `!(${expr})`;
  switch (action) {
    case 'selected':
      return expr;
    case 'not':
      return neg;
    case 'and':
      return cur ? `(${cur}) && (${expr})` : expr;
    case 'or':
      return cur ? `(${cur}) || (${expr})` : expr;
    case 'andNot':
      return cur ? `(${cur}) && ${neg}` : neg;
    case 'orNot':
      return cur ? `(${cur}) || ${neg}` : neg;
  }
}
