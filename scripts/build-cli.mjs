// Build the `tracelens` command (package.json "bin"): two bundles in out/cli/, run by plain
// Node with no tsx and no node_modules at run time:
//   tracelens.mjs      the CLI (electron/cli/main.ts and everything it imports, bundled)
//   engine-worker.cjs  the engine worker it starts (electron/engine/host/worker-entry.ts, bundled as
//                      CommonJS: node-worker.ts runs it from memory as a script, which starts
//                      faster than an ES module from a data: URL)
//   engine-worker.cache  the worker's V8 code cache, made by the Node that builds (optional: a
//                      Node that rejects it compiles the worker as before)
// The CLI carries the worker's SHA-256 and refuses a worker file that does not match it, so the
// pair can only be changed together (the same rule as out/engine-worker's manifest).
// Plain .mjs on purpose: `npm install` runs it (the "prepare" script) before anything else works.
import { spawnSync } from 'node:child_process';
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

// The worker's V8 code cache (node-worker.ts CACHED_BOOTSTRAP): this Node compiles the bundle as
// the worker will (the same bytes as a script: V8 checks little more than the source's length and
// its own version and flags) and runs its top level, which outside a worker only defines the
// engine, so the cache holds the bytecode of what that run compiled. A child process with no
// NODE_OPTIONS: the build's own flags would change V8's flag hash. No cache if that fails.
const CACHE_MAKER = `
const vm = require('node:vm');
const s = new vm.Script(require('node:fs').readFileSync(0, 'utf8'), { filename: 'tracelens-engine.cjs', importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
s.runInThisContext();
process.stdout.write(s.createCachedData());
`;
const made = spawnSync(process.execPath, ['-e', CACHE_MAKER], { input: workerCode, maxBuffer: 256 << 20, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['pipe', 'pipe', 'inherit'] });
const cacheCode = made.status === 0 && made.stdout.length > 0 ? made.stdout : null;
if (!cacheCode) console.warn('tracelens: no code cache for the engine worker (it compiles at each start)');
const cacheSha = cacheCode ? createHash('sha256').update(cacheCode).digest('hex') : '';
const cli = await build({
  ...common,
  entryPoints: ['electron/cli/main.ts'],
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
  define: {
    __TRACELENS_VERSION__: JSON.stringify(pkg.version),
    __TRACELENS_ENGINE_FILE__: JSON.stringify('engine-worker.cjs'),
    __TRACELENS_ENGINE_SHA256__: JSON.stringify(workerSha),
    __TRACELENS_ENGINE_CACHE_FILE__: JSON.stringify(cacheCode ? 'engine-worker.cache' : ''),
    __TRACELENS_ENGINE_CACHE_SHA256__: JSON.stringify(cacheSha),
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
if (cacheCode) put('engine-worker.cache', cacheCode, 0o644);
put('tracelens.mjs', cli.outputFiles[0].contents, 0o755);
const kb = (b) => `${Math.round(b.length / 1024)} kB`;
console.log(`tracelens ${pkg.version}: ${outDir}/tracelens.mjs (${kb(cli.outputFiles[0].contents)}), engine-worker.cjs (${kb(workerCode)})${cacheCode ? `, engine-worker.cache (${kb(cacheCode)})` : ''}`);
