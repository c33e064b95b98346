/**
 * The follow-stream pane, docked beside the event table: one page (≤ 1 MiB) of a stream at a
 * time, drawn as a fixed-height virtual list so a 200 MB stream costs one page of lines.
 * Client text red, server text blue (Wireshark's colours); direction, format, find, delta
 * times, previous/next stream, Back / Filter out, Save as, and click a line to select its event.
 */
import { useElementHeight } from '../app/useElementHeight.ts';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FollowPage, FollowPeers, TlsStreamInfo } from '../../shared/rpc.ts';
import { saveBlob } from '../app/save.ts';
import { selectEvent } from '../app/select-event.ts';
import type { Session } from '../app/session.ts';
import { useApp, type FollowTarget } from '../app/store.ts';
import { FOLLOW_TITLES } from './follow-kinds.ts';
import { buildLines, filterForStream, findMatches, LINE_HEIGHT, lineAtOffset, linesText, offsetOfLine, SHOW_AS, type Direction, type FollowLine, type Match, type ShowAs } from './follow-lines.ts';
import { FollowPeerColumn } from './FollowPeerColumn.tsx';

export { LINE_HEIGHT };

/** A stream of a capture set that has a record in the other world (tcp:N ↔ fd:PID:FD:N). */
const PEERED = /^(tcp:\d+|fd:-?\d+:\d+:\d+)$/;

/** The stream id to show for a target: the event's stream, or the TLS layer over it. */
export async function resolveFollowId(session: Session, target: FollowTarget): Promise<string> {
  const c = session.client();
  if (!c) throw new Error('no capture');
  if (target.stream) return target.stream;
  if (target.event === undefined) throw new Error('nothing to follow');
  const first = await c.call('follow', { event: target.event, format: 'none', page: 0 });
  // HTTP/2: the event's own HTTP/2 stream (its first frame on a stream other than 0).
  if (target.kind === 'http2') {
    const sid = await h2StreamOfEvent(session, target.event);
    if (sid !== null) return `h2:${first.id}:${sid}`;
  }
  if (target.kind === 'tls' || target.kind === 'http' || target.kind === 'http2') {
    const tls = await c.call('tlsStreams', null);
    if (target.kind === 'tls' || tls.some((t) => t.stream === first.id)) return `tls:${first.id}`;
  }
  return first.id;
}

/** The HTTP/2 stream id (`http2.streamid`, not 0) of an event's first stream frame, or null. */
export async function h2StreamOfEvent(session: Session, event: number): Promise<number | null> {
  const c = session.client();
  if (!c) return null;
  const row = await c.call('rowOf', { event });
  if (row === null) return null;
  const page = await c.call('extract', { start: row, count: 1, fields: ['http2.streamid'] });
  const ids = (page.values[0]?.[0] ?? []).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  return ids.length ? ids[0] : null;
}

/** HTTP/2 stream ids (`h2:tcp:0:3`) of the connection a `h2:` id belongs to, in stream order. */
async function h2Siblings(session: Session, id: string): Promise<string[]> {
  const c = session.client();
  const m = /^h2:(.*):\d+$/.exec(id);
  if (!c || !m) return [];
  const rows = await c.call('httpExchanges', {});
  const ids = new Set<string>();
  for (const r of rows) {
    if (r.streamId === undefined) continue;
    const src = r.stream.startsWith('tls:') ? r.stream.slice(4) : r.stream;
    if (src === m[1]) ids.add(`h2:${src}:${r.streamId}`);
  }
  return [...ids].sort((a, b) => Number(a.slice(a.lastIndexOf(':') + 1)) - Number(b.slice(b.lastIndexOf(':') + 1)));
}

function statusClass(t: TlsStreamInfo | undefined): string {
  if (!t) return '';
  return t.status === 'decrypted' ? 'ok' : t.status === 'auth-failed' ? 'bad' : 'warn';
}

/** The decryption status of a TLS stream as one line (follow header, HTTP view). */
export function tlsStatusText(t: TlsStreamInfo): string {
  if (t.status === 'decrypted') return `Decrypted${t.suite ? ` (${t.suite})` : ''}`;
  if (t.status === 'auth-failed') return `Key present but authentication failed${t.failedEvent ? ` at event ${t.failedEvent}` : ''}`;
  if (t.status === 'no-key') return 'No key for this session';
  return t.statusText || t.status;
}

export function FollowPane({ session, target }: { session: Session; target: FollowTarget }) {
  const keysVersion = useApp((s) => s.keysVersion);
  const selectedEvent = useApp((s) => s.selectedEvent);
  const [id, setId] = useState<string | null>(null);
  const [pageNo, setPageNo] = useState(0);
  const [page, setPage] = useState<FollowPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showAs, setShowAs] = useState<ShowAs>('ascii');
  const [direction, setDirection] = useState<Direction>('both');
  const [deltaTimes, setDeltaTimes] = useState(false);
  const [find, setFind] = useState('');
  const [matchIdx, setMatchIdx] = useState(0);
  const [tls, setTls] = useState<TlsStreamInfo | undefined>(undefined);
  const [saveOpen, setSaveOpen] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  /** C Arrays counters at the start of each page, known once the page before was loaded. */
  const counters = useRef(new Map<number, [number, number]>([[0, [0, 0]]]));

  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const viewPx = useElementHeight(scroller);

  // Follow side by side (capture sets): the peer stream, its page and scroll position.
  const isSet = useApp((s) => s.info?.extra.set !== undefined);
  const [peers, setPeers] = useState<FollowPeers | null>(null);
  const [peerIdx, setPeerIdx] = useState(0);
  const [sideBySide, setSideBySide] = useState(true);
  const [peerPageNo, setPeerPageNo] = useState(0);
  const [peerPage, setPeerPage] = useState<FollowPage | null>(null);
  const peerScroller = useRef<HTMLDivElement>(null);
  const [peerTop, setPeerTop] = useState(0);
  /** The scrollTop a pane was just moved to by the other: its own scroll event then is not echoed back. */
  const echo = useRef<[number, number]>([-1, -1]);

  // Resolve the target to a stream id; apply its filter the first time.
  const applied = useRef(-1);
  useEffect(() => {
    let live = true;
    setError(null);
    setPage(null);
    setId(null);
    setPageNo(0);
    counters.current = new Map([[0, [0, 0]]]);
    resolveFollowId(session, target).then(
      (sid) => {
        if (!live) return;
        setId(sid);
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [session, target]);

  // Fetch the page (again when keys were added: a TLS stream may decrypt now).
  useEffect(() => {
    const c = session.client();
    if (!id || !c) return;
    let live = true;
    c.call('follow', { stream: id, format: 'none', page: pageNo }).then(
      (p) => {
        if (!live) return;
        setPage(p);
        let n0 = 0;
        let n1 = 0;
        for (const ch of p.chunks) {
          if (ch.dir === 0) n0++;
          else n1++;
        }
        const before = counters.current.get(p.page);
        if (before) counters.current.set(p.page + 1, [before[0] + n0, before[1] + n1]);
        if (applied.current !== target.seq) {
          applied.current = target.seq;
          session.setFilterText(filterForStream(p.id, p.filter));
        }
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    // The TLS layer under the stream (a TLS stream's source, or an HTTP/2 stream's connection).
    const tlsSrc = id.startsWith('tls:') ? id.slice(4) : id.startsWith('h2:') ? id.slice(3, id.lastIndexOf(':')) : null;
    if (tlsSrc !== null) {
      c.call('tlsStreams', null).then((all) => live && setTls(all.find((t) => t.stream === tlsSrc)), () => {});
    } else {
      setTls(undefined);
    }
    return () => {
      live = false;
    };
  }, [session, id, pageNo, keysVersion, target.seq]);


  useEffect(() => {
    const c = session.client();
    setPeers(null);
    setPeerIdx(0);
    setPeerPageNo(0);
    setPeerPage(null);
    if (!id || !c || !isSet || !PEERED.test(id)) return;
    let live = true;
    c.call('followPeers', { stream: id }).then((p) => live && setPeers(p), () => {});
    return () => {
      live = false;
    };
  }, [session, id, isSet]);
  const peer = peers && peers.peers.length ? peers.peers[Math.min(peerIdx, peers.peers.length - 1)] : null;
  const shown = sideBySide && peer !== null;
  useEffect(() => {
    const c = session.client();
    if (!c || !peer || !sideBySide) return;
    let live = true;
    c.call('follow', { stream: peer.stream, format: 'none', page: peerPageNo }).then((p) => live && setPeerPage(p), (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [session, peer, peerPageNo, sideBySide]);
  const peerLines: FollowLine[] = useMemo(
    () => (peerPage ? buildLines(peerPage, showAs, { direction, deltaTimes }) : []),
    [peerPage, showAs, direction, deltaTimes],
  );

  const lines: FollowLine[] = useMemo(
    () => (page ? buildLines(page, showAs, { direction, deltaTimes, counters: counters.current.get(page.page) }) : []),
    [page, showAs, direction, deltaTimes],
  );
  const matches: Match[] = useMemo(() => findMatches(lines, find), [lines, find]);
  const byLine = useMemo(() => {
    const m = new Map<number, Match[]>();
    matches.forEach((x) => {
      const l = m.get(x.line);
      if (l) l.push(x);
      else m.set(x.line, [x]);
    });
    return m;
  }, [matches]);
  const current = matches.length ? matches[Math.min(matchIdx, matches.length - 1)] : null;

  const scrollToLine = (line: number): void => {
    const el = scroller.current;
    const top = Math.max(0, line * LINE_HEIGHT - viewPx / 3);
    if (el) el.scrollTop = top;
    setScrollTop(top);
  };

  /**
   * Scroll the other pane to the byte shown at the top of this one (`fromMain`: this is the main
   * pane): peer offset = main offset + shift of that direction. A pane is moved only when the
   * offset is in its page; its scroll event that follows is not echoed back.
   */
  const syncFrom = (fromMain: boolean, top: number): void => {
    if (!shown || !peer) return;
    const k = fromMain ? 0 : 1;
    if (Math.abs(echo.current[k] - top) < 1) {
      echo.current[k] = -1;
      return;
    }
    const src = fromMain ? lines : peerLines;
    const dst = fromMain ? peerLines : lines;
    const o = offsetOfLine(src, Math.floor(top / LINE_HEIGHT));
    if (!o) return;
    const shift = peer.shift[o.dir];
    if (shift === null) return;
    const target = fromMain ? o.at + shift : o.at - shift;
    const l = lineAtOffset(dst, o.dir, target);
    if (l < 0) return;
    const el = fromMain ? peerScroller.current : scroller.current;
    const y = l * LINE_HEIGHT;
    echo.current[1 - k] = y;
    if (el) el.scrollTop = y;
    if (fromMain) setPeerTop(y);
    else setScrollTop(y);
  };

  const step = (d: 1 | -1): void => {
    if (!matches.length) return;
    const next = (Math.min(matchIdx, matches.length - 1) + d + matches.length) % matches.length;
    setMatchIdx(next);
    scrollToLine(matches[next].line);
  };

  // A new search jumps to its first match.
  useEffect(() => {
    setMatchIdx(0);
    if (matches.length) scrollToLine(matches[0].line);
  }, [find, lines]);

  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    setScrollTop(0);
  }, [page]);

  const filter = page ? filterForStream(page.id, page.filter) : '';
  const close = (): void => useApp.setState({ follow: null });
  const back = (): void => {
    session.setFilterText(target.prevFilter);
    close();
  };
  const filterOut = (): void => {
    if (filter) session.setFilterText(`!(${filter})`);
    close();
  };

  const otherStream = async (d: 1 | -1): Promise<void> => {
    const c = session.client();
    if (!c || !page) return;
    let ids: string[];
    if (page.id.startsWith('h2:')) ids = await h2Siblings(session, page.id);
    else if (page.id.startsWith('tls:')) ids = (await c.call('tlsStreams', null)).map((t) => `tls:${t.stream}`);
    else ids = (await c.call('streams', { kind: page.kind === 'udp' ? 'udp' : page.kind === 'fd' ? 'fd' : 'tcp' })).map((s) => s.id);
    const k = ids.indexOf(page.id);
    const next = ids[k + d];
    if (k < 0 || next === undefined) return;
    const s = useApp.getState();
    useApp.setState({ follow: { kind: target.kind, stream: next, prevFilter: target.prevFilter, seq: (s.follow?.seq ?? 0) + 1 } });
  };

  const save = async (what: 'both' | 0 | 1 | 'shown'): Promise<void> => {
    const c = session.client();
    if (!c || !page) return;
    setSaveOpen(false);
    const base = page.id.replace(/[:]/g, '-');
    const parts: BlobPart[] = [];
    let cnt: [number, number] = [0, 0];
    for (let p = 0; p < page.pages; p++) {
      setBusy(`Saving… page ${p + 1} of ${page.pages}`);
      const pg = p === page.page ? page : await c.call('follow', { stream: page.id, format: 'none', page: p });
      if (what === 'shown') {
        const ls = buildLines(pg, showAs, { direction, deltaTimes, counters: cnt });
        for (const ch of pg.chunks) cnt = ch.dir === 0 ? [cnt[0] + 1, cnt[1]] : [cnt[0], cnt[1] + 1];
        parts.push(linesText(ls));
      } else {
        for (const ch of pg.chunks) if (what === 'both' || ch.dir === what) parts.push(ch.bytes as Uint8Array<ArrayBuffer>);
      }
    }
    setBusy(null);
    const suffix = what === 'both' ? '' : what === 0 ? '-client' : what === 1 ? '-server' : `-${showAs}`;
    saveBlob(`${base}${suffix}.${what === 'shown' ? 'txt' : 'bin'}`, parts, what === 'shown' ? 'text/plain' : 'application/octet-stream');
  };

  const first = Math.max(0, Math.floor(scrollTop / LINE_HEIGHT) - 5);
  const end = Math.min(lines.length, Math.ceil((scrollTop + viewPx) / LINE_HEIGHT) + 5);
  const rows = [];
  for (let l = first; l < end; l++) {
    const line = lines[l];
    const ch = line.chunk >= 0 ? page?.chunks[line.chunk] : undefined;
    const ms = byLine.get(l);
    let content: React.ReactNode = line.text || ' ';
    if (ms) {
      const bits: React.ReactNode[] = [];
      let at = 0;
      for (const m of ms) {
        if (m.start > at) bits.push(line.text.slice(at, m.start));
        bits.push(
          <mark key={m.start} className={m === current ? 'find-hit current' : 'find-hit'}>
            {line.text.slice(m.start, m.start + m.length)}
          </mark>,
        );
        at = m.start + m.length;
      }
      bits.push(line.text.slice(at));
      content = bits;
    }
    const cls = `follow-line ${line.dir === 0 ? 'client' : line.dir === 1 ? 'server' : ''} ${line.marker ? 'marker' : ''} ${ch && ch.event === selectedEvent ? 'current' : ''}`;
    rows.push(
      <div
        key={l}
        className={cls}
        style={{ top: l * LINE_HEIGHT, height: LINE_HEIGHT }}
        data-line={l}
        data-at={line.at}
        title={ch ? `Event ${ch.event}` : undefined}
        onClick={() => {
          if (ch) void selectEvent(session, ch.event);
        }}
      >
        {content}
      </div>,
    );
  }

  const dirLabel = (d: 0 | 1): string => {
    if (!page) return d === 0 ? 'client → server' : 'server → client';
    const [a, b] = d === 0 ? [page.client, page.server] : [page.server, page.client];
    return `${a} → ${b} (${page.totalBytes[d].toLocaleString('en-US')} bytes)`;
  };
  const unit = page?.kind === 'fd' ? 'chunks' : 'pkts';

  return (
    <div className="follow-pane" data-testid="follow-pane" onClick={() => setSaveOpen(false)}>
      <div className="follow-head">
        <strong>Follow {FOLLOW_TITLES[target.kind]}</strong>
        {filter && <code className="follow-filter" data-testid="follow-filter">{filter}</code>}
        {tls && (
          <span className={`tls-badge ${statusClass(tls)}`} data-testid="follow-tls-status" title={tls.statusText}>
            {tlsStatusText(tls)}
          </span>
        )}
        <span className="spacer" />
        <button onClick={() => void otherStream(-1)} title="Previous stream" aria-label="Previous stream">◀</button>
        <span className="muted">{page?.id ?? id ?? ''}</span>
        <button onClick={() => void otherStream(1)} title="Next stream" aria-label="Next stream">▶</button>
        <button onClick={back} title="Close and restore the previous filter">Back</button>
        <button onClick={filterOut}>Filter out this stream</button>
        <span className="save-wrap">
          <button onClick={(e) => { e.stopPropagation(); setSaveOpen((o) => !o); }} disabled={!page || busy !== null}>Save as…</button>
          {saveOpen && (
            <div className="menu save-menu" role="menu" onClick={(e) => e.stopPropagation()}>
              <button role="menuitem" onClick={() => void save('both')}>Raw bytes, entire conversation</button>
              <button role="menuitem" onClick={() => void save(0)}>Raw bytes, client → server</button>
              <button role="menuitem" onClick={() => void save(1)}>Raw bytes, server → client</button>
              <button role="menuitem" onClick={() => void save('shown')}>Text as shown ({SHOW_AS.find((f) => f.id === showAs)?.label})</button>
            </div>
          )}
        </span>
        <button onClick={close} aria-label="Close follow pane" title="Close (keep the filter)">×</button>
      </div>
      {page && (
        <div className="follow-peers">
          <span className="client">{page.client}</span> → <span className="server">{page.server}</span>
          {peers && peers.peers.length > 0 && (
            <span className="follow-side">
              <label>
                <input type="checkbox" checked={sideBySide} onChange={(e) => setSideBySide(e.target.checked)} data-testid="follow-side-by-side" />{' '}
                Side by side with {peers.peers[0].stream.startsWith('fd:') ? 'the fd stream' : 'the TCP stream'}
              </label>
              {peers.peers.length > 1 && (
                <select value={peerIdx} onChange={(e) => { setPeerIdx(Number(e.target.value)); setPeerPageNo(0); setPeerPage(null); }} aria-label="Peer stream">
                  {peers.peers.map((x, i) => <option key={x.stream} value={i}>{x.side === 0 ? 'client' : 'server'}: {x.owner}</option>)}
                </select>
              )}
            </span>
          )}
          {peers && peers.notes.length > 0 && <span className="muted" data-testid="follow-peer-notes"> {peers.notes.join(' · ')}</span>}
        </div>
      )}
      <div className={shown ? 'follow-body side-by-side' : 'follow-body'}>
      <div
        ref={scroller}
        className="follow-scroller"
        data-testid="follow-text"
        tabIndex={0}
        onScroll={(e) => {
          const top = e.currentTarget.scrollTop;
          setScrollTop(top);
          syncFrom(true, top);
        }}
      >
        <div style={{ height: lines.length * LINE_HEIGHT, position: 'relative' }}>{rows}</div>
        {error && <div className="pane-message error-text" role="alert">{error}</div>}
        {!error && page && lines.length === 0 && (
          <div className="pane-message">
            {tls && tls.status !== 'decrypted' ? `Nothing decrypted: ${tlsStatusText(tls)}. Drop its key log on the window.` : 'No data in this direction.'}
          </div>
        )}
        {!error && !page && <div className="pane-message">Loading stream…</div>}
      </div>
      {shown && peer && (
        <FollowPeerColumn
          peer={peer}
          page={peerPage}
          lines={peerLines}
          scrollTop={peerTop}
          selectedEvent={selectedEvent}
          scrollerRef={peerScroller}
          onScroll={(top) => {
            setPeerTop(top);
            syncFrom(false, top);
          }}
          onLine={(event) => void selectEvent(session, event)}
          onPage={(n) => setPeerPageNo(n)}
        />
      )}
      </div>
      {page && (page.notes.length > 0 || (target.kind === 'http2' && !page.id.startsWith('h2:'))) && (
        <div className="follow-notes muted" data-testid="follow-notes">
          {[...(target.kind === 'http2' && !page.id.startsWith('h2:') ? ['HTTP/2: this event is on no HTTP/2 stream, so the whole connection is shown'] : []), ...page.notes].join(' · ')}
        </div>
      )}
      <div className="follow-summary" data-testid="follow-summary">
        {page && (
          <>
            {page.summary.clientChunks} client {unit}, {page.summary.serverChunks} server {unit}, {page.summary.turns} turn{page.summary.turns === 1 ? '' : 's'}.
            {page.pages > 1 && (
              <span className="follow-pager">
                <button disabled={page.page === 0} onClick={() => setPageNo(page.page - 1)} aria-label="Previous page">‹</button>
                Page {page.page + 1} of {page.pages}
                <button disabled={page.page + 1 >= page.pages} onClick={() => setPageNo(page.page + 1)} aria-label="Next page">›</button>
              </span>
            )}
          </>
        )}
        {busy && <span className="muted"> {busy}</span>}
      </div>
      <div className="follow-controls">
        <select value={String(direction)} onChange={(e) => setDirection(e.target.value === 'both' ? 'both' : (Number(e.target.value) as 0 | 1))} aria-label="Direction">
          <option value="both">Entire conversation{page ? ` (${(page.totalBytes[0] + page.totalBytes[1]).toLocaleString('en-US')} bytes)` : ''}</option>
          <option value="0">{dirLabel(0)}</option>
          <option value="1">{dirLabel(1)}</option>
        </select>
        <label>
          Show as{' '}
          <select value={showAs} onChange={(e) => setShowAs(e.target.value as ShowAs)} aria-label="Show as" data-testid="follow-show-as">
            {SHOW_AS.map((f) => <option key={f.id} value={f.id}>{f.label}</option>)}
          </select>
        </label>
        <label className="follow-delta">
          <input type="checkbox" checked={deltaTimes} onChange={(e) => setDeltaTimes(e.target.checked)} /> Delta times
        </label>
        <span className="spacer" />
        <input
          className="follow-find"
          value={find}
          placeholder="Find"
          aria-label="Find in stream"
          onChange={(e) => setFind(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              step(e.shiftKey ? -1 : 1);
            }
          }}
        />
        <button onClick={() => step(-1)} disabled={!matches.length} aria-label="Previous match">▲</button>
        <button onClick={() => step(1)} disabled={!matches.length} aria-label="Next match">▼</button>
        <span className="muted follow-find-count" data-testid="follow-find-count">
          {find ? (matches.length ? `${Math.min(matchIdx, matches.length - 1) + 1} of ${matches.length}` : 'No match on this page') : ''}
        </span>
      </div>
    </div>
  );
}
