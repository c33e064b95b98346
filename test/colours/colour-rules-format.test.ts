/** Wireshark's colorfilters file format: read and written as Wireshark 4.0 does (shared/colour-rules.ts). */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { colourRuleProblem, cssColour, MAX_COLOUR_RULES, formatColourRules, fromCss, parseColourRules, WIRESHARK_DEFAULT_COLORFILTERS } from '../../shared/colour-rules.ts';

const INSTALLED = '/usr/share/wireshark/colorfilters';

describe('colorfilters format', () => {
  it('round-trips Wireshark 4.0 default file byte for byte', () => {
    const p = parseColourRules(WIRESHARK_DEFAULT_COLORFILTERS);
    expect(p.skipped).toEqual([]);
    expect(p.rules).toHaveLength(20);
    expect(p.rules[0]).toEqual({
      name: 'Bad TCP',
      filter: 'tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack',
      disabled: false,
      bg: { r: 4718, g: 10030, b: 11796 },
      fg: { r: 63479, g: 34695, b: 34695 },
    });
    expect(p.rules.map((r) => r.name)).toContain('Spanning Tree Topology  Change');
    expect(formatColourRules(p.rules)).toBe(WIRESHARK_DEFAULT_COLORFILTERS);
  });

  it.skipIf(!existsSync(INSTALLED))('the built-in defaults are the installed Wireshark file, and it round-trips', () => {
    const text = readFileSync(INSTALLED, 'utf8');
    expect(WIRESHARK_DEFAULT_COLORFILTERS).toBe(text);
    expect(formatColourRules(parseColourRules(text).rules)).toBe(text);
  });

  it('reads disabled rules, comments, blank lines and CRLF; skips broken lines with their line number', () => {
    const text = [
      '# a comment',
      '',
      '!@Off@tcp@[1,2,3][4,5,6]',
      '  @Spaced@udp.port == 53@[65535,0,0][0,0,65535]   trailing words',
      '@NoColours@tcp@',
      'garbage',
      '@@tcp@[1,1,1][2,2,2]',
      '@TooBig@tcp@[70000,0,0][0,0,0]',
      '@Crlf@dns@[10,20,30][40,50,60]\r',
      '',
    ].join('\n');
    const p = parseColourRules(text);
    expect(p.rules.map((r) => [r.name, r.filter, r.disabled])).toEqual([
      ['Off', 'tcp', true],
      ['Spaced', 'udp.port == 53', false],
      ['Crlf', 'dns', false],
    ]);
    expect(p.rules[1].bg).toEqual({ r: 65535, g: 0, b: 0 });
    expect(p.rules[1].fg).toEqual({ r: 0, g: 0, b: 65535 });
    expect(p.skipped.map((s) => s.line)).toEqual([5, 6, 7, 8]);
    // Writing marks the disabled rule with `!`, as Wireshark does.
    expect(formatColourRules(p.rules).split('\n')[1]).toBe('!@Off@tcp@[1,2,3][4,5,6]');
  });

  it('an unterminated rule ends the file with a message, not a loop', () => {
    const p = parseColourRules('@Name@tcp.port == 80');
    expect(p.rules).toEqual([]);
    expect(p.skipped[0].message).toMatch(/closing @/);
  });

  it('hostile text: never throws, stays linear, stops at the rule limit with a message', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = '@!#[],0123456789 \n\rab';
    for (let k = 0; k < 200; k++) {
      const text = Array.from({ length: 300 }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      const p = parseColourRules(text);
      for (const r of p.rules) expect(colourRuleProblem(r) ?? 'ok').not.toMatch(/@/);
    }
    const many = '@r@tcp@[1,1,1][2,2,2]\n'.repeat(MAX_COLOUR_RULES + 5);
    const t0 = performance.now();
    const p = parseColourRules(many);
    expect(p.rules).toHaveLength(MAX_COLOUR_RULES);
    expect(p.skipped.at(-1)?.message).toMatch(/more than 1000 rules/);
    const long = `@name@${'x'.repeat(2_000_000)}`;
    expect(parseColourRules(long).rules).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('converts 16-bit colours to CSS and back', () => {
    expect(cssColour({ r: 4718, g: 10030, b: 11796 })).toBe('#12272e');
    expect(fromCss('#12272e')).toEqual({ r: 0x12 * 257, g: 0x27 * 257, b: 0x2e * 257 });
    expect(fromCss('red')).toBeUndefined();
  });

  it('refuses names and filters the format cannot hold', () => {
    const base = { disabled: false, bg: { r: 0, g: 0, b: 0 }, fg: { r: 0, g: 0, b: 0 } };
    expect(colourRuleProblem({ ...base, name: 'a@b', filter: 'tcp' })).toMatch(/@/);
    expect(colourRuleProblem({ ...base, name: 'x', filter: 'tcp\nudp' })).toMatch(/one line/);
    expect(colourRuleProblem({ ...base, name: 'x', filter: 'tcp' })).toBeUndefined();
  });
});
