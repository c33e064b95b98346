import { describe, expect, it } from 'vitest';
import { DECODE_AS_KEY, loadRules, parseRules, parseRuleValue, ruleText, saveRules, tableMax, type RuleStore } from '../../renderer/decode-as/rules.ts';

function memory(): RuleStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

describe('Decode As rules store', () => {
  it('round-trips rules and removes the key when empty', () => {
    const s = memory();
    saveRules([{ table: 'udp.port', value: 67, protocol: 'data' }], s);
    expect(loadRules(s)).toEqual([{ table: 'udp.port', value: 67, protocol: 'data' }]);
    saveRules([], s);
    expect(s.map.has(DECODE_AS_KEY)).toBe(false);
  });
  it('keeps only well-formed stored rules', () => {
    expect(parseRules('not json')).toEqual([]);
    expect(parseRules('{"a":1}')).toEqual([]);
    expect(parseRules('[{"table":"tcp.port","value":8000,"protocol":"dns"},{"table":1},{"table":"udp.port","value":-1,"protocol":"x"},{"table":"udp.port","value":1.5,"protocol":"x"}]'))
      .toEqual([{ table: 'tcp.port', value: 8000, protocol: 'dns' }]);
  });
  it('parses typed values within the table range', () => {
    expect(parseRuleValue('8000', tableMax('tcp.port'))).toBe(8000);
    expect(parseRuleValue('0x86dd', tableMax('ethertype'))).toBe(0x86dd);
    expect(parseRuleValue('70000', tableMax('udp.port'))).toBeNull();
    expect(parseRuleValue('300', tableMax('ip.proto'))).toBeNull();
    expect(parseRuleValue('', 10)).toBeNull();
    expect(parseRuleValue('1e3', 10_000)).toBeNull();
  });
  it('prints the tshark -d form', () => {
    expect(ruleText({ table: 'tcp.port', value: 8000, protocol: 'http' })).toBe('tcp.port==8000,http');
  });
});
