/**
 * The HTTP tab's requests (httpExchanges, httpPage, httpBody) while the capture is followed:
 * answered from the follow scan as exchanges complete, not once the file is finished. A real
 * strace log of curl making three keep-alive requests to a loopback HTTP server, written to the
 * followed file in two parts.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPath, straceArgv } from '../../electron/engine/host/capture-spawn.ts';
import { inProcessEngineWithClose } from '../engine/in-process-engine.ts';
import type { EngineClient } from '../../shared/engine-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-livehttp-'));
const log = join(dir, 'run.strace');
const can = onPath('strace') !== null && onPath('curl') !== null;
let lines: string[] = [];

beforeAll(async () => {
  if (!can) return;
  const server = createServer((req, res) => res.end(`hello ${req.url}\n`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const urls = ['one', 'two', 'three'].flatMap((u) => ['-o', '/dev/null', `http://127.0.0.1:${port}/${u}`]);
    // Asynchronously: the server answers from this process.
    await promisify(execFile)(onPath('strace') as string, straceArgv(['curl', '-s', ...urls], log));
  } finally {
    server.close();
  }
  lines = readFileSync(log, 'utf8').split(/(?<=\n)/);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** strace -xx writes every byte of a buffer as \xNN. */
const hexEscaped = (s: string): string => [...Buffer.from(s)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');

/** Answers `call` within `ms` (the old engine waited for the end of the capture: it never answers here). */
async function soon<T>(call: Promise<T>, ms = 10_000): Promise<T> {
  return Promise.race([call, sleep(ms).then(() => Promise.reject(new Error(`no answer within ${ms} ms while following`)))]);
}

async function uris(c: EngineClient): Promise<string[]> {
  return (await soon(c.call('httpExchanges', {}))).map((r) => `${r.uri} ${r.status ?? '-'}`);
}

describe('the HTTP tab while the capture is followed', () => {
  it.skipIf(!can)('lists each exchange as it completes, pages and bodies included, before the file is finished', async () => {
    // The first part ends just before the second request is written: /one is complete.
    const cut = lines.findIndex((l) => l.includes(hexEscaped('GET /two')));
    expect(cut).toBeGreaterThan(0);
    writeFileSync(log, lines.slice(0, cut).join(''));
    const { client: c, close } = inProcessEngineWithClose();
    try {
      await c.call('open', { path: log, follow: true });
      let got: string[] = [];
      for (let k = 0; k < 100 && got.length === 0; k++) {
        got = await uris(c);
        await sleep(50);
      }
      expect(got).toEqual(['/one 200']);
      const page = await soon(c.call('httpPage', { start: 0, count: 10 }));
      expect(page.rows.map((r) => r.uri)).toEqual(['/one']);
      const body = await soon(c.call('httpBody', { stream: page.rows[0].stream, index: page.rows[0].index, message: 'response' }));
      expect(new TextDecoder().decode(body.body)).toBe('hello /one\n');
      expect((await c.call('info', null)).done).toBe(false);
      appendFileSync(log, lines.slice(cut).join(''));
      for (let k = 0; k < 100 && got.length < 3; k++) {
        await sleep(50);
        got = await uris(c);
      }
      expect(got).toEqual(['/one 200', '/two 200', '/three 200']);
      // The page view is built again as exchanges come (sorted, it follows too).
      const sorted = await soon(c.call('httpPage', { start: 0, count: 10, sort: 'uri', descending: false }));
      expect(sorted.rows.map((r) => r.uri)).toEqual(['/one', '/three', '/two']);
      expect((await c.call('info', null)).done).toBe(false);
      // Once following stops, the whole-capture scan answers the same.
      await c.call('stopFollow', null);
      for (let k = 0; k < 100 && !(await c.call('info', null)).done; k++) await sleep(50);
      expect((await c.call('httpExchanges', {})).map((r) => `${r.uri} ${r.status ?? '-'}`)).toEqual(got);
    } finally {
      close();
    }
  }, 60_000);
});
