/**
 * Display-filter trees. The parser produces a syntax tree (`Syn`, positions only, no types);
 * the checker turns it into a typed `FilterAst` whose literals are already converted to the type
 * of the field they meet (Wireshark rule: `ff:ff:ff:ff:ff:ff` is a MAC next to `eth.src`, bytes
 * next to `frame[0:6]`). The engine compiles `FilterAst` to a predicate; the renderer only needs
 * the messages. Everything here is plain data (structured-clone safe), no Node imports.
 */
import type { FieldType } from '../fields.ts';

export interface FilterMessage {
  message: string;
  /** Character offsets into the filter text, `to` exclusive. */
  from: number;
  to: number;
  /** A replacement for text[from, to) that would fix the problem, when one is obvious. */
  suggestion?: string;
}

/* ---------------------------------------------------------------- syntax tree (parser) */

/** `[i:j]` → start+length, `[i-j]` → start+end (inclusive), `[i]` → length 1, `[i:]` → to end. */
export interface SliceRange {
  start: number;
  /** Byte count; undefined with `end` undefined = to the end of the value. */
  length?: number;
  /** Inclusive end offset (may be negative). */
  end?: number;
}

/** Relations, named after Wireshark's English operators. */
export type RelOp = 'any_eq' | 'all_ne' | 'all_eq' | 'any_ne' | 'gt' | 'ge' | 'lt' | 'le' | 'contains' | 'matches';
export type ArithOp = '+' | '-' | '*' | '/' | '%' | '&';
export type Quantifier = 'any' | 'all';

interface Span {
  from: number;
  to: number;
}

export type Syn = Span &
  (
    | { s: 'word'; text: string }
    /** `map[k]`: offset in the filter text of code unit k of `value` (and one past its end). */
    | { s: 'string'; value: string; raw: boolean; map: number[] }
    | { s: 'char'; value: number }
    | { s: 'ref'; name: string }
    | { s: 'slice'; of: Syn; ranges: SliceRange[] }
    /** `field#2`, `field#[2-4]`: the layer operator; `ranges` are layer numbers (from 1). */
    | { s: 'layer'; of: Syn; ranges: SliceRange[] }
    | { s: 'call'; name: string; args: Syn[] }
    | { s: 'arith'; op: ArithOp; l: Syn; r: Syn; opFrom: number }
    | { s: 'neg'; e: Syn }
    | { s: 'rel'; op: RelOp; l: Syn; r: Syn; opFrom: number; opTo: number; opText: string; quant?: Quantifier }
    | { s: 'in'; l: Syn; items: { lo: Syn; hi?: Syn }[]; negated: boolean; quant?: Quantifier }
    | { s: 'logic'; op: 'and' | 'or' | 'xor'; l: Syn; r: Syn }
    | { s: 'not'; e: Syn }
    | { s: 'paren'; e: Syn }
    | { s: 'brace'; e: Syn }
  );

/* ---------------------------------------------------------------- typed tree (checker) */

/**
 * Value kinds after checking. Field values keep their FieldType; slices are `bytes`;
 * `len`/`count` are `uint`; `string()`/`upper()`/`lower()` are `string`.
 */
export type ValueType = Exclude<FieldType, 'none'>;

/** A literal converted to the type it is compared with. Times and durations are seconds. */
export type Const =
  | { k: 'num'; v: number | bigint }
  | { k: 'str'; v: string }
  | { k: 'bytes'; v: Uint8Array }
  /** IPv4 network: address and prefix length (an address alone is a `num`). */
  | { k: 'net4'; addr: number; bits: number }
  | { k: 'net6'; addr: Uint8Array; bits: number };

/** The display filter functions (Wireshark's dfilter functions that this engine implements). */
export const FILTER_FUNCTIONS = ['len', 'count', 'upper', 'lower', 'string', 'abs', 'max', 'min'] as const;
export type FnName = (typeof FILTER_FUNCTIONS)[number];

export const isFilterFunction = (name: string): name is FnName => (FILTER_FUNCTIONS as readonly string[]).includes(name);

/** Word operators and quantifiers of the filter language (wireshark-filter(4)), for completion and highlighting. */
export const FILTER_KEYWORDS = [
  'and', 'or', 'not', 'xor', 'in', 'contains', 'matches', 'eq', 'ne', 'gt', 'lt', 'ge', 'le', 'all_eq', 'any_ne', 'any_eq', 'all_ne', 'any', 'all',
] as const;

/** Types whose values are numbers (compared with each other, usable in arithmetic). */
export const NUMERIC_TYPES: ReadonlySet<FieldType> = new Set(['uint', 'int', 'framenum', 'bool', 'float', 'reltime']);
/** Types whose values are byte strings (compared byte by byte with each other). */
export const BYTES_TYPES: ReadonlySet<FieldType> = new Set(['bytes', 'ether', 'ipv6', 'protocol']);

/** Which types may be compared with each other when a filter is checked: numbers, byte strings, else only the same type. */
export function typeFamily(t: ValueType): string {
  if (NUMERIC_TYPES.has(t)) return 'num';
  if (BYTES_TYPES.has(t)) return 'bytes';
  return t;
}

/** How a value is held when a filter runs: IPv4 addresses and times are numbers too. */
export function valueKind(t: FieldType): 'num' | 'str' | 'bytes' {
  if (t === 'string') return 'str';
  if (BYTES_TYPES.has(t) || t === 'none') return 'bytes';
  return 'num';
}

export type Value = Span & { type: ValueType } & (
    | { v: 'field'; name: string }
    /** `${field}` / `$field`: the value of that field in the selected event. */
    | { v: 'ref'; name: string }
    | { v: 'const'; c: Const }
    | { v: 'slice'; of: Value; ranges: SliceRange[] }
    /**
     * The occurrences of a field in some layers of its protocol (`ip.src#2`: the inner IP
     * header's): `protocol` names the protocol whose occurrences are counted, `ranges` the
     * layer numbers (from 1; start+length or start+end as slices).
     */
    | { v: 'layer'; name: string; protocol: string; ranges: SliceRange[] }
    | { v: 'call'; fn: FnName; args: Value[] }
    | { v: 'arith'; op: ArithOp; l: Value; r: Value }
    | { v: 'neg'; e: Value }
  );

export type CmpOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterAst = Span &
  (
    | { t: 'exists'; e: Value }
    /** `quant: 'any'` holds when some pair of values satisfies `op`; `'all'` when every pair does. */
    | { t: 'cmp'; op: CmpOp; quant: Quantifier; l: Value; r: Value }
    | { t: 'contains'; quant: Quantifier; l: Value; r: Value }
    /**
     * `pattern` is the PCRE2/RE2 pattern as written (caseless unless it says `(?-i)`), at
     * `patternFrom`–`patternTo` in the filter text; the engine compiles it with RE2.
     */
    | { t: 'matches'; quant: Quantifier; l: Value; pattern: string; patternFrom: number; patternTo: number }
    | { t: 'in'; quant: Quantifier; negated: boolean; l: Value; items: { lo: Value; hi?: Value }[] }
    /** A bitwise-and used as a test: true when some result is non-zero. */
    | { t: 'nonzero'; e: Value }
    | { t: 'and' | 'or' | 'xor'; l: FilterAst; r: FilterAst }
    | { t: 'not'; e: FilterAst }
  );

export type ParseResult =
  | { ok: true; ast: FilterAst; warnings: FilterMessage[] }
  | { ok: false; errors: FilterMessage[] };

/** A filter that cannot be used, with the text range to mark and maybe a replacement for it (FilterMessage). */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly from: number,
    readonly to: number,
    readonly suggestion?: string,
  ) {
    super(message);
  }
}
