// @vitest-environment happy-dom
/**
 * Custom columns and the Copy items, in the window over the real engine: details tree ▸ Apply as
 * Column adds a column of that field whose cells are tshark's -T fields values, remembered for
 * every capture of the kind; View ▸ Columns adds and removes field columns; Copy ▸ Value / Field
 * name / As filter / Description on tree items and Copy ▸ As CSV / As JSON on a row.
 */
import { join } from 'node:path';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../renderer/app/App.tsx';
import { createSession, type Session } from '../../renderer/app/session.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';
import { nodeValueText } from '../../renderer/details/copy.ts';
import { csvField, rowsAsCsv, rowsAsJson } from '../../renderer/table/copy-rows.ts';
import { layoutKey, parseLayout } from '../../renderer/table/column-layout.ts';
import { CORPUS } from '../engine/corpus.ts';
import { inProcessHost } from './in-process-host.ts';

const HTTP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
const SCAP = join(CORPUS, 'scap/falco/cat_write.scap');
// `tshark -r gen-http11-plain.pcap -T fields -e ip.src -c 3` (4.0.17): 127.0.0.1 ×3.
const FIRST_SRC = '127.0.0.1';

let root: Root | null = null;
let container: HTMLElement;
let session: Session | null = null;
let clipboard: string[] = [];

beforeAll(() => {
  const dispatch = document.dispatchEvent.bind(document);
  document.dispatchEvent = (e: Event): boolean => (e.type === 'selectionchange' ? true : dispatch(e));
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 424 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void clipboard.push(t) } });
});

afterEach(() => {
  act(() => root?.unmount());
  root = null;
  session?.close();
  session = null;
  container?.remove();
  clipboard = [];
});

const settle = async (until?: () => boolean): Promise<void> => {
  for (let i = 0; i < 400; i++) {
    await act(async () => { await new Promise((r) => setTimeout(r, 10)); });
    if (until ? until() : i >= 5) return;
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
  await settle(() => useApp.getState().info?.done === true && useApp.getState().fields !== null && container.querySelector('.row[data-row="0"]') !== null);
}

const cell = (row: number, col: string): string | null | undefined => container.querySelector(`.row[data-row="${row}"] [data-col="${col}"]`)?.textContent;
const headers = (): string[] => [...container.querySelectorAll('.th')].map((h) => h.textContent ?? '');

async function treeMenu(field: string): Promise<void> {
  await act(async () => (container.querySelector('.row[data-row="0"]') as HTMLElement).dispatchEvent(new MouseEvent('mousedown', { bubbles: true })));
  const layer = field.split('.')[0];
  await settle(() => container.querySelector(`.tree-line[data-field="${layer}"]`) !== null);
  // Layers start collapsed: open the field's layer.
  if (!container.querySelector(`.tree-line[data-field="${field}"]`)) {
    await act(async () => (container.querySelector(`.tree-line[data-field="${layer}"] .twisty`) as HTMLElement).click());
    await settle(() => container.querySelector(`.tree-line[data-field="${field}"]`) !== null);
  }
  const line = container.querySelector(`.tree-line[data-field="${field}"]`) as HTMLElement;
  await act(async () => { line.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: 10, clientY: 10 })); });
}

async function click(selector: string): Promise<void> {
  const el = container.querySelector(selector) as HTMLElement | null;
  expect(el, selector).not.toBeNull();
  await act(async () => el!.click());
  await settle();
}

describe('custom columns', () => {
  it('Apply as Column on a tree field: a column of its values, remembered for packet captures only', async () => {
    localStorage.clear();
    await open(HTTP);
    await treeMenu('ip.src');
    expect(container.querySelector('[role="menu"]')?.textContent).toContain('Apply as Column');
    await click('[data-action="apply-column"]');
    await settle(() => cell(0, 'field:ip.src') === FIRST_SRC);
    expect(headers()).toContain('ip.src');
    expect(cell(0, 'field:ip.src')).toBe(FIRST_SRC);
    expect(parseLayout(localStorage.getItem(layoutKey('packets'))).custom).toEqual(['ip.src']);
    // A click on its header sorts by it in the engine.
    await act(async () => (container.querySelector('.th[data-col="field:ip.src"]') as HTMLElement | null)?.click());
    await settle(() => useApp.getState().sort?.column === 'field:ip.src');
    expect(useApp.getState().sortError).toBeNull();

    // Another packet capture opens with the column; a syscall capture does not have it.
    act(() => root?.unmount());
    session?.close();
    container.remove();
    await open(HTTP);
    // The colouring rules sent on open start a new rows generation: wait for the refetched page.
    await settle(() => cell(0, 'field:ip.src') === FIRST_SRC);
    expect(cell(0, 'field:ip.src')).toBe(FIRST_SRC);
    act(() => root?.unmount());
    session?.close();
    container.remove();
    await open(SCAP);
    expect(headers()).not.toContain('ip.src');
  });

  it('View ▸ Columns adds a column of any field and removes it', async () => {
    localStorage.clear();
    await open(HTTP);
    useApp.setState({ panel: 'columns' });
    await settle();
    const input = container.querySelector('input[aria-label="Field to add as a column"]') as HTMLInputElement;
    const setValue = async (v: string): Promise<void> => {
      await act(async () => {
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, v);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
    };
    await setValue('tcp.srcportt');
    expect((container.querySelector('.chooser-add button[type="submit"]') as HTMLButtonElement).disabled).toBe(true);
    await setValue('tcp.srcport');
    await act(async () => (container.querySelector('.chooser-add') as HTMLFormElement).requestSubmit());
    await settle(() => cell(0, 'field:tcp.srcport') !== undefined && cell(0, 'field:tcp.srcport') !== '');
    // `tshark -r gen-http11-plain.pcap -T fields -e tcp.srcport -c 1` (4.0.17): 38708
    expect(cell(0, 'field:tcp.srcport')).toBe('38708');
    await click('button[aria-label="Remove column tcp.srcport"]');
    expect(headers()).not.toContain('tcp.srcport');
    expect(parseLayout(localStorage.getItem(layoutKey('packets'))).custom).toBeUndefined();
  });

  it('Copy ▸ Value, Field name, As filter, Description on a tree item; Copy ▸ As CSV / As JSON on a row', async () => {
    localStorage.clear();
    await open(HTTP);
    for (const [action, want] of [['copy-value', FIRST_SRC], ['copy-field', 'ip.src'], ['copy-filter', `ip.src == ${FIRST_SRC}`], ['copy-description', 'Source Address']]) {
      await treeMenu('ip.src');
      await click(`[data-action="${action}"]`);
      expect(clipboard.pop()).toBe(want);
    }
    const row = container.querySelector('.row[data-row="0"] [data-col="no"]') as HTMLElement;
    await act(async () => { row.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: 10, clientY: 10 })); });
    await click('[data-action="copy-csv"]');
    const csv = clipboard.pop()!.split('\r\n');
    expect(csv[0].split(',')[0]).toBe('No.');
    expect(csv[1].split(',')[0]).toBe('1');
    await act(async () => { row.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: 10, clientY: 10 })); });
    await click('[data-action="copy-json"]');
    const json = JSON.parse(clipboard.pop()!) as Record<string, string>;
    expect(json['No.']).toBe('1');
    expect(json.Source).toBe(FIRST_SRC);
  });

  it('copy helpers: tree values, CSV quoting, JSON keys', () => {
    expect(nodeValueText({ label: 'Protocol: TCP (6)', filterValue: '6' })).toBe('TCP (6)');
    expect(nodeValueText({ label: 'Hypertext Transfer Protocol', filterValue: undefined })).toBe('Hypertext Transfer Protocol');
    expect(nodeValueText({ label: 'GET', filterValue: '"GET"' })).toBe('GET');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(rowsAsCsv(['A', 'B'], [['1', 'x\ny']])).toBe('A,B\r\n1,"x\ny"\r\n');
    expect(JSON.parse(rowsAsJson(['A', 'A'], [['1', '2'], ['3', '4']]))).toEqual([{ A: '1', 'A (2)': '2' }, { A: '3', 'A (2)': '4' }]);
  });
});
