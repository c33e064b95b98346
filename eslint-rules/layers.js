/**
 * `tracelens/layers`: every source file belongs to exactly one layer of the table in
 * eslint.config.js (the first layer whose `files` glob matches), and each of its relative imports
 * must resolve to a file in a layer its own layer lists in `allow` (or, for `import type` /
 * `export type` only, in `allowTypes`). A file outside every layer is an error, so a new folder
 * has to be placed in the table. Known violations are listed in `exceptions` (from → to, each with
 * the issue item that removes it); an exception that matches nothing is not reported here —
 * test/rules/layers.test.ts checks each one still occurs.
 *
 * Package imports (`react`, `node:fs`, `electron`) are not this rule's business: they are
 * checked by `no-restricted-imports` in the same config.
 */
import path from 'node:path';

/** `**` matches across folders, `*` within one path segment; paths are repo-relative with `/`. */
export function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      re += `(?:${glob.slice(i + 1, end).split(',').map(escape).join('|')})`;
      i = end;
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

function escape(s) {
  return s.replace(/[.+?^$()|[\]\\]/g, '\\$&');
}

/** Compile the rule options once per config object (ESLint passes the same array each time). */
const compiled = new WeakMap();
function compile(options) {
  let c = compiled.get(options);
  if (c) return c;
  const layers = options.layers.map((l) => ({ ...l, res: l.files.map(globToRegExp) }));
  const names = new Set(layers.map((l) => l.name));
  const expand = (list, owner) => {
    const out = new Set();
    for (const pat of list ?? []) {
      const re = globToRegExp(pat);
      let hit = false;
      for (const n of names) if (re.test(n)) { out.add(n); hit = true; }
      if (!hit) throw new Error(`tracelens/layers: layer ${owner} allows "${pat}", which names no layer`);
    }
    return out;
  };
  for (const l of layers) {
    l.allowSet = expand(l.allow, l.name);
    l.allowTypesSet = expand(l.allowTypes, l.name);
  }
  const exceptions = new Set((options.exceptions ?? []).map((e) => `${e.from}\0${e.to}`));
  c = { root: options.root, layers, exceptions };
  compiled.set(options, c);
  return c;
}

export function layerOf(layers, rel) {
  return layers.find((l) => l.res.some((re) => re.test(rel)));
}

/** True for `import type …`, `import { type A, type B } …`, `export type … from`. */
function isTypeOnly(node) {
  if (node.type === 'ImportDeclaration') {
    if (node.importKind === 'type') return true;
    const s = node.specifiers;
    return s.length > 0 && s.every((x) => x.type === 'ImportSpecifier' && x.importKind === 'type');
  }
  if (node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') return node.exportKind === 'type';
  return false;
}

const toPosix = (p) => p.split(path.sep).join('/');

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Each folder imports only the layers the table in eslint.config.js allows' },
    schema: [{
      type: 'object',
      properties: {
        root: { type: 'string' },
        layers: { type: 'array' },
        exceptions: { type: 'array' },
      },
      required: ['root', 'layers'],
      additionalProperties: false,
    }],
    messages: {
      outside: '{{file}} is outside every layer of the tracelens/layers table in eslint.config.js: add it to a layer.',
      forbidden: '{{from}} (layer {{fromLayer}}) may not import {{to}} (layer {{toLayer}}); {{fromLayer}} may import: {{allowed}}.',
      typesOnly: '{{from}} (layer {{fromLayer}}) may import {{to}} (layer {{toLayer}}) for types only: use `import type`.',
      unplaced: '{{from}} imports {{to}}, which is outside every layer of the tracelens/layers table.',
    },
  },
  create(context) {
    const { root, layers, exceptions } = compile(context.options[0]);
    const rel = toPosix(path.relative(root, context.filename));
    if (rel.startsWith('..') || path.isAbsolute(rel)) return {};
    const own = layerOf(layers, rel);
    if (!own) {
      return { Program(node) { context.report({ node, messageId: 'outside', data: { file: rel } }); } };
    }
    const check = (node, source, typeOnly) => {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const spec = source.value;
      if (!spec.startsWith('./') && !spec.startsWith('../')) return;
      const target = toPosix(path.relative(root, path.resolve(path.dirname(context.filename), spec.split('?')[0])));
      if (exceptions.has(`${rel}\0${target}`)) return;
      const to = layerOf(layers, target);
      if (!to) {
        context.report({ node, messageId: 'unplaced', data: { from: rel, to: target } });
        return;
      }
      if (to === own || own.allowSet.has(to.name)) return;
      if (own.allowTypesSet.has(to.name)) {
        if (typeOnly) return;
        context.report({ node, messageId: 'typesOnly', data: { from: rel, fromLayer: own.name, to: target, toLayer: to.name } });
        return;
      }
      context.report({
        node, messageId: 'forbidden',
        data: { from: rel, fromLayer: own.name, to: target, toLayer: to.name, allowed: [own.name, ...own.allowSet].join(', ') },
      });
    };
    return {
      ImportDeclaration(node) { check(node, node.source, isTypeOnly(node)); },
      ExportNamedDeclaration(node) { if (node.source) check(node, node.source, isTypeOnly(node)); },
      ExportAllDeclaration(node) { check(node, node.source, isTypeOnly(node)); },
      ImportExpression(node) { check(node, node.source, false); },
    };
  },
};
