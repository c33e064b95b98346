/**
 * Custom columns: any field as a table column (details tree ▸ Apply as Column, View ▸ Columns).
 * The layout's `custom` list (column-layout.ts, remembered per capture kind) is the one
 * declaration: it gives the table its extra ColumnDefs and the rows requests their `fields`,
 * whose cells the engine computes (rows-page.ts).
 */
import { FIELD_COLUMN_PREFIX, fieldColumnId, type ColumnDef } from '../../shared/rpc.ts';
import type { Session } from '../app/session.ts';
import { useApp, type ColumnLayout } from '../app/store.ts';
import { updateLayout } from './column-layout.ts';

export const isFieldColumn = (id: string): boolean => id.startsWith(FIELD_COLUMN_PREFIX);

export function fieldColumnDef(name: string): ColumnDef {
  return { id: fieldColumnId(name), title: name, field: name, width: 140 };
}

/** The engine's columns followed by the layout's field columns. */
export function withFieldColumns(columns: readonly ColumnDef[], layout: ColumnLayout): ColumnDef[] {
  return [...columns.filter((c) => !isFieldColumn(c.id)), ...(layout.custom ?? []).map(fieldColumnDef)];
}

/** Parameters of a rows request: the field columns' names when there are any. */
export function rowsParams(start: number, count: number, layout: ColumnLayout = useApp.getState().columnLayout): { start: number; count: number; fields?: string[] } {
  const fields = layout.custom ?? [];
  return fields.length > 0 ? { start, count, fields } : { start, count };
}

export function addFieldColumn(name: string): void {
  updateLayout((l) => {
    if (l.custom?.includes(name)) {
      // Already a column: show it again if it was hidden.
      const id = fieldColumnId(name);
      return l.visibility[id] === false ? { ...l, visibility: { ...l.visibility, [id]: true } } : l;
    }
    return { ...l, custom: [...(l.custom ?? []), name] };
  });
}

export function removeFieldColumn(session: Session, name: string): void {
  const id = fieldColumnId(name);
  if (useApp.getState().sort?.column === id) void session.sortBy(null);
  updateLayout((l) => {
    const { [id]: _w, ...widths } = l.widths;
    const { [id]: _v, ...visibility } = l.visibility;
    return { ...l, custom: (l.custom ?? []).filter((f) => f !== name), order: l.order.filter((o) => o !== id), widths, visibility };
  });
}

/**
 * Keep the table's columns and cached rows in step with the layout's field columns: a change
 * gives new ColumnDefs and drops the cached pages (they lack the new cells). Returns the unsubscribe.
 */
export function followFieldColumns(session: Session): () => void {
  return useApp.subscribe((s, prev) => {
    const now = (s.columnLayout.custom ?? []).join('\n');
    if (now === (prev.columnLayout.custom ?? []).join('\n') || s.phase !== 'open') return;
    useApp.setState({ columns: withFieldColumns(s.columns, s.columnLayout) });
    session.rows()?.clear();
  });
}
