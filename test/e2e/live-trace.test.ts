/**
 * End to end in Chromium (browser mode, real engine, real strace and curl): Capture ▸ Trace a
 * Command… from the welcome screen traces `curl -sk https://127.0.0.1:PORT/…` against a loopback
 * HTTPS server started here. Events arrive while the command runs; once it ends the decrypted
 * exchange is in the HTTP tab, and with an answer that comes at once it is there while the
 * command still runs; with packets, the packets and syscalls appear interleaved as one set while
 * it runs; Stop ends a command that would run on, keeping the capture.
 * Screenshots: test-artifacts/90-live-trace-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsServer } from '../cli/https-server.ts';
import { onPath } from '../../electron/engine/host/capture-spawn.ts';
import { browserSuite, RUN_E2E, shot } from './helpers.ts';

const TOOLS = onPath('strace') !== null && onPath('curl') !== null;

describe.skipIf(!RUN_E2E || !TOOLS)('Capture ▸ Trace a Command… (Chromium)', () => {
  const browser = browserSuite('live-trace', { width: 1400, height: 820 });
  let https: { port: number; close: () => void } | undefined;
  let port = 0;

  beforeAll(async () => {
    // The answer comes 6 s after the request: curl is still running (polling its socket) while
    // its connect, TLS handshake and request are already in the window.
    https = await startHttpsServer(browser.tmp(), (req, res) => {
      res.setHeader('content-type', 'application/json');
      setTimeout(() => res.end(JSON.stringify({ hello: req.url })), req.url?.startsWith('/now') ? 0 : 6000);
    });
    port = https.port;
  }, 60_000);
  afterAll(() => {
    https?.close();
  });

  const bar = (page: Page) => page.locator('[data-testid="capture-bar"]');
  const events = async (page: Page): Promise<number> => Number(/(\d+) events/.exec((await bar(page).textContent()) ?? '')?.[1] ?? 0);

  async function trace(page: Page, command: string): Promise<void> {
    await page.locator('[data-testid="welcome-trace"]').click();
    const dialog = page.locator('[data-testid="trace-dialog"]');
    await dialog.waitFor();
    await expect.poll(() => dialog.locator('[data-testid="capture-note"]').textContent(), { timeout: 30_000 }).toMatch(/listens on 127\.0\.0\.1 only/);
    await dialog.locator('[data-testid="trace-command"]').fill(command);
  }

  it('events arrive while curl runs; the decrypted exchange is in the HTTP tab once it ends', async () => {
    const page = await browser.serve();
    const url = `https://127.0.0.1:${port}/e2e-live?n=1`;
    await trace(page, `curl -sk -o /dev/null -H "X-Test: live trace" ${url}`);
    const chips = page.locator('[data-testid="trace-argv"] .argv-chip');
    expect(await chips.allTextContents()).toEqual(['curl', '-sk', '-o', '/dev/null', '-H', 'X-Test: live trace', url]);
    await shot(page, '90-live-trace-dialog');
    await page.locator('[data-testid="trace-start"]').click();
    await bar(page).waitFor({ timeout: 30_000 });
    // While it runs: the bar says so, the Live toggle is on, and events arrive. The most seen
    // while it still ran is compared below with the request's event number.
    expect(await bar(page).getAttribute('data-state')).toBe('running');
    await expect.poll(() => page.locator('[data-testid="live-toggle"]').getAttribute('aria-pressed'), { timeout: 30_000 }).toBe('true');
    let seenRunning = 0;
    const watch = async (): Promise<boolean> => {
      const [state, n] = [await bar(page).getAttribute('data-state'), await events(page)];
      if (state === 'running') seenRunning = Math.max(seenRunning, n);
      return state === 'running' && n > 0;
    };
    await expect.poll(watch, { timeout: 30_000 }).toBe(true);
    // The rows drawn: the table follows the end (Proc Name is curl on every row).
    await expect.poll(async () => /curl/.test(await page.locator('.table-scroller').innerText()), { timeout: 30_000 }).toBe(true);
    await shot(page, '90-live-trace-running');
    // The command ends by itself: the capture stays open, everything read, the exchange decrypted.
    await expect.poll(async () => (await watch(), bar(page).getAttribute('data-state')), { timeout: 60_000 }).toBe('ended');
    expect(await bar(page).textContent()).toMatch(/exit status 0/);
    expect(await bar(page).textContent()).toMatch(/Traced curl .*[1-9]\d* TLS secrets?/);
    // The key log was added as it was written: no banner offers it.
    expect(await page.locator('[data-testid="keylog-candidate"]').count()).toBe(0);
    await page.locator('[data-testid="tab-http"]').click();
    await expect.poll(() => page.locator('[data-testid="http-count"]').textContent(), { timeout: 60_000 }).toBe('1 exchange');
    const row = page.locator('[data-testid="http-row"]').first();
    expect(await row.textContent()).toMatch(/GET.*\/e2e-live\?n=1.*200/);
    await row.click();
    await page.locator('[data-testid="http-detail"] .http-startline').first().waitFor();
    // The request's write was in the window while curl still waited for the answer.
    const request = Number(/request event (\d+)/.exec((await page.locator('[data-testid="http-detail"]').textContent()) ?? '')?.[1]);
    expect(request).toBeGreaterThan(0);
    expect(request).toBeLessThanOrEqual(seenRunning);
    await shot(page, '90-live-trace-http');
    await page.close();
  });

  it('the decrypted exchange is in the HTTP tab while the command still runs', async () => {
    const page = await browser.serve();
    // Answered at once; the command runs on for a minute after it (stopped below).
    await trace(page, `sh -c "curl -sk -o /dev/null https://127.0.0.1:${port}/now?live=1; sleep 60"`);
    await page.locator('[data-testid="trace-start"]').click();
    await bar(page).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="tab-http"]').click();
    const t0 = Date.now();
    await expect.poll(() => page.locator('[data-testid="http-count"]').textContent(), { timeout: 30_000 }).toBe('1 exchange');
    const row = page.locator('[data-testid="http-row"]').first();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/GET.*\/now\?live=1.*200/);
    console.log(`live trace: the decrypted exchange was in the HTTP tab ${Date.now() - t0} ms after the tab opened`);
    // Still running: sh sleeps on.
    expect(await bar(page).getAttribute('data-state')).toBe('running');
    expect(await page.locator('[data-testid="live-toggle"]').getAttribute('aria-pressed')).toBe('true');
    await row.click();
    await expect.poll(() => page.locator('[data-testid="http-detail"]').textContent(), { timeout: 10_000 }).toMatch(/HTTP\/1\.1 200 OK.*application\/json.*"hello": "\/now\?live=1"/);
    expect(await bar(page).getAttribute('data-state')).toBe('running');
    await shot(page, '90-live-trace-http-running');
    await page.locator('[data-testid="capture-stop"]').click();
    await expect.poll(() => bar(page).getAttribute('data-state'), { timeout: 10_000 }).toBe('ended');
    // Finished: the whole-capture scan lists the same exchange.
    await expect.poll(() => page.locator('[data-testid="http-count"]').textContent(), { timeout: 30_000 }).toBe('1 exchange');
    await page.close();
  });

  it.skipIf(!onPath('tcpdump'))('with packets: the packets and the syscalls interleaved in the table while the command runs', async () => {
    const page = await browser.serve();
    // sh sleeps on until Stop below: reading the table takes over a minute on a loaded machine.
    await trace(page, `sh -c "curl -sk -o /dev/null https://127.0.0.1:${port}/now?packets=1; sleep 600"`);
    await page.locator('[data-testid="trace-pcap"]').check();
    await page.locator('[data-testid="trace-start"]').click();
    await bar(page).waitFor({ timeout: 30_000 });
    try {
      // The window's filter waits for the end of a followed capture: the table is read instead,
      // scrolled through from the top while the command runs (the rows are drawn as they scroll in).
      await expect.poll(() => events(page), { timeout: 30_000 }).toBeGreaterThan(100);
      await page.waitForTimeout(1500);
      const seen = new Map<number, { file: string; proc: string; protocol: string }>();
      const scroller = page.locator('.table-scroller');
      // From the top: a live table follows its end, and read from there it shows only the last
      // screen of rows (curl's first packets are far above).
      await scroller.evaluate((el) => (el.scrollTop = 0));
      await expect.poll(() => page.locator('.row[data-row="0"]:not(.loading)').count(), { timeout: 30_000 }).toBe(1);
      for (let step = 0; step < 400; step++) {
        // Each screen read once its rows have arrived (a loaded machine answers pages late).
        await expect.poll(() => page.locator('.row.loading').count(), { timeout: 30_000 }).toBe(0);
        const rows = await page.locator('.row:not(.loading)').evaluateAll((els) => els.map((el) => ['no', 'file', 'proc', 'protocol'].map((c) => el.querySelector(`[data-col="${c}"]`)?.textContent ?? '')));
        for (const [no, file, proc, protocol] of rows) seen.set(Number(no), { file, proc, protocol });
        const more = await scroller.evaluate((el) => {
          const before = el.scrollTop;
          el.scrollTop += el.clientHeight - 40;
          return el.scrollTop > before;
        });
        if (!more) break;
        await page.waitForTimeout(120);
      }
      // curl's rows: its syscalls and the packets of its connection (owned by curl), by number.
      const curl = [...seen.entries()].filter(([, r]) => r.proc === 'curl').sort((a, b) => a[0] - b[0]);
      const kinds = curl.map(([, r]) => (r.file === 'trace.pcap' ? 'p' : 's')).join('');
      console.log(`live trace with packets: ${seen.size} rows read, curl's: ${kinds.replace(/(.)\1+/g, (m, k: string) => `${k}${m.length} `)}`);
      expect(kinds).toMatch(/s+p+s+p+/);
      expect(curl.filter(([, r]) => r.file === 'trace.pcap').map(([, r]) => r.protocol)).toContain('TCP');
      expect(curl.filter(([, r]) => r.file === 'trace.strace').map(([, r]) => r.protocol)).toEqual(expect.arrayContaining(['connect', 'write']));
      expect(await bar(page).getAttribute('data-state')).toBe('running');
      // The shot: curl's first packets and the syscalls around them.
      const first = curl.find(([, r]) => r.file === 'trace.pcap')?.[0] ?? 1;
      const h = await page.locator('.row').first().evaluate((el) => el.getBoundingClientRect().height);
      await scroller.evaluate((el, top) => (el.scrollTop = top), Math.max(0, (first - 6) * h));
      await page.waitForTimeout(500);
      await shot(page, '90-live-trace-packets-running');
    } finally {
      // A failed check still ends the trace: tcpdump -i any must not outlive the test.
      if ((await bar(page).getAttribute('data-state')) === 'running') await page.locator('[data-testid="capture-stop"]').click();
    }
    await expect.poll(() => bar(page).getAttribute('data-state'), { timeout: 10_000 }).toBe('ended');
    await page.close();
  }, 300_000);

  it('Stop ends a command that would run on; what it wrote stays open', async () => {
    const page = await browser.serve();
    await trace(page, 'sleep 30');
    await page.locator('[data-testid="trace-start"]').click();
    await expect.poll(() => events(page), { timeout: 30_000 }).toBeGreaterThan(0);
    const t0 = Date.now();
    await page.locator('[data-testid="capture-stop"]').click();
    await expect.poll(() => bar(page).getAttribute('data-state'), { timeout: 10_000 }).toBe('ended');
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await bar(page).textContent()).toMatch(/stopped/);
    expect(await page.locator('[data-testid="live-toggle"]').getAttribute('aria-pressed')).toBe('false');
    expect(await events(page)).toBeGreaterThan(0);
    await shot(page, '90-live-trace-stopped');
    await page.close();
  });
});
