/**
 * Keep the engine's colouring rules equal to the window's: on every open and on every change of
 * the rules or of View ▸ Colorize Packet List, send them (null when colouring is off), take the
 * engine's status per rule, and drop the cached rows so they come back with their colours (the
 * session asks for them again when the HTTP scan finishes, which the HTTP rule's `http` waits for).
 */
import { useEffect } from 'react';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';
import { useColours } from './colour-store.ts';

export function useColourSync(session: Session): void {
  const phase = useApp((s) => s.phase);
  const fileName = useApp((s) => s.fileName);
  const rules = useColours((s) => s.rules);
  const enabled = useColours((s) => s.enabled);
  useEffect(() => {
    if (phase !== 'open') return;
    const c = session.client();
    if (!c) return;
    let stale = false;
    c.call('colourRules', { rules: enabled ? rules : null }).then(
      (r) => {
        // A stand-in engine (component tests' fakes) may answer nothing: keep the flag colours.
        if (stale || c !== session.client() || !r) return;
        useColours.setState({ status: r.status });
        session.rows()?.clear();
      },
      () => {
        // An engine without colouring (older build): the table keeps its flag colours.
      },
    );
    // Rules naming http.* match only once the HTTP scan is done: the session fetches the rows
    // again then (their Protocol and Info change too).
    return () => {
      stale = true;
    };
  }, [phase, fileName, rules, enabled, session]);
}
