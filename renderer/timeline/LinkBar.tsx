/**
 * Capture sets: after a "Go to …" item, a strip over the event table naming where the user went
 * ("packets of this write #242: 3 of 9") with ◂ ▸ to step through the linked events and a way
 * back to the event they came from.
 */
import type { Session } from '../app/session.ts';
import { selectEvent } from '../app/select-event.ts';
import { useApp } from '../app/store.ts';
import { stepLinked } from './links-menu.ts';

export function LinkBar({ session }: { session: Session }) {
  const linked = useApp((s) => s.linked);
  if (!linked) return null;
  const n = linked.events.length;
  return (
    <div className="link-bar" role="status" data-testid="link-bar">
      <span>
        {linked.title} <button className="link" onClick={() => void selectEvent(session, linked.origin, true)} title="Back to the event these links are of">#{linked.origin}</button>
        {': '}event {linked.events[linked.at]} ({linked.at + 1} of {n})
      </span>
      <button onClick={() => void stepLinked(session, -1)} disabled={n < 2} aria-label="Previous linked event">◂</button>
      <button onClick={() => void stepLinked(session, 1)} disabled={n < 2} aria-label="Next linked event">▸</button>
      <span className="spacer" />
      <button onClick={() => useApp.setState({ linked: null })} aria-label="Close links" title="Close">×</button>
    </div>
  );
}
