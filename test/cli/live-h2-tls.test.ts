/**
 * HTTP/2 over TLS (ALPN h2) while the capture is followed: curl --http2 making two requests on
 * one connection to a loopback HTTP/2 server (the second answered 1 s late), traced with its key
 * log; the followed strace log is written in two parts, cut between the two answers. Each
 * exchange is in the HTTP tab (httpExchanges) once its part is in, before the file is finished.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceEnv } from '../../electron/engine/host/capture-spawn.ts';
import type { EngineClient } from '../../shared/engine-client.ts';
import { followWritten, pollUntil, soon, stopFollowDone, tracedCurl } from './strace-follow.ts';

let keys = '';
const { log, can, lines } = tracedCurl('tl-liveh2-', (dir) => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  keys = join(dir, 'run.keys');
  writeFileSync(keys, '');
  return {
    server: createSecureServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      setTimeout(() => res.end(`hello ${req.url}\n`), req.url === '/h2-two' ? 1000 : 0);
    }),
    curl: (port) => ['-sk', '--http2', ...['h2-one', 'h2-two'].flatMap((u) => ['-o', '/dev/null', `https://127.0.0.1:${port}/${u}`])],
    env: traceEnv(process.env, keys),
  };
});

/** strace -ttt: "PID SECONDS.MICROS call…". */
const timeOf = (line: string): number => Number(/^\d+\s+(\d+\.\d+)/.exec(line)?.[1] ?? NaN);

async function exchanges(c: EngineClient): Promise<string[]> {
  return (await soon(c.call('httpExchanges', {}))).map((r) => `${r.version} ${r.uri} ${r.status ?? '-'}`);
}

const until = (c: EngineClient, want: string[]): Promise<string[]> =>
  pollUntil(() => exchanges(c), (got) => JSON.stringify(got) === JSON.stringify(want));

describe('HTTP/2 over TLS while the capture is followed', () => {
  it.skipIf(!can)('lists each exchange of the connection once its frames are in, before the file is finished', async () => {
    // Cut half a second before the end: the second answer comes 1 s after the first.
    const all = lines();
    const end = timeOf(all.filter((l) => !Number.isNaN(timeOf(l))).at(-1) ?? '');
    const cut = all.findIndex((l) => timeOf(l) > end - 0.5);
    expect(cut).toBeGreaterThan(0);
    await followWritten(log, all.slice(0, cut).join(''), async (c) => {
      expect((await c.call('addKeylog', { path: keys })).added).toBeGreaterThan(0);
      const first = await until(c, ['HTTP/2 /h2-one 200', 'HTTP/2 /h2-two -']);
      expect(first).toEqual(['HTTP/2 /h2-one 200', 'HTTP/2 /h2-two -']);
      appendFileSync(log, all.slice(cut).join(''));
      expect(await until(c, ['HTTP/2 /h2-one 200', 'HTTP/2 /h2-two 200'])).toEqual(['HTTP/2 /h2-one 200', 'HTTP/2 /h2-two 200']);
      expect((await c.call('info', null)).done).toBe(false);
      const rows = await c.call('httpExchanges', {});
      expect(rows.every((r) => r.stream.startsWith('tls:fd:'))).toBe(true);
      // Once following stops, the whole-capture scan gives the same.
      await stopFollowDone(c);
      expect(await exchanges(c)).toEqual(['HTTP/2 /h2-one 200', 'HTTP/2 /h2-two 200']);
    });
  }, 60_000);
});
