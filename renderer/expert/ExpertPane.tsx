/**
 * Analyze ▸ Expert Information: the capture's expert entries by severity (Error, Warning, Note,
 * Chat), each line a summary with its group, protocol and count; a line expands to its frames,
 * and a frame click selects it in the event table (clearing a filter that hides it).
 */
import { useEffect, useState } from 'react';
import type { ExpertResult } from '../../shared/rpc.ts';
import { selectEvent } from '../app/select-event.ts';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';
import { entryKey, expertSections } from './expert-groups.ts';

export function ExpertPane({ session }: { session: Session }) {
  const keysVersion = useApp((s) => s.keysVersion);
  const [result, setResult] = useState<ExpertResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Set<string>>(new Set());

  useEffect(() => {
    const c = session.client();
    if (!c) return;
    let live = true;
    setResult(null);
    setError(null);
    c.call('expert', null).then(
      (r) => live && setResult(r),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [session, keysVersion]);

  const toggle = (key: string): void => {
    const next = new Set(open);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setOpen(next);
  };
  const sections = result ? expertSections(result.entries) : [];
  return (
    <div className="expert-pane" data-testid="expert-pane">
      <div className="follow-head">
        <strong>Expert Information</strong>
        <span className="spacer" />
        <button onClick={() => useApp.setState({ expert: false })} title="Close" aria-label="Close expert information">×</button>
      </div>
      <div className="expert-body">
        {error && <div className="pane-message" role="alert">{error}</div>}
        {!error && !result && <div className="pane-message">Analysing…</div>}
        {result && sections.length === 0 && <div className="pane-message">No expert information in this capture.</div>}
        {sections.length > 0 && (
          <table className="expert-table">
            <thead>
              <tr><th>Severity</th><th>Summary</th><th>Group</th><th>Protocol</th><th className="num">Count</th></tr>
            </thead>
            {sections.map((s) => (
              <tbody key={s.severity} className={`expert-${s.severity}`}>
                <tr className="expert-section"><td colSpan={4}>{s.title}</td><td className="num">{s.total}</td></tr>
                {s.entries.map((e) => {
                  const key = entryKey(e);
                  const expanded = open.has(key);
                  return [
                    <tr key={key} className="expert-entry" onClick={() => toggle(key)} aria-expanded={expanded} data-testid="expert-entry">
                      <td><span className={`expert-dot expert-dot-${e.severity}`} />{expanded ? '▾' : '▸'}</td>
                      <td>{e.summary}</td><td>{e.group}</td><td>{e.protocol}</td><td className="num">{e.count}</td>
                    </tr>,
                    ...(expanded ? e.frames.map((f) => (
                      <tr key={`${key}#${f}`} className="expert-frame" data-testid="expert-frame" onClick={() => void selectEvent(session, f, true)}>
                        <td /><td colSpan={4}>Frame {f}</td>
                      </tr>
                    )) : []),
                    ...(expanded && e.count > e.frames.length ? [<tr key={`${key}#more`} className="expert-frame"><td /><td colSpan={4}>… and {e.count - e.frames.length} more</td></tr>] : []),
                  ];
                })}
              </tbody>
            ))}
          </table>
        )}
      </div>
    </div>
  );
}
