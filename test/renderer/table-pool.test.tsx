// @vitest-environment happy-dom
/**
 * The event table's row pool (issue 18 item 7): a fixed set of row elements that scrolling and
 * arriving pages repaint without a React render, cell texts formatted once per page, and paints
 * that write only what changed. The frame times themselves: test/e2e/measure-jumps.ts in Chromium.
 */
import { act, Profiler, StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, Port, RequestMessage, RowsPage } from '../../shared/rpc.ts';
import type { AppHost } from '../../renderer/host/app-host.ts';
import { createSession, type Session } from '../../renderer/app/session.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';
import { EventTable, ROW_HEIGHT } from '../../renderer/table/EventTable.tsx';
import { PAGE_ROWS, type RowCache } from '../../renderer/table/row-cache.ts';
import { blankPainted, createPageTexts, paintRow, PENDING, rowLook } from '../../renderer/table/row-paint.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const VIEW_PX = 424; // 24 px header + 20 rows of 20 px
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => VIEW_PX });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});

const EVENTS = 5000;

function page(start: number, count: number): RowsPage {
  const n = Math.max(0, Math.min(count, EVENTS - start));
  const evs = Array.from({ length: n }, (_, i) => start + i + 1);
  const strings: string[] = [];
  const col = (f: (e: number) => string) => Uint32Array.from(evs, (e) => strings.push(f(e)) - 1);
  return {
    start, generation: 0, events: Uint32Array.from(evs), strings,
    cells: { no: col(String), info: col((e) => `Info ${e}`) },
    times: Float64Array.from(evs, (e) => 1700000000 + e / 1000),
    prevTimes: Float64Array.from(evs, (e) => (e > 1 ? 1700000000 + (e - 1) / 1000 : NaN)),
    timesNs: BigInt64Array.from(evs, (e) => 1700000000_000000000n + BigInt(e) * 1_000_000n),
    prevTimesNs: BigInt64Array.from(evs, (e) => 1700000000_000000000n + BigInt(Math.max(1, e - 1)) * 1_000_000n),
    flags: new Uint8Array(n),
  };
}

/** An engine double answering open, columns and rows; `rows` counts the pages asked for. */
function fakeEngine(): { port: Port; rows: number[] } {
  let handler: (m: unknown) => void = () => {};
  const rows: number[] = [];
  const reply = (id: number, result: unknown): void => queueMicrotask(() => handler({ kind: 'response', id, ok: true, result }));
  const port: Port = {
    postMessage(m) {
      const req = m as RequestMessage<MethodName>;
      const p = req.params as Record<string, number>;
      switch (req.method) {
        case 'open':
          reply(req.id, {
            name: 'x.pcap', path: '/c/x.pcap', format: 'pcap', kind: 'packets', compressed: false, events: EVENTS, bytesRead: 1, fileSize: 1,
            firstTimeNs: '1700000000000000000', lastTimeNs: '1700000005000000000', linkTypes: [1], warnings: [], done: true, cancelled: false, loadMs: 1, extra: {},
          });
          break;
        case 'columns':
          reply(req.id, [{ id: 'no', title: 'No.', width: 60, align: 'right' }, { id: 'time', title: 'Time', width: 120 }, { id: 'info', title: 'Info', width: 300 }]);
          break;
        case 'rows':
          rows.push(p.start);
          reply(req.id, page(p.start, p.count));
          break;
        default: reply(req.id, null);
      }
    },
    onMessage(h) { handler = h; },
    close() {},
  };
  return { port, rows };
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
});

/** The table alone over an opened capture, its renders counted by a Profiler. */
async function mountTable(): Promise<{ session: Session; renders: () => number; engine: ReturnType<typeof fakeEngine> }> {
  useApp.setState({ ...initialState });
  const engine = fakeEngine();
  const session = createSession(host(engine.port));
  await session.open({ kind: 'path', path: '/c/x.pcap' });
  let renders = 0;
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
  // StrictMode as the window runs it: effects mount, unmount and mount again on the same refs.
  await act(async () => root!.render(<StrictMode><Profiler id="table" onRender={() => { renders++; }}><EventTable session={session} /></Profiler></StrictMode>));
  await settle();
  return { session, renders: () => renders, engine };
}

const scroller = (): HTMLElement => container.querySelector('.table-scroller') as HTMLElement;
const poolRows = (): Element[] => [...container.querySelectorAll('.table-window > [role="row"]:not(.table-header)')];
const shown = (): number[] => [...container.querySelectorAll('.row:not(.loading)')].map((r) => Number(r.getAttribute('data-row'))).sort((a, b) => a - b);

async function scrollTo(px: number): Promise<void> {
  const el = scroller();
  el.scrollTop = px;
  await act(async () => { el.dispatchEvent(new Event('scroll')); });
  await settle();
}

describe('event table row pool', () => {
  it('scrolling and arriving pages repaint the same elements with no React render', async () => {
    const { renders, engine } = await mountTable();
    const rowsPx = VIEW_PX - 24;
    const slots = Math.ceil(rowsPx / ROW_HEIGHT) + 2;
    const pool = poolRows();
    expect(pool).toHaveLength(slots);
    expect(shown()).toEqual(Array.from({ length: rowsPx / ROW_HEIGHT + 1 }, (_, i) => i));
    expect(container.querySelector('.row[data-row="3"] [data-col="info"]')?.textContent).toBe('Info 4');
    const before = renders();
    // Far enough for rows of pages not fetched yet: they arrive while no render happens.
    await scrollTo(2300 * ROW_HEIGHT);
    expect(engine.rows.some((s) => s >= 2000)).toBe(true);
    expect(shown()[0]).toBe(2300);
    expect(container.querySelector('.row[data-row="2300"] [data-col="info"]')?.textContent).toBe('Info 2301');
    await scrollTo(10 * ROW_HEIGHT + 7);
    expect(shown()[0]).toBe(10);
    // Row 10 is drawn 7 px above the rows area's top, by transform (no layout property moves).
    expect((container.querySelector('.row[data-row="10"]') as HTMLElement).style.transform).toBe(`translateY(${24 - 7}px)`);
    expect(renders()).toBe(before);
    // The same elements all along, none added or replaced.
    expect(poolRows()).toEqual(pool);
  });

  it('a selection re-renders the table once and moves the selected class between pool elements', async () => {
    const { renders } = await mountTable();
    const before = renders();
    const row4 = container.querySelector('.row[data-row="4"]') as HTMLElement;
    await act(async () => row4.dispatchEvent(new MouseEvent('mousedown', { bubbles: true })));
    await settle();
    expect(useApp.getState()).toMatchObject({ selectedRow: 4, selectedEvent: 5 });
    expect(container.querySelectorAll('.row.selected')).toHaveLength(1);
    expect(row4.classList.contains('selected')).toBe(true);
    expect(row4.getAttribute('aria-selected')).toBe('true');
    // One commit (StrictMode renders it twice in development, as React does).
    expect(renders() - before).toBeLessThanOrEqual(2);
  });
});

describe('row painting', () => {
  const fakeCache = (pages: RowsPage[]): RowCache => ({
    page: (row) => pages.find((p) => row >= p.start && row < p.start + p.events.length),
    ensure: () => {}, clear: () => {}, seed: () => false, refresh: () => {}, subscribe: () => () => {}, version: () => 0, fetchTimes: [],
  });
  const columns = [{ id: 'no', title: 'No.', width: 60 }, { id: 'time', title: 'Time', width: 120 }, { id: 'info', title: 'Info', width: 300 }];

  it('formats each row of a page once', () => {
    const p = page(0, PAGE_ROWS);
    const cache = fakeCache([p]);
    const texts = createPageTexts({ columns, timeFormat: 'relative', firstTime: 1700000000.001, ns: undefined });
    const a = texts.row(cache, p, 5);
    expect(a).toEqual(['6', '0.005000', 'Info 6']);
    expect(texts.row(cache, p, 5)).toBe(a);
    texts.row(cache, p, 6);
    expect(texts.formatted()).toBe(2);
  });

  it('a delta time waiting for the previous page is formatted again once that page is there', () => {
    const p1 = page(PAGE_ROWS, PAGE_ROWS);
    const texts = createPageTexts({ columns, timeFormat: 'delta', firstTime: null, ns: undefined });
    expect(texts.row(fakeCache([p1]), p1, PAGE_ROWS)[1]).toBe(PENDING);
    expect(texts.row(fakeCache([page(0, PAGE_ROWS), p1]), p1, PAGE_ROWS)[1]).toBe('0.001000');
    expect(texts.formatted()).toBe(2);
  });

  it('a second paint of the same look writes nothing; a spare element is hidden and leaves `.row`', () => {
    const p = page(0, PAGE_ROWS);
    const input = { cache: fakeCache([p]), texts: createPageTexts({ columns, timeFormat: 'relative', firstTime: 1700000000.001 }), selectedRow: 3, rules: [], ruleCss: new Map() };
    const el = document.createElement('div');
    for (let k = 0; k < columns.length; k++) el.appendChild(document.createElement('div'));
    const was = blankPainted();
    expect(paintRow(el, rowLook(input, 3, 44), was)).toBeGreaterThan(0);
    expect(el.className).toBe('row odd  selected');
    expect(el.getAttribute('data-row')).toBe('3');
    expect(el.children[2].textContent).toBe('Info 4');
    expect(paintRow(el, rowLook(input, 3, 44), was)).toBe(0);
    // Another row in the same element: its texts, position and class; the No. cell only if it differs.
    expect(paintRow(el, rowLook(input, 4, 64), was)).toBe(1 + 1 + 1 + 3);
    paintRow(el, { row: -1, className: '', y: 0, texts: [], colour: undefined }, was);
    expect(el.hidden).toBe(true);
    expect(el.classList.contains('row')).toBe(false);
    expect(el.hasAttribute('data-row')).toBe(false);
  });
});
