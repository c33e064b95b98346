/**
 * Measure every way of jumping in the event table on a big capture (issue 18 item 7), browser
 * mode in Chromium:
 *   node --import tsx test/e2e/measure-jumps.ts [EVENTS=10000000 | FILE]
 * Prints, in ms: open → first rows with the engine still starting (the page opened as the server
 * starts) and with it loaded (a second page, on the server's warmed spare engine), MEASURE_RUNS
 * times each with a fresh server (default 3; median and spread); then, once the capture is indexed:
 * scrollbar jumps set by script (scrollTop to 10–100 %), by the mouse (the thumb dragged, the track
 * clicked), Home, PageDown, End, PageUp by key, Go to the middle event, each until the rows there
 * are on screen (not placeholders); and the frame times while scrolling through the whole range
 * (p50/p95). Each open line is followed by where the time went (page load, the open's steps).
 * Chromium runs headless without a GPU (software compositing) as the e2e tests do; MEASURE_FLAGS
 * (space-separated) adds flags, e.g. MEASURE_FLAGS=--enable-gpu-rasterization.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
async function timed(page: Page, act: () => Promise<void>, ready: string | null, near?: number, moved = false): Promise<number> {
  // The first row drawn before the act: a mouse jump (whose target row the page decides) is done
  // when the rows on screen are other ones, all drawn, and the scroll position has settled.
  await page.evaluate(() => {
    const w = window as unknown as { __t0: number; __top: string | null; __st: number; __still: number };
    w.__top = document.querySelector('.table-scroller .row:not(.row-spare)')?.getAttribute('data-row') ?? null;
    w.__st = -1;
    w.__still = 0;
    w.__t0 = performance.now();
  });
  await act();
  return page.waitForFunction(
    ([cond, at, mouse]) => {
      const w = window as unknown as { __t0: number; __top: string | null; __st: number; __still: number };
      const rows = [...document.querySelectorAll('.table-scroller .row:not(.row-spare)')];
      if (rows.length === 0 || rows.some((r) => r.classList.contains('loading'))) return false;
      if (cond !== null && !document.querySelector(cond as string)) return false;
      // After a scrollbar jump the rows on screen must be those of the new position, not the old ones still drawn.
      if (at !== null && !rows.some((r) => Math.abs(Number(r.getAttribute('data-row')) - (at as number)) < 100)) return false;
      if (mouse) {
        if (rows[0].getAttribute('data-row') === w.__top) return false;
        // A track click may scroll smoothly: done once scrollTop has not moved for a frame.
        const st = (document.querySelector('.table-scroller') as HTMLElement).scrollTop;
        if (st !== w.__st) {
          w.__st = st;
          w.__still = performance.now();
          return false;
        }
        return w.__still - w.__t0;
      }
      return performance.now() - w.__t0;
    },
    [ready, near ?? null, moved] as const,
    { polling: 'raf', timeout: 120_000 },
  ).then((h) => h.jsonValue() as Promise<number>);
}

/** The table's vertical scrollbar: its x, the track's top and height, and the thumb's centre (CSS px of the page). */
async function scrollbar(page: Page): Promise<{ x: number; top: number; height: number; thumb: number } | null> {
  return page.evaluate(() => {
    const el = document.querySelector('.table-scroller') as HTMLElement;
    const r = el.getBoundingClientRect();
    const bar = el.offsetWidth - el.clientWidth;
    if (bar <= 0) return null; // overlay scrollbars: no track to click
    // Chromium's classic scrollbar: arrow buttons of the bar's width at both ends, a thumb no
    // shorter than the bar is wide.
    const track = el.clientHeight - 2 * bar;
    const thumbH = Math.max(bar, (track * el.clientHeight) / el.scrollHeight);
    const f = el.scrollTop / Math.max(1, el.scrollHeight - el.clientHeight);
    return { x: r.left + el.clientWidth + bar / 2, top: r.top + bar, height: track, thumb: r.top + bar + thumbH / 2 + f * (track - thumbH) };
  });
}

/** Open the page and time it to the first drawn row: from navigation, the window's own count, and the open's steps. */
async function openTimed(page: Page, url: string): Promise<{ nav: number; own: number; detail: string }> {
  const t0 = performance.now();
  await page.goto(url);
  await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 120_000 });
  const nav = performance.now() - t0;
  const own = Number(await page.evaluate(() => (window as unknown as { __tracelens: { firstRowsMs(): number | null } }).__tracelens.firstRowsMs() ?? -1));
  // Where it went: the page's load (navigation timing) and the window's marks of the open (session.ts).
  const load = await page.evaluate(() => {
    const navEntry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const steps = (window as unknown as { __tracelens: { openSteps?(): [string, number][] } }).__tracelens.openSteps?.() ?? [];
    const open = performance.getEntriesByName('tl:open')[0]?.startTime ?? 0;
    return { html: navEntry?.responseEnd ?? 0, dom: navEntry?.domContentLoadedEventEnd ?? 0, open, steps };
  });
  const detail = `page: html ${load.html.toFixed(0)} ms, scripts run ${load.dom.toFixed(0)} ms, open starts ${load.open.toFixed(0)} ms after navigation; ` +
    `open steps (ms after open): ${load.steps.map(([k, v]) => `${k} ${v}`).join(', ')}`;
  return { nav, own, detail };
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) / 2)];
const spread = (a: number[]): string => `median ${median(a).toFixed(0)} ms (${a.map((v) => v.toFixed(0)).join(', ')})`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const extra = (process.env.MEASURE_FLAGS ?? '').split(' ').filter(Boolean);
const runs = Math.max(1, Number(process.env.MEASURE_RUNS ?? 3));
/** After the first page closed: the server's next spare engine has loaded and warmed (web/server.ts SPARE_DELAY_MS is 2 s). */
const loadedWait = Number(process.env.MEASURE_WAIT_MS ?? 4000);
// Playwright hides scrollbars in headless Chromium; the mouse jumps need the classic ones.
const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, '--enable-precise-memory-info', ...extra], ignoreDefaultArgs: ['--hide-scrollbars'] });
let server: Awaited<ReturnType<typeof startServer>> | undefined;
try {
  console.log(`load average at start: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  const starting: number[][] = [[], []];
  const loaded: number[][] = [[], []];
  let page: Page | undefined;
  for (let run = 1; run <= runs; run++) {
    stopServer(server);
    server = await startServer(file, Number(process.env.MEASURE_PORT ?? 0));
    // Engine still starting: the page opens as soon as the server has printed its address.
    const cold = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const a = await openTimed(cold, server.url);
    starting[0].push(a.nav);
    starting[1].push(a.own);
    console.log(`run ${run}, engine starting: open → first rows ${a.nav.toFixed(0)} ms from navigation, ${a.own.toFixed(0)} ms the window's own\n  ${a.detail}`);
    // Its engine ends with its page; the server's spare engine loads and warms meanwhile.
    await cold.close();
    await sleep(loadedWait);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const b = await openTimed(page, server.url);
    loaded[0].push(b.nav);
    loaded[1].push(b.own);
    console.log(`run ${run}, engine loaded:   open → first rows ${b.nav.toFixed(0)} ms from navigation, ${b.own.toFixed(0)} ms the window's own\n  ${b.detail}`);
    if (run < runs) await page.close();
  }
  console.log(`first rows, engine starting: window's own ${spread(starting[1])}; from navigation ${spread(starting[0])}`);
  console.log(`first rows, engine loaded:   window's own ${spread(loaded[1])}; from navigation ${spread(loaded[0])}`);
  if (process.env.MEASURE_OPEN_ONLY !== '1' && page) {
    const t0 = performance.now();
    // The status bar says "Loaded in … s" once the whole file is indexed.
    await page.waitForFunction(() => /Loaded in/.test(document.querySelector('.status-bar')?.textContent ?? ''), undefined, { timeout: 600_000, polling: 500 });
    const total = await page.evaluate(() => document.querySelector('[data-testid="status-events"]')?.textContent ?? '');
    console.log(`indexed: ${total} after ${((performance.now() - t0) / 1000).toFixed(1)} s more`);
    // The background passes after indexing (TCP analysis, HTTP scan) compete with the jumps: let them end.
    await sleep(Number(process.env.MEASURE_SETTLE_MS ?? 5000));
    const results: [string, number][] = [];
    const n = Number((/\/ ([\d,]+)/.exec(total)?.[1] ?? '0').replace(/,/g, ''));
    for (const at of [0.5, 0.25, 0.75, 1, 0.1]) {
      const ms = await timed(page, () => page!.evaluate((f) => {
        const el = document.querySelector('.table-scroller') as HTMLElement;
        el.scrollTop = (el.scrollHeight - el.clientHeight) * f;
      }, at), null, Math.min(n - 1, Math.round(at * n)));
      results.push([`scrollTop to ${at * 100} %`, ms]);
    }
    // The mouse on the scrollbar: the thumb dragged to a place, the track clicked below and above it.
    const bar = await scrollbar(page);
    if (bar === null) console.log('(overlay scrollbars: no mouse jumps measured)');
    else {
      await page.mouse.move(bar.x, bar.thumb);
      await page.mouse.down();
      // Where each mouse jump landed (the first row on screen): shows the mouse really moved the table.
      const landed = (): Promise<string> => page!.evaluate(() => document.querySelector('.table-scroller .row:not(.row-spare)')?.getAttribute('data-row') ?? '?');
      for (const to of [0.6, 0.3, 0.9]) {
        const ms = await timed(page, () => page!.mouse.move(bar.x, bar.top + to * bar.height, { steps: 4 }), null, undefined, true);
        results.push([`thumb dragged to ${to * 100} % (row ${await landed()})`, ms]);
      }
      await page.mouse.up();
      await page.mouse.move(bar.x, bar.top + 0.95 * bar.height);
      for (const [where, y] of [['below', 0.97], ['above', 0.05]] as const) {
        const ms = await timed(page, () => page!.mouse.click(bar.x, bar.top + y * bar.height), null, undefined, true);
        results.push([`track clicked ${where} thumb (row ${await landed()})`, ms]);
      }
    }
    await page.locator('.table-scroller').focus();
    results.push(['Home (key)', await timed(page, () => page!.keyboard.press('Home'), '.row.selected[data-row="0"]')]);
    results.push(['PageDown (key)', await timed(page, () => page!.keyboard.press('PageDown'), '.row.selected:not([data-row="0"])')]);
    results.push(['End (key)', await timed(page, () => page!.keyboard.press('End'), `.row.selected[data-row="${n - 1}"]`)]);
    results.push(['PageUp (key)', await timed(page, () => page!.keyboard.press('PageUp'), `.row.selected:not([data-row="${n - 1}"])`)]);
    const mid = Math.floor(n / 2);
    results.push([`Go to ${mid.toLocaleString('en-US')}`, await timed(page, async () => {
      await page!.locator('input[aria-label="Go to event"]').fill(String(mid));
      await page!.locator('input[aria-label="Go to event"]').press('Enter');
    }, `.row.selected[data-row="${mid - 1}"]`)]);
    for (const [what, ms] of results) console.log(`${what.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms`);
    console.log(`jumps: slowest ${Math.max(...results.map((r) => r[1])).toFixed(0)} ms of ${results.length}; target ≤ 300 ms`);
    // Scrolling through the whole range, one step per frame as a dragged thumb does. Two measures:
    // the time between animation frames (what the eye sees: 16.7 ms at 60 Hz when no frame is
    // dropped) and the main thread's work per frame (rAF → the first task after that frame's
    // style, layout and paint), plus the long-animation-frame entries Chromium reports (≥ 50 ms).
    const frames = await page!.evaluate(async () => {
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
    const cpu = await page!.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
    if (cpu) console.log(`JS heap: ${(cpu / 2 ** 20).toFixed(0)} MB`);
  }
  console.log(`load average at end: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
} finally {
  await browser.close();
  stopServer(server);
  rmSync(tmp, { recursive: true, force: true });
}
