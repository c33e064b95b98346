/**
 * Issue 11 item 8: the gzip spill is bounded, lives in a per-engine folder the parent owns, and
 * is removed on close, on terminate, on SIGINT/SIGTERM of the CLI, and by the next start when
 * its owner was killed outright. Inputs are generated bombs (spill-gen.ts) with lowered limits.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineClient } from '../../shared/engine-client.ts';
import { startEngineWorkerWith } from '../../electron/engine/host/node-worker.ts';
import { ownerPid, pidAlive, sweepLegacySpills, sweepStaleTempDirs, userTempRoot } from '../../electron/engine/io/temp-dir.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { setEngineLimits, DEFAULT_LIMITS } from '../../electron/engine/limits.ts';
import { openAndIndex } from '../../electron/cli/common.ts';
import { RECORD_BYTES, writePcapGzBomb } from './spill-gen.ts';

const repo = join(import.meta.dirname, '../..');
let work: string;
let bomb: string;
const PACKETS = 1_000_000;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tl-spill-test-'));
  bomb = join(work, 'bomb.pcap.gz');
  await writePcapGzBomb(bomb, PACKETS);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A process id that existed and has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('per-user temp root', () => {
  it('is created 0700 and reused', () => {
    const base = mkdtempSync(join(work, 'base-'));
    const root = userTempRoot(base);
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(userTempRoot(base)).toBe(root);
  });

  it.runIf(process.platform !== 'win32')('refuses a planted link or a folder others can enter', () => {
    const base = mkdtempSync(join(work, 'base-'));
    const elsewhere = mkdtempSync(join(work, 'elsewhere-'));
    symlinkSync(elsewhere, join(base, `tracelens-${process.getuid?.()}`));
    expect(() => userTempRoot(base)).toThrow(/not a directory/);
    const open = mkdtempSync(join(work, 'base-'));
    mkdirSync(join(open, `tracelens-${process.getuid?.()}`));
    chmodSync(join(open, `tracelens-${process.getuid?.()}`), 0o777);
    expect(() => userTempRoot(open)).toThrow(/open to other users \(mode 777\)/);
  });

  it('sweeps folders whose owner process is gone, keeps live ones and foreign names', () => {
    const root = userTempRoot(mkdtempSync(join(work, 'base-')));
    const dead = deadPid();
    expect(pidAlive(dead)).toBe(false);
    mkdirSync(join(root, `engine-${dead}-abc`));
    mkdirSync(join(root, `engine-${process.ppid}-def`));
    mkdirSync(join(root, 'something-else'));
    expect(ownerPid(`engine-${dead}-abc`)).toBe(dead);
    expect(sweepStaleTempDirs(root)).toEqual([`engine-${dead}-abc`]);
    expect(readdirSync(root).sort()).toEqual([`engine-${process.ppid}-def`, 'something-else']);
  });

  it('sweeps the day-old spills of earlier versions, nothing else', () => {
    const base = mkdtempSync(join(work, 'base-'));
    const old = Date.now() + 25 * 3600_000;
    for (const name of ['tracelens-AbC123', 'tracelens-Fresh1', 'tracelens-Other1', 'tracelens-upload-AbC123']) {
      mkdirSync(join(base, name));
      writeFileSync(join(base, name, 'inflated'), 'x');
    }
    writeFileSync(join(base, 'tracelens-Other1', 'notes.txt'), 'y');
    expect(sweepLegacySpills(base, 24 * 3600_000, old).sort()).toEqual(['tracelens-AbC123', 'tracelens-Fresh1']);
    mkdirSync(join(base, 'tracelens-Young1'));
    writeFileSync(join(base, 'tracelens-Young1', 'inflated'), 'x');
    expect(sweepLegacySpills(base)).toEqual([]);
    expect(readdirSync(base).sort()).toEqual(['tracelens-Other1', 'tracelens-Young1', 'tracelens-upload-AbC123']);
  });
});

describe('gzip spill', () => {
  it('stops at the temp-disk limit with the packets read, and close removes the spill', async () => {
    const dir = mkdtempSync(join(work, 'engine-'));
    setEngineLimits({ maxTempBytes: 4 << 20, tempDir: dir });
    try {
      const { capture, indexing } = await openCapture(bomb);
      await indexing;
      const info = capture.info();
      expect(info.warnings[0]).toMatch(/^stopped after \d+ events: the decompressed capture exceeds the 4 MiB temp-disk limit; raise it with --max-temp/);
      expect(info.extra.stopped).toBe(info.warnings[0]);
      expect(info.warnings[0]).toContain(`stopped after ${info.events} events`);
      // Everything up to the limit, whole records only, no damage warning for the cut record.
      expect(info.events).toBe(Math.floor((4 * 2 ** 20 - 24) / RECORD_BYTES));
      expect(info.warnings).toHaveLength(1);
      const spills = readdirSync(dir);
      expect(spills).toHaveLength(1);
      expect(statSync(join(dir, spills[0], 'inflated')).size).toBeLessThanOrEqual(4 << 20);
      // What was read stays readable.
      const out: string[] = [];
      capture.cells(info.events, out);
      expect(out[6]).toBe('5000 → 5001 Len=4');
      capture.close();
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      setEngineLimits({ ...DEFAULT_LIMITS, tempDir: undefined });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a worker engine keeps its spill in its folder, removed when the worker ends', async () => {
    const worker = await startEngineWorkerWith({ maxTempBytes: 8 << 20 });
    const dir = worker.limits.tempDir as string;
    expect(dir).toContain(`engine-${process.pid}-`);
    const client = createEngineClient(worker.port);
    const info = await openAndIndex(client, bomb);
    expect(info.warnings[0]).toMatch(/8 MiB temp-disk limit/);
    expect(readdirSync(dir)).toHaveLength(1);
    await worker.terminate();
    await worker.exited;
    expect(existsSync(dir)).toBe(false);
  });
});

describe('engine crash', () => {
  it('a worker that dies out of memory has its folder removed by the parent', async () => {
    const worker = await startEngineWorkerWith({ maxMemoryMb: 64 });
    const dir = worker.limits.tempDir as string;
    const client = createEngineClient(worker.port);
    await openAndIndex(client, bomb);
    expect(readdirSync(dir)).toHaveLength(1);
    // Following half a million packets does not fit a 64 MB heap: the worker is killed.
    void client.call('follow', { stream: 'udp:0', format: 'ascii' }).catch(() => {});
    expect(await worker.died).toMatch(/^capture too large for the 64 MB memory limit: the engine ran out of memory/);
    await worker.exited;
    expect(existsSync(dir)).toBe(false);
  });
});

/** Run the CLI as a real process (signals, exit codes). */
function cliProcess(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'electron/cli/main.ts'), ...args], {
    cwd: repo,
    env: { ...process.env, TMPDIR: env.TMPDIR ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += String(d)));
  child.stdout.on('data', () => {});
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }>((r) => child.on('exit', (code, signal) => r({ code, signal, err })));
  return { child, done };
}

/** Wait until `root` holds an engine folder of `pid` with a spill in it; returns its path. */
async function spillOf(root: string, pid: number): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const names = existsSync(root) ? readdirSync(root).filter((n) => ownerPid(n) === pid) : [];
    for (const n of names) if (readdirSync(join(root, n)).length > 0) return join(root, n);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no spill appeared');
}

describe.runIf(process.platform !== 'win32')('CLI process', () => {
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${sig} while indexing removes the spill and exits ${code}`, async () => {
      const tmp = mkdtempSync(join(work, 'tmp-'));
      const root = join(tmp, `tracelens-${process.getuid?.()}`);
      // Slow enough to be caught mid-way: the full 62 MB, listed.
      const { child, done } = cliProcess(['list', bomb], { TMPDIR: tmp });
      const dir = await spillOf(root, child.pid as number);
      child.kill(sig);
      const r = await done;
      expect(r.code).toBe(code);
      expect(existsSync(dir)).toBe(false);
    });
  }

  it('a killed CLI leaves its folder, which the next run sweeps', async () => {
    const tmp = mkdtempSync(join(work, 'tmp-'));
    const root = join(tmp, `tracelens-${process.getuid?.()}`);
    const first = cliProcess(['list', bomb], { TMPDIR: tmp });
    const dir = await spillOf(root, first.child.pid as number);
    first.child.kill('SIGKILL');
    await first.done;
    expect(existsSync(dir)).toBe(true);
    const second = cliProcess(['info', bomb, '--max-temp', '2M'], { TMPDIR: tmp });
    const r = await second.done;
    expect(r.code).toBe(2);
    expect(r.err).toBe('');
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });
});
