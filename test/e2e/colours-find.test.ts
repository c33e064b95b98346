/**
 * Colouring rules and Find Packet end to end in Chromium (browser mode, real engine): the packet
 * list coloured by Wireshark's default rules (colours checked against the rules tshark names for
 * the same frames), the rules dialog (disable a rule, the rows change; import a colorfilters file),
 * and the find bar finding a string in the bytes, forward and wrapping.
 * Screenshots: test-artifacts/70-*.png … 73-*.png.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, CORPUS, FLAGS, shot, startServer, stopServer, type Server, RUN_E2E } from './helpers.ts';

const HTTP_PCAP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');

/** Wireshark's default colours as the browser reports them (16-bit components >> 8). */
const TCP_BG = 'rgb(231, 230, 255)'; // TCP [59345,58980,65535]
const SYNFIN_BG = 'rgb(160, 160, 160)'; // TCP SYN/FIN [41026,41026,41026]

async function rowBg(page: Page, row: number): Promise<string> {
  const loc = page.locator(`.row[data-row="${row}"]:not(.loading)`);
  await loc.waitFor({ timeout: 20_000 });
  return loc.evaluate((el) => getComputedStyle(el).backgroundColor);
}

describe.skipIf(!RUN_E2E)('colouring rules and find (Chromium)', () => {
  let tmp: string;
  let context: BrowserContext;
  let server: Server | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'tracelens-e2e-colours-'));
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 800 } });
    server = await startServer(HTTP_PCAP);
  });

  afterAll(async () => {
    await context?.close();
    stopServer(server);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('colours rows by the default rules, edits them in the dialog, imports a colorfilters file', async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`[e2e] page error: ${e.message}`));
    await page.goto(server!.url);
    // tshark -r gen-http11-plain.pcap --color -e frame.coloring_rule.name: 1 and 2 "TCP SYN/FIN"
    // (SYN, SYN-ACK), 3 "TCP" (port 8080 is no HTTP rule), 10 "TCP SYN/FIN" (FIN).
    await page.locator('.row[data-row="0"].ruled').waitFor({ timeout: 20_000 });
    expect(await rowBg(page, 0)).toBe(SYNFIN_BG);
    expect(await rowBg(page, 2)).toBe(TCP_BG);
    expect(await rowBg(page, 9)).toBe(SYNFIN_BG);
    await shot(page, '70-coloured-list');

    await page.locator('[data-testid="coloring-rules"]').click();
    const dialog = page.locator('[data-testid="colour-rules"]');
    await dialog.waitFor();
    // SMB names protocols the engine does not dissect: inactive, with the reason.
    await expect.poll(() => dialog.locator('tr[data-rule="SMB"] .rule-note').textContent()).toMatch(/Inactive: .*smb/);
    await shot(page, '71-rules-dialog');
    // Switch TCP SYN/FIN off: the SYN becomes plain TCP.
    await dialog.locator('input[aria-label="Enable TCP SYN/FIN"]').uncheck();
    await dialog.locator('[data-testid="colour-ok"]').click();
    await expect.poll(() => rowBg(page, 0)).toBe(TCP_BG);

    // Import a colorfilters file: its rules are appended; moved to the top, "Big" colours frame 4
    // (the first GET, 154 bytes), which the HTTP rule coloured before.
    const file = join(tmp, 'colorfilters');
    writeFileSync(file, '# exported by Wireshark\n@Big@frame.len == 154@[65535,0,0][65535,65535,255]\n');
    await page.locator('[data-testid="coloring-rules"]').click();
    await dialog.locator('[data-testid="colour-import"]').setInputFiles(file);
    await expect.poll(() => dialog.locator('[role="status"]').textContent()).toMatch(/Imported 1 rules/);
    const big = dialog.locator('tr[data-rule="Big"]');
    for (let k = 0; k < 25 && (await dialog.locator('tbody tr').first().getAttribute('data-rule')) !== 'Big'; k++) {
      await big.locator('button[aria-label="Move Big up"]').click();
    }
    await dialog.locator('[data-testid="colour-ok"]').click();
    await expect.poll(() => rowBg(page, 3)).toBe('rgb(255, 0, 0)');
    // The rules are saved for the user as a colorfilters text.
    const saved = await page.evaluate(() => localStorage.getItem('tracelens.colorfilters'));
    expect(saved?.split('\n')[1]).toBe('@Big@frame.len == 154@[65535,0,0][65535,65535,255]');
    expect(saved).toContain('!@TCP SYN/FIN@');

    // Colorize off: no rule colours (the index flags colour the rows as before).
    await page.locator('[data-testid="colorize"]').uncheck();
    await expect.poll(() => page.locator('.row.ruled').count()).toBe(0);
    await page.locator('[data-testid="colorize"]').check();
    await page.locator('.row.ruled').first().waitFor();
    await page.close();
  });

  it('Ctrl+F finds a string in the bytes, then the next one, wrapping at the end', async () => {
    const page = await context.newPage();
    await page.goto(server!.url);
    await page.locator('.row[data-row="0"]:not(.loading)').waitFor({ timeout: 20_000 });
    // No row selected: the search starts at the first row (a click in the table would select one).
    await page.keyboard.press('Control+f');
    const bar = page.locator('[data-testid="find-bar"]');
    await bar.waitFor();
    await bar.locator('select[aria-label="Find by"]').selectOption('string');
    await bar.locator('select[aria-label="Search in"]').selectOption('bytes');
    await bar.locator('input[aria-label="Find text"]').fill('HTTP/1.0');
    await bar.locator('input[aria-label="Find text"]').press('Enter');
    // tshark -Y 'frame contains "HTTP/1.0"': frames 6 and 18 (tshark 4.0.17).
    await expect.poll(() => page.locator('.row.selected [data-col="no"]').textContent()).toBe('6');
    await shot(page, '72-find-bytes');
    await bar.locator('[data-testid="find-next"]').click();
    await expect.poll(() => page.locator('.row.selected [data-col="no"]').textContent()).toBe('18');
    await bar.locator('[data-testid="find-next"]').click();
    await expect.poll(() => page.locator('.row.selected [data-col="no"]').textContent()).toBe('6');
    expect(await bar.locator('[data-testid="find-message"]').textContent()).toMatch(/reached the end/);
    // Hex: 0d 0a 0d 0a backward from 6 is frame 4 (tshark -Y 'frame contains 0d:0a:0d:0a': 4, 6, 16, 18).
    await bar.locator('select[aria-label="Find by"]').selectOption('hex');
    await bar.locator('input[aria-label="Find text"]').fill('0d 0a 0d 0a');
    await page.keyboard.press('Control+b');
    await expect.poll(() => page.locator('.row.selected [data-col="no"]').textContent()).toBe('4');
    // A string nobody sent.
    await bar.locator('select[aria-label="Find by"]').selectOption('string');
    await bar.locator('input[aria-label="Find text"]').fill('no-such-text');
    await bar.locator('input[aria-label="Find text"]').press('Enter');
    await expect.poll(() => bar.locator('[data-testid="find-message"]').textContent()).toMatch(/No event matched/);
    await shot(page, '73-find-none');
    await page.close();
  });
});
