/**
 * `-z dns,tree` as tshark 4.0 computes it (epan/dissectors/packet-dns.c: the DNS tap at the end
 * of dissect_dns_common, dns_stats_tree_init and dns_stats_tree_packet). The tap fires once per
 * DNS message — not for mDNS or LLMNR, nor for one quoted inside an ICMP error — with the
 * header's QR, opcode and rcode, the first question's type, class, name length and label count,
 * the message's captured length (over TCP with its 2-byte length), and for a response its
 * transaction's fate: unsolicited (no request seen), a retransmission, or its request-response
 * time.
 *
 * Transactions as dissect_dns_common tracks them in tshark's one pass: per conversation and DNS
 * ID, a request opens a transaction unless the last one with that ID is still unanswered and
 * less than the retransmission timer (5 s, the dns.retransmission_timer default) old, which
 * makes it a retransmission; a response answers the last transaction with its ID, a second
 * response to it is a retransmission.
 *
 * Two tshark 4.0 quirks are kept: a response adds its four counts to the Response Stats nodes
 * twice (the code adds them before and again inside its unsolicited check), and the Query Type
 * and Class of a message without a question are those of type and class 0.
 */
import type { StatsResult } from '../../../shared/stats.ts';
import type { Capture } from '../capture.ts';
import { createDissection, type Dissection } from '../dissectors/dissection.ts';
import {
  hfDns, hfDnsCountAdd, hfDnsCountAnswers, hfDnsCountAuth, hfDnsCountLabels, hfDnsCountQueries, hfDnsFlags, hfDnsId,
  hfDnsQryClass, hfDnsQryNameLen, hfDnsQryType,
} from '../dissectors/dns.ts';
import { entryValue } from '../dissectors/values.ts';
import { allFields } from '../fields/registry.ts';
import { PATH_UNKNOWN } from '../index/packet-index.ts';
import { relativeTime } from './io-stat.ts';
import { addValue, BURST_WINDOW_MS, createTree, elapsedMs, node, tap, tick, treeNodes } from './stats-tree.ts';

/** One DNS message as the tap sees it. */
export interface DnsTapMessage {
  event: number;
  /** The conversation (tcp.stream / udp.stream id of the frame) the transaction belongs to. */
  conversation: number;
  id: number;
  flags: number;
  qtype: number;
  qclass: number;
  questions: number;
  answers: number;
  authorities: number;
  additionals: number;
  payload: number;
  qnameLen: number;
  qnameLabels: number;
}

/** dns.retransmission_timer's default, seconds (packet-dns.c). */
const RETRANSMISSION_TIMER_S = 5;

// Value names as tshark 4.0 prints them (packet-dns.c dns_types_description_vals, dns_classes,
// rcode_vals, opcode_vals, dns_qr_vals; `tshark -G values`).
const QTYPES: Readonly<Record<number, string>> = {
  0: 'Unused', 1: 'A (Host Address)', 2: 'NS (authoritative Name Server)', 3: 'MD (Mail Destination)', 4: 'MF (Mail Forwarder)',
  5: 'CNAME (Canonical NAME for an alias)', 6: 'SOA (Start Of a zone of Authority)', 7: 'MB (MailBox domain name)', 8: 'MG (Mail Group member)',
  9: 'MR (Mail Rename domain)', 10: 'NULL RR', 11: 'WKS (Well Known Service)', 12: 'PTR (domain name PoinTeR)', 13: 'HINFO (host information)',
  14: 'MINFO (Mailbox or mail list information)', 15: 'MX (Mail eXchange)', 16: 'TXT (Text strings)', 17: 'RP (Responsible Person)',
  18: 'AFSDB (AFS Data Base location)', 24: 'SIG (security signature)', 25: 'KEY (security key)', 28: 'AAAA (IPv6 Address)',
  29: 'LOC (Location Information)', 33: 'SRV (Server Selection)', 35: 'NAPTR (Naming Authority Pointer)', 36: 'KX (Key Exchanger)',
  37: 'CERT', 38: 'A6 (OBSOLETE - use AAAA)', 39: 'DNAME', 41: 'OPT', 42: 'APL', 43: 'DS (Delegation Signer)', 44: 'SSHFP (SSH Key Fingerprint)',
  45: 'IPSECKEY', 46: 'RRSIG (Resource Record Signature)', 47: 'NSEC (Next Secure)', 48: 'DNSKEY (DNS Public Key)', 49: 'DHCID', 50: 'NSEC3',
  51: 'NSEC3PARAM', 52: 'TLSA', 55: 'HIP (Host Identity Protocol)', 59: 'CDS (Child DS)', 60: 'CDNSKEY (DNSKEY(s) the Child wants reflected in DS)',
  61: 'OPENPGPKEY (OpenPGP Key)', 62: 'CSYNC (Child-to-Parent Synchronization)', 63: 'ZONEMD', 64: 'SVCB (General Purpose Service Endpoints)',
  65: 'HTTPS (HTTPS Specific Service Endpoints)', 99: 'SPF', 249: 'TKEY (Transaction Key)', 250: 'TSIG (Transaction Signature)',
  251: 'IXFR (incremental transfer)', 252: 'AXFR (transfer of an entire zone)', 253: 'MAILB (mailbox-related RRs)', 254: 'MAILA (mail agent RRs)',
  255: '* (A request for all records the server/cache has available)', 256: 'URI', 257: 'CAA (Certification Authority Restriction)',
};
const QCLASSES: Readonly<Record<number, string>> = { 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };
const RCODES: Readonly<Record<number, string>> = {
  0: 'No error', 1: 'Format error', 2: 'Server failure', 3: 'No such name', 4: 'Not implemented', 5: 'Refused', 6: 'Name exists',
  7: 'RRset exists', 8: 'RRset does not exist', 9: 'Not authoritative', 10: 'Name out of zone', 11: 'DSO-Type not implemented',
};
const OPCODES: Readonly<Record<number, string>> = {
  0: 'Standard query', 1: 'Inverse query', 2: 'Server status request', 4: 'Zone change notification', 5: 'Dynamic update', 6: 'DNS Stateful operations (DSO)',
};

/** The events whose first-pass layers hold a DNS message not quoted in an ICMP error (mDNS and LLMNR are layers of their own). */
function dnsEvents(capture: Capture): number[] {
  const int = capture.internals();
  const out: number[] = [];
  if (int.kind !== 'packets') return out;
  const ix = int.index;
  const paths = ix.paths.layers;
  const dns = paths.map((l) => l.includes('dns') && !l.includes('icmp') && !l.includes('icmpv6'));
  const col = ix.protoPath.data;
  const n = capture.count();
  for (let e = 1; e <= n; e++) {
    const p = col[e - 1];
    if (p === PATH_UNKNOWN || dns[p]) out.push(e);
  }
  return out;
}

/** Whether entry `k` lies under entry `top`. */
function under(d: Dissection, k: number, top: number): boolean {
  for (let p = d.parent[k]; p >= 0; p = d.parent[p]) if (p === top) return true;
  return false;
}

/** The DNS messages of one dissected event, in order. */
function messagesOf(d: Dissection, event: number, conversation: number, out: DnsTapMessage[]): void {
  for (let k = 0; k < d.n; k++) {
    if (d.fid[k] !== hfDns.id) continue;
    const m: DnsTapMessage = { event, conversation, id: -1, flags: -1, qtype: 0, qclass: 0, questions: 0, answers: 0, authorities: 0, additionals: 0, payload: d.len[k], qnameLen: 0, qnameLabels: 0 };
    const first = new Set<number>();
    for (let j = k + 1; j < d.n && d.fid[j] !== hfDns.id; j++) {
      if (!under(d, j, k)) continue;
      const f = d.fid[j];
      const x = entryValue(d, j);
      const v = typeof x === 'number' ? x : 0;
      // The first question's values only (get_dns_name_type_class reads the first).
      if (first.has(f)) continue;
      first.add(f);
      if (f === hfDnsId.id) m.id = v;
      else if (f === hfDnsFlags.id) m.flags = v;
      else if (f === hfDnsCountQueries.id) m.questions = v;
      else if (f === hfDnsCountAnswers.id) m.answers = v;
      else if (f === hfDnsCountAuth.id) m.authorities = v;
      else if (f === hfDnsCountAdd.id) m.additionals = v;
      else if (f === hfDnsQryType.id) m.qtype = v;
      else if (f === hfDnsQryClass.id) m.qclass = v;
      else if (f === hfDnsQryNameLen.id) m.qnameLen = v;
      else if (f === hfDnsCountLabels.id) m.qnameLabels = v;
    }
    // A header cut short taps nothing (tshark throws before the tap).
    if (m.id >= 0 && m.flags >= 0) out.push(m);
  }
}

/**
 * A dissection that records the DNS subtree only: every dns.* field (so each entry's parent
 * chain up to its message stays whole for `under`), no field of the layers below, which then
 * skip computing theirs (the dissection's keepProtocols).
 */
function dnsOnlyDissection(): Dissection {
  const d = createDissection();
  const all = allFields();
  const keep = new Uint8Array(all.length + 1);
  for (const f of all) if (f.name === 'dns' || f.name.startsWith('dns.')) keep[f.id] = 1;
  const protocols = new Uint8Array(keep.length);
  protocols[hfDns.id] = 1;
  d.keep = keep;
  d.keepProtocols = protocols;
  return d;
}

/** Every DNS message the tap sees, by dissecting the frames whose layers hold DNS. */
export function dnsTapMessages(capture: Capture): DnsTapMessage[] {
  const int = capture.internals();
  const fs = int.kind === 'packets' ? int.conv.frameStream : undefined;
  const d = dnsOnlyDissection();
  const out: DnsTapMessage[] = [];
  for (const e of dnsEvents(capture)) {
    capture.dissect(e, d, { info: false });
    messagesOf(d, e, fs && e < fs.length ? fs[e] : -1, out);
  }
  return out;
}

interface Transaction {
  /** The request's time, ns after the first frame. */
  reqNs: number;
  answered: boolean;
}

const TOTAL = 'Total Packets';

/** The dns,tree result over `messages` (in event order); `keep(event)`: whether a display filter kept it. */
export function dnsTreeStats(capture: Capture, messages: readonly DnsTapMessage[], keep?: (event: number) => boolean): Pick<Extract<StatsResult, { kind: 'tree' }>, 'title' | 'elapsedMs' | 'burstWindowMs' | 'roots'> {
  const rel = relativeTime(capture);
  const tree = createTree('DNS');
  // dns_stats_tree_init's nodes, in its order (the top level prints so).
  const total = node(tree, null, TOTAL);
  const qr = node(tree, total, 'Query/Response');
  const qtypes = node(tree, total, 'Query Type');
  const qclasses = node(tree, total, 'Class');
  const rcodes = node(tree, total, 'rcode');
  const opcodes = node(tree, total, 'opcodes');
  const size = node(tree, null, 'Payload size');
  const queryStats = node(tree, null, 'Query Stats');
  const qnameLen = node(tree, queryStats, 'Qname Len');
  const labels = node(tree, queryStats, 'Label Stats');
  const levels = ['1st Level', '2nd Level', '3rd Level', '4th Level or more'].map((l) => node(tree, labels, l));
  const responseStats = node(tree, null, 'Response Stats');
  const counts = ['no. of questions', 'no. of answers', 'no. of authorities', 'no. of additionals'].map((c) => node(tree, responseStats, c));
  const service = node(tree, null, 'Service Stats');
  const unsolicited = node(tree, service, 'no. of unsolicited responses');
  const retransmissions = node(tree, service, 'no. of retransmissions');
  const rrt = node(tree, service, 'request-response time (msec)');
  const pivot = (parent: typeof total, name: string): void => {
    tick(tree, parent);
    tick(tree, node(tree, parent, name));
  };
  const last = new Map<string, Transaction>();
  for (const m of messages) {
    const t = rel(m.event);
    const ns = t.sec * 1e9 + t.nsec;
    // Transactions are tracked on every message, kept by the filter or not (the dissector does).
    const key = `${m.conversation}:${m.id}`;
    const tr = last.get(key);
    const response = (m.flags & 0x8000) !== 0;
    let fate: 'rrt' | 'unsolicited' | 'retransmission' = 'rrt';
    let rrtMs = 0;
    if (!response) {
      const retransmitted = tr !== undefined && !tr.answered && (ns - tr.reqNs) / 1e9 < RETRANSMISSION_TIMER_S;
      if (!retransmitted) last.set(key, { reqNs: ns, answered: false });
    } else if (!tr) fate = 'unsolicited';
    else if (tr.answered) fate = 'retransmission';
    else {
      tr.answered = true;
      const delta = ns - tr.reqNs;
      // nstime_delta, then secs * 1000. + nsecs / 1e6.
      const secs = Math.trunc(delta / 1e9);
      rrtMs = secs * 1000 + (delta - secs * 1e9) / 1e6;
    }
    if (keep && !keep(m.event)) continue;
    tap(tree, t.sec * 1000 + t.nsec / 1e6);
    tick(tree, total);
    const opcode = (m.flags >> 11) & 0xf;
    const rcode = m.flags & 0xf;
    pivot(qr, response ? 'Response' : 'Query');
    pivot(qtypes, QTYPES[m.qtype] ?? `Unknown packet type (${m.qtype})`);
    pivot(qclasses, QCLASSES[m.qclass] ?? `Unknown class (${m.qclass})`);
    pivot(rcodes, RCODES[rcode] ?? `Unknown rcode (${rcode})`);
    pivot(opcodes, OPCODES[opcode] ?? `Unknown opcode (${opcode})`);
    addValue(tree, size, m.payload);
    if (!response) {
      addValue(tree, qnameLen, m.qnameLen);
      tick(tree, levels[m.qnameLabels >= 1 && m.qnameLabels <= 3 ? m.qnameLabels - 1 : 3]);
      continue;
    }
    const values = [m.questions, m.answers, m.authorities, m.additionals];
    values.forEach((v, k) => addValue(tree, counts[k], v));
    if (fate === 'unsolicited') {
      tick(tree, unsolicited);
      continue;
    }
    values.forEach((v, k) => addValue(tree, counts[k], v));
    if (fate === 'retransmission') tick(tree, retransmissions);
    else addValue(tree, rrt, rrtMs, true);
  }
  return { title: tree.title, elapsedMs: elapsedMs(tree), burstWindowMs: BURST_WINDOW_MS, roots: treeNodes(tree.roots) };
}
