/**
 * Follow side by side (docs/capture-sets.md): the other world's record of the followed
 * connection — the fd stream of the socket that owned it beside a TCP stream, or the TCP stream
 * beside an fd stream — drawn as the same virtual list of lines. FollowPane owns its page and
 * scroll position and keeps the two at the same byte offset.
 */
import { useElementHeight } from '../app/useElementHeight.ts';
import type { FollowPage, FollowPeer } from '../../shared/rpc.ts';
import { LINE_HEIGHT, type FollowLine } from './follow-lines.ts';

export interface PeerColumnProps {
  peer: FollowPeer;
  page: FollowPage | null;
  lines: FollowLine[];
  scrollTop: number;
  selectedEvent: number | null;
  scrollerRef: React.RefObject<HTMLDivElement | null>;
  onScroll(top: number): void;
  onLine(event: number): void;
  onPage(page: number): void;
}

/** What the peer's offsets are against this stream's, in words ("same offsets", "+1500 B"). */
export function shiftText(shift: [number | null, number | null]): string {
  const one = (s: number | null): string => (s === null ? 'not aligned' : s === 0 ? 'same offsets' : `${s > 0 ? '+' : ''}${s} B`);
  return shift[0] === shift[1] ? one(shift[0]) : `→ ${one(shift[0])}, ← ${one(shift[1])}`;
}

export function FollowPeerColumn(p: PeerColumnProps) {
  // Measured here: the scroller mounts with this column, after the pane.
  const viewPx = useElementHeight(p.scrollerRef);
  const first = Math.max(0, Math.floor(p.scrollTop / LINE_HEIGHT) - 5);
  const end = Math.min(p.lines.length, Math.ceil((p.scrollTop + viewPx) / LINE_HEIGHT) + 5);
  const rows = [];
  for (let l = first; l < end; l++) {
    const line = p.lines[l];
    const ch = line.chunk >= 0 ? p.page?.chunks[line.chunk] : undefined;
    const cls = `follow-line ${line.dir === 0 ? 'client' : line.dir === 1 ? 'server' : ''} ${line.marker ? 'marker' : ''} ${ch && ch.event === p.selectedEvent ? 'current' : ''}`;
    rows.push(
      <div
        key={l}
        className={cls}
        style={{ top: l * LINE_HEIGHT, height: LINE_HEIGHT }}
        data-line={l}
        data-at={line.at}
        title={ch ? `Event ${ch.event}${line.at !== undefined ? `, byte ${line.at}` : ''}` : undefined}
        onClick={() => ch && p.onLine(ch.event)}
      >
        {line.text || ' '}
      </div>,
    );
  }
  const pg = p.page;
  return (
    <div className="follow-peer-col" data-testid="follow-peer">
      <div className="follow-peer-head">
        <strong>{p.peer.stream.startsWith('fd:') ? 'fd stream' : 'TCP stream'}</strong> <span className="muted">{p.peer.stream}</span>{' '}
        <span>{p.peer.owner}</span>{' '}
        <span className="muted" data-testid="follow-peer-shift">offsets: {shiftText(p.peer.shift)}</span>
        {pg && pg.pages > 1 && (
          <span className="follow-pager">
            <button disabled={pg.page === 0} onClick={() => p.onPage(pg.page - 1)} aria-label="Previous peer page">‹</button>
            {pg.page + 1}/{pg.pages}
            <button disabled={pg.page + 1 >= pg.pages} onClick={() => p.onPage(pg.page + 1)} aria-label="Next peer page">›</button>
          </span>
        )}
      </div>
      <div ref={p.scrollerRef} className="follow-scroller" data-testid="follow-peer-text" tabIndex={0} onScroll={(e) => p.onScroll(e.currentTarget.scrollTop)}>
        <div style={{ height: p.lines.length * LINE_HEIGHT, position: 'relative' }}>{rows}</div>
        {!pg && <div className="pane-message">Loading stream…</div>}
      </div>
    </div>
  );
}
