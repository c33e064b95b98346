/**
 * Statistics ▸ I/O Graph: events/s or bytes/s over capture time, one series per display filter
 * (uPlot). Drag over the plot to zoom in time, double-click to zoom out; a click on the plot
 * goes to the first event of that interval in the first series that has one.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { IoGraphResult } from '../../shared/stats.ts';
import type { Session } from '../app/session.ts';
import { isCancelled, StatsCancelled, StatsProgress } from './StatsProgress.tsx';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

export function IoGraph({ session, onEvent }: { session: Session; onEvent: (event: number) => void }) {
  const [filters, setFilters] = useState<string[]>(['']);
  const [draft, setDraft] = useState<string[]>(['']);
  const [unit, setUnit] = useState<'events' | 'bytes'>('events');
  const [result, setResult] = useState<IoGraphResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [again, setAgain] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;

  useEffect(() => {
    const c = session.client();
    if (!c) return;
    let live = true;
    setError(null);
    setResult(null);
    c.call('ioGraph', { intervalMs: 0, filters }).then(
      (r) => live && setResult(r),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [session, filters, again]);

  useEffect(() => {
    const el = box.current;
    if (!el || !result) return;
    const step = result.intervalMs / 1000;
    const n = result.series[0]?.frames.length ?? 0;
    const xs = Array.from({ length: n }, (_, i) => i * step);
    const ys = result.series.map((s) => (unit === 'events' ? s.frames : s.bytes).map((v) => v / step));
    const plot = new uPlot({
      width: Math.max(300, el.clientWidth),
      height: Math.max(200, el.clientHeight - 40),
      scales: { x: { time: false } },
      cursor: { drag: { x: true, y: false } },
      axes: [{ label: 'seconds since the first event' }, { label: unit === 'events' ? 'events/s' : 'bytes/s', size: 70 }],
      series: [
        { label: 's' },
        ...result.series.map((s, i) => ({ label: s.filter || 'all events', stroke: COLOURS[i % COLOURS.length], width: 1.5, points: { show: n <= 200 } })),
      ],
    }, [xs, ...ys], el);
    const over = plot.over;
    const click = (): void => {
      const idx = plot.cursor.idx;
      if (idx === null || idx === undefined) return;
      const hit = result.series.find((s) => s.firstEvent[idx] > 0);
      if (hit) onEventRef.current(hit.firstEvent[idx]);
    };
    over.addEventListener('click', click);
    return () => {
      over.removeEventListener('click', click);
      plot.destroy();
    };
  }, [result, unit]);

  return (
    <div className="io-graph" data-testid="io-graph">
      <form className="io-graph-filters" onSubmit={(e) => { e.preventDefault(); setFilters(draft.map((f) => f.trim())); }}>
        {draft.map((f, i) => (
          <span key={i} className="io-graph-filter">
            <span className="swatch" style={{ background: COLOURS[i % COLOURS.length] }} />
            <input value={f} placeholder="all events" aria-label={`Series ${i + 1} filter`} data-testid={`io-filter-${i}`} onChange={(e) => setDraft(draft.map((x, j) => (j === i ? e.target.value : x)))} />
            {draft.length > 1 && <button type="button" title="Remove this series" onClick={() => setDraft(draft.filter((_, j) => j !== i))}>×</button>}
          </span>
        ))}
        {draft.length < 8 && <button type="button" onClick={() => setDraft([...draft, ''])}>+ series</button>}
        <button type="submit" data-testid="io-apply">Apply</button>
        <select value={unit} onChange={(e) => setUnit(e.target.value === 'bytes' ? 'bytes' : 'events')} aria-label="Unit">
          <option value="events">events/s</option>
          <option value="bytes">bytes/s</option>
        </select>
        {result && <span className="io-graph-note">interval {result.intervalMs >= 1000 ? `${result.intervalMs / 1000} s` : `${result.intervalMs} ms`} · drag to zoom, double-click to reset, click to go to an event</span>}
      </form>
      {isCancelled(error) && <StatsCancelled onRetry={() => setAgain(again + 1)} />}
      {error && !isCancelled(error) && <div className="pane-message" role="alert">{error}</div>}
      {!error && !result && <StatsProgress session={session} name="ioGraph" />}
      <div className="io-graph-plot" ref={box} />
    </div>
  );
}
