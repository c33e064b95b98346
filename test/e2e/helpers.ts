/** Shared by the Chromium end-to-end tests: the browser-mode server, flags and screenshots. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

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

export async function startServer(file?: string): Promise<Server> {
  const args = ['--import', 'tsx', 'electron/web/server.ts', '--port', '0', ...(file ? [file] : [])];
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
