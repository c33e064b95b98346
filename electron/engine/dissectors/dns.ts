/**
 * DNS (RFC 1035) over UDP and over TCP (RFC 1035 §4.2.2: 2-byte length prefix), also used for
 * mDNS (RFC 6762) and LLMNR (RFC 4795), which share the message format and, in Wireshark, the
 * `dns.*` field names (packet-dns.c). Record types: A, NS, CNAME, SOA, PTR, MX, TXT, AAAA,
 * SRV, OPT (RFC 6891), SVCB/HTTPS (RFC 9460). Name compression (§4.1.4) follows pointers
 * with loop protection.
 */
import { defineField, defineProtocol } from '../fields/registry.ts';
import { addField, addSource, markMalformed, setLabel, type Dissection } from './dissection.ts';
import { hfTcpReassembledData, hfTcpReassembledLength, hfTcpSegment, hfTcpSegmentCount, hfTcpSegments } from './tcp.ts';
import { tcpPduAt, tcpPduFirstPass, tcpPduStoreOf, type PduFraming, type TcpPduAt } from './tcp-pdu.ts';
import { pushLayer, type PacketContext } from './context.ts';
import { u16, u32 } from '../bytes/cursor.ts';
import { formatIpv4, formatIpv6 } from '../fields/format.ts';
import { reverseAddress } from './dns-reverse.ts';
import { addHeuristic, addUint, createHandle, tcpPortTable, udpPortTable } from './table.ts';

export const hfDns = defineProtocol('dns', 'Domain Name System');
export const hfMdns = defineProtocol('mdns', 'Multicast Domain Name System');
export const hfLlmnr = defineProtocol('llmnr', 'Link-local Multicast Name Resolution');
export const hfDnsLength = defineField({ name: 'dns.length', type: 'uint', description: 'Length', bits: 16 });
export const hfDnsId = defineField({ name: 'dns.id', type: 'uint', description: 'Transaction ID', base: 'hex', bits: 16 });
export const hfDnsFlags = defineField({ name: 'dns.flags', type: 'uint', description: 'Flags', base: 'hex', bits: 16 });
export const hfDnsFlagsResponse = defineField({ name: 'dns.flags.response', type: 'bool', description: 'Response', bits: 16, mask: 0x8000 });
export const hfDnsFlagsOpcode = defineField({
  name: 'dns.flags.opcode', type: 'uint', description: 'Opcode', bits: 16, mask: 0x7800,
  values: { 0: 'Standard query', 1: 'Inverse query', 2: 'Server status request', 4: 'Zone change notification', 5: 'Dynamic update' },
});
export const hfDnsFlagsAuthoritative = defineField({ name: 'dns.flags.authoritative', type: 'bool', description: 'Authoritative', bits: 16, mask: 0x0400 });
export const hfDnsFlagsTruncated = defineField({ name: 'dns.flags.truncated', type: 'bool', description: 'Truncated', bits: 16, mask: 0x0200 });
export const hfDnsFlagsRecdesired = defineField({ name: 'dns.flags.recdesired', type: 'bool', description: 'Recursion desired', bits: 16, mask: 0x0100 });
export const hfDnsFlagsRecavail = defineField({ name: 'dns.flags.recavail', type: 'bool', description: 'Recursion available', bits: 16, mask: 0x0080 });
export const hfDnsFlagsZ = defineField({ name: 'dns.flags.z', type: 'bool', description: 'Z', bits: 16, mask: 0x0040 });
export const hfDnsFlagsAuthenticated = defineField({ name: 'dns.flags.authenticated', type: 'bool', description: 'Answer authenticated', bits: 16, mask: 0x0020 });
export const hfDnsFlagsCheckdisable = defineField({ name: 'dns.flags.checkdisable', type: 'bool', description: 'Non-authenticated data', bits: 16, mask: 0x0010 });
export const hfDnsFlagsRcode = defineField({
  name: 'dns.flags.rcode', type: 'uint', description: 'Reply code', bits: 16, mask: 0x000f,
  values: { 0: 'No error', 1: 'Format error', 2: 'Server failure', 3: 'No such name', 4: 'Not implemented', 5: 'Refused' },
});
export const hfDnsCountQueries = defineField({ name: 'dns.count.queries', type: 'uint', description: 'Questions', bits: 16 });
export const hfDnsCountAnswers = defineField({ name: 'dns.count.answers', type: 'uint', description: 'Answer RRs', bits: 16 });
export const hfDnsCountAuth = defineField({ name: 'dns.count.auth_rr', type: 'uint', description: 'Authority RRs', bits: 16 });
export const hfDnsCountAdd = defineField({ name: 'dns.count.add_rr', type: 'uint', description: 'Additional RRs', bits: 16 });
export const hfDnsQry = defineField({ name: 'dns.qry', type: 'none', description: 'Query', multi: true });
export const hfDnsQryName = defineField({ name: 'dns.qry.name', type: 'string', description: 'Name', multi: true });
export const hfDnsQryNameLen = defineField({ name: 'dns.qry.name.len', type: 'uint', description: 'Name Length', bits: 16, multi: true });
export const hfDnsCountLabels = defineField({ name: 'dns.count.labels', type: 'uint', description: 'Label Count', bits: 16, multi: true });
export const hfDnsQryType = defineField({ name: 'dns.qry.type', type: 'uint', description: 'Type', bits: 16, multi: true });
export const hfDnsQryClass = defineField({ name: 'dns.qry.class', type: 'uint', description: 'Class', base: 'hex', bits: 16, multi: true });
export const hfDnsQryQu = defineField({ name: 'dns.qry.qu', type: 'bool', description: '"QU" question', bits: 16, mask: 0x8000, multi: true });
export const hfDnsRr = defineField({ name: 'dns.rr', type: 'none', description: 'Resource record', multi: true });
export const hfDnsRespName = defineField({ name: 'dns.resp.name', type: 'string', description: 'Name', multi: true });
export const hfDnsRespType = defineField({ name: 'dns.resp.type', type: 'uint', description: 'Type', bits: 16, multi: true });
export const hfDnsRespClass = defineField({ name: 'dns.resp.class', type: 'uint', description: 'Class', base: 'hex', bits: 16, multi: true });
export const hfDnsRespCacheFlush = defineField({ name: 'dns.resp.cache_flush', type: 'bool', description: 'Cache flush', bits: 16, mask: 0x8000, multi: true });
export const hfDnsRespTtl = defineField({ name: 'dns.resp.ttl', type: 'uint', description: 'Time to live', bits: 32, multi: true });
export const hfDnsRespLen = defineField({ name: 'dns.resp.len', type: 'uint', description: 'Data length', bits: 16, multi: true });
export const hfDnsA = defineField({ name: 'dns.a', type: 'ipv4', description: 'Address', multi: true });
export const hfDnsAaaa = defineField({ name: 'dns.aaaa', type: 'ipv6', description: 'AAAA Address', multi: true });
export const hfDnsCname = defineField({ name: 'dns.cname', type: 'string', description: 'CNAME', multi: true });
export const hfDnsPtr = defineField({ name: 'dns.ptr.domain_name', type: 'string', description: 'Domain Name', multi: true });
export const hfDnsNs = defineField({ name: 'dns.ns', type: 'string', description: 'Name Server', multi: true });
export const hfDnsMxPreference = defineField({ name: 'dns.mx.preference', type: 'uint', description: 'Preference', bits: 16, multi: true });
export const hfDnsMxExchange = defineField({ name: 'dns.mx.mail_exchange', type: 'string', description: 'Mail Exchange', multi: true });
export const hfDnsTxtLength = defineField({ name: 'dns.txt.length', type: 'uint', description: 'TXT Length', bits: 8, multi: true });
export const hfDnsTxt = defineField({ name: 'dns.txt', type: 'string', description: 'TXT', multi: true });
export const hfDnsSrvPriority = defineField({ name: 'dns.srv.priority', type: 'uint', description: 'Priority', bits: 16, multi: true });
export const hfDnsSrvWeight = defineField({ name: 'dns.srv.weight', type: 'uint', description: 'Weight', bits: 16, multi: true });
export const hfDnsSrvPort = defineField({ name: 'dns.srv.port', type: 'uint', description: 'Port', bits: 16, multi: true });
export const hfDnsSrvTarget = defineField({ name: 'dns.srv.target', type: 'string', description: 'Target', multi: true });
export const hfDnsSoaMname = defineField({ name: 'dns.soa.mname', type: 'string', description: 'Primary name server', multi: true });
export const hfDnsSoaRname = defineField({ name: 'dns.soa.rname', type: 'string', description: "Responsible authority's mailbox", multi: true });
export const hfDnsSoaSerial = defineField({ name: 'dns.soa.serial_number', type: 'uint', description: 'Serial Number', bits: 32, multi: true });
export const hfDnsSoaRefresh = defineField({ name: 'dns.soa.refresh_interval', type: 'uint', description: 'Refresh Interval', bits: 32, multi: true });
export const hfDnsSoaRetry = defineField({ name: 'dns.soa.retry_interval', type: 'uint', description: 'Retry Interval', bits: 32, multi: true });
export const hfDnsSoaExpire = defineField({ name: 'dns.soa.expire_limit', type: 'uint', description: 'Expire limit', bits: 32, multi: true });
export const hfDnsSoaMinimum = defineField({ name: 'dns.soa.minimum_ttl', type: 'uint', description: 'Minimum TTL', bits: 32, multi: true });
export const hfDnsSvcPriority = defineField({ name: 'dns.svcb.svcpriority', type: 'uint', description: 'SvcPriority', bits: 16, multi: true });
export const hfDnsSvcTarget = defineField({ name: 'dns.svcb.targetname', type: 'string', description: 'TargetName', multi: true });
export const hfDnsSvcParamKey = defineField({
  name: 'dns.svcb.svcparam.key', type: 'uint', description: 'SvcParamKey', bits: 16, multi: true,
  values: { 0: 'mandatory', 1: 'alpn', 2: 'no-default-alpn', 3: 'port', 4: 'ipv4hint', 5: 'ech', 6: 'ipv6hint' },
});
export const hfDnsSvcParamLen = defineField({ name: 'dns.svcb.svcparam.value.length', type: 'uint', description: 'SvcParamValue length', bits: 16, multi: true });
export const hfDnsSvcAlpnLen = defineField({ name: 'dns.svcb.svcparam.alpn.length', type: 'uint', description: 'ALPN length', bits: 8, multi: true });
export const hfDnsSvcAlpn = defineField({ name: 'dns.svcb.svcparam.alpn', type: 'string', description: 'ALPN', multi: true });
export const hfDnsSvcPort = defineField({ name: 'dns.svcb.svcparam.port', type: 'uint', description: 'Port', bits: 16, multi: true });
export const hfDnsSvcIpv4 = defineField({ name: 'dns.svcb.svcparam.ipv4hint.ip', type: 'ipv4', description: 'IP', multi: true });
export const hfDnsSvcIpv6 = defineField({ name: 'dns.svcb.svcparam.ipv6hint.ip', type: 'ipv6', description: 'IP', multi: true });
export const hfDnsSvcMandatory = defineField({ name: 'dns.svcb.svcparam.mandatory.key', type: 'uint', description: 'Mandatory key', bits: 16, multi: true });
export const hfDnsSvcValue = defineField({ name: 'dns.svcb.svcparam.value', type: 'bytes', description: 'SvcParamValue', multi: true });
export const hfDnsUdpPayloadSize = defineField({ name: 'dns.rr.udp_payload_size', type: 'uint', description: 'UDP payload size', bits: 16, multi: true });
export const hfDnsExtRcode = defineField({ name: 'dns.resp.ext_rcode', type: 'uint', description: 'Higher bits in extended RCODE', base: 'hex', bits: 8, multi: true });
export const hfDnsEdns0Version = defineField({ name: 'dns.resp.edns0_version', type: 'uint', description: 'EDNS0 version', bits: 8, multi: true });
export const hfDnsRespZ = defineField({ name: 'dns.resp.z', type: 'uint', description: 'Z', base: 'hex', bits: 16, multi: true });
export const hfDnsRespZDo = defineField({ name: 'dns.resp.z.do', type: 'bool', description: 'DO bit', bits: 16, mask: 0x8000, multi: true });
export const hfDnsOpt = defineField({ name: 'dns.opt', type: 'none', description: 'Option', multi: true });
export const hfDnsOptCode = defineField({ name: 'dns.opt.code', type: 'uint', description: 'Option Code', bits: 16, multi: true });
export const hfDnsOptLen = defineField({ name: 'dns.opt.len', type: 'uint', description: 'Option Length', bits: 16, multi: true });
export const hfDnsOptData = defineField({ name: 'dns.opt.data', type: 'bytes', description: 'Option Data', multi: true });
export const hfDnsNsecNext = defineField({ name: 'dns.nsec.next_domain_name', type: 'string', description: 'Next Domain Name', multi: true });
export const hfDnsRdata = defineField({ name: 'dns.data', type: 'bytes', description: 'Data', multi: true });

export const DNS_FLAVOUR_DNS = 1;
export const DNS_FLAVOUR_MDNS = 2;
export const DNS_FLAVOUR_LLMNR = 3;

/** RR type mnemonics (IANA DNS parameters registry) for the types Info may mention. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 24: 'SIG', 25: 'KEY',
  28: 'AAAA', 29: 'LOC', 33: 'SRV', 35: 'NAPTR', 39: 'DNAME', 41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY',
  50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 250: 'TSIG', 251: 'IXFR', 252: 'AXFR',
  255: 'ANY', 257: 'CAA',
};
const OPCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'Standard query', 1: 'Inverse query', 2: 'Server status request', 4: 'Zone change notification', 5: 'Dynamic update',
};
const RCODE_NAMES: Readonly<Record<number, string>> = {
  1: 'Format error', 2: 'Server failure', 3: 'No such name', 4: 'Not implemented', 5: 'Refused', 6: 'Name exists',
  7: 'RRset exists', 8: 'RRset does not exist', 9: 'Not authoritative', 10: 'Name out of zone',
};

function typeName(t: number): string {
  return TYPE_NAMES[t] ?? `Unknown (${t})`;
}

/**
 * packet-dns.c dissect_dns_heur (tshark 4.0): a non-empty standard-opcode message whose
 * counts look like DNS and fit the payload.
 */
function dnsHeuristic(data: Uint8Array, off: number, end: number, rep: number): boolean {
  if (rep <= 12 || end - off < 12) return false;
  const flags = u16(data, off + 2);
  if ((flags & 0x7800) !== 0) return false;
  const quest = u16(data, off + 4);
  const ans = u16(data, off + 6);
  const auth = u16(data, off + 8);
  const add = u16(data, off + 10);
  if (!(flags & 0x8000)) {
    if (quest !== 1 || ans !== 0 || auth !== 0) return false;
  } else if (quest > 1 || ans > 100 || auth > 10) {
    return false;
  }
  if (add > 10) return false;
  if (quest + ans === 0) return false;
  return quest * 6 + (ans + auth + add) * 11 <= rep - 12;
}

// ---- names ----

/** Result of reading a name: kept in module scope (single-threaded) to avoid a tuple per call. */
let nameText = '';
let nameLabels = 0;
let nameError = '';
/** Build `nameText` at all: not in the index pass, which records no names and no Info. */
let nameTextWanted = true;
/**
 * The name's text as bytes, decoded once at the end: a string built a character at a time is a
 * tree of ~40 cons strings that a learned host name (index/host-names.ts) keeps alive for the
 * whole capture (shape (g) at 1 M: +300 MB and 2.5× the index pass's CPU).
 */
let nameBytes = new Uint8Array(1024);
const latin1 = new TextDecoder('latin1');

/** Room for `more` bytes after the first `n` of nameBytes (hostile names may be long). */
function nameRoom(n: number, more: number): void {
  if (n + more <= nameBytes.length) return;
  const grown = new Uint8Array(Math.max(nameBytes.length * 2, n + more));
  grown.set(nameBytes.subarray(0, n));
  nameBytes = grown;
}

const MAX_POINTERS = 64;

/**
 * Read a (possibly compressed) name at `off` inside the message [base, end). Returns the
 * offset just past the name in the original position, or -1 when the name is malformed
 * (text read so far is still in `nameText`, the reason in `nameError`).
 */
function readName(data: Uint8Array, base: number, end: number, off: number): number {
  let p = off;
  let after = -1;
  let jumps = 0;
  let n = 0;
  let labels = 0;
  nameError = '';
  for (;;) {
    if (p >= end) {
      nameError = `name runs past the end of the message at byte ${p}`;
      break;
    }
    const len = data[p];
    if (len === 0) {
      if (after < 0) after = p + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (p + 1 >= end) {
        nameError = `compression pointer truncated at byte ${p}`;
        break;
      }
      const target = base + (((len & 0x3f) << 8) | data[p + 1]);
      if (after < 0) after = p + 2;
      // Pointers must go backwards; anything else (or too many hops) is a loop.
      if (++jumps > MAX_POINTERS || target >= p) {
        nameError = `compression loop at byte ${p}`;
        break;
      }
      p = target;
      continue;
    }
    if (kind !== 0) {
      nameError = `unsupported label type 0x${kind.toString(16)} at byte ${p}`;
      break;
    }
    if (p + 1 + len > end) {
      nameError = `label runs past the end of the message at byte ${p}`;
      break;
    }
    if (nameTextWanted) {
      // At most 4 text bytes per label byte (`\ddd`) and the dot before the label.
      nameRoom(n, 1 + 4 * len);
      if (n > 0) nameBytes[n++] = 0x2e;
      for (let k = p + 1; k <= p + len; k++) {
        const c = data[k];
        // Printable ASCII as is; other bytes escaped (Wireshark escapes them in names too).
        if (c >= 0x21 && c <= 0x7e && c !== 0x2e && c !== 0x5c) nameBytes[n++] = c;
        else if (c === 0x2e || c === 0x5c) {
          nameBytes[n++] = 0x5c;
          nameBytes[n++] = c;
        } else {
          nameBytes[n++] = 0x5c;
          nameBytes[n++] = 0x30 + (c >> 6);
          nameBytes[n++] = 0x30 + ((c >> 3) & 7);
          nameBytes[n++] = 0x30 + (c & 7);
        }
      }
    }
    labels++;
    p += 1 + len;
  }
  nameText = labels === 0 && !nameError ? '<Root>' : n === 0 ? '' : latin1.decode(nameBytes.subarray(0, n));
  nameLabels = labels;
  return nameError ? -1 : after;
}

// ---- message ----

interface MessageState {
  info: string;
}
const state: MessageState = { info: '' };

function protoOf(flavour: number): string {
  return flavour === DNS_FLAVOUR_MDNS ? 'MDNS' : flavour === DNS_FLAVOUR_LLMNR ? 'LLMNR' : 'DNS';
}

/** The flags word of the header at `off` and its bits (RFC 1035 §4.1.1, RFC 4035 §3.2 AD/CD). */
function addFlags(d: Dissection, flags: number, off: number, top: number): void {
  const response = (flags & 0x8000) !== 0;
  const fl = addField(d, hfDnsFlags, off + 2, 2, top);
  addField(d, hfDnsFlagsResponse, off + 2, 2, fl);
  addField(d, hfDnsFlagsOpcode, off + 2, 2, fl);
  if (response) addField(d, hfDnsFlagsAuthoritative, off + 2, 2, fl);
  addField(d, hfDnsFlagsTruncated, off + 2, 2, fl);
  addField(d, hfDnsFlagsRecdesired, off + 2, 2, fl);
  if (response) addField(d, hfDnsFlagsRecavail, off + 2, 2, fl);
  addField(d, hfDnsFlagsZ, off + 2, 2, fl);
  // AD in a query asks for the AD bit in the answer (RFC 6840 §5.7): tshark shows it only when set.
  if (response || (flags & 0x0020) !== 0) addField(d, hfDnsFlagsAuthenticated, off + 2, 2, fl);
  addField(d, hfDnsFlagsCheckdisable, off + 2, 2, fl);
  if (response) addField(d, hfDnsFlagsRcode, off + 2, 2, fl);
}

/**
 * Dissect one DNS message in [off, end). `rep` is its reported length. Returns false only
 * when not even the header was there.
 */
function dissectMessage(d: Dissection, data: Uint8Array, off: number, end: number, top: number, ctx: PacketContext, flavour: number): void {
  const base = off;
  nameTextWanted = !d.summary || ctx.wantInfo;
  const avail = end - off;
  if (avail < 12) {
    // The header fields that were captured, as tshark adds them before it stops (a message
    // quoted in an ICMP error is cut after 8 bytes: RFC 792).
    if (avail >= 2) addField(d, hfDnsId, off, 2, top);
    if (avail >= 4) addFlags(d, u16(data, off + 2), off, top);
    const counts = [hfDnsCountQueries, hfDnsCountAnswers, hfDnsCountAuth];
    for (let k = 0; k < 3 && avail >= 6 + 2 * k; k++) addField(d, counts[k], off + 4 + 2 * k, 2, top);
    // Inside an ICMP error the cut is expected: tshark does not call it malformed.
    if (!ctx.inError) markMalformed(d, top, `DNS: header truncated at byte ${off} (${avail} of 12 bytes)`);
    return;
  }
  const id = u16(data, off);
  const flags = u16(data, off + 2);
  const response = (flags & 0x8000) !== 0;
  addField(d, hfDnsId, off, 2, top);
  addFlags(d, flags, off, top);
  const nq = u16(data, off + 4);
  const nan = u16(data, off + 6);
  const nau = u16(data, off + 8);
  const nad = u16(data, off + 10);
  addField(d, hfDnsCountQueries, off + 4, 2, top);
  addField(d, hfDnsCountAnswers, off + 6, 2, top);
  addField(d, hfDnsCountAuth, off + 8, 2, top);
  addField(d, hfDnsCountAdd, off + 10, 2, top);
  const want = ctx.wantInfo;
  if (want) {
    const opcode = (flags >> 11) & 0xf;
    const rcode = flags & 0xf;
    state.info = `${OPCODE_NAMES[opcode] ?? `Unknown operation (${opcode})`}${response ? ' response' : ''} 0x${id.toString(16).padStart(4, '0')}`;
    if (response && rcode !== 0) state.info += ` ${RCODE_NAMES[rcode] ?? `Unknown error (${rcode})`}`;
  }
  let p = off + 12;
  for (let i = 0; i < nq; i++) {
    const q = addField(d, hfDnsQry, p, 0, top);
    const after = readName(data, base, end, p);
    if (after < 0) {
      addField(d, hfDnsQryName, p, Math.max(0, end - p), q, nameText);
      markMalformed(d, q, `DNS: query ${i + 1}: ${nameError}`);
      return;
    }
    addField(d, hfDnsQryName, p, after - p, q, nameText);
    addField(d, hfDnsQryNameLen, p, after - p, q, nameText === '<Root>' ? 6 : nameText.length);
    addField(d, hfDnsCountLabels, p, after - p, q, nameLabels);
    if (after + 4 > end) {
      markMalformed(d, q, `DNS: query ${i + 1}: type/class truncated at byte ${after}`);
      return;
    }
    const type = u16(data, after);
    addField(d, hfDnsQryType, after, 2, q);
    if (flavour === DNS_FLAVOUR_MDNS) {
      addField(d, hfDnsQryClass, after + 2, 2, q, u16(data, after + 2) & 0x7fff);
      addField(d, hfDnsQryQu, after + 2, 2, q);
    } else {
      addField(d, hfDnsQryClass, after + 2, 2, q);
    }
    d.len[q] = after + 4 - p;
    if (want) state.info += ` ${typeName(type)} ${nameText}`;
    p = after + 4;
  }
  const total = nan + nau + nad;
  for (let i = 0; i < total; i++) {
    const next = dissectRr(d, data, base, end, p, top, ctx, flavour, i);
    if (next < 0) return;
    p = next;
  }
}

/**
 * An A/AAAA record at `p` (its type at `after`) names its address by its owner name, as
 * packet-dns.c hands it to add_ipv4_name/add_ipv6_name: class IN only (RFC 1035 §3.2.4; the top
 * bit is mDNS's cache-flush flag, RFC 6762 §10.2), not inside an ICMP error's quoted datagram.
 */
function learnAddress(ctx: PacketContext, learn: (address: string, name: string) => void, data: Uint8Array, base: number, end: number, p: number, after: number, address: string): void {
  if (ctx.inError || (u16(data, after + 2) & 0x7fff) !== 1) return;
  // The index pass reads names without their text: read the owner again with it.
  const wanted = nameTextWanted;
  nameTextWanted = true;
  const ok = readName(data, base, end, p) >= 0;
  nameTextWanted = wanted;
  if (ok && nameText !== '<Root>') learn(address, nameText);
}

/**
 * The index pass's part of learnAddress/learnReverse: the record (its type at `after`) may name an
 * address (class IN, not in an ICMP error), so its frame is learned from when names are asked
 * (index/host-names.ts); the owner name and the address text are not built here.
 */
function noteNameRecord(ctx: PacketContext, note: () => void, data: Uint8Array, after: number): void {
  if (!ctx.inError && (u16(data, after + 2) & 0x7fff) === 1) note();
}

/**
 * A PTR record at `p` (its type at `after`, its target at `r`) whose owner is a reverse name
 * (dns-reverse.ts) names that address by its target, with the A/AAAA rules of learnAddress.
 * tshark 4.0 learns from A and AAAA only; a reverse lookup in the capture names its address too.
 */
function learnReverse(ctx: PacketContext, learn: (address: string, name: string) => void, data: Uint8Array, base: number, end: number, p: number, after: number, r: number): void {
  if (ctx.inError || (u16(data, after + 2) & 0x7fff) !== 1) return;
  const wanted = nameTextWanted;
  nameTextWanted = true;
  const address = readName(data, base, end, p) >= 0 ? reverseAddress(nameText) : undefined;
  const ok = address !== undefined && readName(data, base, end, r) >= 0;
  nameTextWanted = wanted;
  if (ok && nameText !== '<Root>') learn(address, nameText);
}

/** One resource record at `p`; returns the offset after it, or -1 when malformed. */
function dissectRr(d: Dissection, data: Uint8Array, base: number, end: number, p: number, top: number, ctx: PacketContext, flavour: number, index: number): number {
  const rr = addField(d, hfDnsRr, p, 0, top);
  const after = readName(data, base, end, p);
  if (after < 0) {
    addField(d, hfDnsRespName, p, Math.max(0, end - p), rr, nameText);
    markMalformed(d, rr, `DNS: record ${index + 1}: ${nameError}`);
    return -1;
  }
  const owner = nameText;
  addField(d, hfDnsRespName, p, after - p, rr, owner);
  if (after + 10 > end) {
    markMalformed(d, rr, `DNS: record ${index + 1}: fixed fields truncated at byte ${after}`);
    return -1;
  }
  const type = u16(data, after);
  const rdlen = u16(data, after + 8);
  const r = after + 10;
  addField(d, hfDnsRespType, after, 2, rr);
  const want = ctx.wantInfo;
  if (want) state.info += ` ${typeName(type)}`;
  if (type === 41) {
    // OPT pseudo-RR (RFC 6891 §6.1.2): class = UDP payload size, TTL = ext-rcode/version/flags.
    addField(d, hfDnsUdpPayloadSize, after + 2, 2, rr);
    addField(d, hfDnsExtRcode, after + 4, 1, rr);
    addField(d, hfDnsEdns0Version, after + 5, 1, rr);
    const z = addField(d, hfDnsRespZ, after + 6, 2, rr);
    addField(d, hfDnsRespZDo, after + 6, 2, z);
  } else {
    if (flavour === DNS_FLAVOUR_MDNS) {
      addField(d, hfDnsRespClass, after + 2, 2, rr, u16(data, after + 2) & 0x7fff);
      addField(d, hfDnsRespCacheFlush, after + 2, 2, rr);
      if (want && data[after + 2] & 0x80) state.info += ', cache flush';
    } else {
      addField(d, hfDnsRespClass, after + 2, 2, rr);
    }
    addField(d, hfDnsRespTtl, after + 4, 4, rr);
  }
  addField(d, hfDnsRespLen, after + 8, 2, rr);
  if (r + rdlen > end) {
    markMalformed(d, rr, `DNS: record ${index + 1}: data length ${rdlen} at byte ${after + 8} runs past the end of the message`);
    return -1;
  }
  d.len[rr] = r + rdlen - p;
  const rend = r + rdlen;
  switch (type) {
    case 1:
      if (rdlen === 4) {
        addField(d, hfDnsA, r, 4, rr);
        if (want) state.info += ` ${formatIpv4(u32(data, r))}`;
        if (ctx.learnName) learnAddress(ctx, ctx.learnName, data, base, end, p, after, formatIpv4(u32(data, r)));
        else if (ctx.nameRecord) noteNameRecord(ctx, ctx.nameRecord, data, after);
      }
      break;
    case 28:
      if (rdlen === 16) {
        addField(d, hfDnsAaaa, r, 16, rr);
        if (want) state.info += ` ${formatIpv6(data.subarray(r, r + 16))}`;
        if (ctx.learnName) learnAddress(ctx, ctx.learnName, data, base, end, p, after, formatIpv6(data.subarray(r, r + 16)));
        else if (ctx.nameRecord) noteNameRecord(ctx, ctx.nameRecord, data, after);
      }
      break;
    case 2:
    case 5:
    case 12: {
      const f = type === 2 ? hfDnsNs : type === 5 ? hfDnsCname : hfDnsPtr;
      if (!rdName(d, data, base, end, r, rend, f, rr, index)) return -1;
      if (want) state.info += ` ${nameText}`;
      if (type === 12 && ctx.learnName) learnReverse(ctx, ctx.learnName, data, base, end, p, after, r);
      else if (type === 12 && ctx.nameRecord) noteNameRecord(ctx, ctx.nameRecord, data, after);
      break;
    }
    case 15:
      if (rdlen < 3) break;
      addField(d, hfDnsMxPreference, r, 2, rr);
      if (!rdName(d, data, base, end, r + 2, rend, hfDnsMxExchange, rr, index)) return -1;
      if (want) state.info += ` ${u16(data, r)} ${nameText}`;
      break;
    case 6: {
      const a1 = readName(data, base, end, r);
      addField(d, hfDnsSoaMname, r, Math.max(0, (a1 < 0 ? rend : a1) - r), rr, nameText);
      if (a1 < 0) {
        markMalformed(d, rr, `DNS: record ${index + 1}: SOA MNAME: ${nameError}`);
        return -1;
      }
      if (want) state.info += ` ${nameText}`;
      const a2 = readName(data, base, end, a1);
      addField(d, hfDnsSoaRname, a1, Math.max(0, (a2 < 0 ? rend : a2) - a1), rr, nameText);
      if (a2 < 0 || a2 + 20 > rend) {
        markMalformed(d, rr, `DNS: record ${index + 1}: SOA fields truncated at byte ${a2 < 0 ? a1 : a2}`);
        return -1;
      }
      addField(d, hfDnsSoaSerial, a2, 4, rr);
      addField(d, hfDnsSoaRefresh, a2 + 4, 4, rr);
      addField(d, hfDnsSoaRetry, a2 + 8, 4, rr);
      addField(d, hfDnsSoaExpire, a2 + 12, 4, rr);
      addField(d, hfDnsSoaMinimum, a2 + 16, 4, rr);
      break;
    }
    case 16: {
      let q = r;
      while (q < rend) {
        const n = data[q];
        addField(d, hfDnsTxtLength, q, 1, rr);
        if (q + 1 + n > rend) {
          markMalformed(d, rr, `DNS: record ${index + 1}: TXT string at byte ${q} overruns the record`);
          break;
        }
        addField(d, hfDnsTxt, q + 1, n, rr);
        q += 1 + n;
      }
      break;
    }
    case 33:
      if (rdlen < 7) break;
      addField(d, hfDnsSrvPriority, r, 2, rr);
      addField(d, hfDnsSrvWeight, r + 2, 2, rr);
      addField(d, hfDnsSrvPort, r + 4, 2, rr);
      if (!rdName(d, data, base, end, r + 6, rend, hfDnsSrvTarget, rr, index)) return -1;
      if (want) state.info += ` ${u16(data, r)} ${u16(data, r + 2)} ${u16(data, r + 4)} ${nameText}`;
      break;
    case 47:
      // NSEC (RFC 4034 §4.1): the next owner name, then the type bitmaps; Info shows the name.
      if (!rdName(d, data, base, end, r, rend, hfDnsNsecNext, rr, index)) return -1;
      if (want) state.info += ` ${nameText}`;
      break;
    case 64:
    case 65:
      if (!dissectSvcb(d, data, base, end, r, rend, rr, index, want)) return -1;
      break;
    case 41: {
      let q = r;
      while (q + 4 <= rend) {
        const olen = u16(data, q + 2);
        const o = addField(d, hfDnsOpt, q, Math.min(4 + olen, rend - q), rr);
        addField(d, hfDnsOptCode, q, 2, o);
        addField(d, hfDnsOptLen, q + 2, 2, o);
        if (q + 4 + olen > rend) {
          markMalformed(d, o, `DNS: OPT option at byte ${q} overruns the record`);
          break;
        }
        if (olen > 0) addField(d, hfDnsOptData, q + 4, olen, o);
        q += 4 + olen;
      }
      break;
    }
    default:
      if (rdlen > 0) addField(d, hfDnsRdata, r, rdlen, rr);
  }
  return rend;
}

/** A name field inside RDATA; false (and malformed) when the name is bad. */
function rdName(d: Dissection, data: Uint8Array, base: number, end: number, r: number, rend: number, f: typeof hfDnsNs, rr: number, index: number): boolean {
  const a = readName(data, base, end, r);
  addField(d, f, r, Math.max(0, (a < 0 ? rend : Math.min(a, rend)) - r), rr, nameText);
  if (a < 0) {
    markMalformed(d, rr, `DNS: record ${index + 1}: ${nameError}`);
    return false;
  }
  return true;
}

/** SVCB/HTTPS RDATA (RFC 9460 §2.2): priority, target name, then key/length/value params. */
function dissectSvcb(d: Dissection, data: Uint8Array, base: number, end: number, r: number, rend: number, rr: number, index: number, want: boolean): boolean {
  if (rend - r < 3) return true;
  addField(d, hfDnsSvcPriority, r, 2, rr);
  const a = readName(data, base, end, r + 2);
  addField(d, hfDnsSvcTarget, r + 2, Math.max(0, (a < 0 ? rend : a) - r - 2), rr, nameText);
  if (a < 0) {
    markMalformed(d, rr, `DNS: record ${index + 1}: SVCB target: ${nameError}`);
    return false;
  }
  if (want) state.info += ` ${nameText}`;
  let q = a;
  while (q + 4 <= rend) {
    const key = u16(data, q);
    const len = u16(data, q + 2);
    addField(d, hfDnsSvcParamKey, q, 2, rr);
    addField(d, hfDnsSvcParamLen, q + 2, 2, rr);
    const v = q + 4;
    if (v + len > rend) {
      markMalformed(d, rr, `DNS: record ${index + 1}: SvcParam at byte ${q} overruns the record`);
      return true;
    }
    switch (key) {
      case 0:
        for (let k = v; k + 2 <= v + len; k += 2) addField(d, hfDnsSvcMandatory, k, 2, rr);
        break;
      case 1:
        for (let k = v; k < v + len; ) {
          const n = data[k];
          addField(d, hfDnsSvcAlpnLen, k, 1, rr);
          if (k + 1 + n > v + len) break;
          addField(d, hfDnsSvcAlpn, k + 1, n, rr);
          k += 1 + n;
        }
        break;
      case 3:
        if (len === 2) addField(d, hfDnsSvcPort, v, 2, rr);
        break;
      case 4:
        for (let k = v; k + 4 <= v + len; k += 4) addField(d, hfDnsSvcIpv4, k, 4, rr);
        break;
      case 6:
        for (let k = v; k + 16 <= v + len; k += 16) addField(d, hfDnsSvcIpv6, k, 16, rr);
        break;
      default:
        if (len > 0) addField(d, hfDnsSvcValue, v, len, rr);
    }
    q = v + len;
  }
  return true;
}

function protocolNode(flavour: number): typeof hfDns {
  return flavour === DNS_FLAVOUR_MDNS ? hfMdns : flavour === DNS_FLAVOUR_LLMNR ? hfLlmnr : hfDns;
}

function layerName(flavour: number): string {
  return flavour === DNS_FLAVOUR_MDNS ? 'mdns' : flavour === DNS_FLAVOUR_LLMNR ? 'llmnr' : 'dns';
}

function dissectDnsUdp(d: Dissection, data: Uint8Array, off: number, end: number, _rep: number, parent: number, ctx: PacketContext, flavour: number): void {
  pushLayer(ctx, layerName(flavour));
  d.protocol = protoOf(flavour);
  const top = addField(d, protocolNode(flavour), off, Math.max(0, end - off), parent);
  if (flavour === DNS_FLAVOUR_DNS) ctx.sumDns = true;
  state.info = '';
  dissectMessage(d, data, off, end, top, ctx, flavour);
  if (ctx.wantInfo) d.info = state.info;
}

/** DNS over TCP messages: a 2-byte length, then the message (RFC 1035 §4.2.2). */
const DNS_TCP_FRAMING: PduFraming = { headerLength: 2, pduLength: (b, off) => 2 + u16(b, off) };

/**
 * DNS over TCP: the message this segment completes (collected from earlier segments in the first
 * pass, tcp-pdu.ts), then the whole messages that begin in it: 'dns'; 'segment' when it holds
 * no whole message (a part of one completed later); 'old' for data seen before (retransmitted,
 * out of order: plain TCP). Info is the last message's, as tshark's (each PDU clears the column).
 */
function dissectDnsTcp(d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): 'dns' | 'segment' | 'old' {
  let at: TcpPduAt | undefined;
  if (ctx.tcpKey >= 0) {
    const store = tcpPduStoreOf(ctx.conv, DNS_TCP_FRAMING);
    at = ctx.firstPass
      ? tcpPduFirstPass(store, ctx.conv, DNS_TCP_FRAMING, ctx.tcpKey, ctx.frame, ctx.sumTcpCount, ctx.tcpSeq, data, off, end, rep)
      : tcpPduAt(store, ctx.frame, ctx.sumTcpCount);
    if (at?.old) return 'old';
  }
  let info = '';
  let n = 0;
  const one = (bytes: Uint8Array, p: number, len: number, source: number): void => {
    if (n === 0) {
      pushLayer(ctx, 'dns');
      d.protocol = 'DNS';
    }
    ctx.sumDns = true;
    const first = d.n;
    const top = addField(d, hfDns, p, 2 + len, parent);
    addField(d, hfDnsLength, p, 2, top);
    state.info = '';
    dissectMessage(d, bytes, p + 2, p + 2 + len, top, ctx, DNS_FLAVOUR_DNS);
    if (ctx.wantInfo) info = state.info;
    if (source !== 0) for (let i = first; i < d.n; i++) d.src[i] = source;
    n++;
  };
  if (at?.reassembled) {
    const r = at.reassembled;
    const source = addSource(d, 'Reassembled TCP', r);
    if (!d.summary) {
      const segs = addField(d, hfTcpSegments, 0, r.length, parent, undefined, source);
      setLabel(d, segs, `${at.pieces.length} Reassembled TCP Segments (${r.length} bytes): ${at.pieces.map((x) => `#${x.frame}(${x.length})`).join(', ')}`);
      let pos = 0;
      for (const x of at.pieces) {
        const e = addField(d, hfTcpSegment, pos, x.length, segs, x.frame, source);
        setLabel(d, e, `Frame: ${x.frame}, payload: ${pos}-${pos + x.length - 1} (${x.length} byte${x.length === 1 ? '' : 's'})`);
        pos += x.length;
      }
      addField(d, hfTcpSegmentCount, 0, 0, segs, at.pieces.length, source);
      addField(d, hfTcpReassembledLength, 0, 0, segs, r.length, source);
      addField(d, hfTcpReassembledData, 0, r.length, segs, undefined, source);
    }
    one(r, 0, r.length - 2, source);
  }
  let p = off + (at?.ownFrom ?? 0);
  while (p + 2 <= end && n < 1000) {
    const len = u16(data, p);
    if (p + 2 + len > end) break;
    one(data, p, len, 0);
    p += 2 + len;
  }
  if (ctx.wantInfo && n > 0) d.info = info;
  return n > 0 ? 'dns' : 'segment';
}

// Ports: IANA service names domain (53), mdns (5353), llmnr (5355); packet-dns.c registers
// DNS over TCP on 53 and 5353.
const dnsUdp = createHandle('dns', 'Domain Name System', (d, data, off, end, rep, parent, ctx) => {
  dissectDnsUdp(d, data, off, end, rep, parent, ctx, DNS_FLAVOUR_DNS);
  return true;
});
addUint(udpPortTable, 53, dnsUdp);
addUint(udpPortTable, 5353, createHandle('mdns', 'Multicast Domain Name System', (d, data, off, end, rep, parent, ctx) => {
  dissectDnsUdp(d, data, off, end, rep, parent, ctx, DNS_FLAVOUR_MDNS);
  return true;
}));
addUint(udpPortTable, 5355, createHandle('llmnr', 'Link-local Multicast Name Resolution', (d, data, off, end, rep, parent, ctx) => {
  dissectDnsUdp(d, data, off, end, rep, parent, ctx, DNS_FLAVOUR_LLMNR);
  return true;
}));
addHeuristic('udp', dnsUdp, (d, data, off, end, rep, parent, ctx) => {
  if (!dnsHeuristic(data, off, end, rep)) return false;
  dissectDnsUdp(d, data, off, end, rep, parent, ctx, DNS_FLAVOUR_DNS);
  return true;
});
const dnsTcp = createHandle('dns', 'Domain Name System', (d, data, off, end, rep, parent, ctx) => {
  // An incomplete DNS message: tshark keeps it for reassembly and says so in Info.
  if (dissectDnsTcp(d, data, off, end, rep, parent, ctx) === 'segment' && ctx.wantInfo) d.info += ' [TCP segment of a reassembled PDU]';
  return true;
});
addUint(tcpPortTable, 53, dnsTcp);
addUint(tcpPortTable, 5353, dnsTcp);
