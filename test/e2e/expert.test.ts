/**
 * TCP analysis and Expert Information end to end in Chromium (browser mode, real engine), on
 * http-ooo.pcap (out-of-order and missing segments): the [TCP …] tags in the Info column, the
 * Expert Information pane grouped by severity with tshark's summaries and counts, a summary
 * expanding to its frames, and a frame click selecting it with its SEQ/ACK analysis in the
 * details. Screenshots: test-artifacts/60-expert-*.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, CORPUS, FLAGS, RUN_E2E, shot, startServer, stopServer, type Server } from './helpers.ts';

const PCAP = join(CORPUS, 'pcap/wireshark/http-ooo.pcap');
/** `tshark -q -z expert -r http-ooo.pcap` (tshark 4.0.17): Warns 3 + 5, Notes 1, the TCP Chat 1. */
const LOST = 'Previous segment(s) not captured (common at capture start)';
const OOO = 'This frame is a (suspected) out-of-order segment';
/** `tshark -r http-ooo.pcap -Y tcp.analysis.out_of_order -T fields -e frame.number` */
const OOO_FRAMES = ['4', '5', '6', '10', '15'];

async function cell(page: Page, row: number, col: string): Promise<string> {
  const loc = page.locator(`.row[data-row="${row}"]:not(.loading) [data-col="${col}"]`);
  await loc.waitFor({ timeout: 20_000 });
  return (await loc.textContent()) ?? '';
}

describe.skipIf(!RUN_E2E)('expert information end to end (Chromium)', () => {
  let tmp: string;
  let context: BrowserContext;
  let server: Server | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'tracelens-e2e-expert-'));
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 800 } });
    server = await startServer(PCAP);
  });

  afterAll(async () => {
    await context?.close();
    stopServer(server);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the [TCP …] tags, the expert pane, and jumps to a frame', async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`[e2e] page error: ${e.message}`));
    await page.goto(server!.url);
    // tshark's Info tags of frames 3 and 4 (0-based rows 2 and 3); what follows the tag on frame 4
    // is the HTTP layer's (tshark does not hand an out-of-order segment to HTTP).
    await expect.poll(() => cell(page, 2, 'info'), { timeout: 20_000 }).toMatch(/^\[TCP Previous segment not captured\] 32323 → 80 \[ACK\] Seq=60 Ack=1 Win=8192 Len=1/);
    expect(await cell(page, 3, 'info')).toMatch(/^\[TCP Out-Of-Order\] /);

    await page.locator('[data-testid="expert-button"]').click();
    const pane = page.locator('[data-testid="expert-pane"]');
    await pane.locator('.expert-section').first().waitFor({ timeout: 30_000 });
    const sections = await pane.locator('.expert-section').allTextContents();
    expect(sections[0]).toBe('Warning8');
    expect(sections).toContain('Note1');
    const entries = pane.locator('[data-testid="expert-entry"]');
    const lost = entries.filter({ hasText: LOST });
    const ooo = entries.filter({ hasText: OOO });
    expect(await lost.locator('td').allTextContents()).toEqual(['▸', LOST, 'Sequence', 'TCP', '3']);
    expect(await ooo.locator('td').allTextContents()).toEqual(['▸', OOO, 'Sequence', 'TCP', '5']);
    expect(await entries.filter({ hasText: 'Connection finish (FIN)' }).locator('td').last().textContent()).toBe('1');
    await shot(page, '60-expert-pane');

    await ooo.click();
    const frames = pane.locator('[data-testid="expert-frame"]');
    await expect.poll(() => frames.allTextContents()).toEqual(OOO_FRAMES.map((f) => `Frame ${f}`));
    await frames.filter({ hasText: 'Frame 10' }).click();
    await expect.poll(() => page.locator('.row.selected [data-col="no"]').textContent()).toBe('10');
    const details = page.locator('.details-pane');
    for (const field of ['tcp', 'tcp.analysis', 'tcp.analysis.flags']) {
      // The tree renders only the lines in view; the analysis is the TCP node's last child.
      await details.evaluate((el) => { el.scrollTop = el.scrollHeight; });
      const line = details.locator(`.tree-line[data-field="${field}"]`).first();
      await line.waitFor({ timeout: 20_000 });
      await line.locator('.twisty').click();
    }
    await details.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await expect.poll(() => details.textContent(), { timeout: 20_000 }).toContain(`[Expert Info (Warning/Sequence): ${OOO}]`);
    await shot(page, '61-expert-jump');
    await page.close();
  }, 120_000);
});
