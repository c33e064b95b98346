// @vitest-environment happy-dom
/**
 * Go to event (Ctrl+G) goes to the event by its number, as Wireshark's Go to Packet: under a
 * display filter that is the event's row in the filtered view, not row N; an event the filter
 * hides, or a number past the end, is said so and the selection stays.
 */
import { join } from 'node:path';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App, runCommand } from '../../renderer/app/App.tsx';
import { createSession, type Session } from '../../renderer/app/session.ts';
import { initialState, useApp } from '../../renderer/app/store.ts';
import { CORPUS } from '../engine/corpus.ts';
import { inProcessHost } from './in-process-host.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// 33 frames; tcp.len > 0 shows frames 4, 6, 8, … (gen-http11-plain.pcap.oracle.txt).
const PCAP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');

let root: Root | null = null;
let container: HTMLElement;
let session: Session | null = null;

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 424 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});

afterEach(() => {
  act(() => root?.unmount());
  root = null;
  session?.close();
  session = null;
  container?.remove();
});

const settle = async (until: () => boolean): Promise<void> => {
  for (let i = 0; i < 600 && !until(); i++) await act(async () => { await new Promise((r) => setTimeout(r, 10)); });
};

describe('Go to event', () => {
  it('goes to the event by number under a filter, and says when it is hidden or absent', async () => {
    useApp.setState({ ...initialState });
    container = document.createElement('div');
    document.body.appendChild(container);
    session = createSession(inProcessHost());
    root = createRoot(container);
    await act(async () => root!.render(<App session={session!} />));
    await act(async () => session!.open({ kind: 'path', path: PCAP }, true));
    await settle(() => useApp.getState().info?.done === true);
    await act(async () => void (await session!.applyFilter('tcp.len > 0')));
    await settle(() => useApp.getState().view?.text === 'tcp.len > 0');
    const view = useApp.getState().view;
    expect(view && view.matched).toBeGreaterThan(2);
    // The second shown row is some event k > 2: Go to k selects it, not row k-1.
    const rows = await session!.client()!.call('rows', { start: 0, count: 3 });
    const target = rows.events[2];
    expect(target).toBeGreaterThan(3);
    await act(async () => runCommand(session!, 'go-to-event', String(target), () => {}));
    await settle(() => useApp.getState().selectedEvent === target);
    expect(useApp.getState().selectedEvent).toBe(target);
    expect(useApp.getState().selectedRow).toBe(2);
    // Frame 1 (a SYN, no payload) is hidden by the filter: a notice, the selection stays.
    await act(async () => runCommand(session!, 'go-to-event', '1', () => {}));
    await settle(() => useApp.getState().keyNotice !== null);
    expect(useApp.getState().keyNotice?.text).toBe('event 1 is not shown by the filter in force');
    expect(useApp.getState().selectedEvent).toBe(target);
    await act(async () => runCommand(session!, 'go-to-event', '999', () => {}));
    await settle(() => useApp.getState().keyNotice?.text.startsWith('there is no') === true);
    expect(useApp.getState().keyNotice?.text).toMatch(/^there is no event 999 \(events 1–\d+\)$/);
  }, 60_000);
});
