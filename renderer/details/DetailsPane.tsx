/** The details tree of the selected event (from the engine's `details`), virtualised. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { DetailsNode } from '../../shared/rpc.ts';
import { useApp } from '../app/store.ts';
import { FILTER_ACTIONS, combineFilter, nodeFilter, type FilterAction } from '../filter/filter-logic.ts';
import { addFieldColumn } from '../table/field-columns.ts';
import { fieldDescription, nodeValueText } from './copy.ts';
import { ancestors, flattenTree, pathKey } from './tree.ts';

function copyText(text: string): void {
  void navigator.clipboard?.writeText(text).catch(() => {});
}

const LINE = 18;

interface Props {
  roots: DetailsNode[] | null;
  loading: boolean;
  error: string | null;
  /** Apply as Filter (prepare = false) / Prepare as Filter (prepare = true). */
  onFilter?: (text: string, prepare: boolean) => void;
}

export function DetailsPane({ roots, loading, error, onFilter }: Props) {
  const selectedField = useApp((s) => s.selectedField);
  const fields = useApp((s) => s.fields);
  const [menu, setMenu] = useState<{ x: number; y: number; expr: string; node: DetailsNode } | null>(null);
  const choose = (action: FilterAction, prepare: boolean): void => {
    if (!menu) return;
    setMenu(null);
    onFilter?.(combineFilter(useApp.getState().filterDraft, menu.expr, action), prepare);
  };
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const scroller = useRef<HTMLDivElement>(null);

  // A new event starts with its layers collapsed, as Wireshark does; a single root (a Frame
  // node holding the layers) is opened so the layers show.
  useEffect(() => setExpanded(new Set(roots && roots.length === 1 ? ['0'] : [])), [roots]);

  // Selecting a field from the hex pane opens its ancestors so the field is visible.
  useEffect(() => {
    if (!selectedField || selectedField.length < 2) return;
    setExpanded((prev) => {
      const need = ancestors(selectedField).filter((k) => !prev.has(k));
      return need.length ? new Set([...prev, ...need]) : prev;
    });
  }, [selectedField]);

  const flat = useMemo(() => (roots ? flattenTree(roots, expanded) : []), [roots, expanded]);
  const selKey = selectedField ? pathKey(selectedField) : null;
  const v = useVirtualizer({ count: flat.length, getScrollElement: () => scroller.current, estimateSize: () => LINE, overscan: 10 });

  useEffect(() => {
    if (selKey === null) return;
    const i = flat.findIndex((f) => pathKey(f.path) === selKey);
    if (i >= 0) v.scrollToIndex(i, { align: 'auto' });
  }, [selKey, flat, v]);

  const toggle = (key: string): void =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  const onKeyDown = (e: React.KeyboardEvent): void => {
    const i = flat.findIndex((f) => pathKey(f.path) === selKey);
    const cur = flat[i];
    let next = -1;
    if (e.key === 'ArrowDown') next = Math.min(flat.length - 1, i + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft') && cur?.hasChildren) {
      const open = expanded.has(pathKey(cur.path));
      if ((e.key === 'ArrowRight') !== open) toggle(pathKey(cur.path));
    } else return;
    e.preventDefault();
    const f = flat[next];
    if (f) useApp.setState({ selectedField: f.path, hexSource: f.node.source });
  };

  if (error) return <div className="pane-message error-text">{error}</div>;
  if (!roots) return <div className="pane-message">{loading ? 'Loading…' : 'Select an event to see its fields.'}</div>;

  return (
    <div ref={scroller} className="details-pane" tabIndex={0} role="tree" aria-label="Event details" onKeyDown={onKeyDown}>
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((item) => {
          const f = flat[item.index];
          if (!f) return null;
          const key = pathKey(f.path);
          const open = expanded.has(key);
          return (
            <div
              key={key}
              role="treeitem"
              aria-level={f.depth + 1}
              aria-expanded={f.hasChildren ? open : undefined}
              aria-selected={key === selKey}
              data-field={f.node.field}
              className={`tree-line ${key === selKey ? 'selected' : ''} ${f.node.malformed ? 'malformed' : ''}`}
              style={{ top: item.start, height: LINE, paddingLeft: 6 + f.depth * 16 }}
              onClick={() => useApp.setState({ selectedField: f.path, hexSource: f.node.source })}
              onDoubleClick={() => f.hasChildren && toggle(key)}
              onContextMenu={(e) => {
                const expr = nodeFilter(f.node);
                if (!expr) return;
                e.preventDefault();
                useApp.setState({ selectedField: f.path, hexSource: f.node.source });
                setMenu({ x: e.clientX, y: e.clientY, expr, node: f.node });
              }}
              title={f.node.malformed ?? f.node.field}
            >
              <span
                className="twisty"
                onClick={(e) => {
                  e.stopPropagation();
                  if (f.hasChildren) toggle(key);
                }}
              >
                {f.hasChildren ? (open ? '▾' : '▸') : ''}
              </span>
              {f.node.label}
              {f.node.malformed ? <span className="malformed-note"> [{f.node.malformed}]</span> : null}
            </div>
          );
        })}
      </div>
      {menu && (
        <>
          <div className="menu-backdrop" onMouseDown={() => setMenu(null)} onContextMenu={(e) => { e.preventDefault(); setMenu(null); }} />
          <div
            className="menu"
            // Keep the menu (about 20 items) inside the window (it opens where the pointer is).
            style={{ left: Math.max(0, Math.min(menu.x, window.innerWidth - 240)), top: Math.max(0, Math.min(menu.y, window.innerHeight - 560)) }}
            role="menu"
            aria-label={`Filter on ${menu.expr}`}
          >
            <button
              role="menuitem"
              data-action="apply-column"
              disabled={!fields?.some((x) => x.name === menu.node.field)}
              onClick={() => {
                addFieldColumn(menu.node.field);
                setMenu(null);
              }}
            >
              Apply as Column
            </button>
            {onFilter && (['apply', 'prepare'] as const).map((kind) => (
              <div key={kind} className="menu-group">
                <div className="menu-heading">{kind === 'apply' ? 'Apply as Filter' : 'Prepare as Filter'}</div>
                {FILTER_ACTIONS.map((a) => (
                  <button key={a.id} role="menuitem" data-action={`${kind}-${a.id}`} onClick={() => choose(a.id, kind === 'prepare')}>
                    {a.label}
                  </button>
                ))}
              </div>
            ))}
            <div className="menu-group" role="group" aria-label="Copy">
              <div className="menu-heading">Copy ▸</div>
              {(
                [
                  ['value', 'Value', () => nodeValueText(menu.node)],
                  ['field', 'Field name', () => menu.node.field],
                  ['filter', 'As filter', () => menu.expr],
                  ['description', 'Description', () => fieldDescription(menu.node.field, fields) || menu.node.label],
                ] as const
              ).map(([id, label, text]) => (
                <button key={id} role="menuitem" className="menu-sub" data-action={`copy-${id}`} onClick={() => { copyText(text()); setMenu(null); }}>
                  {label}
                </button>
              ))}
            </div>
            <div className="menu-expr" title={menu.expr}>{menu.expr}</div>
          </div>
        </>
      )}
    </div>
  );
}
