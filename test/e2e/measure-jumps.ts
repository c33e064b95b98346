/**
 * Measure every way of jumping in the event table on a big capture (issue 18 item 7), browser
 * mode in Chromium:
 *   node --import tsx test/e2e/measure-jumps.ts [EVENTS=10000000 | FILE]
 * Prints, in ms: open → first rows; scrollbar jumps (drag/click set scrollTop) to 25/50/75/100 %
 * until the rows there are on screen (not placeholders); Home, PageDown, End, PageUp by key; Go
 * to the middle event; and the frame times while scrolling through the whole range (p50/p95).
 * The open → first rows line is followed by where the time went (page load, the open's steps).
 * Chromium runs headless without a GPU (software compositing) as the e2e tests do; MEASURE_FLAGS
 * (space-separated) adds flags, e.g. MEASURE_FLAGS=--enable-gpu-rasterization.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { writeBigPcap } from './big-pcap.ts';
import { CHROMIUM, FLAGS, startServer, stopServer } from './helpers.ts';

const arg = process.argv[2] ?? '10000000';
const tmp = mkdtempSync(join(tmpdir(), 'tl-jumps-'));
let file = arg;
if (!existsSync(arg)) {
  file = join(tmp, 'big.pcap');
  const t0 = performance.now();
  writeBigPcap(file, Number(arg));
  console.log(`generated ${Number(arg).toLocaleString('en-US')} packets in ${(performance.now() - t0).toFixed(0)} ms`);
}

/**
 * Time (in the page) from `act` until every row on screen is drawn (none a placeholder) and the
 * `ready` selector (if any) matches. A selector, not code: the window's CSP allows no eval.
 */
async function timed(page: Page, act: () => Promise<void>, ready: string | null, near?: number): Promise<number> {
  await page.evaluate(() => ((window as unknown as { __t0: number }).__t0 = performance.now()));
  await act();
  return page.waitForFunction(
    ([cond, at]) => {
      const rows = [...document.querySelectorAll('.table-scroller .row')];
      if (rows.length === 0 || rows.some((r) => r.classList.contains('loading'))) return false;
      if (cond !== null && !document.querySelector(cond as string)) return false;
      // After a scrollbar jump the rows on screen must be those of the new position, not the old ones still drawn.
      if (at !== null && !rows.some((r) => Math.abs(Number(r.getAttribute('data-row')) - (at as number)) < 100)) return false;
      return performance.now() - (window as unknown as { __t0: number }).__t0;
    },
    [ready, near ?? null] as const,
    { polling: 'raf', timeout: 120_000 },
  ).then((h) => h.jsonValue() as Promise<number>);
}

const server = await startServer(file, Number(process.env.MEASURE_PORT ?? 0));
const extra = (process.env.MEASURE_FLAGS ?? '').split(' ').filter(Boolean);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, '--enable-precise-memory-info', ...extra] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await new Promise((r) => setTimeout(r, Number(process.env.MEASURE_WAIT_MS ?? 0)));
  const t0 = performance.now();
  await page.goto(server.url);
  await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 120_000 });
  console.log(`open → first rows: ${(performance.now() - t0).toFixed(0)} ms (window's own: ${await page.evaluate(() => (window as unknown as { __tracelens: { firstRowsMs(): number | null } }).__tracelens.firstRowsMs()?.toFixed(0))} ms)`);
  // Where it went: the page's load (navigation timing) and the window's marks of the open (session.ts).
  const load = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const steps = (window as unknown as { __tracelens: { openSteps?(): [string, number][] } }).__tracelens.openSteps?.() ?? [];
    const open = performance.getEntriesByName('tl:open')[0]?.startTime ?? 0;
    return { html: nav?.responseEnd ?? 0, dom: nav?.domContentLoadedEventEnd ?? 0, open, steps };
  });
  console.log(`  page: html ${load.html.toFixed(0)} ms, scripts run ${load.dom.toFixed(0)} ms, open starts ${load.open.toFixed(0)} ms after navigation`);
  console.log(`  open steps (ms after open): ${load.steps.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (process.env.MEASURE_OPEN_ONLY !== '1') {
    // The status bar says "Loaded in … s" once the whole file is indexed.
    await page.waitForFunction(() => /Loaded in/.test(document.querySelector('.status-bar')?.textContent ?? ''), undefined, { timeout: 600_000, polling: 500 });
    const total = await page.evaluate(() => document.querySelector('[data-testid="status-events"]')?.textContent ?? '');
    console.log(`indexed: ${total} after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const results: [string, number][] = [];
    const n = Number((/\/ ([\d,]+)/.exec(total)?.[1] ?? '0').replace(/,/g, ''));
    for (const at of [0.5, 0.25, 0.75, 1, 0.1]) {
      const ms = await timed(page, () => page.evaluate((f) => {
        const el = document.querySelector('.table-scroller') as HTMLElement;
        el.scrollTop = (el.scrollHeight - el.clientHeight) * f;
      }, at), null, Math.min(n - 1, Math.round(at * n)));
      results.push([`scrollbar to ${at * 100} %`, ms]);
    }
    await page.locator('.table-scroller').focus();
    results.push(['Home (key)', await timed(page, () => page.keyboard.press('Home'), '.row.selected[data-row="0"]')]);
    results.push(['PageDown (key)', await timed(page, () => page.keyboard.press('PageDown'), '.row.selected:not([data-row="0"])')]);
    const last = Number((/\/ ([\d,]+)/.exec(total)?.[1] ?? '0').replace(/,/g, ''));
    results.push(['End (key)', await timed(page, () => page.keyboard.press('End'), `.row.selected[data-row="${last - 1}"]`)]);
    results.push(['PageUp (key)', await timed(page, () => page.keyboard.press('PageUp'), `.row.selected:not([data-row="${last - 1}"])`)]);
    const mid = Math.floor(last / 2);
    results.push([`Go to ${mid.toLocaleString('en-US')}`, await timed(page, async () => {
      await page.locator('input[aria-label="Go to event"]').fill(String(mid));
      await page.locator('input[aria-label="Go to event"]').press('Enter');
    }, `.row.selected[data-row="${mid - 1}"]`)]);
    for (const [what, ms] of results) console.log(`${what.padEnd(24)} ${ms.toFixed(0).padStart(6)} ms`);
    // Scrolling through the whole range, one step per frame as a dragged thumb does. Two measures:
    // the time between animation frames (what the eye sees: 16.7 ms at 60 Hz when no frame is
    // dropped) and the main thread's work per frame (rAF → the first task after that frame's
    // style, layout and paint), plus the long-animation-frame entries Chromium reports (≥ 50 ms).
    const frames = await page.evaluate(async () => {
      const el = document.querySelector('.table-scroller') as HTMLElement;
      const range = el.scrollHeight - el.clientHeight;
      const steps = 240;
      const gaps: number[] = [];
      const work: number[] = [];
      const loaf: number[] = [];
      const po = new PerformanceObserver((l) => { for (const e of l.getEntries()) loaf.push(e.duration); });
      try { po.observe({ type: 'long-animation-frame', buffered: false }); } catch { /* not in this browser */ }
      // No named functions in here: tsx would wrap them in a helper the page does not have.
      const ch = new MessageChannel();
      let onTask: ((t: number) => void) | null = null;
      ch.port1.addEventListener('message', () => onTask?.(performance.now()));
      ch.port1.start();
      let prev = await new Promise<number>((r) => requestAnimationFrame(r));
      for (let i = 1; i <= steps; i++) {
        el.scrollTop = (range * i) / steps;
        const start = await new Promise<number>((r) => requestAnimationFrame(r));
        const done = await new Promise<number>((r) => { onTask = r; ch.port2.postMessage(null); });
        gaps.push(start - prev);
        work.push(done - start);
        prev = start;
      }
      po.disconnect();
      return { gaps: gaps.sort((a, b) => a - b), work: work.sort((a, b) => a - b), loaf };
    });
    const pct = (a: number[], p: number): string => a[Math.min(a.length - 1, Math.floor(a.length * p))].toFixed(1);
    console.log(`scroll frames (rAF gaps): p50 ${pct(frames.gaps, 0.5)} ms, p95 ${pct(frames.gaps, 0.95)} ms, max ${pct(frames.gaps, 1)} ms`);
    console.log(`frame work (main thread): p50 ${pct(frames.work, 0.5)} ms, p95 ${pct(frames.work, 0.95)} ms, max ${pct(frames.work, 1)} ms; long animation frames: ${frames.loaf.length}`);
    const cpu = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
    if (cpu) console.log(`JS heap: ${(cpu / 2 ** 20).toFixed(0)} MB`);
  }
} finally {
  await browser.close();
  stopServer(server);
  rmSync(tmp, { recursive: true, force: true });
}
