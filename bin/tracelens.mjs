#!/usr/bin/env node
// The `tracelens` command (package.json "bin"). It runs the bundle scripts/build-cli.mjs makes
// (out/cli/tracelens.mjs: plain JavaScript, no tsx, no node_modules). An installed package ships
// that bundle. In a checkout there are no install scripts to make it (npm 11 warns about every
// one), so the first run builds it, and a run after a source change builds it again.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'out/cli/tracelens.mjs');
const builder = join(root, 'scripts/build-cli.mjs');

/** The newest modification time under `dir` (TypeScript sources only), 0 when there is none. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

if (existsSync(builder)) {
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  const sources = Math.max(newest(join(root, 'electron')), newest(join(root, 'shared')), statSync(join(root, 'package.json')).mtimeMs);
  if (sources > built) {
    process.stderr.write('tracelens: building the command (once per source change)…\n');
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [builder], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) {
      process.stderr.write('tracelens: could not build out/cli/tracelens.mjs (is `npm install` done?)\n');
      process.exit(3);
    }
  }
}
await import(pathToFileURL(bundle).href);
