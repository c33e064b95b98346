/** Help ▸ Keyboard Shortcuts: the shortcut table (app/shortcuts.ts) grouped by where each works. */
import { SHORTCUTS, type Shortcut } from '../app/shortcuts.ts';

const SCOPES: Shortcut['scope'][] = ['Window', 'Event table', 'Filter bar', 'Details tree', 'Menu (desktop)'];

export function ShortcutsSheet({ desktop }: { desktop: boolean }) {
  const mac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
  const keys = (k: string): string => (mac ? k.replace(/Ctrl\+/g, '⌘').replace(/Alt\+/g, '⌥').replace(/Shift\+/g, '⇧') : k);
  return (
    <div className="shortcuts" data-testid="shortcuts-sheet">
      {SCOPES.filter((sc) => desktop || sc !== 'Menu (desktop)').map((scope) => (
        <section key={scope}>
          <h3>{scope}</h3>
          <table className="ref-table">
            <tbody>
              {SHORTCUTS.filter((s) => s.scope === scope).map((s) => (
                <tr key={s.id}>
                  <td className="shortcut-keys"><kbd>{keys(s.keys)}</kbd></td>
                  <td>{s.action}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
