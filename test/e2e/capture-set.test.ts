/**
 * A capture set in the window (browser mode, real engine): the seed upload's pcap and the
 * client's strace opened together; `tcp.stream == 0` shows packets and the client's reads and
 * writes interleaved, with Process/PID/File columns; a packet's details have the Process subtree.
 * With the key log: the EPIPE write's "Go to the RST", the 413's "Go to the syscall that received
 * these bytes", a write's "Go to packets of this write", and the connection's timeline reading
 * write … write (413 arrives) … write → EPIPE.
 * Screenshots: test-artifacts/70-set-*.png … 75-set-*.png.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { RUN_E2E, applyFilter, browserSuite, shot } from './helpers.ts';

const SEED = join(import.meta.dirname, '../fixtures/seed-413');

describe.skipIf(!RUN_E2E)('capture set end to end (Chromium)', () => {
  const suite = browserSuite('set');

  it('interleaves packets and syscalls of one connection and names the owner', async () => {
    const page = await suite.serve([join(SEED, 'upload-413.pcap'), join(SEED, 'upload-413.strace')]);
    await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 60_000 });
    const input = page.locator('.filter-bar .cm-content');
    await input.click();
    await applyFilter(page, 'tcp.stream == 0');
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

    // The key log, dropped on the window: the 413 shows as HTTP.
    const keys = readFileSync(join(SEED, 'upload-413.keys'), 'utf8');
    const dt = await page.evaluateHandle((text) => {
      const d = new DataTransfer();
      d.items.add(new File([text], 'upload-413.keys', { type: 'text/plain' }));
      return d;
    }, keys);
    await page.dispatchEvent('.app', 'drop', { dataTransfer: dt });
    await page.locator('[data-testid="key-notice"]').waitFor();

    // The EPIPE write → the peer's RST before it.
    const epipe = await rowWith(page, /EPIPE/);
    await openMenu(page, epipe);
    const toRst = page.locator('[data-action="go-reset"]');
    await toRst.waitFor({ timeout: 20_000 });
    expect(await toRst.textContent()).toBe('Go to the RST before this failed write');
    await toRst.click();
    await expect.poll(async () => page.locator('.row.selected [data-col="info"]').textContent(), { timeout: 20_000 }).toMatch(/\[RST, ACK\]/);
    await page.locator('[data-testid="link-bar"]').waitFor();
    await shot(page, '72-set-epipe-to-rst');

    // The 413 (a packet) → the read that received its bytes.
    const resp = await rowWith(page, /HTTP\/1\.1 413/);
    await openMenu(page, resp);
    const toRead = page.locator('[data-action="go-received"]');
    await toRead.waitFor({ timeout: 20_000 });
    await toRead.click();
    await expect.poll(async () => page.locator('.row.selected [data-col="protocol"]').textContent(), { timeout: 20_000 }).toBe('read');
    expect(await page.locator('[data-testid="link-bar"]').textContent()).toMatch(new RegExp(`the syscall that received these bytes #${resp}`));
    await shot(page, '73-set-413-to-read');

    // A write whose bytes reached the wire → its segments.
    const write = await rowWith(page, /^write .* = 16406$/);
    await openMenu(page, write);
    const toSegs = page.locator('[data-action="go-segments"]');
    await toSegs.waitFor({ timeout: 20_000 });
    expect(await toSegs.textContent()).toMatch(/^Go to packets of this write \(\d+\)$/);
    await toSegs.click();
    await expect.poll(async () => page.locator('.row.selected [data-col="file"]').textContent(), { timeout: 20_000 }).toBe('upload-413.pcap');
    await shot(page, '74-set-write-to-segments');

    // The connection's timeline, from the EPIPE write.
    await openMenu(page, epipe);
    await page.locator('[data-action="timeline"]').click();
    const pane = page.locator('[data-testid="timeline-pane"]');
    await pane.locator('.timeline-table').waitFor({ timeout: 30_000 });
    const texts = await pane.locator('.timeline-table tbody tr').allTextContents();
    const i413 = texts.findIndex((t) => /HTTP\/1\.1 413/.test(t));
    const iErr = texts.findIndex((t) => /write = -1 EPIPE/.test(t));
    expect(i413).toBeGreaterThan(0);
    expect(iErr).toBeGreaterThan(i413);
    expect(texts.slice(0, i413).some((t) => /write ×\d+/.test(t))).toBe(true);
    expect(texts.slice(i413 + 1, iErr).some((t) => /write ×\d+|write [\d ]+ B/.test(t))).toBe(true);
    await shot(page, '75-set-timeline');
  });

  it('Follow TCP Stream shows the client socket\'s fd stream beside it, scrolled to the same byte', async () => {
    const page = await suite.serve([join(SEED, 'upload-413.pcap'), join(SEED, 'upload-413.strace')]);
    await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 60_000 });
    const syn = await findRow(page, 'info', /\[SYN\] Seq=0/);
    await syn.click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: 'TCP Stream' });
    await expect.poll(() => item.isEnabled(), { timeout: 20_000 }).toBe(true);
    await item.click();
    const pane = page.locator('[data-testid="follow-pane"]');
    const peer = pane.locator('[data-testid="follow-peer"]');
    await peer.locator('.follow-line').first().waitFor({ timeout: 30_000 });
    expect(await peer.locator('[data-testid="follow-peer-shift"]').textContent()).toBe('offsets: same offsets');
    expect(await peer.locator('.follow-peer-head').textContent()).toMatch(/fd stream fd:3914:4:\d+ pid 3914 fd 4/);
    // Scroll the TCP stream to the middle of the upload: the fd stream follows to the same byte.
    const main = pane.locator('[data-testid="follow-text"]');
    await main.evaluate((el) => { el.scrollTop = el.scrollHeight * 0.4; });
    await page.waitForTimeout(500);
    const tops = await pane.evaluate((el) => {
      const at = (sel: string): { at: number; next: number; text: string } => {
        const sc = el.querySelector(sel) as HTMLElement;
        const l = Math.round(sc.scrollTop / 18);
        const line = sc.querySelector(`.follow-line[data-line="${l}"]`) as HTMLElement;
        const next = sc.querySelector(`.follow-line[data-line="${l + 1}"]`) as HTMLElement | null;
        return { at: Number(line.dataset.at), next: Number(next?.dataset.at ?? Infinity), text: line.textContent ?? '' };
      };
      return { main: at('[data-testid="follow-text"]'), peer: at('[data-testid="follow-peer-text"]') };
    });
    console.log(`[e2e] side by side tops ${JSON.stringify({ main: tops.main.at, peer: tops.peer.at, peerNext: tops.peer.next })}`);
    expect(tops.main.at).toBeGreaterThan(10_000);
    expect(tops.peer.at).toBeLessThanOrEqual(tops.main.at);
    expect(tops.peer.next).toBeGreaterThan(tops.main.at);
    await shot(page, '76-set-follow-side-by-side');
  });
});

/** Scroll the table until a row whose `col` cell matches `re` is drawn; that row. */
async function findRow(page: Page, col: string, re: RegExp): Promise<Locator> {
  const scroller = page.locator('.table-scroller');
  for (let top = 0; top < 20_000; top += 200) {
    await scroller.evaluate((el, t) => { el.scrollTop = t; }, top);
    await page.waitForTimeout(100);
    // The screen once its rows have arrived: a key log added fetches every page again, and a
    // row counted before that and read after it was loading (nth(i) then waits for a row that is gone).
    await expect.poll(() => page.locator('.row.loading').count(), { timeout: 60_000 }).toBe(0);
    // The drawn rows read in one go, so the count and the texts are of the same paint.
    const row = await page.locator('.row:not(.loading)').evaluateAll((els, [c, source, flags]) => {
      const r = new RegExp(source, flags);
      const hit = els.find((el) => r.test(el.querySelector(`[data-col="${c}"]`)?.textContent ?? ''));
      return hit?.getAttribute('data-row') ?? null;
    }, [col, re.source, re.flags]);
    if (row !== null) return page.locator(`.row[data-row="${row}"]`);
  }
  throw new Error(`no row's ${col} matches ${re}`);
}

/** The event number of the first row whose Info matches `re`. */
async function rowWith(page: Page, re: RegExp): Promise<number> {
  return Number(await (await findRow(page, 'info', re)).locator('[data-col="no"]').textContent());
}

/** Right-click the row of event `ev`. */
async function openMenu(page: Page, ev: number): Promise<void> {
  const row = await findRow(page, 'no', new RegExp(`^${ev}$`));
  // Select first: the table then brings the row fully into view, and the right-click lands on it.
  await row.click();
  await page.waitForTimeout(300);
  const sel = page.locator('.row.selected');
  await expect.poll(async () => sel.locator('[data-col="no"]').textContent(), { timeout: 20_000 }).toBe(String(ev));
  await sel.click({ button: 'right' });
}
