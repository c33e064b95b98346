/** Colouring rules through the engine RPC: rows pages carry each row's rule, a new set a new generation. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseColourRules, WIRESHARK_DEFAULT_COLORFILTERS } from '../../shared/colour-rules.ts';
import { inProcessEngine, openDone } from '../engine/in-process-engine.ts';
import { CORPUS } from '../engine/corpus.ts';

const rules = parseColourRules(WIRESHARK_DEFAULT_COLORFILTERS).rules;
const names = rules.map((r) => r.name);

describe('colourRules', () => {
  it('colours rows with the first matching rule, per page, until turned off', async () => {
    const c = inProcessEngine();
    await openDone(c, join(CORPUS, 'pcap/tcpdump-tests/print-flags.pcap'));
    const plain = await c.call('rows', { start: 0, count: 100 });
    expect(plain.colours).toBeUndefined();
    const set = await c.call('colourRules', { rules });
    expect(set.generation).toBeGreaterThan(plain.generation);
    expect(set.status).toHaveLength(rules.length);
    // Bad TCP names tcp.analysis.* fields (layers/tcp-analysis.ts); a rule naming a protocol not dissected here stays inactive.
    expect(set.status[names.indexOf('Bad TCP')]).toEqual({ active: true });
    expect(set.status[names.indexOf('SMB')]).toMatchObject({ active: false });
    expect(set.status[names.indexOf('TCP')]).toEqual({ active: true });
    const page = await c.call('rows', { start: 0, count: 100 });
    expect(page.generation).toBe(set.generation);
    const byRow = [...page.colours!].map((k) => (k === 0 ? '' : names[k - 1]));
    // tshark -r print-flags.pcap --color -e frame.coloring_rule.name: every frame is HTTP
    // (tcp.port == 80, a rule before TCP SYN/FIN).
    expect(new Set(byRow)).toEqual(new Set(['HTTP']));
    // A disabled rule (Wireshark's `!@`) is skipped: with HTTP off, the SYN is TCP SYN/FIN.
    await c.call('colourRules', { rules: rules.map((r) => (r.name === 'HTTP' ? { ...r, disabled: true } : r)) });
    const off = await c.call('rows', { start: 0, count: 3 });
    expect([...off.colours!].map((k) => names[k - 1])).toEqual(['TCP SYN/FIN', 'TCP SYN/FIN', 'TCP']);
    await c.call('colourRules', { rules: null });
    expect((await c.call('rows', { start: 0, count: 1 })).colours).toBeUndefined();
    await expect(c.call('colourRules', { rules: [{ name: 'x', filter: 'tcp', disabled: false, bg: { r: -1, g: 0, b: 0 }, fg: { r: 0, g: 0, b: 0 } }] })).rejects.toThrow(/16-bit/);
    c.close();
  });
});
