/**
 * Capture sets: the event table's "Go to …" items from an event's links (the engine's `links`,
 * sets/links.ts), and stepping through the events an item led to (the links bar).
 */
import type { EventLinks } from '../../shared/rpc.ts';
import type { Session } from '../app/session.ts';
import { selectEvent } from '../app/select-event.ts';
import { useApp, type LinkedEvents } from '../app/store.ts';

export interface LinkItem {
  id: 'segments' | 'sent' | 'received' | 'reset';
  title: string;
  events: number[];
}

/**
 * The items for a row whose links are `l`; `what` is the row's Protocol cell (a syscall's name
 * for a syscall: "Go to packets of this write").
 */
export function linkItems(l: EventLinks, what: string): LinkItem[] {
  const of = (role: string): number[] => [...new Set(l.links.filter((x) => x.role === role).map((x) => x.event))];
  const items: LinkItem[] = [];
  const segs = of('segment');
  if (segs.length) items.push({ id: 'segments', title: `Go to packets of this ${what || 'call'} (${segs.length})`, events: segs });
  const sent = of('sent');
  if (sent.length) items.push({ id: 'sent', title: `Go to the syscall that sent these bytes${sent.length > 1 ? ` (${sent.length})` : ''}`, events: sent });
  const received = of('received');
  if (received.length) items.push({ id: 'received', title: `Go to the syscall that received these bytes${received.length > 1 ? ` (${received.length})` : ''}`, events: received });
  const reset = of('reset');
  if (reset.length) items.push({ id: 'reset', title: `Go to the RST before this failed ${what || 'call'}`, events: reset });
  return items;
}

/** Select the first event of an item and keep the rest for the links bar. */
export async function goToLinked(session: Session, origin: number, item: LinkItem): Promise<void> {
  const linked: LinkedEvents = { origin, title: item.title.replace(/^Go to /, '').replace(/ \(\d+\)$/, ''), events: item.events, at: 0 };
  useApp.setState({ linked });
  await selectEvent(session, item.events[0], true);
}

/** Step to the next (+1) or previous (−1) linked event, wrapping round. */
export async function stepLinked(session: Session, d: 1 | -1): Promise<void> {
  const l = useApp.getState().linked;
  if (!l || l.events.length === 0) return;
  const at = (l.at + d + l.events.length) % l.events.length;
  useApp.setState({ linked: { ...l, at } });
  await selectEvent(session, l.events[at], true);
}
