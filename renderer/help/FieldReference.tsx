/**
 * Help ▸ Field Reference: every field the engine knows (name, type, description), searchable by
 * name or description. Clicking a field puts it in the filter bar.
 */
import { useMemo, useState } from 'react';
import type { FieldInfo } from '../../shared/fields.ts';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';

/** Shown at most, so a one-letter search stays fast; the count says how many more match. */
const MAX_SHOWN = 400;

/**
 * Fields matching every word of `query` in their name or description; names starting with
 * the query first, then by name.
 */
export function searchFields(fields: readonly FieldInfo[], query: string): FieldInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const q = query.trim().toLowerCase();
  const hits = fields.filter((f) => {
    const text = `${f.name} ${f.description}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
  return hits.sort((a, b) => {
    const pa = q && a.name.toLowerCase().startsWith(q) ? 0 : 1;
    const pb = q && b.name.toLowerCase().startsWith(q) ? 0 : 1;
    return pa - pb || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  });
}

export function FieldReference({ session }: { session: Session }) {
  const fields = useApp((s) => s.fields);
  const [query, setQuery] = useState('');
  const hits = useMemo(() => (fields ? searchFields(fields, query) : []), [fields, query]);
  if (!fields) {
    return <p className="panel-note">The field reference comes from the engine: open a capture to see it.</p>;
  }
  return (
    <div className="field-ref">
      <input
        className="panel-search"
        type="search"
        autoFocus
        placeholder="Search fields by name or description (e.g. tcp.str, retransmission)"
        aria-label="Search fields"
        data-testid="field-search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="panel-count" data-testid="field-count">
        {hits.length === fields.length ? `${fields.length} fields` : `${hits.length} of ${fields.length} fields`}
        {hits.length > MAX_SHOWN ? ` (first ${MAX_SHOWN} shown)` : ''} · click a field to put it in the filter bar
      </div>
      <table className="ref-table" data-testid="field-table">
        <thead>
          <tr><th>Field</th><th>Type</th><th>Description</th></tr>
        </thead>
        <tbody>
          {hits.slice(0, MAX_SHOWN).map((f) => (
            <tr
              key={f.name}
              className="ref-row"
              data-field={f.name}
              tabIndex={0}
              onClick={() => pickField(session, f.name)}
              onKeyDown={(e) => e.key === 'Enter' && pickField(session, f.name)}
            >
              <td className="ref-name">{f.name}{f.deprecated ? <span className="ref-deprecated"> (deprecated)</span> : null}</td>
              <td className="ref-type">{f.type}</td>
              <td>
                {f.description}
                {f.values && <span className="ref-values" title={Object.entries(f.values).map(([k, v]) => `${k} = ${v}`).join('\n')}> · {Object.keys(f.values).length} named values</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Put `name` into the filter bar (without applying it) and close the pane. */
function pickField(session: Session, name: string): void {
  session.setFilterText(name, true);
  useApp.setState({ panel: null });
}
