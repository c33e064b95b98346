/**
 * Pratt parser for the display-filter grammar of wireshark-filter(4). Produces an untyped
 * syntax tree with character positions; types are the checker's job.
 *
 * Binding powers, lowest first (wireshark-filter(4) "Logical expressions"; xor sits between
 * and/or as in Wireshark ≥ 4.2):  or || · xor ^^ · and && · not ! · relations · & · + - · * / % ·
 * unary - · slice [].
 */
import type { ArithOp, Quantifier, RelOp, SliceRange, Syn } from './ast.ts';
import { createLexer, LexError, type Token } from './lexer.ts';

export class ParseError extends LexError {}

/**
 * How deeply a filter may nest (parentheses, `not`, operands of operators). Every walk over a
 * filter (parser, checker, compiler, the compiled predicate) recurses once per level, so an
 * unbounded depth overflows the stack; 256 is far above any hand-written filter. Long flat
 * chains of one logical operator (`a or b or c …`) are built balanced and do not count as depth.
 */
export const MAX_FILTER_DEPTH = 256;

export function depthMessage(from: number): string {
  return `filter nests deeper than ${MAX_FILTER_DEPTH} levels at column ${from + 1}`;
}

const BP_OR = 10;
const BP_XOR = 20;
const BP_AND = 30;
const BP_NOT = 40;
const BP_REL = 50;
const BP_BITAND = 60;
const BP_ADD = 70;
const BP_MUL = 80;
const BP_NEG = 90;
const BP_SLICE = 100;

/** Relation spellings → canonical relation (wireshark-filter(4) "Comparison operators"). */
const REL: Record<string, RelOp> = {
  '==': 'any_eq',
  eq: 'any_eq',
  any_eq: 'any_eq',
  '!=': 'all_ne',
  ne: 'all_ne',
  all_ne: 'all_ne',
  '===': 'all_eq',
  all_eq: 'all_eq',
  '!==': 'any_ne',
  any_ne: 'any_ne',
  '~=': 'any_ne', // Wireshark 3.6 spelling, deprecated (the checker warns)
  '>': 'gt',
  gt: 'gt',
  '>=': 'ge',
  ge: 'ge',
  '<': 'lt',
  lt: 'lt',
  '<=': 'le',
  le: 'le',
  contains: 'contains',
  matches: 'matches',
  '~': 'matches',
};

const LOGIC: Record<string, 'and' | 'or' | 'xor'> = { and: 'and', '&&': 'and', or: 'or', '||': 'or', xor: 'xor', '^^': 'xor' };
const LOGIC_BP = { and: BP_AND, or: BP_OR, xor: BP_XOR };
const ARITH: Record<string, [ArithOp, number]> = {
  '&': ['&', BP_BITAND],
  bitwise_and: ['&', BP_BITAND],
  '+': ['+', BP_ADD],
  '-': ['-', BP_ADD],
  '*': ['*', BP_MUL],
  '/': ['/', BP_MUL],
  '%': ['%', BP_MUL],
};

/** Keywords that may be written in upper case (Wireshark accepts AND/OR/NOT). */
function keyword(t: Token): string | undefined {
  if (t.k === 'op') return t.text;
  if (t.k !== 'word') return undefined;
  const low = t.text.toLowerCase();
  if (low === 'and' || low === 'or' || low === 'not' || low === 'xor') return low;
  return t.text;
}

export function parseSyntax(text: string): Syn {
  const lx = createLexer(text);
  let tok = lx.next();
  let peeked: Token | undefined;

  const advance = (): Token => {
    const t = tok;
    if (peeked) {
      tok = peeked;
      peeked = undefined;
    } else {
      tok = lx.next();
    }
    return t;
  };
  const peek = (): Token => {
    if (!peeked) peeked = lx.next();
    return peeked;
  };
  const fail = (message: string, from: number, to: number, suggestion?: string): never => {
    throw new ParseError(message, from, to, suggestion);
  };
  // Tree depth of every node built (leaves 0), to stop left-deep chains such as `1+1+1…`.
  const depthOf = new WeakMap<Syn, number>();
  const node = <T extends Syn>(n: T, at: number, ...kids: Syn[]): T => {
    let d = 0;
    for (const k of kids) d = Math.max(d, depthOf.get(k) ?? 0);
    if (d + 1 > MAX_FILTER_DEPTH) fail(depthMessage(at), at, Math.min(text.length, at + 1));
    depthOf.set(n, d + 1);
    return n;
  };
  // Recursion depth of expr(), to stop `((((…` and `not not not …` before the stack does.
  let nesting = 0;
  const isOp = (op: string): boolean => tok.k === 'op' && tok.text === op;
  const describe = (t: Token): string => (t.k === 'eof' ? 'the end of the filter' : `"${t.text}"`);

  const expectOp = (op: string, what: string, openFrom: number): Token => {
    if (tok.k === 'op' && tok.text === op) return advance();
    return fail(`expected "${op}" ${what}, found ${describe(tok)}`, tok.k === 'eof' ? openFrom : tok.from, tok.k === 'eof' ? text.length : tok.to);
  };

  function nud(): Syn {
    const t = tok;
    const kw = keyword(t);
    if (t.k === 'eof') return fail(t.from === 0 ? 'the filter is empty' : 'the filter ends too early: something is missing after it', t.from, t.to);
    if (t.k === 'string' || t.k === 'raw') {
      advance();
      return { s: 'string', value: t.text, raw: t.k === 'raw', map: t.map ?? [], from: t.from, to: t.to };
    }
    if (t.k === 'char') {
      advance();
      return { s: 'char', value: t.code!, from: t.from, to: t.to };
    }
    if (t.k === 'ref') {
      advance();
      return { s: 'ref', name: t.text, from: t.from, to: t.to };
    }
    if (kw === '(') {
      advance();
      const e = expr(0);
      const close = expectOp(')', 'to close the "(" opened here', t.from);
      return node({ s: 'paren', e, from: t.from, to: close.to }, t.from, e);
    }
    if (kw === '{') {
      advance();
      const e = expr(BP_BITAND);
      const close = expectOp('}', 'to close the "{" group', t.from);
      return node({ s: 'brace', e, from: t.from, to: close.to }, t.from, e);
    }
    if (kw === 'not' || kw === '!') {
      advance();
      const e = expr(BP_NOT);
      return node({ s: 'not', e, from: t.from, to: e.to }, t.from, e);
    }
    if (kw === '-') {
      advance();
      const e = expr(BP_NEG);
      return node({ s: 'neg', e, from: t.from, to: e.to }, t.from, e);
    }
    if (kw === '+') {
      advance();
      return expr(BP_NEG);
    }
    if (t.k === 'word' && (t.text === 'any' || t.text === 'all')) {
      const n = peek();
      // `any` followed by an operator is a field-less word, not a quantifier (let the checker complain).
      if (n.k === 'word' || n.k === 'ref' || (n.k === 'op' && (n.text === '(' || n.text === '{' || n.text === '-'))) {
        advance();
        const e = expr(BP_REL - 1);
        if (e.s !== 'rel' && e.s !== 'in') return fail(`"${t.text}" must be followed by a comparison, as in "${t.text} tcp.port > 1024"`, t.from, e.to);
        if (e.quant) return fail('only one "any"/"all" per comparison', t.from, t.to);
        return node({ ...e, quant: t.text as Quantifier, from: t.from }, t.from, e);
      }
    }
    if (t.k === 'word') {
      advance();
      if (isOp('(')) {
        const open = advance();
        const args: Syn[] = [];
        if (!(isOp(')'))) {
          for (;;) {
            args.push(expr(BP_BITAND));
            if (isOp(',')) {
              advance();
              continue;
            }
            break;
          }
        }
        const close = expectOp(')', `to close the arguments of ${t.text}()`, open.from);
        return node({ s: 'call', name: t.text, args, from: t.from, to: close.to }, t.from, ...args);
      }
      return { s: 'word', text: t.text, from: t.from, to: t.to };
    }
    if (kw === '#') return fail('the layer operator "#" follows a field or protocol name, as in ip.src#2', t.from, t.to);
    if (kw === '=') return fail('"=" is not an operator; use "==" to compare', t.from, t.to, '==');
    return fail(`${describe(t)} was unexpected here: expected a field, a value or "("`, t.from, t.to);
  }

  function parseSet(l: Syn, negated: boolean, from: number): Syn {
    const open = expectOp('{', 'after "in"', from);
    const items: { lo: Syn; hi?: Syn }[] = [];
    if (isOp('}')) fail('the set is empty', open.from, tok.to);
    for (;;) {
      const lo = expr(BP_BITAND);
      let hi: Syn | undefined;
      if (isOp('..')) {
        advance();
        hi = expr(BP_BITAND);
      }
      items.push({ lo, hi });
      if (isOp(',')) {
        advance();
        continue;
      }
      if (isOp('}')) break;
      fail(`expected "," or "}" in the set, found ${describe(tok)}`, tok.k === 'eof' ? open.from : tok.from, tok.k === 'eof' ? text.length : tok.to);
    }
    const close = advance();
    const kids = items.flatMap(({ lo, hi }) => (hi ? [lo, hi] : [lo]));
    return node({ s: 'in', l, items, negated, from: l.from, to: close.to }, from, l, ...kids);
  }

  /** `items` joined by `op` as a balanced tree: same result and evaluation order, log depth. */
  function balanced(op: 'and' | 'or' | 'xor', items: Syn[], lo: number, hi: number, ops: number[]): Syn {
    if (hi - lo === 1) return items[lo];
    const mid = (lo + hi) >> 1;
    const l = balanced(op, items, lo, mid, ops);
    const r = balanced(op, items, mid, hi, ops);
    return node({ s: 'logic', op, l, r, from: l.from, to: r.to }, ops[mid - 1], l, r);
  }

  function expr(rbp: number): Syn {
    if (++nesting > MAX_FILTER_DEPTH + 1) fail(depthMessage(tok.from), tok.from, Math.max(tok.to, tok.from + 1));
    try {
      return exprBody(rbp);
    } finally {
      nesting--;
    }
  }

  function exprBody(rbp: number): Syn {
    let left = nud();
    for (;;) {
      const t = tok;
      const kw = keyword(t);
      if (kw === undefined || t.k === 'eof') break;
      if (Object.hasOwn(LOGIC, kw)) {
        const op = LOGIC[kw];
        const bp = LOGIC_BP[op];
        if (bp <= rbp) break;
        // A run of the same operator is collected and joined balanced (see MAX_FILTER_DEPTH).
        const items = [left];
        const ops: number[] = [];
        for (;;) {
          const opTok = keyword(tok);
          if (opTok === undefined || !Object.hasOwn(LOGIC, opTok) || LOGIC[opTok] !== op) break;
          ops.push(tok.from);
          advance();
          items.push(expr(bp));
        }
        left = balanced(op, items, 0, items.length, ops);
        continue;
      }
      const rel = (t.k === 'op' || t.k === 'word') && Object.hasOwn(REL, kw) ? REL[kw] : undefined;
      if (rel !== undefined) {
        if (BP_REL <= rbp) {
          if (rbp === BP_REL) fail('comparisons cannot be chained; join them with "and"', t.from, t.to);
          break;
        }
        advance();
        const r = expr(BP_REL);
        left = node({ s: 'rel', op: rel, l: left, r, opFrom: t.from, opTo: t.to, opText: t.text, from: left.from, to: r.to }, t.from, left, r);
        continue;
      }
      if (kw === 'in' || (kw === 'not' && peek().k === 'word' && peek().text === 'in')) {
        if (BP_REL <= rbp) break;
        const negated = kw === 'not';
        advance();
        if (negated) advance();
        left = parseSet(left, negated, t.from);
        continue;
      }
      if (Object.hasOwn(ARITH, kw) && (t.k === 'op' || kw === 'bitwise_and')) {
        const [op, bp] = ARITH[kw];
        if (bp <= rbp) break;
        advance();
        const r = expr(bp);
        left = node({ s: 'arith', op, l: left, r, opFrom: t.from, from: left.from, to: r.to }, t.from, left, r);
        continue;
      }
      if (kw === '#') {
        if (BP_SLICE <= rbp) break;
        if (left.s !== 'word') fail('the layer operator "#" follows a field or protocol name, as in ip.src#2', t.from, t.to);
        advance();
        let ranges: SliceRange[];
        let to: number;
        if (isOp('[')) {
          // `#[2-4]`: slice syntax for layer numbers (wireshark-filter(4), "Layer operator").
          lx.pos = tok.to;
          peeked = undefined;
          ({ ranges, to } = lx.sliceBody());
          tok = lx.next();
          if (ranges.some((r) => r.start < 0 || (r.end !== undefined && r.end < 0))) fail('layer numbers count from 1; they cannot be negative', t.from, to);
        } else if (tok.k === 'word' && /^\d+$/.test(tok.text)) {
          ranges = [{ start: Number(tok.text), length: 1 }];
          to = advance().to;
        } else {
          return fail(`expected a layer number or "[" after "#", found ${describe(tok)}`, tok.k === 'eof' ? t.from : tok.from, tok.k === 'eof' ? t.to : tok.to);
        }
        left = node({ s: 'layer', of: left, ranges, from: left.from, to }, t.from, left);
        continue;
      }
      if (kw === '[') {
        if (BP_SLICE <= rbp) break;
        // Read the slice body raw, with its own rules, from just after `[`.
        lx.pos = t.to;
        peeked = undefined;
        const { ranges, to } = lx.sliceBody();
        tok = lx.next();
        left = node({ s: 'slice', of: left, ranges, from: left.from, to }, t.from, left);
        continue;
      }
      break;
    }
    return left;
  }

  const root = expr(0);
  if (tok.k !== 'eof') {
    const kw = keyword(tok);
    if (kw === ')') fail('")" has no matching "("', tok.from, tok.to);
    if (kw === '=') fail('"=" is not an operator; use "==" to compare', tok.from, tok.to, '==');
    fail(`${describe(tok)} was unexpected here: expected "and", "or" or the end of the filter`, tok.from, tok.to);
  }
  return root;
}
