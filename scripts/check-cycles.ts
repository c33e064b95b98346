/**
 * No value-import cycles in the source (electron/, shared/, renderer/): run by `npm test`.
 *   node --import tsx scripts/check-cycles.ts
 * Builds the graph of relative imports that load a module at run time (`import type`,
 * `import { type A }` and `export type … from` are erased and ignored), finds its strongly
 * connected components (Tarjan), and fails on any component of more than one file, or a file
 * importing itself, that is not in KNOWN_CYCLES exactly. A known cycle that has gone (or changed)
 * also fails, so the list only shrinks. Exit status 1 with the cycle's edges printed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['electron', 'shared', 'renderer'];

/**
 * Cycles that exist today, each with the work that removes it: none now (the dissector cycle went
 * with the dissector tables of issue 12, dissectors/table.ts); keep it empty.
 * Members are repo-relative paths; the check wants the component to have exactly these files.
 */
export const KNOWN_CYCLES: { why: string; files: string[] }[] = [];

export interface Import { target: string; typeOnly: boolean }

function typeOnlyImport(n: ts.ImportDeclaration): boolean {
  const c = n.importClause;
  if (!c) return false; // `import './x.ts'` runs the module
  if (c.isTypeOnly) return true;
  if (c.name) return false;
  const b = c.namedBindings;
  return !!b && ts.isNamedImports(b) && b.elements.length > 0 && b.elements.every((e) => e.isTypeOnly);
}

/** The relative imports of one module (static, re-exports and dynamic `import('…')`), resolved to repo-relative paths. */
export function moduleImports(file: string, text: string): Import[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: Import[] = [];
  const add = (spec: string, typeOnly: boolean) => {
    if (!spec.startsWith('./') && !spec.startsWith('../')) return;
    const abs = resolve(ROOT, dirname(file), spec.split('?')[0]);
    out.push({ target: relative(ROOT, abs).split(sep).join('/'), typeOnly });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) add(n.moduleSpecifier.text, typeOnlyImport(n));
    else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) add(n.moduleSpecifier.text, n.isTypeOnly);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) add(n.arguments[0].text, false);
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

function sourceFiles(dir: string, acc: string[]): string[] {
  for (const e of readdirSync(join(ROOT, dir)).sort()) {
    const p = `${dir}/${e}`;
    if (statSync(join(ROOT, p)).isDirectory()) sourceFiles(p, acc);
    else if (/\.(ts|tsx)$/.test(e) && !e.endsWith('.d.ts')) acc.push(p);
  }
  return acc;
}

/** Value-import graph: file → files it loads. */
export function valueGraph(files: string[], read: (f: string) => string): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of files) g.set(f, [...new Set(moduleImports(f, read(f)).filter((i) => !i.typeOnly).map((i) => i.target))]);
  return g;
}

/** Strongly connected components with a cycle (size > 1, or a self-import), members sorted. */
export function cycles(g: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  // Iterative Tarjan: the graph is a few hundred files, but recursion depth should not depend on it.
  for (const start of g.keys()) {
    if (index.has(start)) continue;
    const work: { v: string; i: number }[] = [{ v: start, i: 0 }];
    index.set(start, next); low.set(start, next); next++;
    stack.push(start); onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const succ = g.get(top.v) ?? [];
      if (top.i < succ.length) {
        const w = succ[top.i++];
        if (!g.has(w)) continue; // outside the source dirs
        if (!index.has(w)) {
          index.set(w, next); low.set(w, next); next++;
          stack.push(w); onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === index.get(top.v)) {
        const comp: string[] = [];
        let w: string;
        do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== top.v);
        if (comp.length > 1 || succ.includes(top.v)) out.push(comp.sort());
      }
    }
  }
  return out;
}

/** Problems: cycles not known, and known cycles that are gone or have other members now. */
export function checkCycles(found: string[][], known = KNOWN_CYCLES): string[] {
  const key = (c: string[]) => [...c].sort().join('\n');
  const knownKeys = new Set(known.map((k) => key(k.files)));
  const foundKeys = new Set(found.map(key));
  const problems: string[] = [];
  for (const c of found) if (!knownKeys.has(key(c))) problems.push(`value-import cycle: ${c.join(', ')}`);
  for (const k of known) {
    if (!foundKeys.has(key(k.files))) problems.push(`known cycle (${k.why}) no longer occurs as listed: update KNOWN_CYCLES in scripts/check-cycles.ts`);
  }
  return problems;
}

function main(): void {
  const files = SOURCE_DIRS.flatMap((d) => sourceFiles(d, []));
  const g = valueGraph(files, (f) => readFileSync(join(ROOT, f), 'utf8'));
  const found = cycles(g);
  const problems = checkCycles(found);
  for (const p of problems) {
    console.error(p);
    const members = found.find((c) => p.includes(c[0]));
    if (members) for (const a of members) for (const b of g.get(a) ?? []) if (members.includes(b)) console.error(`  ${a} → ${b}`);
  }
  if (problems.length) process.exit(1);
  const edges = [...g.values()].reduce((n, l) => n + l.length, 0);
  console.log(`check-cycles: ${files.length} files, ${edges} value imports, no cycle beyond the ${KNOWN_CYCLES.length} known (scripts/check-cycles.ts)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
