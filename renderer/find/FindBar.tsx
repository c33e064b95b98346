/**
 * Edit ▸ Find Packet (Ctrl+F): Wireshark's find bar. Looks for a display filter, a hex value or
 * a string (in the packet list, the details, or the bytes; narrow, wide or both; with or without
 * case) from the selected row, next or previous, in the engine; selects and reveals the row found.
 */
import { useEffect, useRef } from 'react';
import { create } from 'zustand';
import type { FindEncoding, FindMode, FindParams, FindScope } from '../../shared/rpc.ts';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';

export interface FindState {
  open: boolean;
  mode: FindMode;
  scope: FindScope;
  encoding: FindEncoding;
  caseSensitive: boolean;
  text: string;
  /** What the last search said (found and wrapped, nothing found, bad input), and whether it is an error. */
  message: { text: string; error: boolean } | null;
  busy: boolean;
  /** Bumped to focus the text field. */
  focusSeq: number;
}

export const useFind = create<FindState>(() => ({
  open: false, mode: 'string', scope: 'bytes', encoding: 'both', caseSensitive: false, text: '', message: null, busy: false, focusSeq: 0,
}));

export function openFindBar(): void {
  useFind.setState((s) => ({ open: true, focusSeq: s.focusSeq + 1 }));
}

/** The words of the status line for a search's answer (Wireshark's status bar messages). */
export function findMessage(r: { row: number | null; wrapped: boolean; cancelled: boolean; error?: string }, backward: boolean, p: Pick<FindParams, 'mode' | 'text'>): { text: string; error: boolean } | null {
  if (r.error) return { text: r.error, error: true };
  if (r.cancelled) return null;
  if (r.row === null) return { text: `No event matched ${p.mode === 'filter' ? 'the filter' : p.mode === 'hex' ? 'the hex value' : 'the string'} “${p.text}”`, error: true };
  if (r.wrapped) return { text: backward ? 'Search reached the start of the capture; continued from the end.' : 'Search reached the end of the capture; continued from the start.', error: false };
  return null;
}

/** Run a search from the selected row, then select what it found. */
export async function findNext(session: Session, backward: boolean): Promise<void> {
  const c = session.client();
  const f = useFind.getState();
  if (!c || f.text === '') {
    if (f.text === '') openFindBar();
    return;
  }
  const p: FindParams = { mode: f.mode, text: f.text, scope: f.scope, encoding: f.encoding, caseSensitive: f.caseSensitive, from: useApp.getState().selectedRow, backward };
  useFind.setState({ busy: true, message: null });
  // A long scan says how far it got (the engine's findProgress events).
  const unlisten = c.onEvent((e) => {
    if (e.type === 'findProgress') useFind.setState({ message: { text: `Searching… ${e.tested.toLocaleString()} of ${e.total.toLocaleString()} events`, error: false } });
  });
  try {
    const r = await c.call('find', p);
    useFind.setState({ busy: false, message: findMessage(r, backward, p) });
    if (r.row !== null && r.event !== null) useApp.setState({ selectedRow: r.row, selectedEvent: r.event, selectedField: null, hexSource: 0 });
  } catch (e) {
    useFind.setState({ busy: false, message: { text: e instanceof Error ? e.message : String(e), error: true } });
  } finally {
    unlisten();
  }
}

const MODES: [FindMode, string][] = [['filter', 'Display filter'], ['hex', 'Hex value'], ['string', 'String']];
const SCOPES: [FindScope, string][] = [['list', 'Packet list'], ['details', 'Packet details'], ['bytes', 'Packet bytes']];
const ENCODINGS: [FindEncoding, string][] = [['both', 'Narrow & Wide'], ['narrow', 'Narrow (UTF-8 / ASCII)'], ['wide', 'Wide (UTF-16)']];

export function FindBar({ session }: { session: Session }) {
  const f = useFind();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!f.open) return;
    input.current?.focus();
    input.current?.select();
  }, [f.open, f.focusSeq]);
  if (!f.open) return null;
  const set = (patch: Partial<FindState>): void => useFind.setState({ ...patch, message: null });
  const placeholder = f.mode === 'filter' ? 'A display filter, e.g. tcp.flags.reset == 1' : f.mode === 'hex' ? 'Bytes in hex, e.g. 0d 0a 0d 0a' : 'Text to find';
  return (
    <form
      className="find-bar"
      role="search"
      aria-label="Find packet"
      data-testid="find-bar"
      onSubmit={(e) => {
        e.preventDefault();
        void findNext(session, false);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          if (f.busy) session.client()?.call('cancelFind', null).catch(() => {});
          useFind.setState({ open: false, message: null });
        }
      }}
    >
      <select aria-label="Find by" value={f.mode} onChange={(e) => set({ mode: e.target.value as FindMode })}>
        {MODES.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
      </select>
      {f.mode === 'string' && (
        <>
          <select aria-label="Search in" value={f.scope} onChange={(e) => set({ scope: e.target.value as FindScope })}>
            {SCOPES.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
          </select>
          {f.scope === 'bytes' && (
            <select aria-label="Character width" value={f.encoding} onChange={(e) => set({ encoding: e.target.value as FindEncoding })}>
              {ENCODINGS.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
            </select>
          )}
          <label className="find-case">
            <input type="checkbox" checked={f.caseSensitive} onChange={(e) => set({ caseSensitive: e.target.checked })} /> Case sensitive
          </label>
        </>
      )}
      <input ref={input} className="find-text" aria-label="Find text" value={f.text} placeholder={placeholder} onChange={(e) => set({ text: e.target.value })} />
      <button type="submit" disabled={f.busy || f.text === ''} title="Find next (Ctrl+N)" data-testid="find-next">Find</button>
      <button type="button" disabled={f.busy || f.text === ''} title="Find previous (Ctrl+B)" onClick={() => void findNext(session, true)}>Previous</button>
      {f.busy && (
        <button type="button" onClick={() => session.client()?.call('cancelFind', null).catch(() => {})}>Stop</button>
      )}
      <button type="button" aria-label="Close find bar" title="Close (Esc)" onClick={() => useFind.setState({ open: false, message: null })}>✕</button>
      {f.message && <span className={`find-message ${f.message.error ? 'error' : ''}`} role="status" data-testid="find-message">{f.message.text}</span>}
    </form>
  );
}
