/** The pane over the window for Help ▸ Field Reference / Keyboard Shortcuts and View ▸ Columns / Decode As. */
import { useEffect } from 'react';
import type { Session } from '../app/session.ts';
import { useApp } from '../app/store.ts';
import { ColumnChooser } from '../table/ColumnChooser.tsx';
import { DecodeAsDialog } from '../decode-as/DecodeAsDialog.tsx';
import { FieldReference } from './FieldReference.tsx';
import { ShortcutsSheet } from './ShortcutsSheet.tsx';

const TITLES = { fields: 'Field reference', shortcuts: 'Keyboard shortcuts', columns: 'Columns', decodeAs: 'Decode As' } as const;

export function HelpPanel({ session }: { session: Session }) {
  const panel = useApp((s) => s.panel);
  useEffect(() => {
    if (!panel) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        useApp.setState({ panel: null });
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [panel]);
  if (!panel) return null;
  const close = (): void => useApp.setState({ panel: null });
  return (
    <div className="panel-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className={`help-panel panel-${panel}`} role="dialog" aria-label={TITLES[panel]} data-testid={`panel-${panel}`}>
        <div className="panel-head">
          <h2>{TITLES[panel]}</h2>
          <span className="spacer" />
          <button onClick={close} aria-label="Close" title="Close (Esc)">✕</button>
        </div>
        <div className="panel-body">
          {panel === 'fields' && <FieldReference session={session} />}
          {panel === 'shortcuts' && <ShortcutsSheet desktop={session.host.mode === 'desktop'} />}
          {panel === 'columns' && <ColumnChooser session={session} />}
          {panel === 'decodeAs' && <DecodeAsDialog session={session} />}
        </div>
      </div>
    </div>
  );
}
