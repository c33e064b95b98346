/**
 * `-z http,tree` as tshark 4.0 computes it (epan/dissectors/packet-http.c, http_stats_tree_init
 * and http_stats_tree_packet): the HTTP tap fires once per HTTP/1.x message, in the event that
 * completes it; every tap counts under Total HTTP Packets, a response under its status class
 * and `CODE PHRASE` (the phrase from the status table, not the one sent; "Unknown (CODE)"
 * otherwise), a request under its method. HTTP/2 has its own tap (http2,tree), not this one.
 */
import type { StatsResult } from '../../../shared/stats.ts';
import { REASON } from '../http2/info.ts';
import { BURST_WINDOW_MS, createTree, elapsedMs, node, tap, tick, treeNodes, type StNode, type StTree } from './stats-tree.ts';

/** One HTTP/1.x message as the HTTP tap sees it: the event completing it, its method or status. */
export interface HttpTapMessage {
  event: number;
  /** The request method; null for a response. */
  method: string | null;
  /** The response status code; 0 for a request. */
  status: number;
}

const TOTAL = 'Total HTTP Packets';
const REQUESTS = 'HTTP Request Packets';
const RESPONSES = 'HTTP Response Packets';
const OTHER = 'Other HTTP Packets';
const BROKEN = '???: broken';
/** Status classes by the hundreds digit (RFC 9110 §15). */
const CLASSES = ['1xx: Informational', '2xx: Success', '3xx: Redirection', '4xx: Client Error', '5xx: Server Error'];

/** The tree with tshark's fixed nodes made up front (they print with count 0). */
function httpTree(): { tree: StTree; total: StNode; requests: StNode; responses: StNode; other: StNode } {
  const tree = createTree('HTTP/Packet Counter');
  const total = node(tree, null, TOTAL);
  const requests = node(tree, total, REQUESTS);
  const responses = node(tree, total, RESPONSES);
  node(tree, responses, BROKEN);
  for (const c of CLASSES) node(tree, responses, c);
  const other = node(tree, total, OTHER);
  return { tree, total, requests, responses, other };
}

/**
 * The http,tree result over `messages` (in event order). `relMs(event)`: the event's time in ms
 * after the capture's first event; `keep(event)`: whether a display filter kept it.
 */
export function httpTreeStats(messages: Iterable<HttpTapMessage>, relMs: (event: number) => number, keep?: (event: number) => boolean): Pick<Extract<StatsResult, { kind: 'tree' }>, 'title' | 'elapsedMs' | 'burstWindowMs' | 'roots'> {
  const { tree, total, requests, responses, other } = httpTree();
  for (const m of messages) {
    if (keep && !keep(m.event)) continue;
    tap(tree, relMs(m.event));
    tick(tree, total);
    if (m.status) {
      tick(tree, responses);
      const s = m.status;
      const cls = s < 100 || s >= 600 ? BROKEN : CLASSES[Math.floor(s / 100) - 1];
      const group = node(tree, responses, cls);
      tick(tree, group);
      tick(tree, node(tree, group, `${s} ${REASON[s] ?? `Unknown (${s})`}`));
    } else if (m.method !== null) {
      tick(tree, requests);
      tick(tree, node(tree, requests, m.method));
    } else tick(tree, other);
  }
  return { title: tree.title, elapsedMs: elapsedMs(tree), burstWindowMs: BURST_WINDOW_MS, roots: treeNodes(tree.roots) };
}
