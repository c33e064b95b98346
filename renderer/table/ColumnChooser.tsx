/**
 * View ▸ Columns: show or hide the event table's columns, change their order, add a column of
 * any field (or remove one), and reset widths and order. The layout is remembered per capture
 * kind (column-layout.ts).
 */
import { useState } from 'react';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';
import { moveColumn, orderedIds, resetLayout, updateLayout } from './column-layout.ts';
import { addFieldColumn, isFieldColumn, removeFieldColumn } from './field-columns.ts';

export function ColumnChooser({ session }: { session: Session }) {
  const fields = useApp((s) => s.fields);
  const [adding, setAdding] = useState('');
  const known = fields ? fields.some((f) => f.name === adding.trim()) : false;
  const columns = useApp((s) => s.columns);
  const layout = useApp((s) => s.columnLayout);
  const kind = useApp((s) => s.info?.kind ?? 'packets');
  const byId = new Map(columns.map((c) => [c.id, c]));
  const ids = orderedIds(columns, layout);
  const visibleCount = ids.filter((id) => layout.visibility[id] !== false).length;
  return (
    <div className="column-chooser" data-testid="column-chooser">
      <p className="panel-note">Columns of {kind === 'packets' ? 'packet' : 'syscall'} captures (remembered for every {kind === 'packets' ? 'packet' : 'syscall'} capture). Drag headers or use the arrows to reorder.</p>
      <ul className="chooser-list">
        {ids.map((id, i) => {
          const c = byId.get(id);
          const shown = layout.visibility[id] !== false;
          return (
            <li key={id} data-col={id}>
              <label>
                <input
                  type="checkbox"
                  checked={shown}
                  // The last visible column stays: an empty table helps nobody.
                  disabled={shown && visibleCount === 1}
                  onChange={() => updateLayout((l) => ({ ...l, visibility: { ...l.visibility, [id]: !shown } }))}
                />
                {c?.title ?? id}
              </label>
              <span className="chooser-width">{layout.widths[id] ?? c?.width ?? ''} px</span>
              <button aria-label={`Move ${c?.title ?? id} up`} disabled={i === 0} onClick={() => updateLayout((l) => moveColumn(columns, l, id, -1))}>↑</button>
              <button aria-label={`Move ${c?.title ?? id} down`} disabled={i === ids.length - 1} onClick={() => updateLayout((l) => moveColumn(columns, l, id, 1))}>↓</button>
              {isFieldColumn(id) && c?.field !== undefined && (
                <button aria-label={`Remove column ${c.field}`} title="Remove this field column" onClick={() => removeFieldColumn(session, c.field!)}>✕</button>
              )}
            </li>
          );
        })}
      </ul>
      <form
        className="chooser-add"
        onSubmit={(e) => {
          e.preventDefault();
          if (!known) return;
          addFieldColumn(adding.trim());
          setAdding('');
        }}
      >
        <input
          list="chooser-fields"
          value={adding}
          onChange={(e) => setAdding(e.target.value)}
          placeholder="Field, e.g. http.host"
          aria-label="Field to add as a column"
          spellCheck={false}
        />
        <datalist id="chooser-fields">
          {(fields ?? []).map((f) => <option key={f.name} value={f.name}>{f.description}</option>)}
        </datalist>
        <button type="submit" disabled={!known} title={adding.trim() && !known ? `${adding.trim()} is not a field` : 'Add a column showing this field'}>Add column</button>
      </form>
      <div className="panel-actions">
        <button onClick={() => updateLayout((l) => ({ ...l, widths: {} }))}>Reset widths</button>
        <button onClick={() => updateLayout((l) => ({ ...l, order: [] }))}>Reset order</button>
        <button onClick={() => resetLayout()} data-testid="columns-reset">Reset all</button>
      </div>
    </div>
  );
}
