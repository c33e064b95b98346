/** First screen: Open, a drop zone, recent files and the sample captures shipped in assets/. */
import { useEffect, useState } from 'react';
import type { SampleCapture } from '../host/app-host.ts';
import type { Session } from '../app/session.ts';
import { useCapture } from '../capture/capture-store.ts';

interface Props {
  session: Session;
  onOpenFile: () => void;
}

export function Welcome({ session, onOpenFile }: Props) {
  const [recent, setRecent] = useState<string[]>([]);
  const [samples, setSamples] = useState<SampleCapture[]>([]);
  useEffect(() => {
    let live = true;
    session.host.recentFiles().then((r) => live && setRecent(r), () => {});
    session.host.samples().then((s) => live && setSamples(s), () => {});
    return () => {
      live = false;
    };
  }, [session]);

  return (
    <div className="welcome">
      <h1>Tracelens</h1>
      <p className="tagline">Network (pcap, pcapng) and system-call (scap, strace) captures in one viewer.</p>
      <div className="drop-zone" data-testid="drop-zone">
        <button className="primary" onClick={onOpenFile}>Open a capture…</button>
        <p>or drop a file anywhere in this window (several files together: one capture set, e.g. a pcap and the strace of the same run)</p>
        <p>
          or capture live: <button className="link" onClick={() => useCapture.setState({ dialog: 'trace' })} data-testid="welcome-trace">Trace a command…</button>{' '}
          (its HTTPS decrypted) · <button className="link" onClick={() => useCapture.setState({ dialog: 'packets' })} data-testid="welcome-packets">Capture packets…</button>
        </p>
      </div>
      <div className="welcome-lists">
        <section>
          <h2>Recent</h2>
          {recent.length === 0 ? <p className="muted">No recent files.</p> : (
            <ul>
              {recent.map((p) => (
                <li key={p}>
                  <button className="link" title={p} onClick={() => void session.open({ kind: 'path', path: p })}>{p}</button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section>
          <h2>Samples</h2>
          {samples.length === 0 ? <p className="muted">No samples available.</p> : (
            <ul>
              {samples.map((s) => (
                <li key={s.path}>
                  <button className="link" title={s.path} onClick={() => void session.open({ kind: 'path', path: s.path })}>{s.name}</button>
                  <span className="muted"> — {s.description}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
