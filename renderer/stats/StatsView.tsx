/**
 * Statistics (the window's Statistics tab): Conversations and Endpoints as tshark's -z conv /
 * -z endpoints (sortable; a conversation filters or follows its stream), the Protocol
 * Hierarchy, the I/O Graph, I/O Statistics (io,stat) and HTTP (http,tree, http,stat). The engine
 * computes every table over the whole capture or over the displayed events, with progress and
 * Cancel; this only draws them. Statistics ▸ … (shared/stats-views.ts) picks the tab.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ConversationRow, EndpointRow, PhsNode, StatName, StatsResult, TreeNode } from '../../shared/stats.ts';
import { formatSize, statsText, treeNodeAverages, treeNodeValues } from '../../shared/stats.ts';
import { ioStatRows, type IoStatResult } from '../../shared/io-stat.ts';
import type { StatsViewId } from '../../shared/stats-views.ts';
import { selectEvent } from '../app/select-event.ts';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';
import { openFollow } from '../streams/follow-kinds.ts';
import { conversationFilter, conversationStream, type ConvKind } from './conversation-filter.ts';
import { IoGraph } from './IoGraph.tsx';
import { SyscallOverview } from './SyscallOverview.tsx';
import { isCancelled, StatsCancelled, StatsProgress } from './StatsProgress.tsx';
import { useStatsView } from './stats-store.ts';

type Tab = StatsViewId;
const PACKET_TABS: [Tab, string][] = [
  ['conv', 'Conversations'], ['endpoints', 'Endpoints'], ['phs', 'Protocol Hierarchy'], ['io', 'I/O Graph'], ['iostat', 'I/O Statistics'],
  ['http', 'HTTP'], ['httpstat', 'HTTP Status'], ['httprt', 'HTTP Times'], ['httpreq', 'HTTP Requests'], ['httpsrv', 'HTTP Servers'], ['dns', 'DNS'],
];
const SYSCALL_TABS: [Tab, string][] = [['sys', 'Syscall Overview'], ['io', 'I/O Graph'], ['iostat', 'I/O Statistics'], ['http', 'HTTP'], ['httpstat', 'HTTP Status'], ['httprt', 'HTTP Times'], ['httpreq', 'HTTP Requests']];
/** The stats_tree statistic each tree tab shows. */
const TREE_TABS: Partial<Record<Tab, StatName>> = { http: 'http,tree', httprt: 'http,rt', httpreq: 'http_req,tree', httpsrv: 'http_srv,tree', dns: 'dns,tree' };
const KINDS: [ConvKind, string][] = [['tcp', 'TCP'], ['udp', 'UDP'], ['ip', 'IPv4'], ['ipv6', 'IPv6'], ['eth', 'Ethernet']];

/** One statistic from the engine, refetched when its name, the filter, the keys or `again` change. */
function useStat(session: Session, name: StatName | null, filter: string, again: number): { result: StatsResult | null; error: string | null } {
  const keysVersion = useApp((s) => s.keysVersion);
  const [state, setState] = useState<{ result: StatsResult | null; error: string | null }>({ result: null, error: null });
  useEffect(() => {
    const c = session.client();
    if (!c || !name) return;
    let live = true;
    setState({ result: null, error: null });
    c.call('stats', filter ? { name, filter } : { name }).then(
      (result) => live && setState({ result, error: null }),
      (e: unknown) => live && setState({ result: null, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [session, name, filter, keysVersion, again]);
  return state;
}

interface Column<T> { key: string; title: string; num?: boolean; value: (r: T) => number | string; text?: (r: T) => string }

function SortableTable<T>({ rows, columns, actions, testId }: { rows: readonly T[]; columns: Column<T>[]; actions?: (r: T) => React.ReactNode; testId: string }) {
  const [sort, setSort] = useState<{ key: string; desc: boolean } | null>(null);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const col = columns.find((c) => c.key === sort.key);
    if (!col) return rows;
    const out = [...rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      return typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    });
    return sort.desc ? out.reverse() : out;
  }, [rows, columns, sort]);
  return (
    <table className="expert-table stats-table" data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.key} className={c.num ? 'num' : ''} aria-sort={sort?.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
              <button className="sort-head" onClick={() => setSort({ key: c.key, desc: sort?.key === c.key ? !sort.desc : c.num === true })}>
                {c.title}{sort?.key === c.key ? (sort.desc ? ' ▾' : ' ▴') : ''}
              </button>
            </th>
          ))}
          {actions && <th />}
        </tr>
      </thead>
      <tbody>
        {sorted.map((r, i) => (
          <tr key={i} data-testid={`${testId}-row`}>
            {columns.map((c) => <td key={c.key} className={c.num ? 'num' : ''}>{c.text ? c.text(r) : String(c.value(r))}</td>)}
            {actions && <td className="stats-actions">{actions(r)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const addr = (a: string, p: number | null): string => (p === null ? a : `${a}:${p}`);

const CONV_COLUMNS: Column<ConversationRow>[] = [
  { key: 'a', title: 'Address A', value: (r) => addr(r.addressA, r.portA) },
  { key: 'b', title: 'Address B', value: (r) => addr(r.addressB, r.portB) },
  { key: 'frames', title: 'Frames', num: true, value: (r) => r.frames },
  { key: 'bytes', title: 'Bytes', num: true, value: (r) => r.bytes, text: (r) => formatSize(r.bytes) },
  { key: 'fab', title: 'Frames A→B', num: true, value: (r) => r.framesAB },
  { key: 'bab', title: 'Bytes A→B', num: true, value: (r) => r.bytesAB, text: (r) => formatSize(r.bytesAB) },
  { key: 'fba', title: 'Frames B→A', num: true, value: (r) => r.framesBA },
  { key: 'bba', title: 'Bytes B→A', num: true, value: (r) => r.bytesBA, text: (r) => formatSize(r.bytesBA) },
  { key: 'start', title: 'Rel Start', num: true, value: (r) => r.start, text: (r) => r.start.toFixed(6) },
  { key: 'duration', title: 'Duration', num: true, value: (r) => r.duration, text: (r) => r.duration.toFixed(4) },
];

const ENDPOINT_COLUMNS: Column<EndpointRow>[] = [
  { key: 'address', title: 'Address', value: (r) => r.address },
  { key: 'port', title: 'Port', num: true, value: (r) => r.port ?? -1, text: (r) => (r.port === null ? '' : String(r.port)) },
  { key: 'frames', title: 'Frames', num: true, value: (r) => r.frames },
  { key: 'bytes', title: 'Bytes', num: true, value: (r) => r.bytes, text: (r) => formatSize(r.bytes) },
  { key: 'tx', title: 'Tx Frames', num: true, value: (r) => r.txFrames },
  { key: 'txb', title: 'Tx Bytes', num: true, value: (r) => r.txBytes, text: (r) => formatSize(r.txBytes) },
  { key: 'rx', title: 'Rx Frames', num: true, value: (r) => r.rxFrames },
  { key: 'rxb', title: 'Rx Bytes', num: true, value: (r) => r.rxBytes, text: (r) => formatSize(r.rxBytes) },
];

function phsRows(nodes: readonly PhsNode[], total: number, depth = 0, out: { n: PhsNode; depth: number; pct: string }[] = []): typeof out {
  for (const n of nodes) {
    out.push({ n, depth, pct: total ? `${((n.frames * 100) / total).toFixed(2)}%` : '' });
    phsRows(n.children, total, depth + 1, out);
  }
  return out;
}

function treeRows(nodes: readonly TreeNode[], parent: TreeNode | null, depth = 0, out: { n: TreeNode; parent: TreeNode | null; depth: number }[] = []): typeof out {
  for (const n of nodes) {
    out.push({ n, parent, depth });
    treeRows(n.children, n, depth + 1, out);
  }
  return out;
}

/** io,stat's table: one row per interval, Frames and Bytes per column (tap-iostat.c's columns). */
function IoStatTable({ r }: { r: IoStatResult }) {
  const rows = ioStatRows(r);
  const prec = Math.max(1, r.spec.prec);
  return (
    <table className="expert-table stats-table" data-testid="iostat-table">
      <thead>
        <tr><th rowSpan={2}>Interval (s)</th>{r.columns.map((c, j) => <th key={j} colSpan={2} title={c.filter ?? 'every event'}>{j + 1}: {c.filter ?? 'Frames and bytes'}</th>)}</tr>
        <tr>{r.columns.map((_, j) => [<th key={`f${j}`} className="num">Frames</th>, <th key={`b${j}`} className="num">Bytes</th>])}</tr>
      </thead>
      <tbody>
        {rows.map((x, i) => (
          <tr key={i} data-testid="iostat-table-row">
            <td>{x.start.toFixed(prec)} &lt;&gt; {x.end.toFixed(prec)}</td>
            {x.frames.map((f, j) => [<td key={`f${j}`} className="num">{f}</td>, <td key={`b${j}`} className="num">{x.bytes[j]}</td>])}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** http,stat's two lists: response status codes and request methods, with their packets. */
function HttpStatTables({ r }: { r: Extract<StatsResult, { kind: 'httpstat' }> }) {
  return (
    <div className="httpstat">
      <table className="expert-table stats-table" data-testid="httpstat-codes">
        <thead><tr><th className="num">Code</th><th>HTTP Response Status Codes</th><th className="num">Packets</th></tr></thead>
        <tbody>
          {r.codes.length === 0 && <tr><td colSpan={3}>none</td></tr>}
          {r.codes.map((c) => <tr key={c.code}><td className="num">{c.code}</td><td>{c.name}</td><td className="num">{c.packets}</td></tr>)}
        </tbody>
      </table>
      <table className="expert-table stats-table" data-testid="httpstat-methods">
        <thead><tr><th>HTTP Request Methods</th><th className="num">Packets</th></tr></thead>
        <tbody>
          {r.methods.length === 0 && <tr><td colSpan={2}>none</td></tr>}
          {r.methods.map((m) => <tr key={m.method}><td>{m.method}</td><td className="num">{m.packets}</td></tr>)}
        </tbody>
      </table>
    </div>
  );
}

/** io,stat's interval (seconds) and column filters, as `-z io,stat,INTERVAL,FILTER,…` takes them. */
function IoStatForm({ onApply }: { onApply: (name: `io,stat,${string}`) => void }) {
  const [interval, setInterval] = useState('1');
  const [columns, setColumns] = useState<string[]>(['']);
  const apply = (): void => onApply(`io,stat,${interval.trim() || '0'}${columns.some((c) => c.trim() !== '') ? columns.map((c) => `,${c.trim()}`).join('') : ''}`);
  return (
    <form className="io-graph-filters" onSubmit={(e) => { e.preventDefault(); apply(); }}>
      <label>Interval (s) <input value={interval} size={6} onChange={(e) => setInterval(e.target.value)} aria-label="Interval in seconds" data-testid="iostat-interval" /></label>
      {columns.map((c, i) => (
        <span key={i} className="io-graph-filter">
          <input value={c} placeholder="all events" aria-label={`Column ${i + 1} filter`} data-testid={`iostat-filter-${i}`} onChange={(e) => setColumns(columns.map((x, j) => (j === i ? e.target.value : x)))} />
          {columns.length > 1 && <button type="button" title="Remove this column" onClick={() => setColumns(columns.filter((_, j) => j !== i))}>×</button>}
        </span>
      ))}
      {columns.length < 8 && <button type="button" onClick={() => setColumns([...columns, ''])}>+ column</button>}
      <button type="submit" data-testid="iostat-apply">Apply</button>
    </form>
  );
}

export function StatsView({ session }: { session: Session }) {
  const syscalls = useApp((s) => s.info?.kind === 'syscalls');
  const chosen = useStatsView((s) => s.view);
  const setTab = (view: Tab): void => useStatsView.setState({ view });
  const [ioStatName, setIoStatName] = useState<`io,stat,${string}`>('io,stat,1');
  const [again, setAgain] = useState(0);
  const [showText, setShowText] = useState(false);
  const tabs = syscalls ? SYSCALL_TABS : PACKET_TABS;
  const tab: Tab = chosen && tabs.some(([t]) => t === chosen) ? chosen : tabs[0][0];
  const [kind, setKind] = useState<ConvKind>('tcp');
  const [displayed, setDisplayed] = useState(false);
  const viewText = useApp((s) => s.view?.text ?? '');
  const filter = displayed ? viewText : '';
  const name: StatName | null = tab === 'conv' ? `conv,${kind}` : tab === 'endpoints' ? `endpoints,${kind}` : tab === 'phs' ? 'io,phs' : TREE_TABS[tab] !== undefined ? TREE_TABS[tab] : tab === 'httpstat' ? 'http,stat' : tab === 'iostat' ? ioStatName : null;
  const { result, error } = useStat(session, name, filter, again);
  const toEvents = (): void => useApp.setState({ mainTab: 'events' });
  const goTo = (event: number): void => {
    toEvents();
    void selectEvent(session, event, true);
  };

  let body: React.ReactNode = null;
  if (result?.kind === 'conv') {
    body = (
      <SortableTable rows={result.rows} columns={CONV_COLUMNS} testId="conv-table" actions={(r) => {
        const stream = conversationStream(kind, r);
        return (
          <>
            <button title="Apply a display filter for this conversation" onClick={() => { toEvents(); session.setFilterText(conversationFilter(kind, r)); }}>Filter</button>
            {stream && <button title="Follow this stream" onClick={() => { toEvents(); openFollow(kind === 'udp' ? 'udp' : 'tcp', { stream }); }}>Follow</button>}
          </>
        );
      }} />
    );
  } else if (result?.kind === 'endpoints') {
    body = <SortableTable rows={result.rows} columns={ENDPOINT_COLUMNS} testId="endpoints-table" />;
  } else if (result?.kind === 'phs') {
    body = (
      <table className="expert-table stats-table" data-testid="phs-table">
        <thead><tr><th>Protocol</th><th className="num">Percent frames</th><th className="num">Frames</th><th className="num">Bytes</th></tr></thead>
        <tbody>
          {phsRows(result.roots, result.frames).map(({ n, depth, pct }, i) => (
            <tr key={i}><td style={{ paddingLeft: 6 + depth * 14 }}>{n.protocol}</td><td className="num">{pct}</td><td className="num">{n.frames}</td><td className="num">{n.bytes}</td></tr>
          ))}
        </tbody>
      </table>
    );
  } else if (result?.kind === 'iostat') {
    body = <IoStatTable r={result} />;
  } else if (result?.kind === 'httpstat') {
    body = <HttpStatTables r={result} />;
  } else if (result?.kind === 'tree') {
    const rows = treeRows(result.roots, null);
    // Average / Min / Max only for trees with averaging nodes (dns,tree, http,rt), as tshark's columns.
    const averages = rows.some(({ n }) => n.values !== undefined);
    body = (
      <table className="expert-table stats-table" data-testid="http-tree">
        <thead>
          <tr>
            <th>{result.title}</th><th className="num">Count</th>
            {averages && <><th className="num">Average</th><th className="num">Min</th><th className="num">Max</th></>}
            <th className="num">Rate (ms)</th><th className="num">Percent</th><th className="num">Burst rate</th><th className="num">Burst start</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ n, parent, depth }, i) => {
            const v = treeNodeValues(n, parent, result.elapsedMs, result.burstWindowMs);
            const a = treeNodeAverages(n);
            return (
              <tr key={i}>
                <td style={{ paddingLeft: 6 + depth * 14 }}>{n.name}</td><td className="num">{n.count}</td>
                {averages && <><td className="num">{a.average}</td><td className="num">{a.min}</td><td className="num">{a.max}</td></>}
                <td className="num">{v.rate}</td><td className="num">{v.percent}</td><td className="num">{v.burstRate}</td><td className="num">{v.burstStart}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    );
  }

  return (
    <div className="stats-view" data-testid="stats-view">
      <div className="http-tabs stats-tabs" role="tablist">
        {tabs.map(([t, label]) => (
          <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? 'active' : ''} onClick={() => setTab(t)} data-testid={`stats-tab-${t}`}>{label}</button>
        ))}
        <span className="spacer" />
        {(tab === 'conv' || tab === 'endpoints') && (
          <select value={kind} onChange={(e) => setKind(e.target.value as ConvKind)} aria-label="Conversation type" data-testid="stats-kind">
            {KINDS.map(([k, label]) => <option key={k} value={k}>{label}</option>)}
          </select>
        )}
        {tab !== 'io' && (
          <label title={viewText ? `Only the events the display filter ${viewText} keeps` : 'No display filter is applied'}>
            <input type="checkbox" checked={displayed} disabled={!viewText} onChange={(e) => setDisplayed(e.target.checked)} /> Displayed events only
          </label>
        )}
      </div>
      <div className="stats-body">
        {tab === 'io' ? <IoGraph session={session} onEvent={goTo} /> : tab === 'sys' ? (
          <SyscallOverview session={session} filter={filter} onFilter={(text) => { toEvents(); session.setFilterText(text); }} />
        ) : (
          <>
            {tab === 'iostat' && <IoStatForm onApply={setIoStatName} />}
            {isCancelled(error) && <StatsCancelled onRetry={() => setAgain(again + 1)} />}
            {error && !isCancelled(error) && <div className="pane-message" role="alert">{error}</div>}
            {!error && !result && name && <StatsProgress session={session} name={name} />}
            {result && (
              <div className="stats-note">
                {name}{filter ? ` · filter ${filter}` : ' · whole capture'} · {result.ms.toFixed(0)} ms ·{' '}
                <label><input type="checkbox" checked={showText} onChange={(e) => setShowText(e.target.checked)} data-testid="stats-show-text" /> as tshark prints it</label>
              </div>
            )}
            {result && showText ? <pre className="stats-text" data-testid="stats-text">{statsText(result)}</pre> : body}
          </>
        )}
      </div>
    </div>
  );
}
