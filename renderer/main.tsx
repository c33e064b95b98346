import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { createSession } from './app/session.ts';
import { pickHost } from './host/pick-host.ts';
import './styles.css';

const session = createSession(pickHost());
// For the end-to-end tests and for debugging from DevTools: timings only, no capture data.
(window as unknown as { __tracelens?: unknown }).__tracelens = { fetchTimes: () => session.rows()?.fetchTimes ?? [] };
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App session={session} />
  </StrictMode>,
);
