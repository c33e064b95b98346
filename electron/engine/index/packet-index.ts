/**
 * The columnar index of a packet capture (pcap, pcapng), built in one pass over the reader's
 * records: per packet its file offset, lengths, timestamp, interface, and the summary the
 * table and fast filters need (protocol, source, destination as interned strings; colour
 * flags). Everything else is re-dissected on demand from bytes re-read at `dataOffset`.
 * ≈ 47 bytes per packet here, plus the conversation table's per-frame stream ids.
 */
import { RowFlag } from '../../../shared/rpc.ts';
import { type Dissection } from '../dissectors/dissection.ts';
import { entryValue, formatFieldValue, formatIpv4 } from '../dissectors/values.ts';
import { fieldByName, type FieldDef } from '../fields/registry.ts';
import type { InterfaceInfo, PacketRecord } from '../readers/types.ts';
import { createColumn, createInterner, intern, reserve, type Column, type Interner } from './columns.ts';

export interface PacketIndex {
  dataOffset: Column<Float64Array>;
  capLen: Column<Uint32Array>;
  origLen: Column<Uint32Array>;
  tsSec: Column<Float64Array>;
  tsNsec: Column<Uint32Array>;
  iface: Column<Uint16Array>;
  protocol: Column<Uint32Array>;
  src: Column<Uint32Array>;
  dst: Column<Uint32Array>;
  flags: Column<Uint8Array>;
  strings: Interner;
  /** IPv4 address (as uint32) → interned id, to avoid formatting the same address per packet. */
  ipv4Ids: Map<number, number>;
  /** Four most recent Protocol texts and their ids (see protocolId). */
  recentProtocols: string[];
  recentProtocolIds: Uint32Array;
  nextProtocolSlot: number;
  /** [address, id, address, id] of the two most recent IPv4 addresses (-1 = empty). */
  recentIpv4: Float64Array;
  interfaces: InterfaceInfo[];
  /** Sparse per-packet data: pcapng comments and reader-level damage messages. */
  comments: Map<number, string[]>;
  malformed: Map<number, string>;
  /** Packets that carry no timestamp (pcapng SPB): tshark shows no frame.time for them. */
  noTime: Set<number>;
  /** pcapng Decryption Secrets Blocks, kept for TLS decryption. */
  secrets: { type: number; data: Uint8Array }[];
  /** Names from pcapng Name Resolution Blocks. */
  names: Map<string, string[]>;
}

export function createPacketIndex(): PacketIndex {
  return {
    dataOffset: createColumn(Float64Array),
    capLen: createColumn(Uint32Array),
    origLen: createColumn(Uint32Array),
    tsSec: createColumn(Float64Array),
    tsNsec: createColumn(Uint32Array),
    iface: createColumn(Uint16Array),
    protocol: createColumn(Uint32Array),
    src: createColumn(Uint32Array),
    dst: createColumn(Uint32Array),
    flags: createColumn(Uint8Array),
    strings: createInterner(),
    ipv4Ids: new Map(),
    recentProtocols: ['', '', '', ''],
    recentProtocolIds: new Uint32Array(4),
    nextProtocolSlot: 0,
    recentIpv4: new Float64Array([-1, 0, -1, 0]),
    interfaces: [],
    comments: new Map(),
    malformed: new Map(),
    noTime: new Set(),
    secrets: [],
    names: new Map(),
  };
}

export function packetCount(ix: PacketIndex): number {
  return ix.dataOffset.length;
}

/** What the summary needs from a dissection, looked up once by field name. */
interface SummaryFields {
  roles: Int8Array; // field id → role
  /** The same fields as a summary-mode mask for the first pass (Dissection.keep). */
  keep: Uint8Array;
}

const ROLE_NET_SRC = 1;
const ROLE_NET_DST = 2;
const ROLE_DL_SRC = 3;
const ROLE_DL_DST = 4;
const ROLE_SYN = 5;
const ROLE_FIN = 6;
const ROLE_RST = 7;
const ROLE_DNS = 8;
const ROLE_HTTP = 9;

const ROLE_NAMES: [string, number][] = [
  ['ip.src', ROLE_NET_SRC],
  ['ip.dst', ROLE_NET_DST],
  ['ipv6.src', ROLE_NET_SRC],
  ['ipv6.dst', ROLE_NET_DST],
  ['eth.src', ROLE_DL_SRC],
  ['eth.dst', ROLE_DL_DST],
  ['sll.src.eth', ROLE_DL_SRC],
  ['tcp.flags.syn', ROLE_SYN],
  ['tcp.flags.fin', ROLE_FIN],
  ['tcp.flags.reset', ROLE_RST],
  ['dns', ROLE_DNS],
  ['http', ROLE_HTTP],
];

let summaryFields: SummaryFields | undefined;
let summaryFieldCount = -1;

function summary(fieldCount: number): SummaryFields {
  if (summaryFields && summaryFieldCount === fieldCount) return summaryFields;
  const roles = new Int8Array(fieldCount + 1);
  const keep = new Uint8Array(fieldCount + 1);
  for (const [name, role] of ROLE_NAMES) {
    const f = fieldByName(name);
    if (f && f.id < roles.length) {
      roles[f.id] = role;
      keep[f.id] = 1;
    }
  }
  summaryFields = { roles, keep };
  summaryFieldCount = fieldCount;
  return summaryFields;
}

function internAddress(ix: PacketIndex, d: Dissection, i: number, field: FieldDef): number {
  const bytes = d.sources[d.src[i]]?.bytes;
  if (field.type === 'ipv4' && bytes && d.len[i] === 4) {
    // Keyed by the address as a number: no string is built for an address seen before.
    const o = d.off[i];
    const n = d.num[i];
    const v = Number.isNaN(n) ? ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0 : n;
    // Packets of a flow alternate between two addresses: a two-entry cache skips the Map.
    if (v === ix.recentIpv4[0]) return ix.recentIpv4[1];
    if (v === ix.recentIpv4[2]) return ix.recentIpv4[3];
    let id = ix.ipv4Ids.get(v);
    if (id === undefined) {
      id = intern(ix.strings, formatIpv4(v));
      ix.ipv4Ids.set(v, id);
    }
    ix.recentIpv4[2] = ix.recentIpv4[0];
    ix.recentIpv4[3] = ix.recentIpv4[1];
    ix.recentIpv4[0] = v;
    ix.recentIpv4[1] = id;
    return id;
  }
  return intern(ix.strings, formatFieldValue(field, entryValue(d, i)));
}

/**
 * Interned id of a Protocol column text. Dissectors set it from string constants and traffic
 * alternates between a few protocols, so a four-entry cache compared by identity answers
 * almost every packet without a Map lookup.
 */
function protocolId(ix: PacketIndex, p: string): number {
  const names = ix.recentProtocols;
  for (let k = 0; k < 4; k++) if (names[k] === p) return ix.recentProtocolIds[k];
  const id = intern(ix.strings, p);
  const slot = ix.nextProtocolSlot;
  names[slot] = p;
  ix.recentProtocolIds[slot] = id;
  ix.nextProtocolSlot = (slot + 1) & 3;
  return id;
}

/** The summary-mode mask for first-pass dissections (fields the index reads). */
export function summaryKeep(fieldCount: number): Uint8Array {
  return summary(fieldCount).keep;
}

function columnsOf(ix: PacketIndex): Column<Float64Array | Uint32Array | Uint16Array | Uint8Array>[] {
  return [ix.dataOffset, ix.capLen, ix.origLen, ix.tsSec, ix.tsNsec, ix.iface, ix.protocol, ix.src, ix.dst, ix.flags];
}

/** Append one packet from its reader record and its first-pass dissection. */
export function addPacket(ix: PacketIndex, rec: PacketRecord, d: Dissection, fieldCount: number, fieldsById: (id: number) => FieldDef): void {
  const i = ix.dataOffset.length;
  const n = i + 1;
  if (ix.dataOffset.data.length < n) reserve(columnsOf(ix), n);
  ix.dataOffset.data[i] = rec.dataOffset;
  ix.capLen.data[i] = rec.capLen;
  ix.origLen.data[i] = rec.origLen;
  ix.tsSec.data[i] = rec.tsSec;
  ix.tsNsec.data[i] = rec.tsNsec;
  ix.iface.data[i] = rec.interfaceId;
  if (rec.comments && rec.comments.length > 0) ix.comments.set(n, rec.comments.slice());
  if (rec.malformed) ix.malformed.set(n, rec.malformed);
  if (!rec.hasTime) ix.noTime.add(n);

  const roles = summary(fieldCount).roles;
  let netSrc = -1;
  let netDst = -1;
  let dlSrc = -1;
  let dlDst = -1;
  let flags = 0;
  for (let i = 0; i < d.n; i++) {
    const role = roles[d.fid[i]];
    if (role === 0) continue;
    switch (role) {
      case ROLE_NET_SRC:
        if (netSrc < 0) netSrc = i;
        break;
      case ROLE_NET_DST:
        if (netDst < 0) netDst = i;
        break;
      case ROLE_DL_SRC:
        if (dlSrc < 0) dlSrc = i;
        break;
      case ROLE_DL_DST:
        if (dlDst < 0) dlDst = i;
        break;
      case ROLE_SYN:
        if (d.num[i] === 1) flags |= RowFlag.TcpSyn;
        break;
      case ROLE_FIN:
        if (d.num[i] === 1) flags |= RowFlag.TcpFin;
        break;
      case ROLE_RST:
        if (d.num[i] === 1) flags |= RowFlag.TcpRst;
        break;
      case ROLE_DNS:
        flags |= RowFlag.Dns;
        break;
      case ROLE_HTTP:
        flags |= RowFlag.Http;
        break;
    }
  }
  if (d.malformed !== undefined || rec.malformed !== undefined) flags |= RowFlag.Malformed;
  // Source/Destination columns as Wireshark fills them: network addresses, else link-layer.
  const src = netSrc >= 0 ? netSrc : dlSrc;
  const dst = netDst >= 0 ? netDst : dlDst;
  ix.src.data[i] = src >= 0 ? internAddress(ix, d, src, fieldsById(d.fid[src])) : 0;
  ix.dst.data[i] = dst >= 0 ? internAddress(ix, d, dst, fieldsById(d.fid[dst])) : 0;
  ix.protocol.data[i] = protocolId(ix, d.protocol);
  ix.flags.data[i] = flags;
  ix.dataOffset.length = ix.capLen.length = ix.origLen.length = ix.tsSec.length = ix.tsNsec.length = n;
  ix.iface.length = ix.protocol.length = ix.src.length = ix.dst.length = ix.flags.length = n;
}

/** Bytes of index memory per packet (columns' backing stores, not counting slack). */
export function packetIndexBytes(ix: PacketIndex): number {
  const cols = [ix.dataOffset, ix.capLen, ix.origLen, ix.tsSec, ix.tsNsec, ix.iface, ix.protocol, ix.src, ix.dst, ix.flags];
  let perEvent = 0;
  for (const c of cols) perEvent += c.data.BYTES_PER_ELEMENT;
  return perEvent * packetCount(ix);
}
