/**
 * Display filters, the part both sides share: parse + type-check (`parseFilter`), field and
 * value completion (`completeAt`). The engine compiles the resulting `FilterAst`
 * (electron/engine/filter/compile.ts). No Node imports: the renderer validates as you type.
 */
import type { FieldInfo } from '../fields.ts';
import { FILTER_FUNCTIONS, FILTER_KEYWORDS, FilterError, type FilterAst, type FilterMessage, type ParseResult, type Value } from './ast.ts';
import { checkSyntax } from './check.ts';
import { lookup, type FieldSource } from './fields-index.ts';
import { parseSyntax } from './parser.ts';
import type { RegexCheck } from './regex.ts';

export type { FilterAst, FilterMessage, ParseResult, Value } from './ast.ts';
export { makeFieldIndex, type FieldIndex, type FieldSource } from './fields-index.ts';
export type { RegexCheck, RegexProblem } from './regex.ts';
export { MAX_FILTER_DEPTH } from './parser.ts';

export interface ParseOptions {
  /** Full compile of `matches` patterns (the engine passes RE2's). */
  regex?: RegexCheck;
}

export function parseFilter(text: string, fields: FieldSource, opts: ParseOptions = {}): ParseResult {
  try {
    const syn = parseSyntax(text);
    const warnings: FilterMessage[] = [];
    const ast = checkSyntax(syn, fields, warnings, opts.regex);
    return { ok: true, ast, warnings };
  } catch (e) {
    if (e instanceof FilterError) {
      const msg: FilterMessage = { message: e.message, from: e.from, to: Math.max(e.to, e.from) };
      if (e.suggestion !== undefined) msg.suggestion = e.suggestion;
      return { ok: false, errors: [msg] };
    }
    throw e;
  }
}

/** Names of every field and protocol a filter reads (field references excluded), sorted. */
export function fieldsUsed(ast: FilterAst): string[] {
  const out = new Set<string>();
  const value = (v: Value): void => {
    switch (v.v) {
      case 'field':
        out.add(v.name);
        return;
      case 'layer':
        // The protocol's occurrences number the layers, so they must be recorded too.
        out.add(v.name);
        out.add(v.protocol);
        return;
      case 'slice':
        return value(v.of);
      case 'call':
        return v.args.forEach(value);
      case 'arith':
        value(v.l);
        return value(v.r);
      case 'neg':
        return value(v.e);
      default:
        return;
    }
  };
  const test = (t: FilterAst): void => {
    switch (t.t) {
      case 'and':
      case 'or':
      case 'xor':
        test(t.l);
        return test(t.r);
      case 'not':
        return test(t.e);
      case 'exists':
      case 'nonzero':
        return value(t.e);
      case 'cmp':
      case 'contains':
        value(t.l);
        return value(t.r);
      case 'matches':
        return value(t.l);
      case 'in':
        value(t.l);
        for (const it of t.items) {
          value(it.lo);
          if (it.hi) value(it.hi);
        }
        return;
    }
  };
  test(ast);
  return [...out].sort();
}

/* ------------------------------------------------------------------------- completion */

export interface Completion {
  label: string;
  kind: 'field' | 'value' | 'function' | 'keyword';
  /** Type or meaning shown next to the label. */
  detail?: string;
  /** Description (for fields). */
  info?: string;
}

export interface CompletionResult {
  /** Range of text the chosen label replaces. */
  from: number;
  to: number;
  options: Completion[];
}

const WORD = /[A-Za-z0-9_.:/-]/;

/**
 * Completions at `cursor`: field names (by prefix, then one level of children for `ip.`), or
 * the value names of an enumerated field right after a comparison with it.
 */
export function completeAt(text: string, cursor: number, fields: FieldSource, limit = 100): CompletionResult {
  let from = cursor;
  while (from > 0 && WORD.test(text[from - 1])) from--;
  let to = cursor;
  while (to < text.length && WORD.test(text[to])) to++;
  const prefix = text.slice(from, cursor);
  const all: readonly FieldInfo[] = typeof fields === 'function' ? [] : fields.all;

  // Value position: `<field> <op> |` or `<field> in {…, |`.
  const before = text.slice(0, from);
  const m = /([A-Za-z][A-Za-z0-9_.-]*)\s*(?:==|!=|===|!==|~=|\beq|\bne|\bany_eq|\ball_ne|\ball_eq|\bany_ne|\bin\s*\{[^}]*)\s*"?$/.exec(before);
  if (m) {
    const f = lookup(fields, m[1]);
    if (f?.values) {
      const quoted = before.endsWith('"');
      const options: Completion[] = [];
      const low = prefix.toLowerCase();
      for (const [k, meaning] of Object.entries(f.values)) {
        const label = f.type === 'string' ? (quoted ? k : JSON.stringify(k)) : k;
        if (!low || k.toLowerCase().startsWith(low) || meaning.toLowerCase().startsWith(low)) options.push({ label, kind: 'value', detail: meaning });
        if (options.length >= limit) break;
      }
      return { from, to, options };
    }
  }

  const options: Completion[] = [];
  const low = prefix.toLowerCase();
  // Prefer direct children of a protocol when the prefix ends with "." (one level down).
  const depth = low.split('.').length;
  const seen = new Set<string>();
  for (const f of all) {
    if (!f.name.startsWith(low)) continue;
    if (f.name.split('.').length > depth + 1) continue;
    if (seen.has(f.name)) continue;
    seen.add(f.name);
    options.push({ label: f.name, kind: 'field', detail: f.type, info: f.description });
    if (options.length >= limit) break;
  }
  if (low && !low.includes('.')) {
    for (const fn of FILTER_FUNCTIONS) if (fn.startsWith(low)) options.push({ label: `${fn}(`, kind: 'function' });
    for (const kw of FILTER_KEYWORDS) if (kw.startsWith(low) && kw !== low) options.push({ label: kw, kind: 'keyword' });
  }
  return { from, to, options };
}

/**
 * A caret line under a message's range of `filter` (for the CLI and plain-text messages); the
 * range is clamped to the text, and an empty one still gets one caret.
 */
export function caretLine(filter: string, m: FilterMessage): string {
  const from = Math.min(m.from, filter.length);
  const width = Math.max(1, Math.min(m.to, filter.length + 1) - from);
  return ' '.repeat(from) + '^'.repeat(width);
}
