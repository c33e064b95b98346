// @vitest-environment happy-dom
/**
 * The window against the RPC contract, with an in-memory engine double that answers the same
 * methods the real engine does (the real one is exercised by test/e2e in Chromium).
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DetailsNode, EventBytes, MethodName, Port, RequestMessage, RowsPage } from '../../shared/rpc.ts';
import { RowFlag } from '../../shared/rpc.ts';
import type { AppHost } from '../../renderer/host/app-host.ts';
import { App } from '../../renderer/app/App.tsx';
import { createSession } from '../../renderer/app/session.ts';
import { useApp, initialState } from '../../renderer/app/store.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

beforeAll(() => {
  // happy-dom does no layout: give every element a viewport so the lists draw rows.
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 424 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 424 });
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => 800 });
});

const EVENTS = 5000;
const BYTES = Uint8Array.from({ length: 60 }, (_, i) => (i * 7) & 0xff);
const DETAILS: DetailsNode[] = [
  { label: 'Frame', field: 'frame', source: 0, offset: 0, length: 60 },
  {
    label: 'Internet Protocol Version 4', field: 'ip', source: 0, offset: 14, length: 20,
    children: [{ label: 'Source Address: 10.0.0.1', field: 'ip.src', source: 0, offset: 26, length: 4, filterValue: '10.0.0.1' }],
  },
];

interface Engine { port: Port; calls: string[] }

/** An engine double: `open` of "bad.pcap" fails like an unreadable file does. */
function fakeEngine(): Engine {
  let handler: (m: unknown) => void = () => {};
  const calls: string[] = [];
  const reply = (id: number, result: unknown, error?: string): void => {
    queueMicrotask(() => handler(error ? { kind: 'response', id, ok: false, error } : { kind: 'response', id, ok: true, result }));
  };
  const info = (path: string) => ({
    name: path.split('/').pop()!, path, format: 'pcap', kind: 'packets', compressed: false, events: EVENTS, bytesRead: 100, fileSize: 100,
    firstTimeNs: '1700000000000000000', lastTimeNs: '1700000005000000000', linkTypes: [1], warnings: [], done: true, cancelled: false, loadMs: 12, extra: {},
  });
  const port: Port = {
    postMessage(m) {
      const req = m as RequestMessage<MethodName>;
      calls.push(req.method);
      const p = req.params as Record<string, unknown>;
      switch (req.method) {
        case 'open':
          if (String(p.path).endsWith('bad.pcap')) reply(req.id, null, 'bad.pcap: not a capture file: unknown magic 0x3c68746d at byte 0');
          else reply(req.id, info(String(p.path)));
          break;
        case 'columns':
          reply(req.id, [
            { id: 'no', title: 'No.', width: 60, align: 'right' },
            { id: 'time', title: 'Time', width: 100, align: 'right' },
            { id: 'info', title: 'Info', width: 300 },
          ]);
          break;
        case 'rows': {
          const start = p.start as number;
          const count = Math.max(0, Math.min(p.count as number, EVENTS - start));
          const strings: string[] = [];
          const no = new Uint32Array(count);
          const inf = new Uint32Array(count);
          for (let i = 0; i < count; i++) {
            no[i] = strings.push(String(start + i + 1)) - 1;
            inf[i] = strings.push(`Info of event ${start + i + 1}`) - 1;
          }
          const page: RowsPage = {
            start, events: Uint32Array.from({ length: count }, (_, i) => start + i + 1), cells: { no, info: inf }, strings,
            generation: 0,
            times: Float64Array.from({ length: count }, (_, i) => 1700000000 + (start + i) / 1000),
            prevTimes: Float64Array.from({ length: count }, (_, i) => 1700000000 + (start + i - 1) / 1000),
            timesNs: BigInt64Array.from({ length: count }, (_, i) => 1700000000_000000000n + BigInt(start + i) * 1_000_000n),
            prevTimesNs: BigInt64Array.from({ length: count }, (_, i) => 1700000000_000000000n + BigInt(start + i - 1) * 1_000_000n),
            flags: Uint8Array.from({ length: count }, (_, i) => ((start + i) % 10 === 0 ? RowFlag.TcpSyn : 0)),
          };
          reply(req.id, page);
          break;
        }
        case 'details': reply(req.id, DETAILS); break;
        case 'bytes': reply(req.id, { sources: [{ name: 'Frame', bytes: BYTES }] } satisfies EventBytes); break;
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
    mode: 'browser',
    connectEngine: async () => engine.port,
    pathForFile: () => null,
    showOpenDialog: async () => {},
    openPath: async () => {},
    recentFiles: async () => ['/tmp/recent.pcap'],
    onCommand: () => () => {},
    samples: async () => [{ name: 'gen-tls13-h2.pcapng', path: '/s/gen-tls13-h2.pcapng', description: 'HTTPS' }],
    addRecent: () => {},
  };
}

let root: Root | null = null;
let container: HTMLElement;

async function mount(engine: Engine) {
  useApp.setState({ ...initialState });
  container = document.createElement('div');
  document.body.appendChild(container);
  const session = createSession(fakeHost(engine));
  root = createRoot(container);
  await act(async () => root!.render(<App session={session} />));
  return session;
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await act(async () => { await new Promise((r) => setTimeout(r, 5)); });
};

afterEach(() => {
  act(() => root?.unmount());
  root = null;
  container.remove();
});

describe('the window', () => {
  it('shows the welcome screen with recent files and samples', async () => {
    await mount(fakeEngine());
    await settle();
    expect(container.textContent).toContain('Open a capture');
    expect(container.textContent).toContain('/tmp/recent.pcap');
    expect(container.textContent).toContain('gen-tls13-h2.pcapng');
  });

  it('opens a capture, shows rows, navigates by keyboard and links details to bytes', async () => {
    const engine = fakeEngine();
    const session = await mount(engine);
    await act(async () => session.open({ kind: 'path', path: '/c/x.pcap' }));
    await settle();
    const rows = () => [...container.querySelectorAll('.row')];
    expect(rows().length).toBeGreaterThan(10);
    expect(rows()[0].textContent).toContain('Info of event 1');
    expect(rows()[0].querySelector('[data-col="time"]')?.textContent).toBe('0.000000');
    expect(rows()[0].className).toContain('row-synfin');
    expect(container.querySelector('[data-testid="status-events"]')?.textContent).toContain('5,000');
    expect(useApp.getState().firstRowsMs).not.toBeNull();

    const grid = container.querySelector('.table-scroller') as HTMLElement;
    await act(async () => { grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true })); });
    await settle();
    expect(useApp.getState().selectedRow).toBe(EVENTS - 1);
    const last = container.querySelector('.row.selected');
    expect(last?.textContent).toContain(`Info of event ${EVENTS}`);
    expect(useApp.getState().selectedEvent).toBe(EVENTS);

    await act(async () => { grid.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', bubbles: true })); });
    await settle();
    expect(useApp.getState().selectedEvent).toBe(EVENTS - 1);
    expect(engine.calls).toContain('details');

    // Click a byte inside ip.src: the tree selects ip.src (expanding IPv4) and the bytes light up.
    const byte = container.querySelector('.hb[data-off="27"]') as HTMLElement;
    await act(async () => byte.click());
    await settle();
    expect(useApp.getState().selectedField).toEqual([1, 0]);
    expect(container.querySelector('.tree-line.selected')?.textContent).toContain('Source Address: 10.0.0.1');
    const lit = [...container.querySelectorAll('.hb.hl')].map((e) => e.getAttribute('data-off'));
    expect(lit).toEqual(['26', '27', '28', '29']);

    // Delta time shows the gap to the previous row.
    await act(async () => useApp.setState({ timeFormat: 'delta' }));
    expect(container.querySelector('.row.selected [data-col="time"]')?.textContent).toBe('0.001000');
  });

  it('shows which file failed and why', async () => {
    const session = await mount(fakeEngine());
    await act(async () => session.open({ kind: 'path', path: '/c/bad.pcap' }));
    await settle();
    const alert = container.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('Cannot open bad.pcap');
    expect(alert?.textContent).toContain('unknown magic 0x3c68746d at byte 0');
  });
});
