/**
 * Hex/ASCII view of the selected event's data sources, one tab per source. The selected field's
 * byte range is highlighted; clicking a byte selects the deepest field covering it.
 */
import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { DetailsNode, EventBytes } from '../../shared/rpc.ts';
import { useApp } from '../app/store.ts';
import { deepestCovering, nodeAt } from '../details/tree.ts';
import { asciiChar, BYTES_PER_LINE, hexByte, offsetLabel } from './hex.ts';

const LINE = 18;

interface Props {
  bytes: EventBytes | null;
  roots: DetailsNode[] | null;
}

export function HexPane({ bytes, roots }: Props) {
  const hexSource = useApp((s) => s.hexSource);
  const selectedField = useApp((s) => s.selectedField);
  const scroller = useRef<HTMLDivElement>(null);
  const sources = bytes?.sources ?? [];
  const src = sources[hexSource] ?? sources[0];
  const data = src?.bytes ?? new Uint8Array(0);
  const lines = Math.ceil(data.length / BYTES_PER_LINE);
  const v = useVirtualizer({ count: lines, getScrollElement: () => scroller.current, estimateSize: () => LINE, overscan: 8 });

  const field = roots && selectedField ? nodeAt(roots, selectedField) : null;
  const srcIndex = src ? sources.indexOf(src) : -1;
  const hl = field && field.source === srcIndex && field.length > 0 ? { from: field.offset, to: field.offset + field.length } : null;

  useEffect(() => {
    if (hl) v.scrollToIndex(Math.floor(hl.from / BYTES_PER_LINE), { align: 'auto' });
  }, [hl?.from, hl?.to, v]);

  const pick = (off: number): void => {
    if (!roots) return;
    const path = deepestCovering(roots, srcIndex, off);
    if (path) useApp.setState({ selectedField: path });
  };

  if (!bytes) return <div className="pane-message">No bytes to show.</div>;

  return (
    <div className="hex-pane">
      <div ref={scroller} className="hex-scroller" role="grid" aria-label="Bytes">
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((item) => {
            const base = item.index * BYTES_PER_LINE;
            const hex = [];
            const ascii = [];
            for (let i = 0; i < BYTES_PER_LINE; i++) {
              const off = base + i;
              if (off >= data.length) break;
              const on = hl !== null && off >= hl.from && off < hl.to;
              const b = data[off];
              hex.push(
                <span key={i} className={`hb ${on ? 'hl' : ''} ${i === 8 ? 'gap' : ''}`} data-off={off} onClick={() => pick(off)}>
                  {hexByte(b)}
                </span>,
              );
              ascii.push(
                <span key={i} className={`ab ${on ? 'hl' : ''}`} data-off={off} onClick={() => pick(off)}>
                  {asciiChar(b)}
                </span>,
              );
            }
            return (
              <div key={item.index} className="hex-line" style={{ top: item.start, height: LINE }}>
                <span className="hex-off">{offsetLabel(base, data.length)}</span>
                <span className="hex-bytes">{hex}</span>
                <span className="hex-ascii">{ascii}</span>
              </div>
            );
          })}
        </div>
      </div>
      {sources.length > 1 && (
        <div className="hex-tabs" role="tablist">
          {sources.map((s, i) => (
            <button
              key={i}
              role="tab"
              aria-selected={s === src}
              className={s === src ? 'active' : ''}
              onClick={() => useApp.setState({ hexSource: i })}
            >
              {s.name} ({s.bytes.length})
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
