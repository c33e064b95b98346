/**
 * The HTTP exchanges of a packets + syscalls set (docs/capture-sets.md, "HTTP in a set"): each
 * exchange once. Both parts have their own HTTP layer; an exchange the packets saw is listed from
 * the packets (the wire is the truth of what was sent), and the copy of it in the fd stream of
 * the socket that owned the connection is dropped; an exchange only the syscalls saw (a
 * connection the pcap missed, or an fd the set could not match) is listed from its fd stream.
 * Every row names the process of the exchange: the client side's owner when it was traced,
 * else the server side's.
 *
 * Two copies are the same exchange when they are on the same connection (the fd stream of a
 * socket that owns the TCP stream), at the same place in it (index within the stream, or the
 * HTTP/2 stream id) and with the same method and path where both have a request.
 */
import type { HttpExchangeRow, HttpPage, HttpPageQuery } from '../../../shared/rpc.ts';
import { MAX_HTTP_PAGE_ROWS } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { createDissection } from '../dissectors/dissection.ts';
import { compileFilterText } from '../filter/compile.ts';
import { exchangeRefs, rowOf } from '../layers/http-layer.ts';
import { scanHttpNow, type CaptureSession } from '../layers/session.ts';
import { fdStreamOfEvent } from '../streams/fd-streams.ts';
import type { Correlation } from './correlate.ts';
import type { SetOrder } from './set-capture.ts';

export interface SetHttpInput {
  sessions: [CaptureSession, CaptureSession];
  cor: Correlation;
  order: SetOrder;
  /** The process of a socket: its name (may be '') and pid. */
  procOf(sock: number): { name: string; pid: number };
}

/** The TCP stream number (`tcp:3`, `tls:tcp:3`, `h2:tcp:3:1`, `tls:3`) of a packet exchange's stream. */
export function tcpOfStream(stream: string): number | null {
  const m = /^(?:h2:|tls:)?(?:tcp:)?(\d+)(?::\d+)?$/.exec(stream.replace(/^h2:tls:/, 'h2:'));
  return m ? Number(m[1]) : null;
}

/** The fd stream id (`fd:PID:FD:N`) under an exchange's stream (`tls:fd:…`, `h2:fd:…:S`). */
export function fdOfStream(stream: string): string | null {
  const m = /(fd:-?\d+:\d+:\d+)/.exec(stream);
  return m ? m[1] : null;
}

/** The place of an exchange on its connection, and what it asked for. */
const placeKey = (r: HttpExchangeRow): string => `${r.streamId ?? ''}#${r.streamId === undefined ? r.index : ''}`;
const sameRequest = (a: HttpExchangeRow, b: HttpExchangeRow): boolean =>
  a.request === null || b.request === null || (a.method === b.method && a.uri === b.uri);

/** The rows of every exchange of the set, once, in the set's numbering, in order of their start. */
export function setHttpRows(input: SetHttpInput): HttpExchangeRow[] {
  const { sessions, cor, order } = input;
  const global = (part: 0 | 1, e: number | null): number | null => (e === null ? null : order.global[part][e] ?? null);
  const rowsOf = (part: 0 | 1): HttpExchangeRow[] => {
    const layer = scanHttpNow(sessions[part]);
    return exchangeRefs(layer).map((e) => rowOf(layer, e));
  };
  const fdOfSocket = new Map<number, string>();
  const socketOfFd = new Map<string, number>();
  for (let k = 0; k < cor.sockets.length; k++) {
    const so = cor.sockets[k];
    for (let e = so.first; e <= so.last; e++) {
      if (cor.socketOfEvent[e] !== k) continue;
      const id = fdStreamOfEvent(sessions[1].capture, e);
      if (id) {
        fdOfSocket.set(k, id);
        socketOfFd.set(id, k);
      }
      break;
    }
  }
  const out: HttpExchangeRow[] = [];
  /** Per fd stream: the packet rows of its connection, by place. */
  const seen = new Map<string, Map<string, HttpExchangeRow>>();
  const withProc = (r: HttpExchangeRow, part: 0 | 1, sock: number): HttpExchangeRow => {
    const p = sock >= 0 ? input.procOf(sock) : undefined;
    return {
      ...r,
      request: global(part, r.request), requestEnd: global(part, r.requestEnd),
      response: global(part, r.response), responseEnd: global(part, r.responseEnd),
      ...(p ? { procName: p.name, pid: p.pid } : {}),
    };
  };
  for (const r of rowsOf(0)) {
    const n = tcpOfStream(r.stream);
    const co = n === null ? undefined : cor.conversations.find((c) => c.tcp && c.n === n);
    const owner = co ? (co.owner[0] >= 0 ? co.owner[0] : co.owner[1]) : -1;
    if (co) {
      for (const sock of co.owner) {
        const fd = sock >= 0 ? fdOfSocket.get(sock) : undefined;
        if (!fd) continue;
        let m = seen.get(fd);
        if (!m) seen.set(fd, (m = new Map()));
        m.set(placeKey(r), r);
      }
    }
    out.push(withProc(r, 0, owner));
  }
  for (const r of rowsOf(1)) {
    const fd = fdOfStream(r.stream);
    const twin = fd ? seen.get(fd)?.get(placeKey(r)) : undefined;
    if (twin && sameRequest(twin, r)) continue;
    out.push(withProc(r, 1, fd ? socketOfFd.get(fd) ?? -1 : -1));
  }
  const start = (r: HttpExchangeRow): number => r.request ?? r.response ?? 0;
  return out.sort((a, b) => start(a) - start(b));
}

/** Whether a row's texts hold `needle` (lower case): the fields the HTTP view's search reads, and the process. */
function rowMatches(r: HttpExchangeRow, needle: string): boolean {
  const texts = [r.method, r.host, r.uri, r.status === null ? '' : String(r.status), r.version, r.contentType, r.phrase, r.procName ?? '', r.pid === undefined ? '' : String(r.pid)];
  return texts.some((t) => t.toLowerCase().includes(needle));
}

function sortValue(r: HttpExchangeRow, key: NonNullable<HttpPageQuery['sort']>): number | string {
  switch (key) {
    case 'time': return r.request ?? r.response ?? 0;
    case 'version': return r.version;
    case 'method': return r.method;
    case 'host': return r.host;
    case 'uri': return r.uri;
    case 'status': return r.status ?? -1;
    case 'req': return r.request === null ? -1 : r.requestBodyBytes;
    case 'resp': return r.response === null ? -1 : r.responseBodyBytes;
    case 'type': return r.contentType;
    case 'duration': return r.duration ?? -1;
    case 'stream': return r.stream;
  }
}

/**
 * One page of a set's exchange list: the display filter over each exchange's request and
 * response events (as `httpExchanges` does for one capture), the search over the row texts
 * (`headers` is not read: the rows hold no headers), a stable sort.
 */
export function setHttpPage(capture: Capture, rows: readonly HttpExchangeRow[], q: HttpPageQuery): HttpPage {
  const t0 = performance.now();
  let view = [...rows];
  const text = q.filter?.trim() ?? '';
  if (text) {
    const c = compileFilterText(text);
    if (!c.ok) throw new Error(c.errors.map((e) => e.message).join('; '));
    const d = createDissection();
    view = view.filter((r) => [r.requestEnd, r.responseEnd].some((ev) => {
      if (ev === null) return false;
      capture.dissect(ev, d);
      return c.predicate(d);
    }));
  }
  const needle = q.search?.trim().toLowerCase() ?? '';
  if (needle) view = view.filter((r) => rowMatches(r, needle));
  if (q.sort) {
    const key = q.sort;
    const dir = q.descending ? -1 : 1;
    view = view.map((r, i) => ({ r, i, v: sortValue(r, key) })).sort((a, b) => (a.v < b.v ? -dir : a.v > b.v ? dir : a.i - b.i)).map((x) => x.r);
  } else if (q.descending) view.reverse();
  const count = Math.min(Math.max(0, q.count), MAX_HTTP_PAGE_ROWS);
  return { total: view.length, all: rows.length, start: q.start, rows: view.slice(q.start, q.start + count), ms: performance.now() - t0 };
}
