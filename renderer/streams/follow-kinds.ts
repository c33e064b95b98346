/**
 * Which Follow ▸ items apply to an event: read from the event's own fields (`extract`), so the
 * menu offers TLS only on TLS events, HTTP/2 only where http2 frames are, and so on.
 */
import type { Session } from '../app/session.ts';
import { useApp, type FollowKind } from '../app/store.ts';

/** Field whose presence on an event makes a Follow item applicable. */
const MARKERS: [FollowKind, string][] = [
  ['tcp', 'tcp.stream'],
  ['udp', 'udp.stream'],
  ['tls', 'tls.record.content_type'],
  ['http', 'http.request'],
  ['http', 'http.response'],
  ['http2', 'http2.streamid'],
  // One fd lifetime; an enter without an fd (open's) has its exit's, an event on no fd none.
  ['fd', 'fd.stream'],
];

export const FOLLOW_ORDER: FollowKind[] = ['tcp', 'udp', 'tls', 'http', 'http2', 'fd'];

/** Follow kinds applicable to the event at view position `row`. */
export async function followKindsAt(session: Session, row: number): Promise<Set<FollowKind>> {
  const c = session.client();
  const out = new Set<FollowKind>();
  if (!c) return out;
  const known = new Set((useApp.getState().fields ?? []).map((f) => f.name));
  const markers = MARKERS.filter(([, f]) => known.size === 0 || known.has(f));
  if (!markers.length) return out;
  const page = await c.call('extract', { start: row, count: 1, fields: markers.map(([, f]) => f) });
  const vals = page.values[0];
  if (!vals) return out;
  markers.forEach(([kind], i) => {
    const v = vals[i];
    if (v && v.length > 0) out.add(kind);
  });
  return out;
}

export const FOLLOW_TITLES: Record<FollowKind, string> = {
  tcp: 'TCP Stream',
  udp: 'UDP Stream',
  tls: 'TLS Stream',
  http: 'HTTP Stream',
  http2: 'HTTP/2 Stream',
  fd: 'File Descriptor Stream',
};

/** Open the follow pane on `target` (kind + event or stream); the stream's filter is applied once resolved. */
export function openFollow(kind: FollowKind, spec: { event?: number; stream?: string }): void {
  const s = useApp.getState();
  const prevFilter = s.follow ? s.follow.prevFilter : (s.view?.text ?? '');
  useApp.setState({ follow: { kind, ...spec, prevFilter, seq: (s.follow?.seq ?? 0) + 1 } });
}

