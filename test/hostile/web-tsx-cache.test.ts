/**
 * Issue 11 item 1, the other loader: `npm run cli` and `npm run web` run TypeScript through tsx,
 * which caches compiled modules in TMPDIR/tsx-<euid>/ and runs a cached entry without asking who
 * wrote it. scripts/tsx-safe.mjs (what the npm scripts import instead of tsx) turns the cache off
 * unless that folder is a plain folder of this user that nobody else can write. Here tsx's own
 * cache entry for a small module is rewritten to planted code: plain `--import tsx` runs it (the
 * positive control), the npm scripts' loader does not.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const uid = process.geteuid?.();
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tl-tsx-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A TMPDIR whose tsx cache holds a planted entry for `mod`, and `mod` itself. */
async function planted(name: string): Promise<{ tmp: string; cache: string; mod: string }> {
  const tmp = join(work, name);
  mkdirSync(tmp, { mode: 0o755 });
  const mod = join(work, `${name}.ts`);
  writeFileSync(mod, 'const n: number = 1;\nconsole.log(`real ${n} ${process.env.TSX_DISABLE_CACHE ?? "cached"}`);\n');
  // Let tsx compile it once, to get the entry's name; then replace what the entry runs.
  expect((await run(process.execPath, ['--import', 'tsx', mod], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp } })).stdout).toBe('real 1 cached\n');
  const cache = join(tmp, `tsx-${uid}`);
  const [entry] = readdirSync(cache);
  const json = JSON.parse(readFileSync(join(cache, entry), 'utf8')) as { code: string };
  json.code = 'console.log("planted");';
  writeFileSync(join(cache, entry), JSON.stringify(json));
  return { tmp, cache, mod };
}

const runSafe = (mod: string, tmp: string) => run(process.execPath, ['--import', './scripts/tsx-safe.mjs', mod], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp } });

describe.skipIf(uid === undefined)("tsx's cache in the temp folder", () => {
  it('plain tsx runs a planted cache entry (the hole), the npm scripts do not when the folder is writable by others', async () => {
    const { tmp, cache, mod } = await planted('writable');
    chmodSync(cache, 0o777);
    expect((await run(process.execPath, ['--import', 'tsx', mod], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp } })).stdout).toBe('planted\n');
    const r = await runSafe(mod, tmp);
    expect(r.stdout).toBe('real 1 1\n');
    expect(r.stderr).toMatch(/ignoring tsx's cache .*writable by other users/);
  });

  it('ignores a cache folder that is a symbolic link', async () => {
    const { tmp, cache, mod } = await planted('link');
    const moved = join(work, 'link-target');
    mkdirSync(moved, { mode: 0o755 });
    for (const f of readdirSync(cache)) writeFileSync(join(moved, f), readFileSync(join(cache, f)));
    rmSync(cache, { recursive: true });
    symlinkSync(moved, cache);
    expect((await runSafe(mod, tmp)).stdout).toBe('real 1 1\n');
  });

  it.skipIf(uid !== 0)('ignores a cache folder that belongs to another user', async () => {
    const { tmp, cache, mod } = await planted('owner');
    chownSync(cache, 65534, 65534);
    expect((await runSafe(mod, tmp)).stdout).toBe('real 1 1\n');
  });

  it('keeps the cache when the folder is this user’s alone, and makes a missing one 0700', async () => {
    const tmp = join(work, 'fresh');
    mkdirSync(tmp, { mode: 0o755 });
    const mod = join(work, 'fresh.ts');
    writeFileSync(mod, 'const n: number = 2;\nconsole.log(`real ${n} ${process.env.TSX_DISABLE_CACHE ?? "cached"}`);\n');
    const r = await runSafe(mod, tmp);
    expect(r.stdout).toBe('real 2 cached\n');
    expect(r.stderr).toBe('');
    expect(statSync(join(tmp, `tsx-${uid}`)).mode & 0o777).toBe(0o700);
  });
});
