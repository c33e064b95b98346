/** Status bar: file, format, events shown/total, the filter's displayed count, indexing progress with Cancel, load time, warnings. */
import { useState } from 'react';
import { useApp } from '../app/store.ts';
import type { Session } from '../app/session.ts';

/** Every count in the window is written one way: digits grouped by "," (555,014). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 exchange", "555,014 exchanges". */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : plural}`;
}

export function StatusBar({ session }: { session: Session }) {
  const info = useApp((s) => s.info);
  const fileName = useApp((s) => s.fileName);
  const firstRowsMs = useApp((s) => s.firstRowsMs);
  const warningsOpen = useApp((s) => s.warningsOpen);
  const view = useApp((s) => s.view);
  const sort = useApp((s) => s.sort);
  const sorting = useApp((s) => s.sorting);
  const sortError = useApp((s) => s.sortError);
  const columns = useApp((s) => s.columns);
  const live = useApp((s) => s.live);
  const [liveNote, setLiveNote] = useState<string | null>(null);
  const title = (id: string): string => columns.find((c) => c.id === id)?.title ?? id;
  if (!info) return <div className="status-bar" role="status">{fileName ? `Opening ${fileName}…` : 'Ready'}</div>;
  const pct = info.fileSize > 0 ? Math.min(100, Math.round((info.bytesRead / info.fileSize) * 100)) : 0;
  const shown = view ? view.matched : info.events;
  return (
    <div className="status-bar" role="status">
      <span className="status-file" title={info.path}>{info.name}</span>
      <span className="status-format">{info.format}{info.compressed ? ' (gzip)' : ''}</span>
      <span className="status-events" data-testid="status-events">
        Events: {formatCount(shown)} shown / {formatCount(info.events)}
      </span>
      {view && (
        <span className="status-displayed" data-testid="status-displayed" title={`Filter: ${view.text} (${Math.round(view.ms)} ms)`}>
          Displayed: {formatCount(view.matched)} of {formatCount(view.total)} ({view.total > 0 ? ((view.matched / view.total) * 100).toFixed(1) : '0.0'}%)
        </span>
      )}
      {sorting && (
        <span className="status-sorting" data-testid="status-sorting" role="progressbar" aria-label="Sorting">
          <span className="spinner" aria-hidden="true" /> {sorting.column ? `Sorting by ${title(sorting.column)}…` : 'Restoring event order…'}
        </span>
      )}
      {!sorting && sort && (
        <span className="status-sort" data-testid="status-sort">Sorted by {title(sort.column)} {sort.descending ? '▼' : '▲'}</span>
      )}
      {sortError && <span className="status-error">Sort failed: {sortError}</span>}
      <button
        className={`status-live${live ? ' on' : ''}`}
        data-testid="live-toggle"
        aria-pressed={live}
        title={live ? 'Following the file as it is written: click to stop (what was read stays)' : 'Live: follow the file while tcpdump, dumpcap or strace still writes it'}
        onClick={() => {
          setLiveNote(null);
          void session.setLive(!live).then(setLiveNote);
        }}
      >
        {live ? '● Live' : 'Live'}
      </button>
      {liveNote && <span className="status-error" role="alert">{liveNote}</span>}
      {live && !info.done && <span className="status-following" data-testid="status-following">following — {formatCount(info.bytesRead)} bytes read</span>}
      {!live && !info.done && !info.cancelled && (
        <span className="status-progress">
          Indexing… {pct}%
          <progress max={100} value={pct} />
          <button onClick={() => session.cancel()}>Cancel</button>
        </span>
      )}
      {info.cancelled && <span className="status-cancelled">Indexing cancelled</span>}
      {info.done && <span className="status-load">Loaded in {(info.loadMs / 1000).toFixed(2)} s</span>}
      {firstRowsMs !== null && <span className="status-first">first rows {Math.round(firstRowsMs)} ms</span>}
      <span className="spacer" />
      {info.warnings.length > 0 && (
        <button className="status-warnings" onClick={() => useApp.setState({ warningsOpen: !warningsOpen })}>
          ⚠ {info.warnings.length} warning{info.warnings.length === 1 ? '' : 's'}
        </button>
      )}
      {warningsOpen && (
        <div className="warnings-list" role="dialog" aria-label="Warnings">
          <div className="warnings-head">
            Warnings <button onClick={() => useApp.setState({ warningsOpen: false })}>Close</button>
          </div>
          <ul>
            {info.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
