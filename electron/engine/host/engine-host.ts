/**
 * The engine side of the RPC contract (shared/rpc.ts): one engine per open capture, served over
 * any Port. Every request is validated, every failure becomes an error response; nothing here
 * may throw out of the message handler or block for long (indexing yields between chunks).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename, sep } from 'node:path';
import { FIND_ENCODINGS, FIND_MODES, FIND_SCOPES, FOLLOW_FORMATS, HTTP_MESSAGES, STREAM_KINDS, isMethodName, type CaptureInfo, type ColumnDef, type EngineEvent, type RowsPage, type EventBytes, type StatsStage, STATS_CANCELLED, type MethodName, type Params, type Port, type RequestMessage, type ResponseMessage, type Result, HTTP_SORT_KEYS, MAX_BODY_BATCH, MAX_HTTP_PAGE_ROWS, MAX_EVENT_TABLE_ROWS, MAX_LINES_PAGE, COLUMN_FIELD_PREFIX, FIELD_COLUMN_PREFIX, fieldColumnId } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { fieldStrings } from '../dissectors/values.ts';
import { createDissection } from '../dissectors/dissection.ts';
import { fieldByName, fieldCatalogue } from '../fields/registry.ts';
import { openCaptures } from '../open-capture.ts';
import { addCaptureKeylog, exportCaptureKeylog, tlsStreams } from '../tls/capture-tls.ts';
import { siblingKeylogs, type KeylogAddResult } from '../tls/keylog.ts';
import { newKeylogLines } from './keylog-tail.ts';
import { detailsTree } from './details-tree.ts';
import { namedHosts, nameResolver, nameTree, withNamedCells } from './names-view.ts';
import { NAMES_OFF, type NameMode } from '../../../shared/names.ts';
import { sortEvents } from './sort-view.ts';
import { BODY_PAGE_BYTES, bodyPage, boundedReply, MAX_BODY_PAGE_BYTES, PAGE_BYTES, replySize, replyTransfer } from './reply-size.ts';
import { runFilter, type FilterRun } from '../filter/run-filter.ts';
import { createExtractor, previousDisplayed } from '../filter/extract.ts';
import { createPackedBuilder, packedBytes, packedValues } from '../../../shared/packed-values.ts';
import { packHttpRows } from '../../../shared/packed-http.ts';
import { createLinesBuilder, isLineStyle, linesBytes } from '../../../shared/field-lines.ts';
import { HTTP_LINE_FORMATS, httpLines } from '../../../shared/http-lines.ts';
import { eventTablePage } from '../filter/event-table.ts';
import { httpTablePage } from './http-table.ts';
import { MAX_HTTP_TABLE_ROWS } from '../../../shared/sql-table.ts';
import { decodeAsChoices, decodeAsRules, setDecodeAs } from '../dissectors/table.ts';
import { compileFilterText } from '../filter/compile.ts';
import { httpFilterEventsSliced, httpFilterNeedsNoScan } from '../layers/http-filter.ts';
import { collectExpert } from '../layers/expert.ts';
import { carriesNoLayer, openSession, pendingLayers, prepareStreams, protocolLayerChains, refreshTls, rowPending, runTcpAnalysis, scanHttp, withDeferredAnalysis, type CaptureSession } from '../layers/session.ts';
import { followPage, httpBodiesOf, httpBodyPageOf, httpExchangeRows, httpPageOf, listStreams } from './stream-service.ts';
import type { ExchangeView } from '../layers/exchange-view.ts';
import { confinePath } from './path-policy.ts';
import { computeStats, eventBytes, relativeMs } from '../stats/run-stats.ts';
import { chooseInterval, ioSeries } from '../stats/io-graph.ts';
import { syscallOverview } from '../stats/syscall-overview.ts';
import { httpTapMessages, httpTimedExchanges } from '../layers/http-taps.ts';
import { isStatName, STAT_NAMES } from '../../../shared/stats.ts';
import { parseIoStat } from '../../../shared/io-stat.ts';
import { MAX_PAGE, eventAt, eventTimeNs, rowsPage } from './rows-page.ts';
import { hfTimeDeltaDisplayed } from '../layers/column-fields.ts';
import { findRow } from './find.ts';
import { compileTailFilter, tailPage, type TailFilter } from './tail.ts';
import { followHttp } from '../layers/http-layer.ts';
import { harEntry } from '../layers/har.ts';
import type { HarEntry } from '../../../shared/har.ts';
import { compileColourRules, type CompiledColourRules } from '../filter/colour-rules.ts';
import { MAX_COLOUR_RULES, type ColourRule } from '../../../shared/colour-rules.ts';

/** Custom field columns one rows page computes at most (each costs a look-up per row). */
const MAX_FIELD_COLUMNS = 32;
import { MAX_UPLOAD_BYTES, type EngineHostOptions } from './host-options.ts';
import { createLiveCaptures } from './live-capture.ts';
import { warmUp } from './warm-up.ts';

/** I/O graph series per request (each is a filter run over the capture). */
const MAX_IO_SERIES = 8;

export { MAX_UPLOAD_BYTES, type EngineHostOptions };

interface EngineState {
  capture: Capture | undefined;
  indexing: Promise<void> | undefined;
  /** Events shown (filter result), or undefined for all events. */
  view: Uint32Array | undefined;
  /** Bumped whenever the table's rows change meaning (open, filter, sort): rows pages carry it. */
  generation: number;
  /** Sort order of the table, and the view permuted by it (undefined = event order). */
  sort: { column: string; descending: boolean } | undefined;
  sorted: Uint32Array | undefined;
  filterAbort: AbortController | undefined;
  /** The running statistics (stats, ioGraph, syscallOverview): cancelStats aborts them all. */
  statsAborts: Set<AbortController>;
  abort: AbortController | undefined;
  upload: { dir: string; path: string; fd: number; name: string; received: number; size: number; file: number; queue: { name: string; size: number }[]; paths: string[] } | undefined;
  /** Folder of the uploaded file that is the open capture (deleted on the next open and on close). */
  uploaded?: string;
  openError: string | undefined;
  /** Path of the open capture (for key logs next to it), and the files opened with it. */
  capturePath?: string;
  captureMore?: string[];
  /** Key log files added to the open capture: no longer offered as candidates beside it. */
  addedKeylogs?: Set<string>;
  /** The capture's stream layers (`capture` is its Capture, with the layer fields). */
  session?: CaptureSession;
  /** Resolves once the HTTP scan has indexed the capture (after indexing); see httpReady(). */
  httpReady?: Promise<void>;
  /** Starts that scan (at open, or on first need with EngineHostOptions.scanOnDemand). */
  startHttp?: () => Promise<void>;
  /** The HTTP tab's exchange list view (search, filter, sort), kept for its next pages. */
  http: { view?: ExchangeView };
  /** Filters running now: the background HTTP scan pauses while a filter that does not need it runs. */
  filtering: number;
  /** Requests waiting for the HTTP scan: the background TCP analysis pass waits while there are any. */
  httpWaiting: number;
  /** Set while the open capture is followed (open with follow): aborting it stops following. */
  followStop?: AbortController;
  /** Key log files added by path while following: read on as they grow (keylog-tail.ts). */
  followedKeylogs?: { path: string; next: number }[];
  /** The HAR export's exchange view (kept between its pages, apart from the HTTP tab's). */
  harView: { view?: ExchangeView };
  /** The last `tail` filter, compiled once for all the calls with its text. */
  tailFilter?: TailFilter;
  /** The colouring rules in force (compiled once per set), or undefined: rows carry no colours. */
  colours?: CompiledColourRules;
  findAbort?: AbortController;
  /** Name resolution from the capture (View ▸ Name Resolution, `-N`): kept across opens. */
  names: NameMode;
}

/** A rule set as the window sent it, checked field by field (it crosses a process boundary). */
function colourRulesParam(v: unknown): ColourRule[] | null {
  if (v === null) return null;
  if (!Array.isArray(v) || v.length > MAX_COLOUR_RULES) throw new Error(`rules must be null or a list of at most ${MAX_COLOUR_RULES} rules`);
  const rgb = (c: unknown): { r: number; g: number; b: number } => {
    const o = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
    const ok = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffff;
    if (!ok(o.r) || !ok(o.g) || !ok(o.b)) throw new Error('rule colours must be {r, g, b} with 16-bit components');
    return { r: o.r, g: o.g, b: o.b };
  };
  return v.map((x: unknown) => {
    const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
    if (typeof o.name !== 'string' || typeof o.filter !== 'string' || o.name.length > 4096 || o.filter.length > 10_000) throw new Error('a rule needs a name and a filter text');
    return { name: o.name, filter: o.filter, disabled: o.disabled === true, bg: rgb(o.bg), fg: rgb(o.fg) };
  });
}

/** Field names a filter text uses (empty when it does not compile: runFilter reports that). */
function filterFields(text: string): readonly string[] {
  const c = compileFilterText(text);
  return c.ok ? c.fields : [];
}

/** A request for a method of the contract (an unknown method is answered as an error, see below). */
function isRequest(m: unknown): m is RequestMessage {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return r.kind === 'request' && typeof r.id === 'number' && typeof r.method === 'string';
}

function intParam(p: unknown, key: string, min: number, max: number): number {
  const v = typeof p === 'object' && p !== null ? (p as Record<string, unknown>)[key] : undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`parameter ${key} must be an integer in ${min}..${max}`);
  }
  return v;
}

function stringParam(p: unknown, key: string): string {
  const v = typeof p === 'object' && p !== null ? (p as Record<string, unknown>)[key] : undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096) throw new Error(`parameter ${key} must be a non-empty string`);
  return v;
}

/** Whether a row of the page [start, start + count) of `view` may show a stream layer's Info. */
function pageMayCarryLayers(session: CaptureSession, view: Uint32Array | undefined, start: number, count: number, total: number): boolean {
  const n = Math.min(count, (view?.length ?? total) - start);
  for (let r = 0; r < n; r++) if (!carriesNoLayer(session, eventAt(view, start + r))) return true;
  return false;
}

function requireCapture(s: EngineState): Capture {
  if (!s.capture) throw new Error(s.openError ?? 'no capture is open');
  return s.capture;
}

/** Serve one engine on `port`. Returns a function that closes the capture. */
export function serveEngine(port: Port, options: EngineHostOptions = {}): () => void {
  const state: EngineState = { generation: 0, sort: undefined, sorted: undefined, capture: undefined, indexing: undefined, view: undefined, filterAbort: undefined, statsAborts: new Set(), abort: undefined, upload: undefined, openError: undefined, filtering: 0, httpWaiting: 0, http: {}, harView: {}, names: NAMES_OFF };
  const emit = (e: EngineEvent): void => port.postMessage(e);

  /**
   * One statistic's run: its statsProgress events, and cancelStats honoured at each step (the
   * HTTP scan wait, every slice of a filter, before counting). `end` once it has answered.
   */
  function statsRun(name: string) {
    const abort = new AbortController();
    state.statsAborts.add(abort);
    const { signal } = abort;
    const stop = (): void => {
      if (signal.aborted) throw new Error(STATS_CANCELLED);
    };
    const progress = (stage: StatsStage, done: number, total: number, extra: { filter?: string; step?: number; steps?: number } = {}): void =>
      emit({ kind: 'event', type: 'statsProgress', name, stage, done, total, ...extra });
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    return {
      stop,
      /** The HTTP scan (the http.* fields, the HTTP tap's messages), or the cancel, whichever comes first. */
      async http(): Promise<void> {
        const ready = httpReady();
        if (!ready) return;
        progress('http', 0, 0);
        await Promise.race([ready, aborted]);
        stop();
      },
      /** A display filter's events (as the filter method runs it), with its progress. */
      async filter(capture: Capture, text: string, step = 1, steps = 1): Promise<FilterRun> {
        const session = state.session;
        if (session && pendingLayers(session, filterFields(text)).some((l) => l.name === 'http')) await this.http();
        const total = capture.count();
        progress('filter', 0, total, { filter: text, step, steps });
        const run = await runFilter(capture, text, { signal, onProgress: (_matched, tested) => progress('filter', tested, total, { filter: text, step, steps }) });
        stop();
        return run;
      },
      compute(total: number): void {
        stop();
        progress('compute', 0, total);
      },
      end(): void {
        state.statsAborts.delete(abort);
      },
    };
  }

  /** A rows page as it stands now (the window's requests and the first page pushed with open). */
  function rowsNow(params: Params<'rows'>): RowsPage {
    const c = requireCapture(state);
    const names = params.fields;
    if (names !== undefined && (!Array.isArray(names) || names.length > MAX_FIELD_COLUMNS || names.some((f) => typeof f !== 'string'))) {
      throw new Error(`fields must be a list of at most ${MAX_FIELD_COLUMNS} field names`);
    }
    const fields = names && names.length > 0 ? { ids: names.map(fieldColumnId), texts: fieldTexts(c, names) } : undefined;
    const colours = state.colours;
    const start = intParam(params, 'start', 0, 2 ** 32);
    const count = intParam(params, 'count', 0, MAX_PAGE);
    const colour = colours && ((ev: number): number => colours.colour(c, ev));
    const session = state.session;
    // A followed capture (the window's Live): the HTTP scan reads on first, so the rows of
    // requests and responses show HTTP as soon as they are indexed.
    if (state.followStop && session) {
      readFollowedKeylogs();
      followHttp(session.http);
    }
    // The CLI (scanOnDemand) prints every row complete; the window's rows never wait on the TCP analysis pass.
    const named = withNamedCells(c, nameResolver(c, state.names));
    if (!session || options.scanOnDemand) return rowsPage(named, shown(), state.generation, start, count, colour, fields);
    return withDeferredAnalysis(session, () => rowsPage(named, shown(), state.generation, start, count, colour, fields, (ev) => rowPending(session, ev)));
  }

  async function startOpen(path: string, displayName?: string, more: string[] = [], follow = false, firstRows?: Params<'rows'>, httpHeads = false): Promise<CaptureInfo> {
    state.followStop?.abort();
    state.followStop = follow ? new AbortController() : undefined;
    state.tailFilter = undefined;
    if (state.capture) {
      state.abort?.abort();
      state.capture.close();
      state.capture = undefined;
    }
    state.openError = undefined;
    const abort = new AbortController();
    state.abort = abort;
    /** Set once this open's capture is the engine's: the first rows can be answered from then on. */
    let opened = false;
    let wantRows = firstRows;
    const firstPage = (info: CaptureInfo): { rows?: RowsPage; columns?: ColumnDef[] } => {
      if (!wantRows || !opened || info.events === 0 || state.abort !== abort) return {};
      const q = wantRows;
      wantRows = undefined;
      try {
        const page = rowsNow(q);
        return state.capture ? { rows: page, columns: state.capture.columns() } : {};
      } catch {
        return {}; // the window asks for them as usual
      }
    };
    try {
      const { capture, indexing } = await openCaptures([path, ...more], {
        signal: abort.signal,
        follow: state.followStop && { stop: state.followStop.signal },
        httpHeads,
        onProgress: (info) => emit({ kind: 'event', type: 'progress', info: displayName ? { ...info, name: displayName } : info, ...firstPage(info) }),
      });
      const session = openSession(capture);
      state.session = session;
      state.capture = session.capture;
      state.capturePath = path;
      state.captureMore = more;
      state.addedKeylogs = new Set();
      state.followedKeylogs = [];
      state.indexing = indexing;
      state.view = undefined;
      state.sort = undefined;
      state.sorted = undefined;
      state.http = {};
      state.harView = {};
      state.generation++;
      // HTTP fields come from one scan of the streams into a column index (layers/http-layer.ts),
      // run in slices so rows/details are answered meanwhile, and abandoned when the capture closes.
      state.httpReady = undefined;
      // The window's background passes wait for this short one (a few steps of the index):
      // a jump far into the capture right after indexing then finds the stream lists built.
      const prepared = options.scanOnDemand ? Promise.resolve(true) : indexing.then(() => prepareStreams(session, abort.signal), () => false);
      state.startHttp = () => indexing.then(async () => {
        if (!(await prepared) || state.session !== session || abort.signal.aborted) return;
        const ok = await scanHttp(session, {
          signal: abort.signal,
          paused: () => state.filtering > 0,
          onProgress: (p) => emit({ kind: 'event', type: 'httpProgress', done: p.done, total: p.total, messages: p.messages, finished: false }),
        });
        if (!ok || state.session !== session || abort.signal.aborted) return;
        const n = session.capture.count();
        emit({ kind: 'event', type: 'httpProgress', done: n, total: n, messages: session.http.messages, finished: true });
      }).catch((e: unknown) => emit({ kind: 'event', type: 'error', message: `HTTP scan: ${(e as Error).message}` }));
      if (!options.scanOnDemand) {
        httpReady();
        // The window's rows show the [TCP …] tags of frames up to this pass at once, and of
        // frames farther ahead once it gets there (analysisProgress); the CLI analyses on demand.
        indexing.then(async () => {
          if (state.session !== session || abort.signal.aborted || !session.tcpAnalysis) return;
          if (!(await prepared)) return;
          const ok = await runTcpAnalysis(session, {
            signal: abort.signal,
            // A request waiting for the HTTP scan (the HTTP tab's first page) gets the thread for it.
            paused: () => state.httpWaiting > 0,
            onProgress: (done, total) => emit({ kind: 'event', type: 'analysisProgress', done, total, finished: false }),
          });
          if (!ok || state.session !== session) return;
          const n = session.tcpAnalysis.done;
          emit({ kind: 'event', type: 'analysisProgress', done: n, total: n, finished: true });
        }).catch((e: unknown) => emit({ kind: 'event', type: 'error', message: `TCP analysis: ${(e as Error).message}` }));
      }
      indexing.catch((e: unknown) => emit({ kind: 'event', type: 'error', message: (e as Error).message }));
      opened = true;
      const info = capture.info();
      return displayName ? { ...info, name: displayName } : info;
    } catch (e) {
      // An uploaded file is known to the window by its name: never show the server's temp path.
      const message = displayName ? (e as Error).message.split(path).join(displayName) : (e as Error).message;
      state.openError = message;
      throw message === (e as Error).message ? e : new Error(message);
    }
  }

  /**
   * The new lines of the key logs followed (added by path while following, a trace's), into the
   * open capture before a tail or rows answer: the secrets written before the events just
   * indexed are then in (a program writes a session's key log lines before its data).
   */
  function readFollowedKeylogs(): void {
    const c = state.capture;
    if (!c || !state.followedKeylogs) return;
    let added = 0;
    for (const k of state.followedKeylogs) {
      const { text, next } = newKeylogLines(k.path, k.next);
      k.next = next;
      if (text !== '') added += addCaptureKeylog(c, { text }).added;
    }
    if (added > 0 && !options.scanOnDemand) void keysAdded(c);
  }

  /** Follow a key log that is still written beside the followed capture (from its start). */
  function followKeylog(path: string): string {
    const first = newKeylogLines(path, 0);
    state.followedKeylogs?.push({ path, next: first.next });
    if (state.session) state.session.http.keysExpected = true;
    const int = state.capture?.internals();
    if (int?.kind === 'set') int.expectKeys?.();
    return first.text;
  }

  /** Keys were added to `c`: once its HTTP scan has run, the streams they open are indexed again. */
  async function keysAdded(c: Capture): Promise<void> {
    if (!c.info().done) return;
    await httpReady();
    const session = state.session;
    if (state.capture === c && session) {
      refreshTls(session);
      emit({ kind: 'event', type: 'httpProgress', done: c.count(), total: c.count(), messages: session.http.messages, finished: true });
    }
  }

  /**
   * The session while its capture is followed and still growing (not a set): the HTTP tab's
   * requests are answered from the follow scan, brought up to the events indexed so far (and
   * the key logs read on), instead of waiting for the file to be finished.
   */
  function liveHttpSession(): CaptureSession | undefined {
    const c = state.capture;
    const session = state.session;
    if (!c || !session || !state.followStop || c.info().done || c.internals().kind === 'set') return undefined;
    readFollowedKeylogs();
    followHttp(session.http);
    return session;
  }

  /** The HTTP scan of the open capture, started now if it has not been. */
  function httpReady(): Promise<void> | undefined {
    if (!state.httpReady && state.startHttp) state.httpReady = state.startHttp();
    return state.httpReady;
  }

  /** httpReady, awaited by a request: the TCP analysis pass waits meanwhile, so the scan the user waits on runs alone. */
  async function httpAwaited(): Promise<void> {
    const ready = httpReady();
    if (!ready) return;
    state.httpWaiting++;
    try {
      await ready;
    } finally {
      state.httpWaiting--;
    }
  }

  const live = createLiveCaptures({
    allowed: options.capture?.allowed === true,
    note: options.capture?.note ?? 'this engine\'s host does not start capture programs',
    tempDir: options.uploadDir,
    emit,
    openFollowed: async (path, keylog, more) => {
      dropUploads();
      const info = await startOpen(path, undefined, more ?? [], true);
      // Its secrets are added as they are written: not a candidate for the window to offer.
      if (keylog) {
        state.addedKeylogs?.add(keylog);
        const text = followKeylog(keylog);
        if (text !== '' && state.capture) addCaptureKeylog(state.capture, { text });
      }
      return info;
    },
    stopFollowing: async () => {
      state.followStop?.abort();
      await state.indexing?.catch(() => {});
    },
    addKeys: async (text) => {
      const c = state.capture;
      if (!c) return;
      // Mostly read already by readFollowedKeylogs (then nothing is added here).
      if (addCaptureKeylog(c, { text }).added > 0) await keysAdded(c);
    },
  });

  const d = createDissection();
  /**
   * Cell texts of custom field columns: the field's occurrences joined by "," (as `tshark -T
   * fields` and the CLI's -e print them). One re-dissection per event for all the fields (not
   * the extract path's index columns: those may not cover a page asked for while indexing runs).
   */
  const fieldTexts = (c: Capture, names: readonly string[]): ((event: number) => string[]) => {
    const defs = names.map((name) => {
      const f = fieldByName(name);
      if (!f) throw new Error(`"${name}" is not a field`);
      return f;
    });
    // frame.time_delta_displayed is measured from the previous event of the filtered view.
    const delta = defs.some((f) => f === hfTimeDeltaDisplayed) ? createExtractor(c, [hfTimeDeltaDisplayed], (e) => eventTimeNs(c, e)) : undefined;
    return (event) => {
      c.dissect(event, d);
      return defs.map((f) => (f === hfTimeDeltaDisplayed && delta ? delta.values(event, previousDisplayed(state.view, event))[0] : fieldStrings(d, f)).join(','));
    };
  };

  /** The path `open`/`addKeylog` may read for `p`; throws outside the host's allowed set. */
  const allow = (p: string): string => {
    if (!options.allowed) return p;
    const liveDir = live.dir();
    const dirs = [...options.allowed.dirs, ...(options.uploadDir ? [options.uploadDir] : []), ...(liveDir ? [liveDir] : [])];
    return confinePath({ files: options.allowed.files, dirs }, p);
  };

  /** Delete the upload being received and the folder of an uploaded capture (closing it first). */
  /**
   * Where upload file `k` goes: its own name made safe (frame.file shows it), the first in the
   * upload's folder, each further one in a subfolder of its own (two files may share a name).
   */
  function uploadPath(dir: string, name: string, k: number): string {
    const safe = name.replace(/[^\w.-]/g, '_') || 'capture';
    if (k === 0) return join(dir, safe);
    const sub = join(dir, String(k));
    mkdirSync(sub, { mode: 0o700 });
    return join(sub, safe);
  }

  function dropUploads(): void {
    const up = state.upload;
    state.upload = undefined;
    if (up) {
      closeSync(up.fd);
      rmSync(up.dir, { recursive: true, force: true });
    }
    const done = state.uploaded;
    state.uploaded = undefined;
    if (done) {
      if (state.capturePath?.startsWith(done + sep)) {
        state.abort?.abort();
        state.capture?.close();
        state.capture = undefined;
      }
      rmSync(done, { recursive: true, force: true });
    }
  }

  /** The events the table shows, in display order. */
  const shown = (): Uint32Array | undefined => state.sorted ?? state.view;

  function resort(): void {
    state.generation++;
    // A find running over the old order would answer a position in it.
    state.findAbort?.abort();
    const c = state.capture;
    if (!c || !state.sort) {
      state.sorted = undefined;
      return;
    }
    const base = state.view ?? Uint32Array.from({ length: c.count() }, (_, i) => i + 1);
    const col = state.sort.column;
    const field = col.startsWith(FIELD_COLUMN_PREFIX) ? fieldTexts(c, [col.slice(FIELD_COLUMN_PREFIX.length)]) : undefined;
    state.sorted = sortEvents(c, base, col, state.sort.descending, field && ((e) => field(e)[0]));
  }

  function setView(v: Uint32Array | undefined): void {
    state.view = v;
    resort();
  }

  /** One entry per RPC method of shared/rpc.ts: its parameters and result are typed by the contract. */
  const handlers: { [M in MethodName]: (params: Params<M>) => Promise<Result<M>> | Result<M> } = {
    open: async (params) => {
      const more = params.more ?? [];
      if (!Array.isArray(more) || more.length > 4096 || more.some((m) => typeof m !== 'string' || m.length === 0 || m.length > 4096)) {
        throw new Error('parameter more must be a list of file paths');
      }
      const path = allow(stringParam(params, 'path'));
      const others = more.map(allow);
      if (params.follow !== undefined && typeof params.follow !== 'boolean') throw new Error('parameter follow must be true or false');
      const first = params.firstRows;
      if (first !== undefined && (typeof first !== 'object' || first === null)) throw new Error('parameter firstRows must be { count, fields? }');
      const firstRows = first && { start: 0, count: intParam(first, 'count', 1, MAX_PAGE), ...(first.fields !== undefined ? { fields: first.fields } : {}) };
      // Another capture replaces a live one: its programs are stopped first (its folder stays
      // until the next live capture, so its files can be opened, e.g. as a set).
      await live.stop();
      dropUploads();
      return await startOpen(path, undefined, others, params.follow === true, firstRows, params.httpHeads === true);
    },
    stopFollow: () => {
      state.followStop?.abort();
      return null;
    },
    captureTools: () => live.tools(),
    startTrace: (params) => live.startTrace(params),
    startPacketCapture: (params) => live.startPackets(params),
    stopCapture: () => live.stop(),
    tail: async (params) => {
      const c = requireCapture(state);
      const after = intParam(params, 'after', 0, 2 ** 32);
      const count = intParam(params, 'count', 1, MAX_PAGE);
      const until = params.until === undefined ? undefined : intParam(params, 'until', 1, 2 ** 32);
      const text = params.filter === undefined ? '' : params.filter;
      if (typeof text !== 'string' || text.length > 100_000) throw new Error('filter must be a string');
      const names = params.fields;
      if (names !== undefined && (!Array.isArray(names) || names.length > MAX_FIELD_COLUMNS || names.some((f) => typeof f !== 'string'))) {
        throw new Error(`fields must be a list of at most ${MAX_FIELD_COLUMNS} field names`);
      }
      const fields = names?.map((name) => {
        const f = fieldByName(name);
        if (!f) throw new Error(`"${name}" is not a field`);
        return f;
      });
      // http.* values come from the HTTP scan, which tail resumes up to the events indexed.
      if (fields && state.session && pendingLayers(state.session, names ?? []).some((l) => l.name !== 'http') && !c.info().done) {
        throw new Error(`${(names ?? []).join(', ')}: fields of a layer with a whole-capture scan are not available while the capture is followed`);
      }
      if (text.trim() !== '' && state.tailFilter?.text !== text.trim()) state.tailFilter = compileTailFilter(state.session, text.trim());
      readFollowedKeylogs();
      return await tailPage(c, state.session, { after, until, count, filter: text.trim() === '' ? undefined : state.tailFilter, fields }, state.generation);
    },
    openUpload: (params) => {
      const name = basename(stringParam(params, 'name'));
      const size = intParam(params, 'size', 0, Number.MAX_SAFE_INTEGER);
      const limit = options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
      if (size > limit) throw new Error(`${name} is ${size} bytes, more than the upload limit of ${limit} bytes (npm run web -- --max-upload BYTES raises it, or name the file on its command line)`);
      // Further files of a capture set: each checked like the first, together under the limit.
      const more = Array.isArray(params.more) ? params.more.map((m, i) => {
        const mp = m as unknown as Record<string, unknown>;
        if (typeof mp?.name !== 'string') throw new Error(`more[${i}].name must be a string`);
        return { name: basename(mp.name), size: intParam(mp, 'size', 0, Number.MAX_SAFE_INTEGER) };
      }) : [];
      const total = more.reduce((a, m) => a + m.size, size);
      if (total > limit) throw new Error(`the ${more.length + 1} files are ${total} bytes, more than the upload limit of ${limit} bytes (npm run web -- --max-upload BYTES raises it, or name the files on its command line)`);
      dropUploads();
      // mkdtemp makes the folder 0700; the file inside is 0600 and must not exist yet.
      const dir = mkdtempSync(join(options.uploadDir ?? tmpdir(), 'tracelens-upload-'));
      const path = uploadPath(dir, name, 0);
      state.upload = { dir, path, fd: openSync(path, 'wx', 0o600), name, received: 0, size, file: 0, queue: more, paths: [path] };
      return { name, path: '', format: 'pcap', kind: 'packets', compressed: false, events: 0, bytesRead: 0, fileSize: size, firstTimeNs: null, lastTimeNs: null, linkTypes: [], warnings: [], done: false, cancelled: false, loadMs: 0, extra: {} };
    },
    upload: async (params) => {
      const up = state.upload;
      if (!up) throw new Error('upload without openUpload');
      const p = params;
      if (!(p.chunk instanceof Uint8Array)) throw new Error('upload chunk must be bytes');
      const file = p.file === undefined ? 0 : intParam(p, 'file', 0, up.file + 1);
      if (file === up.file + 1) {
        // The next file of the set: the current one must be complete.
        const next = up.queue[file - 1];
        if (up.received !== up.size || !next) {
          dropUploads();
          throw new Error(!next ? `upload of file ${file}: only ${up.queue.length + 1} files were declared; discarded` : `upload of ${up.name} ended after ${up.received} of the ${up.size} bytes it declared; discarded`);
        }
        closeSync(up.fd);
        up.file = file;
        up.name = next.name;
        up.size = next.size;
        up.received = 0;
        up.path = uploadPath(up.dir, next.name, file);
        up.paths.push(up.path);
        up.fd = openSync(up.path, 'wx', 0o600);
      } else if (file !== up.file) {
        dropUploads();
        throw new Error(`upload chunk of file ${file} while file ${up.file} is uploaded; discarded`);
      }
      const received = up.received + p.chunk.length;
      if (received > up.size || (p.last === true && received !== up.size)) {
        dropUploads();
        throw new Error(received > up.size
          ? `upload of ${up.name} sent more than the ${up.size} bytes it declared; discarded`
          : `upload of ${up.name} ended after ${received} of the ${up.size} bytes it declared; discarded`);
      }
      writeSync(up.fd, p.chunk, 0, p.chunk.length, up.received);
      up.received = received;
      if (p.last === true) {
        if (up.file !== up.queue.length) {
          dropUploads();
          throw new Error(`upload ended after ${up.file + 1} of the ${up.queue.length + 1} files it declared; discarded`);
        }
        closeSync(up.fd);
        state.upload = undefined;
        state.uploaded = up.dir;
        await startOpen(up.paths[0], up.paths.length > 1 ? undefined : up.name, up.paths.slice(1));
      }
      return null;
    },
    info: () => {
      return requireCapture(state).info();
    },
    cancel: () => {
      state.abort?.abort();
      return null;
    },
    sort: async (params) => {
      const c = requireCapture(state);
      const p = params;
      const customField = typeof p?.column === 'string' && p.column.startsWith(FIELD_COLUMN_PREFIX) && fieldByName(p.column.slice(FIELD_COLUMN_PREFIX.length)) !== undefined;
      if (p?.column !== null && !customField && (typeof p?.column !== 'string' || !c.columns().some((x) => x.id === p.column))) {
        throw new Error('sort column must be one of the table columns, a field column or null');
      }
      await state.indexing;
      const t0 = performance.now();
      state.sort = p.column === null ? undefined : { column: p.column, descending: p.descending === true };
      resort();
      return { ms: performance.now() - t0, rows: shown()?.length ?? c.count() };
    },
    rowOf: (params) => {
      const c = requireCapture(state);
      const ev = intParam(params, 'event', 1, 2 ** 32);
      const order = shown();
      if (!order) return ev <= c.count() ? ev - 1 : null;
      const at = order.indexOf(ev);
      return at < 0 ? null : at;
    },
    cancelFilter: () => {
      state.filterAbort?.abort();
      state.filterAbort = undefined;
      return null;
    },
    columns: () => {
      return requireCapture(state).columns();
    },
    rows: async (params) => {
      const c = requireCapture(state);
      const session = state.session;
      // The CLI's rows show the HTTP scan's Info (as tshark's): a page waits for the scan unless
      // none of its rows can carry a layer (SYNs, bare ACKs: `list -f 'tcp.flags.syn == 1'`).
      if (session && options.scanOnDemand && c.info().done) {
        const start = intParam(params, 'start', 0, 2 ** 32);
        const count = intParam(params, 'count', 0, MAX_PAGE);
        if (pageMayCarryLayers(session, shown(), start, count, c.count())) await httpAwaited();
      }
      return rowsNow(params);
    },
    nameResolution: (params) => {
      const p = params as Partial<NameMode> | null;
      if (typeof p?.network !== 'boolean' || (p.dns !== undefined && typeof p.dns !== 'boolean')) throw new Error('nameResolution takes { network: boolean, dns: boolean }');
      state.names = { network: p.network, dns: p.dns === true };
      // The cached pages' Source/Destination cells are stale.
      state.generation++;
      const c = state.capture;
      return { generation: state.generation, named: c ? namedHosts(c, state.names).length : 0 };
    },
    hosts: () => namedHosts(requireCapture(state), state.names),
    colourRules: (params) => {
      const rules = colourRulesParam((params as { rules?: unknown } | null)?.rules ?? null);
      state.colours = rules ? compileColourRules(rules) : undefined;
      // The cached pages' colours are stale: a new generation makes the window drop them.
      state.generation++;
      return { status: state.colours?.status ?? [], generation: state.generation };
    },
    find: async (params) => {
      const c = requireCapture(state);
      const p = params;
      if (!FIND_MODES.includes(p?.mode)) throw new Error(`mode must be one of ${FIND_MODES.join(', ')}`);
      if (typeof p.text !== 'string') throw new Error('text must be a string');
      if (p.scope !== undefined && !FIND_SCOPES.includes(p.scope)) throw new Error(`scope must be one of ${FIND_SCOPES.join(', ')}`);
      if (p.encoding !== undefined && !FIND_ENCODINGS.includes(p.encoding)) throw new Error(`encoding must be one of ${FIND_ENCODINGS.join(', ')}`);
      const from = intParam(params, 'from', -1, 2 ** 32);
      state.findAbort?.abort();
      const abort = new AbortController();
      state.findAbort = abort;
      await state.indexing;
      // A string in the details may be in http.* labels: they exist once the HTTP scan is done.
      if (p.mode === 'filter' && state.session && pendingLayers(state.session, filterFields(p.text)).some((l) => l.name === 'http')) await (state.httpReady && httpAwaited());
      if (abort.signal.aborted) return { row: null, event: null, wrapped: false, cancelled: true, tested: 0, ms: 0 };
      return await findRow(c, shown(), { mode: p.mode, text: p.text, scope: p.scope, encoding: p.encoding, caseSensitive: p.caseSensitive === true, backward: p.backward === true, from }, {
        signal: abort.signal,
        onProgress: (tested, total) => emit({ kind: 'event', type: 'findProgress', tested, total }),
      });
    },
    cancelFind: () => {
      state.findAbort?.abort();
      state.findAbort = undefined;
      return null;
    },
    filter: async (params) => {
      const c = requireCapture(state);
      const p = params;
      if (typeof p?.text !== 'string' || p.text.length > 100_000) throw new Error('filter text must be a string');
      state.filterAbort?.abort();
      const abort = new AbortController();
      state.filterAbort = abort;
      const t0 = performance.now();
      await state.indexing;
      const text = p.text.trim();
      if (abort.signal.aborted) {
        const n = state.view ? state.view.length : c.count();
        return { ok: true, text, matched: n, total: c.count(), cancelled: true, errors: [], warnings: [], ms: performance.now() - t0 };
      }
      if (text === '') {
        setView(undefined);
        return { ok: true, text, matched: c.count(), total: c.count(), cancelled: false, errors: [], warnings: [], ms: 0 };
      }
      const total = c.count();
      const session = state.session;
      // Wait for a layer's scan only when the filter names one of its fields (tcp.stream == 5
      // never waits for HTTP).
      if (session && pendingLayers(session, filterFields(text)).some((l) => l.name === 'http') && !httpFilterNeedsNoScan(session, text)) await httpAwaited();
      if (abort.signal.aborted) {
        return { ok: true, text, matched: state.view ? state.view.length : total, total, cancelled: true, errors: [], warnings: [], ms: performance.now() - t0 };
      }
      // Filters on http.* fields only: evaluated over the HTTP index, no frame re-dissection.
      let fast: number[] | null | 'cancelled' = null;
      try {
        if (session) fast = await httpFilterEventsSliced(session, text, { signal: abort.signal });
      } catch {
        // A filter error is reported by runFilter below with its position.
        fast = null;
      }
      if (fast === 'cancelled') {
        return { ok: true, text, matched: state.view ? state.view.length : total, total, cancelled: true, errors: [], warnings: [], ms: performance.now() - t0 };
      }
      if (fast) {
        setView(Uint32Array.from(fast));
        return { ok: true, text, matched: fast.length, total, cancelled: false, errors: [], warnings: [], ms: performance.now() - t0 };
      }
      state.filtering++;
      const run = await runFilter(c, text, {
        referenceEvent: typeof p.reference === 'number' && Number.isInteger(p.reference) ? p.reference : undefined,
        signal: abort.signal,
        onProgress: (matched, tested) => emit({ kind: 'event', type: 'filterProgress', text, matched, tested, total }),
      }).finally(() => state.filtering--);
      const ms = performance.now() - t0;
      if (!run.ok) {
        return { ok: false, text, matched: state.view ? state.view.length : total, total, cancelled: false, errors: run.errors, warnings: [], ms };
      }
      if (!run.cancelled) setView(run.events);
      return { ok: true, text, matched: run.events.length, total, cancelled: run.cancelled, errors: [], warnings: run.warnings, ms };
    },
    details: (params) => {
      const c = requireCapture(state);
      // Answered at once, also while the HTTP scan runs (its http.* fields appear once it is
      // finished: the httpProgress event with finished: true says when to ask again). A frame
      // past the TCP analysis pass has it run up to the frame here (at most the pass's rest).
      c.dissect(intParam(params, 'event', 1, c.count()), d);
      return nameTree(detailsTree(d), nameResolver(c, state.names));
    },
    bytes: (params) => {
      const c = requireCapture(state);
      const ev = intParam(params, 'event', 1, c.count());
      // The bytes do not depend on the TCP analysis: never wait for it.
      if (state.session) withDeferredAnalysis(state.session, () => c.dissect(ev, d));
      else c.dissect(ev, d);
      const out: EventBytes = { sources: d.sources.map((s) => ({ name: s.name, bytes: s.bytes.slice() })) };
      return out;
    },
    fields: () => {
      return fieldCatalogue();
    },
    extract: async (params) => {
      const c = requireCapture(state);
      const p = params;
      if (!Array.isArray(p.fields) || p.fields.some((f) => typeof f !== 'string')) throw new Error('fields must be a list of field names');
      // Values of a layer's fields need its scan, and so do the column fields (`_ws.col.Protocol`
      // reads HTTP on the rows the scan marks); other fields are answered at once.
      const wantsLayers = (names: readonly string[]): boolean => names.some((f) => f.startsWith(COLUMN_FIELD_PREFIX)) || (state.session !== undefined && pendingLayers(state.session, names).length > 0);
      if (c.info().done && state.session && wantsLayers(p.fields)) await httpAwaited();
      // tshark's column fields (`_ws.col.Protocol`, `_ws.col.Info` …): the table's cells by title.
      const columns = c.columns();
      const defs = p.fields.map((name) => {
        const col = name.startsWith(COLUMN_FIELD_PREFIX) ? columns.findIndex((x) => x.title === name.slice(COLUMN_FIELD_PREFIX.length)) : -1;
        if (col >= 0) return col;
        const f = fieldByName(name);
        if (!f) throw new Error(`"${name}" is not a field`);
        return f;
      });
      if (p.lines !== undefined && !isLineStyle(p.lines)) throw new Error('lines must be a field style (separator, aggregator, quote, occurrence)');
      const start = intParam(params, 'start', 0, 2 ** 32);
      const count = intParam(params, 'count', 0, p.lines ? MAX_LINES_PAGE : MAX_PAGE);
      const total = shown()?.length ?? c.count();
      const n = Math.max(0, Math.min(count, total - start));
      const events = new Uint32Array(n);
      const values: string[][][] = [];
      let bytes = 0;
      // Indexed numbers from the columns, other fields from a dissection recording only them.
      const extractor = createExtractor(withNamedCells(c, nameResolver(c, state.names)), defs, (e) => eventTimeNs(c, e));
      if (p.lines) {
        const b = createLinesBuilder();
        const view = shown();
        let r = 0;
        for (; r < n && b.n <= PAGE_BYTES; r++) {
          const ev = eventAt(view, start + r);
          events[r] = ev;
          extractor.line(ev, extractor.wantsPrevious ? previousDisplayed(state.view, ev) : undefined, p.lines, b);
        }
        return { events: events.slice(0, r), values: [], lines: linesBytes(b) };
      }
      if (p.packed === true) {
        const b = createPackedBuilder();
        let r = 0;
        for (; r < n && packedBytes(b) <= PAGE_BYTES; r++) {
          const ev = eventAt(shown(), start + r);
          events[r] = ev;
          extractor.pack(ev, extractor.wantsPrevious ? previousDisplayed(state.view, ev) : undefined, b);
        }
        return { events: events.subarray(0, r), values: [], packed: packedValues(b) };
      }
      for (let r = 0; r < n && bytes <= PAGE_BYTES; r++) {
        const ev = eventAt(shown(), start + r);
        events[r] = ev;
        values.push(extractor.values(ev, previousDisplayed(state.view, ev)));
        bytes += replySize(values[r], PAGE_BYTES);
      }
      // A short page when its values are large (http.file_data): the client asks on from there.
      return { events: events.subarray(0, values.length), values };
    },
    addKeylog: async (params) => {
      const c = requireCapture(state);
      const p = params;
      if (typeof p?.path !== 'string' && typeof p?.text !== 'string' && typeof p?.psk !== 'string') throw new Error('addKeylog needs a path, a text or a psk');
      let r: KeylogAddResult;
      if (typeof p.psk !== 'string' && typeof p.text !== 'string' && state.followStop && !c.info().done) {
        // A followed capture's key log is likely still written too: read on as it grows.
        const path = allow(stringParam(params, 'path'));
        r = existsSync(path) ? addCaptureKeylog(c, { text: followKeylog(path) }) : addCaptureKeylog(c, { path });
      } else r = addCaptureKeylog(c, typeof p.psk === 'string' ? { psk: p.psk } : typeof p.text === 'string' ? { text: p.text } : { path: allow(stringParam(params, 'path')) });
      if (typeof p.path === 'string' && r.added > 0) state.addedKeylogs?.add(p.path);
      // The CLI (scanOnDemand) decrypts when a TLS/HTTP field, an HTTP command or a follow needs it
      // (refreshTls on use): `-f 'tcp.stream == 5'` with a key log then decrypts nothing.
      // HTTP rows and http.* fields of the streams these keys decrypt, without reopening.
      if (r.added > 0 && !options.scanOnDemand) await keysAdded(c);
      return { added: r.added, lines: r.lines, errors: r.errors };
    },
    decodeAsChoices: () => ({ tables: decodeAsChoices(), rules: decodeAsRules() }),
    decodeAs: async (params) => {
      const rules = params?.rules;
      if (!Array.isArray(rules) || rules.length > 10_000) throw new Error('parameter rules must be a list of {table, value, protocol}');
      for (const r of rules) {
        if (typeof r !== 'object' || r === null || typeof r.table !== 'string' || typeof r.value !== 'number' || typeof r.protocol !== 'string') {
          throw new Error('each Decode As rule must be {table: string, value: number, protocol: string}');
        }
      }
      const before = JSON.stringify(decodeAsRules());
      const problems = setDecodeAs(rules);
      const now = decodeAsRules();
      // The tables decide every layer above the link: the index (protocol, Info, addresses of
      // the summary), the conversations, the stream layers and any filter view derive from
      // them, so the capture is indexed again. Added TLS keys carry over.
      let info: CaptureInfo | null = null;
      const path = state.capturePath;
      if (state.capture && path && JSON.stringify(now) !== before) {
        const keys = exportCaptureKeylog(state.capture);
        info = await startOpen(path, state.capture.info().name, state.captureMore);
        if (keys.trim() !== '' && state.capture) addCaptureKeylog(state.capture, { text: keys });
      }
      return { rules: now, problems, info };
    },
    keylogCandidates: () => {
      return state.capturePath ? siblingKeylogs(state.capturePath).filter((k) => !state.addedKeylogs?.has(k)) : [];
    },
    exportKeylog: () => {
      return exportCaptureKeylog(requireCapture(state));
    },
    tlsStreams: async () => {
      const c = requireCapture(state);
      await state.indexing;
      return tlsStreams(c);
    },
    streams: async (params) => {
      const c = requireCapture(state);
      await state.indexing;
      const p = params ?? {};
      if (p.kind !== undefined && !STREAM_KINDS.includes(p.kind)) throw new Error(`kind must be one of ${STREAM_KINDS.join(', ')}`);
      return listStreams(c, { kind: p.kind });
    },
    follow: async (params) => {
      const c = requireCapture(state);
      await state.indexing;
      const p = params;
      if (!FOLLOW_FORMATS.includes(p?.format)) throw new Error(`format must be one of ${FOLLOW_FORMATS.join(', ')}`);
      const stream = p.stream === undefined ? undefined : stringParam(params, 'stream');
      const event = p.event === undefined ? undefined : intParam(params, 'event', 1, c.count());
      const page = p.page === undefined ? 0 : intParam(params, 'page', 0, 2 ** 31);
      return followPage(c, { stream, event }, p.format, page, { textOnly: p.textOnly === true });
    },
    httpExchanges: async (params) => {
      requireCapture(state);
      const p = params ?? {};
      if (p.filter !== undefined && typeof p.filter !== 'string') throw new Error('filter must be a string');
      const live = liveHttpSession();
      if (live) return httpExchangeRows(live, p.filter, { live: true });
      await state.indexing;
      await httpAwaited();
      if (!state.session) throw new Error('no capture is open');
      return httpExchangeRows(state.session, p.filter);
    },
    eventTable: async (params) => {
      const c = requireCapture(state);
      await state.indexing;
      // Info texts of HTTP, TLS and HTTP/2 rows come from the stream layers' scan.
      await httpAwaited();
      if (params?.info !== undefined && typeof params.info !== 'boolean') throw new Error('info must be true or false');
      return eventTablePage(c, intParam(params, 'start', 0, 2 ** 32), intParam(params, 'count', 0, MAX_EVENT_TABLE_ROWS), params?.info ?? true);
    },
    httpTable: async (params) => {
      requireCapture(state);
      await state.indexing;
      await httpAwaited();
      const session = state.session;
      if (!session) throw new Error('no capture is open');
      return httpTablePage(session, intParam(params, 'start', 0, 2 ** 32), intParam(params, 'count', 0, MAX_HTTP_TABLE_ROWS));
    },
    har: async (params) => {
      requireCapture(state);
      await state.indexing;
      await httpAwaited();
      const p = params ?? {};
      for (const k of ['filter', 'search'] as const) if (p[k] !== undefined && typeof p[k] !== 'string') throw new Error(`${k} must be a string`);
      const session = state.session;
      if (!session) throw new Error('no capture is open');
      const start = intParam(params, 'start', 0, 2 ** 31);
      const count = intParam(params, 'count', 0, MAX_HTTP_PAGE_ROWS);
      // Its own view cache: an export never disturbs the HTTP tab's list.
      const page = await httpPageOf(session, state.harView, { filter: p.filter, search: p.search, headers: false, sort: null, descending: false, start, count }, () => new Promise<void>((r) => setImmediate(r)));
      const entries: HarEntry[] = [];
      let bytes = 0;
      for (const row of page.rows) {
        // At least one entry per page, however large: the client asks on from there.
        if (entries.length > 0 && bytes > PAGE_BYTES) break;
        const e = harEntry(session.http, row);
        entries.push(e);
        bytes += replySize(e, PAGE_BYTES);
      }
      return { total: page.total, start, entries };
    },
    httpPage: async (params) => {
      requireCapture(state);
      const live = liveHttpSession();
      if (!live) {
        await state.indexing;
        // Started here if it has not been (scanOnDemand): the scan runs in slices, never inside this request.
        await httpAwaited();
      }
      const p = params ?? {};
      for (const k of ['filter', 'search'] as const) if (p[k] !== undefined && typeof p[k] !== 'string') throw new Error(`${k} must be a string`);
      if (p.sort !== undefined && p.sort !== null && !HTTP_SORT_KEYS.includes(p.sort)) throw new Error(`sort must be one of ${HTTP_SORT_KEYS.join(', ')}`);
      const session = state.session;
      if (!session) throw new Error('no capture is open');
      const q = {
        filter: p.filter, search: p.search, headers: p.headers === true, sort: p.sort ?? null, descending: p.descending === true,
        start: intParam(params, 'start', 0, 2 ** 31), count: intParam(params, 'count', 0, MAX_HTTP_PAGE_ROWS),
      };
      if (p.packed !== undefined && typeof p.packed !== 'boolean') throw new Error('packed must be true or false');
      if (p.lines !== undefined && !HTTP_LINE_FORMATS.includes(p.lines)) throw new Error(`lines must be one of ${HTTP_LINE_FORMATS.join(', ')}`);
      const cache = state.http;
      const page = await httpPageOf(session, cache, q, async () => {
        await new Promise<void>((r) => setImmediate(r));
        if (state.session !== session) throw new Error('the capture was closed');
      }, { live: live !== undefined });
      // Packed: a few arrays and one string to measure and copy instead of an object per row.
      // Lines: the CLI's output itself, one string to copy (PAGE_BYTES of clone is half as many characters).
      if (p.lines !== undefined) return { ...page, rows: [], lines: httpLines(page.rows, p.lines, PAGE_BYTES / 2) };
      return p.packed === true ? { ...page, rows: [], packed: packHttpRows(page.rows, PAGE_BYTES) } : page;
    },
    httpBody: async (params) => {
      requireCapture(state);
      const p = params;
      if (!HTTP_MESSAGES.includes(p?.message)) throw new Error(`message must be one of ${HTTP_MESSAGES.join(', ')}`);
      const live = liveHttpSession();
      if (!live) await state.indexing;
      if (!state.session) throw new Error('no capture is open');
      if (!live) await httpAwaited();
      const offset = p.offset === undefined ? 0 : intParam(params, 'offset', 0, 2 ** 53);
      const length = p.length === undefined ? BODY_PAGE_BYTES : intParam(params, 'length', 1, MAX_BODY_PAGE_BYTES);
      const b = httpBodyPageOf(state.session, stringParam(params, 'stream'), intParam(params, 'index', 0, 2 ** 31), p.message, offset, length, { live: live !== undefined });
      return bodyPage(b, offset, length);
    },
    httpBodies: async (params) => {
      requireCapture(state);
      await state.indexing;
      const p = params;
      if (!HTTP_MESSAGES.includes(p?.message)) throw new Error(`message must be one of ${HTTP_MESSAGES.join(', ')}`);
      if (!Array.isArray(p.items) || p.items.length === 0 || p.items.length > MAX_BODY_BATCH) throw new Error(`items must be a list of 1..${MAX_BODY_BATCH} { stream, index }`);
      const items = p.items.map((it) => ({ stream: stringParam(it, 'stream'), index: intParam(it, 'index', 0, 2 ** 31) }));
      if (!state.session) throw new Error('no capture is open');
      await httpAwaited();
      return httpBodiesOf(state.session, items, p.message, p.length === undefined ? BODY_PAGE_BYTES : intParam(params, 'length', 1, MAX_BODY_PAGE_BYTES));
    },
    links: async (p) => {
      const c = requireCapture(state);
      await state.indexing;
      const int = c.internals();
      if (int.kind !== 'set') throw new Error('links exist in capture sets: open a pcap with the strace or scap of the same run');
      return int.links(intParam(p, 'event', 1, c.count()));
    },
    owners: async () => {
      const c = requireCapture(state);
      await state.indexing;
      const int = c.internals();
      if (int.kind !== 'set') throw new Error('owners exist in capture sets: open a pcap with the strace or scap of the same run');
      return int.owners();
    },
    timeline: async (p) => {
      const c = requireCapture(state);
      await state.indexing;
      const int = c.internals();
      if (int.kind !== 'set') throw new Error('a timeline exists in capture sets: open a pcap with the strace or scap of the same run');
      return int.timeline(intParam(p, 'event', 1, c.count()));
    },
    followPeers: async (p) => {
      const c = requireCapture(state);
      await state.indexing;
      const int = c.internals();
      if (int.kind !== 'set') throw new Error('Follow side by side needs a capture set: open a pcap with the strace or scap of the same run');
      return int.followPeers(stringParam(p, 'stream'));
    },
    expert: async () => {
      requireCapture(state);
      await state.indexing;
      const session = state.session;
      if (!session) throw new Error('no capture is open');
      // HTTP request and status lines are Chat entries: wait for the HTTP scan.
      await (state.httpReady && httpAwaited());
      return collectExpert(session, { signal: state.abort?.signal });
    },
    stats: async (params) => {
      requireCapture(state);
      await state.indexing;
      const p = params;
      if (typeof p?.name !== 'string' || !isStatName(p.name)) throw new Error(`statistic must be one of ${STAT_NAMES.join(', ')}, io,stat,INTERVAL[,FILTER]…`);
      if (p.filter !== undefined && (typeof p.filter !== 'string' || p.filter.length > 100_000)) throw new Error('filter must be a string');
      if (!state.session) throw new Error('no capture is open');
      const session = state.session;
      const name = p.name;
      const filter = p.filter?.trim() ?? '';
      const run = statsRun(name);
      try {
        // io,stat: each column's filter, run as the I/O graph's series are.
        const columns = name.startsWith('io,stat,') ? parseIoStat(name).filters : [];
        const steps = (filter !== '' ? 1 : 0) + columns.filter((f) => f !== null).length;
        let step = 0;
        let events: Uint32Array | undefined;
        // The HTTP tap reads the HTTP scan's messages; frame.protocols names http where one ends.
        if (name.startsWith('http') || name === 'io,phs') await run.http();
        if (filter !== '') {
          // Layer fields (http.*, tls.*) need the HTTP scan; the filter reports a bad text with its position.
          const f = await run.filter(session.capture, filter, ++step, steps);
          if (!f.ok) throw new Error(`filter: ${f.errors.map((e) => e.message).join('; ')}`);
          events = f.events;
        }
        const columnEvents: (Uint32Array | undefined)[] = [];
        for (const f of columns) {
          if (f === null) {
            columnEvents.push(undefined);
            continue;
          }
          const r = await run.filter(session.capture, f, ++step, steps);
          if (!r.ok) throw new Error(`io,stat column ${f}: ${r.errors.map((e) => e.message).join('; ')}`);
          columnEvents.push(r.events);
        }
        run.compute(events?.length ?? session.capture.count());
        const layerChain = name === 'io,phs' ? protocolLayerChains(session) : undefined;
        return computeStats(session.capture, name, events, filter, { httpMessages: () => httpTapMessages(session.http), httpExchanges: () => httpTimedExchanges(session.http), layerChain, columnEvents });
      } finally {
        run.end();
      }
    },
    syscallOverview: async (params) => {
      requireCapture(state);
      await state.indexing;
      const p = params;
      if (p?.filter !== undefined && (typeof p.filter !== 'string' || p.filter.length > 100_000)) throw new Error('filter must be a string');
      if (!state.session) throw new Error('no capture is open');
      const capture = state.session.capture;
      const filter = p?.filter?.trim() ?? '';
      const t0 = performance.now();
      const run = statsRun('syscallOverview');
      try {
        let events: Uint32Array | undefined;
        if (filter !== '') {
          const f = await run.filter(capture, filter);
          if (!f.ok) throw new Error(`filter: ${f.errors.map((e) => e.message).join('; ')}`);
          events = f.events;
        }
        run.compute(events?.length ?? capture.count());
        return { ...syscallOverview(capture, events), ms: performance.now() - t0 };
      } finally {
        run.end();
      }
    },
    cancelStats: () => {
      for (const a of state.statsAborts) a.abort();
      state.statsAborts.clear();
      return null;
    },
    ioGraph: async (params) => {
      requireCapture(state);
      await state.indexing;
      const p = params;
      if (typeof p?.intervalMs !== 'number' || !(p.intervalMs >= 0) || !Array.isArray(p.filters)) throw new Error('ioGraph takes { intervalMs ≥ 0, filters: string[] }');
      if (p.filters.length === 0 || p.filters.length > MAX_IO_SERIES) throw new Error(`ioGraph takes 1 to ${MAX_IO_SERIES} filters`);
      if (p.filters.some((f) => typeof f !== 'string' || f.length > 100_000)) throw new Error('each filter must be a string');
      if (!state.session) throw new Error('no capture is open');
      const session = state.session;
      const t0 = performance.now();
      const capture = session.capture;
      const count = capture.count();
      const relMs = relativeMs(capture);
      const intervalMs = chooseInterval(count > 0 ? relMs(count) : 0, p.intervalMs);
      let span = 0;
      for (let e = 1; e <= count; e++) span = Math.max(span, relMs(e));
      const buckets = Math.floor(span / intervalMs) + 1;
      const bytes = eventBytes(capture);
      const filters = p.filters.map((f) => f.trim());
      const steps = filters.filter((f) => f !== '').length;
      const run = statsRun('ioGraph');
      try {
        const series = [];
        let step = 0;
        for (const filter of filters) {
          let events: Uint32Array | undefined;
          if (filter !== '') {
            const f = await run.filter(capture, filter, ++step, steps);
            if (!f.ok) throw new Error(`filter ${filter}: ${f.errors.map((e) => e.message).join('; ')}`);
            events = f.events;
          }
          series.push(ioSeries(filter, count, events, buckets, intervalMs, relMs, bytes));
        }
        run.stop();
        return { intervalMs, startTime: count > 0 ? capture.time(1) : 0, series, ms: performance.now() - t0 };
      } finally {
        run.end();
      }
    },
  };

  /** Run a method's handler; one that throws, at once or later, answers with an error. */
  async function handle<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
    const run: (params: Params<M>) => Promise<Result<M>> | Result<M> = handlers[method];
    return await run(params);
  }

  // Requests are answered meanwhile (the warm-up keeps nothing of the engine's state); the first one ends it.
  let requested = false;
  if (options.warmWith && options.warmWith.length > 0) void warmUp(options.warmWith, () => requested);
  port.onMessage((m) => {
    if (!isRequest(m)) return;
    requested = true;
    const method: string = m.method;
    (isMethodName(method) ? handle(method, m.params) : Promise.reject(new Error(`unknown method ${method}`))).then(
      (result) => {
        const reply: ResponseMessage = boundedReply(m.id, method, result);
        port.postMessage(reply, replyTransfer(method, reply));
      },
      (e: unknown) => port.postMessage({ kind: 'response', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) } satisfies ResponseMessage),
    );
  });

  return () => {
    live.close();
    state.abort?.abort();
    state.capture?.close();
    state.capture = undefined;
    dropUploads();
  };
}
