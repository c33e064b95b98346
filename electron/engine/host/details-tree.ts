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
    const p = d.parent[i];
    const parent = p >= 0 && p < i ? nodes[p] : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}
