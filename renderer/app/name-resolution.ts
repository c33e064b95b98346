/**
 * View ▸ Name Resolution: name the Source/Destination addresses (and the tree's IP address
 * lines) from the capture itself — its pcapng Name Resolution Blocks and the DNS answers in
 * its packets; never a lookup. Off by default, as Wireshark's network names. On every open and
 * every change the engine is told, and the cached rows are dropped so they come back named.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import type { Session } from './session.ts';
import { useApp } from './store.ts';

export const useNames = create<{ enabled: boolean }>(() => ({ enabled: false }));

export function setNameResolution(enabled: boolean): void {
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
