/**
 * `list --follow` on a pcap that a real tcpdump is still writing (`tcpdump -i lo -U -w`, started
 * by startTcpdump as Capture ▸ Packets… starts it): curl makes three plain HTTP requests 1 s
 * apart to a loopback server while the follow runs; each request and response prints within
 * 1 s of its packet's capture time, before the capture ends, with the finished file's values.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run.ts';
import { takeInterrupt } from '../../electron/cli/interrupt.ts';
import { interrupt, onPath, startTcpdump } from '../../electron/engine/host/capture-spawn.ts';
import { timedSink } from './growing-capture.ts';
import { cliOk } from './run-cli.ts';
import { CORPUS } from '../engine/corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-follow-tcpdump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const FIELDS = ['-e', 'frame.number', '-e', 'http.request.uri', '-e', 'http.response.code', '-e', 'frame.time_epoch'];

describe('list --follow on a pcap tcpdump is writing', () => {
  it('prints each request and response within 1 s of its packet', async (ctx) => {
    const tcpdump = onPath('tcpdump');
    if (!tcpdump || !onPath('curl')) return ctx.skip();
    const server = createServer((req, res) => res.end(`hello ${req.url}\n`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const pcap = join(dir, 'lo.pcap');
    const d = await startTcpdump(tcpdump, 'lo', pcap, `tcp port ${port}`);
    if (!('started' in d)) {
      server.close();
      // Not permitted here (no CAP_NET_RAW): the message says what to run.
      console.log(`tcpdump cannot capture here: ${d.problem}`);
      return ctx.skip();
    }
    try {
      // The engine's first start (compiling it) is not part of the follow's latency.
      await cliOk('info', join(CORPUS, 'pcap/generated/gen-http11-plain.pcap'));
      // tcpdump -U writes the file header once it listens.
      while (!existsSync(pcap) || statSync(pcap).size === 0) await sleep(20);
      const out = timedSink();
      const err = timedSink();
      const follow = runCli(['list', pcap, '--follow', '--stop-after', '90', '-f', 'http', ...FIELDS], out.stream, err.stream);
      await sleep(1500);
      const urls = ['one', 'two', 'three'].flatMap((u) => ['-o', '/dev/null', `http://127.0.0.1:${port}/${u}`]);
      await promisify(execFile)('curl', ['-s', '--rate', '1/s', ...urls]);
      while (out.lines.length < 6) {
        await sleep(50);
        if (performance.now() - (out.lines.at(-1)?.at ?? performance.now()) > 10_000) break;
      }
      const captureRunning = d.started.child.exitCode === null;
      while (!takeInterrupt()) await sleep(50);
      expect(await follow).toBe(0);
      expect(captureRunning).toBe(true);
      const rows = out.lines.map((l) => l.text.split('\t'));
      expect(rows.map((r) => [r[1], r[2]])).toEqual([['/one', ''], ['', '200'], ['/two', ''], ['', '200'], ['/three', ''], ['', '200']]);
      // Printed within 1 s of the packet (its capture time, wall clock).
      const late = out.lines.map((l, k) => Math.round(performance.timeOrigin + l.at - Number(rows[k][3]) * 1000));
      console.log(`tcpdump follow: printed ${late.map((ms) => `${ms} ms`).join(', ')} after each packet`);
      for (const ms of late) expect(ms).toBeLessThan(1000);
      expect(err.lines.map((l) => l.text)).toEqual([]);
      await interrupt(d.started);
      const want = (await cliOk('list', pcap, '-f', 'http', ...FIELDS)).replace(/\n$/, '').split('\n');
      expect(out.lines.map((l) => l.text)).toEqual(want);
    } finally {
      if (d.started.child.exitCode === null) await interrupt(d.started);
      server.close();
    }
  }, 120_000);
});
