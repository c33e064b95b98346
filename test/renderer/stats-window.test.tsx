// @vitest-environment happy-dom
/**
 * Statistics in the window over the real engine (in process): Statistics ▸ I/O Statistics and
 * HTTP ▸ Status Codes and Methods open their tabs, whose tables are tshark's (the text view equals
 * the tshark 4.0.17 goldens of test/golden/io-stat and http-stat); a long statistic shows its
 * progress and stops on Cancel, and can be computed again.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App, runCommand } from '../../renderer/app/App.tsx';
import { createSession, type Session } from '../../renderer/app/session.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';
import { useStatsView } from '../../renderer/stats/stats-store.ts';
import { STATS_CANCELLED } from '../../shared/rpc.ts';
import { CORPUS } from '../engine/corpus.ts';
import { writeBigPcap } from '../e2e/big-pcap.ts';
import { inProcessHost } from './in-process-host.ts';

const HTTP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
const GOLDEN = join(import.meta.dirname, '../golden');
const ioStatGolden = (z: string): string => {
  const g = JSON.parse(readFileSync(join(GOLDEN, 'io-stat/pcap__generated__gen-http11-plain.pcap.json'), 'utf8')) as { tables: { z: string; text: string }[] };
  return g.tables.find((t) => t.z === z)!.text;
};

let root: Root | null = null;
let container: HTMLElement;
let session: Session | null = null;
let dir: string;
let big: string;

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 424 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  dir = mkdtempSync(join(tmpdir(), 'tracelens-stats-'));
  big = join(dir, 'big.pcap');
  // Enough frames that a filter over a dissected field runs for many slices.
  writeBigPcap(big, 300_000);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(() => {
  act(() => root?.unmount());
  root = null;
  session?.close();
  session = null;
  container?.remove();
  useStatsView.setState({ view: null });
});

const settle = async (until: () => boolean, rounds = 1500): Promise<void> => {
  for (let i = 0; i < rounds && !until(); i++) {
    await act(async () => { await new Promise((r) => setTimeout(r, 10)); });
  }
};

async function open(path: string): Promise<void> {
  useApp.setState({ ...initialState });
  container = document.createElement('div');
  document.body.appendChild(container);
  session = createSession(inProcessHost());
  root = createRoot(container);
  await act(async () => root!.render(<App session={session!} />));
  await act(async () => session!.open({ kind: 'path', path }, true));
  await settle(() => useApp.getState().info?.done === true);
}

const q = (sel: string): HTMLElement | null => container.querySelector(sel);

async function type(sel: string, v: string): Promise<void> {
  const input = q(sel) as HTMLInputElement;
  await act(async () => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

const menu = (view: string): void => act(() => runCommand(session!, 'statistics', view, () => {}));

describe('Statistics in the window', () => {
  it('Statistics ▸ I/O Statistics: io,stat with two column filters, as tshark prints it', async () => {
    await open(HTTP);
    menu('iostat');
    expect(useApp.getState().mainTab).toBe('stats');
    await settle(() => q('[data-testid="iostat-table"]') !== null);
    expect(q('[data-testid="stats-tab-iostat"]')?.getAttribute('aria-selected')).toBe('true');
    // The default: one-second intervals over every event (33 frames of 222788 bytes, as tshark's io,stat,0).
    const first = [...container.querySelectorAll('[data-testid="iostat-table-row"] td')].map((c) => c.textContent);
    expect(first).toEqual(['0.0 <> 0.0', '33', '222788']);
    await type('[data-testid="iostat-filter-0"]', 'tcp');
    await act(async () => (container.querySelector('.io-graph-filters button[type="button"]') as HTMLElement).click());
    await type('[data-testid="iostat-filter-1"]', 'udp');
    await act(async () => q('[data-testid="iostat-apply"]')!.click());
    await settle(() => q('.stats-note')?.textContent?.includes('io,stat,1,tcp,udp') === true);
    const heads = [...container.querySelectorAll('[data-testid="iostat-table"] thead tr:first-child th')].map((h) => h.textContent);
    expect(heads).toEqual(['Interval (s)', '1: tcp', '2: udp']);
    await act(async () => q('[data-testid="stats-show-text"]')!.click());
    expect(q('[data-testid="stats-text"]')?.textContent).toBe(ioStatGolden('io,stat,1,tcp,udp'));
  });

  it('Statistics ▸ HTTP ▸ Status Codes and Methods: http,stat equals tshark -z http,stat', async () => {
    await open(HTTP);
    menu('httpstat');
    await settle(() => q('[data-testid="httpstat-codes"]') !== null);
    const golden = readFileSync(join(GOLDEN, 'http-stat/pcap__generated__gen-http11-plain.pcap.txt'), 'utf8');
    const codes = [...container.querySelectorAll('[data-testid="httpstat-codes"] tbody tr')].map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent));
    const methods = [...container.querySelectorAll('[data-testid="httpstat-methods"] tbody tr')].map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent));
    // Each table row is a line of tshark's table.
    for (const [code, name, packets] of codes) expect(golden).toContain(`  ${code} ${name!.padEnd(35)} ${packets!.padStart(9)}\n`);
    for (const [method, packets] of methods) expect(golden).toContain(`  ${method!.padEnd(39)} ${packets!.padStart(9)} \n`);
    expect(codes.length + methods.length).toBe(golden.split('\n').filter((l) => l.startsWith('  ')).length);
    expect(codes.length).toBeGreaterThan(0);
  });

  it('Statistics ▸ DNS: dns,tree with its Average / Min / Max columns, the numbers of tshark -z dns,tree', async () => {
    await open(join(CORPUS, 'pcap/wireshark/dns_port.pcap'));
    menu('dns');
    await settle(() => q('[data-testid="http-tree"] tbody tr') !== null);
    expect(q('[data-testid="stats-tab-dns"]')?.getAttribute('aria-selected')).toBe('true');
    const heads = [...container.querySelectorAll('[data-testid="http-tree"] thead th')].map((h) => h.textContent);
    expect(heads.slice(0, 5)).toEqual(['DNS', 'Count', 'Average', 'Min', 'Max']);
    const rows = [...container.querySelectorAll('[data-testid="http-tree"] tbody tr')].map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent ?? ''));
    // tshark's lines, their columns split on runs of 2+ spaces (names have single spaces).
    const golden = readFileSync(join(GOLDEN, 'stats-tree/dns-tree/pcap__wireshark__dns_port.pcap.txt'), 'utf8').split('\n').slice(5).filter((l) => /^ *[^ \-=]/.test(l) && l.trim() !== '');
    expect(rows.map((r) => r.filter((c) => c !== '').join('|'))).toEqual(golden.map((l) => l.trim().split(/ {2,}/).join('|')));
  });

  it('a long io,stat shows its progress; Cancel stops it in the engine and Compute again restarts it', async () => {
    await open(big);
    expect(useApp.getState().info?.events).toBe(300_000);
    menu('iostat');
    await settle(() => q('[data-testid="iostat-table"]') !== null);
    // udp.length is not an index column: every frame is dissected, in slices.
    await type('[data-testid="iostat-filter-0"]', 'udp.length > 10');
    // The filter runs in slices of well under a second: the progress is watched as it renders
    // (a poll between test steps misses it on a loaded machine) and Cancel pressed at once.
    const shown: string[] = [];
    let cancelled = false;
    const watch = new MutationObserver(() => {
      const text = q('[data-testid="stats-progress"]')?.textContent ?? '';
      if (text) shown.push(text);
      if (!cancelled && /Filtering udp\.length > 10: [\d,]+ of 300,000 events/.test(text)) {
        cancelled = true;
        (q('[data-testid="stats-cancel"]') as HTMLButtonElement).click();
      }
    });
    watch.observe(document.body, { subtree: true, childList: true, characterData: true });
    await act(async () => q('[data-testid="iostat-apply"]')!.click());
    await settle(() => cancelled && q('[data-testid="stats-cancelled"]') !== null);
    watch.disconnect();
    expect(shown.some((t) => /Filtering udp\.length > 10: [\d,]+ of 300,000 events/.test(t))).toBe(true);
    expect(q('[data-testid="stats-cancelled"]')?.textContent).toMatch(/Cancelled/);
    expect(q('[data-testid="iostat-table"]')).toBeNull();
    await act(async () => q('[data-testid="stats-retry"]')!.click());
    await settle(() => q('[data-testid="stats-progress"]') !== null);
    expect(q('[data-testid="stats-cancelled"]')).toBeNull();
    // The engine's answer to a cancelled call, without the window.
    const c = session!.client()!;
    const running = c.call('stats', { name: 'io,stat,1,udp.length > 20' });
    const seen = new Promise<void>((resolve) => {
      const off = c.onEvent((e) => {
        if (e.type === 'statsProgress' && e.name === 'io,stat,1,udp.length > 20' && e.stage === 'filter' && e.done > 0) {
          off();
          resolve();
        }
      });
    });
    await seen;
    await c.call('cancelStats', null);
    await expect(running).rejects.toThrow(STATS_CANCELLED);
  }, 120_000);
});
