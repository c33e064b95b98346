/**
 * Display-filter tokens. The lexer is pulled one token at a time by the parser so that slice
 * brackets (`[1:2,4-6]`) can be read with their own rules. Following Wireshark, a "word" is
 * one run of `[A-Za-z0-9_.:/-]` so that field names, numbers, MACs, IPv6 addresses and CIDR
 * prefixes are single tokens whose meaning is decided later by the field they meet; this is
 * why subtraction needs a space before the `-` (`a -b`), as in Wireshark.
 */
import { FilterError } from './ast.ts';

export type TokKind =
  | 'word' // field name or unquoted literal
  | 'string' // "…" (value decoded)
  | 'raw' // r"…"
  | 'char' // 'c'
  | 'ref' // ${field} or $field
  | 'op' // punctuation and operators, text in `text`
  | 'eof';

export interface Token {
  k: TokKind;
  /** Source text of the token (for `op`: the operator; for strings: the decoded value). */
  text: string;
  from: number;
  to: number;
  /** char literal code */
  code?: number;
  /** strings: the offset in the filter text of each code unit of the decoded value. */
  map?: number[];
}

export class LexError extends FilterError {}

const WORD_START = /[A-Za-z0-9_:.]/;
const WORD_CHAR = /[A-Za-z0-9_.:/-]/;

/** Operators longest first so `===` wins over `==`. */
const OPS = ['===', '!==', '==', '!=', '~=', '<=', '>=', '&&', '||', '^^', '..', '<', '>', '!', '&', '+', '-', '*', '/', '%', '~', '(', ')', '{', '}', '[', ']', ',', '#', '='];

const SIMPLE_ESC: Record<string, string> = { "'": "'", '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * Decode the escape at text[i] (just after the backslash). Returns the decoded text and the
 * index after the escape. Escapes from wireshark-filter(4): \' \" \\ \a \b \f \n \r \t \v
 * \NNN (octal) \xNN \uNNNN \UNNNNNNNN. Octal and \x give a byte; they are kept as U+00NN
 * here and turned back into that byte when the literal meets a byte field.
 */
export function decodeEscape(text: string, i: number, quoteFrom: number): { s: string; next: number } {
  const c = text[i];
  if (c === undefined) throw new LexError('unterminated escape at the end of the filter', i - 1, i);
  if (c in SIMPLE_ESC) return { s: SIMPLE_ESC[c], next: i + 1 };
  if (c >= '0' && c <= '7') {
    const m = /^[0-7]{1,3}/.exec(text.slice(i))![0];
    const v = parseInt(m, 8);
    if (v > 255) throw new LexError(`octal escape \\${m} is above \\377`, i - 1, i + m.length);
    return { s: String.fromCharCode(v), next: i + m.length };
  }
  const hexLen = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (hexLen) {
    const m = new RegExp(`^[0-9A-Fa-f]{${c === 'x' ? '1,2' : hexLen}}`).exec(text.slice(i + 1));
    if (!m || (c !== 'x' && m[0].length !== hexLen)) {
      throw new LexError(`\\${c} needs ${c === 'x' ? 'one or two' : hexLen} hex digits`, i - 1, i + 1 + (m ? m[0].length : 0));
    }
    const v = parseInt(m[0], 16);
    if (v > 0x10ffff) throw new LexError(`\\${c}${m[0]} is not a Unicode code point`, i - 1, i + 1 + m[0].length);
    return { s: String.fromCodePoint(v), next: i + 1 + m[0].length };
  }
  void quoteFrom;
  throw new LexError(`unknown escape \\${c}`, i - 1, i + 1);
}

export function createLexer(text: string) {
  let pos = 0;

  function skipSpace(): void {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  }

  function readString(start: number, raw: boolean): Token {
    // start = index of the opening quote
    let i = start + 1;
    let out = '';
    const map: number[] = [];
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        if (raw) {
          // Raw strings keep backslashes; \" still does not end the string.
          const two = text[i] + (text[i + 1] ?? '');
          out += two;
          for (let k = 0; k < two.length; k++) map.push(i + k);
          i += 2;
          continue;
        }
        const e = decodeEscape(text, i + 1, start);
        out += e.s;
        for (let k = 0; k < e.s.length; k++) map.push(i);
        i = e.next;
        continue;
      }
      map.push(i);
      out += text[i++];
    }
    if (i >= text.length) throw new LexError('string is not closed: missing "', raw ? start - 1 : start, text.length, text.slice(raw ? start - 1 : start) + '"');
    map.push(i);
    return { k: raw ? 'raw' : 'string', text: out, from: raw ? start - 1 : start, to: i + 1, map };
  }

  function readChar(start: number): Token {
    let i = start + 1;
    let s: string;
    if (text[i] === '\\') {
      const e = decodeEscape(text, i + 1, start);
      s = e.s;
      i = e.next;
    } else {
      if (i >= text.length || text[i] === "'") throw new LexError('empty character constant', start, Math.min(text.length, i + 1));
      s = String.fromCodePoint(text.codePointAt(i)!);
      i += s.length;
    }
    if (text[i] !== "'") throw new LexError("character constant is not closed: missing '", start, Math.min(text.length, i + 1));
    const code = s.codePointAt(0)!;
    return { k: 'char', text: text.slice(start, i + 1), code, from: start, to: i + 1 };
  }

  function next(): Token {
    skipSpace();
    const from = pos;
    if (pos >= text.length) return { k: 'eof', text: '', from, to: from };
    const c = text[pos];
    if (c === '"') {
      const t = readString(pos, false);
      pos = t.to;
      return t;
    }
    if (c === 'r' && text[pos + 1] === '"') {
      const t = readString(pos + 1, true);
      pos = t.to;
      return t;
    }
    if (c === "'") {
      const t = readChar(pos);
      pos = t.to;
      return t;
    }
    if (c === '$') {
      if (text[pos + 1] === '{') {
        const end = text.indexOf('}', pos + 2);
        if (end < 0) throw new LexError('field reference is not closed: missing }', pos, text.length);
        const name = text.slice(pos + 2, end).trim();
        pos = end + 1;
        return { k: 'ref', text: name, from, to: pos };
      }
      let i = pos + 1;
      while (i < text.length && /[A-Za-z0-9_.-]/.test(text[i])) i++;
      if (i === pos + 1) throw new LexError('"$" must be followed by a field name, as in ${ip.src}', pos, pos + 1);
      pos = i;
      return { k: 'ref', text: text.slice(from + 1, i), from, to: i };
    }
    // `..` (range in a set) must not start a word; `.5` would, but that is not a valid literal anyway.
    if (WORD_START.test(c) && !(c === '.' && text[pos + 1] === '.')) {
      let i = pos + 1;
      while (i < text.length && WORD_CHAR.test(text[i]) && !(text[i] === '.' && text[i + 1] === '.')) i++;
      pos = i;
      return { k: 'word', text: text.slice(from, i), from, to: i };
    }
    for (const op of OPS) {
      if (text.startsWith(op, pos)) {
        pos += op.length;
        return { k: 'op', text: op, from, to: pos };
      }
    }
    if (c === '^') throw new LexError('"^" is not an operator; xor is written "xor" or "^^"', pos, pos + 1, '^^');
    throw new LexError(`unexpected character "${c}"`, pos, pos + 1);
  }

  /**
   * Read the body of a slice after `[` up to and including `]`. Grammar (wireshark-filter(4)):
   * range (',' range)*, range = i ':' j | i '-' j | i | ':' j | i ':'; integers may be negative.
   */
  function sliceBody(): { ranges: { start: number; length?: number; end?: number }[]; to: number } {
    const close = text.indexOf(']', pos);
    if (close < 0) throw new LexError('slice is not closed: missing ]', pos - 1, text.length);
    const body = text.slice(pos, close);
    const ranges: { start: number; length?: number; end?: number }[] = [];
    let off = pos;
    for (const partRaw of body.split(',')) {
      const part = partRaw.replace(/\s+/g, '');
      const at = off;
      off += partRaw.length + 1;
      const bad = (why: string) => new LexError(`bad slice "${partRaw.trim()}": ${why}`, at, at + partRaw.length);
      let m: RegExpExecArray | null;
      if ((m = /^(-?\d+)?:(-?\d+)?$/.exec(part))) {
        const start = m[1] === undefined ? 0 : parseInt(m[1], 10);
        if (m[2] === undefined) {
          if (m[1] === undefined) throw bad('give a start or a length');
          ranges.push({ start });
        } else {
          const length = parseInt(m[2], 10);
          if (length < 0) throw bad('the length after ":" cannot be negative');
          ranges.push({ start, length });
        }
      } else if ((m = /^(-?\d+)-(-?\d+)$/.exec(part))) {
        const start = parseInt(m[1], 10);
        const end = parseInt(m[2], 10);
        if (start >= 0 && end >= 0 && end < start) throw bad('the end offset is before the start');
        ranges.push({ start, end });
      } else if ((m = /^(-?\d+)$/.exec(part))) {
        ranges.push({ start: parseInt(m[1], 10), length: 1 });
      } else {
        throw bad(part === '' ? 'empty range' : 'expected i:j, i-j, i, :j or i:');
      }
    }
    pos = close + 1;
    return { ranges, to: pos };
  }

  return {
    next,
    sliceBody,
    get pos() {
      return pos;
    },
    set pos(p: number) {
      pos = p;
    },
  };
}

export type Lexer = ReturnType<typeof createLexer>;
