/**
 * Dissector tables, after Wireshark's model (epan/packet.h: register_dissector,
 * dissector_add_uint, heur_dissector_add, dissector_change_uint for Decode As). A protocol's
 * own file registers its handle and the table entries that lead to it; a dissector hands its
 * payload on by looking the table up, so no dissector imports the ones above it.
 *
 * Decode As changes only the `current` entries of a table; `defaults` keep what the protocols
 * registered, so a rule can be removed again and the table reset.
 */
import type { Dissection } from './dissection.ts';
import type { PacketContext } from './context.ts';
import type { DecodeAsRule, DecodeAsTable } from '../../../shared/rpc.ts';

/**
 * Dissect data[off, end) (`rep` = its reported length) under `parent`. Returns false to decline
 * (a heuristic that does not recognise the bytes, or a port dissector that is not the owner),
 * so that the caller tries the next candidate.
 */
export type PayloadDissector = (d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext) => boolean;

export interface DissectorHandle {
  /** The protocol's filter name (`dns`, `ntp`, `dhcp`), as tshark's `-d …,name` takes it. */
  readonly name: string;
  readonly description: string;
  readonly dissect: PayloadDissector;
}

export interface UintTable {
  /** The table's name, which is also the field Decode As matches (`tcp.port`, `ip.proto`). */
  readonly name: string;
  readonly description: string;
  /** The protocol that looks this table up (`udp` for udp.port), '' for the link-type table. */
  readonly owner: string;
  readonly defaults: Map<number, DissectorHandle>;
  readonly current: Map<number, DissectorHandle>;
}

interface HeuristicEntry { readonly handle: DissectorHandle; readonly test: PayloadDissector }

const handles = new Map<string, DissectorHandle>();
const tables = new Map<string, UintTable>();
const heuristics = new Map<string, HeuristicEntry[]>();

/** Register a protocol's payload dissector under its filter name (Wireshark's register_dissector). */
export function registerDissector(name: string, description: string, dissect: PayloadDissector): DissectorHandle {
  if (handles.has(name)) throw new Error(`dissector ${name} registered twice`);
  const h = createHandle(name, description, dissect);
  handles.set(name, h);
  return h;
}

/**
 * A handle that is only reached through tables (create_dissector_handle): DNS has one for UDP
 * and one for TCP, both named `dns`; Decode As picks the one registered in the table it changes.
 */
export function createHandle(name: string, description: string, dissect: PayloadDissector): DissectorHandle {
  return { name, description, dissect };
}

/** The handle registered under `name` (Wireshark's find_dissector), or undefined. */
export function findDissector(name: string): DissectorHandle | undefined {
  return handles.get(name);
}

function dissectorTable(name: string, description: string, owner: string): UintTable {
  const t: UintTable = { name, description, owner, defaults: new Map(), current: new Map() };
  tables.set(name, t);
  return t;
}

// The tables live here, not in the files of the protocols that look them up, so that a protocol
// registering into one does not depend on the load order of the modules.
/** pcap/pcapng LINKTYPE_* values (tcpdump.org/linktypes.html). */
export const linkTypeTable = dissectorTable('link_type', 'Link type (LINKTYPE_*)', '');
/** EtherTypes (IEEE 802 numbers registry). */
export const ethertypeTable = dissectorTable('ethertype', 'EtherType', 'eth');
/** IP protocol numbers (IPv4 protocol / IPv6 next header; see ip-proto.ts). */
export const ipProtoTable = dissectorTable('ip.proto', 'IP protocol', 'ip');
export const tcpPortTable = dissectorTable('tcp.port', 'TCP port', 'tcp');
export const udpPortTable = dissectorTable('udp.port', 'UDP port', 'udp');

/** Bumped whenever a table's `current` entries change (registration, Decode As): a cache of a lookup compares it. */
let generation = 0;
export function tablesGeneration(): number {
  return generation;
}

/** Add `handle` to table `table` for `value` (Wireshark's dissector_add_uint). */
export function addUint(table: UintTable, value: number, handle: DissectorHandle): void {
  if (table.defaults.has(value)) throw new Error(`${table.name} ${value}: already taken by ${table.defaults.get(value)!.name}`);
  table.defaults.set(value, handle);
  table.current.set(value, handle);
  generation++;
}

/** Add a heuristic to the list `list` (`udp`, `tcp`): tried in registration order (heur_dissector_add). */
export function addHeuristic(list: string, handle: DissectorHandle, test: PayloadDissector): void {
  let l = heuristics.get(list);
  if (!l) heuristics.set(list, (l = []));
  l.push({ handle, test });
}

/** Call the dissector for `value` in `table`: false when the table has none or it declined. */
export function callUint(table: UintTable, value: number, d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): boolean {
  const h = table.current.get(value);
  return h !== undefined && h.dissect(d, data, off, end, rep, parent, ctx);
}

/** Try the heuristics of `list` in order: true when one took the payload. */
export function callHeuristics(list: string, d: Dissection, data: Uint8Array, off: number, end: number, rep: number, parent: number, ctx: PacketContext): boolean {
  const l = heuristics.get(list);
  if (l === undefined) return false;
  for (let i = 0; i < l.length; i++) if (l[i].test(d, data, off, end, rep, parent, ctx)) return true;
  return false;
}

/** Whether the list `list` has a heuristic (callHeuristics may take a payload). */
export function hasHeuristics(list: string): boolean {
  return (heuristics.get(list)?.length ?? 0) > 0;
}

export function dissectorTables(): readonly UintTable[] {
  return [...tables.values()];
}

export function tableByName(name: string): UintTable | undefined {
  return tables.get(name);
}


/** The handles Decode As offers for `table`: those registered in tables of the same owner (by name, this table's first), its heuristics, and `data`. */
function decodeAsHandles(t: UintTable): Map<string, DissectorHandle> {
  const out = new Map<string, DissectorHandle>();
  const add = (h: DissectorHandle) => { if (!out.has(h.name)) out.set(h.name, h); };
  for (const h of t.defaults.values()) add(h);
  for (const u of tables.values()) if (u.owner === t.owner) for (const h of u.defaults.values()) add(h);
  for (const l of heuristics.get(t.owner) ?? []) add(l.handle);
  const data = handles.get('data');
  if (data) add(data);
  return out;
}

/** The tables Decode As may change and, for each, the protocols it offers. */
export function decodeAsChoices(): DecodeAsTable[] {
  return [...tables.values()]
    .map((t) => ({ table: t.name, description: t.description, protocols: [...decodeAsHandles(t).keys()].sort() }))
    .sort((a, b) => a.table.localeCompare(b.table));
}

/** Why `rule` cannot be applied, or undefined when it can. */
export function checkDecodeAsRule(rule: DecodeAsRule): string | undefined {
  const t = tables.get(rule.table);
  if (!t) return `no dissector table "${rule.table}" (one of: ${[...tables.keys()].sort().join(', ')})`;
  const max = t.name.endsWith('.port') ? 0xffff : t.name === 'ip.proto' ? 0xff : 0xffffffff;
  if (!Number.isInteger(rule.value) || rule.value < 0 || rule.value > max) return `${rule.table}: bad value ${rule.value} (0 to ${max})`;
  const choices = decodeAsHandles(t);
  if (!choices.has(rule.protocol)) return `${rule.table}: no protocol "${rule.protocol}" to decode as (one of: ${[...choices.keys()].sort().join(', ')})`;
  return undefined;
}

const inForce: DecodeAsRule[] = [];

/** The Decode As rules applied by the last setDecodeAs. */
export function decodeAsRules(): DecodeAsRule[] {
  return inForce.map((r) => ({ ...r }));
}

/**
 * Reset every table to its registered entries, then apply `rules` (Wireshark's
 * dissector_change_uint). Returns the problems of the rules that were not applied.
 */
export function setDecodeAs(rules: readonly DecodeAsRule[]): string[] {
  inForce.length = 0;
  generation++;
  for (const t of tables.values()) {
    t.current.clear();
    for (const [k, h] of t.defaults) t.current.set(k, h);
  }
  const problems: string[] = [];
  for (const r of rules) {
    const why = checkDecodeAsRule(r);
    if (why) problems.push(why);
    else {
      const t = tables.get(r.table)!;
      t.current.set(r.value, decodeAsHandles(t).get(r.protocol)!);
      inForce.push({ table: r.table, value: r.value, protocol: r.protocol });
    }
  }
  return problems;
}

/** Link-layer to network-layer tables: what a filter can read without dissecting transport payloads. */
const NETWORK_TABLES = ['link_type', 'ethertype', 'ip.proto'];

/**
 * Protocols reachable through the network tables that dispatch on no port table of their own
 * (eth, vlan, ip, ipv6, arp, icmp …, not tcp or udp). Derived from the registrations, so a new
 * link or network protocol is covered without a list to keep up to date.
 */
export function networkLayerProtocols(): string[] {
  const out = new Set<string>();
  for (const n of NETWORK_TABLES) {
    const t = tables.get(n);
    if (t) for (const h of t.defaults.values()) if (!carriesPorts(h)) out.add(h.name);
  }
  return [...out];
}

/** A transport protocol: it looks up a table keyed by port (tcp.port, udp.port). */
export function carriesPorts(h: DissectorHandle): boolean {
  return PORT_TABLE_OWNERS.has(h.name);
}

const PORT_TABLE_OWNERS = new Set([...tables.values()].filter((t) => t.name.endsWith('.port')).map((t) => t.owner));
