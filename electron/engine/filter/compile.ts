/**
 * Compile a checked display filter (shared/filter) to a predicate over one event's flat
 * Dissection. Values are gathered into arrays reused across calls (no allocation per event for
 * plain field comparisons); multi-occurrence semantics follow wireshark-filter(4): a comparison
 * with quantifier `any` holds when some pair of values satisfies it, `all` when every pair does,
 * and both need at least one value on each side (every comparison implies existence).
 */
import type { FieldType, FieldValue } from '../../../shared/fields.ts';
import { valueKind, type CmpOp, type Const, type FilterAst, type FilterMessage, type SliceRange, type Value } from '../../../shared/filter/ast.ts';
import { RE2JS } from 're2js';
import { fieldsUsed, makeFieldIndex, parseFilter, type FieldIndex, type RegexProblem } from '../../../shared/filter/index.ts';
import type { Dissection } from '../dissectors/dissection.ts';
import { entryBytes, entryValue, formatFieldValue } from '../dissectors/values.ts';
import { formatIpv4, formatIpv6, hex } from '../fields/format.ts';
import { allFields, fieldByName } from '../fields/registry.ts';

export { fieldsUsed };

export type Predicate = (d: Dissection) => boolean;

/** A runtime value: numbers (ints, bools, IPv4, seconds), strings, byte sequences. */
type RV = number | bigint | string | Uint8Array;
type Gather = (d: Dissection, out: RV[]) => void;

export interface CompileOptions {
  /** The selected event, read by field references `${field}`; without it references have no value. */
  reference?: Dissection;
  /**
   * frame.time_delta_displayed of the event being tested: seconds since the last event the
   * running filter has kept (0 before the first). Without it the field has no value.
   */
  deltaDisplayed?: (d: Dissection) => number | undefined;
}

/** The field computed by the filter run itself (layers/column-fields.ts declares it). */
const DELTA_DISPLAYED = 'frame.time_delta_displayed';

let cachedIndex: FieldIndex | undefined;
let cachedCount = -1;

/** The registry as a FieldIndex for `parseFilter` (rebuilt when more fields were declared). */
export function engineFieldIndex(): FieldIndex {
  const all = allFields();
  if (!cachedIndex || cachedCount !== all.length) {
    cachedIndex = makeFieldIndex(all);
    cachedCount = all.length;
  }
  return cachedIndex;
}

export type CompiledFilter =
  | { ok: true; predicate: Predicate; fields: string[]; warnings: FilterMessage[]; ast: FilterAst }
  | { ok: false; errors: FilterMessage[] };

/**
 * Largest RE2 program (instructions, `RE2JS.programSize`) a `matches` pattern may compile to.
 * RE2 matches in time linear in the data, but when its DFA gives up the cost per byte grows with
 * the program: measured on a 64 KB value, the worst patterns near this limit take 4–5 s, and
 * beyond it (RE2's own ceiling is ~20,000) more. Hand-written filters stay far below (`^GET /`:
 * 10). docs/limits.md has the figures.
 */
export const MAX_REGEX_PROGRAM = 1000;

const regexCache = new Map<string, RE2JS>();

/** `pattern` compiled with Wireshark's defaults: caseless (`(?-i)` turns that off), `.` not newline. */
export function compileRegex(pattern: string): RE2JS {
  let re = regexCache.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
    if (regexCache.size >= 32) regexCache.delete(regexCache.keys().next().value!);
    regexCache.set(pattern, re);
  }
  return re;
}

/** The engine's full check of a `matches` pattern: RE2's parser and the program-size limit. */
export function checkRegex(pattern: string): RegexProblem | undefined {
  let re: RE2JS;
  try {
    re = compileRegex(pattern);
  } catch (e) {
    const msg = (e as Error).message.replace(/^error parsing regexp: /, '');
    // RE2 quotes the offending part in backquotes; point at it when it is in the pattern.
    const frag = /`([^`]*)`$/.exec(msg)?.[1];
    const k = frag ? pattern.indexOf(frag) : -1;
    return { message: `invalid regular expression: ${msg}`, from: k >= 0 ? k : 0, to: k >= 0 ? k + frag!.length : pattern.length };
  }
  const size = re.programSize();
  if (size > MAX_REGEX_PROGRAM) {
    return { message: `the regular expression is too large (${size} instructions; the limit is ${MAX_REGEX_PROGRAM}): use fewer or smaller repetitions`, from: 0, to: pattern.length };
  }
  return undefined;
}

/** Parse, check and compile filter text against the engine's field registry. */
export function compileFilterText(text: string, opts: CompileOptions = {}): CompiledFilter {
  const r = parseFilter(text, engineFieldIndex(), { regex: checkRegex });
  if (!r.ok) return r;
  return { ok: true, predicate: compileFilter(r.ast, opts), fields: fieldsUsed(r.ast), warnings: r.warnings, ast: r.ast };
}

const utf8 = new TextEncoder();
const NS = 1_000_000_000n;

function normalize(t: FieldType, v: FieldValue | undefined): RV | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if ((t === 'time' || t === 'reltime') && typeof v === 'bigint') return Number(v / NS) + Number(v % NS) / 1e9;
  return v;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return a[k] - b[k];
  return a.length - b.length;
}

function compare(a: RV, b: RV): number {
  if (a instanceof Uint8Array) return b instanceof Uint8Array ? compareBytes(a, b) : NaN;
  if (typeof a === 'string') return typeof b === 'string' ? (a < b ? -1 : a > b ? 1 : 0) : NaN;
  if (typeof b === 'string' || b instanceof Uint8Array) return NaN;
  return a < b ? -1 : a > b ? 1 : a == b ? 0 : NaN; // number/bigint mix compares by value
}

function holds(op: CmpOp, c: number): boolean {
  if (Number.isNaN(c)) return op === 'ne';
  switch (op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'gt':
      return c > 0;
    case 'ge':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
  }
}

function toBytes(v: RV, t: FieldType): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return utf8.encode(v);
  if (t === 'ipv4' && typeof v === 'number') return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  return undefined;
}

export function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  const first = needle[0];
  const last = hay.length - needle.length;
  outer: for (let k = hay.indexOf(first); k !== -1 && k <= last; k = hay.indexOf(first, k + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[k + j] !== needle[j]) continue outer;
    return k;
  }
  return -1;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let k = 0; k < b.length; k += 4096) s += String.fromCharCode(...b.subarray(k, k + 4096));
  return s;
}

/** Membership in an IPv4/IPv6 network constant. */
function netTest(c: Extract<Const, { k: 'net4' | 'net6' }>): (v: RV) => boolean {
  if (c.k === 'net4') {
    const mask = c.bits === 0 ? 0 : (0xffffffff << (32 - c.bits)) >>> 0;
    const net = (c.addr & mask) >>> 0;
    return (v) => typeof v === 'number' && ((v & mask) >>> 0) === net;
  }
  return (v) => {
    if (!(v instanceof Uint8Array) || v.length !== 16) return false;
    let bits = c.bits;
    for (let k = 0; bits > 0; k++, bits -= 8) {
      const m = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((v[k] & m) !== (c.addr[k] & m)) return false;
    }
    return true;
  };
}

function constValue(c: Const): RV | undefined {
  return c.k === 'num' || c.k === 'str' || c.k === 'bytes' ? c.v : undefined;
}

function sliceOne(b: Uint8Array, ranges: Extract<Value, { v: 'slice' }>['ranges']): Uint8Array | undefined {
  const n = b.length;
  const parts: Uint8Array[] = [];
  for (const r of ranges) {
    const s = r.start < 0 ? n + r.start : r.start;
    let e: number; // exclusive
    if (r.length !== undefined) e = s + r.length;
    else if (r.end !== undefined) e = (r.end < 0 ? n + r.end : r.end) + 1;
    else e = n;
    // Wireshark: a slice that reaches outside the value has no value (frame[100-199] needs 200 bytes).
    if (s < 0 || e > n || e < s || (r.length === undefined && r.end === undefined && s >= n)) return undefined;
    parts.push(b.subarray(s, e));
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function isZero(v: RV): boolean {
  if (v instanceof Uint8Array) return v.every((x) => x === 0);
  return v == 0;
}

function arith(op: string, a: RV, b: RV, integer: boolean): RV | undefined {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (op !== '&' || !(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return undefined;
    return a.map((x, k) => x & b[k]);
  }
  if (typeof a === 'string' || typeof b === 'string') return undefined;
  if (typeof a === 'bigint' || typeof b === 'bigint' || (op === '&' && (a > 0x7fffffff || b > 0x7fffffff || a < 0 || b < 0))) {
    if (!Number.isInteger(Number(a)) || !Number.isInteger(Number(b))) return undefined;
    const x = BigInt(a);
    const y = BigInt(b);
    let r: bigint;
    switch (op) {
      case '+': r = x + y; break;
      case '-': r = x - y; break;
      case '*': r = x * y; break;
      case '/': if (y === 0n) return undefined; r = x / y; break;
      case '%': if (y === 0n) return undefined; r = x % y; break;
      default: r = x & y;
    }
    return r >= BigInt(Number.MIN_SAFE_INTEGER) && r <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(r) : r;
  }
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': if (b === 0) return undefined; return integer ? Math.trunc(a / b) : a / b;
    case '%': if (b === 0) return undefined; return a % b;
    default: return (a & b) >>> 0;
  }
}

/**
 * A protocol's value in a filter (`tcp contains "GET"`, `len(udp)`, `ip[0:1]`): like Wireshark's,
 * the data from where the protocol starts on, including what it carries, not just the header
 * its tree item highlights. Approximation: to the end of the data source (a frame's Ethernet
 * padding is included where Wireshark stops at the IP total length).
 */
function protocolBytes(d: Dissection, i: number): Uint8Array {
  const bytes = d.sources[d.src[i]]?.bytes;
  if (!bytes) return new Uint8Array(0);
  return bytes.subarray(Math.max(0, Math.min(d.off[i], bytes.length)));
}

export function compileFilter(ast: FilterAst, opts: CompileOptions = {}): Predicate {
  const fieldId = (name: string): number => {
    const f = fieldByName(name);
    if (!f) throw new Error(`filter field ${name} is not declared in the engine's registry`);
    return f.id;
  };

  function gatherField(name: string, type: FieldType, fromRef: boolean): Gather {
    const id = fieldId(name);
    const delta = opts.deltaDisplayed;
    if (name === DELTA_DISPLAYED && !fromRef) {
      return (d, out) => {
        const v = delta?.(d);
        if (v !== undefined) out.push(v);
      };
    }
    const bytesOfEntry = type === 'protocol' || type === 'none';
    return (d0, out) => {
      const d = fromRef ? opts.reference : d0;
      if (!d) return;
      const fid = d.fid;
      for (let i = 0, n = d.n; i < n; i++) {
        if (fid[i] !== id) continue;
        const v = type === 'protocol' ? protocolBytes(d, i) : bytesOfEntry ? entryBytes(d, i) : normalize(type, entryValue(d, i));
        if (v !== undefined) out.push(v);
      }
    };
  }

  /**
   * `name#ranges`: the occurrences of `name` in those layers of `protocol`. An occurrence's layer
   * is the number of `protocol` nodes up to it (the inner IP header's fields follow the second
   * `ip` node), as Wireshark numbers a field by the protocol layer that added it.
   */
  function gatherLayer(name: string, protocol: string, type: FieldType, ranges: readonly SliceRange[]): Gather {
    const id = fieldId(name);
    const pid = fieldId(protocol);
    const inRange = (layer: number): boolean => ranges.some((r) => layer >= r.start && (r.end !== undefined ? layer <= r.end : r.length === undefined || layer < r.start + r.length));
    return (d, out) => {
      const fid = d.fid;
      let layer = 0;
      for (let i = 0, n = d.n; i < n; i++) {
        if (fid[i] === pid) layer++;
        if (fid[i] !== id || !inRange(layer)) continue;
        const v = type === 'protocol' ? protocolBytes(d, i) : type === 'none' ? entryBytes(d, i) : normalize(type, entryValue(d, i));
        if (v !== undefined) out.push(v);
      }
    };
  }

  function value(v: Value): Gather {
    switch (v.v) {
      case 'field':
        return gatherField(v.name, v.type, false);
      case 'layer':
        return gatherLayer(v.name, v.protocol, v.type, v.ranges);
      case 'ref':
        return gatherField(v.name, v.type, true);
      case 'const': {
        const c = constValue(v.c);
        return (_d, out) => {
          if (c !== undefined) out.push(c);
        };
      }
      case 'slice': {
        const of = value(v.of);
        const t = v.of.type;
        const tmp: RV[] = [];
        return (d, out) => {
          tmp.length = 0;
          of(d, tmp);
          for (const x of tmp) {
            const b = toBytes(x, t);
            const s = b && sliceOne(b, v.ranges);
            if (s) out.push(s);
          }
        };
      }
      case 'neg': {
        const e = value(v.e);
        return (d, out) => {
          const start = out.length;
          e(d, out);
          for (let k = start; k < out.length; k++) {
            const x = out[k];
            if (typeof x === 'number' || typeof x === 'bigint') out[k] = -x;
          }
        };
      }
      case 'arith': {
        const l = value(v.l);
        const r = value(v.r);
        const lt: RV[] = [];
        const rt: RV[] = [];
        const integer = v.type !== 'float' && v.type !== 'reltime' && v.type !== 'time';
        // Unsigned fields compute modulo 2^64 as Wireshark's uint64 fvalues do: `udp.srcport - 1000`
        // below zero wraps to a huge number instead of going negative.
        const unsigned = v.type === 'uint' || v.type === 'framenum';
        return (d, out) => {
          lt.length = 0;
          rt.length = 0;
          l(d, lt);
          if (lt.length === 0) return;
          r(d, rt);
          for (const a of lt) {
            for (const b of rt) {
              let x = arith(v.op, a, b, integer);
              if (unsigned && x !== undefined && typeof x !== 'string' && !(x instanceof Uint8Array) && (x < 0 || x > Number.MAX_SAFE_INTEGER)) {
                const w = BigInt.asUintN(64, BigInt(x));
                x = w <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(w) : w;
              }
              if (x !== undefined) out.push(x);
            }
          }
        };
      }
      case 'call':
        return call(v);
    }
  }

  function call(v: Extract<Value, { v: 'call' }>): Gather {
    const arg = v.args[0];
    const tmp: RV[] = [];
    switch (v.fn) {
      case 'count': {
        if (arg.v === 'layer') {
          const g = value(arg);
          const tmp: RV[] = [];
          return (d, out) => {
            tmp.length = 0;
            g(d, tmp);
            if (tmp.length > 0) out.push(tmp.length);
          };
        }
        const id = fieldId((arg as { name: string }).name);
        return (d, out) => {
          let n = 0;
          for (let i = 0; i < d.n; i++) if (d.fid[i] === id) n++;
          if (n > 0) out.push(n);
        };
      }
      case 'max':
      case 'min': {
        const gs = v.args.map(value);
        const sign = v.fn === 'max' ? 1 : -1;
        return (d, out) => {
          tmp.length = 0;
          for (const g of gs) g(d, tmp);
          if (tmp.length === 0) return;
          let best = tmp[0];
          for (let k = 1; k < tmp.length; k++) if (sign * compare(tmp[k], best) > 0) best = tmp[k];
          out.push(best);
        };
      }
    }
    const g = value(arg);
    const t = arg.type;
    let map: (x: RV) => RV | undefined;
    switch (v.fn) {
      case 'len':
        map = (x) => (typeof x === 'string' ? utf8.encode(x).length : (toBytes(x, t)?.length ?? undefined));
        break;
      case 'upper':
        map = (x) => (typeof x === 'string' ? x.toUpperCase() : undefined);
        break;
      case 'lower':
        map = (x) => (typeof x === 'string' ? x.toLowerCase() : undefined);
        break;
      case 'abs':
        map = (x) => (typeof x === 'number' ? Math.abs(x) : typeof x === 'bigint' ? (x < 0n ? -x : x) : undefined);
        break;
      default: {
        // string(): integers in decimal (wireshark-filter(4)), addresses in their usual text form.
        const def = arg.v === 'field' ? fieldByName(arg.name) : undefined;
        map = (x) => {
          if (typeof x === 'number' || typeof x === 'bigint') {
            if (t === 'ipv4' && typeof x === 'number') return formatIpv4(x);
            if ((t === 'time' || t === 'reltime') && def) return formatFieldValue(def, x);
            return String(x);
          }
          if (x instanceof Uint8Array) return t === 'ipv6' ? formatIpv6(x) : hex(x, ':');
          return x;
        };
      }
    }
    return (d, out) => {
      tmp.length = 0;
      g(d, tmp);
      for (const x of tmp) {
        const y = map(x);
        if (y !== undefined) out.push(y);
      }
    };
  }

  /** `quant` over all pairs (l, r) of `pred`, each side non-empty. */
  function pairs(l: Value, r: Value, quant: 'any' | 'all', pred: (a: RV, b: RV) => boolean): Predicate {
    const lg = value(l);
    const rg = value(r);
    const lt: RV[] = [];
    const rt: RV[] = [];
    const all = quant === 'all';
    return (d) => {
      lt.length = 0;
      lg(d, lt);
      if (lt.length === 0) return false;
      rt.length = 0;
      rg(d, rt);
      if (rt.length === 0) return false;
      for (const a of lt) {
        for (const b of rt) {
          if (pred(a, b) !== all) return !all;
        }
      }
      return all;
    };
  }

  /** Fast path: a plain field against a numeric constant (the common `tcp.port == 80`). */
  function fieldVsNumber(name: string, type: FieldType, op: CmpOp, quant: 'any' | 'all', c: number): Predicate {
    const id = fieldId(name);
    const all = quant === 'all';
    return (d) => {
      const fid = d.fid;
      let seen = false;
      for (let i = 0, n = d.n; i < n; i++) {
        if (fid[i] !== id) continue;
        let x: RV | undefined = d.num[i];
        if (Number.isNaN(x) || d.obj[i] !== undefined) x = normalize(type, entryValue(d, i));
        if (x === undefined) continue;
        seen = true;
        if (holds(op, compare(x, c)) !== all) return !all;
      }
      return all && seen;
    };
  }

  function test(t: FilterAst): Predicate {
    switch (t.t) {
      case 'and': {
        const l = test(t.l);
        const r = test(t.r);
        return (d) => l(d) && r(d);
      }
      case 'or': {
        const l = test(t.l);
        const r = test(t.r);
        return (d) => l(d) || r(d);
      }
      case 'xor': {
        const l = test(t.l);
        const r = test(t.r);
        return (d) => l(d) !== r(d);
      }
      case 'not': {
        const e = test(t.e);
        return (d) => !e(d);
      }
      case 'exists': {
        if (t.e.v === 'field' && t.e.name !== DELTA_DISPLAYED) {
          const id = fieldId(t.e.name);
          return (d) => {
            const fid = d.fid;
            for (let i = 0, n = d.n; i < n; i++) if (fid[i] === id) return true;
            return false;
          };
        }
        const g = value(t.e);
        const tmp: RV[] = [];
        return (d) => {
          tmp.length = 0;
          g(d, tmp);
          return tmp.length > 0;
        };
      }
      case 'nonzero': {
        const g = value(t.e);
        const tmp: RV[] = [];
        return (d) => {
          tmp.length = 0;
          g(d, tmp);
          for (const x of tmp) if (!isZero(x)) return true;
          return false;
        };
      }
      case 'cmp': {
        const { op, quant, l, r } = t;
        if (r.v === 'const' && (r.c.k === 'net4' || r.c.k === 'net6')) {
          const inNet = netTest(r.c);
          const want = op === 'eq';
          const lg = value(l);
          const tmp: RV[] = [];
          return (d) => {
            tmp.length = 0;
            lg(d, tmp);
            if (tmp.length === 0) return false;
            for (const x of tmp) if ((inNet(x) === want) !== (quant === 'all')) return quant !== 'all';
            return quant === 'all';
          };
        }
        if (l.v === 'field' && l.name !== DELTA_DISPLAYED && r.v === 'const' && r.c.k === 'num' && typeof r.c.v === 'number' && valueKind(l.type) === 'num') {
          return fieldVsNumber(l.name, l.type, op, quant, r.c.v);
        }
        return pairs(l, r, quant, (a, b) => holds(op, compare(a, b)));
      }
      case 'contains':
        return pairs(t.l, t.r, t.quant, (a, b) => {
          if (typeof a === 'string' && typeof b === 'string') return a.includes(b);
          if (a instanceof Uint8Array && b instanceof Uint8Array) return indexOfBytes(a, b) >= 0;
          return false;
        });
      case 'matches': {
        // RE2: time linear in the value, whatever the pattern (a backtracking RegExp over
        // hostile data does not end, and a running predicate cannot be cancelled).
        const re = compileRegex(t.pattern);
        const g = value(t.l);
        const tmp: RV[] = [];
        const all = t.quant === 'all';
        return (d) => {
          tmp.length = 0;
          g(d, tmp);
          if (tmp.length === 0) return false;
          for (const x of tmp) {
            const s = typeof x === 'string' ? x : x instanceof Uint8Array ? latin1(x) : String(x);
            if (re.test(s) !== all) return !all;
          }
          return all;
        };
      }
      case 'in': {
        const lg = value(t.l);
        const items = t.items.map(({ lo, hi }) => {
          if (!hi && lo.v === 'const' && (lo.c.k === 'net4' || lo.c.k === 'net6')) {
            const inNet = netTest(lo.c);
            return (_d: Dissection, x: RV) => inNet(x);
          }
          const lo2 = value(lo);
          const hi2 = hi && value(hi);
          const a: RV[] = [];
          const b: RV[] = [];
          return (d: Dissection, x: RV) => {
            a.length = 0;
            lo2(d, a);
            if (!hi2) return a.some((y) => compare(x, y) === 0);
            b.length = 0;
            hi2(d, b);
            return a.some((y) => compare(x, y) >= 0) && b.some((y) => compare(x, y) <= 0);
          };
        });
        const tmp: RV[] = [];
        // Wireshark expands `x in {a, b}` to `x == a or x == b`, so `all x in {…}` holds when
        // every value of x matches one and the same element (checked against tshark 4.0).
        const inSet: Predicate =
          t.quant === 'all'
            ? (d) => {
                tmp.length = 0;
                lg(d, tmp);
                if (tmp.length === 0) return false;
                for (const it of items) if (tmp.every((x) => it(d, x))) return true;
                return false;
              }
            : (d) => {
                tmp.length = 0;
                lg(d, tmp);
                for (const x of tmp) for (const it of items) if (it(d, x)) return true;
                return false;
              };
        return t.negated ? (d) => !inSet(d) : inSet;
      }
    }
  }

  return test(ast);
}
