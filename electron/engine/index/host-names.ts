/**
 * Names of network addresses learned from the capture itself, never from a resolver: pcapng
 * Name Resolution Blocks (pcapng spec §4.5) and the A/AAAA records of DNS, mDNS and LLMNR
 * messages in the packets. As Wireshark 4.0 (epan/addr_resolv.c add_ipv4_name/add_ipv6_name,
 * called by the pcapng reader and by packet-dns.c): a later name for an address replaces an
 * earlier one, in file order, whichever of the two sources it came from; `tshark -2 -N dn`
 * then names every frame by the table as it is after the whole file (checked by `-z hosts`).
 *
 * DNS answers are learned lazily: the index pass only notes the frames that carry an A, AAAA or
 * PTR record (noteNameFrame), and the first question (hostName, hostTable) re-dissects those
 * frames, in file order, through `learnFrames`. A capture of 500 k distinct answered addresses
 * spent more than half of its index pass building this table, which only View ▸ Name Resolution
 * and `-N` read (off by default). Each learning carries its place in the file (`at`), so NRBs
 * learned during the pass and DNS answers learned later keep the file's order.
 */

import type { NameMode } from '../../../shared/names.ts';

export type NameSource = 'nrb' | 'dns';

interface Entry {
  nrb?: string;
  nrbSeq: number;
  dns?: string;
  dnsSeq: number;
  /** Place of the first learning of this address (hostTable's order). */
  first: number;
}

/** Per capture: address text (as the Source column prints it) → its names by source. */
export interface HostNames {
  entries: Map<string, Entry>;
  /** Order of learning (later wins). */
  seq: number;
  /** Most addresses kept: a hostile file cannot grow the table without bound (later ones stay unnamed). */
  limit: number;
  /** Frames with DNS records to learn from, in file order (grown by doubling), and how many are learned. */
  frames: Uint32Array;
  nFrames: number;
  learned: number;
  /** Learns frames[from … to) in order (set by the packet capture: a re-dissection of each). */
  learnFrames?: (frames: Uint32Array, from: number, to: number) => void;
}

export const MAX_HOST_NAMES = 1_000_000;

export function createHostNames(limit = MAX_HOST_NAMES): HostNames {
  return { entries: new Map(), seq: 0, limit, frames: new Uint32Array(0), nFrames: 0, learned: 0 };
}

/**
 * Place in the file of a DNS answer of frame `frame`, and of an NRB read after `packets` packets:
 * an NRB between frames f and f+1 comes after f's answers and before f+1's.
 */
export const dnsPlace = (frame: number): number => 2 * frame;
export const nrbPlace = (packets: number): number => 2 * packets + 1;

/** Frame `frame` (in file order) has DNS records to learn from: kept for the first question. */
export function noteNameFrame(h: HostNames, frame: number): void {
  if (h.nFrames > 0 && h.frames[h.nFrames - 1] === frame) return;
  if (h.nFrames === h.frames.length) {
    const grown = new Uint32Array(Math.max(1024, h.frames.length * 2));
    grown.set(h.frames);
    h.frames = grown;
  }
  h.frames[h.nFrames++] = frame;
}

/** Learn the noted frames not learned yet (a growing capture notes more between questions). */
function catchUp(h: HostNames): void {
  if (h.learned === h.nFrames || !h.learnFrames) return;
  const from = h.learned;
  const to = h.nFrames;
  h.learned = to;
  h.learnFrames(h.frames, from, to);
}

/** Bytes held for the noted frames (the index's size report, without slack as packetIndexBytes). */
export function hostNamesBytes(h: HostNames): number {
  return h.nFrames * h.frames.BYTES_PER_ELEMENT;
}

/** Longest name kept (RFC 1035 §2.3.4: 255 octets; escapes may lengthen the text). */
const MAX_NAME_TEXT = 1024;

/**
 * Learn `name` for `address` (`192.0.2.1`, `2001:db8::1`) at place `at` in the file (dnsPlace,
 * nrbPlace; default: after every earlier learning). Empty names are ignored.
 */
export function learnHostName(h: HostNames, address: string, name: string, from: NameSource, at = h.seq++): void {
  if (name.length === 0 || name.length > MAX_NAME_TEXT) return;
  let e = h.entries.get(address);
  if (!e) {
    if (h.entries.size >= h.limit) return;
    e = { nrbSeq: -1, dnsSeq: -1, first: at };
    h.entries.set(address, e);
  } else if (at < e.first) {
    e.first = at;
  }
  const seq = at;
  if (from === 'nrb') {
    e.nrb = name;
    e.nrbSeq = seq;
  } else {
    e.dns = name;
    e.dnsSeq = seq;
  }
}

/** The name of an entry under `mode`: the later of its enabled sources. */
function entryName(e: Entry, mode: NameMode): string | undefined {
  if (!mode.network) return undefined;
  const dns = mode.dns ? e.dns : undefined;
  if (dns !== undefined && (e.nrb === undefined || e.dnsSeq > e.nrbSeq)) return dns;
  return e.nrb;
}

/** The name of `address` under `mode`, or undefined (the address is shown as it is). */
export function hostName(h: HostNames, address: string, mode: NameMode): string | undefined {
  if (!mode.network) return undefined;
  catchUp(h);
  const e = h.entries.get(address);
  return e && entryName(e, mode);
}

/** Every named address under `mode`, IPv4 first then IPv6, each in order of learning (tshark -z hosts lists the same pairs). */
export function hostTable(h: HostNames, mode: NameMode): { address: string; name: string }[] {
  catchUp(h);
  const v4: { address: string; name: string; first: number }[] = [];
  const v6: { address: string; name: string; first: number }[] = [];
  for (const [address, e] of h.entries) {
    const name = entryName(e, mode);
    if (name !== undefined) (address.includes(':') ? v6 : v4).push({ address, name, first: e.first });
  }
  // Map order is the order of insertion, which lazy DNS learning puts after the NRBs: the place
  // of the first learning is the file's order (a stable sort keeps one frame's answers in order).
  const byFirst = (a: { first: number }, b: { first: number }): number => a.first - b.first;
  return [...v4.sort(byFirst), ...v6.sort(byFirst)].map(({ address, name }) => ({ address, name }));
}
