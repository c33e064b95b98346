/**
 * View ▸ Coloring Rules…: edit, enable, reorder, add and remove the colouring rules, import and
 * export them as Wireshark's colorfilters file. Edits are a draft until OK; the engine's status
 * of each rule (inactive: a field it does not know) is shown beside it.
 */
import { useEffect, useRef, useState } from 'react';
import { colourRuleProblem, cssColour, formatColourRules, fromCss, parseColourRules, type ColourRule } from '../../shared/colour-rules.ts';
import { saveBlob } from '../app/save.ts';
import { defaultRules, setRules, useColours } from './colour-store.ts';

/** Rule `i` moved by `delta` places (clamped). */
export function moveRule(rules: readonly ColourRule[], i: number, delta: number): ColourRule[] {
  const j = Math.max(0, Math.min(rules.length - 1, i + delta));
  const out = rules.slice();
  const [r] = out.splice(i, 1);
  out.splice(j, 0, r);
  return out;
}

const NEW_RULE: ColourRule = { name: 'New coloring rule', filter: 'frame', disabled: false, bg: { r: 0xffff, g: 0xffff, b: 0xffff }, fg: { r: 0, g: 0, b: 0 } };

export function ColourRulesDialog() {
  const open = useColours((s) => s.dialogOpen);
  const saved = useColours((s) => s.rules);
  const status = useColours((s) => s.status);
  const [draft, setDraft] = useState<ColourRule[]>(saved);
  const [selected, setSelected] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const importer = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!open) return;
    setDraft(saved);
    setNotice(null);
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        useColours.setState({ dialogOpen: false });
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
    // The draft restarts from the saved rules each time the dialog opens.
  }, [open]);

  if (!open) return null;
  const close = (): void => useColours.setState({ dialogOpen: false });
  const edit = (i: number, patch: Partial<ColourRule>): void => setDraft((d) => d.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const problems = draft.map(colourRuleProblem);
  const firstProblem = problems.findIndex((p) => p !== undefined);
  // The engine's status belongs to the saved list; shown only while the draft still matches it.
  const sameAsSaved = draft.length === saved.length && draft.every((r, i) => r.filter === saved[i].filter && r.disabled === saved[i].disabled);

  const onImport = async (file: File): Promise<void> => {
    const text = await file.text();
    const p = parseColourRules(text);
    if (p.rules.length === 0) {
      setNotice(`${file.name}: no coloring rules in it${p.skipped[0] ? ` (line ${p.skipped[0].line}: ${p.skipped[0].message})` : ''}`);
      return;
    }
    // Wireshark's Import appends the file's rules to the list.
    setDraft((d) => [...d, ...p.rules]);
    setNotice(`Imported ${p.rules.length} rules from ${file.name}${p.skipped.length ? `; ${p.skipped.length} lines skipped (first: line ${p.skipped[0].line}, ${p.skipped[0].message})` : ''}`);
  };

  return (
    <div className="panel-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="help-panel panel-colours" role="dialog" aria-label="Coloring rules" data-testid="colour-rules">
        <div className="panel-head">
          <h2>Coloring rules</h2>
          <span className="spacer" />
          <button onClick={close} aria-label="Close" title="Close (Esc)">✕</button>
        </div>
        <div className="panel-body">
          <p className="panel-note">The first enabled rule that matches colours an event. Rules are saved for your user and are Wireshark&apos;s colorfilters format.</p>
          <table className="colour-rules">
            <thead>
              <tr><th>On</th><th>Name</th><th>Filter</th><th>Fg</th><th>Bg</th><th /></tr>
            </thead>
            <tbody>
              {draft.map((r, i) => {
                const st = sameAsSaved ? status[i] : undefined;
                const inactive = st && !st.active && !r.disabled;
                return (
                  <tr key={i} className={i === selected ? 'selected-rule' : ''} onMouseDown={() => setSelected(i)} data-rule={r.name}>
                    <td><input type="checkbox" aria-label={`Enable ${r.name}`} checked={!r.disabled} onChange={(e) => edit(i, { disabled: !e.target.checked })} /></td>
                    <td>
                      <input className="rule-name" aria-label="Rule name" value={r.name} onChange={(e) => edit(i, { name: e.target.value })}
                        style={{ background: cssColour(r.bg), color: cssColour(r.fg) }} />
                    </td>
                    <td>
                      <input className="rule-filter" aria-label={`Filter of ${r.name}`} value={r.filter} onChange={(e) => edit(i, { filter: e.target.value })}
                        aria-invalid={problems[i] !== undefined || inactive ? true : undefined} />
                      {problems[i] && <div className="rule-note error">{problems[i]}</div>}
                      {inactive && <div className="rule-note" title={st?.note}>Inactive: {st?.note}</div>}
                    </td>
                    <td><input type="color" aria-label={`Foreground of ${r.name}`} value={cssColour(r.fg)} onChange={(e) => { const c = fromCss(e.target.value); if (c) edit(i, { fg: c }); }} /></td>
                    <td><input type="color" aria-label={`Background of ${r.name}`} value={cssColour(r.bg)} onChange={(e) => { const c = fromCss(e.target.value); if (c) edit(i, { bg: c }); }} /></td>
                    <td className="rule-move">
                      <button aria-label={`Move ${r.name} up`} disabled={i === 0} onClick={() => { setDraft((d) => moveRule(d, i, -1)); setSelected(i - 1); }}>↑</button>
                      <button aria-label={`Move ${r.name} down`} disabled={i === draft.length - 1} onClick={() => { setDraft((d) => moveRule(d, i, 1)); setSelected(i + 1); }}>↓</button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {notice && <p className="panel-note" role="status">{notice}</p>}
          <input ref={importer} type="file" hidden data-testid="colour-import" onChange={(e) => { const f = e.target.files?.[0]; if (f) void onImport(f); e.target.value = ''; }} />
        </div>
        <div className="panel-actions colour-actions">
            <button onClick={() => { setDraft((d) => [...d.slice(0, selected), NEW_RULE, ...d.slice(selected)]); }}>Add</button>
            <button disabled={draft.length === 0} onClick={() => { setDraft((d) => d.filter((_, k) => k !== selected)); setSelected(Math.max(0, selected - 1)); }}>Remove</button>
            <button onClick={() => importer.current?.click()}>Import…</button>
            <button onClick={() => saveBlob('colorfilters', [formatColourRules(draft)], 'text/plain')}>Export…</button>
            <button onClick={() => setDraft(defaultRules())}>Restore defaults</button>
            <span className="spacer" />
            <button onClick={close}>Cancel</button>
            <button className="primary" disabled={firstProblem >= 0} title={firstProblem >= 0 ? problems[firstProblem] : undefined} data-testid="colour-ok"
              onClick={() => { setRules(draft); close(); }}>OK</button>
        </div>
      </div>
    </div>
  );
}
