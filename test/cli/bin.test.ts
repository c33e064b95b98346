/**
 * The `tracelens` command as an installed package runs it: the bundle scripts/build-cli.mjs
 * writes, started by plain Node from a clean folder (no tsx, no node_modules, no checkout).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import { cli } from './run-cli.ts';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; files: string[]; scripts: Record<string, string> };
const work = mkdtempSync(join(tmpdir(), 'tl-bin-'));
const built = join(work, 'built');
const clean = join(work, 'elsewhere');
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Plain Node: nothing inherited that could load tsx or our sources.
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, TMPDIR: tmpdir() };
const tracelens = (cli: string, ...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: clean, env, encoding: 'utf8' });
const pcap = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts/build-cli.mjs'), built], { cwd: root, stdio: 'pipe' });
  cpSync(built, clean, { recursive: true });
}, 120_000);

describe('tracelens command (bundle)', () => {
  it('package.json points "bin" at the launcher and ships it with the bundle, with no install script', () => {
    expect(pkg.bin).toEqual({ tracelens: 'bin/tracelens.mjs' });
    expect(pkg.files).toEqual(expect.arrayContaining(['bin/', 'out/cli/']));
    // npm 11 warns on every install script of a package; the checkout builds on first run instead.
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts[s]).toBeUndefined();
  });

  it('--version and help run with plain Node from another folder', () => {
    const v = tracelens(join(clean, 'tracelens.mjs'), '--version');
    expect(v.stderr).toBe('');
    expect(v.stdout).toBe(`tracelens ${pkg.version}\n`);
    expect(tracelens(join(clean, 'tracelens.mjs'), 'help').stdout).toMatch(/^usage: tracelens COMMAND/);
  });

  it('info and list on a corpus capture equal the checkout CLI', async () => {
    const info = tracelens(join(clean, 'tracelens.mjs'), 'info', pcap);
    expect(info.status).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ format: 'pcap', events: 33 });
    const args = ['list', pcap, '-f', 'http', '-e', 'frame.number', '-e', 'http.request.uri', '-e', 'http.response.code'];
    const list = tracelens(join(clean, 'tracelens.mjs'), ...args);
    expect(list.status).toBe(0);
    const checkout = await cli(...args);
    expect(list.stdout).toBe(checkout.out);
    expect(list.stdout).toContain('/index.html');
    const rows = tracelens(join(clean, 'tracelens.mjs'), 'list', pcap);
    expect(rows.stdout).toBe((await cli('list', pcap)).out);
  }, 60_000);

  it('gives V8 only the code cache it was built with', () => {
    expect(readFileSync(join(built, 'engine-worker.cache')).length).toBeGreaterThan(0);
    // V8 checks a cache against little more than the source's length: a cache made from a worker
    // of the same length whose top level throws is run as that worker's bytecode if given.
    const dir = join(work, 'planted-cache');
    cpSync(built, dir, { recursive: true });
    const real = readFileSync(join(dir, 'engine-worker.cjs'), 'utf8');
    const variant = 'throw "cache"' + real.slice('"use strict";'.length);
    expect(variant.length).toBe(real.length);
    const maker = "const vm = require('node:vm'); process.stdout.write(new vm.Script(require('node:fs').readFileSync(0, 'utf8'), { filename: 'x' }).createCachedData());";
    const planted = spawnSync(process.execPath, ['-e', maker], { input: variant, env, maxBuffer: 256 << 20 });
    expect(planted.status).toBe(0);
    writeFileSync(join(dir, 'engine-worker.cache'), planted.stdout);
    const r = tracelens(join(dir, 'tracelens.mjs'), 'info', pcap);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'pcap', events: 33 });
  });

  it('refuses an engine worker that is not the one it was built with', () => {
    const dir = join(work, 'tampered');
    cpSync(built, dir, { recursive: true });
    writeFileSync(join(dir, 'engine-worker.cjs'), 'process.exit(0);\n');
    const r = tracelens(join(dir, 'tracelens.mjs'), 'info', pcap);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/not the engine this command was built with/);
  });
});
