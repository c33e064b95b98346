/**
 * A counter tree as tshark 4.0's stats_tree (epan/stats_tree.c), for the `-z NAME,tree`
 * statistics: each node counts the taps that ticked it and keeps its burst, the most ticks in a
 * sliding window. The tree's clock is the time of the last tapped event in ms after the
 * capture's first event; Rate (ms) is count / (last − first tapped event).
 *
 * Burst (Wireshark's Statistics preferences, defaults): ticks fall into 5 ms buckets
 * (st_burst_resolution); the window is 100 ms (st_burst_windowlen), i.e. 20 buckets; a bucket
 * older than the window leaves the count when a later bucket opens; a tick before the oldest
 * bucket kept is not counted in the burst. The burst start is the start time of the oldest
 * bucket in the window when the maximum was set.
 */
import type { TreeNode } from '../../../shared/stats.ts';

const BURST_RESOLUTION_MS = 5;
export const BURST_WINDOW_MS = 100;
const BURST_BUCKETS = BURST_WINDOW_MS / BURST_RESOLUTION_MS;

export interface StNode {
  name: string;
  count: number;
  children: StNode[];
  /** Children by name, made with the first child: most nodes (one per URI of http_req,tree) have none. */
  byName?: Map<string, StNode>;
  /** Burst buckets in the window, oldest first from `head`: number, ticks, start time (ms). */
  bucketNo: number[];
  bucketCount: number[];
  bucketStart: number[];
  head: number;
  burstCount: number;
  maxBurst: number;
  burstTime: number;
  /** Set once a value was added (avg_stat_node_add_value_*): the Average, Min and Max columns. */
  values?: NodeValues;
}

/** The values added to an averaging node: integers, or single-precision floats (STAT_DT_FLOAT). */
export interface NodeValues {
  float: boolean;
  total: number;
  min: number;
  max: number;
}

export interface StTree {
  /** The root's name (tshark's cfg->name, the table title). */
  title: string;
  roots: StNode[];
  rootByName: Map<string, StNode>;
  /** ms of the first and the last tapped event; start < 0 before any tap. */
  start: number;
  now: number;
}

export function createTree(title: string): StTree {
  return { title, roots: [], rootByName: new Map(), start: -1, now: 0 };
}

function newNode(name: string): StNode {
  // tshark starts every node with one empty bucket numbered 0 at time 0.
  return { name, count: 0, children: [], bucketNo: [0], bucketCount: [0], bucketStart: [0], head: 0, burstCount: 0, maxBurst: 0, burstTime: -1 };
}

/** The child `name` of `parent` (a top-level node when null), made on first use, in order of creation. */
export function node(tree: StTree, parent: StNode | null, name: string): StNode {
  const map = parent ? (parent.byName ??= new Map()) : tree.rootByName;
  let n = map.get(name);
  if (!n) {
    n = newNode(name);
    map.set(name, n);
    (parent ? parent.children : tree.roots).push(n);
  }
  return n;
}

/** Set the tree's clock to a tapped event at `ms` (tshark's stats_tree_packet). */
export function tap(tree: StTree, ms: number): void {
  tree.now = ms;
  if (tree.start < 0) tree.start = ms;
}

/** Add `value` to a node's count and burst (stats_tree.c update_burst_calc). */
export function tick(tree: StTree, n: StNode, value = 1): void {
  n.count += value;
  const bucket = Math.floor(tree.now / BURST_RESOLUTION_MS);
  const tail = n.bucketNo.length - 1;
  if (bucket > n.bucketNo[tail]) {
    n.bucketNo.push(bucket);
    n.bucketCount.push(value);
    n.bucketStart.push(tree.now);
    n.burstCount += value;
    while (bucket >= n.bucketNo[n.head] + BURST_BUCKETS) n.burstCount -= n.bucketCount[n.head++];
    if (n.head > 64 && n.head * 2 > n.bucketNo.length) compact(n);
  } else if (bucket >= n.bucketNo[n.head]) {
    n.burstCount += value;
    let b = tail;
    while (bucket < n.bucketNo[b]) b--;
    n.bucketCount[b] += value;
  }
  // else: before the oldest bucket kept (events out of time order): not in the burst.
  if (n.burstCount > n.maxBurst) {
    n.maxBurst = n.burstCount;
    n.burstTime = n.bucketStart[n.head];
  }
}

/**
 * A value into an averaging node, which also ticks it (stats_tree.c avg_stat_node_add_value_int
 * and _float): a float is rounded to single precision first, as tshark passes a gfloat.
 */
export function addValue(tree: StTree, n: StNode, value: number, float = false): void {
  const v = float ? Math.fround(value) : Math.trunc(value);
  tick(tree, n);
  const a = n.values;
  if (!a) n.values = { float, total: v, min: v, max: v };
  else {
    a.total += v;
    if (v < a.min) a.min = v;
    if (v > a.max) a.max = v;
  }
}

function compact(n: StNode): void {
  n.bucketNo.splice(0, n.head);
  n.bucketCount.splice(0, n.head);
  n.bucketStart.splice(0, n.head);
  n.head = 0;
}

/**
 * The tree as result nodes in tshark's default order (epan/stats_tree.c
 * stats_tree_format_as_str with the preferences' defaults): the top-level nodes as created,
 * the children of each by count descending, ties by name descending, case-sensitive.
 */
export function treeNodes(nodes: readonly StNode[], top = true): TreeNode[] {
  const order = top ? [...nodes] : [...nodes].sort((a, b) => b.count - a.count || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  return order.map((n) => ({
    name: n.name, count: n.count, maxBurst: n.maxBurst, burstStart: n.burstTime,
    ...(n.values ? { values: { ...n.values } } : {}),
    children: treeNodes(n.children, false),
  }));
}

/** Elapsed ms between the first and the last tapped event (0 when none or one instant). */
export function elapsedMs(tree: StTree): number {
  return tree.start < 0 ? 0 : tree.now - tree.start;
}
