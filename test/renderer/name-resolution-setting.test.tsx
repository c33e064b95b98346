// @vitest-environment happy-dom
/**
 * View ▸ Name Resolution is saved per user (localStorage, as the colouring switch and the column
 * layout) and is back after the window reloads: the modules are loaded afresh, as a new start of
 * the window loads them, and the table shows the names at once.
 */
import { join } from 'node:path';
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import type { AppHost } from '../../renderer/host/app-host.ts';
import type { HostCommand } from '../../shared/host-bridge.ts';

const DNS_TCP = join(CORPUS, 'pcap/tcpdump-tests/dns_tcp.pcap');
// tshark -r dns_tcp.pcap -T fields -e _ws.col.Destination -c 1 (4.0.17): 209.87.249.18; with -2 -N dn: nic.sandelman.ca.
const ADDRESS = '209.87.249.18';
const NAME = 'nic.sandelman.ca';

let root: Root | null = null;
let container: HTMLElement | null = null;
let close: (() => void) | null = null;

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 424 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
});

afterEach(() => {
  act(() => root?.unmount());
  root = null;
  close?.();
  close = null;
  container?.remove();
});

const settle = async (until: () => boolean): Promise<void> => {
  for (let i = 0; i < 500; i++) {
    await act(async () => { await new Promise((r) => setTimeout(r, 10)); });
    if (until()) return;
  }
};

const destination = (): string | null | undefined => container?.querySelector('.row[data-row="0"] [data-col="destination"]')?.textContent;
const checkbox = (): HTMLInputElement | null => container?.querySelector('[data-testid="name-resolution"]') ?? null;

/** A fresh start of the window: every renderer module loaded again, the capture opened. */
async function start(mode: 'browser' | 'desktop'): Promise<{ names: () => boolean; command: (c: HostCommand) => void }> {
  vi.resetModules();
  const { App } = await import('../../renderer/app/App.tsx');
  const { createSession } = await import('../../renderer/app/session.ts');
  const { useNames } = await import('../../renderer/app/name-resolution.ts');
  const { inProcessHost } = await import('./in-process-host.ts');
  let onCommand: (c: HostCommand, arg?: string) => void = () => {};
  const host: AppHost = { ...inProcessHost(mode), onCommand: (h) => ((onCommand = h), () => {}) };
  const session = createSession(host);
  close = () => session.close();
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
  await act(async () => root!.render(createElement(App, { session })));
  await act(async () => session.open({ kind: 'path', path: DNS_TCP }, true));
  await settle(() => !!destination());
  return { names: () => useNames.getState().enabled, command: (c) => act(() => onCommand(c)) };
}

async function reload(mode: 'browser' | 'desktop'): ReturnType<typeof start> {
  act(() => root?.unmount());
  root = null;
  close?.();
  container?.remove();
  return start(mode);
}

describe('View ▸ Name Resolution is saved', () => {
  it('stays on across a reload of the window, and off once turned off', async () => {
    localStorage.clear();
    let w = await start('browser');
    expect(w.names()).toBe(false);
    expect(destination()).toBe(ADDRESS);
    await act(async () => checkbox()!.click());
    await settle(() => destination() === NAME);
    expect(destination()).toBe(NAME);

    w = await reload('browser');
    expect(w.names(), 'on after the reload').toBe(true);
    expect(checkbox()?.checked).toBe(true);
    await settle(() => destination() === NAME);
    expect(destination()).toBe(NAME);

    // The desktop menu's View ▸ Name Resolution turns it off; that is saved too.
    w = await reload('desktop');
    expect(w.names()).toBe(true);
    w.command('name-resolution');
    await settle(() => destination() === ADDRESS);
    expect(destination()).toBe(ADDRESS);
    w = await reload('browser');
    expect(w.names(), 'off after the reload').toBe(false);
    expect(checkbox()?.checked).toBe(false);
    expect(destination()).toBe(ADDRESS);
  }, 60_000);
});
