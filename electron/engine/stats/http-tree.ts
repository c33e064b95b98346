/**
 * `-z http,tree` as tshark 4.0 computes it (epan/dissectors/packet-http.c, http_stats_tree_init
 * and http_stats_tree_packet): the HTTP tap fires once per HTTP/1.x message, in the event that
 * completes it; every tap counts under Total HTTP Packets, a response under its status class
 * and `CODE PHRASE` (the phrase from the status table, not the one sent; "Unknown (CODE)"
 * otherwise), a request under its method. HTTP/2 has its own tap (http2,tree), not this one.
 */
import type { StatsResult } from '../../../shared/stats.ts';
import { REASON } from '../http2/info.ts';
import { addValue, BURST_WINDOW_MS, createTree, elapsedMs, node, tap, tick, treeNodes, type StNode, type StTree } from './stats-tree.ts';

/** One HTTP/1.x message as the HTTP tap sees it: the event completing it, its method or status. */
export interface HttpTapMessage {
  event: number;
  /** The request method; null for a response. */
  method: string | null;
  /** The response status code; 0 for a request. */
  status: number;
  /** A request's Host header (undefined: none) and request-target. */
  host?: string;
  uri?: string;
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

type TreeStats = Pick<Extract<StatsResult, { kind: 'tree' }>, 'title' | 'elapsedMs' | 'burstWindowMs' | 'roots'>;

/**
 * `-z http_req,tree` (packet-http.c http_req_stats_tree_packet): requests by Host header, then
 * by request-target. Every HTTP tap moves the tree's clock, responses too (stats_tree_packet).
 */
export function httpReqTreeStats(messages: Iterable<HttpTapMessage>, relMs: (event: number) => number, keep?: (event: number) => boolean): TreeStats {
  const tree = createTree('HTTP/Requests');
  const byHost = node(tree, null, 'HTTP Requests by HTTP Host');
  for (const m of messages) {
    if (keep && !keep(m.event)) continue;
    tap(tree, relMs(m.event));
    if (m.method === null || m.status) continue;
    tick(tree, byHost);
    if (m.host === undefined) continue;
    const host = node(tree, byHost, m.host);
    tick(tree, host);
    if (m.uri !== undefined) tick(tree, node(tree, host, m.uri));
  }
  return { title: tree.title, elapsedMs: elapsedMs(tree), burstWindowMs: BURST_WINDOW_MS, roots: treeNodes(tree.roots) };
}

/**
 * `-z http_srv,tree` (packet-http.c http_reqs_stats_tree_packet, "HTTP/Load Distribution"):
 * requests by the server's address (the frame's destination) and Host header both ways,
 * responses by the server's address (the frame's source) as OK (status 101–399) or KO.
 * `address(event, dst)`: the frame's network destination or source as tshark prints it.
 */
export function httpSrvTreeStats(messages: Iterable<HttpTapMessage>, relMs: (event: number) => number, address: (event: number, dst: boolean) => string, keep?: (event: number) => boolean): TreeStats {
  const tree = createTree('HTTP/Load Distribution');
  const reqs = node(tree, null, 'HTTP Requests by Server');
  const byAddr = node(tree, reqs, 'HTTP Requests by Server Address');
  const byHost = node(tree, reqs, 'HTTP Requests by HTTP Host');
  const resps = node(tree, null, 'HTTP Responses by Server Address');
  for (const m of messages) {
    if (keep && !keep(m.event)) continue;
    tap(tree, relMs(m.event));
    if (m.status) {
      const ip = address(m.event, false);
      tick(tree, resps);
      const a = node(tree, resps, ip);
      tick(tree, a);
      tick(tree, node(tree, a, m.status > 100 && m.status < 400 ? 'OK' : 'KO'));
    } else if (m.method !== null) {
      const ip = address(m.event, true);
      tick(tree, reqs);
      tick(tree, byAddr);
      tick(tree, byHost);
      const a = node(tree, byAddr, ip);
      tick(tree, a);
      if (m.host === undefined) continue;
      const h = node(tree, byHost, m.host);
      tick(tree, h);
      tick(tree, node(tree, h, ip));
      tick(tree, node(tree, a, m.host));
    }
  }
  return { title: tree.title, elapsedMs: elapsedMs(tree), burstWindowMs: BURST_WINDOW_MS, roots: treeNodes(tree.roots) };
}

/** One HTTP exchange with both its request and its response (HTTP/1.x or HTTP/2), for http,rt. */
export interface HttpTimedExchange {
  /** The event completing the response. */
  event: number;
  /** `HTTP/1.1`, `HTTP/2` … */
  version: string;
  /** Request start to response end, seconds. */
  duration: number;
}

/** The distribution's buckets, ms (upper bounds; the last is open). */
const RT_BUCKETS: readonly [number, string][] = [[1, '< 1 ms'], [10, '1 – 10 ms'], [100, '10 – 100 ms'], [1000, '100 ms – 1 s'], [Infinity, '≥ 1 s']];

/**
 * `http,rt` (Tracelens's own; tshark has no such tree): HTTP response times, request start to
 * response end, of every exchange that has both — HTTP/1.x and HTTP/2 alike — printed as a
 * stats_tree: an averaging node (Average, Min, Max in ms) over all, one per version, and under
 * each the count per bucket (< 1 ms, 1–10 ms, 10–100 ms, 100 ms–1 s, ≥ 1 s). The tree's clock is
 * the event completing each response.
 */
export function httpRtTreeStats(exchanges: readonly HttpTimedExchange[], relMs: (event: number) => number, keep?: (event: number) => boolean): TreeStats {
  const tree = createTree('HTTP/Response Time');
  const all = node(tree, null, 'HTTP response time (ms)');
  // By the event completing the response, as a tap would see them.
  const order = [...exchanges].sort((a, b) => a.event - b.event);
  for (const x of order) {
    if (keep && !keep(x.event)) continue;
    tap(tree, relMs(x.event));
    const ms = x.duration * 1000;
    addValue(tree, all, ms, true);
    const v = node(tree, all, x.version || 'unknown version');
    addValue(tree, v, ms, true);
    const bucket = RT_BUCKETS.find(([hi]) => ms < hi) ?? RT_BUCKETS[RT_BUCKETS.length - 1];
    tick(tree, node(tree, v, bucket[1]));
  }
  return { title: tree.title, elapsedMs: elapsedMs(tree), burstWindowMs: BURST_WINDOW_MS, roots: treeNodes(tree.roots) };
}
