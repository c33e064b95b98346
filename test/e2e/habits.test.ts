/**
 * Habits users bring, end to end in Chromium: a custom column from the details tree (Apply as
 * Column) and from View ▸ Columns, and the JSON viewer printing each literal as sent, beside the
 * raw body. Screenshots in test-artifacts/ (60-…).
 */
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, CORPUS, shot, RUN_E2E } from './helpers.ts';
import { writeHttpPcap } from './make-http-pcap.ts';

const HTTP_PCAP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
/** `tshark -r gen-http11-plain.pcap -T fields -e ip.src -e tcp.srcport -c 2` (tshark 4.0.17): 127.0.0.1 38708, 127.0.0.1 8080 */
const SRC = ['127.0.0.1', '127.0.0.1'];
const SRCPORT = ['38708', '8080'];
const JSON_BODY = '{"price":0.0,"count":7.0,"big":1E+3,"name":"caf\\u00e9","list":[1,2.50,{"ok":true}],"none":null}';

describe.skipIf(!RUN_E2E)('habits: custom columns, the JSON viewer (Chromium)', () => {
  const browser = browserSuite('habits');

  async function open(file: string): Promise<Page> {
    const page = await browser.serve(file);
    await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 60_000 });
    return page;
  }

  it('Apply as Column and View ▸ Columns add field columns with tshark’s values', async () => {
    const page = await open(HTTP_PCAP);
    await page.locator('.row[data-row="0"]').click();
    const ip = page.locator('.tree-line[data-field="ip"]');
    await ip.waitFor();
    if ((await page.locator('.tree-line[data-field="ip.src"]').count()) === 0) await ip.locator('.twisty').click();
    await page.locator('.tree-line[data-field="ip.src"]').click({ button: 'right' });
    await page.locator('[data-action="apply-column"]').click();
    const cell = (row: number, col: string) => page.locator(`.row[data-row="${row}"] [data-col="${col}"]`);
    await expect.poll(() => cell(0, 'field:ip.src').textContent(), { timeout: 30_000 }).toBe(SRC[0]);
    expect(await cell(1, 'field:ip.src').textContent()).toBe(SRC[1]);
    expect(await page.locator('.th[data-col="field:ip.src"]').textContent()).toContain('ip.src');

    // View ▸ Columns (in browser mode under the toolbar's "?" menu): any field by name.
    await page.locator('[data-testid="help-menu"]').click();
    await page.getByRole('menuitem', { name: 'Columns…' }).click();
    const panel = page.locator('[data-testid="panel-columns"]');
    await panel.waitFor();
    await panel.locator('input[aria-label="Field to add as a column"]').fill('tcp.srcport');
    await panel.locator('.chooser-add button[type="submit"]').click();
    await panel.locator('button[aria-label="Close"]').click();
    await expect.poll(() => cell(0, 'field:tcp.srcport').textContent(), { timeout: 30_000 }).toBe(SRCPORT[0]);
    expect(await cell(1, 'field:tcp.srcport').textContent()).toBe(SRCPORT[1]);
    // Both field columns in view for the screenshot (they follow Info, off to the right).
    await page.locator('.table-scroller').evaluate((el) => (el.scrollLeft = el.scrollWidth));
    await shot(page, '60-custom-columns');

    // The columns stay for the next packet capture (remembered per capture kind).
    await page.reload();
    await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => cell(0, 'field:tcp.srcport').textContent(), { timeout: 30_000 }).toBe(SRCPORT[0]);
    await page.close();
  }, 120_000);

  it('the JSON viewer keeps each literal as sent, the raw body one click away', async () => {
    const file = join(browser.tmp(), 'literals.pcap');
    writeHttpPcap(file, JSON_BODY, 'application/json');
    const page = await open(file);
    await page.locator('[data-testid="tab-http"]').click();
    await page.locator('[data-testid="http-row"]').first().click();
    const tree = page.locator('[data-testid="json-view"]');
    await tree.waitFor();
    const nums = await tree.locator('.j-num').allTextContents();
    expect(nums).toEqual(['0.0', '7.0', '1E+3', '1', '2.50']);
    expect(await tree.locator('.j-str').allTextContents()).toEqual(['"caf\\u00e9"']);
    const text = (await tree.textContent()) ?? '';
    // Every comma of the body is in the tree (5 between members, 2 in the list).
    expect(text.split(',').length - 1).toBe(7);
    await shot(page, '61-json-literals-tree');
    await page.locator('.body-modes button', { hasText: 'Raw' }).click();
    expect(await page.locator('[data-testid="json-raw"]').textContent()).toBe(JSON_BODY);
    await shot(page, '62-json-literals-raw');
    await page.close();
  }, 120_000);
});
