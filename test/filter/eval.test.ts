import { describe, expect, it } from 'vitest';
import { compileFilterText, fieldsUsed } from '../../electron/engine/filter/compile.ts';
import { addField, createDissection, resetDissection, type Dissection } from '../../electron/engine/dissectors/dissection.ts';
import { defineField, defineProtocol, type FieldDef } from '../../electron/engine/fields/registry.ts';
import type { FieldValue } from '../../shared/fields.ts';

// Test-only fields (prefix `test.`), one per value type.
const F = {
  proto: defineProtocol('test', 'Test protocol'),
  u: defineField({ name: 'test.u', type: 'uint', description: 'uint', bits: 16 }),
  port: defineField({ name: 'test.port', type: 'uint', description: 'port', bits: 16, multi: true }),
  i: defineField({ name: 'test.i', type: 'int', description: 'int' }),
  big: defineField({ name: 'test.big', type: 'uint', description: 'uint64', bits: 64 }),
  f: defineField({ name: 'test.f', type: 'float', description: 'float' }),
  b: defineField({ name: 'test.b', type: 'bool', description: 'bool' }),
  flags: defineField({ name: 'test.flags', type: 'uint', description: 'flags', base: 'hex', bits: 8 }),
  syn: defineField({ name: 'test.flags.syn', type: 'bool', description: 'SYN', mask: 0x02 }),
  s: defineField({ name: 'test.s', type: 'string', description: 'string', multi: true }),
  bytes: defineField({ name: 'test.bytes', type: 'bytes', description: 'bytes' }),
  mac: defineField({ name: 'test.mac', type: 'ether', description: 'MAC' }),
  ip: defineField({ name: 'test.ip', type: 'ipv4', description: 'IPv4', multi: true }),
  ip6: defineField({ name: 'test.ip6', type: 'ipv6', description: 'IPv6' }),
  t: defineField({ name: 'test.t', type: 'time', description: 'time' }),
  rt: defineField({ name: 'test.rt', type: 'reltime', description: 'reltime' }),
  proto2: defineField({ name: 'test.enum', type: 'uint', description: 'enum', values: { '1': 'One', '2': 'Two' } }),
  absent: defineField({ name: 'test.absent', type: 'uint', description: 'never present' }),
};

/**
 * One event: bytes
 *   00 0b 82 01 fc 42 | c0 a8 00 01 | 12 | 47 45 54 20 2f 69 6e 64 65 78 | 00 50 | 01 bb
 *   mac (0-5)         | ip (6-9)    |flags| payload "GET /index" (11-20) | port 80 | port 443
 */
const BYTES = Uint8Array.from([0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42, 0xc0, 0xa8, 0x00, 0x01, 0x12, ...Buffer.from('GET /index'), 0x00, 0x50, 0x01, 0xbb]);

function event(): Dissection {
  const d = createDissection();
  resetDissection(d, BYTES);
  const top = addField(d, F.proto, 0, BYTES.length, -1);
  const add = (f: FieldDef, off: number, len: number, v?: FieldValue) => addField(d, f, off, len, top, v);
  add(F.mac, 0, 6);
  add(F.ip, 6, 4);
  add(F.ip, 0, 0, 0x0a000001); // a second address: 10.0.0.1 (generated)
  add(F.flags, 10, 1);
  add(F.syn, 10, 1);
  add(F.bytes, 11, 10);
  add(F.port, 21, 2);
  add(F.port, 23, 2);
  add(F.u, 21, 2);
  add(F.i, 0, 0, -7);
  add(F.big, 0, 0, 18446744073709551615n);
  add(F.f, 0, 0, 2.5);
  add(F.b, 0, 0, true);
  add(F.s, 0, 0, 'www.Example.com');
  add(F.s, 0, 0, 'mail.example.org');
  add(F.ip6, 0, 0, Uint8Array.from([0xfe, 0x80, ...new Array(13).fill(0), 1]));
  add(F.t, 0, 0, 1704103200.25); // 2024-01-01 10:00:00.25 UTC
  add(F.rt, 0, 0, 0.125);
  add(F.proto2, 0, 0, 2);
  return d;
}

const D = event();

function m(text: string, d: Dissection = D): boolean {
  const c = compileFilterText(text);
  if (!c.ok) throw new Error(`${text}: ${c.errors[0].message}`);
  return c.predicate(d);
}

const TRUE: string[] = [
  // existence
  'test',
  'test.port',
  'not test.absent',
  '!test.absent',
  // integers in every notation
  'test.u == 80',
  'test.u == 0x50',
  'test.u == 0120',
  'test.u == 0b1010000',
  "test.u == 'P'",
  'test.u eq 80',
  'test.u > 79 and test.u < 81 and test.u >= 80 and test.u <= 80',
  'test.u gt 79 && test.u lt 81 && test.u ge 80 && test.u le 80',
  'test.i == -7',
  'test.i < 0',
  'test.big == 18446744073709551615',
  'test.big > 9007199254740993',
  'test.f > 2.4 and test.f < 2.6',
  'test.b == True',
  'test.b == 1',
  'test.b != False',
  'test.flags.syn == 1',
  'test.flags.syn',
  'test.enum == Two',
  'test.enum == "two"',
  // multi-occurrence semantics
  'test.port == 80',
  'test.port == 443',
  'test.port != 22',
  'test.port !== 80',
  'test.port any_ne 80',
  'test.port ~= 80',
  'all test.port > 79',
  'any test.port > 442',
  'test.u === 80',
  'all test.port in {1..1000}',
  'test.u - 100 > 1000', // unsigned arithmetic wraps modulo 2^64 as in Wireshark
  'test.i - 100 < 0',
  'test.port in {1..100}',
  'test.port not in {22, 23}',
  // addresses
  'test.ip == 192.168.0.1',
  'test.ip == 10.0.0.1',
  'test.ip == 192.168.0.0/16',
  'test.ip == 10.0.0.0/8',
  'test.ip != 172.16.0.0/12',
  'test.ip in {10.0.0.0/8}',
  'test.ip in {10.0.0.0 .. 10.0.0.5}',
  'test.ip > 192.168.0.0',
  'test.ip6 == fe80::1',
  'test.ip6 == fe80::/10',
  'test.ip6 != ::1',
  'test.mac == 00:0b:82:01:fc:42',
  'test.mac == 00-0b-82-01-fc-42',
  'test.mac == 000b.8201.fc42',
  'test.mac eq 000b8201fc42',
  'test.mac[0:3] == 00:0b:82',
  'test.mac[3:] == 01:fc:42',
  'test.mac[-1] == 42',
  'test.mac < ff:ff:ff:ff:ff:ff',
  // bytes, strings and protocols
  'test.bytes contains "GET"',
  'test.bytes contains 47:45:54',
  'test.bytes contains 47.45.54',
  'test.bytes contains 0x2f',
  'test.bytes[0:3] == "GET"',
  'test.bytes[0:3] == 47:45:54',
  'test.bytes[:3] == "GET"',
  'test.bytes[4-5] == "/i"',
  'test.bytes[-5:] == "index"',
  'test.bytes[0,4-5,-1] == "G/ix"',
  'test.bytes[0:3] > "GEA"',
  'test contains "GET /"',
  'test[0:2] == 00:0b',
  'test[6:4] == c0:a8:00:01',
  'test[-2:] == 01:bb',
  'test matches "get /IN"',
  'test.bytes ~ "^get"',
  'test.ip[0] == c0',
  'test.s == "www.Example.com"',
  'test.s == www.Example.com',
  'test.s contains "Example"',
  'test.s matches "example\\\\.com$"',
  'not test.s matches "(?-i)example\\\\.com$"',
  'test.s ~ "(?-i)Example"',
  'test.s[0:4] == "www."',
  'test.s in {"x", "mail.example.org"}',
  'test.s > "a"',
  'test.s != "nothing"',
  // times
  'test.t >= "2024-01-01T10:00:00Z"',
  'test.t < "2024-01-01 10:00:01Z"',
  'test.t > "Jan 1, 2024 09:59:59 UTC"',
  'test.t >= 1704103200',
  'test.rt == 0.125',
  'test.rt in {0.1 .. 0.2}',
  // functions
  'len(test.bytes) == 10',
  'len(test.mac) == 6',
  'len(test.s) == 15',
  'len(test) == 25',
  'count(test.port) == 2',
  'count(test.ip) == 2',
  'upper(test.s) == "WWW.EXAMPLE.COM"',
  'lower(test.s) contains "example.com"',
  'string(test.u) == "80"',
  'string(test.ip) == "192.168.0.1"',
  'string(test.mac) == "00:0b:82:01:fc:42"',
  'string(test.u) matches "^8"',
  'abs(test.i) == 7',
  'max(test.port) == 443',
  'min(test.port, test.u, 100) == 80',
  'max(test.port, 1000) == 1000',
  // arithmetic and bitwise
  'test.u + 1 == 81',
  'test.u - 1 == 79',
  'test.u * 2 == 160',
  'test.u / 3 == 26',
  'test.u % 7 == 3',
  'test.port == test.u + 363',
  'test.u == 4 * {test.u - 60}',
  '-test.i == 7',
  'test.flags & 0x02',
  'test.flags & 0x10',
  'test.flags & 0x12 == 0x12',
  'test.flags bitwise_and 0x02',
  'test[10] & 02',
  'test[10:2] & 12:00',
  'test.big & 0xffffffffff == 0xffffffffff',
  // logic
  'test.u == 80 and test.port == 443',
  'test.u == 1 or test.port == 443',
  'test.u == 1 xor test.port == 443',
  'test.u == 80 ^^ test.port == 1',
  'not (test.u == 1 or test.u == 2)',
  '(test.u == 1 || test.u == 80) && !(test.s == "x")',
];

const FALSE: string[] = [
  'test.absent',
  'test.absent == 1',
  'test.absent != 1', // comparisons imply existence
  'test.absent in {1}',
  'test.bytes[100:1] contains 00',
  'count(test.absent) == 0',
  'test.u == 81',
  'test.u != 80',
  'test.port != 80', // all not equal
  'test.port == 22',
  'test.port === 80', // all equal
  'all test.port == 80',
  'all test.port > 100',
  'test.port in {1, 2, 3}',
  'test.port not in {80}',
  'all test.port in {80, 443}', // Wireshark: every value must match the same element
  'test.b == False',
  'test.flags.syn == 0',
  'test.enum == One',
  'test.ip == 172.16.0.0/12',
  'test.ip != 10.0.0.0/8',
  'test.ip != 192.168.0.1',
  'all test.ip == 10.0.0.0/8',
  'test.ip6 == ::1',
  'test.mac == ff:ff:ff:ff:ff:ff',
  'test.bytes contains "POST"',
  'test.bytes[0:3] == "get"',
  'test.bytes[8:5] == 00', // reaches past the end: no value
  'test.bytes[20:]',
  'test.bytes[-11:1]',
  'test[100-199]',
  'test.s == "WWW.EXAMPLE.COM"',
  'test.s contains "EXAMPLE"',
  'test.s ~ "(?-i)EXAMPLE"',
  'test.t < "2024-01-01 10:00:00Z"',
  'test.t > "2024-01-01 10:00:01Z"',
  'test.flags & 0x01',
  'test.flags & 0x12 == 0x02',
  'test.u / 0 == 1',
  'test.u == 80 and test.port == 1',
  'test.u == 80 xor test.port == 443',
  'not test',
  'upper(test.s) == "www.Example.com"',
  'string(test.u) matches "^9"',
  'max(test.port) == 80',
];

describe('evaluation over a hand-built event', () => {
  for (const t of TRUE) it(`matches: ${t}`, () => expect(m(t)).toBe(true));
  for (const t of FALSE) it(`does not match: ${t}`, () => expect(m(t)).toBe(false));
});

describe('field references', () => {
  it('read the selected event', () => {
    const sel = event();
    const c = compileFilterText('test.u == ${test.u} and test.port == $test.port', { reference: sel });
    expect(c.ok && c.predicate(D)).toBe(true);
    const none = compileFilterText('test.u == ${test.u}');
    expect(none.ok && none.predicate(D)).toBe(false);
  });
});

describe('compiled filter metadata', () => {
  it('lists the fields it needs', () => {
    const c = compileFilterText('test.u == 80 and len(test.s) > 1 or test[0] == 00');
    expect(c.ok && c.fields).toEqual(['test', 'test.s', 'test.u']);
    expect(c.ok && fieldsUsed(c.ast)).toEqual(['test', 'test.s', 'test.u']);
  });
  it('reports errors against the registry with suggestions', () => {
    const c = compileFilterText('test.prot == 80');
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.errors[0]).toMatchObject({ message: '"test.prot" is not a field — did you mean test.port?', from: 0, to: 9, suggestion: 'test.port' });
  });
  it('does not allocate per event for a plain field comparison', () => {
    const c = compileFilterText('test.port == 443');
    if (!c.ok) throw new Error('compile');
    let n = 0;
    const t0 = performance.now();
    for (let k = 0; k < 200_000; k++) if (c.predicate(D)) n++;
    expect(n).toBe(200_000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('the layer operator over a tunnelled event', () => {
  /** Two `test` headers, the second inside the first: ports 80/443 outer, 53 inner. */
  function tunnelled(): Dissection {
    const d = createDissection();
    resetDissection(d, BYTES);
    const outer = addField(d, F.proto, 0, BYTES.length, -1);
    addField(d, F.port, 21, 2, outer);
    addField(d, F.port, 23, 2, outer);
    const inner = addField(d, F.proto, 11, 10, outer);
    addField(d, F.port, 0, 0, inner, 53);
    return d;
  }
  const T = tunnelled();
  it('numbers the occurrences by the protocol header that holds them', () => {
    for (const f of ['test.port#1 == 80', 'test.port#1 == 443', 'test.port#2 == 53', 'test#2', 'test.port#[1-2] == 53', 'test.port#[2:] == 53', 'count(test.port#1) == 2', 'count(test.port#2) == 1', 'count(test.port) == 3', 'test#2[0:3] == "GET"', 'not test.port#3', 'all test.port#1 > 79'])
      expect(m(f, T), f).toBe(true);
    for (const f of ['test.port#2 == 80', 'test.port#1 == 53', 'test#3', 'test.port#0', 'test.port#[3-9]', 'test#1[0:3] == "GET"'])
      expect(m(f, T), f).toBe(false);
  });
});
