/**
 * Key log banners under the filter bar: a key log found next to the capture (one click adds it),
 * and the result of the last key log added.
 */
import { useEffect, useState } from 'react';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';
import { addKeys } from './keylog.ts';

const baseName = (p: string): string => p.split(/[\\/]/).pop() ?? p;

export function KeyBanner({ session }: { session: Session }) {
  const path = useApp((s) => s.info?.path ?? '');
  const notice = useApp((s) => s.keyNotice);
  const [candidates, setCandidates] = useState<string[]>([]);
  useEffect(() => {
    const c = session.client();
    setCandidates([]);
    if (!c) return;
    let live = true;
    c.call('keylogCandidates', null).then((k) => live && setCandidates(Array.isArray(k) ? k : []), () => {});
    return () => {
      live = false;
    };
    // Asked again after each key log added (by this banner, a drop, Add key log…): one that was added is no longer offered.
  }, [session, path, notice]);
  if (!candidates.length && !notice) return null;
  return (
    <div className="key-banners">
      {candidates.map((k) => (
        <div key={k} className="key-banner" role="status" data-testid="keylog-candidate">
          A TLS key log was found next to the capture: <strong>{baseName(k)}</strong>
          <button
            className="primary small"
            onClick={() => {
              setCandidates((c) => c.filter((x) => x !== k));
              void addKeys(session, { path: k }, baseName(k));
            }}
          >
            Use it to decrypt
          </button>
          <button onClick={() => setCandidates((c) => c.filter((x) => x !== k))}>Dismiss</button>
        </div>
      ))}
      {notice && (
        <div className={`key-banner ${notice.error ? 'error-text' : ''}`} role="status" data-testid="key-notice">
          {notice.title ?? (notice.error ? 'Key log not added — ' : 'Key log added — ')}
          {notice.text}
          <button onClick={() => useApp.setState({ keyNotice: null })} aria-label="Dismiss">×</button>
        </div>
      )}
    </div>
  );
}
