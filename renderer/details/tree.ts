/**
 * Details-tree helpers: flatten the expanded part of the tree for a virtual list, and find the
 * deepest field covering a byte (click in the hex pane → select that field).
 */
import type { DetailsNode } from '../../shared/rpc.ts';

export interface FlatNode {
  node: DetailsNode;
  /** Child indices from the root list: the node's stable identity within one event. */
  path: number[];
  depth: number;
  hasChildren: boolean;
}

export const pathKey = (path: readonly number[]): string => path.join('.');

export function flattenTree(roots: DetailsNode[], expanded: ReadonlySet<string>): FlatNode[] {
  const out: FlatNode[] = [];
  const walk = (nodes: DetailsNode[], prefix: number[], depth: number): void => {
    nodes.forEach((node, i) => {
      const path = [...prefix, i];
      const hasChildren = !!node.children && node.children.length > 0;
      out.push({ node, path, depth, hasChildren });
      if (hasChildren && expanded.has(pathKey(path))) walk(node.children!, path, depth + 1);
    });
  };
  walk(roots, [], 0);
  return out;
}

export function nodeAt(roots: DetailsNode[], path: readonly number[]): DetailsNode | null {
  let list: DetailsNode[] | undefined = roots;
  let node: DetailsNode | null = null;
  for (const i of path) {
    node = list?.[i] ?? null;
    if (!node) return null;
    list = node.children;
  }
  return node;
}

/** Path of the deepest (then smallest) node of `source` whose byte range covers `offset`. */
export function deepestCovering(roots: DetailsNode[], source: number, offset: number): number[] | null {
  let best: number[] | null = null;
  let bestDepth = -1;
  let bestLen = Infinity;
  const walk = (nodes: DetailsNode[], prefix: number[], depth: number): void => {
    nodes.forEach((n, i) => {
      const path = [...prefix, i];
      const covers = n.source === source && n.length > 0 && offset >= n.offset && offset < n.offset + n.length;
      if (covers && (depth > bestDepth || (depth === bestDepth && n.length < bestLen))) {
        best = path;
        bestDepth = depth;
        bestLen = n.length;
      }
      // Children may cover bytes their parent's range does not claim (e.g. reassembled data).
      if (n.children) walk(n.children, path, depth + 1);
    });
  };
  walk(roots, [], 0);
  return best;
}

/** Every ancestor path of `path` (to expand them when a field is selected from the hex pane). */
export function ancestors(path: readonly number[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < path.length; i++) out.push(pathKey(path.slice(0, i)));
  return out;
}
