/**
 * Conversations and endpoints as tshark 4.0's `-z conv,TYPE` / `-z endpoints,TYPE`, over the
 * whole capture or the events a filter matched.
 *
 * TCP and UDP come from the conversation table the index pass filled (one row per tcp.stream /
 * udp.stream, as tshark keys them by conv_id): only the first frame of each stream is
 * re-dissected, for its addresses and ports. IPv4 reads the index's address columns where the
 * frame has one IPv4 header, IPv6 and Ethernet skip frames whose protocol path lacks the layer
 * and Ethernet reads the MACs of plain Ethernet frames from the file; every other frame is
 * re-dissected recording only the two address fields (every header counts: IP in IP is two
 * conversations).
 *
 * Orientation (tshark 4.0, epan/conversation_table.c add_conversation_table_data_with_conv_id):
 * address A is the source of the conversation's first frame (seen by the tap, so the first
 * matching frame under a filter); A→B counts frames whose source is A. Rows are printed by total
 * frames descending, ties in order of first appearance (ui/cli/tap-iousers.c).
 * Bytes are frame lengths on the wire (frame.len); times are relative to the capture's first frame.
 */
import type { ConversationRow, EndpointRow } from '../../../shared/stats.ts';
import type { Capture } from '../capture.ts';
import { createDissection, type Dissection } from '../dissectors/dissection.ts';
import { entryBytes, entryValue, formatFieldValue } from '../dissectors/values.ts';
import { allFields, fieldByName, type FieldDef } from '../fields/registry.ts';
import { hex } from '../fields/format.ts';
import { windowedReader } from '../io/capture-source.ts';
import { IP_ONE, IP_OTHER, type PacketIndex } from '../index/packet-index.ts';
import type { ConversationTable } from '../streams/conversations.ts';

export type TransportKind = 'tcp' | 'udp';
export type AddressKind = 'ip' | 'ipv6' | 'eth';

interface Packets {
  ix: PacketIndex;
  conv: ConversationTable;
}

function packetsOf(capture: Capture, what: string): Packets {
  const int = capture.internals();
  if (int.kind !== 'packets') throw new Error(`${what} needs a packet capture (pcap, pcapng); this is a syscall capture`);
  return { ix: int.index, conv: int.conv };
}

function field(name: string): FieldDef {
  const f = fieldByName(name);
  if (!f) throw new Error(`field ${name} is not registered`);
  return f;
}

/** A dissection that records only `names` (as a filter on them would), below transport when `networkOnly`. */
function narrowDissection(names: readonly string[], networkOnly: boolean): Dissection {
  const d = createDissection();
  const keep = new Uint8Array(allFields().length + 1);
  const protocols = new Uint8Array(keep.length);
  for (const n of names) {
    keep[field(n).id] = 1;
    protocols[field(n.split('.')[0]).id] = 1;
  }
  d.keep = keep;
  d.keepProtocols = protocols;
  d.networkOnly = networkOnly;
  return d;
}

/** Is frame `a`'s timestamp later than frame `b`'s (1-based)? Compared as integers: no rounding. */
function later(ix: PacketIndex, a: number, b: number): boolean {
  const sa = ix.tsSec.data[a - 1];
  const sb = ix.tsSec.data[b - 1];
  return sa > sb || (sa === sb && ix.tsNsec.data[a - 1] > ix.tsNsec.data[b - 1]);
}

/** Seconds of frame `e` after frame 1 as tshark's nstime_to_sec computes them (a double). */
function relSeconds(ix: PacketIndex, e: number): number {
  let sec = ix.tsSec.data[e - 1] - ix.tsSec.data[0];
  let nsec = ix.tsNsec.data[e - 1] - ix.tsNsec.data[0];
  if (nsec < 0) {
    sec -= 1;
    nsec += 1e9;
  }
  return sec + nsec / 1e9;
}

/** Start and duration of a row from its earliest and latest frame, rounded as tshark's doubles are. */
function rowTimes(ix: PacketIndex, first: number, last: number): Pick<ConversationRow, 'start' | 'duration'> {
  const start = relSeconds(ix, first);
  return { start, duration: relSeconds(ix, last) - start };
}

/** Frames to visit: all, or the given (ascending) event numbers. */
function forEachFrame(count: number, events: Uint32Array | undefined, fn: (e: number) => void): void {
  if (events) for (const e of events) fn(e);
  else for (let e = 1; e <= count; e++) fn(e);
}

/** Rows ordered as tshark prints them: total frames descending, stable. */
function tsharkOrder<T extends { frames: number }>(rows: T[]): T[] {
  return rows.map((r, i) => ({ r, i })).sort((x, y) => y.r.frames - x.r.frames || x.i - y.i).map((x) => x.r);
}

function lastValue(d: Dissection, f: FieldDef): { text: string; bytes: Uint8Array; value: number } | undefined {
  for (let i = d.n - 1; i >= 0; i--) {
    if (d.fid[i] !== f.id) continue;
    const v = entryValue(d, i);
    return { text: formatFieldValue(f, v), bytes: entryBytes(d, i), value: typeof v === 'number' ? v : 0 };
  }
  return undefined;
}

/** Per-stream sums, indexed by stream id; direction 0 = as the stream's first frame went. */
interface StreamSums {
  first: Float64Array;
  firstDir: Uint8Array;
  frames: Float64Array;
  bytes: Float64Array;
  start: Float64Array;
  stop: Float64Array;
}

function sumStreams(p: Packets, kind: TransportKind, count: number, events: Uint32Array | undefined): StreamSums {
  const n = kind === 'tcp' ? p.conv.nTcp : p.conv.nUdp;
  const s: StreamSums = {
    first: new Float64Array(n), firstDir: new Uint8Array(n), frames: new Float64Array(2 * n), bytes: new Float64Array(2 * n),
    start: new Float64Array(n), stop: new Float64Array(n),
  };
  // No stream of this kind (no UDP in a TCP capture): nothing to sum, no walk over the frames.
  if (n === 0) return s;
  const { frameStream, frameDir } = p.conv;
  const len = p.ix.origLen.data;
  forEachFrame(count, events, (e) => {
    if (e >= frameStream.length) return;
    const v = frameStream[e];
    const id = kind === 'tcp' ? v : -2 - v;
    if (id < 0 || id >= n || (kind === 'tcp' ? v < 0 : v > -2)) return;
    if (s.first[id] === 0) {
      s.first[id] = e;
      s.firstDir[id] = frameDir[e];
      s.start[id] = e;
      s.stop[id] = e;
    } else if (later(p.ix, e, s.stop[id])) s.stop[id] = e;
    else if (later(p.ix, s.start[id], e)) s.start[id] = e;
    const k = 2 * id + (frameDir[e] === s.firstDir[id] ? 0 : 1);
    s.frames[k]++;
    s.bytes[k] += len[e - 1];
  });
  return s;
}

/** Conversation rows (in stream order, first appearance) of the TCP or UDP streams the frames touch. */
function transportRows(capture: Capture, kind: TransportKind, events?: Uint32Array): ConversationRow[] {
  const p = packetsOf(capture, `conv,${kind}`);
  const s = sumStreams(p, kind, capture.count(), events);
  const names = ['ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', `${kind}.srcport`, `${kind}.dstport`];
  const d = narrowDissection(names, false);
  const [ipSrc, ipDst, ip6Src, ip6Dst, sport, dport] = names.map(field);
  const order = Array.from(s.first.keys()).filter((id) => s.first[id] > 0).sort((a, b) => s.first[a] - s.first[b]);
  const rows: ConversationRow[] = [];
  for (const id of order) {
    capture.dissect(s.first[id], d, { info: false });
    // The innermost IP header carries the transport (IP in IP, or IPv6 in IPv4).
    let src = lastValue(d, ipSrc);
    let dst = lastValue(d, ipDst);
    const src6 = lastValue(d, ip6Src);
    if (src6 && (!src || lastIndex(d, ip6Src) > lastIndex(d, ipSrc))) {
      src = src6;
      dst = lastValue(d, ip6Dst);
    }
    const ab = { frames: s.frames[2 * id], bytes: s.bytes[2 * id] };
    const ba = { frames: s.frames[2 * id + 1], bytes: s.bytes[2 * id + 1] };
    rows.push({
      addressA: src?.text ?? '', portA: lastValue(d, sport)?.value ?? 0, addressB: dst?.text ?? '', portB: lastValue(d, dport)?.value ?? 0,
      framesAB: ab.frames, bytesAB: ab.bytes, framesBA: ba.frames, bytesBA: ba.bytes, frames: ab.frames + ba.frames, bytes: ab.bytes + ba.bytes,
      ...rowTimes(p.ix, s.start[id], s.stop[id]), stream: id,
    });
  }
  return rows;
}

function lastIndex(d: Dissection, f: FieldDef): number {
  for (let i = d.n - 1; i >= 0; i--) if (d.fid[i] === f.id) return i;
  return -1;
}

const ADDRESS_FIELDS: Record<AddressKind, [string, string]> = { ip: ['ip.src', 'ip.dst'], ipv6: ['ipv6.src', 'ipv6.dst'], eth: ['eth.src', 'eth.dst'] };

/** Address texts as numbers: the index's interned strings first, then any the dissections add. */
interface AddressIds {
  id(text: string): number;
  text(id: number): string;
}

function addressIds(ix: PacketIndex): AddressIds {
  const base = ix.strings.strings;
  const more = new Map<string, number>();
  const extra: string[] = [];
  return {
    id: (t) => {
      const hit = ix.strings.ids.get(t) ?? more.get(t);
      if (hit !== undefined) return hit;
      const n = base.length + extra.length;
      extra.push(t);
      more.set(t, n);
      return n;
    },
    text: (n) => (n < base.length ? base[n] : extra[n - base.length]),
  };
}

/**
 * Per frame, every (source, destination) pair of `kind` headers, in dissection order, as
 * address ids. IPv4 frames whose only IPv4 header gave the Source/Destination columns (the
 * index's IP_ONE mark) are read from the index; frames with other IPv4 headers (IP_OTHER:
 * several, or under another network header) and every IPv6/Ethernet frame are re-dissected.
 */
function forEachAddressPair(
  capture: Capture, p: Packets, kind: AddressKind, events: Uint32Array | undefined, ids: AddressIds,
  fn: (e: number, src: number, dst: number) => void,
): void {
  const [sf, df] = ADDRESS_FIELDS[kind].map(field);
  const d = narrowDissection(ADDRESS_FIELDS[kind], true);
  const srcs: number[] = [];
  const dsts: number[] = [];
  const dissect = (e: number): void => {
    capture.dissect(e, d, { info: false });
    srcs.length = 0;
    dsts.length = 0;
    for (let i = 0; i < d.n; i++) {
      if (d.fid[i] === sf.id) srcs.push(i);
      else if (d.fid[i] === df.id) dsts.push(i);
    }
    const n = Math.min(srcs.length, dsts.length);
    for (let k = 0; k < n; k++) {
      fn(e, ids.id(formatFieldValue(sf, entryValue(d, srcs[k]))), ids.id(formatFieldValue(df, entryValue(d, dsts[k]))));
    }
  };
  if (kind !== 'ip') {
    forEachByPath(capture, p, kind, events, ids, dissect, fn);
    return;
  }
  const hf = p.ix.hdrFlags.data;
  const src = p.ix.src.data;
  const dst = p.ix.dst.data;
  forEachFrame(capture.count(), events, (e) => {
    const h = hf[e - 1];
    if (h & IP_ONE) fn(e, src[e - 1], dst[e - 1]);
    else if (h & IP_OTHER) dissect(e);
  });
}

/**
 * IPv6 and Ethernet pairs by each packet's protocol path (the index's protoPath): a packet
 * whose path has no such layer has no such address and is skipped; one whose path starts with
 * its only `eth` (the Ethernet link type: the header at byte 0, RFC 894 / IEEE 802.3 §3.1.1:
 * destination, then source) has its MACs read from the file; the rest are dissected.
 */
function forEachByPath(
  capture: Capture, p: Packets, kind: 'ipv6' | 'eth', events: Uint32Array | undefined, ids: AddressIds,
  dissect: (e: number) => void, fn: (e: number, src: number, dst: number) => void,
): void {
  const ix = p.ix;
  const int = capture.internals();
  const readAt = int.kind === 'packets' ? int.readAt : undefined;
  // Per path id: 0 skip, 1 dissect, 2 read the MACs at byte 0.
  const how = ix.paths.layers.map((layers) => {
    const n = layers.filter((l) => l === kind).length;
    if (n === 0) return 0;
    return kind === 'eth' && n === 1 && layers[0] === 'eth' && readAt ? 2 : 1;
  });
  const path = ix.protoPath.data;
  const off = ix.dataOffset.data;
  const cap = ix.capLen.data;
  const macIds = new Map<number, number>();
  const macId = (b: Uint8Array, o: number): number => {
    // 48 bits fit a double exactly.
    const v = ((b[o] << 8) | b[o + 1]) * 2 ** 32 + (((b[o + 2] << 24) | (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5]) >>> 0);
    let id = macIds.get(v);
    if (id === undefined) {
      id = ids.id(hex(b.subarray(o, o + 6), ':'));
      macIds.set(v, id);
    }
    return id;
  };
  const read = readAt && windowedReader({ read: readAt, close: () => {} });
  forEachFrame(capture.count(), events, (e) => {
    const h = how[path[e - 1]] ?? 1;
    if (h === 0) return;
    const b = h === 2 && cap[e - 1] >= 12 && read ? read(off[e - 1], 12) : undefined;
    if (!b || b.length < 12) dissect(e);
    else fn(e, macId(b, 6), macId(b, 0));
  });
}

/** A map key of an unordered pair of ids (ids stay below 2^21 in practice; beyond, a string). */
function pairKey(a: number, b: number): number | string {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return hi < 2 ** 21 ? lo * 2 ** 32 + hi : `${lo} ${hi}`;
}

function addressRows(capture: Capture, kind: AddressKind, events?: Uint32Array): ConversationRow[] {
  const p = packetsOf(capture, `conv,${kind}`);
  const ids = addressIds(p.ix);
  const byKey = new Map<number | string, { r: ConversationRow; a: number; b: number; first: number; last: number }>();
  const len = p.ix.origLen.data;
  forEachAddressPair(capture, p, kind, events, ids, (e, src, dst) => {
    const key = pairKey(src, dst);
    let x = byKey.get(key);
    if (!x) {
      const r: ConversationRow = { addressA: '', portA: null, addressB: '', portB: null, framesAB: 0, bytesAB: 0, framesBA: 0, bytesBA: 0, frames: 0, bytes: 0, start: 0, duration: 0, stream: null };
      // tshark keeps min and max time per row, not first and last.
      x = { r, a: src, b: dst, first: e, last: e };
      byKey.set(key, x);
    } else if (later(p.ix, e, x.last)) x.last = e;
    else if (later(p.ix, x.first, e)) x.first = e;
    // A frame to itself counts A→B, as tshark's (src == A && dst == B) test finds it so.
    if (src === x.a) {
      x.r.framesAB++;
      x.r.bytesAB += len[e - 1];
    } else {
      x.r.framesBA++;
      x.r.bytesBA += len[e - 1];
    }
  });
  return [...byKey.values()].map(({ r, a, b, first, last }) => ({
    ...r, addressA: ids.text(a), addressB: ids.text(b), frames: r.framesAB + r.framesBA, bytes: r.bytesAB + r.bytesBA, ...rowTimes(p.ix, first, last),
  }));
}

export type ConversationKind = TransportKind | AddressKind;

/** `-z conv,KIND` rows in tshark's print order. */
export function conversations(capture: Capture, kind: ConversationKind, events?: Uint32Array): ConversationRow[] {
  return tsharkOrder(kind === 'tcp' || kind === 'udp' ? transportRows(capture, kind, events) : addressRows(capture, kind, events));
}

/**
 * `-z endpoints,KIND` rows in tshark's print order. An endpoint is an address (and port): its
 * Tx are the frames it sent. Endpoints appear as tshark adds them, source before destination
 * of each frame; for TCP/UDP that is derived from the conversations' first frames.
 */
export function endpoints(capture: Capture, kind: ConversationKind, events?: Uint32Array): EndpointRow[] {
  const byKey = new Map<string, EndpointRow>();
  const add = (address: string, port: number | null): EndpointRow => {
    const key = `${address} ${port ?? ''}`;
    let r = byKey.get(key);
    if (!r) {
      r = { address, port, frames: 0, bytes: 0, txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0 };
      byKey.set(key, r);
    }
    return r;
  };
  if (kind === 'tcp' || kind === 'udp') {
    // Conversations in order of first appearance; within one, A (the first frame's source) first.
    for (const c of transportRows(capture, kind, events)) {
      const a = add(c.addressA, c.portA);
      const b = add(c.addressB, c.portB);
      a.txFrames += c.framesAB; a.txBytes += c.bytesAB; a.rxFrames += c.framesBA; a.rxBytes += c.bytesBA;
      b.txFrames += c.framesBA; b.txBytes += c.bytesBA; b.rxFrames += c.framesAB; b.rxBytes += c.bytesAB;
    }
  } else {
    const p = packetsOf(capture, `endpoints,${kind}`);
    const ids = addressIds(p.ix);
    // By address id first (one row per address, in order of appearance), named afterwards.
    const byId = new Map<number, EndpointRow>();
    const at = (id: number): EndpointRow => {
      let r = byId.get(id);
      if (!r) {
        r = { address: '', port: null, frames: 0, bytes: 0, txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0 };
        byId.set(id, r);
      }
      return r;
    };
    const len = p.ix.origLen.data;
    forEachAddressPair(capture, p, kind, events, ids, (e, src, dst) => {
      const s = at(src);
      s.txFrames++;
      s.txBytes += len[e - 1];
      const d = at(dst);
      d.rxFrames++;
      d.rxBytes += len[e - 1];
    });
    for (const [id, r] of byId) byKey.set(`${ids.text(id)} `, { ...r, address: ids.text(id) });
  }
  const rows = [...byKey.values()];
  for (const r of rows) {
    r.frames = r.txFrames + r.rxFrames;
    r.bytes = r.txBytes + r.rxBytes;
  }
  return tsharkOrder(rows);
}

