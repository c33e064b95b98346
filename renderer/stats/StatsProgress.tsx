/**
 * While a statistic runs: what the engine is doing (waiting for the HTTP scan, running a display
 * filter, counting) as a progress bar, and Cancel (the engine's cancelStats).
 */
import { useEffect, useState } from 'react';
import { STATS_CANCELLED, type EngineEvent } from '../../shared/rpc.ts';
import type { Session } from '../app/session.ts';

type Progress = Extract<EngineEvent, { type: 'statsProgress' }>;

/** The text and fraction (null: indeterminate) of a progress event. */
export function progressText(p: Progress | null, http: { done: number; total: number } | null): { text: string; fraction: number | null } {
  if (!p) return { text: 'Computing…', fraction: null };
  if (p.stage === 'http') {
    const f = http && http.total > 0 ? http.done / http.total : null;
    return { text: `Waiting for the HTTP scan${http && http.total > 0 ? `: ${http.done.toLocaleString()} of ${http.total.toLocaleString()} events` : '…'}`, fraction: f };
  }
  if (p.stage === 'filter') {
    const of = p.steps && p.steps > 1 ? ` (${p.step} of ${p.steps})` : '';
    return { text: `Filtering ${p.filter ?? ''}${of}: ${p.done.toLocaleString()} of ${p.total.toLocaleString()} events`, fraction: p.total > 0 ? p.done / p.total : null };
  }
  return { text: `Counting ${p.total.toLocaleString()} events…`, fraction: null };
}

export const isCancelled = (error: string | null): boolean => error === STATS_CANCELLED;

/** `name`: the statistic whose statsProgress events to show (a StatName, `ioGraph`, `syscallOverview`). */
export function StatsProgress({ session, name }: { session: Session; name: string }) {
  const [progress, setProgress] = useState<Progress | null>(null);
  const [http, setHttp] = useState<{ done: number; total: number } | null>(null);
  useEffect(() => {
    const c = session.client();
    if (!c) return;
    setProgress(null);
    return c.onEvent((e) => {
      if (e.type === 'statsProgress' && e.name === name) setProgress(e);
      else if (e.type === 'httpProgress') setHttp({ done: e.done, total: e.total });
    });
  }, [session, name]);
  const { text, fraction } = progressText(progress, http);
  return (
    <div className="pane-message stats-progress" data-testid="stats-progress">
      <span>{text}</span>
      <progress max={1} {...(fraction === null ? {} : { value: fraction })} aria-label="Statistics progress" />
      <button onClick={() => session.client()?.call('cancelStats', null).catch(() => {})} data-testid="stats-cancel">Cancel</button>
    </div>
  );
}

/** After Cancel: say so, and offer to compute it again. */
export function StatsCancelled({ onRetry }: { onRetry: () => void }) {
  return (
    <div className="pane-message" data-testid="stats-cancelled">
      Cancelled. <button onClick={onRetry} data-testid="stats-retry">Compute again</button>
    </div>
  );
}
