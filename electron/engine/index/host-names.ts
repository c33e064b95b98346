/**
 * Names of network addresses learned from the capture itself, never from a resolver: pcapng
 * Name Resolution Blocks (pcapng spec §4.5) and the A/AAAA records of DNS, mDNS and LLMNR
 * messages in the packets. As Wireshark 4.0 (epan/addr_resolv.c add_ipv4_name/add_ipv6_name,
 * called by the pcapng reader and by packet-dns.c): a later name for an address replaces an
 * earlier one, in file order, whichever of the two sources it came from; `tshark -2 -N dn`
 * then names every frame by the table as it is after the whole file (checked by `-z hosts`).
 */

import type { NameMode } from '../../../shared/names.ts';

export type NameSource = 'nrb' | 'dns';

interface Entry {
  nrb?: string;
  nrbSeq: number;
  dns?: string;
  dnsSeq: number;
}

/** Per capture: address text (as the Source column prints it) → its names by source. */
export interface HostNames {
  entries: Map<string, Entry>;
  /** Order of learning (later wins). */
  seq: number;
  /** Most addresses kept: a hostile file cannot grow the table without bound (later ones stay unnamed). */
  limit: number;
}

export const MAX_HOST_NAMES = 1_000_000;

export function createHostNames(limit = MAX_HOST_NAMES): HostNames {
  return { entries: new Map(), seq: 0, limit };
}

/** Longest name kept (RFC 1035 §2.3.4: 255 octets; escapes may lengthen the text). */
const MAX_NAME_TEXT = 1024;

/** Learn `name` for `address` (`192.0.2.1`, `2001:db8::1`). Empty names are ignored. */
export function learnHostName(h: HostNames, address: string, name: string, from: NameSource): void {
  if (name.length === 0 || name.length > MAX_NAME_TEXT) return;
  let e = h.entries.get(address);
  if (!e) {
    if (h.entries.size >= h.limit) return;
    e = { nrbSeq: -1, dnsSeq: -1 };
    h.entries.set(address, e);
  }
  const seq = h.seq++;
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
  const e = h.entries.get(address);
  return e && entryName(e, mode);
}

/** Every named address under `mode`, IPv4 first then IPv6, each in order of learning (tshark -z hosts lists the same pairs). */
export function hostTable(h: HostNames, mode: NameMode): { address: string; name: string }[] {
  const v4: { address: string; name: string }[] = [];
  const v6: { address: string; name: string }[] = [];
  for (const [address, e] of h.entries) {
    const name = entryName(e, mode);
    if (name !== undefined) (address.includes(':') ? v6 : v4).push({ address, name });
  }
  return [...v4, ...v6];
}
