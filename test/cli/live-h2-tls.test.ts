/**
 * HTTP/2 over TLS (ALPN h2) while the capture is followed: curl --http2 making two requests on
 * one connection to a loopback HTTP/2 server (the second answered 1 s late), traced with its key
 * log; the followed strace log is written in two parts, cut between the two answers. Each
 * exchange is in the HTTP tab (httpExchanges) once its part is in, before the file is finished.
 */
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPath, straceArgv, traceEnv } from '../../electron/engine/host/capture-spawn.ts';
import { inProcessEngineWithClose } from '../engine/in-process-engine.ts';
import type { EngineClient } from '../../shared/engine-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-liveh2-'));
const log = join(dir, 'run.strace');
const keys = join(dir, 'run.keys');
const can = onPath('strace') !== null && onPath('curl') !== null;
let lines: string[] = [];

beforeAll(async () => {
  if (!can) return;
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  const server = createSecureServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    setTimeout(() => res.end(`hello ${req.url}\n`), req.url === '/h2-two' ? 1000 : 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    writeFileSync(keys, '');
    const urls = ['h2-one', 'h2-two'].flatMap((u) => ['-o', '/dev/null', `https://127.0.0.1:${port}/${u}`]);
    // Asynchronously: the server answers from this process.
    await promisify(execFile)(onPath('strace') as string, straceArgv(['curl', '-sk', '--http2', ...urls], log), { env: traceEnv(process.env, keys) });
  } finally {
    server.close();
  }
  lines = readFileSync(log, 'utf8').split(/(?<=\n)/);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** strace -ttt: "PID SECONDS.MICROS call…". */
const timeOf = (line: string): number => Number(/^\d+\s+(\d+\.\d+)/.exec(line)?.[1] ?? NaN);

async function exchanges(c: EngineClient): Promise<string[]> {
  const rows = await Promise.race([c.call('httpExchanges', {}), sleep(10_000).then(() => Promise.reject(new Error('no answer while following')))]);
  return rows.map((r) => `${r.version} ${r.uri} ${r.status ?? '-'}`);
}

async function until(c: EngineClient, want: string[]): Promise<string[]> {
  let got: string[] = [];
  for (let k = 0; k < 100; k++) {
    got = await exchanges(c);
    if (JSON.stringify(got) === JSON.stringify(want)) break;
    await sleep(50);
  }
  return got;
}

describe('HTTP/2 over TLS while the capture is followed', () => {
  it.skipIf(!can)('lists each exchange of the connection once its frames are in, before the file is finished', async () => {
    // Cut half a second before the end: the second answer comes 1 s after the first.
    const end = timeOf(lines.filter((l) => !Number.isNaN(timeOf(l))).at(-1) ?? '');
    const cut = lines.findIndex((l) => timeOf(l) > end - 0.5);
    expect(cut).toBeGreaterThan(0);
    writeFileSync(log, lines.slice(0, cut).join(''));
    const { client: c, close } = inProcessEngineWithClose();
    try {
      await c.call('open', { path: log, follow: true });
      expect((await c.call('addKeylog', { path: keys })).added).toBeGreaterThan(0);
      const first = await until(c, ['HTTP/2 /h2-one 200', 'HTTP/2 /h2-two -']);
      expect(first).toEqual(['HTTP/2 /h2-one 200', 'HTTP/2 /h2-two -']);
      appendFileSync(log, lines.slice(cut).join(''));
      expect(await until(c, ['HTTP/2 /h2-one 200', 'HTTP/2 /h2-two 200'])).toEqual(['HTTP/2 /h2-one 200', 'HTTP/2 /h2-two 200']);
      expect((await c.call('info', null)).done).toBe(false);
      const rows = await c.call('httpExchanges', {});
      expect(rows.every((r) => r.stream.startsWith('tls:fd:'))).toBe(true);
      // Once following stops, the whole-capture scan gives the same.
      await c.call('stopFollow', null);
      for (let k = 0; k < 100 && !(await c.call('info', null)).done; k++) await sleep(50);
      expect(await exchanges(c)).toEqual(['HTTP/2 /h2-one 200', 'HTTP/2 /h2-two 200']);
    } finally {
      close();
    }
  }, 60_000);
});
