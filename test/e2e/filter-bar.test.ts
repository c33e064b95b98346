/**
 * End to end in Chromium against browser mode and the real engine: type a filter with a typo,
 * see the error and its suggestion; fix it with completion, apply, and see the count of
 * matching rows in the status bar; then right-click a details field → Apply as Filter.
 * Screenshots: test-artifacts/20-*.png … 24-*.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, closeCompletion, CORPUS, FLAGS, shot, startServer, stopServer, type Server, RUN_E2E } from './helpers.ts';

const HTTP_PCAP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
/** `tshark -r gen-http11-plain.pcap | wc -l` (tshark 4.0.17) */
const TOTAL = 33;
/** `tshark -r gen-http11-plain.pcap -Y 'tcp.srcport == 8080' | wc -l` (tshark 4.0.17) */
const SRCPORT_8080 = 17;
/** `tshark -r gen-http11-plain.pcap -Y 'tcp.dstport == 8080' | wc -l` (tshark 4.0.17) */
const DSTPORT_8080 = 16;
/** `tshark -r gen-http11-plain.pcap -Y 'tcp.dstport == 38708' | wc -l` (tshark 4.0.17): the first client port */
const DSTPORT_38708 = 6;

const canRun = RUN_E2E;

describe.skipIf(!canRun)('filter bar end to end (Chromium)', () => {
  let tmp: string;
  let context: BrowserContext;
  let server: Server | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The renderer is built once for all tests by test/global-setup.ts.
    tmp = mkdtempSync(join(tmpdir(), 'tracelens-e2e-filter-'));
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await context?.close();
    stopServer(server);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('typo → error and suggestion; completion; Enter → Displayed: N of M; details → Apply as Filter', async () => {
    server = await startServer(HTTP_PCAP);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`[e2e] page error: ${e.message}`));
    await page.goto(server.url);
    await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 30_000 });
    const bar = page.locator('[data-testid="filter-bar"]');
    const input = page.locator('.filter-bar .cm-content');

    // A typo: red, the message names the field and suggests the right one, the range is underlined.
    await input.click();
    await page.keyboard.type('ip.srcc == 1.2.3.4');
    await page.waitForFunction(() => document.querySelector('[data-testid="filter-bar"]')?.getAttribute('data-status') === 'invalid');
    const message = page.locator('[data-testid="filter-message"]');
    await expect.poll(() => message.textContent()).toContain('"ip.srcc" is not a field — did you mean ip.src?');
    expect(await message.locator('.filter-fix').textContent()).toBe('Use ip.src');
    await page.locator('.filter-bar .cm-lintRange-error').first().waitFor();
    expect(await page.locator('.filter-bar .cm-lintRange-error').first().textContent()).toBe('ip.srcc');
    await closeCompletion(page);
    await shot(page, '20-filter-typo');

    // Enter on an invalid filter does nothing.
    await page.keyboard.press('Enter');
    expect(await page.locator('[data-testid="status-displayed"]').count()).toBe(0);

    // Retype with completion: the popup lists fields with their type and description.
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('tcp.srcp');
    const popup = page.locator('.cm-tooltip-autocomplete');
    await popup.waitFor();
    const options = await popup.locator('li').allTextContents();
    console.log(`[e2e] completion for "tcp.srcp": ${JSON.stringify(options)}`);
    expect(options.some((o) => o.startsWith('tcp.srcport'))).toBe(true);
    await shot(page, '21-filter-completion');
    await page.keyboard.press('Enter'); // accept the completion
    await expect.poll(() => input.textContent()).toBe('tcp.srcport');
    await page.keyboard.type(' == 8080');
    await page.waitForFunction(() => document.querySelector('[data-testid="filter-bar"]')?.getAttribute('data-status') === 'valid');
    expect(await page.locator('.filter-bar .cm-f-field').first().textContent()).toBe('tcp.srcport');
    await closeCompletion(page);
    expect(await input.textContent()).toBe('tcp.srcport == 8080');
    await page.keyboard.press('Enter');
    const displayed = page.locator('[data-testid="status-displayed"]');
    await displayed.waitFor({ timeout: 30_000 });
    expect(await displayed.textContent()).toContain(`Displayed: ${SRCPORT_8080} of ${TOTAL}`);
    expect(await page.locator('.table-scroller').getAttribute('aria-rowcount')).toBe(String(SRCPORT_8080));
    expect(await bar.getAttribute('data-status')).toBe('valid');
    await shot(page, '22-filter-applied');

    // Details tree: right-click tcp.dstport of the first shown row → Apply as Filter → Selected.
    await page.locator('.row[data-row="0"]').click();
    const tcpLine = page.locator('.tree-line[data-field="tcp"]');
    await tcpLine.waitFor();
    await tcpLine.locator('.twisty').click();
    const dst = page.locator('.tree-line[data-field="tcp.dstport"]');
    await dst.waitFor();
    await dst.click({ button: 'right' });
    const menu = page.locator('[role="menu"]');
    await menu.waitFor();
    expect(await menu.textContent()).toContain('Apply as Filter');
    expect(await menu.textContent()).toContain('…and not Selected');
    await shot(page, '23-details-menu');
    // Row 0 of the view is an 8080 → client packet, so its destination is the client port.
    const expr = (await menu.locator('.menu-expr').textContent()) ?? '';
    expect(expr).toBe('tcp.dstport == 38708');
    await menu.locator('[data-action="apply-selected"]').click();
    await expect.poll(() => input.textContent()).toBe(expr);
    await expect.poll(() => displayed.textContent(), { timeout: 30_000 }).not.toContain(`Displayed: ${SRCPORT_8080} of`);
    const shown = Number(/Displayed: (\d+) of/.exec((await displayed.textContent()) ?? '')?.[1]);
    console.log(`[e2e] Apply as Filter: ${expr} → ${shown} of ${TOTAL}`);
    expect(shown).toBe(DSTPORT_38708);

    // …and not Selected on the same field combines with the bar's text as Wireshark does.
    await page.locator('.row[data-row="0"]').click();
    // The selected event stays selected through the filter (as in Wireshark), tree still open.
    await page.locator('.tree-line[data-field="tcp"]').waitFor();
    if ((await page.locator('.tree-line[data-field="tcp.dstport"]').count()) === 0) await page.locator('.tree-line[data-field="tcp"] .twisty').click();
    await page.locator('.tree-line[data-field="tcp.dstport"]').click({ button: 'right' });
    await menu.locator('[data-action="prepare-andNot"]').click();
    await expect.poll(() => input.textContent()).toBe(`(${expr}) && !(${expr})`);
    await shot(page, '24-prepare-and-not');

    // Esc cancels the edit: the applied filter comes back, still applied.
    await input.click();
    await closeCompletion(page);
    await page.keyboard.press('Escape');
    await expect.poll(() => input.textContent()).toBe(expr);
    expect(await displayed.textContent()).toContain(`Displayed: ${DSTPORT_38708} of ${TOTAL}`);
    // ✕ clears and shows everything again; a filter on the server port gives tshark's count.
    await page.locator('button[aria-label="Clear the filter"]').click();
    await displayed.waitFor({ state: 'detached' });
    await input.click();
    await page.keyboard.type('tcp.dstport == 8080');
    await closeCompletion(page);
    await page.keyboard.type(' ');
    await page.keyboard.press('Enter');
    await expect.poll(() => displayed.textContent(), { timeout: 30_000 }).toContain(`Displayed: ${DSTPORT_8080} of ${TOTAL}`);
    await page.close();
  }, 120_000);
});
