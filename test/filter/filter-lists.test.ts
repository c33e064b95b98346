/** The filter language's function names, keywords and type families are written once (shared/filter/ast.ts). */
import { describe, expect, it } from 'vitest';
import { FILTER_FUNCTIONS, FILTER_KEYWORDS, typeFamily, valueKind } from '../../shared/filter/ast.ts';
import { caretLine, completeAt, parseFilter } from '../../shared/filter/index.ts';
import { highlightTokens } from '../../renderer/filter/filter-logic.ts';
import { makeFieldIndex } from '../../shared/filter/index.ts';

const fields = makeFieldIndex([
  { name: 'tcp', type: 'protocol', description: 'TCP' },
  { name: 'tcp.port', type: 'uint', description: 'Port' },
  { name: 'http', type: 'protocol', description: 'HTTP' },
  { name: 'http.host', type: 'string', description: 'Host' },
]);

describe('one list of filter functions and keywords', () => {
  it('the checker, completion and highlighting all know every function', () => {
    for (const fn of FILTER_FUNCTIONS) {
      const arg = fn === 'abs' || fn === 'max' || fn === 'min' || fn === 'string' ? 'tcp.port' : 'http.host';
      const r = parseFilter(`${fn}(${arg}) ${fn === 'upper' || fn === 'lower' || fn === 'string' ? '== "x"' : '> 1'}`, fields);
      expect(r.ok, `${fn}: ${JSON.stringify(!r.ok && r.errors)}`).toBe(true);
      expect(completeAt(fn.slice(0, 2), 2, fields).options.map((o) => o.label)).toContain(`${fn}(`);
      expect(highlightTokens(`${fn}(tcp.port)`, fields)[0]).toMatchObject({ cls: 'function' });
    }
    const bad = parseFilter('lenn(http.host) > 1', fields);
    expect(!bad.ok && bad.errors[0].message).toContain(`functions are ${FILTER_FUNCTIONS.join(', ')}`);
  });

  it('completion offers every keyword, also any_eq and all_ne', () => {
    for (const kw of FILTER_KEYWORDS) {
      const text = `tcp.port ${kw.slice(0, -1)}`;
      if (kw.length < 2) continue;
      expect(completeAt(text, text.length, fields).options.map((o) => o.label), kw).toContain(kw);
    }
  });

  it('type families: numbers with numbers, byte strings with byte strings; at run time IPv4 and times are numbers', () => {
    expect(typeFamily('uint')).toBe(typeFamily('float'));
    expect(typeFamily('ether')).toBe(typeFamily('bytes'));
    expect(typeFamily('ipv4')).not.toBe(typeFamily('uint'));
    expect(valueKind('ipv4')).toBe('num');
    expect(valueKind('time')).toBe('num');
    expect(valueKind('ipv6')).toBe('bytes');
    expect(valueKind('string')).toBe('str');
  });

  it('the caret line is clamped to the filter text and never empty', () => {
    expect(caretLine('tcp.port == ', { message: '', from: 12, to: 12 })).toBe(`${' '.repeat(12)}^`);
    expect(caretLine('ab', { message: '', from: 9, to: 20 })).toBe('  ^');
    expect(caretLine('tcp.prt', { message: '', from: 0, to: 7 })).toBe('^^^^^^^');
  });
});
