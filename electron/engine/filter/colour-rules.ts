/**
 * Colouring rules evaluated in the engine: each rule's filter is compiled once per rule set with
 * the display-filter compiler, and an event is coloured by the first enabled rule that matches it
 * (Wireshark's color_filters_colorize_packet). One dissection per event records the fields of
 * every rule at once. A rule naming a field or protocol the engine does not know (tcp.analysis.*,
 * hsrp, sctp …) is inactive with a note, as Wireshark disables a rule it cannot compile; it stays
 * enabled in the user's list, so it works once the field exists.
 */
import type { ColourRule } from '../../../shared/colour-rules.ts';
import type { ColourRuleStatus } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { createDissection, type Dissection } from '../dissectors/dissection.ts';
import { allFields, fieldByName } from '../fields/registry.ts';
import { compileFilterText, type Predicate } from './compile.ts';

/** Fields that dissectors only produce when display texts are built (as run-filter.ts). */
const NEEDS_INFO = new Set(['frame.protocols', 'tcp.flags.str']);

export interface CompiledColourRules {
  /** Per rule of the set, in order: whether it takes part, and why not. */
  status: ColourRuleStatus[];
  /** How many rules take part. */
  active: number;
  /** The colour of `event`: index + 1 of the first matching rule of the set, 0 for none. */
  colour(capture: Capture, event: number): number;
}

export function compileColourRules(rules: readonly ColourRule[]): CompiledColourRules {
  const status: ColourRuleStatus[] = [];
  const tests: { index: number; predicate: Predicate }[] = [];
  const fields = new Set<string>();
  rules.forEach((r, index) => {
    if (r.disabled) {
      status.push({ active: false, note: 'disabled' });
      return;
    }
    const c = compileFilterText(r.filter);
    if (!c.ok) {
      status.push({ active: false, note: c.errors[0]?.message ?? 'the filter does not compile' });
      return;
    }
    status.push({ active: true });
    tests.push({ index, predicate: c.predicate });
    for (const f of c.fields) fields.add(f);
  });
  const d: Dissection = createDissection();
  const keep = new Uint8Array(allFields().length + 1);
  const protocols = new Uint8Array(keep.length);
  for (const name of fields) {
    const f = fieldByName(name);
    if (f) keep[f.id] = 1;
    const proto = fieldByName(name.split('.')[0]);
    if (proto) protocols[proto.id] = 1;
  }
  d.keep = keep;
  d.keepProtocols = protocols;
  const info = [...fields].some((f) => NEEDS_INFO.has(f));
  return {
    status,
    active: tests.length,
    colour(capture, event) {
      if (tests.length === 0) return 0;
      capture.dissect(event, d, { info });
      for (const t of tests) if (t.predicate(d)) return t.index + 1;
      return 0;
    },
  };
}
