/**
 * A JSON body as a tree of the literals as sent: each string, number and key keeps its text
 * (`0.0` stays `0.0`, `1e3` stays `1e3`, `"\u00e9"` keeps its escape), and repeated keys stay,
 * so the viewer shows the data, not what JSON.parse makes of it. Grammar: RFC 8259 §2-§7.
 */

export type JsonTree =
  | { kind: 'object'; entries: { key: string; value: JsonTree }[] }
  | { kind: 'array'; items: JsonTree[] }
  | { kind: 'string' | 'number' | 'literal'; text: string };

export type JsonParse = { ok: true; tree: JsonTree } | { ok: false; error: string; offset: number };

/** Deeper nesting is refused (shown raw): the tree and its rendering recurse per level. */
export const MAX_JSON_DEPTH = 256;

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]); // RFC 8259 §2: ws
const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y; // §6
const STRING_RE = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y; // §7

class JsonError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

export function parseJsonTree(text: string): JsonParse {
  let i = 0;
  const skip = (): void => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  const fail = (what: string): never => {
    throw new JsonError(i >= text.length ? `${what}, found the end of the body` : `${what}, found ${JSON.stringify(text[i])}`, i);
  };
  const sticky = (re: RegExp, what: string): string => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) fail(what);
    i += m![0].length;
    return m![0];
  };
  const value = (depth: number): JsonTree => {
    if (depth > MAX_JSON_DEPTH) throw new JsonError(`nested deeper than ${MAX_JSON_DEPTH} levels`, i);
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: { key: string; value: JsonTree }[] = [];
      skip();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', entries };
      }
      for (;;) {
        skip();
        if (text[i] !== '"') fail('expected a "key"');
        const key = sticky(STRING_RE, 'expected a well-formed string');
        skip();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        entries.push({ key, value: value(depth + 1) });
        skip();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return { kind: 'object', entries };
        } else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonTree[] = [];
      skip();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(value(depth + 1));
        skip();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return { kind: 'array', items };
        } else fail('expected "," or "]"');
      }
    }
    if (c === '"') return { kind: 'string', text: sticky(STRING_RE, 'expected a well-formed string') };
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return { kind: 'number', text: sticky(NUMBER_RE, 'expected a number') };
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return { kind: 'literal', text: lit };
      }
    }
    return fail('expected a value');
  };
  try {
    // A UTF-8 byte order mark is not JSON (§8.1) but is ignored by parsers that meet one.
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    const tree = value(0);
    skip();
    if (i < text.length) fail('expected the end after the value');
    return { ok: true, tree };
  } catch (e) {
    if (e instanceof JsonError) return { ok: false, error: `${e.message} at character ${e.offset}`, offset: e.offset };
    throw e;
  }
}

/** The tree printed back, two spaces per level, each literal as sent (for Copy and the tests). */
export function prettyJson(t: JsonTree, indent = ''): string {
  const inner = `${indent}  `;
  if (t.kind === 'object') {
    if (t.entries.length === 0) return '{}';
    return `{\n${t.entries.map((e) => `${inner}${e.key}: ${prettyJson(e.value, inner)}`).join(',\n')}\n${indent}}`;
  }
  if (t.kind === 'array') {
    if (t.items.length === 0) return '[]';
    return `[\n${t.items.map((v) => `${inner}${prettyJson(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  return t.text;
}
