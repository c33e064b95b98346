/**
 * View ▸ Decode As… end to end in Chromium (browser mode, real engine): a rule sends DHCP's port
 * to `data`, the capture is indexed again under it, the rule survives a reload (localStorage),
 * and removing it brings DHCP back. Screenshots: test-artifacts/60-*.png … 62-*.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, CORPUS, FLAGS, shot, startServer, stopServer, type Server, RUN_E2E } from './helpers.ts';

const DHCP_PCAP = join(CORPUS, 'pcap/wireshark/dhcp.pcap');
/** `tshark -r dhcp.pcap -T fields -e _ws.col.Protocol -e _ws.col.Info` row 1, and with `-d udp.port==67,data` (tshark 4.0.17) */
const PLAIN = { protocol: 'DHCP', info: 'DHCP Discover - Transaction ID 0x3d1d' };
const AS_DATA = { protocol: 'UDP', info: '68 → 67 Len=272' };

async function cell(page: Page, row: number, col: string): Promise<string> {
  const loc = page.locator(`.row[data-row="${row}"]:not(.loading) [data-col="${col}"]`);
  await loc.waitFor({ timeout: 20_000 });
  return (await loc.textContent()) ?? '';
}

async function openDialog(page: Page): Promise<void> {
  await page.locator('[data-testid="help-menu"]').click();
  await page.getByRole('menuitem', { name: 'Decode As…' }).click();
  await page.locator('[data-testid="decode-as"]').waitFor();
}

describe.skipIf(!RUN_E2E)('Decode As end to end (Chromium)', () => {
  let tmp: string;
  let context: BrowserContext;
  let server: Server | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'tracelens-e2e-decode-as-'));
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 } });
    server = await startServer(DHCP_PCAP);
  });

  afterAll(async () => {
    await context?.close();
    stopServer(server);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('adds a rule, re-indexes under it, keeps it across a reload, removes it', async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`[e2e] page error: ${e.message}`));
    await page.goto(server!.url);
    expect(await cell(page, 0, 'protocol')).toBe(PLAIN.protocol);
    expect(await cell(page, 0, 'info')).toBe(PLAIN.info);

    await openDialog(page);
    await page.locator('[data-testid="decode-as-add"]').click();
    const rule = page.locator('[data-testid="decode-as-rule"]').last();
    await rule.getByLabel('Field').selectOption('udp.port');
    await rule.getByLabel('Value').fill('67');
    await rule.getByLabel('Protocol').selectOption('data');
    await expect.poll(() => rule.locator('.decode-as-text').textContent()).toBe('udp.port==67,data');
    await shot(page, '60-decode-as-dialog');
    await page.locator('[data-testid="decode-as-ok"]').click();

    await expect.poll(() => cell(page, 0, 'protocol'), { timeout: 20_000 }).toBe(AS_DATA.protocol);
    expect(await cell(page, 0, 'info')).toBe(AS_DATA.info);
    await shot(page, '61-decode-as-applied');

    // Saved for the user: a new page opens the capture under the rule.
    await page.reload();
    await expect.poll(() => cell(page, 0, 'protocol'), { timeout: 20_000 }).toBe(AS_DATA.protocol);

    await openDialog(page);
    await expect.poll(() => page.locator('[data-testid="decode-as-rule"]').count()).toBe(1);
    await page.getByRole('button', { name: 'Remove rule' }).click();
    await page.locator('[data-testid="decode-as-ok"]').click();
    await expect.poll(() => cell(page, 0, 'protocol'), { timeout: 20_000 }).toBe(PLAIN.protocol);
    await shot(page, '62-decode-as-removed');
    await page.close();
  });
});
