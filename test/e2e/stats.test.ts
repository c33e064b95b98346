/**
 * The Statistics tab end to end in Chromium (browser mode, real engine) on
 * tls-fragmented-handshakes.pcap.gz (100 TCP connections in 0.16 s): the Conversations table
 * with tshark's rows (tshark -n -q -z conv,tcp: 100 conversations, read from
 * test/golden/stats), sorting, "Filter" applying the conversation's filter, and the I/O graph
 * with two series (all events; the first 50 streams') whose click selects an event; and the
 * syscall overview of the seed scap against sysdig's text; I/O Statistics (io,stat with two
 * column filters) and HTTP status codes and methods (http,stat) equal to tshark's (goldens).
 * Screenshots: test-artifacts/70-stats-*.png.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, describe } from 'vitest';
import { goldenTables } from '../golden/stats-golden.ts';
import { browserSuite, CORPUS, RUN_E2E, shot } from './helpers.ts';

const FILE = 'pcap/wireshark/tls-fragmented-handshakes.pcap.gz';
/** The seed case's scap: curl in Docker (corpus MANIFEST), with sysdig's text as its oracle. */
const SEED_SCAP = 'scap/xxradar-stratoshark/docker-curl-https.scap';

/** tshark's conv,tcp rows of the capture as [A, B, total frames]. */
function tsharkRows(): [string, string, number][] {
  const text = goldenTables(`${FILE.replaceAll('/', '__')}.txt`).get('conv,tcp') ?? '';
  return text.split('\n').filter((l) => l.includes('<->')).map((l) => {
    const m = /^(\S+)\s+<-> (\S+)\s+\d+ \S+ \S+\s+\d+ \S+ \S+\s+(\d+)/.exec(l);
    if (!m) throw new Error(`unparsed ${l}`);
    return [m[1], m[2], Number(m[3])];
  });
}

describe.skipIf(!RUN_E2E)('statistics end to end (Chromium)', () => {
  const browser = browserSuite('stats');

  it('conversation table, filter on a conversation, I/O graph with two series', async () => {
    const want = tsharkRows();
    expect(want).toHaveLength(100);
    const page = await browser.serve(join(CORPUS, FILE));
    await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 60_000 });

    await page.locator('[data-testid="tab-stats"]').click();
    const table = page.locator('[data-testid="conv-table"]');
    await table.waitFor({ timeout: 60_000 });
    const rows = table.locator('[data-testid="conv-table-row"]');
    expect(await rows.count()).toBe(100);
    // In tshark's order (frames descending), with tshark's addresses and counts.
    const cells = async (i: number): Promise<string[]> => rows.nth(i).locator('td').allTextContents();
    for (const i of [0, 1, 99]) {
      const c = await cells(i);
      expect([c[0], c[1], Number(c[2])]).toEqual(want[i]);
    }
    // Sorting by Frames ascending puts tshark's last row first.
    await table.locator('th', { hasText: 'Frames' }).first().locator('button').click();
    await table.locator('th', { hasText: 'Frames' }).first().locator('button').click();
    const asc = await cells(0);
    expect(Number(asc[2])).toBe(Math.min(...want.map((w) => w[2])));
    await table.locator('th', { hasText: 'Frames' }).first().locator('button').click();
    expect(Number((await cells(0))[2])).toBe(want[0][2]);
    await shot(page, '70-stats-conversations');

    // Filter on this conversation: the event table shows its frames only.
    await rows.nth(0).locator('button', { hasText: 'Filter' }).click();
    await expect.poll(async () => (await page.locator('.filter-bar .cm-content').textContent()) ?? '', { timeout: 30_000 }).toMatch(/^tcp\.stream == \d+$/);
    await expect.poll(async () => (await page.locator('.status-bar').textContent()) ?? '', { timeout: 60_000 }).toContain(`Displayed: ${want[0][2]} of`);

    // I/O graph: all events and a second filter's series; a click on the plot selects an event.
    await page.locator('[data-testid="tab-stats"]').click();
    await page.locator('[data-testid="stats-tab-io"]').click();
    const graph = page.locator('[data-testid="io-graph"]');
    await graph.locator('.uplot canvas').waitFor({ timeout: 60_000 });
    await graph.locator('button', { hasText: '+ series' }).click();
    await graph.locator('[data-testid="io-filter-1"]').fill('tcp.stream < 50');
    await graph.locator('[data-testid="io-apply"]').click();
    await expect.poll(() => graph.locator('.u-legend .u-series').count(), { timeout: 60_000 }).toBe(3);
    expect(await graph.locator('.u-legend').textContent()).toContain('tcp.stream < 50');
    await shot(page, '71-stats-io-graph');
    const over = graph.locator('.u-over');
    const box = await over.boundingBox();
    if (!box) throw new Error('no plot');
    await page.mouse.move(box.x + 5, box.y + box.height / 2);
    await page.mouse.click(box.x + 5, box.y + box.height / 2);
    await expect.poll(() => page.locator('[role="tab"][aria-selected="true"]').first().textContent(), { timeout: 30_000 }).toBe('Events');
    await page.locator('.row.selected').first().waitFor({ timeout: 30_000 });
    await page.close();
  }, 240_000);

  it('syscall overview of the seed scap, a row filtering its events', async () => {
    const page = await browser.serve(join(CORPUS, SEED_SCAP));
    await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="tab-stats"]').click();
    const latency = page.locator('[data-testid="sys-latency"]');
    await latency.waitFor({ timeout: 60_000 });
    // sysdig -r (docker-curl-https.txt): 206 clock_gettime exits, 131 read exits; connect fails ENOENT ×4.
    const line = async (name: string): Promise<string[]> => latency.locator('tr', { has: page.locator('td', { hasText: new RegExp(`^${name}$`) }) }).locator('td').allTextContents();
    expect((await line('clock_gettime')).slice(0, 2)).toEqual(['clock_gettime', '206']);
    expect((await line('read')).slice(0, 2)).toEqual(['read', '131']);
    expect(await page.locator('[data-testid="sys-errors"]').textContent()).toContain('connect ENOENT4');
    expect(await page.locator('[data-testid="sys-procs"] tbody tr').first().textContent()).toMatch(/^curl \(\d+\)/);
    await shot(page, '72-stats-syscall-overview');
    await latency.locator('tr', { has: page.locator('td', { hasText: /^read$/ }) }).click();
    await expect.poll(async () => (await page.locator('.filter-bar .cm-content').textContent()) ?? '', { timeout: 30_000 }).toBe('evt.type == read');
    await expect.poll(async () => (await page.locator('.status-bar').textContent()) ?? '', { timeout: 60_000 }).toMatch(/Displayed: \d+ of/);
    await page.close();
  }, 240_000);

  it('I/O Statistics with two column filters and HTTP status codes, as tshark prints them', async () => {
    const z = 'io,stat,0.25,frame.len>100,dns||http';
    const golden = JSON.parse(readFileSync(join(import.meta.dirname, '../golden/io-stat', `${FILE.replaceAll('/', '__')}.json`), 'utf8')) as { tables: { z: string; text: string }[] };
    const page = await browser.serve(join(CORPUS, FILE));
    await page.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="tab-stats"]').click();
    await page.locator('[data-testid="stats-tab-iostat"]').click();
    await page.locator('[data-testid="iostat-table"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="iostat-interval"]').fill('0.25');
    await page.locator('[data-testid="iostat-filter-0"]').fill('frame.len>100');
    await page.locator('.io-graph-filters button', { hasText: '+ column' }).click();
    await page.locator('[data-testid="iostat-filter-1"]').fill('dns||http');
    await page.locator('[data-testid="iostat-apply"]').click();
    await expect.poll(async () => (await page.locator('.stats-note').textContent()) ?? '', { timeout: 60_000 }).toContain(z);
    const row = await page.locator('[data-testid="iostat-table-row"]').first().locator('td').allTextContents();
    // tshark: one interval 0.000 <> 0.16…, its frames and bytes per column, in the golden text.
    const want = golden.tables.find((t) => t.z === z)!.text;
    for (const v of row.slice(1)) expect(want).toContain(` ${v} |`);
    await shot(page, '73-stats-io-stat');
    await page.locator('[data-testid="stats-show-text"]').check();
    expect(await page.locator('[data-testid="stats-text"]').textContent()).toBe(want);
    await shot(page, '74-stats-io-stat-text');
    await page.close();

    const http = await browser.serve(join(CORPUS, 'pcap/generated/gen-http11-plain.pcap'));
    await http.locator('.row[data-row="0"]:not(.loading) [data-col="info"]').waitFor({ timeout: 60_000 });
    await http.locator('[data-testid="tab-stats"]').click();
    await http.locator('[data-testid="stats-tab-httpstat"]').click();
    const codes = http.locator('[data-testid="httpstat-codes"]');
    await codes.waitFor({ timeout: 60_000 });
    // tshark -z http,stat (test/golden/http-stat): 200 OK ×2, GET ×2.
    expect(await codes.locator('tbody tr').first().locator('td').allTextContents()).toEqual(['200', 'OK', '2']);
    expect(await http.locator('[data-testid="httpstat-methods"] tbody tr').first().locator('td').allTextContents()).toEqual(['GET', '2']);
    await shot(http, '75-stats-http-stat');
    await http.close();
  }, 240_000);
});
