/**
 * Decrypted HTTPS while a trace runs: `tracelens trace -- curl` making three requests 1 s apart
 * (after one answered 4 s late) on one keep-alive connection to a loopback HTTPS server, and `list --follow` on the strace log
 * and key log as both are written. Each request and response must print within 1 s of the
 * syscall that completes it, before curl ends, with the values the finished file gives.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run.ts';
import { takeInterrupt } from '../../electron/cli/interrupt.ts';
import { onPath } from '../../electron/cli/trace.ts';
import { startHttpsServer } from './https-server.ts';
import { timedSink } from './growing-capture.ts';
import { cliOk } from './run-cli.ts';
import { CORPUS } from '../engine/corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-live-https-'));
let server: { port: number; close: () => void } | undefined;

beforeAll(async () => {
  // /wait answers after 4 s: the follow is up before the requests it times are made.
  server = await startHttpsServer(dir, (req, res) => {
    setTimeout(() => res.end(`hello ${req.url}\n`), req.url === '/wait' ? 4000 : 0);
  });
  // The engine's first start compiles it (seconds on a loaded machine): not part of the follow's latency.
  await cliOk('info', join(CORPUS, 'strace/generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt'));
}, 120_000);

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const FIELDS = ['-e', 'frame.number', '-e', 'http.request.uri', '-e', 'http.response.code', '-e', 'evt.rawtime'];
const can = onPath('strace') !== null && onPath('curl') !== null;

describe('list --follow on a trace being written, with its key log', () => {
  it.skipIf(!can)('prints each decrypted request and response within 1 s of its syscall, before curl ends', async () => {
    const port = server?.port ?? 0;
    const prefix = join(dir, 'keepalive');
    const urls = ['wait', 'live1', 'live2', 'live3'].flatMap((u) => ['-o', '/dev/null', `https://127.0.0.1:${port}/${u}`]);
    let traceEnded = Infinity;
    const t0 = Date.now();
    const trace = runCli(['trace', '--out', prefix, '--', 'curl', '-sk', '--rate', '1/s', ...urls], timedSink().stream, timedSink().stream).then((code) => {
      traceEnded = Date.now();
      return code;
    });
    // The log exists once strace has started.
    while (!existsSync(`${prefix}.strace`) || statSync(`${prefix}.strace`).size === 0) await sleep(20);
    const out = timedSink();
    const err = timedSink();
    const follow = runCli(['list', `${prefix}.strace`, '--follow', '--stop-after', '90', '--keylog', `${prefix}.keys`, '-f', 'http', ...FIELDS], out.stream, err.stream);
    expect(await trace).toBe(0);
    console.log(`trace took ${Date.now() - t0} ms`);
    await sleep(1500);
    // Ctrl-C, once the follow is there to take it.
    while (!takeInterrupt()) await sleep(50);
    expect(await follow).toBe(0);
    // Wall-clock time of each line's arrival.
    const arrived = out.lines.map((l) => performance.timeOrigin + l.at);
    const rows = out.lines.map((l) => l.text.split('\t'));
    expect(rows.map((r) => [r[1], r[2]])).toEqual([['/wait', ''], ['', '200'], ['/live1', ''], ['', '200'], ['/live2', ''], ['', '200'], ['/live3', ''], ['', '200']]);
    // Printed within 1 s of the syscall (strace -ttt: its wall-clock time); the first two
    // exchanges before curl ended (it ends right after the third response).
    // The /wait request is made while the follow starts: timed from its response on.
    const late = rows.slice(1).map((r, k) => Math.round(arrived[k + 1] - Number(BigInt(r[3]) / 1_000_000n)));
    console.log(`live HTTPS follow: printed ${late.map((ms) => `${ms} ms`).join(', ')} after each syscall; curl ended ${Math.round(traceEnded - arrived[7])} ms after the last line; ${JSON.stringify(rows)}`);
    for (const ms of late) expect(ms).toBeLessThan(1000);
    for (const at of arrived.slice(0, 6)) expect(at).toBeLessThan(traceEnded);
    expect(err.lines.map((l) => l.text)).toEqual([]);
    // The finished file gives the same lines.
    const want = (await cliOk('list', `${prefix}.strace`, '--keylog', `${prefix}.keys`, '-f', 'http', ...FIELDS)).replace(/\n$/, '').split('\n');
    expect(out.lines.map((l) => l.text)).toEqual(want);
  }, 180_000);

  it.skipIf(!can)('a parent waiting for its child holds nothing back: the child\'s calls print while the parent waits', async () => {
    // sh waits in wait4 (strace writes `wait4(-1,  <unfinished ...>`) while each child runs.
    const prefix = join(dir, 'parent');
    let traceEnded = Infinity;
    const trace = runCli(['trace', '--out', prefix, '--', 'sh', '-c', 'sleep 3; ls / >/dev/null; sleep 2; ls / >/dev/null; sleep 2'], timedSink().stream, timedSink().stream).then((code) => {
      traceEnded = Date.now();
      return code;
    });
    while (!existsSync(`${prefix}.strace`) || statSync(`${prefix}.strace`).size === 0) await sleep(20);
    const out = timedSink();
    const follow = runCli(['list', `${prefix}.strace`, '--follow', '--stop-after', '90', '-f', 'evt.type == execve && proc.name == ls', '-e', 'evt.rawtime'], out.stream, timedSink().stream);
    expect(await trace).toBe(0);
    while (!takeInterrupt()) await sleep(50);
    expect(await follow).toBe(0);
    expect(out.lines.length).toBe(2);
    const late = out.lines.map((l) => Math.round(performance.timeOrigin + l.at - Number(BigInt(l.text) / 1_000_000n)));
    console.log(`parent waiting: the child's execve printed ${late.join(' ms, ')} ms after it`);
    for (const ms of late) expect(ms).toBeLessThan(1000);
    // Both while the parent still waited for its last child (sleep 2).
    for (const l of out.lines) expect(performance.timeOrigin + l.at).toBeLessThan(traceEnded);
  }, 120_000);
});
