/**
 * The event table's column layout (order, visibility, widths), remembered per capture kind in
 * localStorage: packet and syscall captures have different columns, so each has its own.
 */
import type { CaptureKind, ColumnDef } from '../../shared/rpc.ts';
import { useApp, type ColumnLayout } from '../app/store.ts';

export const EMPTY_LAYOUT: ColumnLayout = { order: [], visibility: {}, widths: {} };

export interface LayoutStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const layoutKey = (kind: CaptureKind): string => `tracelens.columns.${kind}`;

function browserStore(): LayoutStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (e.g. opaque origin)
  }
}

/** A stored layout, keeping only what is well-formed. */
export function parseLayout(text: string | null): ColumnLayout {
  if (!text) return EMPTY_LAYOUT;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return EMPTY_LAYOUT;
  }
  if (typeof v !== 'object' || v === null) return EMPTY_LAYOUT;
  const o = v as Record<string, unknown>;
  const order = Array.isArray(o.order) ? o.order.filter((x): x is string => typeof x === 'string') : [];
  const visibility: Record<string, boolean> = {};
  const widths: Record<string, number> = {};
  if (typeof o.visibility === 'object' && o.visibility !== null) {
    for (const [k, x] of Object.entries(o.visibility)) if (typeof x === 'boolean') visibility[k] = x;
  }
  if (typeof o.widths === 'object' && o.widths !== null) {
    for (const [k, x] of Object.entries(o.widths)) if (typeof x === 'number' && x >= 20 && x <= 4000) widths[k] = Math.round(x);
  }
  // Field names as the catalogue spells them (letters, digits, `_`, `-`, dots); unknown ones show empty cells.
  const custom = Array.isArray(o.custom) ? [...new Set(o.custom.filter((x): x is string => typeof x === 'string' && /^[A-Za-z0-9_.-]{1,200}$/.test(x)))] : [];
  return custom.length > 0 ? { order, visibility, widths, custom } : { order, visibility, widths };
}

/**
 * The layout a kind starts with (and Reset returns to). Syscalls: Stratoshark's default columns
 * (No., Time, Event name, Proc Name, PID, TID, FD, FD Name, Container Name, Arguments, Info);
 * the engine's CPU, Dir and container-id columns stay available, hidden.
 */
export function defaultLayout(kind: CaptureKind): ColumnLayout {
  if (kind !== 'syscalls') return EMPTY_LAYOUT;
  return {
    order: ['no', 'time', 'event', 'proc', 'pid', 'tid', 'fd', 'fdname', 'cname', 'args', 'info', 'cpu', 'dir', 'container'],
    visibility: { cpu: false, dir: false, container: false },
    widths: {},
  };
}

export function loadLayout(kind: CaptureKind, store: LayoutStore | null = browserStore()): ColumnLayout {
  const stored = store?.getItem(layoutKey(kind)) ?? null;
  return stored === null ? defaultLayout(kind) : parseLayout(stored);
}

export function saveLayout(kind: CaptureKind, layout: ColumnLayout, store: LayoutStore | null = browserStore()): void {
  try {
    const empty = layout.order.length === 0 && Object.keys(layout.visibility).length === 0 && Object.keys(layout.widths).length === 0 && !layout.custom?.length;
    if (empty) store?.removeItem(layoutKey(kind));
    else store?.setItem(layoutKey(kind), JSON.stringify(layout));
  } catch {
    // Quota or disabled storage: the layout simply is not remembered.
  }
}

/** Column ids in display order: the stored order for known ids, then any the engine added. */
export function orderedIds(columns: readonly ColumnDef[], layout: ColumnLayout): string[] {
  const known = new Set(columns.map((c) => c.id));
  const ids = layout.order.filter((id) => known.has(id));
  for (const c of columns) if (!ids.includes(c.id)) ids.push(c.id);
  return ids;
}

/** Move column `id` by `delta` places in the display order. */
export function moveColumn(columns: readonly ColumnDef[], layout: ColumnLayout, id: string, delta: number): ColumnLayout {
  const ids = orderedIds(columns, layout);
  const i = ids.indexOf(id);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= ids.length) return layout;
  ids.splice(i, 1);
  ids.splice(j, 0, id);
  return { ...layout, order: ids };
}

/** Change the open capture's layout and remember it for its kind. */
export function updateLayout(fn: (l: ColumnLayout) => ColumnLayout): void {
  const s = useApp.getState();
  const next = fn(s.columnLayout);
  useApp.setState({ columnLayout: next });
  if (s.info) saveLayout(s.info.kind, next);
}

/** Back to the kind's default columns, order and widths (custom field columns are removed too). */
export function resetLayout(): void {
  const kind = useApp.getState().info?.kind;
  updateLayout(() => (kind ? defaultLayout(kind) : EMPTY_LAYOUT));
}
