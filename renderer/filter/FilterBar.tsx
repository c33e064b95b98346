/**
 * The display-filter bar: CodeMirror editor (editor.ts), green/yellow/red as you type, the
 * message and its "did you mean" fix under it, the running count with Cancel while the engine
 * filters, ↑/↓ history and saved filter buttons (both in localStorage).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { makeFieldIndex, type FieldIndex } from '../../shared/filter/index.ts';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';
import { formatCount } from '../status/StatusBar.tsx';
// CodeMirror is most of the editor's weight: it is its own chunk, loaded as the bar mounts.
import type { FilterEditor } from './editor.ts';
import {
  addSaved, applySuggestion, historyStep, loadHistory, loadSaved, pushHistory, removeSaved, validateFilter,
  type HistoryCursor, type KeyValueStore, type SavedFilter, type Validation,
} from './filter-logic.ts';

function storage(): KeyValueStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled for this origin
  }
}

/** Focus the bar (Ctrl+/ as in Wireshark). */
export function focusFilterBar(): void {
  document.querySelector<HTMLElement>('.filter-bar .cm-content')?.focus();
}

export function FilterBar({ session }: { session: Session }) {
  const fields = useApp((s) => s.fields);
  const run = useApp((s) => s.filterRun);
  const view = useApp((s) => s.view);
  const filterError = useApp((s) => s.filterError);
  const barText = useApp((s) => s.barText);
  const index = useMemo<FieldIndex | null>(() => (fields ? makeFieldIndex(fields) : null), [fields]);
  const [text, setText] = useState(view?.text ?? '');
  const [historyList, setHistory] = useState<string[]>(() => loadHistory(storage()));
  const [saved, setSaved] = useState<SavedFilter[]>(() => loadSaved(storage()));
  const [saving, setSaving] = useState<string | null>(null);
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<FilterEditor | null>(null);
  const cursor = useRef<HistoryCursor>({ pos: -1, draft: '' });

  const validation: Validation = useMemo(() => (index ? validateFilter(text, index) : { status: 'empty', messages: [] }), [text, index]);

  /** Apply `t` if it parses (an invalid filter stays in the bar with its message). */
  const apply = (t: string): void => {
    if (index && validateFilter(t, index).status === 'invalid') return;
    cursor.current = { pos: -1, draft: '' };
    if (t.trim()) setHistory((h) => pushHistory(storage(), h, t));
    void session.applyFilter(t);
  };
  // The editor's key handlers are created once; they call the newest closures through a ref.
  const latest = useRef({ apply, historyList, text, index });
  latest.current = { apply, historyList, text, index };

  useEffect(() => {
    let gone = false;
    void import('./editor.ts').then(({ createFilterEditor }) => {
      if (gone || !host.current) return;
      const ed = createFilterEditor(host.current, latest.current.text, latest.current.index, {
        onChange: (t) => {
          setText(t);
          cursor.current = { pos: -1, draft: '' };
        },
        onEnter: (t) => latest.current.apply(t),
        // Esc cancels the edit: the bar shows the applied filter again and the view stays as it is.
        // Clearing is the ✕ button or an empty Apply (Wireshark's habit too).
        onEscape: () => {
          const applied = useApp.getState().view?.text ?? '';
          ed.setText(applied);
          setText(applied);
          cursor.current = { pos: -1, draft: '' };
        },
        onHistory: (dir, t) => {
          const step = historyStep(latest.current.historyList, cursor.current, t, dir);
          if (!step) return null;
          // onChange resets the cursor, so set it after the text.
          queueMicrotask(() => (cursor.current = step.cursor));
          return step.text;
        },
      });
      editor.current = ed;
    });
    return () => {
      gone = true;
      editor.current?.destroy();
      editor.current = null;
    };
    // Created once per mount; fields and text reach it through setFields / setText.
  }, []);

  useEffect(() => editor.current?.setFields(index), [index]);
  useEffect(() => useApp.setState({ filterDraft: text }), [text]);

  // Apply / Prepare as Filter from the details tree.
  useEffect(() => {
    if (barText.seq === 0) return;
    // Before the editor has loaded, the text is what it will be created with.
    editor.current?.setText(barText.text);
    setText(barText.text);
    latest.current.text = barText.text;
    if (barText.apply) latest.current.apply(barText.text);
    else editor.current?.view.focus();
  }, [barText]);

  const first = validation.messages[0];
  const fixed = first ? applySuggestion(text, first) : null;
  const pct = run && run.total > 0 ? Math.floor((run.tested / run.total) * 100) : 0;

  return (
    <div className="filter-area">
      <div className="filter-bar" data-status={validation.status} data-testid="filter-bar">
        <div className="filter-editor" ref={host} />
        {run && (
          <span className="filter-running" data-testid="filter-running">
            Filtering… {formatCount(run.matched)} matched ({pct}%)
            <button onClick={() => session.cancelFilter()}>Cancel</button>
          </span>
        )}
        <button onClick={() => apply(text)} disabled={validation.status === 'invalid'} title="Apply this filter (Enter)">Apply</button>
        {view && (
          <button
            onClick={() => {
              editor.current?.setText('');
              setText('');
              apply('');
            }}
            className="filter-clear"
            title="Clear the filter and show every event"
            aria-label="Clear the filter"
          >
            ✕
          </button>
        )}
        <span className="filter-saved">
          {saved.map((s) => (
            <button
              key={s.label}
              className="saved-filter"
              title={`${s.text}\n(right-click to remove)`}
              onClick={() => session.setFilterText(s.text)}
              onContextMenu={(e) => {
                e.preventDefault();
                setSaved((list) => removeSaved(storage(), list, s.label));
              }}
            >
              {s.label}
            </button>
          ))}
          {saving === null ? (
            <button className="save-filter" title="Save this filter as a button" disabled={!text.trim() || validation.status === 'invalid'} onClick={() => setSaving('')}>
              +
            </button>
          ) : (
            <form
              className="save-form"
              onSubmit={(e) => {
                e.preventDefault();
                setSaved((list) => addSaved(storage(), list, saving, text));
                setSaving(null);
              }}
            >
              <input autoFocus value={saving} onChange={(e) => setSaving(e.target.value)} placeholder="Button label" aria-label="Saved filter label" />
              <button type="submit" disabled={!saving.trim()}>Save</button>
              <button type="button" onClick={() => setSaving(null)}>Cancel</button>
            </form>
          )}
        </span>
      </div>
      {(first || filterError) && (
        <div className={`filter-message ${validation.status}`} role={validation.status === 'invalid' ? 'alert' : 'status'} data-testid="filter-message">
          {first ? first.message : filterError}
          {first && fixed !== null && first.suggestion !== undefined && (
            <button
              className="link filter-fix"
              onClick={() => {
                editor.current?.setText(fixed);
                setText(fixed);
                editor.current?.view.focus();
              }}
            >
              Use {first.suggestion}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
