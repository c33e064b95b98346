/**
 * A capture set in the window (browser mode, real engine): the seed upload's pcap and the
 * client's strace opened together; `tcp.stream == 0` shows packets and the client's reads and
 * writes interleaved, with Process/PID/File columns; a packet's details have the Process subtree.
 * Screenshots: test-artifacts/70-set-*.png.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_E2E, browserSuite, closeCompletion, shot } from './helpers.ts';

const SEED = join(import.meta.dirname, '../fixtures/seed-413');

describe.skipIf(!RUN_E2E)('capture set end to end (Chromium)', () => {
  const suite = browserSuite('set');

  it('interleaves packets and syscalls of one connection and names the owner', async () => {
    const page = await suite.serve([join(SEED, 'upload-413.pcap'), join(SEED, 'upload-413.strace')]);
    await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 60_000 });
    const input = page.locator('.filter-bar .cm-content');
    await input.click();
    await page.keyboard.type('tcp.stream == 0');
    await closeCompletion(page);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /76 shown|76 displayed/.test(document.querySelector('[data-testid="status-events"]')?.textContent ?? '') || document.querySelector('[data-testid="status-displayed"]') !== null, null, { timeout: 30_000 });
    // Rows of both files, in time order: the write of the Client Hello, then its packet.
    await expect.poll(async () => page.locator('.row:not(.loading) [data-col="file"]').allTextContents(), { timeout: 20_000 })
      .toEqual(expect.arrayContaining(['upload-413.pcap', 'upload-413.strace']));
    const protocols = await page.locator('.row:not(.loading) [data-col="protocol"]').allTextContents();
    expect(protocols).toEqual(expect.arrayContaining(['TCP', 'write', 'read', 'TLSv1.3']));
    const pids = await page.locator('.row:not(.loading) [data-col="pid"]').allTextContents();
    expect(pids.every((p) => p === '3914')).toBe(true);
    await shot(page, '70-set-stream-0');

    // The SYN (a packet): its details show who sent it.
    const rows = page.locator('.row:not(.loading)');
    const n = await rows.count();
    for (let i = 0; i < n; i++) {
      const info = (await rows.nth(i).locator('[data-col="info"]').textContent()) ?? '';
      if (!/\[SYN\] Seq=0/.test(info)) continue;
      await rows.nth(i).click();
      break;
    }
    const proc = page.locator('.tree-line', { hasText: 'Process: pid 3914' });
    await proc.first().waitFor({ timeout: 20_000 });
    expect(await proc.first().textContent()).toMatch(/sent by this socket \(matched by 5-tuple 127\.0\.0\.1:56714->127\.0\.0\.1:18443 and time to fd 4\)/);
    await shot(page, '71-set-process-subtree');
  });
});
