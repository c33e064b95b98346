/**
 * Capture sets: one connection's packets and syscalls in time order, in three lanes (the
 * client's syscalls, the wire, the server's syscalls). Landmarks have their own rows, coloured
 * (an HTTP message, a RST, a failed call); the stretches between them are folded into one row
 * that counts what each lane did, and open on a click. A row of one event selects it in the
 * event table.
 */
import { useEffect, useMemo, useState } from 'react';
import type { SetTimeline } from '../../shared/rpc.ts';
import { selectEvent } from '../app/select-event.ts';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';
import { entryText, laneOf, lanesOf, timelineRows, type Lane } from './timeline-rows.ts';

const LANE_TITLE: Record<Lane, string> = { client: 'Client', wire: 'Wire', server: 'Server' };

const ms = (t: number): string => `+${(t * 1000).toFixed(3)} ms`;

export function TimelinePane({ session, event }: { session: Session; event: number }) {
  const keysVersion = useApp((s) => s.keysVersion);
  const selected = useApp((s) => s.selectedEvent);
  const [tl, setTl] = useState<SetTimeline | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Set<number>>(new Set());

  useEffect(() => {
    const c = session.client();
    if (!c) return;
    let live = true;
    setTl(null);
    setError(null);
    setOpen(new Set());
    c.call('timeline', { event }).then(
      (r) => live && setTl(r),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [session, event, keysVersion]);

  const rows = useMemo(() => (tl ? timelineRows(tl.entries) : []), [tl]);
  const LANES = useMemo(() => (tl ? lanesOf(tl.entries) : []), [tl]);
  // A side without syscalls gets no column; its owner (or why there is none) goes in the head.
  const missing = tl ? (['client', 'server'] as const).filter((l) => !LANES.includes(l)).map((l) => `${LANE_TITLE[l]}: ${tl.owners[l === 'client' ? 0 : 1]}`) : [];
  const toggle = (i: number): void => {
    const next = new Set(open);
    if (next.has(i)) next.delete(i);
    else next.add(i);
    setOpen(next);
  };
  const title = tl ? `${tl.stream || 'socket'} ${tl.client} → ${tl.server}` : `event ${event}`;
  return (
    <div className="timeline-pane" data-testid="timeline-pane">
      <div className="follow-head">
        <strong>Timeline</strong>
        <span className="muted">{title}</span>
        <span className="spacer" />
        <button onClick={() => useApp.setState({ timeline: null })} title="Close" aria-label="Close timeline">×</button>
      </div>
      <div className="timeline-body">
        {error && <div className="pane-message" role="alert">{error}</div>}
        {!error && !tl && <div className="pane-message">Reading the connection…</div>}
        {missing.length > 0 && <div className="timeline-note" data-testid="timeline-missing">{missing.join(' · ')}</div>}
        {tl && (
          <table className="timeline-table">
            <thead>
              <tr>
                <th className="num">Time</th>
                {LANES.map((l) => {
                  const owner = l === 'wire' ? '' : tl.owners[l === 'client' ? 0 : 1];
                  return <th key={l} className={`tl-lane tl-${l}`} title={owner}>{LANE_TITLE[l]} <span className="muted">{owner}</span></th>;
                })}
              </tr>
            </thead>
            <tbody>
              {rows.flatMap((r, i) => {
                if (r.kind === 'entry') {
                  const e = r.entry;
                  const lane = laneOf(e);
                  return [
                    <tr key={e.event} className={`tl-entry tl-${e.mark || 'plain'}${selected === e.event ? ' tl-selected' : ''}`} data-event={e.event} data-mark={e.mark} onClick={() => void selectEvent(session, e.event, true)}>
                      <td className="num">{ms(e.t)}</td>
                      {LANES.map((l) => <td key={l} className={`tl-lane tl-${l}`}>{l === lane ? entryText(e) : ''}</td>)}
                    </tr>,
                  ];
                }
                const first = r.entries[0];
                const expanded = open.has(i);
                return [
                  <tr key={`run${first.event}`} className="tl-run" onClick={() => toggle(i)} aria-expanded={expanded} data-testid="timeline-run">
                    <td className="num">{expanded ? '▾' : '▸'} {ms(first.t)}</td>
                    {LANES.map((l) => <td key={l} className={`tl-lane tl-${l}`}>{r.lanes[l]}</td>)}
                  </tr>,
                  ...(expanded ? r.entries.map((e) => (
                    <tr key={e.event} className={`tl-entry tl-inner${selected === e.event ? ' tl-selected' : ''}`} data-event={e.event} onClick={() => void selectEvent(session, e.event, true)}>
                      <td className="num">{ms(e.t)}</td>
                      {LANES.map((l) => <td key={l} className={`tl-lane tl-${l}`}>{l === laneOf(e) ? entryText(e) : ''}</td>)}
                    </tr>
                  )) : []),
                ];
              })}
            </tbody>
          </table>
        )}
        {tl?.truncated && <div className="pane-message">The connection has more events than a timeline shows ({tl.entries.length}); the first are listed.</div>}
      </div>
    </div>
  );
}
