/**
 * The columnar index of a packet capture (pcap, pcapng), built in one pass over the reader's
 * records: per packet its file offset, lengths, timestamp, interface, and the summary the
 * table and fast filters need (protocol, source, destination as interned strings; colour
 * flags). Everything else is re-dissected on demand from bytes re-read at `dataOffset`.
 * 63 bytes per packet here (18 of them the TCP header columns, 2 the protocol path), plus the conversation table's
 * per-frame stream ids.
 */
import { RowFlag } from '../../../shared/rpc.ts';
import type { PacketContext } from '../dissectors/context.ts';
import { type Dissection } from '../dissectors/dissection.ts';
import { formatIpv4, formatIpv6, hex } from '../fields/format.ts';
import type { FrameMeta } from '../dissectors/frame.ts';
import type { InterfaceInfo, PacketProcess, PacketRecord } from '../readers/types.ts';
import { createColumn, createInterner, expectedCapacity, intern, reserveExactly, type Column, type Interner } from './columns.ts';
import { createHostNames, type HostNames } from './host-names.ts';

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
  /**
   * The TCP and IPv4 headers, for filters answered without dissecting (filter/column-filter.ts):
   * hdrFlags is the TCP flags | TCP_ONE when the packet has exactly one TCP header with flags,
   * TCP_OTHER when it has TCP headers the columns do not describe (several, truncated:
   * re-dissected), plus IP_ONE when its only IPv4 header's addresses are `src`/`dst`, IP_OTHER
   * when it has IPv4 headers they do not describe; tcp.len + 1 (0 = none); source port << 16 |
   * destination port. A header with malformed options is TCP_OTHER.
   */
  hdrFlags: Column<Uint16Array>;
  tcpLen: Column<Uint16Array>;
  tcpPorts: Column<Uint32Array>;
  /**
   * Of a TCP_ONE header: tcp.seq_raw, tcp.ack_raw, tcp.window_size_value (0 otherwise), so the
   * TCP analysis (layers/tcp-analysis.ts) reads no frame again.
   */
  tcpSeq: Column<Uint32Array>;
  tcpAck: Column<Uint32Array>;
  tcpWin: Column<Uint16Array>;
  /**
   * The protocol path of the packet's first-pass dissection (frame.protocols before the stream
   * layers edit it, e.g. eth:ethertype:ip:tcp:data) as an id into `paths`; PATH_UNKNOWN when
   * more distinct paths than a Uint16 holds were seen (io,phs re-dissects those packets).
   */
  protoPath: Column<Uint16Array>;
  paths: ProtocolPaths;
  /** Packets marked TCP_OTHER, IP_OTHER (none: a TCP or IP filter needs no per-packet check). */
  tcpOther: number;
  ipOther: number;
  strings: Interner;
  /**
   * IPv4 address → interned id, so the same address is not formatted per packet: open
   * addressing with linear probing over [address, id] pairs (one cache line per probe;
   * id 0 = empty, as '' holds id 0).
   */
  ipv4Table: Int32Array;
  ipv4Count: number;
  /** Four most recent Protocol texts and their ids (see protocolId). */
  recentProtocols: string[];
  recentProtocolIds: Uint32Array;
  nextProtocolSlot: number;
  interfaces: InterfaceInfo[];
  /** Sparse per-packet data: pcapng comments and reader-level damage messages. */
  comments: Map<number, string[]>;
  /** The processes the file names for packets (Apple pcapng PIBs), shared objects of the reader. */
  processes: Map<number, PacketProcess>;
  malformed: Map<number, string>;
  /** Packets that carry no timestamp (pcapng SPB): tshark shows no frame.time for them. */
  noTime: Set<number>;
  /** pcapng Decryption Secrets Blocks, kept for TLS decryption. */
  secrets: { type: number; data: Uint8Array }[];
  /** Names of addresses from pcapng Name Resolution Blocks and captured DNS answers (host-names.ts). */
  hostNames: HostNames;
  /**
   * Bytes of the input the records' dataOffset counts in (an uncompressed file's size), so the
   * columns are sized for the whole file from the records read so far; 0 when unknown.
   */
  inputBytes: number;
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
    hdrFlags: createColumn(Uint16Array),
    tcpLen: createColumn(Uint16Array),
    tcpPorts: createColumn(Uint32Array),
    tcpSeq: createColumn(Uint32Array),
    tcpAck: createColumn(Uint32Array),
    tcpWin: createColumn(Uint16Array),
    protoPath: createColumn(Uint16Array),
    paths: createProtocolPaths(),
    tcpOther: 0,
    ipOther: 0,
    strings: createInterner(),
    ipv4Table: new Int32Array(2 * 1024),
    ipv4Count: 0,
    recentProtocols: ['', '', '', ''],
    recentProtocolIds: new Uint32Array(4),
    nextProtocolSlot: 0,
    interfaces: [],
    comments: new Map(),
    processes: new Map(),
    malformed: new Map(),
    noTime: new Set(),
    secrets: [],
    hostNames: createHostNames(),
    inputBytes: 0,
  };
}

export function packetCount(ix: PacketIndex): number {
  return ix.dataOffset.length;
}

/**
 * Interned id of an IPv4 address (bytes at `o`). Keyed by the address as a number: no string is
 * built for an address seen before.
 */
function ipv4Id(ix: PacketIndex, bytes: Uint8Array, o: number): number {
  const v = (bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3];
  const t = ix.ipv4Table;
  const mask = (t.length >> 1) - 1;
  // Fibonacci hashing: the top log2(size) bits of the product.
  let p = Math.imul(v, 0x9e3779b1) >>> (Math.clz32(t.length >> 1) + 1);
  for (;;) {
    const id = t[2 * p + 1];
    if (id === 0) break;
    if (t[2 * p] === v) return id;
    p = (p + 1) & mask;
  }
  const id = intern(ix.strings, formatIpv4(v >>> 0));
  t[2 * p] = v;
  t[2 * p + 1] = id;
  if (++ix.ipv4Count * 2 > t.length >> 1) growIpv4Table(ix);
  return id;
}

/** Double the IPv4 table (kept at most half full) and re-insert every address. */
function growIpv4Table(ix: PacketIndex): void {
  const old = ix.ipv4Table;
  const t = new Int32Array(old.length * 2);
  const size = t.length >> 1;
  const mask = size - 1;
  for (let q = 0; q < old.length; q += 2) {
    if (old[q + 1] === 0) continue;
    let p = Math.imul(old[q], 0x9e3779b1) >>> (Math.clz32(size) + 1);
    while (t[2 * p + 1] !== 0) p = (p + 1) & mask;
    t[2 * p] = old[q];
    t[2 * p + 1] = old[q + 1];
  }
  ix.ipv4Table = t;
}

/** Interned id of the address at `o`: 4 = IPv4, 16 = IPv6, 6 = MAC (as tshark prints them). */
function addressId(ix: PacketIndex, bytes: Uint8Array, o: number, len: number): number {
  if (len === 4) return ipv4Id(ix, bytes, o);
  const b = bytes.subarray(o, o + len);
  return intern(ix.strings, len === 16 ? formatIpv6(b) : hex(b, ':'));
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

function columnsOf(ix: PacketIndex): Column<Float64Array | Uint32Array | Uint16Array | Uint8Array>[] {
  return [ix.dataOffset, ix.capLen, ix.origLen, ix.tsSec, ix.tsNsec, ix.iface, ix.protocol, ix.src, ix.dst, ix.flags, ix.hdrFlags, ix.tcpLen, ix.tcpPorts, ix.tcpSeq, ix.tcpAck, ix.tcpWin, ix.protoPath];
}

/**
 * Distinct protocol paths as a trie: path 0 is the empty one; a path's children are found by
 * their layer name, compared by identity first (dissectors push string constants), so a packet
 * whose path was seen before costs one short scan per layer and no string. The last two paths
 * asked are remembered with their layers: traffic alternates between a few (a segment with a
 * payload, its ACK): comparing the layers with a remembered path's skips the per-layer child
 * scans (the walk was ~35 of ~120 ns of addPacket on 1 M packets; the memo saves ~10 of them).
 */
export interface ProtocolPaths {
  /** The layer names of each path. */
  layers: string[][];
  childNames: string[][];
  childIds: number[][];
  /** The two most recent paths: their ids (-1: none yet), the slot written next. */
  recentIds: Int32Array;
  nextRecent: number;
}

/** protoPath of a packet whose path did not fit the Uint16 column. */
export const PATH_UNKNOWN = 0xffff;

export function createProtocolPaths(): ProtocolPaths {
  return { layers: [[]], childNames: [[]], childIds: [[]], recentIds: new Int32Array([-1, -1]), nextRecent: 0 };
}

/** Whether path `id`'s layers are `layers[0..n)` (identity first, as the trie compares). */
function samePath(t: ProtocolPaths, id: number, layers: readonly string[], n: number): boolean {
  const have = t.layers[id];
  if (have.length !== n) return false;
  for (let k = 0; k < n; k++) if (have[k] !== layers[k]) return false;
  return true;
}

/** The id of the path `layers[0..n)`, added when new (PATH_UNKNOWN once the ids are used up). */
export function protocolPathId(t: ProtocolPaths, layers: readonly string[], n: number): number {
  const r = t.recentIds;
  if (r[0] >= 0 && samePath(t, r[0], layers, n)) return r[0];
  if (r[1] >= 0 && samePath(t, r[1], layers, n)) return r[1];
  const id = walkPath(t, layers, n);
  if (id !== PATH_UNKNOWN) {
    r[t.nextRecent] = id;
    t.nextRecent ^= 1;
  }
  return id;
}

function walkPath(t: ProtocolPaths, layers: readonly string[], n: number): number {
  let id = 0;
  for (let k = 0; k < n; k++) {
    const name = layers[k];
    const names = t.childNames[id];
    let next = -1;
    for (let j = 0; j < names.length; j++) {
      if (names[j] === name) {
        next = t.childIds[id][j];
        break;
      }
    }
    if (next < 0) {
      next = t.layers.length;
      if (next >= PATH_UNKNOWN) return PATH_UNKNOWN;
      t.layers.push([...t.layers[id], name]);
      t.childNames.push([]);
      t.childIds.push([]);
      names.push(name);
      t.childIds[id].push(next);
    }
    id = next;
  }
  return id;
}

/** hdrFlags column marks, above the 12 flag bits (tcp.flags' mask; RFC 9293 §3.1). */
export const TCP_ONE = 0x8000;
export const TCP_OTHER = 0x4000;
export const IP_ONE = 0x1000;
export const IP_OTHER = 0x2000;

// TCP header flag bits (RFC 9293 §3.1) as the dissector leaves them in ctx.sumTcpFlags.
const TH_FIN = 0x01;
const TH_SYN = 0x02;
const TH_RST = 0x04;

/**
 * Room for `n` packets in every column, when the packet at input byte `at` is the n-th: sized
 * for the whole input at the rate so far (columns.ts expectedCapacity). All columns keep one
 * capacity, so one check of dataOffset's covers them.
 */
export function growPacketIndex(ix: PacketIndex, n: number, at: number): void {
  if (ix.dataOffset.data.length >= n) return;
  reserveExactly(columnsOf(ix), expectedCapacity(ix.dataOffset.data.length, n, at, ix.inputBytes));
}

/** Packets the columns hold room for. */
export function packetCapacity(ix: PacketIndex): number {
  return ix.dataOffset.data.length;
}

/**
 * Append one packet from its reader record and its first-pass dissection: `bytes` are the
 * bytes it was dissected from (the offsets in `ctx` point into them).
 */
export function addPacket(ix: PacketIndex, rec: PacketRecord, d: Dissection, ctx: PacketContext, bytes: Uint8Array): void {
  const i = ix.dataOffset.length;
  const n = i + 1;
  if (ix.dataOffset.data.length < n) growPacketIndex(ix, n, rec.dataOffset);
  ix.dataOffset.data[i] = rec.dataOffset;
  ix.capLen.data[i] = rec.capLen;
  ix.origLen.data[i] = rec.origLen;
  ix.tsSec.data[i] = rec.tsSec;
  ix.tsNsec.data[i] = rec.tsNsec;
  ix.iface.data[i] = rec.interfaceId;
  if (rec.comments !== undefined && rec.comments.length > 0) ix.comments.set(n, rec.comments.slice());
  if (rec.process !== undefined) ix.processes.set(n, rec.process);
  if (rec.malformed !== undefined) ix.malformed.set(n, rec.malformed);
  if (!rec.hasTime) ix.noTime.add(n);

  const tf = ctx.sumTcpFlags;
  let flags = 0;
  if (tf !== 0) flags = (tf & TH_SYN ? RowFlag.TcpSyn : 0) | (tf & TH_FIN ? RowFlag.TcpFin : 0) | (tf & TH_RST ? RowFlag.TcpRst : 0);
  if (ctx.sumDns) flags |= RowFlag.Dns;
  if (d.malformed !== undefined || rec.malformed !== undefined) flags |= RowFlag.Malformed;
  // Source/Destination columns as Wireshark fills them: network addresses, else link-layer.
  let src = 0;
  let dst = 0;
  if (ctx.sumNetSrc >= 0) {
    src = addressId(ix, bytes, ctx.sumNetSrc, ctx.sumNetLen);
    dst = addressId(ix, bytes, ctx.sumNetDst, ctx.sumNetLen);
  } else {
    if (ctx.sumDlSrc >= 0) src = addressId(ix, bytes, ctx.sumDlSrc, 6);
    if (ctx.sumDlDst >= 0) dst = addressId(ix, bytes, ctx.sumDlDst, 6);
  }
  ix.src.data[i] = src;
  ix.dst.data[i] = dst;
  ix.protocol.data[i] = protocolId(ix, d.protocol);
  ix.flags.data[i] = flags;
  // One complete TCP header: its values are columns; anything else is re-dissected when asked.
  const one = ctx.sumTcpCount === 1 && ctx.sumTcpFlagged === 1 && ctx.sumTcpLen < 0xffff && !ctx.sumTcpBadOptions;
  let hdr = ctx.sumTcpCount === 0 ? 0 : one ? TCP_ONE | (tf & 0x0fff) : TCP_OTHER;
  if (ctx.sumTcpCount !== 0 && !one) ix.tcpOther++;
  // ip.src/ip.dst are the Source/Destination columns when the only IPv4 header gave them.
  const ip = ctx.sumIpv4Count;
  if (ip === 1 && ctx.sumNetLen === 4) hdr |= IP_ONE;
  else if (ip !== 0) {
    hdr |= IP_OTHER;
    ix.ipOther++;
  }
  ix.hdrFlags.data[i] = hdr;
  ix.tcpLen.data[i] = one ? ctx.sumTcpLen + 1 : 0;
  ix.tcpPorts.data[i] = one ? ctx.sumTcpPorts : 0;
  ix.tcpSeq.data[i] = one ? ctx.sumTcpSeq : 0;
  ix.tcpAck.data[i] = one ? ctx.sumTcpAck : 0;
  ix.tcpWin.data[i] = one ? ctx.sumTcpWin : 0;
  ix.protoPath.data[i] = protocolPathId(ix.paths, ctx.layers, ctx.nLayers);
  ix.dataOffset.length = ix.capLen.length = ix.origLen.length = ix.tsSec.length = ix.tsNsec.length = n;
  ix.iface.length = ix.protocol.length = ix.src.length = ix.dst.length = ix.flags.length = n;
  ix.hdrFlags.length = ix.tcpLen.length = ix.tcpPorts.length = ix.tcpSeq.length = ix.tcpAck.length = ix.tcpWin.length = ix.protoPath.length = n;
}

/** Bytes of index memory per packet (columns' backing stores, not counting slack). */
export function packetIndexBytes(ix: PacketIndex): number {
  let perEvent = 0;
  for (const c of columnsOf(ix)) perEvent += c.data.BYTES_PER_ELEMENT;
  return perEvent * packetCount(ix);
}

/** Epoch nanoseconds of packet `n` (1-based), exact (a float second count is not, below the microsecond). */
export function packetTimeNs(ix: PacketIndex, n: number): bigint {
  return BigInt(ix.tsSec.data[n - 1]) * 1_000_000_000n + BigInt(ix.tsNsec.data[n - 1]);
}

/** The frame metadata of packet `n` (1-based) for re-dissecting it, written into `meta`. */
export function frameMeta(ix: PacketIndex, n: number, meta: FrameMeta): FrameMeta {
  const i = n - 1;
  meta.number = n;
  meta.tsSec = ix.tsSec.data[i];
  meta.tsNsec = ix.tsNsec.data[i];
  meta.capLen = ix.capLen.data[i];
  meta.origLen = ix.origLen.data[i];
  meta.interfaceId = ix.iface.data[i];
  const iface = ix.interfaces[meta.interfaceId];
  meta.linkType = iface?.linkType ?? 1;
  meta.noInterface = iface?.implicit === true;
  meta.comments = ix.comments.get(n);
  meta.process = ix.processes.get(n);
  meta.malformed = ix.malformed.get(n);
  meta.hasTime = !ix.noTime.has(n);
  return meta;
}
