/** The flat Dissection turned into the nested details tree the window shows. */
import type { DetailsNode } from '../../../shared/rpc.ts';
import type { Dissection } from '../dissectors/dissection.ts';
import { entryField, entryLabel, entryValue, formatFieldValue } from '../dissectors/values.ts';
import { hex } from '../fields/format.ts';

/** How a value is written in a filter ("Apply as filter"): strings quoted, bytes colon-hex. */
function filterLiteral(d: Dissection, i: number): string | undefined {
  const f = entryField(d, i);
  const v = entryValue(d, i);
  if (v === undefined) return undefined;
  if (f.type === 'string') return JSON.stringify(String(v));
  if (f.type === 'bytes' && v instanceof Uint8Array) return v.length > 0 ? hex(v, ':') : undefined;
  return formatFieldValue(f, v);
}

/**
 * Order of a syscall event's subtrees, as Stratoshark groups its fields: the event (with its
 * arguments), then the process, thread, fd, user, group and container state it ran with. The
 * readers add them in the order they learn them.
 */
const SYSCALL_ORDER: Record<string, number> = { evt: 0, proc: 1, thread: 2, fd: 3, user: 4, group: 5, container: 6 };

export function detailsTree(d: Dissection): DetailsNode[] {
  const nodes: DetailsNode[] = [];
  const roots: DetailsNode[] = [];
  for (let i = 0; i < d.n; i++) {
    const node: DetailsNode = {
      label: entryLabel(d, i),
      field: entryField(d, i).name,
      source: d.src[i],
      offset: d.off[i],
      length: d.len[i],
    };
    const fv = filterLiteral(d, i);
    if (fv !== undefined) node.filterValue = fv;
    const note = d.note[i];
    if (note !== undefined) node.malformed = note;
    nodes.push(node);
    // A hidden field repeats another line's value (evt.info is evt.args): filters see it, the tree does not.
    if (entryField(d, i).hidden) continue;
    const p = d.parent[i];
    const parent = p >= 0 && p < i ? nodes[p] : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  if (roots.length > 0 && roots[0].field === 'evt') {
    const rank = (n: DetailsNode, i: number): number => SYSCALL_ORDER[n.field] ?? 10 + i;
    return roots.map((n, i) => [n, rank(n, i)] as const).sort((a, b) => a[1] - b[1]).map((x) => x[0]);
  }
  return roots;
}
