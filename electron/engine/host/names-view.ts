/**
 * Name resolution from the capture (index/host-names.ts) as the table, the `-e _ws.col.*`
 * values and the details tree show it: off by default (Wireshark's network names), on with
 * View ▸ Name Resolution or `-N n`/`-N dn`. Only the Source and Destination cells and the IP
 * address lines of the tree change; filters, sorting and statistics keep the addresses.
 */
import type { DetailsNode } from '../../../shared/rpc.ts';
import type { NameMode } from '../../../shared/names.ts';
import type { Capture } from '../capture.ts';
import { hostName, hostTable, type HostNames } from '../index/host-names.ts';

/** The host name tables of a capture: its own, or its packet parts' for a set. */
function tablesOf(c: Capture): HostNames[] {
  const int = c.internals();
  if (int.kind === 'packets') return [int.index.hostNames];
  if (int.kind === 'set') return int.parts.flatMap((p) => tablesOf(p.capture));
  return [];
}

/** address → name under `mode` (undefined: unnamed), or undefined when nothing is resolved. */
export function nameResolver(c: Capture, mode: NameMode): ((address: string) => string | undefined) | undefined {
  if (!mode.network) return undefined;
  const tables = tablesOf(c);
  if (tables.length === 0) return undefined;
  return (address) => {
    for (const t of tables) {
      const n = hostName(t, address, mode);
      if (n !== undefined) return n;
    }
    return undefined;
  };
}

/** The named addresses under `mode` (tshark -z hosts). */
export function namedHosts(c: Capture, mode: NameMode): { address: string; name: string }[] {
  return tablesOf(c).flatMap((t) => hostTable(t, mode));
}

/** Columns whose cells are network addresses. */
const ADDRESS_COLUMNS = new Set(['source', 'destination']);

/**
 * The capture with its Source/Destination cells named (a prototype view: everything else is
 * the capture itself), or the capture when nothing is resolved.
 */
export function withNamedCells(c: Capture, resolve: ((address: string) => string | undefined) | undefined): Capture {
  if (!resolve) return c;
  const at = c.columns().flatMap((col, k) => (ADDRESS_COLUMNS.has(col.id) ? [k] : []));
  if (at.length === 0) return c;
  const cells = (event: number, out: string[]): void => {
    c.cells(event, out);
    for (const k of at) {
      const n = resolve(out[k]);
      if (n !== undefined) out[k] = n;
    }
  };
  return Object.create(c, { cells: { value: cells } }) as Capture;
}

/** Fields whose tree line names the address, as tshark's with name resolution: `NAME (ADDR)`. */
const ADDRESS_FIELDS = new Set(['ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst']);

/** Name the address lines of a details tree (in place), and return it. */
export function nameTree(nodes: DetailsNode[], resolve: ((address: string) => string | undefined) | undefined): DetailsNode[] {
  if (!resolve) return nodes;
  const walk = (list: DetailsNode[]): void => {
    for (const n of list) {
      if (ADDRESS_FIELDS.has(n.field) && n.filterValue !== undefined) {
        const colon = n.label.indexOf(': ');
        if (colon >= 0) n.label = `${n.label.slice(0, colon + 2)}${resolve(n.filterValue) ?? n.filterValue} (${n.filterValue})`;
      }
      if (n.children) walk(n.children);
    }
  };
  walk(nodes);
  return nodes;
}
