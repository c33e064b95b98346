/** The window: welcome screen, or the capture view (table / details / hex panes + status bar). */
import { useEffect, useRef, useState } from 'react';
import { Group, Panel, Separator } from 'react-resizable-panels';
import { DetailsPane } from '../details/DetailsPane.tsx';
import { FilterBar, focusFilterBar } from '../filter/FilterBar.tsx';
import { HexPane } from '../hex/HexPane.tsx';
import { StatusBar } from '../status/StatusBar.tsx';
import { EventTable, selectRow } from '../table/EventTable.tsx';
import { isTimeFormat, TIME_FORMATS, type TimeFormat } from '../table/format.ts';
import { HelpPanel } from '../help/HelpPanel.tsx';
import { shortcutOf, type ShortcutId } from './shortcuts.ts';
import { Welcome } from '../welcome/Welcome.tsx';
import { HttpView } from '../http/HttpView.tsx';
import { StatsView } from '../stats/StatsView.tsx';
import { KeyBanner } from '../keys/KeyBanner.tsx';
import { AddKeyLog } from '../keys/AddKeyLog.tsx';
import { addKeys, exportKeys, fileIsKeylog, openFileOrKeys } from '../keys/keylog.ts';
import { exportHar } from '../http/export-har.ts';
import { saveBlob } from './save.ts';
import { selectEvent } from './select-event.ts';
import { openFollow } from '../streams/follow-kinds.ts';
import { FollowPane } from '../streams/FollowPane.tsx';
import { ExpertPane } from '../expert/ExpertPane.tsx';
import { LinkBar } from '../timeline/LinkBar.tsx';
import { TimelinePane } from '../timeline/TimelinePane.tsx';
import { SetMenuItems } from '../timeline/SetMenuItems.tsx';
import type { FollowKind } from './store.ts';
import type { Session } from './session.ts';
import { shownCount, useApp } from './store.ts';
import { useEventData } from './useEventData.ts';
import { FindBar, findNext, openFindBar } from '../find/FindBar.tsx';
import { ColourRulesDialog } from '../colours/ColourRulesDialog.tsx';
import { setColorize, useColours } from '../colours/colour-store.ts';
import { useColourSync } from '../colours/useColourSync.ts';
import { setNameResolution, useNames, useNameResolutionSync } from './name-resolution.ts';
import { CaptureBar, PacketsDialog, TraceDialog } from '../capture/CaptureDialogs.tsx';
import { useCapture } from '../capture/capture-store.ts';
import { useStatsView } from '../stats/stats-store.ts';
import { isStatsView } from '../../shared/stats-views.ts';

/** A JSON list of paths (the `open-paths` command's argument); anything else is no list. */
export function parsePathList(arg: string): string[] {
  try {
    const v: unknown = JSON.parse(arg);
    return Array.isArray(v) && v.every((p) => typeof p === 'string' && p.length > 0) ? (v as string[]) : [];
  } catch {
    return [];
  }
}

/**
 * Files dropped or picked together. One: a key log (by content) decrypts the open capture,
 * anything else opens. Several: one capture set (docs/capture-sets.md), key logs among them
 * added to it once it is open.
 */
export async function openDropped(session: Session, files: File[]): Promise<void> {
  if (files.length <= 1) {
    if (files[0]) await openFileOrKeys(session, files[0]);
    return;
  }
  const kinds = await Promise.all(files.map((f) => fileIsKeylog(f)));
  const captures = files.filter((_, i) => !kinds[i]);
  const keys = files.filter((_, i) => kinds[i]);
  if (captures.length === 0) {
    for (const k of keys) await openFileOrKeys(session, k);
    return;
  }
  await session.open({ kind: 'file', file: captures[0], ...(captures.length > 1 ? { more: captures.slice(1) } : {}) });
  // The key logs once the set is open (they decrypt its TLS sessions).
  if (useApp.getState().phase === 'open') for (const k of keys) await openFileOrKeys(session, k);
}

/** Host menu commands and keyboard shortcuts that act on the open capture. */
export function runCommand(session: Session, command: string, arg: string | undefined, openPicker: () => void, focusGoTo: () => void = () => {}): void {
  const s = useApp.getState();
  const count = shownCount(s);
  const cache = session.rows();
  if (command === 'open' && arg) void session.open({ kind: 'path', path: arg }, true);
  else if (command === 'open-paths' && arg) {
    // Browser mode: several FILEs on the server's command line, opened as one capture.
    const paths = parsePathList(arg);
    if (paths.length) void session.open({ kind: 'path', path: paths[0], ...(paths.length > 1 ? { more: paths.slice(1) } : {}) }, true);
  }
  else if (command === 'open-dialog') openPicker();
  else if (command === 'close') session.close();
  else if (command === 'reopen') void session.reopen();
  else if (command === 'engine-crashed') {
    useApp.setState({ phase: 'error', error: { title: 'The engine stopped', detail: arg ?? 'The engine process ended unexpectedly.', canReopen: true } });
  } else if (command.startsWith('time-format:')) {
    const f = command.slice('time-format:'.length);
    if (isTimeFormat(f)) useApp.setState({ timeFormat: f });
  } else if (command === 'field-reference') useApp.setState({ panel: 'fields' });
  else if (command === 'keyboard-shortcuts') useApp.setState({ panel: 'shortcuts' });
  else if (command === 'columns') {
    if (s.phase === 'open') useApp.setState({ panel: 'columns' });
  } else if (command === 'decode-as') {
    if (s.phase === 'open') useApp.setState({ panel: 'decodeAs' });
  } else if (command === 'first-event') selectRow(0, count, cache);
  else if (command === 'last-event') selectRow(count - 1, count, cache);
  else if (command === 'next-event') selectRow(s.selectedRow + 1, count, cache);
  else if (command === 'previous-event') selectRow(Math.max(0, s.selectedRow - 1), count, cache);
  else if (command === 'go-to-event' && arg && /^\d+$/.test(arg)) void goToEvent(session, Number(arg));
  else if (command === 'go-to-event') focusGoTo();
  else if (command === 'add-key-log' && arg && s.phase === 'open') void addKeys(session, { path: arg }, arg.split(/[\\/]/).pop() ?? arg);
  else if (command === 'export-keylog' && s.phase === 'open') void exportKeys(session, saveBlob);
  else if (command === 'export-har' && s.phase === 'open') void exportHar(session, saveBlob);
  else if (command === 'find-packet' && s.phase === 'open') openFindBar();
  else if ((command === 'find-next' || command === 'find-previous') && s.phase === 'open') void findNext(session, command === 'find-previous');
  else if (command === 'colorize') setColorize(!useColours.getState().enabled);
  else if (command === 'name-resolution') setNameResolution(!useNames.getState().enabled);
  else if (command === 'coloring-rules') useColours.setState({ dialogOpen: true });
  else if (command === 'expert-info' && s.phase === 'open') useApp.setState({ expert: true });
  else if (command === 'statistics' && arg && isStatsView(arg) && s.phase === 'open') {
    useStatsView.setState({ view: arg });
    useApp.setState({ mainTab: 'stats' });
  }
  else if (command === 'trace-command') useCapture.setState({ dialog: 'trace' });
  else if (command === 'capture-packets') useCapture.setState({ dialog: 'packets' });
  else if (command === 'stop-capture') void session.stopCapture().catch(() => {});
}

/** Browser mode's stand-in for View ▸ Name Resolution, View ▸ Colorize Packet List and View ▸ Coloring Rules…. */
function ColourControls() {
  const enabled = useColours((s) => s.enabled);
  const names = useNames((s) => s.enabled);
  return (
    <span className="colour-controls">
      <label title="View ▸ Name Resolution: addresses named by the capture's DNS answers and Name Resolution Blocks">
        <input type="checkbox" checked={names} onChange={(e) => setNameResolution(e.target.checked)} data-testid="name-resolution" /> Names
      </label>
      <label title="View ▸ Colorize Packet List">
        <input type="checkbox" checked={enabled} onChange={(e) => setColorize(e.target.checked)} data-testid="colorize" /> Colorize
      </label>
      <button onClick={() => useColours.setState({ dialogOpen: true })} title="View ▸ Coloring Rules…" data-testid="coloring-rules">Coloring rules…</button>
    </span>
  );
}

/** Wireshark's Follow shortcuts: Ctrl+Alt+Shift+T / U / S / H (TCP, UDP, TLS, HTTP). */
export const FOLLOW_KEYS: Record<string, FollowKind> = { t: 'tcp', u: 'udp', s: 'tls', h: 'http' };
const FOLLOW_SHORTCUTS: Partial<Record<ShortcutId, FollowKind>> = { 'follow-tcp': 'tcp', 'follow-udp': 'udp', 'follow-tls': 'tls', 'follow-http': 'http' };

/** Typing in a text field: single-key shortcuts such as "?" must not fire. */
function typingIn(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable === true || !!el.closest?.('.cm-editor'));
}

/** The toolbar's "?" menu: the Help menu of browser mode (the desktop app has a real one too). */
function HelpMenu() {
  const [open, setOpen] = useState(false);
  const phase = useApp((s) => s.phase);
  const item = (label: string, panel: 'fields' | 'shortcuts' | 'columns' | 'decodeAs') => (
    <button role="menuitem" onClick={() => { useApp.setState({ panel }); setOpen(false); }}>{label}</button>
  );
  return (
    <span className="help-menu">
      <button aria-haspopup="menu" aria-expanded={open} title="Help" data-testid="help-menu" onClick={() => setOpen(!open)}>?</button>
      {open && (
        <div className="menu help-menu-list" role="menu" onMouseLeave={() => setOpen(false)}>
          {item('Field reference', 'fields')}
          {item('Keyboard shortcuts', 'shortcuts')}
          {phase === 'open' && item('Columns…', 'columns')}
          {phase === 'open' && item('Decode As…', 'decodeAs')}
        </div>
      )}
    </span>
  );
}

/**
 * Go to event N by its number, as Wireshark's Go to Packet: its row in the current order
 * (filtered, sorted), not row N; an event the filter hides is said so, the view stays.
 */
async function goToEvent(session: Session, ev: number): Promise<void> {
  const total = useApp.getState().info?.events ?? 0;
  const shown = ev >= 1 && ev <= total && (await selectEvent(session, ev));
  if (shown) return;
  const text = ev < 1 || ev > total ? `there is no event ${ev} (events 1–${total})` : `event ${ev} is not shown by the filter in force`;
  useApp.setState({ keyNotice: { title: 'Go to event — ', text, error: true } });
}

function GoTo({ session, inputRef }: { session: Session; inputRef: React.RefObject<HTMLInputElement | null> }) {
  const [text, setText] = useState('');
  return (
    <form
      className="goto"
      onSubmit={(e) => {
        e.preventDefault();
        runCommand(session, 'go-to-event', text.trim(), () => {});
      }}
    >
      <input ref={inputRef} value={text} onChange={(e) => setText(e.target.value)} placeholder="Go to event (Ctrl+G)" aria-label="Go to event" inputMode="numeric" />
    </form>
  );
}

function CaptureView({ session }: { session: Session }) {
  const selectedEvent = useApp((s) => s.selectedEvent);
  const mainTab = useApp((s) => s.mainTab);
  const follow = useApp((s) => s.follow);
  const expert = useApp((s) => s.expert);
  const timeline = useApp((s) => s.timeline);
  const data = useEventData(session, selectedEvent);
  const tabs = (
    <div className="main-tabs" role="tablist">
      <button role="tab" aria-selected={mainTab === 'events'} className={mainTab === 'events' ? 'active' : ''} onClick={() => useApp.setState({ mainTab: 'events' })}>Events</button>
      <button role="tab" aria-selected={mainTab === 'http'} className={mainTab === 'http' ? 'active' : ''} onClick={() => useApp.setState({ mainTab: 'http' })} data-testid="tab-http">HTTP</button>
      <button role="tab" aria-selected={mainTab === 'stats'} className={mainTab === 'stats' ? 'active' : ''} onClick={() => useApp.setState({ mainTab: 'stats' })} data-testid="tab-stats" title="Statistics: conversations, endpoints, protocol hierarchy, I/O graph, HTTP">Statistics</button>
    </div>
  );
  // The HTTP tab has its own list / detail split and takes the whole column.
  const panes = mainTab === 'http' || mainTab === 'stats' ? (
    <div className="top-pane">
      {tabs}
      <div className="top-pane-body">{mainTab === 'http' ? <HttpView session={session} /> : <StatsView session={session} />}</div>
    </div>
  ) : (
    <Group orientation="vertical" className="panes" id="tracelens-panes">
      <Panel id="table" defaultSize="55%" minSize="10%">
        <div className="top-pane">
          {tabs}
          <LinkBar session={session} />
          <div className="top-pane-body"><EventTable session={session} rowMenu={(event, what, done) => <SetMenuItems session={session} event={event} what={what} onDone={done} />} /></div>
        </div>
      </Panel>
      <Separator className="sep" />
      <Panel id="details" defaultSize="25%" minSize="5%">
        <DetailsPane roots={data.roots} loading={data.loading} error={data.error} onFilter={(text, prepare) => session.setFilterText(text, prepare)} />
      </Panel>
      <Separator className="sep" />
      <Panel id="hex" defaultSize="20%" minSize="5%">
        <HexPane bytes={data.bytes} roots={data.roots} />
      </Panel>
    </Group>
  );
  if (!follow && !expert && !timeline) return panes;
  // The follow, expert and timeline panes dock beside the table/details/hex column.
  return (
    <Group orientation="horizontal" className="panes" id={`tracelens-side-split${follow ? '-f' : ''}${expert ? '-e' : ''}${timeline ? '-t' : ''}`}>
      <Panel id="main-column" defaultSize="52%" minSize="20%">{panes}</Panel>
      {follow && <Separator className="sep" />}
      {follow && (
        <Panel id="follow" defaultSize="48%" minSize="20%">
          <FollowPane session={session} target={follow} />
        </Panel>
      )}
      {expert && <Separator className="sep" />}
      {expert && (
        <Panel id="expert" defaultSize="48%" minSize="20%">
          <ExpertPane session={session} />
        </Panel>
      )}
      {timeline && <Separator className="sep" />}
      {timeline && (
        <Panel id="timeline" defaultSize="48%" minSize="20%">
          <TimelinePane session={session} event={timeline.event} />
        </Panel>
      )}
    </Group>
  );
}

export function App({ session }: { session: Session }) {
  const phase = useApp((s) => s.phase);
  const fileName = useApp((s) => s.fileName);
  const error = useApp((s) => s.error);
  const timeFormat = useApp((s) => s.timeFormat);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const gotoInput = useRef<HTMLInputElement>(null);
  useColourSync(session);
  useNameResolutionSync(session);

  const openPicker = (): void => {
    if (session.host.mode === 'desktop') void session.host.showOpenDialog();
    else picker.current?.click();
  };

  const focusGoTo = (): void => {
    gotoInput.current?.focus();
    gotoInput.current?.select();
  };

  useEffect(() => session.host.onCommand((c, a) => runCommand(session, c, a, () => picker.current?.click(), focusGoTo)), [session]);

  // Desktop: a window made for a capture opens it in its own engine (several files chosen
  // together in File → Open… as one capture when the engine can merge them).
  useEffect(() => {
    const host = session.host;
    const paths = host.capturePaths ? host.capturePaths() : (host.capturePath?.() ?? Promise.resolve(null)).then((p) => (p ? [p] : []));
    paths.then((ps) => {
      const [first, ...more] = ps;
      if (first) void session.open({ kind: 'path', path: first, ...(more.length ? { more } : {}) }, true);
    }, () => {});
  }, [session]);

  useEffect(() => {
    // The keys come from the shortcut table (shortcuts.ts), which Help ▸ Keyboard Shortcuts lists.
    const onKey = (e: KeyboardEvent): void => {
      const id = shortcutOf(e, 'Window');
      if (id === null) return;
      const open = useApp.getState().phase === 'open';
      if (id === 'go-to') focusGoTo();
      else if (id === 'filter-focus') focusFilterBar();
      else if (id === 'open') openPicker();
      else if (id === 'columns' && open) useApp.setState({ panel: 'columns' });
      else if (id === 'find' && open) openFindBar();
      else if ((id === 'find-next' || id === 'find-previous') && open) void findNext(session, id === 'find-previous');
      else if (id === 'shortcuts') {
        if (typingIn(e.target)) return;
        useApp.setState({ panel: 'shortcuts' });
      } else if (id === 'shortcuts-help') useApp.setState({ panel: 'shortcuts' }); else if (FOLLOW_SHORTCUTS[id] && open) {
        const ev = useApp.getState().selectedEvent;
        if (ev !== null) openFollow(FOLLOW_SHORTCUTS[id], { event: ev });
      } else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const onDrop = (e: React.DragEvent): void => {
    e.preventDefault();
    setDragging(false);
    void openDropped(session, [...e.dataTransfer.files]);
  };

  return (
    <div
      className={`app ${dragging ? 'dragging' : ''}`}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <input
        ref={picker}
        type="file"
        hidden
        data-testid="file-input"
        multiple
        onChange={(e) => {
          void openDropped(session, [...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      <header className="toolbar">
        <button onClick={openPicker} title="Open (Ctrl+O)">Open…</button>
        {phase !== 'welcome' && <button onClick={() => session.close()}>Close</button>}
        {/* The desktop app has File → Export TLS Session Keys…; browser mode has no native menu. */}
        {phase === 'open' && session.host.mode === 'browser' && <AddKeyLog session={session} />}
        {phase === 'open' && session.host.mode === 'browser' && (
          <button onClick={() => void exportKeys(session, saveBlob)} title="Export TLS Session Keys (keys.txt)" data-testid="export-keys">Export TLS keys</button>
        )}
        {/* Analyze ▸ Expert Information in the desktop menu; a button in browser mode. */}
        {phase === 'open' && session.host.mode === 'browser' && (
          <button onClick={() => useApp.setState({ expert: true })} title="Analyze ▸ Expert Information" data-testid="expert-button">Expert Info</button>
        )}
        {/* Capture ▸ Trace a Command… / Packets… in the desktop menu; buttons in browser mode. */}
        {session.host.mode === 'browser' && (
          <>
            <button onClick={() => useCapture.setState({ dialog: 'trace' })} title="Capture ▸ Trace a Command…" data-testid="trace-button">Trace…</button>
            <button onClick={() => useCapture.setState({ dialog: 'packets' })} title="Capture ▸ Packets…" data-testid="packets-button">Capture…</button>
          </>
        )}
        <span className="toolbar-file">{fileName}</span>
        <span className="spacer" />
        {phase === 'open' && session.host.mode === 'browser' && <ColourControls />}
        {phase === 'open' && <GoTo session={session} inputRef={gotoInput} />}
        <label>
          Time{' '}
          <select value={timeFormat} onChange={(e) => useApp.setState({ timeFormat: e.target.value as TimeFormat })} aria-label="Time format">
            {TIME_FORMATS.map((f) => <option key={f.id} value={f.id}>{f.title}</option>)}
          </select>
        </label>
        <HelpMenu />
      </header>
      <CaptureBar session={session} />
      {phase === 'open' && <FilterBar session={session} />}
      {phase === 'open' && <FindBar session={session} />}
      {phase === 'open' && <KeyBanner session={session} />}
      <main className="main">
        {phase === 'welcome' && <Welcome session={session} onOpenFile={openPicker} />}
        {phase === 'loading' && <div className="pane-message">Opening {fileName}…</div>}
        {phase === 'error' && error && (
          <div className="error-view" role="alert">
            <h2>{error.title}</h2>
            <pre className="error-detail">{error.detail}</pre>
            <div className="error-actions">
              {error.canReopen && <button className="primary" onClick={() => void session.reopen()}>Reopen</button>}
              <button onClick={openPicker}>Open another file…</button>
              <button onClick={() => session.close()}>Back</button>
            </div>
          </div>
        )}
        {phase === 'open' && <CaptureView session={session} />}
      </main>
      {(phase === 'open' || phase === 'loading') && <StatusBar session={session} />}
      <HelpPanel session={session} />
      <ColourRulesDialog />
      <TraceDialog session={session} />
      <PacketsDialog session={session} />
      {dragging && <div className="drop-overlay">{phase === 'open' ? 'Drop a capture to open it, or a TLS key log to decrypt this one' : 'Drop to open'}</div>}
    </div>
  );
}
