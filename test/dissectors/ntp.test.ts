/**
 * NTP (dissectors/ntp.ts) on hand-made headers, for what the corpus does not have: era-1 and
 * all-zero timestamps, truncated headers, control/private modes, versions outside 1–4. The
 * corpus frames are compared with tshark in test/engine/protocols-golden.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createDissection, resetDissection } from '../../electron/engine/dissectors/dissection.ts';
import { firstPassContext } from '../../electron/engine/dissectors/context.ts';
import { dissectNtp, ntpInfo, ntpTimestampNs, NTP_HEADER_LENGTH } from '../../electron/engine/dissectors/ntp.ts';
import { entryLabel, fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { findField } from '../../electron/engine/dissectors/dissection.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { formatUtcTime } from '../../electron/engine/fields/format.ts';

function ntp(bytes: number[]) {
  const data = new Uint8Array(bytes);
  const d = createDissection();
  resetDissection(d, data);
  const ctx = firstPassContext(undefined, true);
  dissectNtp(d, data, 0, data.length, -1, ctx);
  const v = (name: string) => fieldStrings(d, fieldByName(name)!).join(',');
  return { d, v };
}

/** A client request: LI 0, VN 4, mode 3, transmit timestamp `xmt` (8 bytes), the rest zero. */
function header(flags: number, xmt: number[]): number[] {
  const b = new Array<number>(NTP_HEADER_LENGTH).fill(0);
  b[0] = flags;
  xmt.forEach((x, k) => (b[40 + k] = x));
  return b;
}

describe('NTP timestamps (RFC 5905 §6)', () => {
  it('era 0: seconds since 1900', () => {
    // 0xd9bd2c4e = 3653053518 s after 1900 = 2015-10-05T17:05:18Z; fraction 0x80000000 = .5 s.
    expect(formatUtcTime(ntpTimestampNs(new Uint8Array([0xd9, 0xbd, 0x2c, 0x4e, 0x80, 0, 0, 0]), 0))).toBe('Oct  5, 2015 17:05:18.500000000 UTC');
  });
  it('era 1: a clear top bit counts from 2036-02-07T06:28:16Z', () => {
    expect(formatUtcTime(ntpTimestampNs(new Uint8Array([0, 0, 0, 1, 0, 0, 0, 0]), 0))).toBe('Feb  7, 2036 06:28:17.000000000 UTC');
  });
  it('all zero is no time (the Unix epoch), and the fraction truncates to nanoseconds', () => {
    expect(ntpTimestampNs(new Uint8Array(8), 0)).toBe(0n);
    // 0xffffffff / 2^32 s = 0.99999999977 s → 999999999 ns.
    expect(ntpTimestampNs(new Uint8Array([0xd9, 0xbd, 0x2c, 0x4e, 0xff, 0xff, 0xff, 0xff]), 0) % 1_000_000_000n).toBe(999_999_999n);
  });
});

describe('NTP header', () => {
  it('reads the flags bit-fields and the Info text', () => {
    const { d, v } = ntp(header(0xe3, [0xd9, 0xbd, 0x2c, 0x4e, 0, 0, 0, 0]));
    expect([v('ntp.flags'), v('ntp.flags.li'), v('ntp.flags.vn'), v('ntp.flags.mode')]).toEqual(['0xe3', '3', '4', '3']);
    expect(v('ntp.xmt')).toBe('Oct  5, 2015 17:05:18.000000000 UTC');
    expect(v('ntp.org')).toBe('NULL');
    expect(d.protocol).toBe('NTP');
    expect(d.info).toBe('NTP Version 4, client');
    expect(d.malformed).toBeUndefined();
  });

  it('versions outside 1–4 are "reserved", as packet-ntp.c says', () => {
    expect(ntpInfo(0x04)).toBe('reserved, server');
    expect(ntpInfo(0x3d)).toBe('reserved, broadcast');
  });

  it('a truncated header keeps the fields that fit and names the byte offset', () => {
    const { d, v } = ntp(header(0x23, []).slice(0, 20));
    expect(v('ntp.flags.mode')).toBe('3');
    expect(v('ntp.refid')).toBe('00000000');
    expect(v('ntp.reftime')).toBe('');
    expect(d.malformed).toBe('NTP: Reference Timestamp truncated at byte 16 (20 of 48 header bytes)');
  });

  it('control and private messages: flags only, no header fields', () => {
    const { d, v } = ntp([0x16, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(v('ntp.flags.mode')).toBe('6');
    expect(v('ntp.stratum')).toBe('');
    expect(d.info).toBe('NTP Version 2, control');
    expect(d.malformed).toBeUndefined();
  });

  it('labels the tree as tshark -V does (many_interfaces.pcapng.1 frame 6)', () => {
    const b = header(0x23, []);
    b.splice(1, 15, 2, 10, 0xec, 0, 0, 0x0d, 0x0b, 0, 0, 0x0a, 0xf6, 17, 253, 12, 253);
    const { d } = ntp(b);
    const label = (name: string) => entryLabel(d, findField(d, fieldByName(name)!));
    expect(label('ntp')).toBe('Network Time Protocol (NTP Version 4, client)');
    expect(label('ntp.stratum')).toBe('Peer Clock Stratum: secondary reference (2)');
    expect(label('ntp.ppoll')).toBe('Peer Polling Interval: 10 (1024 seconds)');
    expect(label('ntp.precision')).toBe('Peer Clock Precision: 0.000001 seconds');
    expect(label('ntp.rootdelay')).toBe('Root Delay: 0.050949 seconds');
    expect(label('ntp.rootdispersion')).toBe('Root Dispersion: 0.042816 seconds');
    expect(label('ntp.refid')).toBe('Reference ID: 17.253.12.253');
  });
});
