/**
 * The window's connection to its engine and the open-capture flows (by path, by uploaded File),
 * outside React. Components read UI state from the store and rows from `session.rows`.
 */
import { loadRules } from '../decode-as/rules.ts';
import { createEngineClient, type EngineClient } from '../../shared/engine-client.ts';
import type { CaptureInfo, CaptureTools, ColumnDef, EngineEvent, FilterResult, PacketCaptureParams, RowsPage, TraceParams } from '../../shared/rpc.ts';
import { useCapture } from '../capture/capture-store.ts';
import { sendColourRules } from '../colours/colour-sync.ts';
import type { AppHost } from '../host/app-host.ts';
import { loadLayout } from '../table/column-layout.ts';
import { followFieldColumns, rowsParams, withFieldColumns } from '../table/field-columns.ts';
import { createRowCache, PAGE_ROWS, type RowCache } from '../table/row-cache.ts';
import { ROW_HEIGHT } from '../table/scroll-math.ts';
import { initialState, useApp, type AppState } from './store.ts';

/** Upload chunk size for dropped files: large enough to be fast, small enough to show progress. */
export const UPLOAD_CHUNK = 1 << 20;
/** Shortest time between two progress updates of the window while indexing. */
const PROGRESS_MS = 100;

/**
 * What to open: a path (with `more` files opened with it as one capture: strace -ff per-process
 * logs, merged by time in the engine), or a dropped / picked File (uploaded in browser mode).
 */
export type OpenSource =
  | { kind: 'path'; path: string; more?: string[]; follow?: boolean }
  | { kind: 'file'; file: File; more?: File[] }
  /** A live capture the engine starts (Capture ▸ Trace a Command…, Capture ▸ Packets…), followed as it is written. */
  | { kind: 'trace'; params: TraceParams }
  | { kind: 'packets'; params: PacketCaptureParams };

const isLiveCapture = (s: OpenSource): s is Extract<OpenSource, { kind: 'trace' | 'packets' }> => s.kind === 'trace' || s.kind === 'packets';

/** The name the window shows for what is opened. */
function sourceName(s: OpenSource): string {
  if (s.kind === 'path') return baseName(s.path);
  if (s.kind === 'file') return s.file.name;
  if (s.kind === 'trace') return `strace ${baseName(s.params.argv[0] ?? '')}`;
  return `tcpdump -i ${s.params.iface}`;
}

export interface Session {
  readonly host: AppHost;
  client(): EngineClient | null;
  rows(): RowCache | null;
  /**
   * Open a capture. In the desktop app a capture gets its own window and engine, so unless
   * `inThisWindow` (the window's own capturePath) the request goes to the host.
   */
  open(source: OpenSource, inThisWindow?: boolean): Promise<void>;
  reopen(): Promise<void>;
  /**
   * Live on: open the capture's file again, followed (the engine reads on as it grows). Off:
   * stop following; what was read stays, the whole-capture scans (HTTP) run. Uploads cannot be
   * followed (their bytes come once): returns a message then.
   */
  setLive(on: boolean): Promise<string | null>;
  /** What live captures the engine's host allows (connecting to an engine if none is yet). */
  captureTools(): Promise<CaptureTools>;
  /** End the running live capture (its process group); the capture stays open, everything read. */
  stopCapture(): Promise<void>;
  cancel(): void;
  close(): void;
  /** Called by the table when the first page of rows is on screen. */
  markFirstRows(): void;
  /**
   * Apply a display filter (empty text: show everything). Resolves with the engine's answer,
   * or null when a newer filter replaced this one first. The table then pages the new view.
   */
  applyFilter(text: string): Promise<FilterResult | null>;
  /** Stop a running filter; the view stays as it was before it. */
  cancelFilter(): void;
  /** Put text into the filter bar, and apply it unless `prepareOnly` (Apply / Prepare as Filter). */
  setFilterText(text: string, prepareOnly?: boolean): void;
  /**
   * Sort the table by a column (null: event order) in the engine; the selected event stays
   * selected if it is shown. Resolves once the sorted rows can be fetched.
   */
  sortBy(column: string | null, descending?: boolean): Promise<void>;
}

/**
 * Performance marks `tl:<step>` of an open (DevTools' timeline, and `openSteps` for the e2e
 * bench): where the time to the first rows goes. `first` clears the previous open's marks.
 */
export function mark(step: string, first = false): void {
  if (typeof performance.mark !== 'function') return;
  if (first) for (const m of performance.getEntriesByType('mark')) if (m.name.startsWith('tl:')) performance.clearMarks(m.name);
  performance.mark(`tl:${step}`);
}

/** Milliseconds of each open step after `tl:open`, in order. */
export function openSteps(): [string, number][] {
  const marks = performance.getEntriesByType('mark').filter((m) => m.name.startsWith('tl:'));
  const t0 = marks.find((m) => m.name === 'tl:open')?.startTime ?? 0;
  return marks.map((m) => [m.name.slice(3), Math.round(m.startTime - t0)]);
}

/** Settings kept when a capture is opened or closed. */
const kept = (s: AppState): Partial<AppState> => ({ timeFormat: s.timeFormat });

/** Position of event `ev` in the table's current order, or -1 if it is not shown. */
export async function rowOfEvent(session: Session, ev: number): Promise<number> {
  const s = useApp.getState();
  // Event order without a filter: no need to ask.
  if (!s.view && !s.sort) return ev >= 1 && ev <= (s.info?.events ?? 0) ? ev - 1 : -1;
  const c = session.client();
  if (!c) return -1;
  const row = await c.call('rowOf', { event: ev });
  return row ?? -1;
}

/** Rows a window of this height shows at most (the first rows fetch asks for no more). */
function screenRows(): number | undefined {
  const h = typeof window === 'undefined' ? 0 : window.innerHeight;
  return h > 0 ? Math.ceil(h / ROW_HEIGHT) + 1 : undefined;
}

const baseName = (p: string): string => p.split(/[\\/]/).pop() ?? p;

/** An indexed capture with no events and warnings is unreadable, not empty. */
export function unreadable(info: CaptureInfo): string | null {
  if (info.done && info.events === 0 && info.warnings.length > 0) return info.warnings.join('\n');
  return null;
}

export function createSession(host: AppHost): Session {
  let client: EngineClient | null = null;
  let rows: RowCache | null = null;
  let last: OpenSource | null = null;
  let openStarted = 0;
  let generation = 0;
  let unlisten: (() => void) | null = null;
  /** Newest progress seen for this open: it may arrive before `open` and `columns` return. */
  let latest: CaptureInfo | null = null;
  /** The first rows the engine sent with its first progress (open's `firstRows`), until the row cache takes them. */
  let pushed: RowsPage | null = null;
  /** Whether this open's first page has arrived (pushed or fetched): the open steps mark it once. */
  let firstPageShown = false;
  /** The columns that came with the pushed first rows: the table need not wait for its `columns` answer. */
  let columnsPushed: (columns: ColumnDef[]) => void = () => {};
  /** Bumped by every filter request: only the newest one's answer changes the view. */
  let filterGen = 0;

  const fail = (title: string, detail: string, canReopen: boolean): void => {
    useApp.setState({ phase: 'error', error: { title, detail, canReopen } });
  };

  const onEvent = (gen: number) => (e: EngineEvent): void => {
    if (gen !== generation) return;
    if (e.type === 'progress') {
      // The engine's first word on the rows it has (an open step: the first rows wait for it).
      if (latest === null) mark('progress');
      const bad = unreadable(e.info);
      if (bad) {
        fail(`Cannot read ${e.info.name}`, bad, false);
        return;
      }
      latest = e.info;
      if (e.rows && pushed === null) {
        pushed = e.rows;
        if (e.columns) columnsPushed(e.columns);
        if (rows) seedFirstRows(rows);
      }
      // Following ended (Live off, the input closed, a read error): the capture is finished.
      if (e.info.done && useApp.getState().live) useApp.setState({ live: false });
      // The first rows are asked for as soon as the engine has some, while the window is still
      // mounting the capture view (the table finds them in the cache).
      if (rows && e.info.events > 0 && useApp.getState().phase === 'loading') rows.ensure(0, 1, e.info.events);
      if (useApp.getState().phase === 'open') showProgress(e.info);
    } else if (e.type === 'analysisProgress') {
      // Rows shown without their [TCP …] tags (pending) get them once the pass has reached them.
      const done = e.done;
      rows?.refresh((p) => p.pending !== undefined && p.events.some((ev, i) => p.pending?.[i] === 1 && ev <= done));
    } else if (e.type === 'httpProgress' && e.finished) {
      // HTTP rows (Protocol HTTP, the request and status lines) exist once the scan is done.
      rows?.refresh(() => true);
    } else if (e.type === 'filterProgress') {
      const run = useApp.getState().filterRun;
      if (run && run.text === e.text) useApp.setState({ filterRun: { text: e.text, matched: e.matched, tested: e.tested, total: e.total } });
    } else if (e.type === 'capture') {
      useCapture.setState({ status: e.status });
      // Once it has ended, the capture is its files: Reopen and Live read them, nothing runs again.
      if (e.status.state === 'ended' && last && isLiveCapture(last) && e.status.files[0]) last = { kind: 'path', path: e.status.files[0] };
    } else if (e.type === 'error') {
      const name = useApp.getState().fileName;
      fail(name ? `The engine stopped while showing ${name}` : 'The engine stopped', e.message, last !== null);
    }
  };

  /**
   * The pushed first rows into the row cache, unless the layout has field columns: they are
   * asked for with the table's cells, and the engine was asked before the layout (it is per
   * capture kind) was known.
   */
  const seedFirstRows = (cache: RowCache): boolean => {
    const page = pushed;
    if (!page || rowsParams(0, 1).fields !== undefined || !cache.seed(page)) return false;
    mark('first-page');
    firstPageShown = true;
    return true;
  };

  /**
   * Progress arrives every few tens of ms while indexing; each shown one re-renders the window,
   * which competes with scrolling. At most PROGRESS_MS apart, the last (done) at once.
   */
  let progressShown = 0;
  let progressTimer: ReturnType<typeof setTimeout> | null = null;
  const showProgress = (info: CaptureInfo): void => {
    if (progressTimer !== null) clearTimeout(progressTimer);
    progressTimer = null;
    const wait = progressShown + PROGRESS_MS - performance.now();
    if (info.done || info.cancelled || wait <= 0) {
      progressShown = performance.now();
      useApp.setState({ info });
      return;
    }
    const gen = generation;
    progressTimer = setTimeout(() => {
      progressTimer = null;
      if (gen !== generation || useApp.getState().phase !== 'open') return;
      progressShown = performance.now();
      // The newest seen by then: `latest` may be newer than the one this timer was set for.
      useApp.setState({ info: latest ?? info });
    }, wait);
  };

  const connect = async (): Promise<EngineClient> => {
    // Browser mode: one engine per connection, so a new capture gets a fresh connection.
    // Desktop: the window keeps the engine main gave it.
    if (client && host.mode === 'desktop') return client;
    disconnect();
    const port = await host.connectEngine();
    client = createEngineClient(port);
    return client;
  };

  const disconnect = (): void => {
    unlisten?.();
    unlisten = null;
    client?.close();
    client = null;
    rows = null;
  };

  /** Upload `files` in order (a capture set: one after the other, each chunk naming its file). */
  const streamUpload = async (c: EngineClient, files: File[], gen: number): Promise<void> => {
    for (let k = 0; k < files.length; k++) {
      const file = files[k];
      for (let off = 0; off < file.size || off === 0; off += UPLOAD_CHUNK) {
        if (gen !== generation) return;
        const end = Math.min(file.size, off + UPLOAD_CHUNK);
        const chunk = new Uint8Array(await file.slice(off, end).arrayBuffer());
        await c.call('upload', { chunk, last: end >= file.size && k === files.length - 1, ...(k > 0 ? { file: k } : {}) }, [chunk.buffer]);
        if (end >= file.size) break;
      }
    }
  };

  const session: Session = {
    host,
    client: () => client,
    rows: () => rows,
    async open(source, inThisWindow = false) {
      if (host.mode === 'desktop' && !inThisWindow && !isLiveCapture(source)) {
        const p = source.kind === 'path' ? source.path : host.pathForFile(source.file);
        // A set (several files) opens in this window; one file in its own.
        const several = (source.more?.length ?? 0) > 0;
        if (p !== null && !several) {
          await host.openPath(p).catch((e: unknown) => fail(`Cannot open ${baseName(p)}`, e instanceof Error ? e.message : String(e), false));
          return;
        }
      }
      const gen = ++generation;
      last = source;
      latest = null;
      pushed = null;
      firstPageShown = false;
      const pushedColumns = new Promise<ColumnDef[]>((r) => (columnsPushed = r));
      rows = null; // the previous capture's pages (desktop: same engine); a new cache follows the open
      const name = sourceName(source);
      useCapture.setState({ status: null });
      openStarted = performance.now();
      mark('open', true);
      useApp.setState({ ...initialState, ...kept(useApp.getState()), phase: 'loading', fileName: name });
      try {
        // A desktop drop carries a real path: open it like File → Open.
        const path = source.kind === 'path' ? source.path : source.kind === 'file' ? host.pathForFile(source.file) : null;
        const c = await connect();
        mark('connected');
        if (gen !== generation) return;
        unlisten = c.onEvent(onEvent(gen));
        // The colouring rules before the capture: its first rows page comes coloured (sent
        // after it, they would make the window fetch the rows it has just drawn again).
        void sendColourRules(c);
        // The user's Decode As rules, before the capture is indexed (a rule the engine cannot
        // apply is dropped there and does not stop the open).
        const rules = loadRules();
        if (rules.length > 0) await c.call('decodeAs', { rules });
        if (gen !== generation) return;
        let info: CaptureInfo;
        // A desktop drop of several files: every one has a path, or all are uploaded.
        const morePaths = source.kind === 'file' ? (source.more ?? []).map((f) => host.pathForFile(f)) : [];
        if (source.kind === 'trace') info = await c.call('startTrace', source.params);
        else if (source.kind === 'packets') info = await c.call('startPacketCapture', source.params);
        else if (path !== null && morePaths.every((m) => m !== null)) {
          const more = source.kind === 'path' ? (source.more ?? []) : (morePaths as string[]);
          const follow = source.kind === 'path' && source.follow === true;
          // The first screen of rows comes with the first progress (no request after it).
          const firstRows = { count: screenRows() ?? PAGE_ROWS };
          if (follow) info = await c.call('open', more.length === 0 ? { path, follow, firstRows } : { path, more, follow, firstRows });
          else if (more.length === 0) info = await c.call('open', { path, firstRows });
          else {
            try {
              info = await c.call('open', { path, more, firstRows });
            } catch (e) {
              // A set the engine refuses (a scap with strace logs): on the desktop
              // the files then open as they would one by one, the first here, each other in its own window.
              if (host.mode !== 'desktop') throw e;
              for (const m of more) host.openPath(m).catch(() => {});
              if (gen !== generation) return;
              info = await c.call('open', { path });
            }
          }
          mark('opened');
          host.addRecent(path);
        } else if (source.kind === 'file') {
          // The engine opens an uploaded capture once it has all of it.
          const more = source.more ?? [];
          await c.call('openUpload', { name: source.file.name, size: source.file.size, ...(more.length ? { more: more.map((f) => ({ name: f.name, size: f.size })) } : {}) });
          await streamUpload(c, [source.file, ...more], gen);
          if (gen !== generation) return;
          info = await c.call('info', null);
        } else {
          return;
        }
        if (gen !== generation) return;
        // The layout (custom field columns) and the row cache before the columns: the first
        // page is fetched as soon as the engine has rows (onEvent), with the layout's fields.
        const layout = loadLayout(info.kind);
        useApp.setState({ columnLayout: layout });
        // A page carries its exact times and the view generation it belongs to (row-cache.ts).
        const cache = createRowCache((start, count) => {
          if (firstPageShown) return c.call('rows', rowsParams(start, count));
          firstPageShown = true;
          mark('rows-asked');
          return c.call('rows', rowsParams(start, count)).then((page) => (mark('first-page'), page));
        }, (e) => {
          if (gen === generation) fail(`Cannot read rows of ${name}`, e.message, true);
        }, { firstRows: screenRows() });
        rows = cache;
        seedFirstRows(cache);
        const early = Math.max(info.events, (latest as CaptureInfo | null)?.events ?? 0);
        if (early > 0) cache.ensure(0, 1, early);
        // Whichever comes first: the answer, or the columns pushed with the first rows.
        const columns = await Promise.race([c.call('columns', null), pushedColumns]);
        mark('columns');
        if (gen !== generation) return;
        const seen = latest as CaptureInfo | null;
        const now = seen && seen.events >= info.events ? seen : info;
        const bad = unreadable(now);
        if (bad) {
          fail(`Cannot read ${name}`, bad, false);
          return;
        }
        useApp.setState({ phase: 'open', info: now, live: ((source.kind === 'path' && source.follow === true) || isLiveCapture(source)) && !now.done, columns: withFieldColumns(columns, layout), fileName: now.name || name, columnLayout: layout });
        mark('shown');
        // The catalogue drives validation and completion in the filter bar; the capture is
        // usable without it, so a failure only leaves the bar unchecked.
        c.call('fields', null).then(
          (fields) => gen === generation && useApp.setState({ fields }),
          () => {},
        );
      } catch (e) {
        if (gen !== generation) return;
        fail(`Cannot open ${name}`, e instanceof Error ? e.message : String(e), false);
      }
    },
    async reopen() {
      // Desktop: main starts a new engine and reloads the window, which opens its capture again.
      if (host.mode === 'desktop' && host.reopen) return host.reopen();
      if (!last) return;
      disconnect();
      await session.open(last);
    },
    async setLive(on) {
      if (on === useApp.getState().live) return null;
      if (!on) {
        useApp.setState({ live: false });
        // Live off during a live capture ends the capture (following without it would stop reading what it writes).
        const running = useCapture.getState().status;
        if (running && running.state === 'running') await client?.call('stopCapture', null).catch(() => {});
        else await client?.call('stopFollow', null).catch(() => {});
        return null;
      }
      if (!last || last.kind !== 'path') return 'Live follows a file on this machine: a dropped or uploaded capture arrives once and cannot grow.';
      const info = useApp.getState().info;
      if (info?.compressed) return `${info.name} is gzip-compressed: a gzip stream cannot be read on while it is written.`;
      if (info?.format === 'scap') return `${info.name} is a scap file: following scap files is not supported yet (open it again once sysdig has finished).`;
      await session.open({ ...last, follow: true }, true);
      return null;
    },
    async captureTools() {
      const c = client ?? (await connect());
      return c.call('captureTools', null);
    },
    async stopCapture() {
      await client?.call('stopCapture', null);
    },
    cancel() {
      client?.call('cancel', null).catch(() => {});
    },
    close() {
      generation++;
      last = null;
      // A capture still running ends with the window's capture (its programs, not just the view).
      if (useCapture.getState().status?.state === 'running') client?.call('stopCapture', null).catch(() => {});
      useCapture.setState({ status: null });
      disconnect();
      useApp.setState({ ...initialState, ...kept(useApp.getState()) });
    },
    async applyFilter(text) {
      const c = client;
      if (!c) return null;
      const gen = ++filterGen;
      const t = text.trim();
      const total = useApp.getState().info?.events ?? 0;
      useApp.setState({ filterRun: t ? { text: t, matched: 0, tested: 0, total } : null, filterError: null });
      let res: FilterResult;
      try {
        // Field references (`${ip.src}`, `$tcp.port`) read the selected event, as in Wireshark.
        const ref = t.includes('$') ? useApp.getState().selectedEvent : null;
        res = await c.call('filter', ref === null ? { text: t } : { text: t, reference: ref });
      } catch (e) {
        if (gen === filterGen) useApp.setState({ filterRun: null, filterError: e instanceof Error ? e.message : String(e) });
        return null;
      }
      if (gen !== filterGen || c !== client) return null;
      if (!res.ok || res.cancelled) {
        useApp.setState({ filterRun: null, filterError: res.errors[0]?.message ?? null });
        return res;
      }
      // A new view: positions mean other events now, so every cached page is stale. The
      // selected event stays selected when the new view shows it (as in Wireshark).
      rows?.clear();
      const sel = useApp.getState().selectedEvent;
      const row = sel === null ? null : await c.call('rowOf', { event: sel }).catch(() => null);
      if (gen !== filterGen || c !== client) return null;
      const keep = row !== null && sel !== null;
      useApp.setState({
        filterRun: null,
        view: t ? { text: t, matched: res.matched, total: res.total, ms: res.ms } : null,
        selectedRow: keep ? row : -1,
        selectedEvent: keep ? sel : null,
        ...(keep ? {} : { selectedField: null, hexSource: 0 }),
      });
      return res;
    },
    cancelFilter() {
      // The engine answers the running filter with `cancelled` and keeps the view in force.
      if (!useApp.getState().filterRun) return;
      filterGen++;
      useApp.setState({ filterRun: null });
      client?.call('cancelFilter', null).catch(() => {});
    },
    async sortBy(column, descending = false) {
      const c = client;
      if (!c) return;
      const want = column === null ? null : { column, descending };
      useApp.setState({ sorting: want ?? { column: '', descending: false }, sortError: null });
      try {
        await c.call('sort', { column, descending });
      } catch (e) {
        if (c === client) useApp.setState({ sorting: null, sortError: e instanceof Error ? e.message : String(e) });
        return;
      }
      if (c !== client) return;
      rows?.clear();
      const sel = useApp.getState().selectedEvent;
      const row = sel === null ? null : await c.call('rowOf', { event: sel }).catch(() => null);
      if (c !== client) return;
      useApp.setState({
        sort: want,
        sorting: null,
        selectedRow: row ?? -1,
        selectedEvent: row === null ? null : sel,
        ...(row === null ? { selectedField: null, hexSource: 0 } : {}),
      });
    },
    setFilterText(text, prepareOnly = false) {
      // The bar takes it from here (it records applied filters in its history).
      const seq = useApp.getState().barText.seq + 1;
      useApp.setState({ barText: { text, seq, apply: !prepareOnly } });
    },
    markFirstRows() {
      if (useApp.getState().firstRowsMs === null && openStarted > 0) {
        mark('first-rows');
        useApp.setState({ firstRowsMs: performance.now() - openStarted });
      }
    },
  };
  followFieldColumns(session);
  return session;
}
