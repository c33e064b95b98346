/**
 * End to end in Chromium (browser mode, real engine): the follow pane, the HTTP tab and key
 * logs dropped on the window.
 *  (a) right-click a row → Follow ▸ TCP Stream → client/server text coloured, Hex Dump, Find, Back
 *      restores the filter that was in force;
 *  (b) HTTP tab on a plaintext capture: select an exchange, see its body; a JSON body (generated
 *      capture: the corpus has none) pretty-printed and foldable;
 *  (c) a TLS 1.3 capture: HTTP tab says "no key", drop its key log, the decrypted exchanges
 *      appear, then follow the TLS stream.
 * Screenshots: test-artifacts/30-*.png … 39-*.png.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite, closeCompletion, CORPUS, shot, RUN_E2E } from './helpers.ts';
import { writeHttpPcap } from './make-http-pcap.ts';

const HTTP_PCAP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
const TLS_PCAP = join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap');
const TLS_KEYS = join(CORPUS, 'keys/generated/gen-tls13-http11.keys');
/** `tshark -r gen-http11-plain.pcap -Y 'tcp.stream eq 0' | wc -l` (tshark 4.0.17) */
const STREAM0_EVENTS = 12;
/**
 * `tshark -r gen-tls13-http11-nsec.pcap -o tls.keylog_file:gen-tls13-http11.keys -Y http.request -T fields -e frame.number -e http.request.uri`
 * (tshark 4.0.17): 9 /, 12 /gzip, 15 /echo.
 */
const TLS_URIS = ['/', '/gzip', '/echo'];

const canRun = RUN_E2E;

async function firstRows(page: Page): Promise<void> {
  await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 60_000 });
}

async function barText(page: Page): Promise<string> {
  return (await page.locator('.filter-bar .cm-content').textContent()) ?? '';
}

describe.skipIf(!canRun)('follow pane, HTTP view and key logs end to end (Chromium)', () => {
  const browser = browserSuite('streams');

  async function open(file: string): Promise<Page> {
    const page = await browser.serve(file);
    await firstRows(page);
    return page;
  }

  it('(a) right-click → Follow TCP Stream: coloured text, hex, find, Back restores the filter', async () => {
    const page = await open(HTTP_PCAP);
    // A filter in force before following, for Back to restore.
    await page.locator('.filter-bar .cm-content').click();
    await page.keyboard.type('tcp.port == 8080');
    await closeCompletion(page);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="status-displayed"]').waitFor();

    // Row 3 is the first GET (event 4).
    await page.locator('.row[data-row="3"]').click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: 'TCP Stream' });
    await expect.poll(() => item.isEnabled()).toBe(true);
    expect(await page.getByRole('menuitem', { name: 'UDP Stream' }).isEnabled()).toBe(false);
    expect(await page.getByRole('menuitem', { name: 'HTTP Stream' }).isEnabled()).toBe(true);
    await shot(page, '30-follow-menu');
    await item.click();

    const pane = page.locator('[data-testid="follow-pane"]');
    await pane.locator('.follow-line.client').first().waitFor();
    await pane.locator('.follow-line.server').first().waitFor();
    expect(await pane.locator('[data-testid="follow-filter"]').textContent()).toBe('tcp.stream eq 0');
    await expect.poll(() => barText(page)).toBe('tcp.stream eq 0');
    await expect.poll(() => page.locator('[data-testid="status-displayed"]').textContent()).toContain(`Displayed: ${STREAM0_EVENTS} of`);
    expect(await pane.locator('.follow-line.client').first().textContent()).toBe('GET /index.html HTTP/1.1');
    const colours = await page.evaluate(() => {
      const c = document.querySelector('.follow-line.client')!;
      const s = document.querySelector('.follow-line.server')!;
      return [getComputedStyle(c).color, getComputedStyle(s).color];
    });
    console.log(`[e2e] follow colours client=${colours[0]} server=${colours[1]}`);
    expect(colours[0]).not.toBe(colours[1]);
    const summary = (await pane.locator('[data-testid="follow-summary"]').textContent()) ?? '';
    console.log(`[e2e] follow summary: ${summary}`);
    expect(summary).toMatch(/^\d+ client pkts, \d+ server pkts, \d+ turns?\./);
    await shot(page, '31-follow-ascii');

    // Hex dump: offsets and the bytes of "GET ".
    await pane.locator('[data-testid="follow-show-as"]').selectOption('hex');
    await expect.poll(() => pane.locator('.follow-line.client').first().textContent()).toMatch(/^00000000 {2}47 45 54 20 /);

    // Find: highlights and next/previous.
    await pane.getByLabel('Find in stream').fill('0d 0a'); // every CRLF of the hex dump
    await pane.locator('mark.find-hit.current').waitFor();
    const count = (await pane.locator('[data-testid="follow-find-count"]').textContent()) ?? '';
    expect(count).toMatch(/^1 of \d+$/);
    await pane.getByLabel('Next match').click();
    expect(await pane.locator('[data-testid="follow-find-count"]').textContent()).toMatch(/^2 of \d+$/);
    await shot(page, '32-follow-hex-find');

    // Clicking a chunk selects its event in the table.
    await pane.locator('.follow-line.server').first().click();
    await page.locator('.event-table .row.selected').waitFor();
    const selNo = await page.locator('.event-table .row.selected [data-col="no"]').textContent();
    console.log(`[e2e] chunk click selected event ${selNo}`);
    expect(Number(selNo)).toBeGreaterThan(4);

    // Back: pane closed, the previous filter restored.
    await pane.getByRole('button', { name: 'Back' }).click();
    await expect.poll(() => pane.count()).toBe(0);
    await expect.poll(() => barText(page)).toBe('tcp.port == 8080');
    await shot(page, '33-follow-back');
    await page.close();
  });

  it('(b) HTTP tab: exchanges, body; a JSON body pretty-printed and foldable', async () => {
    const page = await open(HTTP_PCAP);
    await page.locator('[data-testid="tab-http"]').click();
    const rows = page.locator('[data-testid="http-row"]');
    await rows.first().waitFor();
    console.log(`[e2e] HTTP rows on gen-http11-plain: ${await rows.count()}`);
    expect(await rows.first().textContent()).toContain('/index.html');
    await rows.first().click();
    const detail = page.locator('[data-testid="http-detail"]');
    await detail.locator('.markup-view').waitFor();
    expect(await detail.locator('.http-startline').textContent()).toMatch(/^HTTP\/1\.[01] 200/);
    // HTML is source text, never a live page.
    expect(await detail.locator('iframe, .markup-view *:not(span)').count()).toBe(0);
    await shot(page, '34-http-tab');

    // Sorting by status/size reorders; the header shows the direction.
    await page.getByRole('columnheader', { name: 'Response' }).click();
    await page.getByRole('columnheader', { name: 'Response ▲' }).click();
    expect(await page.getByRole('columnheader', { name: 'Response ▼' }).count()).toBe(1);
    expect(await rows.first().textContent()).toContain('/big.txt');

    // The request event number selects it in the Events tab.
    await rows.first().click();
    await detail.locator('[data-testid="http-goto-request"]').click();
    await page.locator('.event-table .row.selected').waitFor();
    expect(await page.locator('.event-table .row.selected [data-col="no"]').textContent()).toBe('16');
    await page.close();

    const jsonPcap = join(browser.tmp(), 'api-json.pcap');
    writeHttpPcap(jsonPcap, JSON.stringify({ items: [{ id: 1, name: 'alpha', tags: ['a', 'b'] }, { id: 2, name: 'beta', nested: { ok: true, n: null } }], total: 2 }), 'application/json');
    const p2 = await open(jsonPcap);
    await p2.locator('[data-testid="tab-http"]').click();
    await p2.locator('[data-testid="http-row"]').first().click();
    const json = p2.locator('[data-testid="json-view"]');
    await json.waitFor();
    const text = (await json.textContent()) ?? '';
    expect(text).toContain('"name": "alpha"');
    expect(text).toContain('"total": 2');
    await shot(p2, '35-http-json');
    // Fold the root: only a summary stays.
    await json.locator('.j-toggle').first().click();
    expect(await json.textContent()).toContain('… 2 keys }');
    await shot(p2, '36-http-json-folded');
    await p2.close();
  });

  it('(c) TLS capture: drop the key log, decrypted exchanges appear, follow the TLS stream', async () => {
    const page = await open(TLS_PCAP);
    await page.locator('[data-testid="tab-http"]').click();
    await expect.poll(() => page.locator('[data-testid="http-count"]').textContent()).toBe('0 exchanges');
    const strip = page.locator('[data-testid="tls-strip"]');
    await strip.waitFor();
    console.log(`[e2e] before keys: ${await strip.textContent()}`);
    expect(await strip.textContent()).toContain('No key for this session');
    await shot(page, '37-tls-no-key');

    // Drop the key log on the window (recognised by its content, not its name).
    const keys = readFileSync(TLS_KEYS, 'utf8');
    const dt = await page.evaluateHandle((text) => {
      const d = new DataTransfer();
      d.items.add(new File([text], 'secrets.txt', { type: 'text/plain' }));
      return d;
    }, keys);
    await page.dispatchEvent('.app', 'drop', { dataTransfer: dt });
    await page.locator('[data-testid="key-notice"]').waitFor();
    console.log(`[e2e] key notice: ${await page.locator('[data-testid="key-notice"]').textContent()}`);
    const rows = page.locator('[data-testid="http-row"]');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(TLS_URIS.length);
    const paths: string[] = [];
    for (let i = 0; i < TLS_URIS.length; i++) paths.push((await rows.nth(i).locator('[role="gridcell"]').nth(3).textContent()) ?? '');
    expect(paths).toEqual(TLS_URIS);
    expect((await rows.allTextContents()).every((t) => t.includes('decrypted'))).toBe(true);
    await rows.first().click();
    await page.locator('[data-testid="http-detail"] .body-viewer').waitFor();
    await shot(page, '38-tls-decrypted-http');

    // Follow the TLS stream from the request event (event 9) in the Events tab.
    await page.getByRole('tab', { name: 'Events' }).click();
    await page.locator('.row[data-row="8"]').click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: 'TLS Stream' });
    await expect.poll(() => item.isEnabled()).toBe(true);
    await item.click();
    const pane = page.locator('[data-testid="follow-pane"]');
    await pane.locator('.follow-line.client').first().waitFor();
    expect(await pane.locator('.follow-line.client').first().textContent()).toBe('GET / HTTP/1.1');
    expect(await pane.locator('[data-testid="follow-tls-status"]').textContent()).toMatch(/^Decrypted/);
    await shot(page, '39-follow-tls');
    await page.close();
  });
});
