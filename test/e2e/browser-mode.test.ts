/**
 * End to end: the built renderer in real Chromium (Debian /usr/bin/chromium via playwright-core)
 * against browser mode (`npm run web`) driving the real engine. Screenshots go to
 * test-artifacts/; timings are printed (open → first rows, page fetch, scroll frame times).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, CHROMIUM, CORPUS, FLAGS, shot, startServer, stopServer, type Server, RUN_E2E } from './helpers.ts';
import { writeBigPcap } from './big-pcap.ts';

const HTTP_PCAP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
const TLS_PCAPNG = join(CORPUS, 'pcapng/generated/gen-tls13-h2.pcapng');
const BIG_EVENTS = 2_000_000;

const canRun = RUN_E2E;

/**
 * The Info column of the first rows as tshark 4.0.17 (the oracle) prints it, from
 * `tshark -r FILE -c 3 -T fields -e _ws.col.Info` (kept here: CI machines have no tshark).
 */
const TSHARK_INFO: Record<string, string[]> = {
  'gen-http11-plain.pcap': [
    '38708 → 8080 [SYN] Seq=0 Win=65495 Len=0 MSS=65495 SACK_PERM TSval=4195358253 TSecr=0 WS=1024',
    '8080 → 38708 [SYN, ACK] Seq=0 Ack=1 Win=65483 Len=0 MSS=65495 SACK_PERM TSval=4209984929 TSecr=4195358253 WS=1024',
    '38708 → 8080 [ACK] Seq=1 Ack=1 Win=65536 Len=0 TSval=4195358253 TSecr=4209984929',
  ],
  'gen-tls13-h2.pcapng': [
    '59186 → 8443 [SYN] Seq=0 Win=65495 Len=0 MSS=65495 SACK_PERM TSval=1274291617 TSecr=0 WS=1024',
    '8443 → 59186 [SYN, ACK] Seq=0 Ack=1 Win=65483 Len=0 MSS=65495 SACK_PERM TSval=442042300 TSecr=1274291617 WS=1024',
    '59186 → 8443 [ACK] Seq=1 Ack=1 Win=65536 Len=0 TSval=1274291617 TSecr=442042300',
  ],
};

function tsharkInfo(file: string, count: number): string[] {
  const lines = TSHARK_INFO[file.split('/').pop() ?? ''];
  if (!lines || lines.length < count) throw new Error(`no tshark Info lines recorded for ${file}`);
  return lines.slice(0, count);
}

/**
 * A classic pcap of `n` Ethernet/IPv4/UDP frames (60 bytes each, 1 ms apart), written in
 * blocks so 2 M packets need no 150 MB buffer. Ports and IP id vary so rows differ.
 */
/** Drop a file onto the window the way a user's drag does: a DataTransfer carrying a File. */
async function dropFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  await page.evaluate(
    ({ name, b64 }) => {
      const bin = atob(b64);
      const u8 = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([u8], name));
      const target = document.querySelector('.app')!;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { name, b64: bytes.toString('base64') },
  );
}

const firstRowsMs = (page: Page): Promise<number | null> =>
  page.evaluate(() => (window as unknown as { __tracelens: { firstRowsMs(): number | null } }).__tracelens.firstRowsMs());
const fetchTimes = (page: Page): Promise<number[]> =>
  page.evaluate(() => (window as unknown as { __tracelens: { fetchTimes(): number[] } }).__tracelens.fetchTimes().slice());

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
  return { n: s.length, mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), p50: q(0.5), p95: q(0.95), max: s[s.length - 1] ?? NaN };
};
const fmt = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(2)}`).join(' ');

describe.skipIf(!canRun)('browser mode end to end (Chromium)', () => {
  let tmp: string;
  let context: BrowserContext;
  const servers: Server[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The renderer is built once for all tests by test/global-setup.ts.
    tmp = mkdtempSync(join(tmpdir(), 'tracelens-e2e-'));
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 800 },
    });
  });

  afterAll(async () => {
    await context?.close();
    servers.forEach(stopServer);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('opens a capture given on the command line, links the table, details tree and bytes', async () => {
    const server = await startServer(HTTP_PCAP);
    servers.push(server);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`[e2e] page error: ${e.message}`));
    await page.goto(server.url);
    const first = page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]');
    await first.waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
      await shot(page, '00-command-line-failed');
      console.log(`[e2e] page text: ${(await page.locator('body').innerText()).slice(0, 500)}`);
      throw e;
    });
    // The token became an HttpOnly cookie: not in the address bar, not readable by the page.
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const expected = tsharkInfo(HTTP_PCAP, 3);
    for (let i = 0; i < 3; i++) {
      // Polled: the colouring rules sent on open start a new rows generation, and the page is fetched again.
      await expect.poll(() => page.locator(`.row[data-row="${i}"] [data-col="info"]`).textContent()).toBe(expected[i]);
    }
    console.log(`[e2e] command line: open → first rows ${(await firstRowsMs(page))?.toFixed(1)} ms`);
    await shot(page, '01-command-line-http');

    // Select the GET request (row 4) and see its details and bytes.
    await page.locator('.row[data-row="3"]').click();
    await page.locator('.tree-line').first().waitFor();
    expect(await page.locator('.hex-line').count()).toBeGreaterThan(0);
    const treeLines = page.locator('.tree-line');
    const labels = await treeLines.allTextContents();
    const ipIndex = labels.findIndex((l) => /Internet Protocol Version 4/.test(l));
    if (ipIndex < 0) console.log(`[e2e] tree: ${JSON.stringify(labels)}`);
    expect(ipIndex).toBeGreaterThanOrEqual(0);
    await treeLines.nth(ipIndex).click();
    // IPv4 header: 20 bytes highlighted, starting after the 14-byte Ethernet header.
    const lit = await page.locator('.hb.hl').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-off'))));
    expect(lit.length).toBe(20);
    expect(lit[0]).toBe(14);
    // Click a byte of the TCP header: the tree selects a TCP field.
    await page.locator('.hb[data-off="36"]').click();
    const sel = page.locator('.tree-line.selected');
    await sel.waitFor();
    expect(await sel.getAttribute('data-field')).toMatch(/^tcp\./);
    await shot(page, '02-details-and-bytes');

    // The keyboard moves the selection; End goes to the last event.
    await page.locator('.table-scroller').focus();
    await page.keyboard.press('End');
    const count = (await page.locator('[data-testid="status-events"]').textContent())!.match(/([\d,]+) shown/)![1].replace(/,/g, '');
    await page.locator(`.row.selected [data-col="no"]`).filter({ hasText: new RegExp(`^${count}$`) }).waitFor();
    await page.close();
  });

  it('opens a capture dropped on the window (uploaded to the engine)', async () => {
    const server = await startServer();
    servers.push(server);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('[data-testid="drop-zone"]').waitFor();
    await shot(page, '03-welcome');
    await dropFile(page, 'gen-tls13-h2.pcapng', readFileSync(TLS_PCAPNG));
    await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 30_000 });
    const expected = tsharkInfo(TLS_PCAPNG, 3);
    for (let i = 0; i < 3; i++) {
      // Polled: the colouring rules sent on open start a new rows generation, and the page is fetched again.
      await expect.poll(() => page.locator(`.row[data-row="${i}"] [data-col="info"]`).textContent()).toBe(expected[i]);
    }
    expect(await page.locator('.status-file').textContent()).toBe('gen-tls13-h2.pcapng');
    console.log(`[e2e] drop: open → first rows ${(await firstRowsMs(page))?.toFixed(1)} ms`);
    await shot(page, '04-dropped-pcapng');
    await page.close();
  });

  it('shows which file is unreadable and why', async () => {
    const server = await startServer();
    servers.push(server);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('[data-testid="drop-zone"]').waitFor();
    // The first 100 bytes of a pcap header with a damaged magic number.
    const bad = Buffer.from(readFileSync(HTTP_PCAP).subarray(0, 100));
    bad.writeUInt32LE(0xdeadbeef, 0);
    await dropFile(page, 'corrupt.pcap', bad);
    const alert = page.locator('[role="alert"]');
    await alert.waitFor({ timeout: 30_000 });
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain('corrupt.pcap');
    expect(text.length).toBeGreaterThan('Cannot open corrupt.pcap'.length + 10);
    console.log(`[e2e] corrupt file message: ${text.replace(/\s+/g, ' ').slice(0, 200)}`);
    await shot(page, '05-corrupt-file');
    await page.close();
  });

  it(`scrolls a ${BIG_EVENTS.toLocaleString('en-US')}-event capture to its last row`, async () => {
    const big = join(tmp, 'big-2m.pcap');
    const t0 = performance.now();
    writeBigPcap(big, BIG_EVENTS);
    console.log(`[e2e] generated ${BIG_EVENTS} packets in ${(performance.now() - t0).toFixed(0)} ms`);
    const server = await startServer(big);
    servers.push(server);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 60_000 });
    const first = await firstRowsMs(page);
    console.log(`[e2e] 2M pcap: open → first rows ${first?.toFixed(1)} ms`);
    // Rows while indexing; then wait for the whole capture.
    await page.waitForFunction(
      (n) => (document.querySelector('[data-testid="status-events"]')?.textContent ?? '').includes(`${n.toLocaleString('en-US')} shown`),
      BIG_EVENTS,
      { timeout: 120_000 },
    );
    await shot(page, '06-big-first-rows');

    // Frame times while scrolling through the whole range, one step per frame.
    const frames = await page.evaluate(async () => {
      const el = document.querySelector('.table-scroller') as HTMLElement;
      const range = el.scrollHeight - el.clientHeight;
      const deltas: number[] = [];
      let last = performance.now();
      for (let i = 1; i <= 240; i++) {
        el.scrollTop = (range * i) / 240;
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        const now = performance.now();
        deltas.push(now - last);
        last = now;
      }
      return { deltas, range, scrollHeight: el.scrollHeight };
    });
    const fs = stats(frames.deltas);
    console.log(`[e2e] scroll frames (ms): ${fmt(fs)} (scrollHeight ${frames.scrollHeight}px for ${BIG_EVENTS} rows)`);
    expect(frames.scrollHeight).toBeLessThan(33_554_428);

    // At the bottom of the range the last event is on screen.
    const lastNo = page.locator('.row [data-col="no"]').filter({ hasText: new RegExp(`^${BIG_EVENTS}$`) });
    await lastNo.waitFor({ timeout: 30_000 });
    const box = await lastNo.boundingBox();
    const view = await page.locator('.table-scroller').boundingBox();
    expect(box && view && box.y + box.height <= view.y + view.height + 1).toBe(true);
    await shot(page, '07-big-last-row');

    // Home and End by keyboard.
    await page.locator('.table-scroller').focus();
    await page.keyboard.press('Home');
    await page.locator('.row.selected[data-row="0"]').waitFor();
    await page.keyboard.press('End');
    await page.locator(`.row.selected[data-row="${BIG_EVENTS - 1}"]`).waitFor();
    await page.keyboard.press('PageUp');
    await page.locator('.row.selected').waitFor();

    const ft = stats(await fetchTimes(page));
    console.log(`[e2e] row page fetches during the scroll (ms, 200 rows, incl. queueing): ${fmt(ft)}`);
    const isolated = stats(
      await page.evaluate(() => (window as unknown as { __tracelens: { timeRows(n: number, c: number): Promise<number[]> } }).__tracelens.timeRows(50, 200)),
    );
    console.log(`[e2e] page of 200 rows, one at a time (ms, window → WebSocket → engine → window): ${fmt(isolated)}`);
    await page.close();
  });
});
