/**
 * Keep the engine's colouring rules equal to the window's: the session sends them before each
 * open (colour-sync.ts); on a change of the rules or of View ▸ Colorize Packet List they are sent
 * again (null when colouring is off), the engine's status per rule taken, and the cached rows
 * dropped so they come back with their colours (the session asks for them again when the HTTP
 * scan finishes, which the HTTP rule's `http` waits for).
 */
import { useEffect } from 'react';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';
import { engineHasColours, sendColourRules } from './colour-sync.ts';
import { useColours } from './colour-store.ts';

export function useColourSync(session: Session): void {
  const phase = useApp((s) => s.phase);
  const fileName = useApp((s) => s.fileName);
  const rules = useColours((s) => s.rules);
  const enabled = useColours((s) => s.enabled);
  useEffect(() => {
    if (phase !== 'open') return;
    const c = session.client();
    // Sent with the open: the rows on screen are already coloured by them.
    if (!c || engineHasColours(c, rules, enabled)) return;
    let stale = false;
    void sendColourRules(c).then((took) => {
      if (took && !stale && c === session.client()) session.rows()?.clear();
    });
    // Rules naming http.* match only once the HTTP scan is done: the session fetches the rows
    // again then (their Protocol and Info change too).
    return () => {
      stale = true;
    };
  }, [phase, fileName, rules, enabled, session]);
}
