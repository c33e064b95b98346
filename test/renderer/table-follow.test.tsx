// @vitest-environment happy-dom
/**
 * Live: the event table keeps following its end while the capture grows. Only the user's
 * scrolling may stop it: not the scroll events of the table's own scrolling (following, a new
 * view), nor a page arriving while the table has just been made smaller (the repaint measured
 * the new height against the scroll range laid out for the old one and took the view as
 * scrolled away). Chromium sends a scroll event after each scrollTop the table writes; happy-dom
 * sends none, so the tests send it where the browser would.
 */
import { act, StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureInfo, MethodName, Port, RequestMessage, RowsPage } from '../../shared/rpc.ts';
import type { AppHost } from '../../renderer/host/app-host.ts';
import { createSession, type Session } from '../../renderer/app/session.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';
import { EventTable, ROW_HEIGHT } from '../../renderer/table/EventTable.tsx';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const HEADER = 24;
/** The scroller's height (happy-dom does no layout): 24 px header + 20 rows, unless a test shrinks it. */
let viewPx = 424;
const tops = new WeakMap<HTMLElement, number>();
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => viewPx });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  // As a browser lays it out: the scroll range is the children's heights less the client height.
  Object.defineProperty(HTMLElement.prototype, 'scrollTop', {
    configurable: true,
    get(this: HTMLElement) { return tops.get(this) ?? 0; },
    set(this: HTMLElement, v: number) {
      const content = [...this.children].reduce((a, c) => a + (parseFloat((c as HTMLElement).style.height) || 0), 0);
      tops.set(this, Math.max(0, Math.min(v, content - viewPx)));
    },
  });
});

/** Events the growing capture has now (the engine double answers rows up to it). */
let events = 100;

function page(start: number, count: number): RowsPage {
  const n = Math.max(0, Math.min(count, events - start));
  const evs = Array.from({ length: n }, (_, i) => start + i + 1);
  const strings: string[] = [];
  const col = (f: (e: number) => string) => Uint32Array.from(evs, (e) => strings.push(f(e)) - 1);
  return {
    start, generation: 0, events: Uint32Array.from(evs), strings, cells: { no: col(String), info: col((e) => `Info ${e}`) },
    times: Float64Array.from(evs, (e) => 1700000000 + e / 1000), prevTimes: Float64Array.from(evs, () => NaN),
    timesNs: BigInt64Array.from(evs, () => 0n), prevTimesNs: BigInt64Array.from(evs, () => 0n), flags: new Uint8Array(n),
  };
}

const info = (): CaptureInfo => ({
  name: 'x.pcap', path: '/c/x.pcap', format: 'pcap', kind: 'packets', compressed: false, events, bytesRead: 1, fileSize: 1,
  firstTimeNs: '1700000000000000000', lastTimeNs: '1700000005000000000', linkTypes: [1], warnings: [], done: false, cancelled: false, loadMs: 1, extra: {},
});

function fakeEngine(): Port {
  let handler: (m: unknown) => void = () => {};
  const reply = (id: number, result: unknown): void => queueMicrotask(() => handler({ kind: 'response', id, ok: true, result }));
  return {
    postMessage(m) {
      const req = m as RequestMessage<MethodName>;
      const p = req.params as Record<string, number>;
      if (req.method === 'open') reply(req.id, info());
      else if (req.method === 'columns') reply(req.id, [{ id: 'no', title: 'No.', width: 60, align: 'right' }, { id: 'time', title: 'Time', width: 120 }, { id: 'info', title: 'Info', width: 300 }]);
      else if (req.method === 'rows') reply(req.id, page(p.start, p.count));
      else reply(req.id, null);
    },
    onMessage(h) { handler = h; },
    close() {},
  };
}

const host = (port: Port): AppHost => ({
  mode: 'browser', connectEngine: async () => port, pathForFile: () => null, showOpenDialog: async () => {}, openPath: async () => {},
  recentFiles: async () => [], onCommand: () => () => {}, samples: async () => [], addRecent: () => {},
});

const settle = async (): Promise<void> => {
  for (let i = 0; i < 6; i++) await act(async () => { await new Promise((r) => setTimeout(r, 20)); });
};

let root: Root | null = null;
let container: HTMLElement;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  container?.remove();
  localStorage.clear();
  viewPx = 424;
});

/** The table over a capture being followed (or not), with `n` events so far. */
async function mountLive(n: number, live = true): Promise<Session> {
  events = n;
  useApp.setState({ ...initialState });
  const session = createSession(host(fakeEngine()));
  await session.open({ kind: 'path', path: '/c/x.pcap', follow: live });
  useApp.setState({ live });
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
  await act(async () => root!.render(<StrictMode><EventTable session={session} /></StrictMode>));
  await settle();
  return session;
}

const scroller = (): HTMLElement => container.querySelector('.table-scroller') as HTMLElement;
/** The scroll event Chromium sends for the scrollTop last written. */
const scrolled = async (): Promise<void> => {
  await act(async () => { scroller().dispatchEvent(new Event('scroll')); });
  await settle();
};
async function grow(n: number): Promise<void> {
  events = n;
  await act(async () => useApp.setState({ info: info() }));
  await settle();
}
/** The user scrolls to the end of `n` rows. */
async function toEnd(n: number): Promise<void> {
  scroller().scrollTop = bottom(n);
  await scrolled();
}
const lastShown = (): number => Math.max(...[...container.querySelectorAll('.row:not(.loading)')].map((r) => Number(r.getAttribute('data-row'))));
/** The end of `n` rows with the rows area of the first layout (the table's viewport state). */
const bottom = (n: number): number => n * ROW_HEIGHT - (424 - HEADER);

describe('Live: the table follows its end', () => {
  it('opened followed: at the end, and still there after the scroll events of its own scrolling', async () => {
    await mountLive(100);
    expect(scroller().scrollTop).toBe(bottom(100));
    await scrolled();
    await grow(150);
    expect(scroller().scrollTop).toBe(bottom(150));
    expect(lastShown()).toBe(149);
    await scrolled();
    await grow(180);
    expect(scroller().scrollTop).toBe(bottom(180));
  });

  it('a new filter view while following starts at its end and keeps following', async () => {
    await mountLive(150);
    await toEnd(150);
    await act(async () => useApp.setState({ view: { text: 'tcp', matched: 120, total: 150, ms: 1 } }));
    await settle();
    expect(scroller().scrollTop).toBe(bottom(120));
    await scrolled();
    await act(async () => useApp.setState({ view: { text: 'tcp', matched: 130, total: 160, ms: 1 } }));
    await settle();
    expect(scroller().scrollTop).toBe(bottom(130));
  });

  it('a page arriving after the table was made smaller does not stop the following', async () => {
    const session = await mountLive(150);
    await toEnd(150);
    // A pane opens below the table: 200 px less, before its resize is rendered.
    viewPx = 224;
    // Rows asked for again (the HTTP scan finished): their page arrives and repaints.
    await act(async () => session.rows()?.refresh(() => true));
    await settle();
    await grow(200);
    expect(scroller().scrollTop).toBe(bottom(200));
    expect(lastShown()).toBe(199);
  });

  it('the user scrolling away stops it; scrolling back to the end follows again', async () => {
    await mountLive(150);
    await scrolled();
    scroller().scrollTop = 0;
    await scrolled();
    await grow(170);
    expect(scroller().scrollTop).toBe(0);
    scroller().scrollTop = bottom(170);
    await scrolled();
    await grow(190);
    expect(scroller().scrollTop).toBe(bottom(190));
  });
});

describe('time since the previous displayed event', () => {
  it('the first row on a page start shows its time: the page before is fetched for it', async () => {
    await mountLive(1000, false);
    await act(async () => useApp.setState({ timeFormat: 'delta' }));
    await settle();
    // Row 600 at the top: the first row of page 3; its previous row is on page 2, which nothing
    // else shows (the top's fetches were pages 0 and 1, the one ahead).
    scroller().scrollTop = 600 * ROW_HEIGHT;
    await scrolled();
    const time = container.querySelector('.row[data-row="600"] [data-col="time"]')?.textContent;
    expect(time).toMatch(/^0\.0010+$/);
  });
});
