/**
 * DHCP (RFC 2131) and BOOTP (RFC 951) on UDP ports 67 and 68: the fixed BOOTP header (RFC 2131
 * §2, Figure 1), the magic cookie and the options (RFC 2132). Field names, the Protocol column
 * (`DHCP`, or `BOOTP` without a message-type option) and the Info text ("DHCP Discover -
 * Transaction ID 0x3d1d") follow Wireshark's packet-dhcp.c (tshark 4.0). Options with a value
 * field of their own are those below; the rest carry only type, length and value.
 */
import { defineField, defineProtocol, type FieldDef } from '../fields/registry.ts';
import { formatIpv4, hex } from '../fields/format.ts';
import { addField, markMalformed, setLabel, type Dissection } from './dissection.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { u16, u32 } from '../bytes/cursor.ts';
import { addUint, createHandle, udpPortTable } from './table.ts';

/** RFC 2131 §2: op … file, 236 bytes, then the options field starting with the magic cookie. */
const BOOTP_HEADER_LENGTH = 236;
/** RFC 2131 §3: 99.130.83.99. */
const MAGIC_COOKIE = 0x63825363;
const OPT_PAD = 0;
const OPT_MESSAGE_TYPE = 53;
const OPT_END = 255;
/** RFC 2131 §4.1: the server listens on 67, the client on 68 (IANA bootps / bootpc). */
const UDP_PORT_BOOTPS = 67;
const UDP_PORT_BOOTPC = 68;

/** DHCP message types (RFC 2132 §9.6, RFC 3203, RFC 4388, RFC 6926, RFC 7724) as packet-dhcp.c names them. */
const MESSAGE_TYPES: Readonly<Record<number, string>> = {
  1: 'Discover', 2: 'Offer', 3: 'Request', 4: 'Decline', 5: 'ACK', 6: 'NAK', 7: 'Release', 8: 'Inform', 9: 'Force Renew',
  10: 'Lease query', 11: 'Lease Unassigned', 12: 'Lease Unknown', 13: 'Lease Active', 14: 'Bulk Lease Query',
  15: 'Lease Query Done', 16: 'Active LeaseQuery', 17: 'Lease Query Status', 18: 'TLS',
};

/** Option names (RFC 2132 and the IANA BOOTP/DHCP parameters registry) for the tree labels. */
const OPTION_NAMES: Readonly<Record<number, string>> = {
  0: 'Padding', 1: 'Subnet Mask', 2: 'Time Offset', 3: 'Router', 4: 'Time Server', 5: 'Name Server', 6: 'Domain Name Server',
  7: 'Log Server', 12: 'Host Name', 15: 'Domain Name', 26: 'Interface MTU', 28: 'Broadcast Address', 42: 'Network Time Protocol Servers',
  43: 'Vendor-Specific Information', 44: 'NetBIOS over TCP/IP Name Server', 50: 'Requested IP Address', 51: 'IP Address Lease Time',
  53: 'DHCP Message Type', 54: 'DHCP Server Identifier', 55: 'Parameter Request List', 56: 'Message', 57: 'Maximum DHCP Message Size',
  58: 'Renewal Time Value', 59: 'Rebinding Time Value', 60: 'Vendor class identifier', 61: 'Client identifier', 81: 'Client Fully Qualified Domain Name',
  119: 'Domain Search', 121: 'Classless Static Route', 255: 'End',
};

export const hfDhcp = defineProtocol('dhcp', 'Dynamic Host Configuration Protocol');
export const hfDhcpType = defineField({ name: 'dhcp.type', type: 'uint', description: 'Message type', bits: 8, values: { 1: 'Boot Request', 2: 'Boot Reply' } });
export const hfDhcpHwType = defineField({ name: 'dhcp.hw.type', type: 'uint', description: 'Hardware type', base: 'hex', bits: 8, values: { 1: 'Ethernet' }, multi: true });
export const hfDhcpHwLen = defineField({ name: 'dhcp.hw.len', type: 'uint', description: 'Hardware address length', bits: 8 });
export const hfDhcpHops = defineField({ name: 'dhcp.hops', type: 'uint', description: 'Hops', bits: 8 });
export const hfDhcpId = defineField({ name: 'dhcp.id', type: 'uint', description: 'Transaction ID', base: 'hex', bits: 32 });
export const hfDhcpSecs = defineField({ name: 'dhcp.secs', type: 'uint', description: 'Seconds elapsed', bits: 16 });
export const hfDhcpFlags = defineField({ name: 'dhcp.flags', type: 'uint', description: 'Bootp flags', base: 'hex', bits: 16 });
export const hfDhcpFlagsBc = defineField({ name: 'dhcp.flags.bc', type: 'bool', description: 'Broadcast flag', bits: 16, mask: 0x8000 });
export const hfDhcpFlagsReserved = defineField({ name: 'dhcp.flags.reserved', type: 'uint', description: 'Reserved flags', base: 'hex', bits: 16, mask: 0x7fff });
export const hfDhcpIpClient = defineField({ name: 'dhcp.ip.client', type: 'ipv4', description: 'Client IP address' });
export const hfDhcpIpYour = defineField({ name: 'dhcp.ip.your', type: 'ipv4', description: 'Your (client) IP address' });
export const hfDhcpIpServer = defineField({ name: 'dhcp.ip.server', type: 'ipv4', description: 'Next server IP address' });
export const hfDhcpIpRelay = defineField({ name: 'dhcp.ip.relay', type: 'ipv4', description: 'Relay agent IP address' });
export const hfDhcpHwMacAddr = defineField({ name: 'dhcp.hw.mac_addr', type: 'ether', description: 'Client MAC address', multi: true });
export const hfDhcpHwAddr = defineField({ name: 'dhcp.hw.addr', type: 'bytes', description: 'Client hardware address' });
export const hfDhcpHwAddrPadding = defineField({ name: 'dhcp.hw.addr_padding', type: 'bytes', description: 'Client hardware address padding' });
export const hfDhcpServer = defineField({ name: 'dhcp.server', type: 'string', description: 'Server host name' });
export const hfDhcpFile = defineField({ name: 'dhcp.file', type: 'string', description: 'Boot file name' });
export const hfDhcpCookie = defineField({ name: 'dhcp.cookie', type: 'ipv4', description: 'Magic cookie' });
export const hfDhcpOptionType = defineField({ name: 'dhcp.option.type', type: 'uint', description: 'Option', bits: 8, multi: true, values: OPTION_NAMES });
export const hfDhcpOptionLength = defineField({ name: 'dhcp.option.length', type: 'uint', description: 'Length', bits: 8, multi: true });
export const hfDhcpOptionValue = defineField({ name: 'dhcp.option.value', type: 'bytes', description: 'Value', multi: true });
export const hfDhcpOptionPadding = defineField({ name: 'dhcp.option.padding', type: 'bytes', description: 'Padding', multi: true });
export const hfDhcpOptionEnd = defineField({ name: 'dhcp.option.end', type: 'uint', description: 'Option End', bits: 8 });
export const hfDhcpOptionDhcp = defineField({ name: 'dhcp.option.dhcp', type: 'uint', description: 'DHCP', bits: 8, values: MESSAGE_TYPES });
export const hfDhcpOptionRequestListItem = defineField({ name: 'dhcp.option.request_list_item', type: 'uint', description: 'Parameter Request List Item', bits: 8, multi: true, values: OPTION_NAMES });

const ipv4Option = (name: string, description: string): FieldDef => defineField({ name, type: 'ipv4', description, multi: true });
const u32Option = (name: string, description: string): FieldDef => defineField({ name, type: 'uint', description, bits: 32 });
const stringOption = (name: string, description: string): FieldDef => defineField({ name, type: 'string', description });

/** Options whose value is one field (or a list of IPv4 addresses): packet-dhcp.c's field for each. */
const VALUE_FIELDS: ReadonlyMap<number, { field: FieldDef; kind: 'ipv4s' | 'u32' | 'string' | 'u16' }> = new Map([
  [1, { field: ipv4Option('dhcp.option.subnet_mask', 'Subnet Mask'), kind: 'ipv4s' }],
  [3, { field: ipv4Option('dhcp.option.router', 'Router'), kind: 'ipv4s' }],
  [6, { field: ipv4Option('dhcp.option.domain_name_server', 'Domain Name Server'), kind: 'ipv4s' }],
  [12, { field: stringOption('dhcp.option.hostname', 'Host Name'), kind: 'string' }],
  [15, { field: stringOption('dhcp.option.domain_name', 'Domain Name'), kind: 'string' }],
  [26, { field: defineField({ name: 'dhcp.option.interface_mtu', type: 'uint', description: 'Interface MTU', bits: 16 }), kind: 'u16' }],
  [28, { field: ipv4Option('dhcp.option.broadcast_address', 'Broadcast Address'), kind: 'ipv4s' }],
  [42, { field: ipv4Option('dhcp.option.ntp_server', 'Network Time Protocol Server'), kind: 'ipv4s' }],
  [50, { field: ipv4Option('dhcp.option.requested_ip_address', 'Requested IP Address'), kind: 'ipv4s' }],
  [51, { field: u32Option('dhcp.option.ip_address_lease_time', 'IP Address Lease Time'), kind: 'u32' }],
  [54, { field: ipv4Option('dhcp.option.dhcp_server_id', 'DHCP Server Identifier'), kind: 'ipv4s' }],
  [56, { field: stringOption('dhcp.option.message', 'Message'), kind: 'string' }],
  [57, { field: defineField({ name: 'dhcp.option.dhcp_max_message_size', type: 'uint', description: 'Maximum DHCP Message Size', bits: 16 }), kind: 'u16' }],
  [58, { field: u32Option('dhcp.option.renewal_time_value', 'Renewal Time Value'), kind: 'u32' }],
  [59, { field: u32Option('dhcp.option.rebinding_time_value', 'Rebinding Time Value'), kind: 'u32' }],
  [60, { field: stringOption('dhcp.option.vendor_class_id', 'Vendor class identifier'), kind: 'string' }],
]);

/**
 * packet-dhcp.c's first pass over the options, before any field: the message type (option 53,
 * 0 without one), and -1 when the scan runs past the captured bytes (tshark then shows no DHCP
 * fields at all). Without the magic cookie the scan starts after the 64-byte BOOTP vendor area
 * (RFC 951). `rep` is the reported length from `off`.
 */
function messageType(data: Uint8Array, off: number, end: number, rep: number, hasCookie: boolean): number {
  let p = off + BOOTP_HEADER_LENGTH + (hasCookie ? 4 : 64);
  const repEnd = off + rep;
  let type = 0;
  while (p < repEnd) {
    if (p >= end) return -1;
    const t = data[p];
    if (t === OPT_END) break;
    if (t === OPT_PAD) { p++; continue; }
    if (p + 1 >= end) return -1;
    const len = data[p + 1];
    if (t === OPT_MESSAGE_TYPE && len >= 1) {
      if (p + 2 >= end) return -1;
      type = data[p + 2];
    }
    p += 2 + len;
  }
  return type;
}

/** A NUL-terminated string of a fixed-size field (sname, file; RFC 2131 §2). */
function cString(data: Uint8Array, off: number, len: number): string {
  let n = 0;
  while (n < len && data[off + n] !== 0) n++;
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(data[off + i]);
  return s;
}

function dissectOptions(d: Dissection, data: Uint8Array, off: number, end: number, top: number): void {
  let p = off;
  while (p < end) {
    const t = data[p];
    if (t === OPT_END) {
      // packet-dhcp.c shows End as an option of type 0 with an Option End field of 255, and what
      // follows as padding.
      const o = addField(d, hfDhcpOptionType, p, 1, top, 0);
      setLabel(d, o, 'Option: (255) End');
      addField(d, hfDhcpOptionEnd, p, 1, o);
      if (p + 1 < end) addField(d, hfDhcpOptionPadding, p + 1, end - p - 1, top);
      return;
    }
    if (t === OPT_PAD) {
      // A run of Pad options is one padding field.
      let q = p;
      while (q < end && data[q] === OPT_PAD) q++;
      addField(d, hfDhcpOptionPadding, p, q - p, top);
      p = q;
      continue;
    }
    if (p + 1 >= end) {
      markMalformed(d, top, `DHCP: option ${t} at byte ${p} has no length byte`);
      return;
    }
    const len = data[p + 1];
    const v = p + 2;
    if (v + len > end) {
      const o = addField(d, hfDhcpOptionType, p, end - p, top, t);
      addField(d, hfDhcpOptionLength, p + 1, 1, o);
      markMalformed(d, o, `DHCP: option ${t} at byte ${p} overruns the message (length ${len}, ${end - v} bytes left)`);
      return;
    }
    const o = addField(d, hfDhcpOptionType, p, 2 + len, top, t);
    addField(d, hfDhcpOptionLength, p + 1, 1, o);
    if (len > 0) addField(d, hfDhcpOptionValue, v, len, o);
    let label = `Option: (${t}) ${OPTION_NAMES[t] ?? 'Unknown'}`;
    const vf = VALUE_FIELDS.get(t);
    if (t === OPT_MESSAGE_TYPE && len === 1) {
      addField(d, hfDhcpOptionDhcp, v, 1, o);
      label += ` (${MESSAGE_TYPES[data[v]] ?? 'Unknown'})`;
    } else if (t === 55) {
      for (let k = 0; k < len; k++) addField(d, hfDhcpOptionRequestListItem, v + k, 1, o);
    } else if (t === 61 && len === 7 && data[v] === 1) {
      // Client identifier of hardware type Ethernet (RFC 2132 §9.14).
      addField(d, hfDhcpHwType, v, 1, o);
      addField(d, hfDhcpHwMacAddr, v + 1, 6, o);
    } else if (vf !== undefined) {
      if (vf.kind === 'ipv4s') {
        for (let k = 0; k + 4 <= len; k += 4) addField(d, vf.field, v + k, 4, o);
        if (len === 4) label += ` (${formatIpv4(u32(data, v))})`;
      } else if (vf.kind === 'u32' && len === 4) {
        addField(d, vf.field, v, 4, o);
      } else if (vf.kind === 'u16' && len === 2) {
        addField(d, vf.field, v, 2, o, u16(data, v));
      } else if (vf.kind === 'string') {
        addField(d, vf.field, v, len, o, cString(data, v, len));
      }
    }
    setLabel(d, o, label);
    p = v + len;
  }
}

/** tshark's Info suffix when a dissector runs past the captured bytes (packet.c, BoundsError). */
const SIZE_LIMITED = '[Packet size limited during capture]';

function dissectDhcp(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): boolean {
  pushLayer(ctx, 'dhcp');
  const avail = end - off;
  const hasCookie = avail >= BOOTP_HEADER_LENGTH + 4 && u32(data, off + BOOTP_HEADER_LENGTH) === MAGIC_COOKIE;
  const scan = avail >= BOOTP_HEADER_LENGTH ? messageType(data, off, end, rep, hasCookie) : 0;
  const type = Math.max(0, scan);
  const name = MESSAGE_TYPES[type];
  d.protocol = type !== 0 ? 'DHCP' : 'BOOTP';
  // The bytes stop before the message does (a snapshot length): fields stop at the first that
  // does not fit, and Info says so, as tshark does.
  const cut = avail < rep && (scan < 0 || avail < BOOTP_HEADER_LENGTH);
  if (ctx.wantInfo && avail >= 1) {
    if (type !== 0) d.info = `DHCP ${(name ?? 'Unknown').padEnd(8)} - Transaction ID 0x${u32(data, off + 4).toString(16)}`;
    else if (data[off] === 1 && avail >= 34) {
      // tshark -n prints the address again where a resolved name would go.
      const mac = hex(data.subarray(off + 28, off + 34), ':');
      d.info = `Boot Request from ${mac} (${mac})`;
    } else d.info = data[off] === 1 ? 'Boot Request' : 'Boot Reply';
    if (cut) d.info += SIZE_LIMITED;
  }
  if (d.summary) {
    // The index's malformed flag must be the full dissection's (see the checks below).
    if (scan < 0) markMalformed(d, -1, `DHCP: the options run past the captured bytes at byte ${end}`);
    else if (avail < BOOTP_HEADER_LENGTH) markMalformed(d, -1, `DHCP: BOOTP header truncated at byte ${end} (${avail} of ${BOOTP_HEADER_LENGTH} bytes)`);
    return true;
  }
  const top = addField(d, hfDhcp, off, avail, parent);
  setLabel(d, top, type !== 0 ? `Dynamic Host Configuration Protocol (${name ?? 'Unknown'})` : 'Bootstrap Protocol');
  if (scan < 0) {
    // tshark's option scan stops at the capture's end before any header field is added.
    markMalformed(d, top, `DHCP: the options run past the captured bytes at byte ${end}`);
    return true;
  }
  const fits = (at: number, len: number): boolean => {
    if (at + len <= avail) return true;
    if (cut) markMalformed(d, top, `DHCP: captured bytes end at byte ${end} inside the BOOTP header (${avail} of ${BOOTP_HEADER_LENGTH} bytes)`);
    else markMalformed(d, top, `DHCP: BOOTP header truncated at byte ${off + at} (${avail} of ${BOOTP_HEADER_LENGTH} bytes)`);
    return false;
  };
  const fixed: [FieldDef, number, number][] = [
    [hfDhcpType, 0, 1], [hfDhcpHwType, 1, 1], [hfDhcpHwLen, 2, 1], [hfDhcpHops, 3, 1], [hfDhcpId, 4, 4], [hfDhcpSecs, 8, 2],
  ];
  for (const [f, at, len] of fixed) {
    if (!fits(at, len)) return true;
    addField(d, f, off + at, len, top);
  }
  if (!fits(10, 2)) return true;
  const fl = addField(d, hfDhcpFlags, off + 10, 2, top);
  addField(d, hfDhcpFlagsBc, off + 10, 2, fl);
  addField(d, hfDhcpFlagsReserved, off + 10, 2, fl);
  const addrs: [FieldDef, number][] = [[hfDhcpIpClient, 12], [hfDhcpIpYour, 16], [hfDhcpIpServer, 20], [hfDhcpIpRelay, 24]];
  for (const [f, at] of addrs) {
    if (!fits(at, 4)) return true;
    addField(d, f, off + at, 4, top);
  }
  // chaddr is 16 bytes: an Ethernet address and its padding, or hlen bytes of another kind.
  const hlen = data[off + 2];
  if (data[off + 1] === 1 && hlen === 6) {
    if (!fits(28, 6)) return true;
    addField(d, hfDhcpHwMacAddr, off + 28, 6, top);
    if (!fits(34, 10)) return true;
    addField(d, hfDhcpHwAddrPadding, off + 34, 10, top);
  } else {
    if (!fits(28, 16)) return true;
    addField(d, hfDhcpHwAddr, off + 28, Math.min(16, Math.max(hlen, 1)), top);
  }
  if (!fits(44, 64)) return true;
  const sname = addField(d, hfDhcpServer, off + 44, 64, top, cString(data, off + 44, 64));
  if (data[off + 44] === 0) setLabel(d, sname, 'Server host name not given');
  if (!fits(108, 128)) return true;
  const file = addField(d, hfDhcpFile, off + 108, 128, top, cString(data, off + 108, 128));
  if (data[off + 108] === 0) setLabel(d, file, 'Boot file name not given');
  if (!hasCookie) return true;
  const c = addField(d, hfDhcpCookie, off + BOOTP_HEADER_LENGTH, 4, top);
  setLabel(d, c, 'Magic cookie: DHCP');
  dissectOptions(d, data, off + BOOTP_HEADER_LENGTH + 4, end, top);
  return true;
}

const dhcpHandle = createHandle('dhcp', 'Dynamic Host Configuration Protocol', dissectDhcp);
addUint(udpPortTable, UDP_PORT_BOOTPS, dhcpHandle);
addUint(udpPortTable, UDP_PORT_BOOTPC, dhcpHandle);
