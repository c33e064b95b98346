import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { createSession, openSteps } from './app/session.ts';
import { pickHost } from './host/pick-host.ts';
import { useApp } from './app/store.ts';
import './styles.css';

const session = createSession(pickHost());
// For the end-to-end tests and for debugging from DevTools: timings only, no capture data.
(window as unknown as { __tracelens?: unknown }).__tracelens = {
  fetchTimes: () => session.rows()?.fetchTimes ?? [],
  firstRowsMs: () => useApp.getState().firstRowsMs,
  openSteps,
  /** Time `n` sequential fetches of a page of `count` rows spread over the capture. */
  async timeRows(n: number, count: number): Promise<number[]> {
    const c = session.client();
    const total = useApp.getState().info?.events ?? 0;
    const out: number[] = [];
    for (let i = 0; c && i < n; i++) {
      const start = Math.floor(((total - count) * i) / Math.max(1, n - 1));
      const t0 = performance.now();
      await c.call('rows', { start: Math.max(0, start), count });
      out.push(performance.now() - t0);
    }
    return out;
  },
};
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App session={session} />
  </StrictMode>,
);
