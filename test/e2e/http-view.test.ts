/**
 * End to end in Chromium (browser mode, real engine): the HTTP tab's list lives in the engine.
 *  (a) grpc_web (HTTP/1.1 and h2c in one capture): the search box matches an HTTP/1.1 and an
 *      HTTP/2 exchange alike, the Version column tells them apart, sorting runs in the engine;
 *  (b) a keep-alive capture with many exchanges (scaled-down shape (a)): the tab lists every
 *      exchange, End shows the last one, a search and an HTTP-field filter answer.
 * Screenshots: test-artifacts/60-*.png … 62-*.png.
 */
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, CORPUS, RUN_E2E, shot } from './helpers.ts';
import { writeKeepalivePcap } from '../http/make-keepalive-pcap.ts';

const GRPC = join(CORPUS, 'pcapng/wireshark/grpc_web.pcapng.gz');
/**
 * `tshark -r grpc_web.pcapng.gz -d tcp.port==57228,http2 -Y 'http.request || http2.headers.method'`
 * (tshark 4.0.17): 5 HTTP/1.1 and 8 HTTP/2 requests; grpc-web-text ones: h1 137, 145, 235 and
 * h2 161, 169, 250, 283 (their content type, `-e http.content_type -e http2.headers.content_type`).
 */
const ALL = 13;
const TEXT = 7;

describe.skipIf(!RUN_E2E)('HTTP tab over the engine view (Chromium)', () => {
  const browser = browserSuite('httpview', { width: 1500, height: 800 });

  async function open(file: string): Promise<Page> {
    const page = await browser.serve(file);
    await page.locator('[data-testid="tab-http"]').click();
    return page;
  }

  const count = (page: Page): Promise<string | null> => page.locator('[data-testid="http-count"]').textContent();
  const versions = async (page: Page): Promise<string[]> => page.locator('[data-testid="http-row"] [role="gridcell"]:nth-child(5)').allTextContents();

  it.skipIf(!CORPUS)('(a) the search matches HTTP/1.1 and HTTP/2 exchanges alike', async () => {
    const page = await open(GRPC);
    await expect.poll(() => count(page), { timeout: 60_000 }).toBe(`${ALL} exchanges`);
    await page.locator('[data-testid="http-search"]').fill('grpc-web-text');
    await expect.poll(() => count(page), { timeout: 30_000 }).toBe(`${TEXT} of ${ALL} exchanges`);
    await expect.poll(() => page.locator('[data-testid="http-row"]').count(), { timeout: 30_000 }).toBe(TEXT);
    const v = await versions(page);
    expect(new Set(v)).toEqual(new Set(['HTTP/1.1', 'HTTP/2']));
    await page.locator('[data-testid="http-row"]').filter({ hasText: 'HTTP/2' }).first().click();
    await page.locator('[data-testid="http-detail"] .http-startline').waitFor();
    await shot(page, '60-http-search-h1-h2');

    // Sort by response size in the engine: largest first.
    await page.getByRole('columnheader', { name: 'Response' }).click();
    await page.getByRole('columnheader', { name: 'Response ▲' }).waitFor();
    await page.locator('[data-testid="http-row"]').first().waitFor();
    await page.getByRole('columnheader', { name: 'Response ▲' }).click();
    await page.getByRole('columnheader', { name: 'Response ▼' }).waitFor();
    // The sorted view is built in the engine in slices: under a loaded CI machine this takes over
    // poll's default second.
    // The row drawn at the top (rows are placed by `top`; React's DOM order need not follow it).
    await expect.poll(async () => (await page.locator('[data-testid="http-row"][style*="top: 0px"]').first().textContent()) ?? '', { timeout: 30_000 }).toContain('312.7 KiB');
    await shot(page, '61-http-search-sorted');
    await page.close();
  });

  it('(b) a keep-alive capture: every exchange listed, End reaches the last, search and filter answer', async () => {
    const path = join(browser.tmp(), 'ka.pcap');
    const { exchanges } = writeKeepalivePcap(path, { connections: 8, requests: 20_000, extrasEvery: 50 });
    const page = await open(path);
    const t0 = Date.now();
    await expect.poll(() => count(page), { timeout: 120_000 }).toBe(`${exchanges.toLocaleString('en-US')} exchanges`);
    console.log(`[e2e] ${exchanges} exchanges listed in ${Date.now() - t0} ms`);
    const table = page.getByRole('grid', { name: 'HTTP exchanges' });
    await table.focus();
    await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
    // The last exchange (highest request event) shows at the bottom, once the page scrolled to
    // arrives (the rows of the top are there until then).
    const lastNo = async (): Promise<number> => Number(await page.locator('[data-testid="http-row"]').last().locator('[role="gridcell"]').first().textContent());
    await expect.poll(lastNo, { timeout: 30_000 }).toBeGreaterThan(exchanges * 2);
    await shot(page, '62-http-keepalive-end');

    await page.getByLabel('HTTP filter').fill('http.request.method == "POST"');
    await page.getByLabel('HTTP filter').press('Enter');
    await expect.poll(() => count(page), { timeout: 60_000 }).toMatch(/^[\d,]+ of [\d,]+ exchanges$/);
    const posts = Number(((await count(page)) ?? '').split(' ')[0].replace(/,/g, ''));
    expect(posts).toBe(exchanges / 50);
    await page.close();
  });
});
