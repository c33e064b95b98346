// @vitest-environment happy-dom
/**
 * Capture ▸ Trace a Command… and Capture ▸ Packets…: the command split into argument chips (no
 * shell), what blocks Start (an open quote, a NUL, strace missing, a host that starts nothing),
 * the messages shown, and what is sent to the engine; the capture bar's Stop.
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureBar, PacketsDialog, TraceDialog } from '../../renderer/capture/CaptureDialogs.tsx';
import { shellNote, splitArgs } from '../../renderer/capture/argv.ts';
import { useCapture } from '../../renderer/capture/capture-store.ts';
import type { OpenSource, Session } from '../../renderer/app/session.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';
import type { CaptureTools } from '../../shared/rpc.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const TOOLS: CaptureTools = {
  allowed: true,
  note: 'test host',
  strace: null,
  tcpdump: null,
  interfaces: [{ name: 'eth0', description: '[Up, Running]' }, { name: 'any', description: '(Pseudo-device) [Up, Running]' }, { name: 'lo', description: '[Loopback]' }],
};

/** A session whose engine calls are recorded; `open` fails with `failWith` when given. */
function fakeSession(tools: CaptureTools, failWith?: string): { session: Session; opened: OpenSource[]; stops: number[] } {
  const opened: OpenSource[] = [];
  const stops: number[] = [];
  const session = {
    captureTools: async () => tools,
    open: async (source: OpenSource) => {
      opened.push(source);
      if (failWith) useApp.setState({ phase: 'error', error: { title: 'Cannot open', detail: failWith, canReopen: false } });
      else useApp.setState({ phase: 'open' });
    },
    close: () => useApp.setState({ phase: 'welcome', error: null }),
    stopCapture: async () => {
      stops.push(1);
    },
  } as unknown as Session;
  return { session, opened, stops };
}

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = '';
  useCapture.setState({ dialog: null, status: null });
  useApp.setState({ ...initialState });
});

async function render(node: React.ReactNode): Promise<void> {
  const el = document.createElement('div');
  document.body.appendChild(el);
  root = createRoot(el);
  await act(async () => root!.render(node));
  await act(() => new Promise((r) => setTimeout(r, 0)));
}

const $ = (id: string): HTMLElement | null => document.querySelector(`[data-testid="${id}"]`);

/** Type into a React-controlled input (the value setter React listens through). */
async function type(input: HTMLInputElement, text: string): Promise<void> {
  await act(async () => {
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    set.call(input, text);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

const chips = (): string[] => [...document.querySelectorAll('[data-testid="trace-argv"] .argv-chip')].map((c) => c.textContent ?? '');

describe('splitArgs', () => {
  it('splits on whitespace, keeps quoted text, expands nothing', () => {
    expect(splitArgs('curl -sk https://x/')).toEqual({ args: ['curl', '-sk', 'https://x/'], error: null });
    expect(splitArgs(`curl -H 'A: b c' "d \\"e\\" \\\\f" g\\ h ''`)).toEqual({ args: ['curl', '-H', 'A: b c', 'd "e" \\f', 'g h', ''], error: null });
    expect(splitArgs('echo $HOME *.txt ~ | wc')).toEqual({ args: ['echo', '$HOME', '*.txt', '~', '|', 'wc'], error: null });
    expect(splitArgs('  ')).toEqual({ args: [], error: null });
    expect(splitArgs(`sh -c 'echo hi`)).toEqual({ args: [], error: 'the single quote is not closed' });
    expect(shellNote(['echo', '$HOME', '|'])).toMatch(/\$ \| are passed as typed/);
    expect(shellNote(['curl', '-s'])).toBeNull();
  });
});

describe('TraceDialog', () => {
  it('shows the arguments as chips and starts the trace with exactly that argv', async () => {
    const f = fakeSession(TOOLS);
    useCapture.setState({ dialog: 'trace' });
    await render(<TraceDialog session={f.session} />);
    expect($('capture-note')?.textContent).toMatch(/test host/);
    const start = $('trace-start') as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    await type($('trace-command') as HTMLInputElement, `curl -sk -H 'X-A: 1' https://127.0.0.1:8443/`);
    expect(chips()).toEqual(['curl', '-sk', '-H', 'X-A: 1', 'https://127.0.0.1:8443/']);
    await act(async () => ($('trace-pcap') as HTMLInputElement).click());
    expect(start.disabled).toBe(false);
    await act(async () => start.click());
    await act(() => new Promise((r) => setTimeout(r, 0)));
    expect(f.opened).toEqual([{ kind: 'trace', params: { argv: ['curl', '-sk', '-H', 'X-A: 1', 'https://127.0.0.1:8443/'], pcap: true } }]);
    expect(useCapture.getState().dialog).toBeNull();
  });

  it('an open quote or a NUL blocks Start and says why', async () => {
    const f = fakeSession(TOOLS);
    useCapture.setState({ dialog: 'trace' });
    await render(<TraceDialog session={f.session} />);
    await type($('trace-command') as HTMLInputElement, `sh -c "echo`);
    expect($('trace-problem')?.textContent).toBe('the double quote is not closed');
    expect(($('trace-start') as HTMLButtonElement).disabled).toBe(true);
    await type($('trace-command') as HTMLInputElement, 'printf a\0b');
    expect($('trace-problem')?.textContent).toBe('argument 1 contains a NUL character');
    expect(($('trace-start') as HTMLButtonElement).disabled).toBe(true);
    expect(f.opened).toEqual([]);
  });

  it('says what to install when strace is missing, and that a host starts nothing when it may not', async () => {
    const missing = fakeSession({ ...TOOLS, strace: 'strace is not installed (Debian/Ubuntu: sudo apt-get install strace)' });
    useCapture.setState({ dialog: 'trace' });
    await render(<TraceDialog session={missing.session} />);
    expect($('strace-problem')?.textContent).toMatch(/apt-get install strace/);
    await type($('trace-command') as HTMLInputElement, 'true');
    expect(($('trace-start') as HTMLButtonElement).disabled).toBe(true);
    act(() => root?.unmount());
    const off = fakeSession({ ...TOOLS, allowed: false, note: 'the server listens on 0.0.0.0, not loopback only: it starts no programs for a window' });
    await render(<TraceDialog session={off.session} />);
    expect($('capture-not-allowed')?.textContent).toMatch(/not loopback only/);
  });

  it('a start the engine refuses keeps the dialog open with its message', async () => {
    const f = fakeSession(TOOLS, 'strace did not start nope: strace: Can\'t stat \'nope\': No such file or directory');
    useCapture.setState({ dialog: 'trace' });
    await render(<TraceDialog session={f.session} />);
    await type($('trace-command') as HTMLInputElement, 'nope');
    await act(async () => ($('trace-start') as HTMLButtonElement).click());
    await act(() => new Promise((r) => setTimeout(r, 0)));
    expect($('trace-failure')?.textContent).toMatch(/No such file or directory/);
    expect(useCapture.getState().dialog).toBe('trace');
    expect(useApp.getState().phase).toBe('welcome');
  });
});

describe('PacketsDialog', () => {
  it('lists the interfaces (any first choice), checks the filter, starts tcpdump', async () => {
    const f = fakeSession(TOOLS);
    useCapture.setState({ dialog: 'packets' });
    await render(<PacketsDialog session={f.session} />);
    const select = $('packets-iface') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['eth0', 'any', 'lo']);
    expect(select.value).toBe('any');
    await type($('packets-filter') as HTMLInputElement, 'x'.repeat(4097));
    expect($('packets-problem')?.textContent).toMatch(/longer than 4096/);
    expect(($('packets-start') as HTMLButtonElement).disabled).toBe(true);
    await type($('packets-filter') as HTMLInputElement, 'tcp port 443');
    await act(async () => ($('packets-start') as HTMLButtonElement).click());
    await act(() => new Promise((r) => setTimeout(r, 0)));
    expect(f.opened).toEqual([{ kind: 'packets', params: { iface: 'any', filter: 'tcp port 443' } }]);
  });

  it('says what to run when tcpdump may not capture', async () => {
    const f = fakeSession(TOOLS, 'Cannot capture packets: tcpdump needs CAP_NET_RAW to capture: run `sudo setcap cap_net_raw,cap_net_admin=eip $(command -v tcpdump)` once');
    useCapture.setState({ dialog: 'packets' });
    await render(<PacketsDialog session={f.session} />);
    await act(async () => ($('packets-start') as HTMLButtonElement).click());
    await act(() => new Promise((r) => setTimeout(r, 0)));
    expect($('packets-failure')?.textContent).toMatch(/setcap cap_net_raw/);
  });
});

describe('CaptureBar', () => {
  it('shows what runs with Stop, then how it ended', async () => {
    const f = fakeSession(TOOLS);
    useApp.setState({ info: { events: 42 } as never });
    useCapture.setState({ status: { kind: 'trace', state: 'running', what: ['curl', '-s', 'https://x/'], files: ['/t/trace.strace'], exitCode: null, secrets: 2, messages: [] } });
    await render(<CaptureBar session={f.session} />);
    expect($('capture-bar')?.textContent).toMatch(/Tracing curl -s https:\/\/x\/ — 42 events, 2 TLS secrets/);
    await act(async () => ($('capture-stop') as HTMLButtonElement).click());
    expect(f.stops).toEqual([1]);
    act(() => useCapture.setState({ status: { kind: 'trace', state: 'ended', what: ['curl'], files: [], exitCode: 143, secrets: 2, messages: ['stopped'] } }));
    expect($('capture-stop')).toBeNull();
    expect($('capture-bar')?.textContent).toMatch(/Traced curl.*stopped/);
  });
});
