/**
 * The HTTP tab: one row per exchange (HTTP/1.x and HTTP/2, plaintext and decrypted TLS). The
 * list stays in the engine: searched (method, host, path, status, headers), filtered with the
 * display filter language and sorted there, and fetched here page by page (packed, each row
 * decoded when drawn) as rows scroll into view, pages far from the view dropped, so 5 M
 * exchanges cost the renderer a few pages; the selected exchange
 * shows headers and body (BodyViewer, loaded on first use), copy as curl, save body and Export objects. TLS streams
 * that did not decrypt are listed with why, so "no rows" is never a mystery.
 */
import { useElementHeight } from '../app/useElementHeight.ts';
import { useEffect, useMemo, useRef, useState } from 'react';
import { MAX_HTTP_PAGE_ROWS, type HttpBody, type HttpExchangeRow, type HttpPageQuery, type HttpSortKey, type PackedHttpRows, type TlsStreamInfo } from '../../shared/rpc.ts';
import { httpRowAt, packHttpRows } from '../../shared/packed-http.ts';
import { saveBlob } from '../app/save.ts';
import { selectEvent } from '../app/select-event.ts';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';
import { countOf, formatCount } from '../status/StatusBar.tsx';
import { tlsStatusText } from '../streams/FollowPane.tsx';
import { exportHar } from './export-har.ts';
import { LazyBodyViewer } from './LazyBodyViewer.tsx';
import { bodyFileName, curlCommand, exportFileNames } from './body-kind.ts';

const ROW_H = 20;

type SortKey = 'no' | 'proc' | 'method' | 'host' | 'uri' | 'version' | 'status' | 'req' | 'resp' | 'type' | 'duration' | 'tls';

/**
 * The engine's sort column of a table column (`tls` sorts by stream, which groups the
 * connections; so does `proc`, a capture set's process: a connection has one owner).
 */
const ENGINE_SORT: Record<SortKey, HttpSortKey> = {
  no: 'time', proc: 'stream', method: 'method', host: 'host', uri: 'uri', version: 'version', status: 'status', req: 'req', resp: 'resp', type: 'type', duration: 'duration', tls: 'stream',
};

/** Rows per page fetched from the engine. */
export const PAGE_ROWS = 500;
/**
 * Pages kept either side of those shown: scrolling back a little needs no request, and the
 * renderer never holds more than a few pages of a list of millions.
 */
export const KEEP_PAGES = 2;
/** While the capture is followed: how often the pages shown are asked again (new exchanges, responses that completed). */
const LIVE_REFRESH_MS = 1000;

interface Col {
  key: SortKey;
  title: string;
  width: number;
  align?: 'right';
}

const COLS: Col[] = [
  { key: 'no', title: 'No.', width: 60, align: 'right' },
  { key: 'method', title: 'Method', width: 70 },
  { key: 'host', title: 'Host', width: 150 },
  { key: 'uri', title: 'Path', width: 260 },
  { key: 'version', title: 'Version', width: 80 },
  { key: 'status', title: 'Status', width: 60, align: 'right' },
  { key: 'req', title: 'Request', width: 80, align: 'right' },
  { key: 'resp', title: 'Response', width: 90, align: 'right' },
  { key: 'type', title: 'Content type', width: 150 },
  { key: 'duration', title: 'Duration', width: 80, align: 'right' },
  { key: 'tls', title: 'TLS', width: 90 },
];

/** A capture set's column: the process of the exchange (docs/capture-sets.md, "HTTP in a set"). */
const PROC_COL: Col = { key: 'proc', title: 'Process', width: 120 };
const SET_COLS: Col[] = [COLS[0], PROC_COL, ...COLS.slice(1)];

/** The TLS source stream of an exchange's stream id (`tls:tcp:3` → `tcp:3`), or null for plaintext. */
export function tlsSourceOf(stream: string): string | null {
  if (!stream.startsWith('tls:')) return null;
  const rest = stream.slice(4);
  return /^\d+$/.test(rest) ? `tcp:${rest}` : rest;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function cellText(r: HttpExchangeRow, k: SortKey, tls: Map<string, TlsStreamInfo>): string {
  switch (k) {
    case 'no': return String(r.request ?? r.response ?? '');
    case 'proc': return r.pid === undefined ? '' : r.procName ? `${r.procName} (${r.pid})` : `pid ${r.pid}`;
    case 'method': return r.method;
    case 'host': return r.host;
    case 'uri': return r.uri;
    case 'version': return r.version;
    case 'status': return r.status === null ? (r.upgrade ? '' : '—') : String(r.status);
    case 'req': return r.request === null ? '' : formatBytes(r.requestBodyBytes);
    case 'resp': return r.response === null ? '' : formatBytes(r.responseBodyBytes);
    case 'type': return r.upgrade ? `upgrade: ${r.upgrade}` : r.contentType;
    case 'duration': return r.duration === null ? '' : `${(r.duration * 1000).toFixed(1)} ms`;
    case 'tls': {
      const src = tlsSourceOf(r.stream);
      if (!src) return '';
      const t = tls.get(src);
      return t ? (t.status === 'decrypted' ? 'decrypted' : t.status) : 'TLS';
    }
  }
}

function Headers({ body }: { body: HttpBody }) {
  return (
    <div className="http-headers">
      <div className="http-startline">{body.startLine}</div>
      <table className="kv-table">
        <tbody>
          {body.headers.map(([k, v], i) => (
            <tr key={i}><th>{k}</th><td>{v}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Export objects of the view's first MAX_HTTP_PAGE_ROWS exchanges (the CLI's export-objects writes every one). */
function ExportObjects({ session, query, onClose }: { session: Session; query: Omit<HttpPageQuery, 'start' | 'count'>; onClose: () => void }) {
  const [rows, setRows] = useState<HttpExchangeRow[]>([]);
  const [total, setTotal] = useState(0);
  useEffect(() => {
    let live = true;
    session.client()?.call('httpPage', { ...query, start: 0, count: MAX_HTTP_PAGE_ROWS }).then((p) => {
      if (!live) return;
      setRows(p.rows);
      setTotal(p.total);
    }, () => {});
    return () => {
      live = false;
    };
  }, [session, query]);
  const withBody = rows.filter((r) => r.responseBodyBytes > 0 || r.requestBodyBytes > 0);
  const [busy, setBusy] = useState<string | null>(null);
  // One export's names, numbered as the CLI's export-objects numbers them.
  const names = useMemo(() => exportFileNames(withBody), [withBody]);
  const save = async (r: HttpExchangeRow, which: 'request' | 'response', name = names[withBody.indexOf(r)]?.[which] ?? bodyFileName(r, which)): Promise<void> => {
    const c = session.client();
    if (!c) return;
    const b = await c.call('httpBody', { stream: r.stream, index: r.index, message: which });
    saveBlob(name, [b.body as Uint8Array<ArrayBuffer>], b.contentType || 'application/octet-stream');
  };
  const saveAll = async (): Promise<void> => {
    let k = 0;
    for (const [i, r] of withBody.entries()) {
      setBusy(`Saving ${++k} of ${withBody.length}…`);
      if (r.responseBodyBytes > 0) await save(r, 'response', names[i].response);
      if (r.requestBodyBytes > 0) await save(r, 'request', names[i].request);
    }
    setBusy(null);
  };
  return (
    <div className="export-objects" role="dialog" aria-label="Export objects">
      <div className="export-head">
        <strong>Export HTTP objects</strong> <span className="muted">{withBody.length.toLocaleString('en-US')} with a body{total > rows.length ? ` among the first ${rows.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} exchanges (the CLI's export-objects writes them all)` : ''}</span>
        <span className="spacer" />
        {busy && <span className="muted">{busy}</span>}
        <button onClick={() => void saveAll()} disabled={busy !== null || withBody.length === 0}>Save all</button>
        <button onClick={onClose} aria-label="Close">×</button>
      </div>
      <div className="export-list">
        <table className="kv-table">
          <thead>
            <tr><th>No.</th><th>Host</th><th>File name</th><th>Content type</th><th>Size</th><th /></tr>
          </thead>
          <tbody>
            {withBody.map((r, i) => (
              <tr key={`${r.stream}/${r.index}`}>
                <td>{r.response ?? r.request}</td>
                <td>{r.host}</td>
                <td>{names[i].response}</td>
                <td>{r.contentType}</td>
                <td>{formatBytes(r.responseBodyBytes)}</td>
                <td>
                  {r.responseBodyBytes > 0 && <button className="link" onClick={() => void save(r, 'response')}>Save</button>}
                  {r.requestBodyBytes > 0 && <button className="link" onClick={() => void save(r, 'request')}> Save request</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/**
 * The note under a body with bytes not in the capture, saying why when the capture knows: an
 * strace log's `-s N` cut (the reader's stringLimitNote), the common case for HTTP over strace.
 */
export function missingBodyNote(missing: number, cutBy: string | number | undefined): string {
  return `${missing.toLocaleString('en-US')} body bytes are not in the capture${typeof cutBy === 'string' && cutBy ? ` (${cutBy})` : ''}.`;
}

function ExchangeDetail({ session, row, tls }: { session: Session; row: HttpExchangeRow; tls: TlsStreamInfo | undefined }) {
  const [req, setReq] = useState<HttpBody | null>(null);
  const [resp, setResp] = useState<HttpBody | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<'response' | 'request'>(row.response !== null ? 'response' : 'request');
  const [copied, setCopied] = useState(false);
  const cutBy = useApp((s) => s.info?.extra.stringLimitNote);
  useEffect(() => {
    const c = session.client();
    if (!c) return;
    let live = true;
    setReq(null);
    setResp(null);
    setError(null);
    setTab(row.response !== null ? 'response' : 'request');
    const get = (m: 'request' | 'response'): Promise<HttpBody | null> => c.call('httpBody', { stream: row.stream, index: row.index, message: m });
    Promise.all([row.request !== null ? get('request') : null, row.response !== null ? get('response') : null]).then(
      ([a, b]) => {
        if (!live) return;
        setReq(a);
        setResp(b);
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [session, row]);
  const body = tab === 'request' ? req : resp;
  const copyCurl = (): void => {
    void navigator.clipboard?.writeText(curlCommand(row, req, row.stream.startsWith('tls:') ? 'https' : 'http')).then(() => setCopied(true), () => {});
    setTimeout(() => setCopied(false), 1500);
  };
  const evLink = (label: string, ev: number | null) =>
    ev !== null && (
      <button className="link" data-testid={`http-goto-${label}`} onClick={() => void selectEvent(session, ev, true)} title="Select this event in the Events tab">
        {label} event {ev}
      </button>
    );
  return (
    <div className="http-detail" data-testid="http-detail">
      <div className="http-detail-head">
        <strong>{row.method} {row.uri}</strong>
        <span>{row.status !== null ? `→ ${row.status} ${row.phrase}` : row.incomplete ? '→ (no response in capture)' : ''}</span>
        {evLink('request', row.request)}
        {evLink('response', row.response)}
        {tls && <span className={`tls-badge ${tls.status === 'decrypted' ? 'ok' : 'warn'}`}>{tlsStatusText(tls)}</span>}
        {row.truncated && <span className="tls-badge warn" title={typeof cutBy === 'string' ? cutBy : undefined}>some bytes not captured{typeof cutBy === 'string' ? ` (${cutBy})` : ''}</span>}
        <span className="spacer" />
        <button onClick={copyCurl}>{copied ? 'Copied' : 'Copy as curl'}</button>
        <button disabled={!body || body.body.length === 0} onClick={() => body && saveBlob(bodyFileName(row, tab), [body.body as Uint8Array<ArrayBuffer>], body.contentType || 'application/octet-stream')}>
          Save body
        </button>
      </div>
      <div className="http-tabs" role="tablist">
        <button role="tab" aria-selected={tab === 'response'} className={tab === 'response' ? 'active' : ''} disabled={row.response === null} onClick={() => setTab('response')}>Response</button>
        <button role="tab" aria-selected={tab === 'request'} className={tab === 'request' ? 'active' : ''} disabled={row.request === null} onClick={() => setTab('request')}>Request</button>
      </div>
      <div className="http-body-scroll">
        {error && <div className="pane-message error-text">{error}</div>}
        {!error && !body && <div className="pane-message">Loading…</div>}
        {body && (
          <>
            <Headers body={body} />
            {body.decodeError && <div className="body-note error-text">Could not undo {body.contentEncoding}: {body.decodeError} (showing the body as sent)</div>}
            {body.missing > 0 && <div className="body-note">{missingBodyNote(body.missing, cutBy)}</div>}
            <LazyBodyViewer bytes={body.decodeError ? body.raw : body.body} contentType={body.contentType} />
          </>
        )}
      </div>
    </div>
  );
}

/** A window of the engine's view: the pages near those shown, packed (a new query starts a new cache). */
interface RowCache {
  key: string;
  pages: Map<number, PackedHttpRows>;
  pending: Set<number>;
}

/** Drop the pages more than KEEP_PAGES away from pages [p0, p1] (those on screen). */
export function evictFarPages<T>(pages: Map<number, T>, p0: number, p1: number): void {
  for (const p of pages.keys()) if (p < p0 - KEEP_PAGES || p > p1 + KEEP_PAGES) pages.delete(p);
}

export function HttpView({ session }: { session: Session }) {
  const keysVersion = useApp((s) => s.keysVersion);
  const done = useApp((s) => s.info?.done ?? false);
  // Followed: the engine answers from its follow scan, exchanges as they complete.
  const live = useApp((s) => s.live) && !done;
  const ready = done || live;
  const [total, setTotal] = useState<number | null>(null);
  const [all, setAll] = useState(0);
  /** The query `total` counts (the previous one's rows stay shown while a new view is built). */
  const [totalKey, setTotalKey] = useState('');
  const [tlsList, setTlsList] = useState<TlsStreamInfo[]>([]);
  const [draft, setDraft] = useState('');
  const [applied, setApplied] = useState('');
  const [search, setSearch] = useState('');
  const [appliedSearch, setAppliedSearch] = useState('');
  const [allHeaders, setAllHeaders] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sort, setSort] = useState<{ key: SortKey; asc: boolean }>({ key: 'no', asc: true });
  const [sel, setSel] = useState<{ row: HttpExchangeRow; k: number } | null>(null);
  const [exportOpen, setExportOpen] = useState(false);
  const [, setTick] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const viewPx = useElementHeight(scroller);

  const query = useMemo(
    () => ({
      ...(applied ? { filter: applied } : {}),
      ...(appliedSearch ? { search: appliedSearch, headers: allHeaders } : {}),
      sort: ENGINE_SORT[sort.key],
      descending: !sort.asc,
    }),
    [applied, appliedSearch, allHeaders, sort],
  );
  const cacheKey = `${JSON.stringify(query)}|${keysVersion}|${done}|${live}`;
  const cache = useRef<RowCache>({ key: '', pages: new Map(), pending: new Set() });
  if (cache.current.key !== cacheKey) cache.current = { key: cacheKey, pages: new Map(), pending: new Set() };

  /** Fetch page `p` of the current view (once, or again with `again`: its old rows stay shown meanwhile); resolves with its rows. */
  const loadPage = (p: number, again = false): Promise<PackedHttpRows | null> => {
    const c = session.client();
    const cc = cache.current;
    const hit = cc.pages.get(p);
    if (hit && !again) return Promise.resolve(hit);
    if (!c || cc.pending.has(p)) return Promise.resolve(null);
    cc.pending.add(p);
    // Packed: the page is a few arrays and one string; a row is decoded when it is drawn.
    return c.call('httpPage', { ...query, start: p * PAGE_ROWS, count: PAGE_ROWS, packed: true }).then(
      (page) => {
        cc.pending.delete(p);
        if (cache.current !== cc) return null;
        const rows = page.packed ?? packHttpRows(page.rows);
        cc.pages.set(p, rows);
        // The selected exchange as it is now (its response may have completed since).
        if (again) setSel((sel) => {
          const i = sel ? sel.k - p * PAGE_ROWS : -1;
          const r = sel && i >= 0 && i < rows.n ? httpRowAt(rows, i) : undefined;
          return sel && r && r.stream === sel.row.stream && r.index === sel.row.index ? { row: r, k: sel.k } : sel;
        });
        setTotal(page.total);
        setAll(page.all);
        setTotalKey(cc.key);
        setError(null);
        setTick((t) => t + 1);
        return rows;
      },
      (e: unknown) => {
        cc.pending.delete(p);
        if (cache.current !== cc) return null;
        setError(e instanceof Error ? e.message : String(e));
        setTotal(0);
        setTotalKey(cc.key);
        return null;
      },
    );
  };

  // A new query: the first page says how many rows the view has.
  useEffect(() => {
    if (!session.client() || !ready) return;
    setSel(null);
    void loadPage(0);
  }, [cacheKey]);

  // Live: the pages loaded (those shown) are asked again; more rows are loaded as the total grows.
  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => {
      const pages = [...cache.current.pages.keys()];
      for (const p of pages.length > 0 ? pages : [0]) void loadPage(p, true);
    }, LIVE_REFRESH_MS);
    return () => clearInterval(t);
  }, [cacheKey, live]);

  useEffect(() => {
    const c = session.client();
    if (!c || !done) return;
    let live = true;
    c.call('tlsStreams', null).then((t) => live && setTlsList(t), () => {});
    return () => {
      live = false;
    };
  }, [session, keysVersion, done]);

  // Search as you type, a moment after the last key.
  useEffect(() => {
    const t = setTimeout(() => setAppliedSearch(search.trim()), 250);
    return () => clearTimeout(t);
  }, [search]);

  const n = total ?? 0;
  const rowAt = (k: number): HttpExchangeRow | undefined => {
    const page = cache.current.pages.get(Math.floor(k / PAGE_ROWS));
    const i = k % PAGE_ROWS;
    return page && i < page.n ? httpRowAt(page, i) : undefined;
  };
  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - 5);
  const end = Math.min(n, Math.ceil((scrollTop + viewPx) / ROW_H) + 5);
  useEffect(() => {
    if (total === null) return;
    const p0 = Math.floor(first / PAGE_ROWS);
    const p1 = Math.floor(Math.max(first, end - 1) / PAGE_ROWS);
    evictFarPages(cache.current.pages, p0, p1);
    for (let p = p0; p <= p1; p++) void loadPage(p);
  });

  const tls = useMemo(() => new Map(tlsList.map((t) => [t.stream, t])), [tlsList]);
  const keyOf = (r: HttpExchangeRow): string => `${r.stream}/${r.index}`;
  const selKey = sel ? keyOf(sel.row) : null;
  const undecrypted = tlsList.filter((t) => t.status !== 'decrypted' && t.status !== 'no-encrypted-data');
  const isSet = useApp((s) => s.info?.extra.set !== undefined);
  const cols = isSet ? SET_COLS : COLS;
  const totalWidth = cols.reduce((a, c) => a + c.width, 0);

  const move = (d: number): void => {
    if (!n) return;
    const k = Math.max(0, Math.min(n - 1, (sel?.k ?? -1) + d));
    const el = scroller.current;
    if (el && (k * ROW_H < el.scrollTop || (k + 1) * ROW_H > el.scrollTop + el.clientHeight - ROW_H)) el.scrollTop = Math.max(0, k * ROW_H - el.clientHeight / 2);
    const r = rowAt(k);
    if (r) setSel({ row: r, k });
    else void loadPage(Math.floor(k / PAGE_ROWS)).then((rows) => rows && k % PAGE_ROWS < rows.n && setSel({ row: httpRowAt(rows, k % PAGE_ROWS), k }));
  };
  const countText = total === null
    ? (ready ? 'Loading exchanges…' : 'Waiting for the capture to be indexed…')
    : totalKey !== cacheKey ? 'Searching…'
    : applied || appliedSearch ? `${formatCount(total)} of ${countOf(all, 'exchange')}` : countOf(total, 'exchange');
  const rows: { r: HttpExchangeRow | undefined; k: number }[] = [];
  for (let k = first; k < end; k++) rows.push({ r: rowAt(k), k });

  return (
    <div className="http-view" data-testid="http-view">
      <form
        className="http-filter"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(draft.trim());
          setAppliedSearch(search.trim());
        }}
      >
        <input
          className="http-search"
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Search method, host, path, status, headers"
          aria-label="Search exchanges"
          data-testid="http-search"
        />
        <label className="muted" title="Also search every header of HTTP/1.x exchanges (re-read from the capture: slower on large captures). HTTP/2 headers are always searched.">
          <input type="checkbox" checked={allHeaders} onChange={(e) => setAllHeaders(e.target.checked)} /> all headers
        </label>
        <input value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="Filter exchanges (display filter, e.g. http.response.code >= 400)" aria-label="HTTP filter" />
        <button type="submit">Apply</button>
        <span className="muted" data-testid="http-count">{countText}</span>
        <span className="spacer" />
        <button type="button" onClick={() => setExportOpen(true)} disabled={!total}>Export objects…</button>
        <button
          type="button"
          onClick={() => void exportHar(session, saveBlob, { ...(applied ? { filter: applied } : {}), ...(appliedSearch ? { search: appliedSearch } : {}) })}
          disabled={!total}
          title="The exchanges shown, as an HTTP Archive (HAR 1.2)"
          data-testid="export-har"
        >
          Export HAR
        </button>
      </form>
      {error && <div className="filter-message invalid">{error}</div>}
      {undecrypted.length > 0 && (
        <div className="tls-strip" data-testid="tls-strip">
          {undecrypted.slice(0, 6).map((t) => (
            <span key={t.stream} className={`tls-badge ${t.status === 'auth-failed' ? 'bad' : 'warn'}`} title={t.statusText}>
              {t.stream}{t.sni ? ` (${t.sni})` : ''}: {tlsStatusText(t)}
            </span>
          ))}
          {undecrypted.length > 6 && <span className="muted">and {undecrypted.length - 6} more TLS streams not decrypted</span>}
          <span className="muted">Drop a key log on the window to decrypt.</span>
        </div>
      )}
      <div className="http-split">
        <div
          ref={scroller}
          className="http-table"
          role="grid"
          aria-label="HTTP exchanges"
          aria-rowcount={n}
          tabIndex={0}
          onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') move(1);
            else if (e.key === 'ArrowUp') move(-1);
            else return;
            e.preventDefault();
          }}
        >
          <div className="http-head" role="row" style={{ width: totalWidth }}>
            {cols.map((c) => (
              <div
                key={c.key}
                role="columnheader"
                className="th"
                style={{ width: c.width, textAlign: c.align ?? 'left' }}
                aria-sort={sort.key === c.key ? (sort.asc ? 'ascending' : 'descending') : 'none'}
                onClick={() => setSort((s) => ({ key: c.key, asc: s.key === c.key ? !s.asc : true }))}
              >
                {c.title}{sort.key === c.key ? (sort.asc ? ' ▲' : ' ▼') : ''}
              </div>
            ))}
          </div>
          <div style={{ height: n * ROW_H, position: 'relative', width: totalWidth }}>
            {rows.map(({ r, k }) => {
              if (!r) return <div key={`loading-${k}`} role="row" className={`row loading ${k % 2 ? 'odd' : ''}`} style={{ top: k * ROW_H, height: ROW_H, width: totalWidth }} />;
              const bad = r.status !== null && r.status >= 400;
              const isSel = selKey === keyOf(r);
              return (
                <div
                  key={keyOf(r)}
                  role="row"
                  aria-selected={isSel}
                  data-testid="http-row"
                  className={`row ${k % 2 ? 'odd' : ''} ${bad ? 'row-failed' : ''} ${isSel ? 'selected' : ''}`}
                  style={{ top: k * ROW_H, height: ROW_H, width: totalWidth }}
                  onMouseDown={() => setSel({ row: r, k })}
                >
                  {cols.map((c) => (
                    <div key={c.key} role="gridcell" className={`cell ${c.key === 'tls' ? `tls-cell ${tls.get(tlsSourceOf(r.stream) ?? '')?.status ?? ''}` : ''}`} style={{ width: c.width, textAlign: c.align ?? 'left' }}>
                      {cellText(r, c.key, tls)}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
          {total === 0 && !error && (
            <div className="table-empty" style={{ top: ROW_H + 8 }}>{applied || appliedSearch ? 'No exchanges match' : 'No HTTP exchanges in this capture'}</div>
          )}
        </div>
        <div className="http-detail-wrap">
          {sel ? <ExchangeDetail session={session} row={sel.row} tls={tls.get(tlsSourceOf(sel.row.stream) ?? '')} /> : <div className="pane-message">Select an exchange to see its headers and body.</div>}
        </div>
      </div>
      {exportOpen && <ExportObjects session={session} query={query} onClose={() => setExportOpen(false)} />}
    </div>
  );
}
