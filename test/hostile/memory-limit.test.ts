/**
 * Issue 11 item 9: the engine has a heap limit and a soft memory budget. Indexing a capture too
 * large for it stops with a clear warning and the engine goes on answering; an engine that dies
 * anyway (out of memory, crash) makes the CLI say so and exit non-zero, never 0 in silence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineClient } from '../../shared/engine-client.ts';
import type { Port } from '../../shared/rpc.ts';
import { startEngineWorkerWith, type EngineWorker } from '../../electron/engine/host/node-worker.ts';
import { engineDeathMessage, limitsFromEnv, overMemoryBudget, parseSize, DEFAULT_LIMITS } from '../../electron/engine/limits.ts';
import { runCli, splitLimitArgs } from '../../electron/cli/run.ts';
import { openAndIndex } from '../../electron/cli/common.ts';
import { writePcapGzBomb, writeStraceGzBomb } from './spill-gen.ts';
import { sink } from '../cli/run-cli.ts';

let work: string;
let bomb: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tl-mem-test-'));
  bomb = join(work, 'bomb.pcap.gz');
  // 62 MB inflated, ≈ 1 M packets: about 50 MB of index, over a 64 MB limit's budget.
  await writePcapGzBomb(bomb, 1_000_000);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('limits', () => {
  it('parses sizes, flags and the environment', () => {
    expect(parseSize('2048', 2 ** 20)).toBe(2048 * 2 ** 20);
    expect(parseSize('1.5G', 1)).toBe(1.5 * 2 ** 30);
    expect(parseSize('512MiB', 1)).toBe(512 << 20);
    expect(parseSize('-1', 1)).toBeNull();
    expect(parseSize('lots', 1)).toBeNull();
    expect(limitsFromEnv({ TRACELENS_MAX_MEMORY: '2G', TRACELENS_MAX_TEMP: '16' })).toEqual({ maxMemoryMb: 2048, maxTempBytes: 16 * 2 ** 30 });
    expect(() => limitsFromEnv({ TRACELENS_MAX_MEMORY: '10' })).toThrow(/TRACELENS_MAX_MEMORY must be a size of at least 64 MB/);
    expect(splitLimitArgs(['list', 'f.pcap', '--max-memory', '512', '--max-temp=2G', '-e', 'frame.number'])).toEqual({
      rest: ['list', 'f.pcap', '-e', 'frame.number'],
      limits: { maxMemoryMb: 512, maxTempBytes: 2 * 2 ** 30 },
    });
    expect(() => splitLimitArgs(['info', 'f', '--max-memory'])).toThrow(/needs a value/);
  });

  it('the budget is a share of the limit', () => {
    const limits = { ...DEFAULT_LIMITS, maxMemoryMb: 100 };
    expect(overMemoryBudget(limits, 85 * 2 ** 20)).toBe(false);
    expect(overMemoryBudget(limits, 95 * 2 ** 20)).toBe(true);
  });

  it("names a worker's real out-of-memory death as such", async () => {
    // A worker that fills its heap: Node ends it with ERR_WORKER_OUT_OF_MEMORY.
    const w = new Worker('const a = []; for (;;) a.push({ x: Math.random(), y: [1, 2, 3] });', { eval: true, resourceLimits: { maxOldGenerationSizeMb: 16 } });
    const error = await new Promise<Error>((r) => w.once('error', r));
    const msg = engineDeathMessage({ error, maxMemoryMb: 16, events: 1234 });
    expect(msg).toBe('capture too large for the 16 MB memory limit: the engine ran out of memory after 1234 events; raise it with --max-memory MB / TRACELENS_MAX_MEMORY');
    expect(engineDeathMessage({ code: 7, maxMemoryMb: 16 })).toBe('the engine stopped unexpectedly (exit code 7)');
  });
});

describe('memory budget', () => {
  it('stops indexing with a warning, keeps what was read, and the engine still answers', async () => {
    const worker = await startEngineWorkerWith({ maxMemoryMb: 64 });
    try {
      const client = createEngineClient(worker.port);
      const info = await openAndIndex(client, bomb);
      expect(info.done).toBe(true);
      expect(info.warnings[0]).toMatch(/^stopped after \d+ events: capture too large for the 64 MB memory limit; raise it with --max-memory MB \/ TRACELENS_MAX_MEMORY$/);
      expect(info.warnings[0]).toContain(`after ${info.events} events`);
      expect(info.events).toBeGreaterThan(10_000);
      expect(info.events).toBeLessThan(1_000_000);
      const rows = await client.call('rows', { start: info.events - 1, count: 1 });
      expect(rows.events[0]).toBe(info.events);
      const f = await client.call('filter', { text: 'udp.dstport == 5001' });
      expect(f.matched).toBe(info.events);
    } finally {
      await worker.terminate();
    }
  });

  it('an strace log stops too, saying how far it got, exit 2', async () => {
    const log = join(work, 'bomb.strace.gz');
    await writeStraceGzBomb(log, 2_000_000);
    const out = sink();
    const code = await runCli(['info', log, '--max-memory', '64'], out.stream, sink().stream);
    expect(code).toBe(2);
    const info = JSON.parse(out.text()) as { events: number; warnings: string[] };
    expect(info.warnings.find((w) => w.includes('memory limit'))).toMatch(/stopped after \d+ bytes of the capture: capture too large for the 64 MB memory limit/);
    expect(info.events).toBeGreaterThan(10_000);
    expect(info.events).toBeLessThan(2_000_000);
  });

  it('the CLI prints what it read, the warning, and exits 2', async () => {
    const out = sink();
    const err = sink();
    const code = await runCli(['list', bomb, '--max-memory', '64', '-e', 'frame.number'], out.stream, err.stream);
    expect(code).toBe(2);
    const lines = out.text().trimEnd().split('\n');
    expect(err.text()).toContain(`stopped after ${lines.length} events: capture too large for the 64 MB memory limit`);
    expect(lines.at(-1)).toBe(String(lines.length));
  });
});

/** An engine that never answers and then dies as `death` says. */
function dyingEngine(death: string): EngineWorker {
  let resolveDied: (m: string) => void = () => {};
  const port: Port = { postMessage: () => setTimeout(() => resolveDied(death), 20), onMessage: () => {}, close: () => {} };
  return {
    port,
    died: new Promise<string>((r) => (resolveDied = r)),
    exited: new Promise<number>(() => {}),
    limits: { ...DEFAULT_LIMITS },
    terminate: async () => {},
  };
}

describe('limits in the stream commands', () => {
  it('follow says the capture was cut at a limit and exits 2', async () => {
    const out = sink();
    const err = sink();
    const code = await runCli(['follow', bomb, '--stream', 'udp:0', '--max-temp', '2M'], out.stream, err.stream);
    expect(code).toBe(2);
    expect(err.text()).toMatch(/^tracelens: .*bomb\.pcap\.gz: stopped after \d+ events: the decompressed capture exceeds the 2 MiB temp-disk limit/);
    expect(out.text()).toContain('abcd');
  });

  it('an engine that really runs out of memory (following 500 k packets in 64 MB) is exit 3 with the reason', async () => {
    const out = sink();
    const err = sink();
    const code = await runCli(['follow', bomb, '--stream', 'udp:0', '--max-memory', '64'], out.stream, err.stream);
    expect(code).toBe(3);
    expect(err.text()).toMatch(/^tracelens: capture too large for the 64 MB memory limit: the engine ran out of memory; raise it with --max-memory MB \/ TRACELENS_MAX_MEMORY \(\d+ events were read\)\n$/);
  });
});

describe('limit options in the CLI', () => {
  it('a limit it cannot use is a usage error (exit 1), from a flag or the environment', async () => {
    const err = sink();
    expect(await runCli(['info', bomb, '--max-memory', '10'], sink().stream, err.stream)).toBe(1);
    expect(err.text()).toMatch(/^tracelens: --max-memory must be a size of at least 64 MB/);
    const before = process.env.TRACELENS_MAX_TEMP;
    process.env.TRACELENS_MAX_TEMP = 'huge';
    try {
      const err2 = sink();
      expect(await runCli(['info', bomb], sink().stream, err2.stream)).toBe(1);
      expect(err2.text()).toMatch(/^tracelens: TRACELENS_MAX_TEMP must be a size of at least 1 MB/);
    } finally {
      if (before === undefined) delete process.env.TRACELENS_MAX_TEMP;
      else process.env.TRACELENS_MAX_TEMP = before;
    }
  });

  it('help lists them', async () => {
    const out = sink();
    expect(await runCli(['help'], out.stream, sink().stream)).toBe(0);
    expect(out.text()).toMatch(/--max-memory MB.*TRACELENS_MAX_MEMORY/s);
    expect(out.text()).toMatch(/--max-temp GIB.*TRACELENS_MAX_TEMP/s);
  });
});

describe('engine death in the CLI', () => {
  it('is a message and exit 3, for every command', async () => {
    const oom = engineDeathMessage({ error: Object.assign(new Error('Worker terminated due to reaching memory limit: JS heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }), maxMemoryMb: 1024 });
    for (const argv of [['info', bomb], ['list', bomb], ['fields'], ['http', bomb], ['follow', bomb, '--stream', 'tcp:0']]) {
      const out = sink();
      const err = sink();
      const code = await runCli(argv, out.stream, err.stream, { startEngine: async () => dyingEngine(oom) });
      expect(code).toBe(3);
      expect(err.text()).toBe(`tracelens: ${oom}\n`);
    }
  });
});
