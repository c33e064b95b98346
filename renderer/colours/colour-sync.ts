/**
 * What colouring each engine has been sent, so the window sends its rules once per engine and
 * capture: before `open` (the first rows page then comes coloured) and again only when the
 * rules or View ▸ Colorize Packet List change. A second send would make the window drop and
 * fetch again the rows it has just drawn.
 */
import type { EngineClient } from '../../shared/engine-client.ts';
import type { ColourRule } from '../../shared/colour-rules.ts';
import { useColours } from './colour-store.ts';

interface Sent {
  rules: readonly ColourRule[];
  enabled: boolean;
}

const sent = new WeakMap<EngineClient, Sent>();

/** True when engine `c` has been sent exactly these rules (the same list) and switch. */
export function engineHasColours(c: EngineClient, rules: readonly ColourRule[], enabled: boolean): boolean {
  const s = sent.get(c);
  return s !== undefined && s.rules === rules && s.enabled === enabled;
}

/**
 * Send the window's colouring to engine `c` now (not awaited: the engine handles requests in
 * order, so one sent before `open` is in force for its first rows). Resolves with whether the
 * engine took them; its status per rule goes to the colour store.
 */
export function sendColourRules(c: EngineClient): Promise<boolean> {
  const { rules, enabled } = useColours.getState();
  sent.set(c, { rules, enabled });
  return c.call('colourRules', { rules: enabled ? rules : null }).then(
    (r) => {
      // A stand-in engine (component tests' fakes) may answer nothing: keep the flag colours.
      if (!r) return false;
      if (engineHasColours(c, rules, enabled)) useColours.setState({ status: r.status });
      return true;
    },
    // An engine without colouring (older build): the table keeps its flag colours.
    () => false,
  );
}
