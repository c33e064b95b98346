/**
 * Issue 11 item 1: a planted engine bundle never runs. Older versions loaded
 * tmpdir()/tracelens-engine-<sha1 of the bundle>.mjs whenever it existed, so on a shared /tmp
 * the first user to create that name chose what everyone's CLI and browser mode ran. Here a
 * bundle that records that it ran is planted under that exact name (TMPDIR is a private folder,
 * so no other process on this machine can pick it up), and in the new prebuilt location with each
 * check broken in turn: wrong mode, wrong owner, symbolic links, a hash that does not match, a
 * stale source list. Every time, the engine that answers must be the real one and the plant must
 * not have run.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_FILE, MANIFEST_FILE, bundleEngine, bundleManifest, engineModule, readPrebuiltEngine, startEngineWorker, type EngineBundle } from '../../electron/engine/host/node-worker.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

let work: string;
let marker: string;
let real: EngineBundle;
let planted: Uint8Array;

/** A script (the bundle's format) that leaves `marker` behind and answers every request with "planted". */
function plantCode(markerPath: string): Uint8Array {
  return new TextEncoder().encode(
    `const { writeFileSync } = require('node:fs'); const { parentPort } = require('node:worker_threads');\n` +
      `writeFileSync(${JSON.stringify(markerPath)}, 'ran');\n` +
      `parentPort?.on('message', (m) => parentPort.postMessage({ kind: 'response', id: m.id, ok: true, result: 'planted' }));\n`,
  );
}

/** What the old loader named its bundle: the same esbuild call, sha1 of the output, 16 hex digits. */
async function oldBundleName(): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [join(ROOT, 'electron/engine/host/worker-entry.ts')],
    bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, logLevel: 'silent',
    banner: { js: "import { createRequire as __tracelensRequire } from 'node:module'; const require = __tracelensRequire(import.meta.url);" },
  });
  return `tracelens-engine-${createHash('sha1').update(out.outputFiles[0].contents).digest('hex').slice(0, 16)}.mjs`;
}

/** A prebuilt layout `<parent>/engine-worker/{worker.cjs,manifest.json}` holding `code` under `manifest`. */
function layout(name: string, code: Uint8Array, manifest = bundleManifest({ code, inputs: real.inputs })): string {
  const dir = join(work, name, 'engine-worker');
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(join(work, name), 0o755);
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, BUNDLE_FILE), code, { mode: 0o644 });
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest), { mode: 0o644 });
  return dir;
}

/** Start an engine with `prebuiltDir`, ask it for the field catalogue: the real engine answers with a list. */
async function answer(prebuiltDir: string): Promise<unknown> {
  const w = await startEngineWorker({ prebuiltDir });
  try {
    return await new Promise((res) => {
      w.port.onMessage((m) => res((m as { result?: unknown }).result));
      w.port.postMessage({ kind: 'request', id: 1, method: 'fields', params: null });
    });
  } finally {
    await w.terminate();
  }
}

const savedTmp = process.env.TMPDIR;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tl-plant-'));
  chmodSync(work, 0o755);
  marker = join(work, 'PLANT-RAN');
  planted = plantCode(marker);
  real = await bundleEngine();
  // From here on tmpdir() is our private folder: the old loader would have looked there.
  process.env.TMPDIR = join(work, 'tmp');
  mkdirSync(process.env.TMPDIR, { mode: 0o1777 });
  const old = await oldBundleName();
  writeFileSync(join(process.env.TMPDIR, old), planted);
  expect(tmpdir()).toBe(join(work, 'tmp'));
  expect(existsSync(join(tmpdir(), old))).toBe(true);
});

afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(work, { recursive: true, force: true });
});

describe('the engine worker bundle', () => {
  it('loads a prebuilt bundle that passes every check (the positive control: a check that refused everything would pass the rest)', async () => {
    const dir = layout('good', real.code);
    expect('code' in readPrebuiltEngine(dir)).toBe(true);
    // The plant the checks let through does run: the marker is a working detector.
    const plantOk = layout('plant-consistent', planted);
    const ok = readPrebuiltEngine(plantOk);
    expect('code' in ok && Buffer.from(ok.code).equals(Buffer.from(planted))).toBe(true);
    expect(await answer(plantOk)).toBe('planted');
    expect(existsSync(marker)).toBe(true);
    rmSync(marker);
    expect(Array.isArray(await answer(dir))).toBe(true);
  });

  it('runs the bundle as a script from memory, not an ES module from a data: URL (each import resolved against 2 MB of URL: ~300 ms of the start)', async () => {
    const src = await engineModule(layout('script', real.code));
    expect(src !== null && 'script' in src && src.script === Buffer.from(real.code).toString('utf8')).toBe(true);
  });

  const cases: [string, (dir: string) => void, RegExp][] = [
    ['the bundle does not match its manifest hash', (d) => writeFileSync(join(d, MANIFEST_FILE), JSON.stringify(bundleManifest(real))), /SHA-256/],
    ['the bundle is writable by others', (d) => chmodSync(join(d, BUNDLE_FILE), 0o666), /writable by group or others/],
    ['the manifest is group-writable', (d) => chmodSync(join(d, MANIFEST_FILE), 0o664), /writable by group or others/],
    ['its folder is world-writable', (d) => chmodSync(d, 0o777), /writable by group or others/],
    ['the folder above it is world-writable (like /tmp)', (d) => chmodSync(resolve(d, '..'), 0o1777), /writable by group or others/],
    ['the bundle is a symbolic link', (d) => {
      const elsewhere = join(work, `elsewhere-${Math.random()}.mjs`);
      writeFileSync(elsewhere, planted);
      rmSync(join(d, BUNDLE_FILE));
      symlinkSync(elsewhere, join(d, BUNDLE_FILE));
    }, /ELOOP|symbolic link/],
    ['a source changed since the build (stale)', (d) => {
      const m = bundleManifest({ code: planted, inputs: { ...real.inputs } });
      const first = Object.keys(m.inputs)[0];
      m.inputs[first] = '0'.repeat(64);
      writeFileSync(join(d, MANIFEST_FILE), JSON.stringify(m));
    }, /stale/],
    ['the manifest lists a source that is gone', (d) => {
      writeFileSync(join(d, MANIFEST_FILE), JSON.stringify(bundleManifest({ code: planted, inputs: { 'electron/no-such-file.ts': '0'.repeat(64) } })));
    }, /stale/],
  ];
  if (process.getuid?.() === 0) {
    cases.push(['the bundle belongs to another user', (d) => chownSync(join(d, BUNDLE_FILE), 65534, 65534), /owned by uid 65534/]);
    cases.push(['its folder belongs to another user', (d) => chownSync(d, 65534, 65534), /owned by uid 65534/]);
  }

  it.each(cases)('refuses a planted bundle when %s, and the real engine answers', async (name, breakIt, why) => {
    const dir = layout(`plant-${name.replace(/\W+/g, '-')}`, planted);
    breakIt(dir);
    const r = readPrebuiltEngine(dir);
    expect('refused' in r ? r.refused : 'accepted').toMatch(why);
    expect(Array.isArray(await answer(dir))).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a prebuilt folder that is a symbolic link to a folder the checks would pass', () => {
    const target = layout('link-target', planted);
    const parent = join(work, 'linked');
    mkdirSync(parent, { mode: 0o755 });
    chmodSync(parent, 0o755);
    symlinkSync(target, join(parent, 'engine-worker'));
    expect(readPrebuiltEngine(join(parent, 'engine-worker'))).toEqual({ refused: expect.stringMatching(/symbolic link/) });
  });

  it('refuses a bundle owned by another uid than the one required', () => {
    const dir = layout('other-uid', planted);
    const uid = (process.getuid?.() ?? 0) + 1;
    expect(readPrebuiltEngine(dir, uid)).toEqual({ refused: expect.stringMatching(new RegExp(`owned by uid \\d+, not ${uid}`)) });
  });

  it('the CLI, run as `npm run cli` does, answers from the real engine with the old temp-folder name planted', async () => {
    const capture = join(ROOT, 'assets/samples/gen-tls13-h2.pcapng');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', 'info', capture], { cwd: ROOT, env: { ...process.env, TMPDIR: tmpdir() } });
    expect(stdout).toMatch(/pcapng/);
    expect(existsSync(marker)).toBe(false);
    // The plant is still where the old loader would have found it.
    expect(readFileSync(join(tmpdir(), await oldBundleName()))).toEqual(Buffer.from(planted));
  });
});
