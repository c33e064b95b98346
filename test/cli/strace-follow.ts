/**
 * The harness of the tests that follow a real strace log while it is written (live-http-tab,
 * live-h2-tls): curl traced once against a loopback server of this process, then the log's
 * lines written to the followed file in parts while an in-process engine reads it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { onPath, straceArgv } from '../../electron/engine/host/capture-spawn.ts';
import type { EngineClient } from '../../shared/engine-client.ts';
import { inProcessEngineWithClose } from '../engine/in-process-engine.ts';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What a traced run needs: the server curl talks to, curl's arguments and the environment. */
export interface TracedRun {
  server: Server;
  curl: (port: number) => string[];
  env?: NodeJS.ProcessEnv;
}

export interface TracedLog {
  dir: string;
  /** The followed file: the whole log after the run, rewritten by each test. */
  log: string;
  /** strace and curl are on PATH (the tests are skipped otherwise). */
  can: boolean;
  /** The whole log's lines, each with its newline. */
  lines: () => string[];
}

/**
 * Registers the hooks that trace curl once for the file (`setup` gets the temp dir, e.g. for
 * certificates) and remove the temp dir after.
 */
export function tracedCurl(prefix: string, setup: (dir: string) => TracedRun): TracedLog {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const log = join(dir, 'run.strace');
  const can = onPath('strace') !== null && onPath('curl') !== null;
  let lines: string[] = [];
  beforeAll(async () => {
    if (!can) return;
    const { server, curl, env } = setup(dir);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      // Asynchronously: the server answers from this process.
      await promisify(execFile)(onPath('strace') as string, straceArgv(['curl', ...curl(port)], log), env ? { env } : {});
    } finally {
      server.close();
    }
    lines = readFileSync(log, 'utf8').split(/(?<=\n)/);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, log, can, lines: () => lines };
}

/** Answers `call` within `ms` (an engine that waits for the end of the capture never answers while following). */
export async function soon<T>(call: Promise<T>, ms = 10_000): Promise<T> {
  return Promise.race([call, sleep(ms).then(() => Promise.reject(new Error(`no answer within ${ms} ms while following`)))]);
}

/** `get()` every 50 ms until `done` holds of its answer (at most `tries` times); the last answer. */
export async function pollUntil<T>(get: () => Promise<T>, done: (v: T) => boolean, tries = 100): Promise<T> {
  let v = await get();
  for (let k = 1; k < tries && !done(v); k++) {
    await sleep(50);
    v = await get();
  }
  return v;
}

/**
 * `head` written as the followed file, opened followed in an in-process engine; `body` runs
 * against it, and the engine is closed after, whatever happens.
 */
export async function followWritten(log: string, head: string, body: (c: EngineClient) => Promise<void>): Promise<void> {
  writeFileSync(log, head);
  const { client: c, close } = inProcessEngineWithClose();
  try {
    await c.call('open', { path: log, follow: true });
    await body(c);
  } finally {
    close();
  }
}

/** Stop following and wait (up to 5 s) for the whole-capture scan to finish. */
export async function stopFollowDone(c: EngineClient): Promise<void> {
  await c.call('stopFollow', null);
  for (let k = 0; k < 100 && !(await c.call('info', null)).done; k++) await sleep(50);
}
