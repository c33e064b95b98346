/** Details tree and bytes of the selected event, fetched from the engine on selection. */
import { useEffect, useState } from 'react';
import type { DetailsNode, EventBytes } from '../../shared/rpc.ts';
import type { Session } from './session.ts';
import { useApp } from './store.ts';

export interface EventData {
  roots: DetailsNode[] | null;
  bytes: EventBytes | null;
  loading: boolean;
  error: string | null;
}

export function useEventData(session: Session, event: number | null): EventData {
  // New TLS secrets change the tree of an encrypted event: fetch it again.
  const keysVersion = useApp((s) => s.keysVersion);
  const [data, setData] = useState<EventData>({ roots: null, bytes: null, loading: false, error: null });
  useEffect(() => {
    const client = session.client();
    if (event === null || !client) {
      setData({ roots: null, bytes: null, loading: false, error: null });
      return;
    }
    let live = true;
    setData((d) => ({ ...d, loading: true, error: null }));
    Promise.all([client.call('details', { event }), client.call('bytes', { event })]).then(
      ([roots, bytes]) => live && setData({ roots, bytes, loading: false, error: null }),
      (e: unknown) => live && setData({ roots: null, bytes: null, loading: false, error: `Event ${event}: ${e instanceof Error ? e.message : String(e)}` }),
    );
    return () => {
      live = false;
    };
  }, [session, event, keysVersion]);
  return data;
}
