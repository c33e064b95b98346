/**
 * Capture statistics as tshark's `-z conv,…`, `-z endpoints,…` and `-z io,phs` compute them: the
 * row types the engine returns, and their text rendering in tshark 4.0's layout (ui/cli/
 * tap-iousers.c, tap-endpoints.c, tap-protohierstat.c; column widths measured on its output).
 */

import { ioStatRows, ioStatText, type IoStatResult } from './io-stat.ts';

export const STAT_NAMES = [
  'conv,tcp', 'conv,udp', 'conv,ip', 'conv,ipv6', 'conv,eth',
  'endpoints,tcp', 'endpoints,udp', 'endpoints,ip', 'endpoints,ipv6', 'endpoints,eth', 'io,phs', 'http,tree', 'http,stat',
  'dns,tree', 'http_req,tree', 'http_srv,tree', 'http,rt',
] as const;
/** A fixed statistic, or `io,stat,INTERVAL[,FILTER…]` (shared/io-stat.ts). */
export type StatName = (typeof STAT_NAMES)[number] | `io,stat,${string}`;

export function isStatName(s: string): s is StatName {
  return (STAT_NAMES as readonly string[]).includes(s) || s.startsWith('io,stat,');
}

/** One conversation. A is tshark's address A (see engine/stats/conversations.ts for the rule). */
export interface ConversationRow {
  addressA: string;
  portA: number | null;
  addressB: string;
  portB: number | null;
  framesAB: number;
  bytesAB: number;
  framesBA: number;
  bytesBA: number;
  frames: number;
  bytes: number;
  /** Seconds from the capture's first frame to the conversation's first frame. */
  start: number;
  /** Seconds from its first to its last frame. */
  duration: number;
  /** tcp.stream / udp.stream of the conversation (tcp and udp only). */
  stream: number | null;
}

export interface EndpointRow {
  address: string;
  port: number | null;
  frames: number;
  bytes: number;
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
}

export interface PhsNode {
  protocol: string;
  frames: number;
  bytes: number;
  children: PhsNode[];
}

/** A node of a tshark stats_tree (`-z http,tree`), children in tshark's print order. */
export interface TreeNode {
  name: string;
  count: number;
  /** Most ticks in one 100 ms burst window (0: never ticked) and where that window started (ms). */
  maxBurst: number;
  burstStart: number;
  /** An averaging node's values (dns,tree's Payload size, request-response time …). */
  values?: { float: boolean; total: number; min: number; max: number };
  children: TreeNode[];
}

export type StatsResult =
  | { name: StatName; kind: 'conv'; filter: string; rows: ConversationRow[]; ms: number }
  | { name: StatName; kind: 'endpoints'; filter: string; rows: EndpointRow[]; ms: number }
  | { name: StatName; kind: 'phs'; filter: string; roots: PhsNode[]; frames: number; ms: number }
  | { name: StatName; kind: 'tree'; filter: string; title: string; elapsedMs: number; burstWindowMs: number; roots: TreeNode[]; ms: number }
  | { name: StatName; kind: 'httpstat'; filter: string; codes: { code: number; name: string; packets: number }[]; methods: { method: string; packets: number }[]; ms: number }
  | IoStatResult;

/** One I/O graph series: per interval, the events a filter kept, their bytes, the first of them (0: none). */
export interface IoGraphSeries {
  filter: string;
  frames: number[];
  bytes: number[];
  firstEvent: number[];
}

export interface IoGraphResult {
  intervalMs: number;
  /** Epoch seconds of the capture's first event (interval 0 starts there). */
  startTime: number;
  series: IoGraphSeries[];
  ms: number;
}

/** The syscall overview (engine/stats/syscall-overview.ts). Times in ns; mean null when no call was timed. */
export interface SyscallOverview {
  syscalls: { name: string; calls: number; errors: number; totalNs: number; meanNs: number | null }[];
  errors: { syscall: string; errno: string; count: number }[];
  processes: { pid: number; name: string; events: number; errors: number }[];
  files: { name: string; events: number }[];
  connections: { name: string; events: number }[];
}

/** tshark's titles of each table. */
const TITLES: Record<string, string> = { tcp: 'TCP', udp: 'UDP', ip: 'IPv4', ipv6: 'IPv6', eth: 'Ethernet' };

/** A byte count as Wireshark's format_size (SI, integer division, next unit from 10 of it). */
export function formatSize(n: number): string {
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  for (let u = units.length; u >= 1; u--) {
    const v = Math.floor(n / 1000 ** u);
    if (v >= 10) return `${v} ${units[u - 1]}`;
  }
  return `${n} bytes`;
}

const padEnd = (s: string, w: number): string => s.padEnd(w);
const padStart = (s: string | number, w: number): string => String(s).padStart(w);
const RULE80 = '='.repeat(80);
const RULE67 = '='.repeat(67);

function nameOf(address: string, port: number | null): string {
  return port === null ? address : `${address}:${port}`;
}

export function conversationsText(type: string, filter: string, rows: readonly ConversationRow[]): string {
  const ports = type === 'tcp' || type === 'udp';
  const lead = ' '.repeat(ports ? 59 : 47);
  let t = `${RULE80}\n${TITLES[type] ?? type} Conversations\nFilter:${filter || '<No Filter>'}\n`;
  t += `${lead}|       <-      | |       ->      | |     Total     |    Relative    |   Duration   |\n`;
  t += `${lead}| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |\n`;
  const w = ports ? 26 : 20;
  for (const r of rows) {
    t += `${padEnd(nameOf(r.addressA, r.portA), w)} <-> ${padEnd(nameOf(r.addressB, r.portB), w)}`;
    for (const [f, b] of [[r.framesBA, r.bytesBA], [r.framesAB, r.bytesAB], [r.frames, r.bytes]]) t += `  ${padStart(f, 6)} ${padEnd(formatSize(b), 9)}`;
    t += `  ${padStart(r.start.toFixed(9), 14)}   ${padStart(r.duration.toFixed(4), 12)}\n`;
  }
  return `${t}${RULE80}\n`;
}

export function endpointsText(type: string, filter: string, rows: readonly EndpointRow[]): string {
  const ports = type === 'tcp' || type === 'udp';
  let t = `${RULE80}\n${TITLES[type] ?? type} Endpoints\nFilter:${filter || '<No Filter>'}\n`;
  t += `                       |  ${ports ? 'Port  ||  ' : ''}Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |\n`;
  for (const r of rows) {
    t += `${padEnd(r.address, 20)}      ${ports ? `${padStart(r.port ?? '', 5)}     ` : ''}${padStart(r.frames, 6)}     ${padStart(r.bytes, 9)}     ${padStart(r.txFrames, 6)}       ${padStart(r.txBytes, 9)}      ${padStart(r.rxFrames, 6)}       ${padStart(r.rxBytes, 9)}   \n`;
  }
  return `${t}${RULE80}\n`;
}

export function phsText(filter: string, roots: readonly PhsNode[]): string {
  let t = `\n${RULE67}\nProtocol Hierarchy Statistics\nFilter: ${filter}\n\n`;
  const walk = (n: PhsNode, depth: number): void => {
    const indent = '  '.repeat(depth);
    t += `${padEnd(indent + n.protocol, 40)} frames:${n.frames} bytes:${n.bytes}\n`;
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  return `${t}${RULE67}\n`;
}

/** The derived columns of a tree node (epan/stats_tree.c stats_tree_get_values_from_node); '' = blank. */
export function treeNodeValues(node: TreeNode, parent: TreeNode | null, elapsedMs: number, burstWindowMs: number): { rate: string; percent: string; burstRate: string; burstStart: string } {
  // tshark divides in single precision: (float)count / (float)elapsed.
  const rate = elapsedMs !== 0 ? Math.fround(Math.fround(node.count) / Math.fround(elapsedMs)).toFixed(4) : '';
  const percent = parent === null ? '100%' : parent.count !== 0 ? `${((node.count * 100) / parent.count).toFixed(2)}%` : '';
  const burst = node.maxBurst !== 0;
  return {
    rate, percent,
    burstRate: burst ? (node.maxBurst / burstWindowMs).toFixed(4) : '-',
    burstStart: burst ? (node.burstStart / 1000).toFixed(3) : '-',
  };
}

/**
 * Average, Min Val and Max Val of an averaging node (stats_tree_get_values_from_node): the
 * integer mean in single precision ("%.2f" of (float)total / count), integer extremes as "%d",
 * float ones as "%f"; blank for a node no value was added to.
 */
export function treeNodeAverages(node: TreeNode): { average: string; min: string; max: string } {
  const v = node.values;
  if (!v || node.count === 0) return { average: '', min: '', max: '' };
  const average = v.float ? v.total / node.count : Math.fround(Math.fround(v.total) / Math.fround(node.count));
  const ext = (x: number): string => (v.float ? x.toFixed(6) : String(x));
  return { average: average.toFixed(2), min: ext(v.min), max: ext(v.max) };
}

const TREE_COLUMNS = ['Count', 'Average', 'Min Val', 'Max Val', 'Rate (ms)', 'Percent', 'Burst Rate', 'Burst Start'];

/**
 * A stats_tree as tshark -q prints it (epan/stats_tree.c stats_tree_format_as_str, plain):
 * the name column as wide as the deepest name plus its depth + 1, every other column 13 wide
 * after one space; Average/Min/Max blank but for averaging nodes.
 */
export function treeText(title: string, roots: readonly TreeNode[], elapsedMs: number, burstWindowMs: number): string {
  let width = 0;
  const measure = (n: TreeNode, depth: number): void => {
    width = Math.max(width, n.name.length + depth + 1);
    for (const c of n.children) measure(c, depth + 1);
  };
  for (const r of roots) measure(r, 0);
  const cols = (values: readonly string[]): string => values.map((v) => ` ${v.padEnd(13)}`).join('');
  const ruleLength = width + TREE_COLUMNS.length * 14;
  let t = `\n${'='.repeat(ruleLength)}\n${title}:\n${'Topic / Item'.padEnd(width)}${cols(TREE_COLUMNS)}\n${'-'.repeat(ruleLength)}\n`;
  const walk = (n: TreeNode, parent: TreeNode | null, depth: number): void => {
    const v = treeNodeValues(n, parent, elapsedMs, burstWindowMs);
    const a = treeNodeAverages(n);
    t += `${' '.repeat(depth)}${n.name.padEnd(width - depth)}${cols([String(n.count), a.average, a.min, a.max, v.rate, v.percent, v.burstRate, v.burstStart])}\n`;
    for (const c of n.children) walk(c, n, depth + 1);
  };
  for (const r of roots) walk(r, null, 0);
  return `${t}\n${'-'.repeat(ruleLength)}\n`;
}

const RULE_HTTP = '='.repeat(67);

/** tshark's http,stat table (ui/cli/tap-httpstat.c httpstat_draw). */
export function httpStatText(r: Extract<StatsResult, { kind: 'httpstat' }>): string {
  let t = `\n${RULE_HTTP}\n${r.filter ? `HTTP Statistics with filter ${r.filter}` : 'HTTP Statistics'}\n`;
  t += '* HTTP Response Status Codes                Packets\n';
  for (const c of r.codes) t += `  ${String(c.code).padStart(3)} ${c.name.padEnd(35)} ${String(c.packets).padStart(9)}\n`;
  t += '* HTTP Request Methods                      Packets\n';
  for (const m of r.methods) t += `  ${m.method.padEnd(39)} ${String(m.packets).padStart(9)} \n`;
  return `${t}${RULE_HTTP}\n`;
}

/** The text tshark -q -z NAME prints for this result. */
export function statsText(r: StatsResult): string {
  const type = r.name.split(',')[1];
  if (r.kind === 'conv') return conversationsText(type, r.filter, r.rows);
  if (r.kind === 'endpoints') return endpointsText(type, r.filter, r.rows);
  if (r.kind === 'tree') return treeText(r.title, r.roots, r.elapsedMs, r.burstWindowMs);
  if (r.kind === 'iostat') return ioStatText(r);
  if (r.kind === 'httpstat') return httpStatText(r);
  return phsText(r.filter, r.roots);
}

/** A tree's nodes with their derived columns, depth first (JSON and TSV). */
function treeRows(r: Extract<StatsResult, { kind: 'tree' }>): { path: string[]; node: TreeNode; values: ReturnType<typeof treeNodeValues> }[] {
  const out: { path: string[]; node: TreeNode; values: ReturnType<typeof treeNodeValues> }[] = [];
  const walk = (n: TreeNode, parent: TreeNode | null, path: string[]): void => {
    const p = [...path, n.name];
    out.push({ path: p, node: n, values: treeNodeValues(n, parent, r.elapsedMs, r.burstWindowMs) });
    for (const c of n.children) walk(c, n, p);
  };
  for (const n of r.roots) walk(n, null, []);
  return out;
}

const CONV_TSV: (keyof ConversationRow)[] = ['addressA', 'portA', 'addressB', 'portB', 'framesAB', 'bytesAB', 'framesBA', 'bytesBA', 'frames', 'bytes', 'start', 'duration', 'stream'];
const ENDPOINT_TSV: (keyof EndpointRow)[] = ['address', 'port', 'frames', 'bytes', 'txFrames', 'txBytes', 'rxFrames', 'rxBytes'];

/** One header line, then one line per row (phs: protocol path, frames, bytes). */
export function statsTsv(r: StatsResult): string {
  if (r.kind === 'conv') return [CONV_TSV.join('\t'), ...r.rows.map((x) => CONV_TSV.map((c) => String(x[c] ?? '')).join('\t'))].join('\n') + '\n';
  if (r.kind === 'endpoints') return [ENDPOINT_TSV.join('\t'), ...r.rows.map((x) => ENDPOINT_TSV.map((c) => String(x[c] ?? '')).join('\t'))].join('\n') + '\n';
  if (r.kind === 'tree') {
    const head = 'path\tcount\trate_ms\tpercent\tburst_rate\tburst_start';
    return [head, ...treeRows(r).map(({ path, node, values: v }) => [path.join(' / '), node.count, v.rate, v.percent, v.burstRate, v.burstStart].join('\t'))].join('\n') + '\n';
  }
  if (r.kind === 'httpstat') return ['kind\tkey\tname\tpackets', ...r.codes.map((c) => `status\t${c.code}\t${c.name}\t${c.packets}`), ...r.methods.map((m) => `method\t${m.method}\t\t${m.packets}`)].join('\n') + '\n';
  if (r.kind === 'iostat') {
    const head = ['start', 'end', ...r.columns.flatMap((_, j) => [`frames_${j + 1}`, `bytes_${j + 1}`])].join('\t');
    return [head, ...ioStatRows(r).map((x) => [x.start, x.end, ...x.frames.flatMap((f, j) => [f, x.bytes[j]])].join('\t'))].join('\n') + '\n';
  }
  const lines = ['path\tframes\tbytes'];
  const walk = (n: PhsNode, path: string): void => {
    const p = path ? `${path}:${n.protocol}` : n.protocol;
    lines.push(`${p}\t${n.frames}\t${n.bytes}`);
    for (const c of n.children) walk(c, p);
  };
  for (const n of r.roots) walk(n, '');
  return lines.join('\n') + '\n';
}

/** JSON of a result (conversations: the brief's keys, plus stream for TCP/UDP). */
export function statsJson(r: StatsResult): string {
  if (r.kind === 'conv') return `${JSON.stringify(r.rows, null, 1)}\n`;
  if (r.kind === 'endpoints') return `${JSON.stringify(r.rows, null, 1)}\n`;
  if (r.kind === 'tree') {
    const node = (n: TreeNode, parent: TreeNode | null): object => {
      const v = treeNodeValues(n, parent, r.elapsedMs, r.burstWindowMs);
      const a = n.values && n.count > 0 ? { average: n.values.total / n.count, min: n.values.min, max: n.values.max } : {};
      return { name: n.name, count: n.count, ...a, rateMs: v.rate === '' ? null : Number(v.rate), percent: v.percent || null, burstRate: n.maxBurst ? n.maxBurst / r.burstWindowMs : null, burstStart: n.maxBurst ? n.burstStart / 1000 : null, children: n.children.map((c) => node(c, n)) };
    };
    return `${JSON.stringify({ title: r.title, elapsedMs: r.elapsedMs, nodes: r.roots.map((n) => node(n, null)) }, null, 1)}\n`;
  }
  if (r.kind === 'httpstat') return `${JSON.stringify({ codes: r.codes, methods: r.methods }, null, 1)}\n`;
  if (r.kind === 'iostat') {
    const columns = r.columns.map((c) => c.filter ?? '');
    return `${JSON.stringify({ intervalSeconds: r.spec.intervalUs / 1e6, durationSeconds: r.durationSec + r.durationNsec / 1e9, columns, rows: ioStatRows(r) }, null, 1)}\n`;
  }
  return `${JSON.stringify({ frames: r.frames, protocols: r.roots }, null, 1)}\n`;
}
