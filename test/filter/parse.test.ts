import { describe, expect, it } from 'vitest';
import type { FieldInfo } from '../../shared/fields.ts';
import type { Const, FilterAst, Value } from '../../shared/filter/ast.ts';
import { completeAt, fieldsUsed, makeFieldIndex, parseFilter } from '../../shared/filter/index.ts';
import { parseAbsTime, parseBytes, parseIpv6 } from '../../shared/filter/literals.ts';

const FIELDS: FieldInfo[] = [
  { name: 'frame', type: 'protocol', description: 'Frame' },
  { name: 'frame.len', type: 'uint', description: 'Frame length' },
  { name: 'frame.number', type: 'framenum', description: 'Frame number' },
  { name: 'frame.time', type: 'time', description: 'Arrival time' },
  { name: 'frame.time_delta', type: 'reltime', description: 'Delta' },
  { name: 'eth', type: 'protocol', description: 'Ethernet' },
  { name: 'eth.src', type: 'ether', description: 'Source' },
  { name: 'eth.addr', type: 'ether', description: 'Address', multi: true },
  { name: 'ip', type: 'protocol', description: 'IPv4' },
  { name: 'udp', type: 'protocol', description: 'UDP' },
  { name: 'ip.src', type: 'ipv4', description: 'Source' },
  { name: 'ip.dst', type: 'ipv4', description: 'Destination' },
  { name: 'ip.addr', type: 'ipv4', description: 'Address', multi: true },
  { name: 'ip.proto', type: 'uint', description: 'Protocol', values: { '6': 'TCP', '17': 'UDP' } },
  { name: 'ip.flags.df', type: 'bool', description: "Don't fragment" },
  { name: 'ipv6.src', type: 'ipv6', description: 'Source' },
  { name: 'tcp', type: 'protocol', description: 'TCP' },
  { name: 'tcp.port', type: 'uint', description: 'Port', multi: true },
  { name: 'tcp.srcport', type: 'uint', description: 'Source port' },
  { name: 'tcp.dstport', type: 'uint', description: 'Destination port' },
  { name: 'tcp.flags', type: 'uint', description: 'Flags', base: 'hex' },
  { name: 'tcp.payload', type: 'bytes', description: 'Payload' },
  { name: 'tcp.nxtseq', type: 'uint', description: 'Next sequence number', deprecated: 'tcp.nextseq' },
  { name: 'dns.qry.name', type: 'string', description: 'Name', multi: true },
  { name: 'dns.flags.rcode', type: 'uint', description: 'Reply code', values: { '0': 'No error', '3': 'No such name' } },
  { name: 'http.request.method', type: 'string', description: 'Method', values: { GET: 'GET', POST: 'POST' } },
  { name: 'test.i', type: 'int', description: 'Signed' },
  { name: 'test.f', type: 'float', description: 'Float' },
];
const index = makeFieldIndex(FIELDS);

function ok(text: string): FilterAst {
  const r = parseFilter(text, index);
  if (!r.ok) throw new Error(`${text}: ${r.errors[0].message}`);
  return r.ast;
}
function err(text: string) {
  const r = parseFilter(text, index);
  if (r.ok) throw new Error(`${text}: expected an error`);
  return r.errors[0];
}
/** The constant on the right of a comparison. */
function rhs(text: string): Const {
  const a = ok(text);
  if (a.t !== 'cmp' && a.t !== 'contains') throw new Error(`${text}: not a comparison`);
  const r = a.r as Value;
  if (r.v !== 'const') throw new Error(`${text}: right side not constant`);
  return r.c;
}
const num = (text: string) => (rhs(text) as { v: number | bigint }).v;
const bytes = (text: string) => Array.from((rhs(text) as { v: Uint8Array }).v);

describe('literal forms', () => {
  it('integers: decimal, hex, octal, binary, character constants', () => {
    for (const f of ['frame.len > 10', 'frame.len > 012', 'frame.len > 0xa', 'frame.len > 0b1010', "frame.len > '\\n'", "frame.len > '\\x0a'", "frame.len > '\\012'"]) {
      expect(num(f), f).toBe(10);
    }
    expect(num("frame.len == 'A'")).toBe(65);
    expect(num('frame.len == 0')).toBe(0);
    expect(num('test.i == -5')).toBe(-5);
    expect(num('frame.len == 18446744073709551615')).toBe(18446744073709551615n);
  });
  it('enumerated value names', () => {
    expect(num('ip.proto == UDP')).toBe(17);
    expect(num('ip.proto == Tcp')).toBe(6);
    expect(num('dns.flags.rcode == "No such name"')).toBe(3);
  });
  it('booleans', () => {
    for (const [t, v] of [['True', 1], ['TRUE', 1], ['true', 1], ['1', 1], ['5', 1], ['False', 0], ['FALSE', 0], ['0', 0]] as const) {
      expect(num(`ip.flags.df == ${t}`), t).toBe(v);
    }
  });
  it('floats and relative times', () => {
    expect(num('test.f > 1.5')).toBe(1.5);
    expect(num('frame.time_delta >= 0.25')).toBe(0.25);
    expect(num('frame.time_delta >= 1e-3')).toBe(0.001);
    expect(num('frame.time_delta >= 2')).toBe(2);
  });
  it('strings with every escape, and raw strings', () => {
    const s = (t: string) => (rhs(`dns.qry.name == ${t}`) as { v: string }).v;
    expect(s('"a\\"b"')).toBe('a"b');
    expect(s('"\\\\"')).toBe('\\');
    expect(s('"\\a\\b\\f\\n\\r\\t\\v"')).toBe('\x07\b\f\n\r\t\v');
    expect(s('"\\x48EAD"')).toBe('HEAD');
    expect(s('"\\110EAD"')).toBe('HEAD');
    expect(s('"\\u00e9"')).toBe('é');
    expect(s('"\\U0001F600"')).toBe('😀');
    expect(s("'\\''".replace(/^'|'$/g, '"').replace("\\'", "\\'"))).toBe("'");
    expect(s('r"\\\\SERVER\\SHARE"')).toBe('\\\\SERVER\\SHARE');
    expect(s('r"a\\"b"')).toBe('a\\"b');
    expect(s('example.com')).toBe('example.com');
  });
  it('byte strings with : - . separators, bare hex, one-byte hex integers, strings', () => {
    expect(bytes('tcp.payload == 01:02:ff')).toEqual([1, 2, 255]);
    expect(bytes('tcp.payload == 01-02-ff')).toEqual([1, 2, 255]);
    expect(bytes('tcp.payload == 0.1.0.d')).toEqual([0, 1, 0, 13]);
    expect(bytes('tcp.payload == 7a')).toEqual([0x7a]);
    expect(bytes('tcp.payload == 0102ff')).toEqual([1, 2, 255]);
    expect(bytes('tcp.payload == 0xff')).toEqual([255]);
    expect(bytes('tcp.payload contains "GET"')).toEqual([0x47, 0x45, 0x54]);
    expect(bytes('tcp.payload contains 47.45.54')).toEqual([0x47, 0x45, 0x54]);
    expect(bytes('tcp.payload contains "\\xff\\x00"')).toEqual([255, 0]);
    expect(bytes("frame[0] == 'a'")).toEqual([0x61]);
  });
  it('MAC addresses in every notation', () => {
    for (const t of ['00:0b:82:01:fc:42', '00-0b-82-01-fc-42', '000b.8201.fc42', '000b8201fc42', '00:0B:82:01:FC:42']) {
      expect(bytes(`eth.src == ${t}`), t).toEqual([0, 0x0b, 0x82, 1, 0xfc, 0x42]);
    }
  });
  it('IPv4 addresses and CIDR networks', () => {
    expect(num('ip.src == 192.168.0.1')).toBe(0xc0a80001);
    expect(rhs('ip.src == 10.0.0.0/8')).toEqual({ k: 'net4', addr: 0x0a000000, bits: 8 });
    expect(num('ip.src == 10.1.2.3/32')).toBe(0x0a010203);
    expect(num('ip.src > 10.0.0.0')).toBe(0x0a000000);
  });
  it('IPv6 addresses and networks', () => {
    expect(Array.from(parseIpv6('::1')!)).toEqual([...new Array(15).fill(0), 1]);
    expect(Array.from(parseIpv6('2001:db8::ff00:42:8329')!)).toEqual([0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0x42, 0x83, 0x29]);
    expect(Array.from(parseIpv6('::ffff:1.2.3.4')!).slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toBeDefined();
    expect(parseIpv6('1::2::3')).toBeUndefined();
    expect(parseIpv6('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(bytes('ipv6.src == fe80::1')).toHaveLength(16);
    const net = rhs('ipv6.src == fe80::/10');
    expect(net.k).toBe('net6');
  });
  it('absolute times: ISO 8601, legacy, UTC and offsets', () => {
    expect(num('frame.time >= "2024-01-01T10:00:00Z"')).toBe(Date.UTC(2024, 0, 1, 10) / 1000);
    expect(num('frame.time >= "2024-01-01 10:00:00.5Z"')).toBe(Date.UTC(2024, 0, 1, 10) / 1000 + 0.5);
    expect(num('frame.time >= "2024-01-01 12:00:00+02:00"')).toBe(Date.UTC(2024, 0, 1, 10) / 1000);
    expect(num('frame.time >= "Sep 26, 2004 23:18:04.954975 UTC"')).toBeCloseTo(Date.UTC(2004, 8, 26, 23, 18, 4) / 1000 + 0.954975, 6);
    expect(num('frame.time >= "2024-01-01 10:00:00"')).toBe(new Date(2024, 0, 1, 10).getTime() / 1000);
    expect(parseAbsTime('2024-02-30 00:00:00Z')).toBeUndefined();
  });
  it('bytes parser rejects odd forms', () => {
    expect(parseBytes('012')).toBeUndefined();
    expect(parseBytes('01:')).toBeUndefined();
    expect(parseBytes('0g')).toBeUndefined();
  });
  it('field references', () => {
    for (const t of ['frame.len > ${frame.len}', 'frame.len > $frame.len']) {
      const a = ok(t);
      expect(a.t === 'cmp' && a.r.v === 'ref' && a.r.name === 'frame.len', t).toBe(true);
    }
  });
});

describe('operators and structure', () => {
  const cmp = (t: string) => {
    const a = ok(t);
    if (a.t !== 'cmp') throw new Error('not cmp');
    return [a.op, a.quant];
  };
  it('maps every spelling to Wireshark semantics', () => {
    expect(cmp('tcp.port == 80')).toEqual(['eq', 'any']);
    expect(cmp('tcp.port eq 80')).toEqual(['eq', 'any']);
    expect(cmp('tcp.port any_eq 80')).toEqual(['eq', 'any']);
    expect(cmp('tcp.port != 80')).toEqual(['ne', 'all']);
    expect(cmp('tcp.port ne 80')).toEqual(['ne', 'all']);
    expect(cmp('tcp.port all_ne 80')).toEqual(['ne', 'all']);
    expect(cmp('tcp.port === 80')).toEqual(['eq', 'all']);
    expect(cmp('tcp.port all_eq 80')).toEqual(['eq', 'all']);
    expect(cmp('tcp.port !== 80')).toEqual(['ne', 'any']);
    expect(cmp('tcp.port any_ne 80')).toEqual(['ne', 'any']);
    expect(cmp('tcp.port ~= 80')).toEqual(['ne', 'any']);
    expect(cmp('tcp.port > 80')).toEqual(['gt', 'any']);
    expect(cmp('tcp.port gt 80')).toEqual(['gt', 'any']);
    expect(cmp('tcp.port >= 80')).toEqual(['ge', 'any']);
    expect(cmp('tcp.port ge 80')).toEqual(['ge', 'any']);
    expect(cmp('tcp.port < 80')).toEqual(['lt', 'any']);
    expect(cmp('tcp.port lt 80')).toEqual(['lt', 'any']);
    expect(cmp('tcp.port <= 80')).toEqual(['le', 'any']);
    expect(cmp('tcp.port le 80')).toEqual(['le', 'any']);
    expect(cmp('all tcp.port > 1024')).toEqual(['gt', 'all']);
    expect(cmp('any tcp.port != 80')).toEqual(['ne', 'any']);
  });
  it('precedence: not > and > xor > or; parentheses', () => {
    const a = ok('tcp and ip or not eth and frame');
    expect(a.t).toBe('or');
    const b = ok('tcp && ip ^^ eth || frame');
    expect(b.t).toBe('or');
    expect(b.t === 'or' && b.l.t).toBe('xor');
    const c = ok('!(tcp or ip) and AND_ME == 1'.replace('AND_ME', 'frame.len'));
    expect(c.t === 'and' && c.l.t).toBe('not');
    expect(ok('tcp xor ip').t).toBe('xor');
    expect(ok('tcp AND ip').t).toBe('and');
  });
  it('arithmetic with {} grouping, bitwise and, unary minus', () => {
    const a = ok('tcp.dstport >= 4 * {tcp.srcport + 3}');
    expect(a.t === 'cmp' && a.r.v === 'arith' && a.r.op).toBe('*');
    expect(ok('tcp.flags & 0x02').t).toBe('nonzero');
    expect(ok('tcp.flags bitwise_and 0x02').t).toBe('nonzero');
    expect(ok('tcp.flags & 0x12 == 0x12').t).toBe('cmp');
    expect(ok('frame[0:2] & 0f:f0').t).toBe('nonzero');
    expect(ok('tcp.srcport - 1 == 67').t).toBe('cmp');
    expect(ok('-test.i == 3').t).toBe('cmp');
    expect(ok('frame.len % 2 == 1 and frame.len / 2 > 3').t).toBe('and');
  });
  it('slices in every form', () => {
    const ranges = (t: string) => {
      const a = ok(t);
      const l = a.t === 'cmp' || a.t === 'exists' ? (a.t === 'cmp' ? a.l : a.e) : undefined;
      if (!l || l.v !== 'slice') throw new Error('no slice');
      return l.ranges;
    };
    expect(ranges('eth.src[0:3] == 00:00:83')).toEqual([{ start: 0, length: 3 }]);
    expect(ranges('frame[100-199]')).toEqual([{ start: 100, end: 199 }]);
    expect(ranges('frame[4] == 0xff')).toEqual([{ start: 4, length: 1 }]);
    expect(ranges('frame[:4] == 01:02:03:04')).toEqual([{ start: 0, length: 4 }]);
    expect(ranges('frame[4:] == 01')).toEqual([{ start: 4 }]);
    expect(ranges('frame[-4:] == 0.1.2.3')).toEqual([{ start: -4 }]);
    expect(ranges('frame[-4:4] == 0.1.2.3')).toEqual([{ start: -4, length: 4 }]);
    expect(ranges('frame[1,3-5,9:] == 01:03:04:05:09:0a:0b')).toEqual([{ start: 1, length: 1 }, { start: 3, end: 5 }, { start: 9 }]);
    expect(ranges('dns.qry.name[0:3] == "www"')).toEqual([{ start: 0, length: 3 }]);
    expect(ranges('ip.src[0] == c0')).toEqual([{ start: 0, length: 1 }]);
  });
  it('membership with ranges and negation', () => {
    const a = ok('tcp.port in {80, 443, 8000..8080}');
    expect(a.t === 'in' && a.items.length).toBe(3);
    expect(a.t === 'in' && a.items[2].hi !== undefined).toBe(true);
    const b = ok('ip.addr in {10.0.0.5 .. 10.0.0.9, 192.168.1.1..192.168.1.9, 172.16.0.0/12}');
    expect(b.t === 'in' && b.items.length).toBe(3);
    expect(ok('frame.time_delta in {10 .. 10.5}').t).toBe('in');
    expect(ok('http.request.method in {"HEAD", "GET"}').t).toBe('in');
    const c = ok('tcp.port not in {80}');
    expect(c.t === 'in' && c.negated).toBe(true);
    expect(ok('all tcp.port in {80, 443}').t).toBe('in');
  });
  it('contains and matches', () => {
    expect(ok('frame contains "GET"').t).toBe('contains');
    expect(ok('dns.qry.name contains "wire"').t).toBe('contains');
    const m = ok('dns.qry.name matches "^www\\\\."');
    expect(m.t === 'matches' && [m.pattern, m.patternFrom, m.patternTo]).toEqual(['^www\\.', 21, 30]);
    const n = ok('dns.qry.name ~ "(?-i)^WWW"');
    expect(n.t === 'matches' && n.pattern).toBe('(?-i)^WWW');
    const s = ok('frame matches "(?s)a.b"');
    expect(s.t === 'matches' && s.pattern).toBe('(?s)a.b');
    // RE2 takes options anywhere and scoped, as PCRE2 does.
    expect(ok('frame matches "a(?i)b(?-i:c)"').t).toBe('matches');
    expect(ok('string(frame.number) matches "[13579]$"').t).toBe('matches');
  });
  it('functions', () => {
    for (const f of ['len(dns.qry.name) > 3', 'count(ip.addr) == 2', 'upper(dns.qry.name) contains "W"', 'lower(dns.qry.name) == "a"', 'string(ip.src) == "1.2.3.4"', 'abs(test.i) == 3', 'max(tcp.srcport, tcp.dstport) == 80', 'min(tcp.srcport, tcp.dstport, 1000) < 100', 'len(frame) > 60', 'len(tcp.payload)']) {
      ok(f);
    }
  });
  it('reports the fields a filter reads', () => {
    expect(fieldsUsed(ok('tcp.port == 80 and (ip.src == 1.2.3.4 or len(dns.qry.name) > 3) and frame[0] == 1 and frame.len > ${frame.number}'))).toEqual([
      'dns.qry.name',
      'frame',
      'frame.len',
      'ip.src',
      'tcp.port',
    ]);
  });
});

describe('error messages (text and position)', () => {
  const cases: [string, string | RegExp, [number, number]?][] = [
    ['ip.srcc', '"ip.srcc" is not a field — did you mean ip.src?', [0, 7]],
    ['ip.srcc == 1.2.3.4', '"ip.srcc" is not a field — did you mean ip.src?', [0, 7]],
    ['tcp.port == 80 and tcp.dstprt == 1', '"tcp.dstprt" is not a field — did you mean tcp.dstport?', [19, 29]],
    ['foo', '"foo" is neither a field nor a protocol name', [0, 3]],
    ['Tcp', '"Tcp" is not a field — did you mean tcp?'],
    ['ip.src == ip.dsst', '"ip.dsst" is not a field — did you mean ip.dst?', [10, 17]],
    ['${ip.srcc} == 1', /"ip\.srcc" is not a field/],
    ['', 'the filter is empty', [0, 0]],
    ['tcp.port ==', /ends too early/],
    ['tcp.port = 80', '"=" is not an operator; use "==" to compare', [9, 10]],
    ['(tcp', /expected "\)" to close/],
    ['tcp)', '")" has no matching "("', [3, 4]],
    ['tcp ip', /"ip" was unexpected here: expected "and", "or"/, [4, 6]],
    ['== 80', /"==" was unexpected here: expected a field/],
    ['tcp.port == 80 == 81', 'comparisons cannot be chained; join them with "and"'],
    ['udp ^ tcp', '"^" is not an operator; xor is written "xor" or "^^"'],
    ['ip.addr#a == 1.2.3.4', 'expected a layer number or "[" after "#", found "a"', [8, 9]],
    ['ip.addr# == 1.2.3.4', /expected a layer number or "\[" after "#", found "=="/],
    ['ip.addr#[-1] == 1.2.3.4', 'layer numbers count from 1; they cannot be negative'],
    ['#2', 'the layer operator "#" follows a field or protocol name, as in ip.src#2', [0, 1]],
    ['frame[0]#2', 'the layer operator "#" follows a field or protocol name, as in ip.src#2'],
    ['ip.srcc#2', /"ip\.srcc" is not a field/],
    ['dns.qry.name == "abc', 'string is not closed: missing "', [16, 20]],
    ["frame.len == 'a", "character constant is not closed: missing '"],
    ["frame.len == ''", 'empty character constant'],
    ['dns.qry.name == "\\q"', 'unknown escape \\q'],
    ['dns.qry.name == "\\u12"', '\\u needs 4 hex digits'],
    ['dns.qry.name == "\\777"', 'octal escape \\777 is above \\377'],
    ['frame[1:2', 'slice is not closed: missing ]'],
    ['frame[a] == 1', /bad slice "a": expected i:j, i-j, i, :j or i:/],
    ['frame[5-2] == 1', 'bad slice "5-2": the end offset is before the start'],
    ['frame[1:-2] == 1', 'bad slice "1:-2": the length after ":" cannot be negative'],
    ['frame[:] == 1', 'bad slice ":": give a start or a length'],
    ['frame[] == 1', 'bad slice "": empty range'],
    ['tcp.port == "80"', 'tcp.port (unsigned integer) cannot be compared with a string ("80"); write the number without quotes'],
    ['ip.proto == udp', 'ip.proto (unsigned integer) and udp (protocol) cannot be compared'],
    ['tcp.port == http', '"http" is not a valid value for tcp.port (unsigned integer)'],
    ['tcp.port == -1', '"-1" is not a valid value for tcp.port (unsigned integer): it cannot be negative'],
    ['tcp.port == 1.5', '"1.5" is not a valid value for tcp.port (unsigned integer): it must be a whole number'],
    ['ip.proto == SCTP', /"?SCTP"? is not a valid value for ip\.proto \(unsigned integer\); known values: TCP, UDP/],
    ['ip.flags.df == maybe', '"maybe" is not a valid value for ip.flags.df (boolean): use True, False, 1 or 0'],
    ['eth.src == 00:11:22', /"00:11:22" is not a valid value for eth\.src \(Ethernet address\): write a MAC as/],
    ['ip.src == 1.2.3', /"1\.2\.3" is not a valid value for ip\.src \(IPv4 address\)/],
    ['ip.src == 1.2.3.4/33', /the prefix length must be 0 to 32/],
    ['ip.src > 10.0.0.0/8', '"10.0.0.0/8" is a network; networks can only be used with ==, != and in'],
    ['ipv6.src == fe80:::1', /is not a valid value for ipv6.src \(IPv6 address\)/],
    ['ipv6.src == fe80::/129', /the prefix length must be 0 to 128/],
    ['frame.time > "yesterday"', /"yesterday" is not a valid value for frame\.time \(date and time\): write a date as/],
    ['tcp.payload == 0x1234', /only hex integers up to 0xff convert to bytes/],
    ['tcp.payload == 123', /write bytes as hex pairs/],
    ['tcp.payload == zz', /"zz" is not a valid value for tcp\.payload \(byte sequence\)/],
    ['test.f == abc', '"abc" is not a valid value for test.f (floating-point number)'],
    ['1 == 2', /one side of "==" must be a field/],
    ['"abc"', 'a string on its own is not a test; compare a field with it, as in frame contains "abc"'],
    ['80', /a test must be a field/],
    ['ip.src == tcp.port', 'ip.src (IPv4 address) and tcp.port (unsigned integer) cannot be compared'],
    ['tcp.port contains 80', '"contains" applies to protocols, strings and byte sequences, not to tcp.port (unsigned integer)'],
    ['tcp.port matches "8"', /"matches" applies to strings and byte sequences; use string\(tcp.port\)/],
    ['dns.qry.name matches abc', 'the regular expression after "matches" must be a double-quoted string'],
    ['dns.qry.name matches "("', /invalid regular expression/],
    ['dns.qry.name matches "(?x)a"', 'the regular-expression option (?x) is not supported (only i, m, s and U are)'],
    ['tcp.port[0] == 1', 'tcp.port (unsigned integer) cannot be sliced; slices apply to protocols, byte sequences, strings and addresses'],
    ['frame.len + 1', /an arithmetic expression is not a test/],
    ['dns.qry.name + 1 == 2', /"\+" applies to numbers, not to dns\.qry\.name/],
    ['eth.src & 0x01', /bitwise and applies to integers and slices/],
    ['frame[0:2] & 0f == 1', 'the mask has 1 byte(s) but the slice has 2; they must be the same length'],
    ['lenn(frame) > 1', /"lenn" is not a function — did you mean len\(\)\?/],
    ['len(frame, frame) > 1', 'len() takes exactly one argument'],
    ['len(tcp.port) > 1', /len\(\) applies to strings and byte sequences/],
    ['count(frame[0:1]) > 1', 'count() takes a field name'],
    ['upper(tcp.port) == "A"', /upper\(\) applies to strings/],
    ['string(dns.qry.name) == "a"', /string\(\) converts non-string fields/],
    ['abs(dns.qry.name) == 1', /abs\(\) applies to numbers/],
    ['max() == 1', 'max() needs at least one argument'],
    ['max(tcp.port, ip.src) == 1', /the arguments of max\(\) must all have the same type/],
    ['any tcp', /"any" must be followed by a comparison/],
    ['tcp.port in {}', 'the set is empty'],
    ['tcp.port in {80 443}', /expected "," or "}" in the set/],
    ['eth.src in {00:00:00:00:00:00 .. ff:ff:ff:ff:ff:ff}', /ranges need ordered values/],
    ['tcp.port == (tcp.port == 1)', /a test \(comparison or logical expression\) cannot be used as a value/],
    ['$ == 1', '"$" must be followed by a field name, as in ${ip.src}'],
    ['tcp.port == @', 'unexpected character "@"'],
    ['- == 1', /"==" was unexpected here/],
  ];
  for (const [text, msg, pos] of cases) {
    it(text || '(empty)', () => {
      const e = err(text);
      if (typeof msg === 'string') expect(e.message).toBe(msg);
      else expect(e.message).toMatch(msg);
      if (pos) expect([e.from, e.to]).toEqual(pos);
      expect(e.from).toBeGreaterThanOrEqual(0);
      expect(e.to).toBeLessThanOrEqual(text.length);
    });
  }
  it('suggestions are replacement text for the span', () => {
    const e = err('ip.srcc == 1.2.3.4');
    expect(e.suggestion).toBe('ip.src');
    expect(err('tcp.port = 80').suggestion).toBe('==');
  });
  it('a bare lookup function works but gives no suggestions', () => {
    const r = parseFilter('ip.srcc', (n) => index.get(n));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toBe('"ip.srcc" is neither a field nor a protocol name');
    expect(parseFilter('ip.src == 1.2.3.4', (n) => index.get(n)).ok).toBe(true);
  });
});

describe('warnings', () => {
  const warn = (t: string) => {
    const r = parseFilter(t, index);
    if (!r.ok) throw new Error(r.errors[0].message);
    return r.warnings;
  };
  it('!= on a multi-valued field', () => {
    const w = warn('ip.addr != 1.2.3.4');
    expect(w).toHaveLength(1);
    expect(w[0].message).toMatch(/ip\.addr can occur several times: "!=" means no occurrence equals the value; use "!=="/);
    expect([w[0].from, w[0].to]).toEqual([8, 10]);
    expect(warn('ip.src != 1.2.3.4')).toEqual([]);
    expect(warn('ip.addr !== 1.2.3.4')).toEqual([]);
    expect(warn('all ip.addr != 1.2.3.4')).toEqual([]);
  });
  it('deprecated names and operators', () => {
    const w = warn('tcp.nextseq > 1');
    expect(w[0]).toEqual({ message: '"tcp.nextseq" is deprecated; use tcp.nxtseq', from: 0, to: 11, suggestion: 'tcp.nxtseq' });
    expect(warn('tcp.port ~= 1')[0].message).toBe('"~=" is deprecated; use "!==" (any not equal)');
  });
});

describe('completion', () => {
  it('field names by prefix, one level deep', () => {
    const r = completeAt('ip.s', 4, index);
    expect(r.from).toBe(0);
    expect(r.options.map((o) => o.label)).toEqual(['ip.src']);
    const t = completeAt('tcp.port == 80 and tc', 21, index);
    expect(t.from).toBe(19);
    expect(t.options.map((o) => o.label)).toContain('tcp.port');
    expect(t.options.find((o) => o.label === 'tcp.port')?.info).toBe('Port');
    const ip = completeAt('ip', 2, index).options.map((o) => o.label);
    expect(ip).toContain('ip.src');
    expect(ip).not.toContain('ip.flags.df');
    expect(ip).toContain('ipv6.src');
  });
  it('values of enumerated fields', () => {
    const r = completeAt('ip.proto == ', 12, index);
    expect(r.options.map((o) => [o.label, o.detail])).toEqual([
      ['6', 'TCP'],
      ['17', 'UDP'],
    ]);
    expect(completeAt('ip.proto == U', 13, index).options.map((o) => o.label)).toEqual(['17']);
    expect(completeAt('http.request.method in {"GET", ', 31, index).options.map((o) => o.label)).toEqual(['"GET"', '"POST"']);
  });
  it('functions and keywords', () => {
    const r = completeAt('co', 2, index).options.map((o) => o.label);
    expect(r).toContain('count(');
    expect(r).toContain('contains');
  });
});

describe('the layer operator', () => {
  it('reads field#N and field#[range] as layer numbers of the field\'s protocol', () => {
    const a = ok('ip.addr#2 == 1.2.3.4');
    if (a.t !== 'cmp' || a.l.v !== 'layer') throw new Error('not a layer comparison');
    expect(a.l).toMatchObject({ name: 'ip.addr', protocol: 'ip', ranges: [{ start: 2, length: 1 }], type: 'ipv4' });
    const b = ok('ip.src #[1-3]');
    expect(b).toMatchObject({ t: 'exists', e: { v: 'layer', protocol: 'ip', ranges: [{ start: 1, end: 3 }] } });
    expect(ok('ip#2')).toMatchObject({ t: 'exists', e: { v: 'layer', name: 'ip', protocol: 'ip' } });
    expect(ok('ip#1[0] == 45')).toMatchObject({ t: 'cmp', l: { v: 'slice', of: { v: 'layer', name: 'ip' } } });
    expect(ok('count(ip.addr#1) == 2')).toMatchObject({ t: 'cmp', l: { v: 'call', fn: 'count', args: [{ v: 'layer' }] } });
  });
  it('needs the protocol too (its nodes number the layers)', () => {
    expect(fieldsUsed(ok('ip.src#2 == 1.2.3.4'))).toEqual(['ip', 'ip.src']);
  });
});
