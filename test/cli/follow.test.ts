/**
 * `list --follow` on files still being written, and FILE `-` (standard input): events print as
 * their bytes arrive, a record cut between two writes waits for the rest, and the file is read
 * once from start to end however many times it grew.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run.ts';
import { openCaptures } from '../../electron/engine/open-capture.ts';
import { compileTailFilter, tailPage } from '../../electron/engine/host/tail.ts';
import { CORPUS } from '../engine/corpus.ts';
import { cli } from './run-cli.ts';
import { pcapRecords, timedSink } from './growing-capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-follow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PCAP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
const STRACE_DIR = join(CORPUS, 'strace');

/** The pcap's global header and its records, as bytes (classic little-endian pcap). */

/** Lines written to a stream, each with the time it arrived. */

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('list --follow', () => {
  it('prints each packet of a growing pcap within 1 s of its bytes being written, record halves included', async () => {
    const { header, records } = pcapRecords(PCAP);
    const file = join(dir, 'growing.pcap');
    const fd = openSync(file, 'w');
    writeSync(fd, header);
    const out = timedSink();
    const err = timedSink();
    const run = runCli(['list', file, '--follow', '--stop-after', '60', '-e', 'frame.number', '-e', 'tcp.len'], out.stream, err.stream);
    // Until the command answers the first record, the engine may still be starting.
    writeSync(fd, records[0]);
    while (out.lines.length === 0) await sleep(20);
    const written: number[] = [performance.now()];
    for (let k = 1; k < records.length; k++) {
      const r = records[k];
      // Half a record, a pause, the rest: the reader waits for the rest, no error.
      writeSync(fd, r.subarray(0, 7));
      await sleep(30);
      writeSync(fd, r.subarray(7));
      written[k] = performance.now();
      await sleep(30);
    }
    while (out.lines.length < records.length) await sleep(20);
    closeSync(fd);
    // Ctrl-C (main.ts) and --stop-after stop the same way: through stopFollow.
    const { takeInterrupt } = await import('../../electron/cli/interrupt.ts');
    expect(takeInterrupt()).toBe(true);
    expect(await run).toBe(0);
    expect(out.lines.map((l) => Number(l.text.split('\t')[0]))).toEqual(records.map((_, k) => k + 1));
    const late = out.lines.map((l, k) => l.at - written[k]);
    expect(Math.max(...late.slice(1))).toBeLessThan(1000);
    expect(err.lines.map((l) => l.text)).toEqual([]);
  }, 120_000);

  it('reads a growing file once: bytes delivered = file size, indexed filters dissect nothing, others each event once', async () => {
    const { header, records } = pcapRecords(PCAP);
    const file = join(dir, 'once.pcap');
    const fd = openSync(file, 'w');
    writeSync(fd, header);
    const stop = new AbortController();
    const { capture, indexing } = await openCaptures([file], { follow: { stop: stop.signal, pollMs: 5 } });
    // One filter the index columns answer, one that needs the TCP payload dissected.
    const runs = ['tcp.len > 0', 'tcp.payload contains 48:54:54:50'].map((text) => {
      const run = { text, filter: compileTailFilter(undefined, text), after: 0, hits: [] as number[], dissected: 0, capture };
      run.capture = { ...capture, dissect: (...a: Parameters<typeof capture.dissect>) => (run.dissected++, capture.dissect(...a)) };
      return run;
    });
    const ask = async (): Promise<boolean> => {
      let done = true;
      for (const run of runs) {
        const page = await tailPage(run.capture, undefined, { after: run.after, count: 100, filter: run.filter }, 0);
        run.after = page.tested;
        run.hits.push(...(page.rows?.events ?? []));
        done &&= page.done;
      }
      return done;
    };
    let size = header.length;
    for (const r of records) {
      writeSync(fd, r);
      size += r.length;
      await sleep(15);
      // Asked several times per append: only new events are tested.
      for (let k = 0; k < 3; k++) await ask();
    }
    stop.abort();
    await indexing;
    closeSync(fd);
    expect(await ask()).toBe(true);
    expect(capture.count()).toBe(records.length);
    expect(capture.info().bytesRead).toBe(size);
    expect(runs.map((r) => r.dissected)).toEqual([0, records.length]);
    for (const run of runs) {
      const all = (await cli('list', PCAP, '-f', run.text, '-e', 'frame.number')).out.trim().split('\n').map(Number);
      expect(run.hits).toEqual(all);
      expect(all.length).toBeGreaterThan(1);
    }
    capture.close();
  }, 60_000);

  it('a growing strace log: syscalls print as strace writes them', async () => {
    const src = readFileSync(join(STRACE_DIR, readdirStrace()), 'utf8').split('\n').filter((l) => l !== '');
    const file = join(dir, 'growing.strace');
    const fd = openSync(file, 'w');
    const out = timedSink();
    const err = timedSink();
    const run = runCli(['list', file, '--follow', '--stop-after', '60', '-e', 'evt.num'], out.stream, err.stream);
    const half = Math.floor(src.length / 2);
    writeSync(fd, src.slice(0, half).join('\n') + '\n');
    while (out.lines.length === 0) await sleep(20);
    const firstBatch = out.lines.length;
    // A line cut in the middle waits for its end.
    const rest = src.slice(half).join('\n') + '\n';
    writeSync(fd, rest.slice(0, 10));
    await sleep(200);
    writeSync(fd, rest.slice(10));
    const t = performance.now();
    const whole = (await cli('list', join(STRACE_DIR, readdirStrace()), '-e', 'evt.num')).out.trim().split('\n').length;
    while (out.lines.length < whole && performance.now() - t < 10_000) await sleep(20);
    closeSync(fd);
    const { takeInterrupt } = await import('../../electron/cli/interrupt.ts');
    takeInterrupt();
    expect(await run).toBe(0);
    expect(firstBatch).toBeGreaterThan(0);
    expect(out.lines.length).toBe(whole);
  }, 120_000);

  it('says so when the file shrinks while followed, keeping what was read', async () => {
    const { header, records } = pcapRecords(PCAP);
    const file = join(dir, 'shrinks.pcap');
    const fd = openSync(file, 'w');
    writeSync(fd, header);
    for (const r of records.slice(0, 5)) writeSync(fd, r);
    const out = timedSink();
    const err = timedSink();
    const run = runCli(['list', file, '--follow', '--stop-after', '60', '-e', 'frame.number'], out.stream, err.stream);
    while (out.lines.length < 5) await sleep(20);
    truncateSync(file, 24);
    closeSync(fd);
    expect(await run).toBe(2);
    expect(out.lines.length).toBe(5);
    expect(err.lines.map((l) => l.text).join('\n')).toMatch(/shrank from \d+ to 24 bytes while being followed/);
  }, 60_000);
});

describe('FILE - (standard input)', () => {
  it('list - equals list FILE, and --follow prints as the input arrives', async () => {
    const bytes = readFileSync(PCAP);
    const want = (await cli('list', PCAP)).out;
    const out = timedSink();
    const err = timedSink();
    expect(await runCli(['list', '-'], out.stream, err.stream, { stdin: Readable.from([bytes]) })).toBe(0);
    expect(out.lines.map((l) => l.text).join('\n') + '\n').toBe(want);
    const f = timedSink();
    expect(await runCli(['list', '-', '--follow', '-e', 'frame.number'], f.stream, err.stream, { stdin: Readable.from([bytes.subarray(0, 5000), bytes.subarray(5000)]) })).toBe(0);
    expect(f.lines.length).toBe(33);
    expect(err.lines).toEqual([]);
  }, 60_000);

  it('a usage error for --stop-after without --follow', async () => {
    const r = await cli('list', PCAP, '--stop-after', '3');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--stop-after needs --follow/);
  });
});

function readdirStrace(): string {
  // A real log of the corpus (curl, -f -tt -T -yy -s65535 -xx), a few hundred syscalls.
  return 'generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt';
}
