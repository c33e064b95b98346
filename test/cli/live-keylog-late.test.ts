/**
 * A followed trace whose key log lands after the records it opens (the trace's key log poll
 * behind the follow, a program that writes its key log asynchronously): the tail must hold the
 * TLS stream's events until the secrets come, not test them undecrypted and move past them.
 * The strace log is complete before the follow starts, the key log empty: deterministic, where
 * the race it stands for (a second in-process live trace) was not.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsServer } from './https-server.ts';
import { onPath, straceArgv, traceEnv } from '../../electron/engine/host/capture-spawn.ts';
import { inProcessEngineWithClose } from '../engine/in-process-engine.ts';
import type { EngineClient } from '../../shared/engine-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-keylate-'));
const log = join(dir, 'run.strace');
const keys = join(dir, 'run.keys');
const can = onPath('strace') !== null && onPath('curl') !== null;
let secrets = '';

beforeAll(async () => {
  if (!can) return;
  const server = await startHttpsServer(dir);
  try {
    writeFileSync(keys, '');
    // Asynchronously: the server answers from this process.
    await promisify(execFile)(onPath('strace') as string, straceArgv(['curl', '-sk', '-o', '/dev/null', `https://127.0.0.1:${server.port}/late-keys`], log), { env: traceEnv(process.env, keys) });
  } finally {
    server.close();
  }
  secrets = readFileSync(keys, 'utf8');
  // The follow starts with the key log empty; the test writes the secrets when it chooses.
  writeFileSync(keys, '');
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Tail calls until `n` have found nothing more to test (the follow is up to the file's end). */
async function tailUris(c: EngineClient, from: { after: number; uris: string[] }, calls: number): Promise<void> {
  for (let k = 0; k < calls; k++) {
    const page = await c.call('tail', { after: from.after, count: 1000, filter: 'http.request', fields: ['http.request.uri'] });
    from.after = page.tested;
    from.uris.push(...(page.values ?? []).map((v) => v[0].join(',')));
    await sleep(100);
  }
}

describe('a followed key log whose secrets come after the records', () => {
  it.skipIf(!can)('holds the TLS stream back until the secrets are read, then lists the decrypted request', async () => {
    expect(secrets).toMatch(/TRAFFIC_SECRET|CLIENT_RANDOM/);
    const { client: c, close } = inProcessEngineWithClose();
    try {
      await c.call('open', { path: log, follow: true });
      const r = await c.call('addKeylog', { path: keys });
      expect(r.added).toBe(0);
      const from = { after: 0, uris: [] as string[] };
      // The whole log is indexed meanwhile; without secrets the stream's records cannot open.
      await tailUris(c, from, 8);
      const total = (await c.call('info', null)).events;
      expect(total).toBeGreaterThan(100);
      expect(from.uris).toEqual([]);
      // Held: the events from the stream's first encrypted record on are not tested yet.
      expect(from.after).toBeLessThan(total);
      appendFileSync(keys, secrets);
      await tailUris(c, from, 5);
      expect(from.uris).toEqual(['/late-keys']);
      expect(from.after).toBe(total);
      // The HTTP tab has it too, while the capture is still followed.
      const ex = await c.call('httpExchanges', {});
      expect(ex.map((r) => [r.uri, r.status, r.stream.startsWith('tls:fd:')])).toEqual([['/late-keys', 200, true]]);
      expect((await c.call('info', null)).done).toBe(false);
    } finally {
      close();
    }
  }, 60_000);
});
