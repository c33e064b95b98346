// @vitest-environment happy-dom
/**
 * The filter bar: its pure logic (validation states, highlighting classes, history, saved
 * buttons, Wireshark's Apply-as-Filter combinations) and the bar mounted in the window against
 * an engine double (Enter applies, the table pages the view, the status bar counts, Esc cancels an edit, ✕ clears).
 */
import { completionStatus } from '@codemirror/autocomplete';
import { EditorView } from '@codemirror/view';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FieldInfo } from '../../shared/fields.ts';
import { makeFieldIndex } from '../../shared/filter/index.ts';
import type { MethodName, Port, RequestMessage, RowsPage } from '../../shared/rpc.ts';
import { App } from '../../renderer/app/App.tsx';
import { createSession } from '../../renderer/app/session.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';
import {
  addSaved, applySuggestion, combineFilter, highlightTokens, historyStep, loadHistory, loadSaved, nodeFilter, pushHistory, removeSaved,
  validateFilter, HISTORY_KEY, type KeyValueStore,
} from '../../renderer/filter/filter-logic.ts';
import type { AppHost } from '../../renderer/host/app-host.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const FIELDS: FieldInfo[] = [
  { name: 'ip', type: 'protocol', description: 'Internet Protocol Version 4' },
  { name: 'ip.src', type: 'ipv4', description: 'Source Address' },
  { name: 'ip.dst', type: 'ipv4', description: 'Destination Address' },
  { name: 'ip.addr', type: 'ipv4', description: 'Source or Destination Address', multi: true },
  { name: 'tcp', type: 'protocol', description: 'Transmission Control Protocol' },
  { name: 'tcp.port', type: 'uint', description: 'Source or Destination Port', multi: true },
  { name: 'tcp.flags.syn', type: 'bool', description: 'Syn' },
  { name: 'evt.type', type: 'string', description: 'Event type', values: { connect: 'connect', sendto: 'sendto' } },
];
const index = makeFieldIndex(FIELDS);

function memStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('filter bar logic', () => {
  it('validates: empty, valid, invalid with the range and suggestion, warning', () => {
    expect(validateFilter('  ', index).status).toBe('empty');
    expect(validateFilter('ip.src == 1.2.3.4', index).status).toBe('valid');
    const bad = validateFilter('ip.srcc == 1.2.3.4', index);
    expect(bad.status).toBe('invalid');
    expect(bad.messages[0]).toMatchObject({ from: 0, to: 7, suggestion: 'ip.src' });
    expect(bad.messages[0].message).toContain('did you mean ip.src?');
    expect(applySuggestion('ip.srcc == 1.2.3.4', bad.messages[0])).toBe('ip.src == 1.2.3.4');
    const warn = validateFilter('ip.addr != 1.2.3.4', index);
    expect(warn.status).toBe('warning');
    expect(warn.messages[0].message).toContain('!==');
  });

  it('warns that a boolean field alone means present, and offers == 1', () => {
    const v = validateFilter('tcp and tcp.flags.syn', index);
    expect(v.status).toBe('warning');
    expect(v.messages[0]).toMatchObject({ from: 8, to: 21, suggestion: 'tcp.flags.syn == 1' });
    expect(validateFilter('tcp.flags.syn == 1', index).status).toBe('valid');
  });

  it('classifies tokens for highlighting, even in unfinished text', () => {
    const text = 'ip.src == 10.0.0.1 and not evt.type in {"connect"} && len(ip.bogus) > 0x1 && "open';
    const toks = highlightTokens(text, index).map((t) => [text.slice(t.from, t.to), t.cls]);
    expect(toks).toEqual([
      ['ip.src', 'field'], ['==', 'operator'], ['10.0.0.1', 'literal'], ['and', 'keyword'], ['not', 'keyword'],
      ['evt.type', 'field'], ['in', 'keyword'], ['{', 'operator'], ['"connect"', 'string'], ['}', 'operator'], ['&&', 'operator'],
      ['len', 'function'], ['(', 'operator'], ['ip.bogus', 'unknown-field'], [')', 'operator'], ['>', 'operator'], ['0x1', 'literal'],
      ['&&', 'operator'], ['"open', 'string'],
    ]);
  });

  it('keeps a bounded, de-duplicated, persisted history and walks it with ↑/↓', () => {
    const store = memStore();
    let h = pushHistory(store, [], 'tcp');
    h = pushHistory(store, h, 'ip');
    h = pushHistory(store, h, 'tcp');
    h = pushHistory(store, h, '   ');
    expect(h).toEqual(['tcp', 'ip']);
    expect(loadHistory(store)).toEqual(['tcp', 'ip']);
    store.data.set(HISTORY_KEY, '{not json');
    expect(loadHistory(store)).toEqual([]);

    const up1 = historyStep(h, { pos: -1, draft: '' }, 'typing', 'older')!;
    expect(up1.text).toBe('tcp');
    const up2 = historyStep(h, up1.cursor, up1.text, 'older')!;
    expect(up2.text).toBe('ip');
    expect(historyStep(h, up2.cursor, up2.text, 'older')).toBeNull();
    const down = historyStep(h, up2.cursor, up2.text, 'newer')!;
    expect(down.text).toBe('tcp');
    expect(historyStep(h, down.cursor, down.text, 'newer')!.text).toBe('typing');
  });

  it('saves, replaces and removes filter buttons', () => {
    const store = memStore();
    let s = addSaved(store, [], 'Web', 'tcp.port == 80');
    s = addSaved(store, s, 'SYN', 'tcp.flags.syn == 1');
    s = addSaved(store, s, 'Web', 'tcp.port in {80, 443}');
    s = addSaved(store, s, '', 'ignored');
    expect(loadSaved(store)).toEqual([{ label: 'Web', text: 'tcp.port in {80, 443}' }, { label: 'SYN', text: 'tcp.flags.syn == 1' }]);
    removeSaved(store, s, 'Web');
    expect(loadSaved(store)).toEqual([{ label: 'SYN', text: 'tcp.flags.syn == 1' }]);
  });

  it('builds Apply-as-Filter text as Wireshark does', () => {
    const expr = nodeFilter({ field: 'ip.src', filterValue: '10.0.0.1' })!;
    expect(expr).toBe('ip.src == 10.0.0.1');
    expect(nodeFilter({ field: 'tcp' })).toBe('tcp');
    expect(combineFilter('', expr, 'selected')).toBe('ip.src == 10.0.0.1');
    expect(combineFilter('tcp', expr, 'not')).toBe('!(ip.src == 10.0.0.1)');
    expect(combineFilter('tcp', expr, 'and')).toBe('(tcp) && (ip.src == 10.0.0.1)');
    expect(combineFilter('tcp', expr, 'or')).toBe('(tcp) || (ip.src == 10.0.0.1)');
    expect(combineFilter('tcp', expr, 'andNot')).toBe('(tcp) && !(ip.src == 10.0.0.1)');
    expect(combineFilter('tcp', expr, 'orNot')).toBe('(tcp) || !(ip.src == 10.0.0.1)');
    expect(combineFilter(' ', expr, 'and')).toBe('ip.src == 10.0.0.1');
    expect(combineFilter('', expr, 'orNot')).toBe('!(ip.src == 10.0.0.1)');
  });
});

/* ------------------------------------------------------------------ mounted in the window */

const EVENTS = 1000;
/** The double's "filter": even event numbers for anything non-empty. */
const MATCHED = 500;

function fakeEngine() {
  let handler: (m: unknown) => void = () => {};
  const calls: { method: string; params: unknown }[] = [];
  let view: number[] | null = null;
  const reply = (id: number, result: unknown): void => queueMicrotask(() => handler({ kind: 'response', id, ok: true, result }));
  const port: Port = {
    postMessage(m) {
      const req = m as RequestMessage<MethodName>;
      calls.push({ method: req.method, params: req.params });
      const p = req.params as Record<string, unknown>;
      switch (req.method) {
        case 'open':
          reply(req.id, { name: 'x.pcap', path: '/c/x.pcap', format: 'pcap', kind: 'packets', compressed: false, events: EVENTS, bytesRead: 1, fileSize: 1, firstTimeNs: '0', lastTimeNs: '0', linkTypes: [1], warnings: [], done: true, cancelled: false, loadMs: 1, extra: {} });
          break;
        case 'columns':
          reply(req.id, [{ id: 'no', title: 'No.', width: 60 }, { id: 'info', title: 'Info', width: 300 }]);
          break;
        case 'fields':
          reply(req.id, FIELDS);
          break;
        case 'filter': {
          const text = String(p.text);
          view = text ? Array.from({ length: MATCHED }, (_, i) => 2 * (i + 1)) : null;
          handler({ kind: 'event', type: 'filterProgress', text, matched: 10, tested: 20, total: EVENTS });
          reply(req.id, { ok: true, text, matched: view ? view.length : EVENTS, total: EVENTS, cancelled: false, errors: [], warnings: [], ms: 3 });
          break;
        }
        case 'rows': {
          const total = view ? view.length : EVENTS;
          const start = p.start as number;
          const count = Math.max(0, Math.min(p.count as number, total - start));
          const events = Uint32Array.from({ length: count }, (_, i) => (view ? view[start + i] : start + i + 1));
          const strings: string[] = [];
          const no = new Uint32Array(count);
          const info = new Uint32Array(count);
          events.forEach((e, i) => {
            no[i] = strings.push(String(e)) - 1;
            info[i] = strings.push(`event ${e}`) - 1;
          });
          const page: RowsPage = { start, events, cells: { no, info }, strings, generation: 0, times: new Float64Array(count), prevTimes: new Float64Array(count), timesNs: new BigInt64Array(count), prevTimesNs: new BigInt64Array(count), flags: new Uint8Array(count) };
          reply(req.id, page);
          break;
        }
        case 'details':
          reply(req.id, [{ label: 'Source Address: 10.0.0.1', field: 'ip.src', filterValue: '10.0.0.1', source: 0, offset: 0, length: 4 }]);
          break;
        case 'bytes':
          reply(req.id, { sources: [{ name: 'Frame', bytes: new Uint8Array(4) }] });
          break;
        default:
          reply(req.id, null);
      }
    },
    onMessage(h) {
      handler = h;
    },
    close() {},
  };
  return { port, calls };
}

function fakeHost(port: Port): AppHost {
  return {
    mode: 'browser', connectEngine: async () => port, pathForFile: () => null, showOpenDialog: async () => {}, openPath: async () => {},
    recentFiles: async () => [], onCommand: () => () => {}, samples: async () => [], addRecent: () => {},
  };
}

let root: Root | null = null;
let container: HTMLElement;

beforeAll(() => {
  // happy-dom fires selectionchange synchronously inside CodeMirror's own DOM update (browsers
  // queue it), which CodeMirror refuses; queued, it feeds back forever. The tests drive the
  // editor through transactions, so the DOM selection has nothing to tell it: drop the event.
  const dispatch = document.dispatchEvent.bind(document);
  document.dispatchEvent = (e: Event): boolean => (e.type === 'selectionchange' ? true : dispatch(e));
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 424 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});

afterEach(() => {
  act(() => root?.unmount());
  root = null;
  container?.remove();
  localStorage.clear();
});

const settle = async (): Promise<void> => {
  for (let i = 0; i < 6; i++) await act(async () => { await new Promise((r) => setTimeout(r, 5)); });
};

function editor(): EditorView {
  const el = container.querySelector('.filter-bar .cm-editor') as HTMLElement;
  const v = EditorView.findFromDOM(el);
  if (!v) throw new Error('no filter editor');
  return v;
}

async function type(text: string): Promise<void> {
  const v = editor();
  await act(async () => v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text }, selection: { anchor: text.length }, userEvent: 'input.type' }));
}

async function key(k: string): Promise<void> {
  const v = editor();
  await act(async () => { v.contentDOM.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true })); });
  await settle();
}

/** The first Esc closes an open completion list and keeps the text. */
async function closeCompletion(): Promise<void> {
  if (completionStatus(editor().state) === null) return;
  const before = editor().state.doc.toString();
  await key('Escape');
  expect(completionStatus(editor().state)).toBeNull();
  expect(editor().state.doc.toString()).toBe(before);
}

async function openCapture() {
  useApp.setState({ ...initialState });
  container = document.createElement('div');
  document.body.appendChild(container);
  const engine = fakeEngine();
  const session = createSession(fakeHost(engine.port));
  root = createRoot(container);
  await act(async () => root!.render(<App session={session} />));
  await act(async () => session.open({ kind: 'path', path: '/c/x.pcap' }));
  await settle();
  // The editor (CodeMirror, its own chunk) loads after the bar mounts.
  for (let i = 0; i < 200 && !container.querySelector('.filter-bar .cm-editor'); i++) await settle();
  return { engine, session };
}

const bar = () => container.querySelector('[data-testid="filter-bar"]') as HTMLElement;

describe('filter bar in the window', () => {
  it('colours as you type, shows the message and its fix, applies on Enter, Esc restores the applied filter, ✕ clears', async () => {
    const { engine } = await openCapture();
    expect(bar().getAttribute('data-status')).toBe('empty');

    await type('ip.srcc == 1.2.3.4');
    expect(bar().getAttribute('data-status')).toBe('invalid');
    const msg = container.querySelector('[data-testid="filter-message"]')!;
    expect(msg.textContent).toContain('"ip.srcc" is not a field — did you mean ip.src?');
    // Enter does not send an invalid filter.
    await key('Enter');
    expect(engine.calls.filter((c) => c.method === 'filter')).toEqual([]);

    await act(async () => (msg.querySelector('.filter-fix') as HTMLElement).click());
    expect(editor().state.doc.toString()).toBe('ip.src == 1.2.3.4');
    expect(bar().getAttribute('data-status')).toBe('valid');
    expect(container.querySelector('.cm-f-field')?.textContent).toBe('ip.src');

    await key('Enter');
    expect(engine.calls.filter((c) => c.method === 'filter').map((c) => c.params)).toEqual([{ text: 'ip.src == 1.2.3.4' }]);
    expect(useApp.getState().view).toMatchObject({ text: 'ip.src == 1.2.3.4', matched: MATCHED, total: EVENTS });
    expect(container.querySelector('[data-testid="status-displayed"]')?.textContent).toBe('Displayed: 500 of 1,000 (50.0%)');
    // The table pages the view: row 0 is event 2, and its row count is the match count.
    expect(container.querySelector('.row[data-row="0"] [data-col="no"]')?.textContent).toBe('2');
    expect(container.querySelector('.table-scroller')?.getAttribute('aria-rowcount')).toBe(String(MATCHED));
    expect(loadHistory(localStorage)).toEqual(['ip.src == 1.2.3.4']);

    // Esc cancels an edit: the applied filter comes back in the bar, the view stays filtered.
    await type('ip.src == 9.9.9');
    await closeCompletion();
    await key('Escape');
    expect(editor().state.doc.toString()).toBe('ip.src == 1.2.3.4');
    expect(bar().getAttribute('data-status')).toBe('valid');
    expect(useApp.getState().view).toMatchObject({ text: 'ip.src == 1.2.3.4' });
    expect(container.querySelector('.row[data-row="0"] [data-col="no"]')?.textContent).toBe('2');
    expect(engine.calls.filter((c) => c.method === 'filter')).toHaveLength(1);

    // ✕ clears: every event again.
    await act(async () => (container.querySelector('button[aria-label="Clear the filter"]') as HTMLElement).click());
    await settle();
    expect(editor().state.doc.toString()).toBe('');
    expect(useApp.getState().view).toBeNull();
    expect(container.querySelector('[data-testid="status-displayed"]')).toBeNull();
    expect(container.querySelector('.row[data-row="0"] [data-col="no"]')?.textContent).toBe('1');

    // Esc with no filter applied empties the bar and applies nothing.
    await type('tcp');
    await closeCompletion();
    await key('Escape');
    expect(editor().state.doc.toString()).toBe('');
    expect(engine.calls.filter((c) => c.method === 'filter')).toHaveLength(2);

    // ↑ brings back the applied filter.
    await key('ArrowUp');
    expect(editor().state.doc.toString()).toBe('ip.src == 1.2.3.4');
  });

  it('right-click on a details field: Prepare puts it in the bar, …and Selected applies the combination', async () => {
    const { engine } = await openCapture();
    await type('tcp');
    await act(async () => (container.querySelector('.row[data-row="0"]') as HTMLElement).dispatchEvent(new MouseEvent('mousedown', { bubbles: true })));
    await settle();
    const line = container.querySelector('.tree-line[data-field="ip.src"]') as HTMLElement;
    await act(async () => { line.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: 10, clientY: 10 })); });
    expect(container.querySelector('[role="menu"]')?.textContent).toContain('Apply as Filter');
    await act(async () => (container.querySelector('[data-action="prepare-and"]') as HTMLElement).click());
    await settle();
    expect(editor().state.doc.toString()).toBe('(tcp) && (ip.src == 10.0.0.1)');
    expect(engine.calls.filter((c) => c.method === 'filter')).toEqual([]);

    await act(async () => { line.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: 10, clientY: 10 })); });
    await act(async () => (container.querySelector('[data-action="apply-selected"]') as HTMLElement).click());
    await settle();
    expect(editor().state.doc.toString()).toBe('ip.src == 10.0.0.1');
    expect(engine.calls.filter((c) => c.method === 'filter').map((c) => c.params)).toEqual([{ text: 'ip.src == 10.0.0.1' }]);
    expect(useApp.getState().view?.matched).toBe(MATCHED);
  });

  it('saves the current filter as a button that applies it', async () => {
    const { engine } = await openCapture();
    await type('tcp.port == 80');
    await act(async () => (container.querySelector('.save-filter') as HTMLElement).click());
    const input = container.querySelector('.save-form input') as HTMLInputElement;
    await act(async () => {
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      set.call(input, 'Web');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => (container.querySelector('.save-form') as HTMLFormElement).requestSubmit());
    expect(loadSaved(localStorage)).toEqual([{ label: 'Web', text: 'tcp.port == 80' }]);
    await type('');
    await act(async () => (container.querySelector('.saved-filter') as HTMLElement).click());
    await settle();
    expect(engine.calls.filter((c) => c.method === 'filter').map((c) => c.params)).toEqual([{ text: 'tcp.port == 80' }]);
    expect(editor().state.doc.toString()).toBe('tcp.port == 80');
  });
});
