/**
 * `tracelens trace --pcap` live as one set: curl makes three plain HTTP requests 1 s apart to a
 * loopback server under `trace --pcap` (strace and tcpdump -i any writing beside each other),
 * and `list PREFIX.pcap PREFIX.strace --follow` prints the packets and the syscalls of each
 * request interleaved, numbered by time, while curl runs: the packets owned by curl, the
 * syscalls carrying the connection's tcp.stream, both with their http.* fields. At the end the rows are those of the two
 * finished files opened as a set. The same over HTTPS with the trace's key log followed beside
 * (`--keylog`): the exchanges decrypted on the packets and on the syscalls as they print.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHttpsServer } from './https-server.ts';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run.ts';
import { takeInterrupt } from '../../electron/cli/interrupt.ts';
import { onPath } from '../../electron/cli/trace.ts';
import { straceProblem } from '../../electron/engine/host/capture-spawn.ts';
import { timedSink } from './growing-capture.ts';
import { cliOk } from './run-cli.ts';
import { CORPUS } from '../engine/corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-live-set-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const can = onPath('strace') !== null && onPath('tcpdump') !== null && onPath('curl') !== null;

/** A plain HTTP server on loopback: a port of this helper's range (19500-19599), else any. */
async function plainServer(): Promise<{ port: number; close: () => void }> {
  const server = createServer((req, res) => res.end(`hello ${req.url}\n`));
  await new Promise<void>((r) => server.listen(19517, '127.0.0.1', r).on('error', () => server.listen(0, '127.0.0.1', r)));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

describe('trace --pcap followed as one set', () => {
  for (const tls of [false, true]) {
    it.skipIf(!can)(`list --follow A.pcap B.strace prints the packet and syscall rows of each request while curl runs${tls ? ' (HTTPS, --keylog)' : ''}`, async (ctx) => {
      if (straceProblem(onPath('strace'))) return ctx.skip();
      await followTrace(ctx, tls);
    }, 120_000);
  }
});

async function followTrace(ctx: { skip: () => void }, tls: boolean): Promise<void> {
  const server = tls ? await startHttpsServer(dir) : await plainServer();
  const port = server.port;
  const scheme = tls ? 'https' : 'http';
  const prefix = join(dir, tls ? 'tls' : 't');
  const pcapName = `${tls ? 'tls' : 't'}.pcap`;
  const straceName = `${tls ? 'tls' : 't'}.strace`;
  const keylog = tls ? ['--keylog', `${prefix}.keys`] : [];
  try {
    // The engine's first start (compiling it) is not part of the follow's latency.
    await cliOk('info', join(CORPUS, 'pcap/generated/gen-http11-plain.pcap'));
    const traceErr = timedSink();
    const urls = ['one', 'two', 'three'].flatMap((u) => ['-o', '/dev/null', `${scheme}://127.0.0.1:${port}/${u}`]);
    let traceEnded = Infinity;
    // sleep first: the follow is running before curl's first request.
    const trace = runCli(['trace', '--out', prefix, '--pcap', '--', 'sh', '-c', 'sleep 2; exec curl -sk --rate 1/s "$@"', 'sh', ...urls], timedSink().stream, traceErr.stream).then((code) => {
      traceEnded = performance.now();
      return code;
    });
    while (!existsSync(`${prefix}.strace`) || statSync(`${prefix}.strace`).size === 0 || !existsSync(`${prefix}.pcap`) || statSync(`${prefix}.pcap`).size === 0) {
      if (traceEnded < Infinity) break;
      await sleep(20);
    }
    if (traceErr.lines.some((l) => /tracing the syscalls only/.test(l.text))) {
      // tcpdump is not permitted here: the trace said so and went on with the syscalls.
      await trace;
      ctx.skip();
      return;
    }
    const out = timedSink();
    const err = timedSink();
    const FIELDS = ['-e', 'frame.number', '-e', 'frame.file', '-e', 'tcp.stream', '-e', 'proc.name', '-e', 'evt.type', '-e', 'tcp.len', '-e', 'http.request.uri', '-e', 'http.response.code'];
    const follow = runCli(['list', `${prefix}.pcap`, `${prefix}.strace`, ...keylog, '--follow', '--stop-after', '90', '-f', `tcp.port == ${port}`, ...FIELDS], out.stream, err.stream);
    expect(await trace).toBe(0);
    await sleep(1500);
    while (!takeInterrupt()) await sleep(50);
    expect(await follow).toBe(0);
    expect(err.lines.map((l) => l.text)).toEqual([]);
    const rows = out.lines.map((l) => l.text.split('\t'));
    const packets = rows.filter((r) => r[1] === pcapName);
    const syscalls = rows.filter((r) => r[1] === straceName);
    // Three requests on one keep-alive connection: its handshake, 3 × (request, response, ACKs), its end.
    expect(packets.length).toBeGreaterThanOrEqual(12);
    expect(syscalls.length).toBeGreaterThanOrEqual(6);
    const stream = packets[0][2];
    expect(packets.every((r) => r[2] === stream && r[3] === 'curl')).toBe(true);
    expect(syscalls.every((r) => r[2] === stream && r[3] === 'curl')).toBe(true);
    expect(syscalls.map((r) => r[4])).toContain('connect');
    // HTTP as it is followed: each request and response on its packets and on its syscalls.
    for (const rs of [packets, syscalls]) {
      expect(rs.map((r) => r[6]).filter(Boolean)).toEqual(['/one', '/two', '/three']);
      expect(rs.map((r) => r[7]).filter(Boolean)).toEqual(['200', '200', '200']);
    }
    // Interleaved and numbered by the set, ascending.
    const kinds = rows.map((r) => (r[1] === pcapName ? 'p' : 's')).join('');
    expect(kinds).toMatch(/s+p+s+p+s+p/);
    const numbers = rows.map((r) => Number(r[0]));
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBeGreaterThan(numbers[i - 1]);
    // Live: packet rows and syscall rows of the first request printed while curl still ran.
    const before = out.lines.filter((l) => l.at < traceEnded).map((l) => l.text.split('\t')[1]);
    expect(before).toContain(pcapName);
    expect(before).toContain(straceName);
    // The rows of the finished files opened whole: the same, in the same order. The numbers may
    // differ by a few: tcpdump -i any also writes this machine's other traffic, and a call that
    // blocks past STALL_MS (curl's poll between requests) is written when it returns, with the
    // time it was entered, after packets of meanwhile were placed (docs/capture-sets.md).
    const want = (await cliOk('list', `${prefix}.pcap`, `${prefix}.strace`, ...keylog, '-f', `tcp.port == ${port}`, ...FIELDS)).replace(/\n$/, '').split('\n');
    const got = out.lines.map((l) => l.text);
    const moved = got.filter((l, k) => want[k] !== l).length;
    const unnumbered = (ls: string[]): string[] => ls.map((l) => l.slice(l.indexOf('\t')));
    console.log(`live set${tls ? ' (HTTPS)' : ''}: ${packets.length} packet rows, ${syscalls.length} syscall rows; ${kinds}; ${moved} rows differ from the finished set's (${want.length} rows)`);
    // A filter is tested once per event, as it is placed: the calls on a socket before its connect
    // (socket, setsockopt, fcntl) may be tested before the connection is known, and then not
    // match tcp.port. Every other row is there, in the same order.
    const g = unnumbered(got);
    const w = unnumbered(want);
    let j = 0;
    for (const l of g) {
      while (j < w.length && w[j] !== l) j++;
      expect(j, `followed row ${JSON.stringify(l)} in the finished set's order`).toBeLessThan(w.length);
      j++;
    }
    const missing = w.filter((l) => !g.includes(l));
    expect(missing.filter((l) => !/\t(socket|setsockopt|fcntl|getsockopt)\t/.test(l))).toEqual([]);
  } finally {
    server.close();
  }
}
