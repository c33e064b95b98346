/**
 * End to end in Chromium (browser mode, real engine) on the seed scap docker-curl-https.scap:
 * Stratoshark's default columns, the details tree with one subtree per kind, Follow ▸ File
 * Descriptor Stream from an enter row (its filter is the fd lifetime, fd.stream), and a TLS
 * follow without keys that shows the records under "not decrypted (no key)".
 * Screenshots: test-artifacts/60-syscall-tree.png, 61-syscall-follow-fd.png, 62-syscall-follow-tls.png.
 */
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, closeCompletion, CORPUS, shot, RUN_E2E } from './helpers.ts';

const SEED = join(CORPUS, 'scap/xxradar-stratoshark/docker-curl-https.scap');

async function applyFilter(page: Page, text: string): Promise<void> {
  await page.locator('.filter-bar .cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(text);
  await closeCompletion(page);
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="status-displayed"]').waitFor();
}

async function cell(page: Page, row: number, col: string): Promise<string> {
  const loc = page.locator(`.row[data-row="${row}"]:not(.loading) [data-col="${col}"]`);
  await loc.waitFor({ timeout: 60_000 });
  return (await loc.textContent()) ?? '';
}

describe.skipIf(!RUN_E2E)('syscall window: columns, tree, fd follow (Chromium)', () => {
  const browser = browserSuite('syscalls');

  it('seed scap: default columns, one subtree per kind, follow from an enter row, TLS without keys', async () => {
    const page = await browser.serve(SEED);
    await cell(page, 0, 'info');
    const heads = await page.locator('.table-header [role="columnheader"]').allTextContents();
    expect(heads.map((h) => h.replace(/[▲▼]/g, '').trim())).toEqual(['No.', 'Time', 'Event name', 'Proc Name', 'PID', 'TID', 'FD', 'FD Name', 'Container Name', 'Arguments', 'Info']);

    // The ClientHello write on curl's HTTPS socket: its tree.
    await applyFilter(page, 'evt.num == 2985');
    await expect.poll(() => cell(page, 0, 'no')).toBe('2985');
    expect(await cell(page, 0, 'pid')).toBe('108261');
    await page.locator('.row[data-row="0"]').click();
    const tree = page.locator('.details-pane');
    await tree.locator('.tree-line').first().waitFor();
    const lines = await tree.locator('.tree-line').allTextContents();
    console.log(`[e2e] tree: ${lines.slice(0, 12).join(' | ')}`);
    for (const kind of ['System call event', 'Process', 'Thread', 'File descriptor', 'User', 'Group', 'Container']) {
      expect([kind, lines.filter((l) => l.replace(/^[▸▾\s]+/, '').trim() === kind).length]).toEqual([kind, 1]);
    }
    // Short labels in the fd subtree.
    await tree.locator('.tree-line', { hasText: /^\W*File descriptor$/ }).locator('.twisty').click();
    await tree.locator('.tree-line', { hasText: 'FD type: ipv4' }).waitFor();
    const fdLines = await tree.locator('.tree-line').allTextContents();
    expect(fdLines).toEqual(expect.arrayContaining(['FD: 6', 'FD name: 172.17.0.3:38188->162.159.140.98:443', 'Server port: 443'].map((l) => expect.stringContaining(l))));
    await shot(page, '60-syscall-tree');

    // Follow from the socket's enter row (no fd yet): its lifetime's stream.
    await applyFilter(page, 'evt.num == 2689');
    await expect.poll(() => cell(page, 0, 'no')).toBe('2689');
    expect(await cell(page, 0, 'event')).toBe('socket');
    // No fd yet: fd.num -1, as libsinsp prints it (m_lastevent_fd of an open/socket enter).
    expect(await cell(page, 0, 'fd')).toBe('-1');
    await page.locator('.row[data-row="0"]').click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: 'File Descriptor Stream' });
    await expect.poll(() => item.isEnabled()).toBe(true);
    await item.click();
    const pane = page.locator('[data-testid="follow-pane"]');
    await pane.locator('.follow-line').first().waitFor();
    const filter = (await pane.locator('[data-testid="follow-filter"]').textContent()) ?? '';
    expect(filter).toMatch(/^fd\.stream == \d+$/);
    await expect.poll(async () => (await page.locator('.filter-bar .cm-content').textContent()) ?? '').toBe(filter);
    // 98 events: socket enter 2689 … close exit 3370, fd 6 and nothing else of curl's fd 6 users.
    await expect.poll(async () => (await page.locator('[data-testid="status-displayed"]').textContent()) ?? '').toMatch(/\b98\b/);
    const summary = (await pane.locator('[data-testid="follow-summary"]').textContent()) ?? '';
    console.log(`[e2e] fd follow: ${filter}; ${summary}`);
    await shot(page, '61-syscall-follow-fd');

    // TLS on that socket without a key: the records, under "not decrypted (no key)".
    await applyFilter(page, 'evt.num == 2985');
    await expect.poll(() => cell(page, 0, 'no')).toBe('2985');
    await page.locator('.row[data-row="0"]').click({ button: 'right' });
    const tls = page.getByRole('menuitem', { name: 'TLS Stream' });
    await expect.poll(() => tls.isEnabled()).toBe(true);
    await tls.click();
    await pane.locator('[data-testid="follow-notes"]').waitFor();
    expect(await pane.locator('[data-testid="follow-notes"]').textContent()).toMatch(/^not decrypted \(no key\)/);
    await pane.locator('.follow-line').first().waitFor();
    const text = (await pane.locator('[data-testid="follow-text"]').textContent()) ?? '';
    expect(text).not.toMatch(/bytes missing in capture file/);
    expect(text).toContain('www.radarhack.com');
    const conv = (await pane.locator('option[value="both"]').textContent()) ?? '';
    expect(conv).toBe('Entire conversation (12,658 bytes)');
    await shot(page, '62-syscall-follow-tls');
  }, 240_000);
});
