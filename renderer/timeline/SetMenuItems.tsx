/**
 * Capture sets: the event table's context-menu items for a row — "Go to packets of this write",
 * "Go to the syscall that sent/received these bytes", "Go to the RST before this failed write"
 * (from the engine's `links`) and "Timeline of this connection".
 */
import { useEffect, useState } from 'react';
import type { EventLinks } from '../../shared/rpc.ts';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';
import { goToLinked, linkItems } from './links-menu.ts';

export function SetMenuItems({ session, event, what, onDone }: { session: Session; event: number; what: string; onDone: () => void }) {
  const [links, setLinks] = useState<EventLinks | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const c = session.client();
    if (!c) return;
    let live = true;
    setLinks(null);
    setFailed(false);
    c.call('links', { event }).then((l) => live && setLinks(l), () => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [session, event]);
  const items = links ? linkItems(links, what) : [];
  return (
    <div className="menu-group" role="group" aria-label="Capture set">
      {!links && !failed && <div className="menu-heading">Finding the other side…</div>}
      {items.map((it) => (
        <button key={it.id} role="menuitem" data-action={`go-${it.id}`} onClick={() => { onDone(); void goToLinked(session, event, it); }}>
          {it.title}
        </button>
      ))}
      {links && items.length === 0 && <div className="menu-heading" title={links.notes.join('\n')}>No linked events{links.notes[0] ? `: ${links.notes[0]}` : ''}</div>}
      <button role="menuitem" data-action="timeline" onClick={() => { onDone(); useApp.setState({ timeline: { event } }); }}>
        Timeline of this connection
      </button>
    </div>
  );
}
