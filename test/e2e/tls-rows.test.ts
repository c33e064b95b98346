/**
 * End to end in Chromium (browser mode, real engine): TLS and HTTP rows on the packet list and the
 * decrypted bytes as a second data source. A TLS 1.3 + HTTP/1.1 capture: without keys the list
 * shows TLS rows (`TLSv1` ClientHello, `TLSv1.3` records, `Application Data`); after its key log
 * is dropped on the window, frame 9 is `HTTP  GET / HTTP/1.1 ` (tshark 4.0.17 with the key log:
 * test/golden/columns/pcap__generated__gen-tls13-http11-nsec.pcap.tsv), its details tree is in
 * layer order, and clicking http.host selects the "Decrypted TLS" tab with the Host line
 * highlighted. A TLS 1.2 + h2 capture shows HTTP2 rows (HEADERS[1]: GET / …) once decrypted.
 * Screenshots: test-artifacts/60-tls-rows-*.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, CORPUS, FLAGS, RUN_E2E, shot, startServer, stopServer, type Server } from './helpers.ts';

const TLS_PCAP = join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap');
const TLS_KEYS = join(CORPUS, 'keys/generated/gen-tls13-http11.keys');
const H2_PCAP = join(CORPUS, 'pcap/generated/gen-tls12-h2.pcap');
const H2_KEYS = join(CORPUS, 'keys/generated/gen-tls12-h2.keys');

/** Drop a key log file on the window, as a user drags one in. */
async function dropKeys(page: Page, path: string): Promise<void> {
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer();
    d.items.add(new File([text], 'secrets.txt', { type: 'text/plain' }));
    return d;
  }, readFileSync(path, 'utf8'));
  await page.dispatchEvent('.app', 'drop', { dataTransfer: dt });
  await page.locator('[data-testid="key-notice"]').waitFor();
}

async function cell(page: Page, row: number, col: string): Promise<string> {
  return (await page.locator(`.row[data-row="${row}"]:not(.loading) [data-col="${col}"]`).textContent()) ?? '';
}

describe.skipIf(!RUN_E2E)('TLS and HTTP rows, Decrypted TLS bytes (Chromium)', () => {
  let tmp: string;
  let context: BrowserContext;
  let server: Server | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'tracelens-e2e-tls-rows-'));
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    await context?.close();
    stopServer(server);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows TLS rows, then HTTP rows with keys; an HTTP field highlights bytes in the Decrypted TLS tab', async () => {
    server = await startServer(TLS_PCAP);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`[e2e] page error: ${e.message}`));
    await page.goto(server.url);
    await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 60_000 });

    // Without keys (tshark 4.0.17 without a key log: 4 TLSv1 Client Hello, 9 TLSv1.3 Application Data).
    await expect.poll(() => cell(page, 3, 'protocol'), { timeout: 30_000 }).toBe('TLSv1');
    expect(await cell(page, 3, 'info')).toBe('Client Hello');
    expect(await cell(page, 8, 'protocol')).toBe('TLSv1.3');
    expect(await cell(page, 8, 'info')).toBe('Application Data');
    await shot(page, '60-tls-rows-no-key');

    await dropKeys(page, TLS_KEYS);

    // With keys, as tshark's columns golden: 6 the server's decrypted flight, 9 HTTP GET /.
    await expect.poll(() => cell(page, 8, 'protocol'), { timeout: 30_000 }).toBe('HTTP');
    expect(await cell(page, 8, 'info')).toBe('GET / HTTP/1.1 ');
    expect(await cell(page, 5, 'info')).toBe('Server Hello, Change Cipher Spec, Encrypted Extensions, Certificate, Certificate Verify, Finished');
    expect(await cell(page, 10, 'info')).toBe('HTTP/1.1 200 OK  (text/plain)');

    await page.locator('.row[data-row="8"]').click();
    const tree = page.locator('.details-pane');
    await tree.locator('[data-field="http"]').waitFor();
    // Layer order, no Data node: frame, eth, ip, tcp, tls, http.
    const top = await tree.locator('[role="treeitem"][aria-level="1"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')));
    expect(top).toEqual(['frame', 'eth', 'ip', 'tcp', 'tls', 'http']);
    await tree.locator('[data-field="http"] .twisty').click();
    await tree.locator('[data-field="http.host"]').click();
    const tab = page.getByRole('tab', { name: /^Decrypted TLS/ });
    await expect.poll(() => tab.getAttribute('aria-selected')).toBe('true');
    const hl = page.locator('.hex-pane .hex-ascii .ab.hl');
    await expect.poll(() => hl.count()).toBe('Host: 127.0.0.1:8443\r\n'.length);
    expect((await hl.allTextContents()).join('')).toBe('Host: 127.0.0.1:8443..');
    await shot(page, '60-tls-rows-decrypted-tab');
    await page.close();
  });

  it('shows HTTP/2 rows once a TLS 1.2 + h2 capture is decrypted', async () => {
    stopServer(server);
    server = await startServer(H2_PCAP);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`[e2e] page error: ${e.message}`));
    await page.goto(server.url);
    await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 60_000 });
    // Without keys frame 13 is a TLS 1.2 record.
    await expect.poll(() => cell(page, 12, 'protocol'), { timeout: 30_000 }).toBe('TLSv1.2');
    await dropKeys(page, H2_KEYS);
    // As tshark 4.0.17 with the key log (test/golden/columns/pcap__generated__gen-tls12-h2.pcap.tsv).
    await expect.poll(() => cell(page, 12, 'protocol'), { timeout: 30_000 }).toBe('HTTP2');
    expect(await cell(page, 10, 'info')).toBe('Magic, SETTINGS[0], WINDOW_UPDATE[0]');
    expect(await cell(page, 12, 'info')).toBe('HEADERS[1]: GET /');
    expect(await cell(page, 13, 'info')).toBe('HEADERS[1]: 200 OK, DATA[1]');
    expect(await cell(page, 16, 'info')).toBe('RST_STREAM[1], HEADERS[3]: GET /big');
    expect(await cell(page, 8, 'protocol')).toBe('TLSv1.2');
    await page.locator('.row[data-row="12"]').click();
    const tree = page.locator('.details-pane');
    await tree.locator('[data-field="http2"]').waitFor();
    const top = await tree.locator('[role="treeitem"][aria-level="1"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')));
    expect(top).toEqual(['frame', 'eth', 'ip', 'tcp', 'tls', 'http2']);
    await shot(page, '60-tls-rows-http2');
    await page.close();
  });
});
