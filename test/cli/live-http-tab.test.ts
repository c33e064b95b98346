/**
 * The HTTP tab's requests (httpExchanges, httpPage, httpBody) while the capture is followed:
 * answered from the follow scan as exchanges complete, not once the file is finished. A real
 * strace log of curl making three keep-alive requests to a loopback HTTP server, written to the
 * followed file in two parts.
 */
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { EngineClient } from '../../shared/engine-client.ts';
import { followWritten, pollUntil, soon, stopFollowDone, tracedCurl } from './strace-follow.ts';

const { log, can, lines } = tracedCurl('tl-livehttp-', () => ({
  server: createServer((req, res) => res.end(`hello ${req.url}\n`)),
  curl: (port) => ['-s', ...['one', 'two', 'three'].flatMap((u) => ['-o', '/dev/null', `http://127.0.0.1:${port}/${u}`])],
}));

/** strace -xx writes every byte of a buffer as \xNN. */
const hexEscaped = (s: string): string => [...Buffer.from(s)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');

async function uris(c: EngineClient): Promise<string[]> {
  return (await soon(c.call('httpExchanges', {}))).map((r) => `${r.uri} ${r.status ?? '-'}`);
}

describe('the HTTP tab while the capture is followed', () => {
  it.skipIf(!can)('lists each exchange as it completes, pages and bodies included, before the file is finished', async () => {
    // The first part ends just before the second request is written: /one is complete.
    const cut = lines().findIndex((l) => l.includes(hexEscaped('GET /two')));
    expect(cut).toBeGreaterThan(0);
    await followWritten(log, lines().slice(0, cut).join(''), async (c) => {
      let got = await pollUntil(() => uris(c), (g) => g.length > 0);
      expect(got).toEqual(['/one 200']);
      const page = await soon(c.call('httpPage', { start: 0, count: 10 }));
      expect(page.rows.map((r) => r.uri)).toEqual(['/one']);
      const body = await soon(c.call('httpBody', { stream: page.rows[0].stream, index: page.rows[0].index, message: 'response' }));
      expect(new TextDecoder().decode(body.body)).toBe('hello /one\n');
      expect((await c.call('info', null)).done).toBe(false);
      appendFileSync(log, lines().slice(cut).join(''));
      got = await pollUntil(() => uris(c), (g) => g.length >= 3);
      expect(got).toEqual(['/one 200', '/two 200', '/three 200']);
      // The page view is built again as exchanges come (sorted, it follows too).
      const sorted = await soon(c.call('httpPage', { start: 0, count: 10, sort: 'uri', descending: false }));
      expect(sorted.rows.map((r) => r.uri)).toEqual(['/one', '/three', '/two']);
      expect((await c.call('info', null)).done).toBe(false);
      // Once following stops, the whole-capture scan answers the same.
      await stopFollowDone(c);
      expect((await c.call('httpExchanges', {})).map((r) => `${r.uri} ${r.status ?? '-'}`)).toEqual(got);
    });
  }, 60_000);
});
