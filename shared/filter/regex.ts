/**
 * The syntax side of `matches`. Wireshark compiles the pattern with PCRE2 (caseless by default:
 * wireshark-filter(4) "matches"); the engine matches with RE2 (re2js), whose syntax is PCRE's
 * minus everything that needs backtracking, so that a filter over hostile data runs in time
 * linear in the data. This scan finds the PCRE2 constructs RE2 lacks and names them with their
 * position, without a regex engine, so the renderer's filter bar can say so as you type
 * (re2js, ~260 KB, stays out of the renderer bundle). Anything else RE2 rejects (bad repeat
 * counts, unknown classes) is reported by the engine's full compile (`RegexCheck`).
 */

export interface RegexProblem {
  message: string;
  /** Code-unit offsets into the pattern, `to` exclusive. */
  from: number;
  to: number;
}

/** A full compile of a pattern (the engine's RE2); undefined when it compiles. */
export type RegexCheck = (pattern: string) => RegexProblem | undefined;

const WHY = 'the linear-time regular-expression engine (RE2) has none';

/** PCRE2 escapes with no RE2 counterpart, and what to write instead (pcre2pattern(3) "Backslash"). */
const ESCAPES: Record<string, string> = {
  G: '\\G (start of match) is not supported',
  K: '\\K (reset match start) is not supported',
  R: '\\R (any newline) is not supported; write (?:\\r\\n|[\\n\\v\\f\\r\\x85])',
  X: '\\X (extended grapheme cluster) is not supported',
  h: '\\h (horizontal white space) is not supported; write [\\t ]',
  H: '\\H (not horizontal white space) is not supported; write [^\\t ]',
  v: '\\v means vertical white space in PCRE2 but a vertical tab in RE2; write [\\n\\x0b\\f\\r] or \\x0b',
  V: '\\V (not vertical white space) is not supported; write [^\\n\\x0b\\f\\r]',
  N: '\\N (not a newline) is not supported; write [^\\n]',
  Z: '\\Z (end or before a final newline) is not supported; write \\z or $',
  e: '\\e (escape) is not supported; write \\x1b',
  c: '\\cX (control character) is not supported; write \\xNN',
  o: '\\o{…} (octal) is not supported; write \\xNN',
};

/** The first PCRE2 construct in `p` that RE2 does not have, if any. */
export function unsupportedRegexSyntax(p: string): RegexProblem | undefined {
  const at = (from: number, to: number, message: string): RegexProblem => ({ message, from, to });
  let inClass = false;
  const opens: number[] = [];
  for (let i = 0; i < p.length; ) {
    const c = p[i];
    if (c === '\\') {
      const e = p[i + 1];
      if (e === undefined) return at(i, i + 1, 'invalid regular expression: it ends with a lone backslash');
      if (e === 'Q') {
        // \Q…\E quotes literally (RE2 has it too): skip the quoted text.
        const end = p.indexOf('\\E', i + 2);
        i = end < 0 ? p.length : end + 2;
        continue;
      }
      if (!inClass) {
        if (e >= '1' && e <= '9') return at(i, i + 2, `back-reference \\${e} is not supported: ${WHY}`);
        if (e === 'g' || (e === 'k' && /[<'{]/.test(p[i + 2] ?? ''))) return at(i, i + 2, `back-reference or subroutine \\${e} is not supported: ${WHY}`);
      }
      if (inClass && e === 'b') return at(i, i + 2, '\\b inside [...] (backspace) is not supported; write \\x08');
      if (Object.hasOwn(ESCAPES, e)) return at(i, i + 2, ESCAPES[e]);
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && p[i + 1] === ':') {
        // POSIX class [:alpha:] inside a bracket expression.
        const end = p.indexOf(':]', i + 2);
        i = end < 0 ? i + 1 : end + 2;
        continue;
      }
      if (c === ']') inClass = false;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      i++;
      if (p[i] === '^') i++;
      if (p[i] === ']') i++; // a leading ] is literal
      continue;
    }
    if (c === '(') {
      opens.push(i);
      const problem = groupProblem(p, i);
      if (problem) return problem;
      i++;
      continue;
    }
    if (c === ')') {
      if (opens.length === 0) return at(i, i + 1, 'invalid regular expression: unmatched ")"');
      opens.pop();
      i++;
      continue;
    }
    if ((c === '*' || c === '+' || c === '?' || c === '}') && p[i + 1] === '+') {
      return at(i, i + 2, `possessive quantifier "${c}+" is not supported: ${WHY}; write "${c}"`);
    }
    i++;
  }
  if (inClass) return at(p.lastIndexOf('['), p.length, 'invalid regular expression: missing "]" to close the character class');
  if (opens.length) return at(opens[opens.length - 1], opens[opens.length - 1] + 1, 'invalid regular expression: missing ")" to close this group');
  return undefined;
}

/** Group openers `(?…`/`(*…` that RE2 lacks (pcre2pattern(3) "Lookaround", "Atomic", …). */
function groupProblem(p: string, i: number): RegexProblem | undefined {
  const rest = p.slice(i, i + 5);
  const named = (n: number, what: string): RegexProblem => ({ message: `${what} is not supported: ${WHY}`, from: i, to: i + n });
  if (rest.startsWith('(*')) return named(2, 'a backtracking control verb "(*…)"');
  if (!rest.startsWith('(?')) return undefined;
  if (rest.startsWith('(?=')) return named(3, 'lookahead "(?="');
  if (rest.startsWith('(?!')) return named(3, 'negative lookahead "(?!"');
  if (rest.startsWith('(?<=')) return named(4, 'lookbehind "(?<="');
  if (rest.startsWith('(?<!')) return named(4, 'negative lookbehind "(?<!"');
  if (rest.startsWith('(?>')) return named(3, 'atomic group "(?>"');
  if (rest.startsWith('(?|')) return named(3, 'branch reset "(?|"');
  if (rest.startsWith('(?(')) return named(3, 'conditional group "(?("');
  if (rest.startsWith('(?#')) return named(3, 'comment group "(?#"');
  if (rest.startsWith('(?C')) return named(3, 'callout "(?C"');
  if (rest.startsWith('(?P=')) return named(4, 'back-reference "(?P="');
  if (rest.startsWith('(?P>') || rest.startsWith('(?&')) return named(rest.startsWith('(?&') ? 3 : 4, 'subroutine call');
  if (/^\(\?(?:R|[+-]?\d)/.test(rest)) return named(3, 'recursion');
  // Option settings (?imsU-imsU) and (?imsU:…): RE2 knows i, m, s and U only.
  const m = /^\(\?([A-Za-z]*)(?:-([A-Za-z]*))?[):]/.exec(p.slice(i));
  if (m) {
    const letters = m[1] + (m[2] ?? '');
    const k = [...letters].findIndex((x) => !'imsU'.includes(x));
    if (k >= 0) {
      const pos = i + 2 + (k < m[1].length ? k : k + 1);
      return { message: `the regular-expression option (?${letters[k]}) is not supported (only i, m, s and U are)`, from: pos, to: pos + 1 };
    }
  }
  return undefined;
}
