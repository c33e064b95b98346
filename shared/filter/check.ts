/**
 * Type-checker: resolves names against the field catalogue, converts literals to the type of
 * the field they meet, checks operator/type combinations, and turns Wireshark's operator
 * spellings into (op, quantifier) pairs. Semantics from wireshark-filter(4) (Wireshark 4.0):
 * `==` any equal, `!=` all not equal, `===` all equal, `!==` any not equal; every comparison
 * implies existence; `contains` does not apply to atomic fields; `matches` needs a quoted
 * string (a PCRE2 pattern; RE2's subset, see regex.ts); slices are byte sequences and compare with strings or bytes.
 */
import type { FieldInfo } from '../fields.ts';
import { BYTES_TYPES, FILTER_FUNCTIONS, FilterError, NUMERIC_TYPES, isFilterFunction, typeFamily, type CmpOp, type Const, type FilterAst, type FilterMessage, type FnName, type Quantifier, type RelOp, type Syn, type Value, type ValueType } from './ast.ts';
import { lookup, suggestField, type FieldSource } from './fields-index.ts';
import { convertLiteral, TYPE_NAMES, type Lit } from './literals.ts';
import { unsupportedRegexSyntax, type RegexCheck } from './regex.ts';

/** A filter that parses but does not type-check. */
export class CheckError extends FilterError {}

type Resolved = { val: Value } | { lit: Lit; syn: Syn };

const INTEGER: ReadonlySet<ValueType> = new Set(['uint', 'int', 'framenum', 'bool']);
const SLICEABLE: ReadonlySet<ValueType> = new Set(['bytes', 'ether', 'ipv6', 'ipv4', 'protocol', 'string']);

const LOOKS_LIKE_FIELD = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

/**
 * `regex`: the engine's full compile of `matches` patterns; without it (the renderer) only the
 * syntax scan of regex.ts runs and the engine reports the rest when the filter is applied.
 */
export function checkSyntax(syn: Syn, fields: FieldSource, warnings: FilterMessage[], regex?: RegexCheck): FilterAst {
  const fail = (message: string, from: number, to: number, suggestion?: string): never => {
    throw new CheckError(message, from, to, suggestion);
  };

  function notAField(name: string, from: number, to: number): never {
    const s = suggestField(fields, name);
    return fail(s ? `"${name}" is not a field — did you mean ${s}?` : `"${name}" is neither a field nor a protocol name`, from, to, s);
  }

  function fieldInfo(name: string, from: number, to: number): FieldInfo | undefined {
    const f = lookup(fields, name);
    if (f && f.name !== name) {
      warnings.push({ message: `"${name}" is deprecated; use ${f.name}`, from, to, suggestion: f.name });
    }
    return f;
  }

  const vtype = (f: FieldInfo): ValueType => (f.type === 'none' ? 'protocol' : f.type);
  const describe = (v: Value): string => (v.v === 'field' ? `${v.name} (${TYPE_NAMES[v.type]})` : `a ${TYPE_NAMES[v.type]}`);
  const fieldOf = (v: Value): FieldInfo | undefined => (v.v === 'field' || v.v === 'ref' ? lookup(fields, v.name) : undefined);

  function literalOf(syn: Syn): Lit | undefined {
    if (syn.s === 'word') return { kind: 'word', text: syn.text };
    if (syn.s === 'string') return { kind: 'string', text: syn.value, raw: syn.raw };
    if (syn.s === 'char') return { kind: 'char', code: syn.value };
    return undefined;
  }

  /** Convert a literal side against a typed value, with a field-name hint when that fails. */
  function toConst(r: { lit: Lit; syn: Syn }, other: Value, allowNet: boolean): Value {
    const c = convertLiteral(r.lit, other.type, fieldOf(other), allowNet);
    if (typeof c === 'string') {
      const syn = r.syn;
      if (syn.s === 'word' && LOOKS_LIKE_FIELD.test(syn.text) && /[a-z]{2}/i.test(syn.text) && syn.text.includes('.')) {
        const s = suggestField(fields, syn.text);
        if (s) fail(`"${syn.text}" is not a field — did you mean ${s}?`, syn.from, syn.to, s);
      }
      fail(c, syn.from, syn.to);
    }
    return { v: 'const', c: c as Const, type: other.type, from: r.syn.from, to: r.syn.to };
  }

  function requireValue(r: Resolved, role: string): Value {
    if ('val' in r) return r.val;
    const syn = r.syn;
    if (syn.s === 'word' && !/^[-0-9]/.test(syn.text) && LOOKS_LIKE_FIELD.test(syn.text)) notAField(syn.text, syn.from, syn.to);
    return fail(`${role} must be a field, a slice or a function of a field, not the value ${syn.s === 'word' ? syn.text : JSON.stringify(r.lit.kind === 'string' ? r.lit.text : '')}`, syn.from, syn.to);
  }

  /** The protocol a field belongs to: its longest dotted prefix that names a protocol (`ipv6.hopopts.len` → ipv6.hopopts). */
  function protocolOf(name: string): string {
    for (let p = name; ; ) {
      if (lookup(fields, p)?.type === 'protocol') return p;
      const dot = p.lastIndexOf('.');
      if (dot < 0) return name;
      p = p.slice(0, dot);
    }
  }

  function resolve(syn: Syn): Resolved {
    switch (syn.s) {
      case 'word': {
        const f = fieldInfo(syn.text, syn.from, syn.to);
        if (f) return { val: { v: 'field', name: f.name, type: vtype(f), from: syn.from, to: syn.to } };
        return { lit: { kind: 'word', text: syn.text }, syn };
      }
      case 'string':
      case 'char':
        return { lit: literalOf(syn)!, syn };
      case 'ref': {
        const f = fieldInfo(syn.name, syn.from, syn.to);
        if (!f) return notAField(syn.name, syn.from + 1, syn.to);
        return { val: { v: 'ref', name: f.name, type: vtype(f), from: syn.from, to: syn.to } };
      }
      case 'layer': {
        const of = syn.of.s === 'word' ? fieldInfo(syn.of.text, syn.of.from, syn.of.to) : undefined;
        if (!of) return notAField(syn.of.s === 'word' ? syn.of.text : '#', syn.of.from, syn.of.to);
        return { val: { v: 'layer', name: of.name, protocol: protocolOf(of.name), ranges: syn.ranges, type: vtype(of), from: syn.from, to: syn.to } };
      }
      case 'slice': {
        const of = requireValue(resolve(syn.of), 'a slice');
        if (!SLICEABLE.has(of.type)) fail(`${describe(of)} cannot be sliced; slices apply to protocols, byte sequences, strings and addresses`, syn.from, syn.to);
        return { val: { v: 'slice', of, ranges: syn.ranges, type: 'bytes', from: syn.from, to: syn.to } };
      }
      case 'call':
        return { val: checkCall(syn) };
      case 'neg': {
        const r = resolve(syn.e);
        if ('lit' in r) {
          if (r.lit.kind !== 'word') fail('"-" applies to numbers only', syn.from, syn.to);
          return { lit: { kind: 'word', text: '-' + (r.lit as { text: string }).text }, syn };
        }
        if (!NUMERIC_TYPES.has(r.val.type) || r.val.type === 'bool') fail(`"-" applies to numbers, not to ${describe(r.val)}`, syn.from, syn.to);
        return { val: { v: 'neg', e: r.val, type: r.val.type === 'uint' || r.val.type === 'framenum' ? 'int' : r.val.type, from: syn.from, to: syn.to } };
      }
      case 'arith':
        return { val: checkArith(syn) };
      case 'brace':
      case 'paren':
        return resolve(syn.e);
      default:
        return fail('a test (comparison or logical expression) cannot be used as a value here', syn.from, syn.to);
    }
  }

  function checkArith(syn: Extract<Syn, { s: 'arith' }>): Value {
    const l = resolve(syn.l);
    const r = resolve(syn.r);
    if ('lit' in l && 'lit' in r) {
      requireValue(l, 'one side of an arithmetic expression');
    }
    const opName = syn.op === '&' ? 'bitwise and' : `"${syn.op}"`;
    const typed = 'val' in l ? l.val : (r as { val: Value }).val;
    const okType = syn.op === '&' ? INTEGER.has(typed.type) || typed.type === 'bytes' : NUMERIC_TYPES.has(typed.type) && typed.type !== 'bool';
    if (!okType) fail(`${opName} applies to ${syn.op === '&' ? 'integers and slices' : 'numbers'}, not to ${describe(typed)}`, typed.from, typed.to);
    const lv = 'val' in l ? l.val : toConst(l, typed, false);
    const rv = 'val' in r ? r.val : toConst(r, lv, false);
    if (syn.op === '&') {
      const ok = (INTEGER.has(lv.type) && INTEGER.has(rv.type)) || (lv.type === 'bytes' && rv.type === 'bytes');
      if (!ok) fail(`${opName} applies to integers and slices, not to ${describe(lv.type === 'bytes' || INTEGER.has(lv.type) ? rv : lv)}`, syn.from, syn.to);
      if (lv.type === 'bytes' && rv.v === 'const' && lv.v === 'slice') {
        const want = sliceLength(lv);
        const got = (rv.c as { v: Uint8Array }).v.length;
        if (want !== undefined && want !== got) fail(`the mask has ${got} byte(s) but the slice has ${want}; they must be the same length`, rv.from, rv.to);
      }
    } else {
      for (const v of [lv, rv]) if (!NUMERIC_TYPES.has(v.type) || v.type === 'bool') fail(`${opName} applies to numbers, not to ${describe(v)}`, v.from, v.to);
      if (typeFamily(lv.type) !== typeFamily(rv.type)) fail(`${describe(lv)} and ${describe(rv)} cannot be combined`, syn.from, syn.to);
    }
    const type: ValueType = lv.type === 'float' || rv.type === 'float' ? 'float' : lv.v === 'const' ? rv.type : lv.type;
    return { v: 'arith', op: syn.op, l: lv, r: rv, type, from: syn.from, to: syn.to };
  }

  function sliceLength(v: Extract<Value, { v: 'slice' }>): number | undefined {
    let n = 0;
    for (const r of v.ranges) {
      if (r.length !== undefined) n += r.length;
      else if (r.end !== undefined && r.start >= 0 && r.end >= 0) n += r.end - r.start + 1;
      else if (r.end !== undefined && r.start < 0 && r.end < 0) n += r.end - r.start + 1;
      else return undefined;
    }
    return n;
  }

  function checkCall(syn: Extract<Syn, { s: 'call' }>): Value {
    const name = syn.name;
    if (!isFilterFunction(name)) {
      const lower = name.toLowerCase();
      const s = isFilterFunction(lower) ? lower : FILTER_FUNCTIONS.find((f) => f.startsWith(lower.slice(0, 2)));
      fail(`"${name}" is not a function${s ? ` — did you mean ${s}()?` : ''}; functions are ${FILTER_FUNCTIONS.join(', ')}`, syn.from, syn.from + name.length, s);
    }
    const fn = name as FnName;
    const one = (): Value => {
      if (syn.args.length !== 1) fail(`${fn}() takes exactly one argument`, syn.from, syn.to);
      return requireValue(resolve(syn.args[0]), `the argument of ${fn}()`);
    };
    const at = { from: syn.from, to: syn.to };
    switch (fn) {
      case 'len': {
        const a = one();
        if (!SLICEABLE.has(a.type)) fail(`len() applies to strings and byte sequences, not to ${describe(a)}`, a.from, a.to);
        return { v: 'call', fn, args: [a], type: 'uint', ...at };
      }
      case 'count': {
        const a = one();
        if (a.v !== 'field' && a.v !== 'layer') fail('count() takes a field name', a.from, a.to);
        return { v: 'call', fn, args: [a], type: 'uint', ...at };
      }
      case 'upper':
      case 'lower': {
        const a = one();
        if (a.type !== 'string') fail(`${fn}() applies to strings, not to ${describe(a)}`, a.from, a.to);
        return { v: 'call', fn, args: [a], type: 'string', ...at };
      }
      case 'string': {
        const a = one();
        if (a.type === 'string' || BYTES_TYPES.has(a.type) && a.type !== 'ether' && a.type !== 'ipv6') {
          fail(`string() converts non-string fields; ${describe(a)} cannot be converted`, a.from, a.to);
        }
        return { v: 'call', fn, args: [a], type: 'string', ...at };
      }
      case 'abs': {
        const a = one();
        if (!NUMERIC_TYPES.has(a.type) || a.type === 'bool') fail(`abs() applies to numbers, not to ${describe(a)}`, a.from, a.to);
        return { v: 'call', fn, args: [a], type: a.type === 'uint' || a.type === 'framenum' ? 'int' : a.type, ...at };
      }
      case 'max':
      case 'min': {
        if (syn.args.length === 0) fail(`${fn}() needs at least one argument`, syn.from, syn.to);
        const rs = syn.args.map(resolve);
        const typed = rs.find((r): r is { val: Value } => 'val' in r);
        if (!typed) return requireValue(rs[0], `an argument of ${fn}()`);
        const args = rs.map((r) => ('val' in r ? r.val : toConst(r, typed.val, false)));
        for (const a of args) {
          if (typeFamily(a.type) !== typeFamily(typed.val.type)) fail(`the arguments of ${fn}() must all have the same type; ${describe(a)} differs from ${describe(typed.val)}`, a.from, a.to);
        }
        return { v: 'call', fn, args, type: typed.val.type, ...at };
      }
    }
  }

  function compatible(l: Value, r: Value, at: Syn): void {
    if (typeFamily(l.type) !== typeFamily(r.type)) fail(`${describe(l)} and ${describe(r)} cannot be compared`, at.from, at.to);
  }

  const CMP: Record<Exclude<RelOp, 'contains' | 'matches'>, [CmpOp, Quantifier]> = {
    any_eq: ['eq', 'any'],
    all_ne: ['ne', 'all'],
    all_eq: ['eq', 'all'],
    any_ne: ['ne', 'any'],
    gt: ['gt', 'any'],
    ge: ['ge', 'any'],
    lt: ['lt', 'any'],
    le: ['le', 'any'],
  };

  /**
   * Falco's habit `fd.l4proto == tcp`: a bare word that names a protocol, compared with a string
   * field that lists the word among its values, is the word, not the protocol.
   */
  function valueWord(r: Resolved, syn: Syn, other: Resolved): Resolved {
    if (syn.s !== 'word' || !('val' in r) || r.val.type !== 'protocol' || !('val' in other) || other.val.type !== 'string') return r;
    const values = fieldOf(other.val)?.values;
    return values && Object.hasOwn(values, syn.text) ? { lit: { kind: 'word', text: syn.text }, syn } : r;
  }

  function checkRel(syn: Extract<Syn, { s: 'rel' }>): FilterAst {
    const at = { from: syn.from, to: syn.to };
    const quant: Quantifier = syn.quant ?? 'any';
    if (syn.op === 'matches') {
      const l = requireValue(resolve(syn.l), `the left side of "${syn.opText}"`);
      if (!(l.type === 'string' || BYTES_TYPES.has(l.type))) fail(`"${syn.opText}" applies to strings and byte sequences; use string(${l.v === 'field' ? l.name : '…'}) to match ${describe(l)}`, l.from, l.to);
      if (syn.r.s !== 'string') return fail(`the regular expression after "${syn.opText}" must be a double-quoted string`, syn.r.from, syn.r.to);
      const { value: pattern, map } = syn.r;
      const problem = unsupportedRegexSyntax(pattern) ?? regex?.(pattern);
      if (problem) {
        // Point at the construct in the filter text (escapes make the two offsets differ).
        const from = map[Math.min(problem.from, map.length - 1)] ?? syn.r.from;
        const to = Math.max(from + 1, map[Math.min(problem.to, map.length - 1)] ?? syn.r.to);
        fail(problem.message, from, to);
      }
      return { t: 'matches', quant, l, pattern, patternFrom: syn.r.from, patternTo: syn.r.to, ...at };
    }
    const lr0 = resolve(syn.l);
    const rr0 = resolve(syn.r);
    const lr = valueWord(lr0, syn.l, rr0);
    const rr = valueWord(rr0, syn.r, lr0);
    if ('lit' in lr && 'lit' in rr) requireValue(lr, `one side of "${syn.opText}"`);
    if (syn.op === 'contains') {
      const l = requireValue(lr, 'the left side of "contains"');
      if (!(l.type === 'string' || l.type === 'bytes' || l.type === 'protocol')) fail(`"contains" applies to protocols, strings and byte sequences, not to ${describe(l)}`, l.from, l.to);
      const r = 'val' in rr ? rr.val : toConst(rr, l, false);
      compatible(l, r, syn);
      return { t: 'contains', quant, l, r, ...at };
    }
    const [op, q] = CMP[syn.op];
    const equality = op === 'eq' || op === 'ne';
    const l = 'val' in lr ? lr.val : toConst(lr, (rr as { val: Value }).val, equality);
    const r = 'val' in rr ? rr.val : toConst(rr, l, equality);
    compatible(l, r, syn);
    if (syn.opText === '~=') warnings.push({ message: '"~=" is deprecated; use "!==" (any not equal)', from: syn.opFrom, to: syn.opTo, suggestion: '!==' });
    if (syn.quant === undefined && (syn.opText === '!=' || syn.opText === 'ne') && (l.v === 'field' && fieldOf(l)?.multi)) {
      warnings.push({
        message: `${l.name} can occur several times: "!=" means no occurrence equals the value; use "!==" if you mean some occurrence differs`,
        from: syn.opFrom,
        to: syn.opTo,
      });
    }
    return { t: 'cmp', op, quant: syn.quant ?? q, l, r, ...at };
  }

  function checkIn(syn: Extract<Syn, { s: 'in' }>): FilterAst {
    const l = requireValue(resolve(syn.l), 'the left side of "in"');
    const items = syn.items.map(({ lo, hi }) => {
      const conv = (s: Syn, allowNet: boolean): Value => {
        const r = valueWord(resolve(s), s, { val: l });
        const v = 'val' in r ? r.val : toConst(r, l, allowNet);
        compatible(l, v, s);
        return v;
      };
      const loV = conv(lo, hi === undefined);
      if (hi === undefined) return { lo: loV };
      if (BYTES_TYPES.has(l.type) || l.type === 'bool') fail(`ranges need ordered values; ${describe(l)} has none`, lo.from, hi.to);
      return { lo: loV, hi: conv(hi, false) };
    });
    return { t: 'in', quant: syn.quant ?? 'any', negated: syn.negated, l, items, from: syn.from, to: syn.to };
  }

  function test(syn: Syn): FilterAst {
    const at = { from: syn.from, to: syn.to };
    switch (syn.s) {
      case 'logic':
        return { t: syn.op, l: test(syn.l), r: test(syn.r), ...at };
      case 'not':
        return { t: 'not', e: test(syn.e), ...at };
      case 'paren':
        return test(syn.e);
      case 'rel':
        return checkRel(syn);
      case 'in':
        return checkIn(syn);
      case 'arith':
        if (syn.op === '&') return { t: 'nonzero', e: checkArith(syn), ...at };
        return fail(`an arithmetic expression is not a test; compare it with a value, as in "… == 1"`, syn.from, syn.to);
      case 'word':
      case 'ref':
      case 'slice':
      case 'layer':
      case 'call': {
        const r = resolve(syn);
        return { t: 'exists', e: requireValue(r, 'a test'), ...at };
      }
      case 'string':
        return fail(`a string on its own is not a test; compare a field with it, as in frame contains ${JSON.stringify(syn.value)}`, syn.from, syn.to);
      default:
        return fail('a value on its own is not a test; compare a field with it', syn.from, syn.to);
    }
  }

  return test(syn);
}
