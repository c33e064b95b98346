/**
 * The event table end to end in Chromium (browser mode, real engine): sort by a header click
 * (done in the worker), the sort holding through a filter, Help ▸ Field reference, keyboard
 * navigation, and the dark theme. Screenshots: test-artifacts/40-*.png … 44-*.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, closeCompletion, CORPUS, FLAGS, shot, startServer, stopServer, type Server, RUN_E2E } from './helpers.ts';

const HTTP_PCAP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
/** `tshark -r gen-http11-plain.pcap | wc -l` (tshark 4.0.17) */
const TOTAL = 33;
/** `tshark -r gen-http11-plain.pcap -T fields -e frame.number -e frame.len | sort -k2 -nr | head -1`: frames 24 and 26 (tshark 4.0.17) */
const LONGEST = 47682;
/** The same over `-Y 'tcp.dstport == 8080'` (16 packets): frame 4 (tshark 4.0.17) */
const LONGEST_TO_8080 = 154;
const DSTPORT_8080 = 16;

const canRun = RUN_E2E;

async function cell(page: Page, row: number, col: string): Promise<string> {
  const loc = page.locator(`.row[data-row="${row}"]:not(.loading) [data-col="${col}"]`);
  await loc.waitFor({ timeout: 20_000 });
  return (await loc.textContent()) ?? '';
}

const selectedNo = (page: Page) => page.locator('.row.selected [data-col="no"]').textContent();

describe.skipIf(!canRun)('event table end to end (Chromium)', () => {
  let tmp: string;
  let context: BrowserContext;
  let server: Server | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The renderer is built once for all tests by test/global-setup.ts.
    tmp = mkdtempSync(join(tmpdir(), 'tracelens-e2e-table-'));
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 } });
    server = await startServer(HTTP_PCAP);
  });

  afterAll(async () => {
    await context?.close();
    stopServer(server);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('sorts by Length in the engine, keeps the sort through a filter, field reference, keyboard navigation', async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`[e2e] page error: ${e.message}`));
    await page.goto(server!.url);
    await cell(page, 0, 'info');
    expect(await page.locator('[data-testid="status-events"]').textContent()).toContain(`${TOTAL} shown`);

    // Length twice: descending, the longest packet first.
    const lengthHeader = page.locator('.th[data-col="length"]');
    await lengthHeader.click();
    await expect.poll(() => lengthHeader.getAttribute('aria-sort')).toBe('ascending');
    const ascFirst = Number(await cell(page, 0, 'length'));
    await lengthHeader.click();
    await expect.poll(() => lengthHeader.getAttribute('aria-sort')).toBe('descending');
    await expect.poll(() => cell(page, 0, 'length')).toBe(String(LONGEST));
    expect(ascFirst).toBeLessThan(LONGEST);
    expect(await lengthHeader.textContent()).toContain('▼');
    // Ties keep event order: frame 24 before frame 26.
    expect(await cell(page, 0, 'no')).toBe('24');
    expect(await cell(page, 1, 'no')).toBe('26');
    await shot(page, '40-table-sorted-length');

    // A filter keeps the sort.
    const input = page.locator('.filter-bar .cm-content');
    await input.click();
    await page.keyboard.type('tcp.dstport == 8080');
    await closeCompletion(page);
    await input.click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="status-displayed"]').textContent(), { timeout: 20_000 }).toContain(`Displayed: ${DSTPORT_8080} of ${TOTAL}`);
    await expect.poll(() => cell(page, 0, 'length')).toBe(String(LONGEST_TO_8080));
    const lens: number[] = [];
    for (let r = 0; r < DSTPORT_8080; r++) lens.push(Number(await cell(page, r, 'length')));
    expect(lens).toEqual([...lens].sort((a, b) => b - a));
    expect(await lengthHeader.getAttribute('aria-sort')).toBe('descending');
    await shot(page, '41-table-sorted-filtered');

    // Keyboard navigation in the sorted, filtered table.
    await page.locator('.row[data-row="0"]').click();
    await expect.poll(() => selectedNo(page)).toBe('4');
    const grid = page.locator('.table-scroller');
    await grid.press('End');
    await expect.poll(() => page.locator('.row.selected').getAttribute('data-row')).toBe(String(DSTPORT_8080 - 1));
    await grid.press('Home');
    await expect.poll(() => page.locator('.row.selected').getAttribute('data-row')).toBe('0');
    await grid.press('ArrowDown');
    await grid.press('ArrowDown');
    await expect.poll(() => page.locator('.row.selected').getAttribute('data-row')).toBe('2');
    await grid.press('ArrowUp');
    await expect.poll(() => page.locator('.row.selected').getAttribute('data-row')).toBe('1');
    await grid.press('PageDown');
    await expect.poll(() => page.locator('.row.selected').getAttribute('data-row')).toBe(String(DSTPORT_8080 - 1));
    // The hex pane follows the selection: as many bytes as the selected frame's length.
    const no = await selectedNo(page);
    const selLen = Number(await page.locator('.row.selected [data-col="length"]').textContent());
    await expect.poll(() => page.locator('.hb').count(), { timeout: 10_000 }).toBe(selLen);

    // Third click: event order again, the selected event stays selected.
    await lengthHeader.click();
    await expect.poll(() => lengthHeader.getAttribute('aria-sort')).toBe('none');
    await expect.poll(() => selectedNo(page)).toBe(no);
    const order: number[] = [];
    for (let r = 0; r < 5; r++) order.push(Number(await cell(page, r, 'no')));
    expect(order).toEqual([...order].sort((a, b) => a - b));

    // Help ▸ Field reference from the toolbar's "?" menu.
    await page.locator('[data-testid="help-menu"]').click();
    await page.getByRole('menuitem', { name: 'Field reference' }).click();
    const search = page.locator('[data-testid="field-search"]');
    await search.fill('tcp.str');
    await expect.poll(() => page.locator('.ref-row[data-field="tcp.stream"]').count()).toBe(1);
    const names = await page.locator('.ref-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
    console.log(`[e2e] field reference "tcp.str": ${JSON.stringify(names)}`);
    expect(names[0]).toBe('tcp.stream');
    await shot(page, '42-field-reference');
    await page.locator('.ref-row[data-field="tcp.stream"]').click();
    await expect.poll(() => input.textContent()).toBe('tcp.stream');
    expect(await page.locator('[data-testid="panel-fields"]').count()).toBe(0);

    // Keyboard shortcuts sheet ("?" outside text fields).
    await grid.focus();
    await page.keyboard.press('Shift+?');
    await page.locator('[data-testid="shortcuts-sheet"]').waitFor();
    expect(await page.locator('[data-testid="shortcuts-sheet"]').textContent()).toContain('Follow the TCP stream');
    await shot(page, '43-shortcuts');
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid="shortcuts-sheet"]').count()).toBe(0);
    await page.close();
  });

  it('time formats: UTC with nanoseconds, since previous captured vs. displayed', async () => {
    const nsec = join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap');
    const srv = await startServer(nsec);
    try {
      const page = await context.newPage();
      await page.goto(srv.url);
      await cell(page, 0, 'info');
      const time = page.locator('select[aria-label="Time format"]');
      await time.selectOption('utc');
      // `tshark -r gen-tls13-http11-nsec.pcap -t ud -c 1` (tshark 4.0.17): 2026-11-21 19:05:28.523659830
      await expect.poll(() => cell(page, 0, 'time')).toBe('2026-11-21 19:05:28.523659830Z');
      const input = page.locator('.filter-bar .cm-content');
      await input.click();
      await page.keyboard.type('tcp.len > 0');
      await closeCompletion(page);
      await input.click();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      // `tshark -r … -Y 'tcp.len > 0' -T fields -e frame.number -e frame.time_delta` (4.0.17):
      // frames 4, 6, 8; frame 6 is 0.002996768 s after frame 5 and 0.003015302 s after frame 4.
      await expect.poll(() => cell(page, 1, 'no')).toBe('6');
      // Since previous captured in a filtered view: the rows carry the previous event's exact time, 9 digits as tshark.
      await time.selectOption('delta-captured');
      await expect.poll(() => cell(page, 1, 'time')).toBe('0.002996768');
      // Since previous displayed: both rows' exact times are at hand, 9 digits as tshark.
      await time.selectOption('delta');
      await expect.poll(() => cell(page, 1, 'time')).toBe('0.003015302');
      // `tshark -T fields -e frame.time_relative` of frame 6: 0.006393381.
      await time.selectOption('relative');
      await expect.poll(() => cell(page, 1, 'time')).toBe('0.006393381');
      await shot(page, '46-time-delta-displayed');
      await page.close();
    } finally {
      stopServer(srv);
    }
  });

  it('dark theme', async () => {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(server!.url);
    await cell(page, 0, 'info');
    await page.locator('.th[data-col="length"]').click();
    await expect.poll(() => page.locator('.th[data-col="length"]').getAttribute('aria-sort')).toBe('ascending');
    await page.locator('.row[data-row="3"]').click();
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).not.toBe('rgb(255, 255, 255)');
    await shot(page, '44-table-dark');
    await page.keyboard.press('Control+Shift+K');
    await page.locator('[data-testid="column-chooser"]').waitFor();
    await shot(page, '45-columns-dark');
    await page.close();
  });
});
