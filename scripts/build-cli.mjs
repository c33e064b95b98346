// Build the `tracelens` command (package.json "bin"): two ES modules in out/cli/, run by plain
// Node with no tsx and no node_modules at run time:
//   tracelens.mjs      the CLI (electron/cli/main.ts and everything it imports, bundled)
//   engine-worker.cjs  the engine worker it starts (electron/engine/host/worker-entry.ts, bundled as
//                      CommonJS: node-worker.ts runs it from memory as a script, which starts
//                      faster than an ES module from a data: URL)
// The CLI carries the worker's SHA-256 and refuses a worker file that does not match it, so the
// pair can only be changed together (the same rule as out/engine-worker's manifest).
// Plain .mjs on purpose: `npm install` runs it (the "prepare" script) before anything else works.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'out/cli');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));

// Bundled CommonJS dependencies call require() for Node built-ins; an ES module has none. The
// worker runs from a data: URL (node-worker.ts), which no require can anchor on: built-ins resolve
// the same from any absolute path.
const requireShim = "import { createRequire as __tracelensRequire } from 'node:module'; const require = __tracelensRequire('/');";
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  write: false,
  logLevel: 'warning',
  legalComments: 'none',
  banner: { js: requireShim },
  // esbuild and tsx: only reached in a checkout without a prebuilt worker, never from the built
  // command. DuckDB (sql, export) is a native module: loaded from the package's dependencies.
  external: ['esbuild', 'tsx', 'tsx/*', '@duckdb/node-api'],
};

// CommonJS has require() of its own: no shim.
const worker = await build({ ...common, format: 'cjs', banner: {}, entryPoints: ['electron/engine/host/worker-entry.ts'] });
const workerCode = worker.outputFiles[0].contents;
const workerSha = createHash('sha256').update(workerCode).digest('hex');
const cli = await build({
  ...common,
  entryPoints: ['electron/cli/main.ts'],
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
  define: {
    __TRACELENS_VERSION__: JSON.stringify(pkg.version),
    __TRACELENS_ENGINE_FILE__: JSON.stringify('engine-worker.cjs'),
    __TRACELENS_ENGINE_SHA256__: JSON.stringify(workerSha),
  },
});

mkdirSync(outDir, { recursive: true, mode: 0o755 });
chmodSync(outDir, 0o755);
// Write then rename: a tracelens started meanwhile reads the old pair or the new one.
const put = (name, data, mode) => {
  const part = resolve(outDir, `.${name}.${process.pid}.part`);
  writeFileSync(part, data, { mode });
  chmodSync(part, mode);
  renameSync(part, resolve(outDir, name));
};
put('engine-worker.cjs', workerCode, 0o644);
put('tracelens.mjs', cli.outputFiles[0].contents, 0o755);
const kb = (b) => `${Math.round(b.length / 1024)} kB`;
console.log(`tracelens ${pkg.version}: ${outDir}/tracelens.mjs (${kb(cli.outputFiles[0].contents)}), engine-worker.cjs (${kb(workerCode)})`);
