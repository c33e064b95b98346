// @vitest-environment happy-dom
/**
 * The event table's header sort cycle and the column chooser, against an engine double that
 * sorts and answers rowOf like the real one (the real one: test/engine/sort.test.ts, row-of.test.ts,
 * and test/e2e/table.test.ts in Chromium).
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, Port, RequestMessage, RowsPage } from '../../shared/rpc.ts';
import type { AppHost } from '../../renderer/host/app-host.ts';
import { App } from '../../renderer/app/App.tsx';
import { createSession } from '../../renderer/app/session.ts';
import { useApp, initialState } from '../../renderer/app/store.ts';
import { defaultLayout, layoutKey, loadLayout, moveColumn, parseLayout } from '../../renderer/table/column-layout.ts';
import { nextSort } from '../../renderer/table/EventTable.tsx';
import { absoluteTimeNs, formatTime } from '../../renderer/table/format.ts';
import { SHORTCUTS, shortcutOf } from '../../renderer/app/shortcuts.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 424 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});

const EVENTS = 300;
/** Length of event e: a permutation so the sorted order differs from event order. */
const lengthOf = (e: number): number => 40 + ((e * 37) % EVENTS);

interface Engine { port: Port; calls: { method: string; params: unknown }[] }

function fakeEngine(): Engine {
  let handler: (m: unknown) => void = () => {};
  const calls: Engine['calls'] = [];
  let order: number[] = Array.from({ length: EVENTS }, (_, i) => i + 1);
  const reply = (id: number, result: unknown): void => queueMicrotask(() => handler({ kind: 'response', id, ok: true, result }));
  const port: Port = {
    postMessage(m) {
      const req = m as RequestMessage<MethodName>;
      calls.push({ method: req.method, params: req.params });
      const p = req.params as Record<string, unknown>;
      switch (req.method) {
        case 'open':
          reply(req.id, {
            name: 'x.pcap', path: '/c/x.pcap', format: 'pcap', kind: 'packets', compressed: false, events: EVENTS, bytesRead: 1, fileSize: 1,
            firstTimeNs: '1700000000000000000', lastTimeNs: '1700000001000000000', linkTypes: [1], warnings: [], done: true, cancelled: false, loadMs: 1, extra: {},
          });
          break;
        case 'columns':
          reply(req.id, [
            { id: 'no', title: 'No.', width: 60, align: 'right' },
            { id: 'length', title: 'Length', width: 70, align: 'right' },
            { id: 'info', title: 'Info', width: 300 },
          ]);
          break;
        case 'sort': {
          order = Array.from({ length: EVENTS }, (_, i) => i + 1);
          if (p.column === 'length') order.sort((a, b) => (lengthOf(a) - lengthOf(b)) * (p.descending ? -1 : 1) || a - b);
          reply(req.id, { ms: 1, rows: EVENTS });
          break;
        }
        case 'rowOf': {
          const at = order.indexOf(p.event as number);
          reply(req.id, at < 0 ? null : at);
          break;
        }
        case 'rows': {
          const start = p.start as number;
          const count = Math.max(0, Math.min(p.count as number, EVENTS - start));
          const strings: string[] = [];
          const evs = order.slice(start, start + count);
          const col = (f: (e: number) => string) => Uint32Array.from(evs, (e) => strings.push(f(e)) - 1);
          const page: RowsPage = {
            start, events: Uint32Array.from(evs), strings,
            cells: { no: col(String), length: col((e) => String(lengthOf(e))), info: col((e) => `Info ${e}`) },
            times: Float64Array.from(evs, (e) => 1700000000 + e / 1000),
            prevTimes: Float64Array.from(evs, (e) => (e > 1 ? 1700000000 + (e - 1) / 1000 : NaN)),
            generation: 0,
            timesNs: BigInt64Array.from(evs, (e) => 1700000000_000000000n + BigInt(e) * 1_000_000n),
            prevTimesNs: BigInt64Array.from(evs, (e) => 1700000000_000000000n + BigInt(Math.max(1, e - 1)) * 1_000_000n),
            flags: new Uint8Array(count),
          };
          reply(req.id, page);
          break;
        }
        case 'details': reply(req.id, []); break;
        case 'bytes': reply(req.id, { sources: [] }); break;
        case 'fields': reply(req.id, [
          { name: 'tcp.stream', type: 'uint', description: 'Stream index' },
          { name: 'tcp.srcport', type: 'uint', description: 'Source Port' },
          { name: 'ip.src', type: 'ipv4', description: 'Source Address' },
        ]); break;
        default: reply(req.id, null);
      }
    },
    onMessage(h) { handler = h; },
    close() {},
  };
  return { port, calls };
}

function fakeHost(engine: Engine): AppHost {
  return {
    mode: 'browser', connectEngine: async () => engine.port, pathForFile: () => null, showOpenDialog: async () => {}, openPath: async () => {},
    recentFiles: async () => [], onCommand: () => () => {}, samples: async () => [], addRecent: () => {},
  };
}

let root: Root | null = null;
let container: HTMLElement;

async function mountOpen(engine: Engine) {
  useApp.setState({ ...initialState });
  container = document.createElement('div');
  document.body.appendChild(container);
  const session = createSession(fakeHost(engine));
  root = createRoot(container);
  await act(async () => root!.render(<App session={session} />));
  await act(async () => session.open({ kind: 'path', path: '/c/x.pcap' }));
  await settle();
  return session;
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 6; i++) await act(async () => { await new Promise((r) => setTimeout(r, 5)); });
};

afterEach(() => {
  act(() => root?.unmount());
  root = null;
  container?.remove();
  localStorage.clear();
});

const header = (id: string) => container.querySelector(`.th[data-col="${id}"]`) as HTMLElement;
/** Texts of column `id` in the rendered rows, in row order. */
const cells = (id: string) => [...container.querySelectorAll('.row:not(.loading)')]
  .sort((a, b) => Number(a.getAttribute('data-row')) - Number(b.getAttribute('data-row')))
  .map((r) => r.querySelector(`[data-col="${id}"]`)?.textContent ?? '');
const sortedAsc = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1] <= x);

describe('table sort', () => {
  it('nextSort cycles ascending → descending → event order, and restarts on another column', () => {
    expect(nextSort(null, 'length')).toEqual({ column: 'length', descending: false });
    expect(nextSort({ column: 'length', descending: false }, 'length')).toEqual({ column: 'length', descending: true });
    expect(nextSort({ column: 'length', descending: true }, 'length')).toBeNull();
    expect(nextSort({ column: 'length', descending: true }, 'info')).toEqual({ column: 'info', descending: false });
  });

  it('header clicks sort in the engine, show ▲/▼, and keep the selected event selected', async () => {
    const engine = fakeEngine();
    await mountOpen(engine);
    // Select event 5 (row 4).
    const row4 = container.querySelector('.row[data-row="4"]') as HTMLElement;
    await act(async () => row4.dispatchEvent(new MouseEvent('mousedown', { bubbles: true })));
    await settle();
    expect(useApp.getState().selectedEvent).toBe(5);

    await act(async () => header('length').click());
    await settle();
    expect(engine.calls.filter((c) => c.method === 'sort').at(-1)?.params).toEqual({ column: 'length', descending: false });
    expect(header('length').textContent).toContain('▲');
    expect(header('length').getAttribute('aria-sort')).toBe('ascending');
    // The table scrolled to the selected event: the rows around it are in length order.
    const asc = cells('length').map(Number);
    expect(asc.length).toBeGreaterThan(10);
    expect(sortedAsc(asc)).toBe(true);
    expect(container.querySelector('.row.selected [data-col="no"]')?.textContent).toBe('5');
    // Event 5 is still selected, at its new position.
    const sel = useApp.getState();
    expect(sel.selectedEvent).toBe(5);
    const expectedRow = Array.from({ length: EVENTS }, (_, i) => i + 1).sort((a, b) => lengthOf(a) - lengthOf(b) || a - b).indexOf(5);
    expect(sel.selectedRow).toBe(expectedRow);
    expect(container.querySelector('[data-testid="status-sort"]')?.textContent).toContain('Sorted by Length ▲');

    await act(async () => header('length').click());
    await settle();
    expect(header('length').textContent).toContain('▼');
    const desc = cells('length').map(Number);
    expect(sortedAsc([...desc].reverse())).toBe(true);
    expect(container.querySelector('.row.selected [data-col="no"]')?.textContent).toBe('5');

    await act(async () => header('length').click());
    await settle();
    expect(engine.calls.filter((c) => c.method === 'sort').at(-1)?.params).toEqual({ column: null, descending: false });
    expect(header('length').textContent).not.toMatch(/[▲▼]/);
    expect(useApp.getState().selectedRow).toBe(4);
    expect(cells('no').slice(0, 3)).toEqual(['1', '2', '3']);
  });

  it('a click on the resize handle does not sort', async () => {
    const engine = fakeEngine();
    await mountOpen(engine);
    await act(async () => (header('info').querySelector('.resizer') as HTMLElement).click());
    await settle();
    expect(engine.calls.some((c) => c.method === 'sort')).toBe(false);
  });
});

describe('column chooser', () => {
  it('hides, reorders and resets columns, remembered per capture kind', async () => {
    const engine = fakeEngine();
    await mountOpen(engine);
    await act(async () => useApp.setState({ panel: 'columns' }));
    const chooser = container.querySelector('[data-testid="column-chooser"]') as HTMLElement;
    expect(chooser).not.toBeNull();
    const box = chooser.querySelector('li[data-col="length"] input') as HTMLInputElement;
    await act(async () => box.click());
    expect(container.querySelector('.th[data-col="length"]')).toBeNull();
    expect(container.querySelector('.row [data-col="length"]')).toBeNull();
    expect(loadLayout('packets').visibility).toEqual({ length: false });
    // Syscalls keep their own default (Stratoshark's columns; CPU, Dir, container id hidden).
    expect(loadLayout('syscalls')).toEqual(defaultLayout('syscalls'));

    // Move Info up twice: first column.
    const up = () => chooser.querySelector('li[data-col="info"] button[aria-label^="Move Info up"]') as HTMLButtonElement;
    await act(async () => up().click());
    await act(async () => up().click());
    const headers = () => [...container.querySelectorAll('.th')].map((h) => h.getAttribute('data-col'));
    expect(headers()).toEqual(['info', 'no']);
    expect(JSON.parse(localStorage.getItem(layoutKey('packets'))!).order).toEqual(['info', 'no', 'length']);

    // A new window of the same kind starts with the remembered layout.
    act(() => root?.unmount());
    container.remove();
    await mountOpen(fakeEngine());
    expect(headers()).toEqual(['info', 'no']);

    await act(async () => useApp.setState({ panel: 'columns' }));
    await act(async () => (container.querySelector('[data-testid="columns-reset"]') as HTMLButtonElement).click());
    expect(headers()).toEqual(['no', 'length', 'info']);
    expect(localStorage.getItem(layoutKey('packets'))).toBeNull();
  });

  it('keeps only well-formed stored layouts; moves stay in range', () => {
    expect(parseLayout('{"order":["a",3],"visibility":{"x":false,"y":"no"},"widths":{"a":100,"b":-5}}')).toEqual({ order: ['a'], visibility: { x: false }, widths: { a: 100 } });
    expect(parseLayout('not json')).toEqual({ order: [], visibility: {}, widths: {} });
    const cols = [{ id: 'a', title: 'A', width: 1 }, { id: 'b', title: 'B', width: 1 }];
    expect(moveColumn(cols, { order: [], visibility: {}, widths: {} }, 'a', -1).order).toEqual([]);
    expect(moveColumn(cols, { order: [], visibility: {}, widths: {} }, 'a', 1).order).toEqual(['b', 'a']);
  });
});

describe('help panes', () => {
  it('field reference searches and puts a field in the filter bar; shortcuts sheet lists the table', async () => {
    await mountOpen(fakeEngine());
    await act(async () => (container.querySelector('[data-testid="help-menu"]') as HTMLButtonElement).click());
    const item = [...container.querySelectorAll('.help-menu-list button')].find((b) => b.textContent === 'Field reference') as HTMLButtonElement;
    await act(async () => item.click());
    const search = container.querySelector('[data-testid="field-search"]') as HTMLInputElement;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    await act(async () => {
      setter.call(search, 'tcp.str');
      search.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const names = [...container.querySelectorAll('.ref-row')].map((r) => r.getAttribute('data-field'));
    expect(names).toEqual(['tcp.stream']);
    await act(async () => (container.querySelector('.ref-row') as HTMLElement).click());
    expect(useApp.getState().panel).toBeNull();
    expect(useApp.getState().barText).toMatchObject({ text: 'tcp.stream', apply: false });

    // "?" outside a text field opens the shortcuts sheet, listing every entry of the table.
    await act(async () => { document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '?', shiftKey: true, bubbles: true })); });
    const sheet = container.querySelector('[data-testid="shortcuts-sheet"]');
    expect(sheet).not.toBeNull();
    for (const s of SHORTCUTS.filter((x) => x.scope !== 'Menu (desktop)')) expect(sheet!.textContent).toContain(s.action);
    await act(async () => { window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })); });
    expect(useApp.getState().panel).toBeNull();
  });

  it('shortcutOf matches modifiers exactly', () => {
    expect(shortcutOf({ key: 'G', ctrlKey: true, metaKey: false, altKey: false, shiftKey: false }, 'Window')).toBe('go-to');
    expect(shortcutOf({ key: 'g', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false }, 'Window')).toBeNull();
    expect(shortcutOf({ key: 'T', ctrlKey: true, metaKey: false, altKey: true, shiftKey: true }, 'Window')).toBe('follow-tcp');
    expect(shortcutOf({ key: 'End', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false }, 'Event table')).toBe('last');
    expect(shortcutOf({ key: 'End', ctrlKey: true, metaKey: false, altKey: false, shiftKey: false }, 'Event table')).toBeNull();
  });
});

describe('time formats', () => {
  it('since previous captured uses the previous event, absolute keeps nanoseconds, UTC', () => {
    expect(formatTime('delta-captured', 10.5, 10, 10.25)).toBe('0.250000');
    expect(formatTime('delta-captured', 10.5, 10, NaN)).toBe('0.000000');
    expect(absoluteTimeNs(1470327475_999999999n, true)).toBe('2016-08-04 16:17:55.999999999Z');
    expect(absoluteTimeNs(1795287928_523659830n, true)).toBe('2026-11-21 19:05:28.523659830Z');
    // Before the epoch: the fraction counts up from the whole second below.
    expect(absoluteTimeNs(-1_500000000n, true)).toBe('1969-12-31 23:59:58.500000000Z');
    expect(formatTime('utc', 0.5, null, null)).toBe('1970-01-01 00:00:00.500000Z');
  });
});
