/**
 * View ▸ Name Resolution: name the Source/Destination addresses (and the tree's IP address
 * lines) from the capture itself — its pcapng Name Resolution Blocks and the DNS answers in
 * its packets; never a lookup. Off by default, as Wireshark's network names. On every open and
 * every change the engine is told, and the cached rows are dropped so they come back named.
 * The switch is saved per user in the window's localStorage, as the colouring switch and the
 * column layout are, and is back on the next start.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import type { Session } from './session.ts';
import { useApp } from './store.ts';

const NAMES_KEY = 'tracelens.nameResolution';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled for this origin
  }
}

/** The saved switch: off unless it was turned on (Wireshark's default for network names). */
export function loadNameResolution(store: Pick<Storage, 'getItem'> | null): boolean {
  return store?.getItem(NAMES_KEY) === '1';
}

export const useNames = create<{ enabled: boolean }>(() => ({ enabled: loadNameResolution(storage()) }));

export function setNameResolution(enabled: boolean): void {
  try {
    storage()?.setItem(NAMES_KEY, enabled ? '1' : '0');
  } catch {
    // Quota or disabled storage: the switch lasts for this window only.
  }
  useNames.setState({ enabled });
}

export function useNameResolutionSync(session: Session): void {
  const phase = useApp((s) => s.phase);
  const fileName = useApp((s) => s.fileName);
  const enabled = useNames((s) => s.enabled);
  useEffect(() => {
    if (phase !== 'open') return;
    const c = session.client();
    if (!c) return;
    let stale = false;
    c.call('nameResolution', { network: enabled, dns: enabled }).then(
      () => {
        if (stale || c !== session.client()) return;
        session.rows()?.clear();
      },
      () => {
        // An engine without name resolution (component tests' fakes): the table keeps its addresses.
      },
    );
    return () => {
      stale = true;
    };
  }, [phase, fileName, enabled, session]);
}
