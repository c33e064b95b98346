/**
 * Measure the window's HTTP tab on a big capture (browser mode, Chromium):
 *   node --import tsx test/e2e/measure-http-window.ts FILE [filter…]
 * Prints: time until the capture is indexed, until the HTTP tab shows its exchange count (from
 * the click), until End shows the last rows, until each HTTP-field filter answers; peak RSS of the
 * server process (engine worker included), that RSS every 5 s from the start (`rssOverTime`,
 * [seconds, MiB, 1-minute load average]) and RSS of the browser's process tree.
 */
import { readFileSync, readdirSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ARTIFACTS, CHROMIUM, FLAGS, shot, startServer, stopServer } from './helpers.ts';

function status(pid: number, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** RSS (MiB) of every process whose command line names `marker`, and their descendants. */
function treeRss(marker: string): number {
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const parent = new Map<number, number>();
  const roots = new Set<number>();
  for (const p of procs) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      parent.set(p, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker)) roots.add(p);
    } catch {
      // gone
    }
  }
  let total = 0;
  for (const p of procs) {
    let q: number | undefined = p;
    while (q && !roots.has(q)) q = parent.get(q);
    if (q) {
      try {
        total += status(p, 'VmRSS');
      } catch {
        // gone
      }
    }
  }
  return total;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  const filters = process.argv.length > 3 ? process.argv.slice(3) : ['http.request.uri contains "7"'];
  mkdirSync(ARTIFACTS, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'tracelens-measure-'));
  const t0 = Date.now();
  const server = await startServer(file);
  const pid = server.proc.pid as number;
  const rssOverTime: [number, number, number][] = [];
  const sample = (): void => {
    try {
      rssOverTime.push([Math.round((Date.now() - t0) / 1000), Math.round(status(pid, 'VmRSS')), Number(loadavg()[0].toFixed(1))]);
    } catch {
      // the server is gone
    }
  };
  const sampler = setInterval(sample, 5000);
  const context = await chromium.launchPersistentContext(join(tmp, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1500, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('.status-bar, [data-testid="status"]').first().waitFor({ timeout: 600_000 }).catch(() => {});
    await page.locator('text=/Loaded in/').waitFor({ timeout: 1_200_000 });
    const indexed = Date.now() - t0;
    const t1 = Date.now();
    await page.locator('[data-testid="tab-http"]').click();
    const count = page.locator('[data-testid="http-count"]');
    await page.waitForFunction(() => /^[\d,]+ exchanges?$/.test(document.querySelector('[data-testid="http-count"]')?.textContent ?? ''), null, { timeout: 1_800_000, polling: 200 });
    const listed = Date.now() - t1;
    const countText = await count.textContent();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const heap = async (): Promise<number> => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20;
    const rssList = { server: status(pid, 'VmRSS'), browserTree: treeRss(join(tmp, 'profile')), pageJsHeap: await heap() };
    const t2 = Date.now();
    const grid = page.getByRole('grid', { name: 'HTTP exchanges' });
    await grid.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="http-row"]').length > 10, null, { timeout: 120_000, polling: 50 });
    const end = Date.now() - t2;
    await shot(page, '63-measure-http-end');
    const filtered: { filter: string; count: string | null; ms: number }[] = [];
    for (const filter of filters) {
      const t3 = Date.now();
      // The count reads "N of M exchanges" once this filter's answer is in (a new filter first shows "Searching…").
      await page.getByLabel('HTTP filter').fill(filter);
      await page.getByLabel('HTTP filter').press('Enter');
      await page.waitForFunction(() => / of /.test(document.querySelector('[data-testid="http-count"]')?.textContent ?? ''), null, { timeout: 1_800_000, polling: 50 });
      filtered.push({ filter, count: await count.textContent(), ms: Date.now() - t3 });
      await shot(page, `64-measure-http-filter-${filtered.length}`);
      // Back to the whole list, so the next filter's answer is told apart from this one's.
      await page.getByLabel('HTTP filter').fill('');
      await page.getByLabel('HTTP filter').press('Enter');
      await page.waitForFunction(() => /^[\d,]+ exchanges?$/.test(document.querySelector('[data-testid="http-count"]')?.textContent ?? ''), null, { timeout: 600_000, polling: 50 });
    }
    console.log(JSON.stringify({
      file, countText, indexedMs: indexed, httpListedMs: listed, endMs: end, filtered,
      rssAtListMiB: rssList, serverPeakMiB: status(pid, 'VmHWM'), browserNowMiB: treeRss(join(tmp, 'profile')), pageJsHeapNowMiB: await heap(),
      rssOverTime: JSON.stringify(rssOverTime),
    }, null, 1));
  } finally {
    clearInterval(sampler);
    await context.close();
    stopServer(server);
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
