/**
 * Capture ▸ Trace a Command… and Capture ▸ Packets…: the dialogs that start a live capture in
 * the engine's host (strace with a fresh TLS key log, or tcpdump), opened followed. The command
 * is an argv, shown back as one chip per argument: what runs is exactly that, no shell.
 */
import { useEffect, useState } from 'react';
import { checkPacketCaptureParams, checkTraceParams, MAX_CAPTURE_FILTER, type CaptureTools } from '../../shared/rpc.ts';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';
import { shellNote, splitArgs } from './argv.ts';
import { useCapture } from './capture-store.ts';

/** The capture tools of the session's host, asked once per dialog opening. */
function useTools(session: Session, open: boolean): { tools: CaptureTools | null; error: string | null } {
  const [tools, setTools] = useState<CaptureTools | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    setTools(null);
    setError(null);
    session.captureTools().then((t) => live && setTools(t), (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [session, open]);
  return { tools, error };
}

const close = (): void => useCapture.setState({ dialog: null });

function Frame({ title, testId, children }: { title: string; testId: string; children: React.ReactNode }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        close();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  return (
    <div className="panel-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="help-panel panel-capture" role="dialog" aria-label={title} data-testid={testId}>
        <div className="panel-head">
          <h2>{title}</h2>
          <span className="spacer" />
          <button onClick={close} aria-label="Close" title="Close (Esc)">✕</button>
        </div>
        <div className="panel-body">{children}</div>
      </div>
    </div>
  );
}

/** Where the programs run (and whether they may): the host's own words. */
function HostNote({ tools, error }: { tools: CaptureTools | null; error: string | null }) {
  if (error) return <p className="capture-problem" role="alert">Cannot ask the engine: {error}</p>;
  if (!tools) return <p className="panel-note">Asking the engine what it may run…</p>;
  if (!tools.allowed) return <p className="capture-problem" role="alert" data-testid="capture-not-allowed">Live capture is not available: {tools.note}.</p>;
  return <p className="panel-note" data-testid="capture-note">Where it runs: {tools.note}.</p>;
}

export function TraceDialog({ session }: { session: Session }) {
  const open = useCapture((s) => s.dialog === 'trace');
  const { tools, error } = useTools(session, open);
  const [text, setText] = useState('');
  const [pcap, setPcap] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  useEffect(() => {
    if (open) setFailure(null);
  }, [open]);
  if (!open) return null;
  const split = splitArgs(text);
  const checked = split.error ? null : checkTraceParams({ argv: split.args, pcap });
  const problem = split.error ?? (split.args.length === 0 ? null : checked && !checked.ok ? checked.error : null);
  const blocked = !tools?.allowed || tools.strace !== null;
  const start = async (): Promise<void> => {
    if (!checked?.ok || blocked) return;
    setStarting(true);
    setFailure(null);
    await session.open({ kind: 'trace', params: checked.value }, true);
    setStarting(false);
    const s = useApp.getState();
    // A start that failed (strace refused, the command not found) leaves the window on its error.
    if (s.phase === 'error') {
      setFailure(s.error?.detail ?? 'the trace did not start');
      session.close();
      return;
    }
    close();
  };
  const note = shellNote(split.args);
  return (
    <Frame title="Trace a command" testId="trace-dialog">
      <HostNote tools={tools} error={error} />
      {tools?.allowed && tools.strace && <p className="capture-problem" role="alert" data-testid="strace-problem">Cannot trace: {tools.strace}.</p>}
      <form onSubmit={(e) => { e.preventDefault(); void start(); }}>
        <label className="capture-field">
          Command
          <input autoFocus value={text} onChange={(e) => setText(e.target.value)} placeholder="curl -s https://example.com/" aria-label="Command" data-testid="trace-command" spellCheck={false} />
        </label>
        <div className="argv-chips" aria-label="Arguments" data-testid="trace-argv">
          {split.args.map((a, i) => <span key={i} className="argv-chip" title={`argument ${i}`}>{a === '' ? '\u2205' : a}</span>)}
        </div>
        {note && <p className="panel-note">{note}</p>}
        {problem && <p className="capture-problem" role="alert" data-testid="trace-problem">{problem}</p>}
        <label className="capture-check">
          <input type="checkbox" checked={pcap} onChange={(e) => setPcap(e.target.checked)} data-testid="trace-pcap" /> Also capture packets (tcpdump -i any)
          {pcap && tools?.tcpdump && <span className="capture-problem"> — {tools.tcpdump}</span>}
        </label>
        <p className="panel-note">It runs under strace -f with SSLKEYLOGFILE (and Node&apos;s --tls-keylog) set to a fresh key log in a private temp folder, so its HTTPS decrypts. Events appear while it runs; Stop ends it and what it started, nothing else.</p>
        {failure && <p className="capture-problem" role="alert" data-testid="trace-failure">{failure}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={close}>Cancel</button>
          <button type="submit" className="primary" disabled={!checked?.ok || blocked || starting} data-testid="trace-start">{starting ? 'Starting…' : 'Start'}</button>
        </div>
      </form>
    </Frame>
  );
}

export function PacketsDialog({ session }: { session: Session }) {
  const open = useCapture((s) => s.dialog === 'packets');
  const { tools, error } = useTools(session, open);
  const [iface, setIface] = useState('');
  const [filter, setFilter] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const names = tools?.interfaces.map((i) => i.name) ?? [];
  const chosen = iface !== '' && names.includes(iface) ? iface : (names.includes('any') ? 'any' : names[0] ?? '');
  useEffect(() => {
    if (open) setFailure(null);
  }, [open]);
  if (!open) return null;
  const checked = checkPacketCaptureParams({ iface: chosen, filter }, names);
  const blocked = !tools?.allowed || tools.tcpdump !== null;
  const start = async (): Promise<void> => {
    if (!checked.ok || blocked) return;
    setStarting(true);
    setFailure(null);
    await session.open({ kind: 'packets', params: checked.value }, true);
    setStarting(false);
    const s = useApp.getState();
    if (s.phase === 'error') {
      setFailure(s.error?.detail ?? 'the capture did not start');
      session.close();
      return;
    }
    close();
  };
  return (
    <Frame title="Capture packets" testId="packets-dialog">
      <HostNote tools={tools} error={error} />
      {tools?.allowed && tools.tcpdump && <p className="capture-problem" role="alert" data-testid="tcpdump-problem">Cannot capture: {tools.tcpdump}.</p>}
      <form onSubmit={(e) => { e.preventDefault(); void start(); }}>
        <label className="capture-field">
          Interface
          <select value={chosen} onChange={(e) => setIface(e.target.value)} aria-label="Interface" data-testid="packets-iface" disabled={names.length === 0}>
            {tools?.interfaces.map((i) => <option key={i.name} value={i.name}>{i.name} {i.description}</option>)}
          </select>
        </label>
        <label className="capture-field">
          Capture filter
          <input value={filter} maxLength={MAX_CAPTURE_FILTER + 1} onChange={(e) => setFilter(e.target.value)} placeholder="tcp port 443 (tcpdump syntax; empty: every packet)" aria-label="Capture filter" data-testid="packets-filter" spellCheck={false} />
        </label>
        {!checked.ok && names.length > 0 && <p className="capture-problem" role="alert" data-testid="packets-problem">{checked.error}</p>}
        <p className="panel-note">tcpdump writes to a private temp file that the window follows. Capturing needs CAP_NET_RAW; Tracelens never asks for more privilege (if tcpdump may not capture, it says what to run).</p>
        {failure && <p className="capture-problem" role="alert" data-testid="packets-failure">{failure}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={close}>Cancel</button>
          <button type="submit" className="primary" disabled={!checked.ok || blocked || starting} data-testid="packets-start">{starting ? 'Starting…' : 'Start'}</button>
        </div>
      </form>
    </Frame>
  );
}

/** The running (or just ended) capture: what runs, Stop, and how it ended. */
export function CaptureBar({ session }: { session: Session }) {
  const status = useCapture((s) => s.status);
  const events = useApp((s) => s.info?.events ?? 0);
  const [stopping, setStopping] = useState(false);
  if (!status) return null;
  const running = status.state !== 'ended';
  const what = status.kind === 'trace' ? status.what.join(' ') : `tcpdump -i ${status.what[0]}${status.what[1] ? ` ${status.what[1]}` : ''}`;
  return (
    <div className={`capture-bar ${running ? 'capture-running' : 'capture-ended'}`} data-testid="capture-bar" data-state={status.state} role="status">
      <span className="capture-dot" aria-hidden="true">{running ? '●' : '■'}</span>
      <span className="capture-what" title={what}>{status.kind === 'trace' ? (running ? 'Tracing' : 'Traced') : (running ? 'Capturing' : 'Captured')} <code>{what}</code></span>
      <span className="muted"> — {events} events{status.kind === 'trace' ? `, ${status.secrets} TLS secret${status.secrets === 1 ? '' : 's'}` : ''}</span>
      {status.messages.map((m, i) => <span key={i} className="capture-message" data-testid="capture-message">{m}</span>)}
      <span className="spacer" />
      {running && (
        <button className="primary" disabled={stopping || status.state === 'stopping'} data-testid="capture-stop" onClick={() => {
          setStopping(true);
          void session.stopCapture().catch(() => {}).finally(() => setStopping(false));
        }}>{status.state === 'stopping' ? 'Stopping…' : 'Stop'}</button>
      )}
      {!running && <button onClick={() => useCapture.setState({ status: null })} aria-label="Dismiss" title="Dismiss">✕</button>}
    </div>
  );
}
