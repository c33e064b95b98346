// @vitest-environment happy-dom
/**
 * The window's Live toggle over the real engine (served in-process): a pcap still being written
 * opens followed, the event count and the table keep up as records land (HTTP rows named HTTP
 * as soon as their packets are in), the table stays scrolled to the end unless the user scrolled
 * away, and Live off stops following with what was read kept (then the HTTP scan runs).
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../renderer/app/App.tsx';
import { createSession, type Session } from '../../renderer/app/session.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';
import { CORPUS } from '../engine/corpus.ts';
import { pcapRecords } from '../cli/growing-capture.ts';
import { inProcessHost } from './in-process-host.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

beforeAll(() => {
  // happy-dom does no layout: a 424 px viewport (20 rows) for every element.
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 424 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 424 });
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => 800 });
});

const dir = mkdtempSync(join(tmpdir(), 'tl-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PCAP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const t = performance.now();
  while (!cond() && performance.now() - t < ms) await act(() => sleep(20));
  expect(cond()).toBe(true);
}

let session: Session | null = null;
let root: Root | null = null;
let growingFd: number | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  session?.close();
  session = null;
  if (growingFd !== null) closeSync(growingFd);
  growingFd = null;
});

/**
 * `name` written with its first `n` records of PCAP and opened followed in a rendered window,
 * once the window shows those n events. The file stays open for writing (`fd`) until
 * closeGrowing or the end of the test.
 */
async function followGrowing(name: string, n: number): Promise<{ fd: number; records: Uint8Array[]; s: Session }> {
  const { header, records } = pcapRecords(PCAP);
  const file = join(dir, name);
  const out = openSync(file, 'w');
  growingFd = out;
  writeSync(out, header);
  for (const r of records.slice(0, n)) writeSync(out, r);
  useApp.setState({ ...initialState });
  const s = createSession(inProcessHost());
  session = s;
  const el = document.createElement('div');
  document.body.appendChild(el);
  root = createRoot(el);
  act(() => root!.render(<App session={s} />));
  await act(() => s.open({ kind: 'path', path: file, follow: true }, true));
  await until(() => useApp.getState().phase === 'open' && (useApp.getState().info?.events ?? 0) === n);
  return { fd: out, records, s };
}

/** Close the followed file (the test's last write). */
function closeGrowing(): void {
  if (growingFd !== null) closeSync(growingFd);
  growingFd = null;
}

describe('Live', () => {
  it('follows a pcap being written: the table keeps up and scrolls with it, Live off keeps what was read', async () => {
    const { fd, records, s } = await followGrowing('live.pcap', 3);
    expect(useApp.getState().live).toBe(true);
    const toggle = document.querySelector('[data-testid="live-toggle"]') as HTMLButtonElement;
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(document.querySelector('[data-testid="status-following"]')).not.toBeNull();
    // More arrives while the window shows it: the table follows the end.
    const scroller = document.querySelector('.table-scroller') as HTMLDivElement;
    const half = 25;
    for (const r of records.slice(3, half)) {
      writeSync(fd, r);
      await act(() => sleep(15));
    }
    await until(() => useApp.getState().info?.events === half && scroller.getAttribute('aria-rowcount') === String(half));
    await until(() => scroller.scrollTop > 0);
    // The user scrolls back to the top: new rows no longer move the view.
    act(() => {
      scroller.scrollTop = 0;
      scroller.dispatchEvent(new Event('scroll'));
    });
    for (const r of records.slice(half)) {
      writeSync(fd, r);
      await act(() => sleep(15));
    }
    await until(() => useApp.getState().info?.events === records.length && scroller.getAttribute('aria-rowcount') === String(records.length));
    await act(() => sleep(100));
    expect(scroller.scrollTop).toBe(0);
    expect(useApp.getState().info?.done).toBe(false);
    // Frame 4 is curl's GET: named HTTP while the file is still open for writing.
    const page = await s.client()!.call('rows', { start: 0, count: records.length });
    expect(page.strings[page.cells.protocol[3]]).toBe('HTTP');
    expect(page.strings[page.cells.info[3]]).toMatch(/^GET \/index\.html HTTP\/1\.1/);
    // Live off: following stops, the capture is finished with every event read.
    await act(async () => {
      toggle.click();
      await sleep(0);
    });
    await until(() => useApp.getState().info?.done === true);
    closeGrowing();
    expect(useApp.getState().live).toBe(false);
    expect(useApp.getState().info?.events).toBe(records.length);
    expect(document.querySelector('[data-testid="live-toggle"]')?.getAttribute('aria-pressed')).toBe('false');
  }, 60_000);

  it('the HTTP tab fills while the capture is followed: each exchange as it completes', async () => {
    // Frames 1-10: the /index.html exchange (request in frame 4, response in frame 8), not /big.txt's.
    const { fd, records } = await followGrowing('live-http.pcap', 10);
    act(() => (document.querySelector('[data-testid="tab-http"]') as HTMLButtonElement).click());
    const count = (): string => document.querySelector('[data-testid="http-count"]')?.textContent ?? '';
    const grid = (): string => document.querySelector('[role="grid"][aria-label="HTTP exchanges"]')?.textContent ?? '';
    await until(() => count() === '1 exchange');
    expect(grid()).toContain('/index.html');
    expect(grid()).not.toContain('/big.txt');
    // The rest lands: the tab's next refresh lists /big.txt, the file still open.
    for (const r of records.slice(10)) writeSync(fd, r);
    await until(() => count() === '2 exchanges' && grid().includes('/big.txt'));
    expect(useApp.getState().live).toBe(true);
    expect(useApp.getState().info?.done).toBe(false);
    closeGrowing();
  }, 60_000);

  it('an uploaded capture cannot be followed: says so', async () => {
    useApp.setState({ ...initialState });
    session = createSession(inProcessHost());
    await session.open({ kind: 'file', file: new File([readFileSync(PCAP)], 'up.pcap') }, true);
    await until(() => useApp.getState().info?.done === true);
    expect(await session.setLive(true)).toMatch(/cannot grow/);
    expect(useApp.getState().live).toBe(false);
  }, 60_000);
});
