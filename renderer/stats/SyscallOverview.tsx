/**
 * Statistics ▸ Syscalls (scap/strace): the first screen of Sysdig Inspect as tables: latency
 * per syscall as strace -c's (calls, errors, total and mean time), errors by syscall and errno,
 * top processes, files and network connections. Each row applies the filter of its events.
 */
import { useEffect, useState } from 'react';
import type { SyscallOverview as Overview } from '../../shared/stats.ts';
import type { Session } from '../app/session.ts';
import { isCancelled, StatsCancelled, StatsProgress } from './StatsProgress.tsx';

/** A display filter string literal (double quotes, backslash escapes). */
const quote = (s: string): string => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

function Table({ title, head, rows, testId }: { title: string; head: string[]; rows: { cells: (string | number)[]; filter: string; onClick: () => void }[]; testId: string }) {
  return (
    <section className="sys-section">
      <h4>{title}</h4>
      <table className="expert-table stats-table" data-testid={testId}>
        <thead><tr>{head.map((h, i) => <th key={h} className={i > 0 ? 'num' : ''}>{h}</th>)}</tr></thead>
        <tbody>
          {rows.length === 0 && <tr><td colSpan={head.length}>none</td></tr>}
          {rows.map((r, i) => (
            <tr key={i} className="clickable" data-filter={r.filter} title={`Show the events: ${r.filter}`} onClick={() => r.onClick()}>
              {r.cells.map((c, j) => <td key={j} className={j > 0 ? 'num' : ''}>{c}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function SyscallOverview({ session, filter, onFilter }: { session: Session; filter: string; onFilter: (text: string) => void }) {
  const [o, setO] = useState<(Overview & { ms: number }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [again, setAgain] = useState(0);
  useEffect(() => {
    const c = session.client();
    if (!c) return;
    let live = true;
    setO(null);
    setError(null);
    c.call('syscallOverview', filter ? { filter } : {}).then((r) => live && setO(r), (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [session, filter, again]);
  if (isCancelled(error)) return <StatsCancelled onRetry={() => setAgain(again + 1)} />;
  if (error) return <div className="pane-message" role="alert">{error}</div>;
  if (!o) return <StatsProgress session={session} name="syscallOverview" />;
  const row = (cells: (string | number)[], f: string) => ({ cells, filter: f, onClick: () => onFilter(f) });
  return (
    <div className="sys-overview" data-testid="syscall-overview">
      <div className="stats-note">syscall overview{filter ? ` · filter ${filter}` : ' · whole capture'} · {o.ms.toFixed(0)} ms</div>
      <div className="sys-grid">
        <Table title="Latency per syscall (strace -c)" testId="sys-latency" head={['syscall', 'calls', 'errors', 'total (s)', 'mean (µs)']}
          rows={o.syscalls.map((s) => row([s.name, s.calls, s.errors, (s.totalNs / 1e9).toFixed(6), s.meanNs === null ? '' : (s.meanNs / 1e3).toFixed(1)], `evt.type == ${s.name}`))} />
        <Table title="Errors by syscall and errno" testId="sys-errors" head={['syscall / errno', 'count']}
          rows={o.errors.map((e) => row([`${e.syscall} ${e.errno}`, e.count], e.errno ? `evt.type == ${e.syscall} && evt.res == ${e.errno}` : `evt.type == ${e.syscall} && evt.failed == true`))} />
        <Table title="Top processes" testId="sys-procs" head={['process (pid)', 'events', 'errors']}
          rows={o.processes.map((p) => row([p.pid < 0 ? 'events without a process' : `${p.name} (${p.pid})`, p.events, p.errors], p.pid < 0 ? '!proc.pid' : `proc.pid == ${p.pid}`))} />
        <Table title="Top files" testId="sys-files" head={['file', 'events']} rows={o.files.map((f) => row([f.name, f.events], `fd.name == ${quote(f.name)}`))} />
        <Table title="Top network connections" testId="sys-conns" head={['connection', 'events']} rows={o.connections.map((f) => row([f.name, f.events], `fd.name == ${quote(f.name)}`))} />
      </div>
    </div>
  );
}
