/**
 * NTP over UDP port 123: the RFC 5905 §7.3 packet header (versions 1–4 share it). Field names,
 * types and the Info text follow Wireshark's packet-ntp.c (tshark 4.0): `ntp.flags.li/vn/mode`,
 * `ntp.stratum` … `ntp.xmt`, Info "NTP Version 4, client". Control (mode 6, RFC 1305 App. B) and
 * private (mode 7) messages have another layout: only their flags are dissected here. A short
 * header keeps the fields that fit and is marked malformed at the first that does not.
 */
import { defineField, defineProtocol, type FieldDef } from '../fields/registry.ts';
import { formatIpv4 } from '../fields/format.ts';
import { addField, markMalformed, setLabel, type Dissection } from './dissection.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { u32 } from '../bytes/cursor.ts';
import { addUint, createHandle, udpPortTable } from './table.ts';

/** RFC 5905 §7.3: the header without extension fields or MAC. */
export const NTP_HEADER_LENGTH = 48;
export const NTP_MODE_CONTROL = 6;
export const NTP_MODE_PRIVATE = 7;

/** packet-ntp.c info_mode_types (the Info column's mode names; RFC 5905 Figure 10). */
const MODE_INFO: readonly string[] = ['reserved', 'symmetric active', 'symmetric passive', 'client', 'server', 'broadcast', 'control', 'private'];
const LI_TEXT = { 0: 'no warning', 1: 'last minute of the day has 61 seconds', 2: 'last minute of the day has 59 seconds', 3: 'unknown (clock unsynchronized)' };
const MODE_TEXT = {
  0: 'reserved', 1: 'symmetric active', 2: 'symmetric passive', 3: 'client', 4: 'server', 5: 'broadcast',
  6: 'reserved for NTP control message', 7: 'reserved for private use',
};

export const hfNtp = defineProtocol('ntp', 'Network Time Protocol');
export const hfNtpFlags = defineField({ name: 'ntp.flags', type: 'uint', description: 'Flags', base: 'hex', bits: 8 });
export const hfNtpFlagsLi = defineField({ name: 'ntp.flags.li', type: 'uint', description: 'Leap Indicator', bits: 8, mask: 0xc0, values: LI_TEXT });
export const hfNtpFlagsVn = defineField({
  name: 'ntp.flags.vn', type: 'uint', description: 'Version number', bits: 8, mask: 0x38,
  values: { 0: 'reserved', 1: 'NTP Version 1', 2: 'NTP Version 2', 3: 'NTP Version 3', 4: 'NTP Version 4', 5: 'reserved', 6: 'reserved', 7: 'reserved' },
});
export const hfNtpFlagsMode = defineField({ name: 'ntp.flags.mode', type: 'uint', description: 'Mode', bits: 8, mask: 0x07, values: MODE_TEXT });
export const hfNtpStratum = defineField({ name: 'ntp.stratum', type: 'uint', description: 'Peer Clock Stratum', bits: 8 });
export const hfNtpPpoll = defineField({ name: 'ntp.ppoll', type: 'uint', description: 'Peer Polling Interval', bits: 8 });
// Wireshark declares precision FT_UINT8 (it is a signed log2 exponent, printed as 0..255 by -T fields).
export const hfNtpPrecision = defineField({ name: 'ntp.precision', type: 'uint', description: 'Peer Clock Precision', bits: 8 });
// Root delay and dispersion are NTP short format (16.16 seconds); Wireshark's fields are the raw 32 bits.
export const hfNtpRootdelay = defineField({ name: 'ntp.rootdelay', type: 'uint', description: 'Root Delay', bits: 32 });
export const hfNtpRootdispersion = defineField({ name: 'ntp.rootdispersion', type: 'uint', description: 'Root Dispersion', bits: 32 });
export const hfNtpRefid = defineField({ name: 'ntp.refid', type: 'bytes', description: 'Reference ID' });
export const hfNtpReftime = defineField({ name: 'ntp.reftime', type: 'time', time: 'ntp_utc', description: 'Reference Timestamp' });
export const hfNtpOrg = defineField({ name: 'ntp.org', type: 'time', time: 'ntp_utc', description: 'Origin Timestamp' });
export const hfNtpRec = defineField({ name: 'ntp.rec', type: 'time', time: 'ntp_utc', description: 'Receive Timestamp' });
export const hfNtpXmt = defineField({ name: 'ntp.xmt', type: 'time', time: 'ntp_utc', description: 'Transmit Timestamp' });

/** RFC 5905 §6: seconds from the NTP prime epoch (1900) to the Unix epoch (1970). */
const NTP_TO_UNIX = 2_208_988_800n;
/** Era 1 starts 2036-02-07T06:28:16Z, 2^32 s after 1900: its seconds count from there. */
const ERA1_FROM_UNIX = 2_085_978_496n;

/**
 * An NTP timestamp (RFC 5905 §6, 32.32 fixed point) as epoch nanoseconds, the way Wireshark's
 * ENC_TIME_NTP reads it: the top bit of the seconds picks era 0 (set: 1968–2036) or era 1;
 * the fraction is truncated to nanoseconds; all-zero is "no time" (the Unix epoch).
 */
export function ntpTimestampNs(b: Uint8Array, o: number): bigint {
  const sec = u32(b, o);
  const frac = u32(b, o + 4);
  const nsec = Math.trunc(1e9 * (frac / 4294967296));
  if (sec === 0 && nsec === 0) return 0n;
  const unix = (sec & 0x80000000) !== 0 ? BigInt(sec) - NTP_TO_UNIX : BigInt(sec) + ERA1_FROM_UNIX;
  return unix * 1_000_000_000n + BigInt(nsec);
}

/** Info column: packet-ntp.c's "<version>, <mode>" (ver_nums: only 1–4 are versions). */
export function ntpInfo(flags: number): string {
  const vn = (flags >> 3) & 7;
  const version = vn >= 1 && vn <= 4 ? `NTP Version ${vn}` : 'reserved';
  return `${version}, ${MODE_INFO[flags & 7]}`;
}

/** RFC 5905 §7.3: Reference ID is a kiss code / clock source (stratum 0, 1) or an IPv4 address. */
function refidText(b: Uint8Array, o: number, stratum: number): string {
  if (stratum >= 2) return formatIpv4(u32(b, o));
  let s = '';
  for (let k = 0; k < 4 && b[o + k] !== 0; k++) s += String.fromCharCode(b[o + k]);
  return s === '' ? 'NULL' : s;
}

/** RFC 5905 Figure 11, in packet-ntp.c's words. */
function stratumText(s: number): string {
  if (s === 0) return 'unspecified or invalid';
  if (s === 1) return 'primary reference';
  if (s <= 15) return 'secondary reference';
  return s === 16 ? 'unsynchronized' : 'reserved';
}

/** Seconds of a 16.16 NTP short (root delay, root dispersion), to the microsecond as Wireshark shows it. */
function shortSeconds(v: number): string {
  return `${(v / 65536).toFixed(6)} seconds`;
}

/** RFC 5905 Figure 8: the fields after the flags byte, with their offset and length. */
const HEADER: readonly [FieldDef, number, number][] = [
  [hfNtpStratum, 1, 1], [hfNtpPpoll, 2, 1], [hfNtpPrecision, 3, 1], [hfNtpRootdelay, 4, 4], [hfNtpRootdispersion, 8, 4],
  [hfNtpRefid, 12, 4], [hfNtpReftime, 16, 8], [hfNtpOrg, 24, 8], [hfNtpRec, 32, 8], [hfNtpXmt, 40, 8],
];

/** The details-tree text of a header field where it is not the plain value (as Wireshark shows it). */
function headerLabel(field: FieldDef, b: Uint8Array, o: number, stratum: number): string | undefined {
  switch (field) {
    case hfNtpStratum: return `${stratumText(b[o])} (${b[o]})`;
    case hfNtpPpoll: return `${b[o]} (${2 ** b[o]} seconds)`;
    case hfNtpPrecision: return `${(2 ** ((b[o] << 24) >> 24)).toFixed(6)} seconds`;
    case hfNtpRootdelay:
    case hfNtpRootdispersion: return shortSeconds(u32(b, o));
    case hfNtpRefid: return refidText(b, o, stratum);
    default: return undefined;
  }
}

export function dissectNtp(d: Dissection, data: Uint8Array, off: number, end: number, parent: number, ctx: PacketContext): void {
  pushLayer(ctx, 'ntp');
  d.protocol = 'NTP';
  const avail = end - off;
  if (avail < 1) return;
  const flags = data[off];
  const mode = flags & 7;
  if (ctx.wantInfo) d.info = ntpInfo(flags);
  if (d.summary) return; // the index pass needs the columns only
  const top = addField(d, hfNtp, off, Math.min(avail, mode >= NTP_MODE_CONTROL ? avail : NTP_HEADER_LENGTH), parent);
  setLabel(d, top, `Network Time Protocol (${ntpInfo(flags)})`);
  const fl = addField(d, hfNtpFlags, off, 1, top);
  addField(d, hfNtpFlagsLi, off, 1, fl);
  addField(d, hfNtpFlagsVn, off, 1, fl);
  addField(d, hfNtpFlagsMode, off, 1, fl);
  if (mode >= NTP_MODE_CONTROL) return;
  // Each field as far as the bytes go (tshark does the same, then flags the packet malformed).
  const stratum = avail > 1 ? data[off + 1] : 0;
  for (const [field, at, len] of HEADER) {
    if (at + len > avail) {
      markMalformed(d, top, `NTP: ${field.description} truncated at byte ${off + at} (${avail} of ${NTP_HEADER_LENGTH} header bytes)`);
      return;
    }
    const o = off + at;
    const e = addField(d, field, o, len, top, field.type === 'time' ? ntpTimestampNs(data, o) : undefined);
    const label = headerLabel(field, data, o, stratum);
    if (label !== undefined) setLabel(d, e, `${field.description}: ${label}`);
  }
}

/** NTP's registered port (IANA service name ntp; packet-ntp.c UDP_PORT_NTP). */
const UDP_PORT_NTP = 123;
addUint(udpPortTable, UDP_PORT_NTP, createHandle('ntp', 'Network Time Protocol', (d, data, off, end, _rep, parent, ctx) => {
  dissectNtp(d, data, off, end, parent, ctx);
  return true;
}));
