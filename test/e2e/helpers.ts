/** Shared by the Chromium end-to-end tests: the browser-mode server, flags and screenshots. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');
export { CORPUS } from '../engine/corpus.ts';
export const ARTIFACTS = resolve(ROOT, 'test-artifacts');
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the end-to-end tests run. They need Debian's Chromium (.ci/run installs it); a machine
 * without it skips them only when asked to (TRACELENS_SKIP_E2E=1), so a missing browser in CI
 * fails loudly instead of passing silently.
 */
export const RUN_E2E = process.env.TRACELENS_SKIP_E2E !== '1';
export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export interface Server {
  url: string;
  proc: ChildProcess;
}

/** A browser-mode server for `file` (several files: one capture set, docs/capture-sets.md); port 0: any free one. */
export async function startServer(file?: string | readonly string[], port = 0): Promise<Server> {
  const args = ['--import', 'tsx', 'electron/web/server.ts', '--port', String(port), ...(file === undefined ? [] : typeof file === 'string' ? [file] : file)];
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start:\n${out}`)), 60_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[0]);
      }
    });
    proc.on('exit', (code) => rej(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { url, proc };
}

export function stopServer(s: Server | undefined): void {
  if (s && s.proc.exitCode === null) s.proc.kill('SIGTERM');
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}


/**
 * Close the filter bar's completion list if it is open. A further Esc would cancel the edit
 * (the bar goes back to the applied filter), so Esc is pressed only while the list shows.
 */
export async function closeCompletion(page: Page): Promise<void> {
  const popup = page.locator('.cm-tooltip-autocomplete');
  for (let i = 0; i < 3 && (await popup.count()) > 0; i++) await page.keyboard.press('Escape');
}

/**
 * Type `text` into the focused, empty filter bar and apply it with the bar's Apply button, once
 * the bar found it valid. Not with Enter: the completion list opens after the typing, later on a
 * loaded machine, and an Enter while it shows accepts an option instead of applying the filter
 * (a CI run at load 25 waited 30 s for a view that was never asked for). Enter itself is tested
 * in filter-bar.test.ts.
 */
export async function applyFilter(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text);
  await page.waitForFunction(() => document.querySelector('[data-testid="filter-bar"]')?.getAttribute('data-status') === 'valid', null, { timeout: 30_000 });
  const got = await page.locator('.filter-bar .cm-content').textContent();
  if (got !== text) throw new Error(`the filter bar reads ${JSON.stringify(got)}, not ${JSON.stringify(text)}`);
  await page.locator('.filter-bar button', { hasText: /^Apply$/ }).click();
}

/**
 * One Chromium profile for a describe block: launched before its tests, closed after them with
 * every server `serve` started. `serve(file)` starts a browser-mode server for `file` and opens
 * a page on it (page errors logged); the caller waits for what it needs. `tmp()` is a folder for
 * the suite's own files, removed with it.
 */
export function browserSuite(name: string, viewport = { width: 1400, height: 860 }): { context: () => BrowserContext; tmp: () => string; serve: (file?: string | readonly string[]) => Promise<Page> } {
  let tmp = '';
  let context: BrowserContext | undefined;
  const servers: Server[] = [];
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), `tracelens-e2e-${name}-`));
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
  });
  afterAll(async () => {
    await context?.close();
    for (const s of servers) stopServer(s);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  const ctx = (): BrowserContext => {
    if (!context) throw new Error('the browser is not launched yet (use it inside a test)');
    return context;
  };
  return {
    context: ctx,
    tmp: () => tmp,
    serve: async (file) => {
      const server = await startServer(file);
      servers.push(server);
      const page = await ctx().newPage();
      page.on('pageerror', (e) => console.log(`[e2e] page error: ${e.message}`));
      await page.goto(server.url);
      return page;
    },
  };
}
