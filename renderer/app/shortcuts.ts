/**
 * Every keyboard shortcut the window handles, in one table: the global handler (App.tsx) and the
 * table's handler (EventTable.tsx) look keys up here, and Help ▸ Keyboard Shortcuts lists it.
 * Entries with `handledBy` are handled by a component's own key map (CodeMirror, the details
 * tree) and are listed here so the sheet is complete.
 */
export type ShortcutId =
  | 'open' | 'go-to' | 'filter-focus' | 'shortcuts' | 'shortcuts-help' | 'columns'
  | 'follow-tcp' | 'follow-udp' | 'follow-tls' | 'follow-http'
  | 'row-down' | 'row-up' | 'page-down' | 'page-up' | 'first' | 'last' | 'copy-row'
  | 'next-event' | 'previous-event' | 'first-event' | 'last-event'
  | 'find' | 'find-next' | 'find-previous';

export interface Shortcut {
  id: ShortcutId | string;
  /** Where it works. */
  scope: 'Window' | 'Event table' | 'Filter bar' | 'Details tree' | 'Menu (desktop)';
  /** Keys as shown on the sheet (Ctrl is ⌘ on macOS). */
  keys: string;
  action: string;
  /** The key to match (KeyboardEvent.key, compared case-insensitively), for handled entries. */
  key?: string;
  ctrl?: boolean;
  alt?: boolean;
  shift?: boolean;
  /** Only documented here: the named component handles it. */
  handledBy?: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'open', scope: 'Window', keys: 'Ctrl+O', action: 'Open a capture', key: 'o', ctrl: true },
  { id: 'go-to', scope: 'Window', keys: 'Ctrl+G', action: 'Go to event number', key: 'g', ctrl: true },
  { id: 'filter-focus', scope: 'Window', keys: 'Ctrl+/', action: 'Focus the display filter', key: '/', ctrl: true },
  { id: 'shortcuts', scope: 'Window', keys: '?', action: 'Show this list of shortcuts (outside text fields)', key: '?' },
  { id: 'shortcuts-help', scope: 'Window', keys: 'F1', action: 'Show this list of shortcuts (Help ▸ Keyboard Shortcuts)', key: 'F1' },
  { id: 'columns', scope: 'Window', keys: 'Ctrl+Shift+K', action: 'Choose columns', key: 'k', ctrl: true, shift: true },
  { id: 'find', scope: 'Window', keys: 'Ctrl+F', action: 'Find Packet: open the find bar', key: 'f', ctrl: true },
  { id: 'find-next', scope: 'Window', keys: 'Ctrl+N', action: 'Find the next matching event', key: 'n', ctrl: true },
  { id: 'find-previous', scope: 'Window', keys: 'Ctrl+B', action: 'Find the previous matching event', key: 'b', ctrl: true },
  { id: 'follow-tcp', scope: 'Window', keys: 'Ctrl+Alt+Shift+T', action: 'Follow the TCP stream of the selected event', key: 't', ctrl: true, alt: true, shift: true },
  { id: 'follow-udp', scope: 'Window', keys: 'Ctrl+Alt+Shift+U', action: 'Follow the UDP stream', key: 'u', ctrl: true, alt: true, shift: true },
  { id: 'follow-tls', scope: 'Window', keys: 'Ctrl+Alt+Shift+S', action: 'Follow the TLS stream', key: 's', ctrl: true, alt: true, shift: true },
  { id: 'follow-http', scope: 'Window', keys: 'Ctrl+Alt+Shift+H', action: 'Follow the HTTP stream', key: 'h', ctrl: true, alt: true, shift: true },
  { id: 'row-down', scope: 'Event table', keys: '↓', action: 'Next row', key: 'ArrowDown' },
  { id: 'row-up', scope: 'Event table', keys: '↑', action: 'Previous row', key: 'ArrowUp' },
  { id: 'page-down', scope: 'Event table', keys: 'Page Down', action: 'One page down', key: 'PageDown' },
  { id: 'page-up', scope: 'Event table', keys: 'Page Up', action: 'One page up', key: 'PageUp' },
  { id: 'first', scope: 'Event table', keys: 'Home', action: 'First row', key: 'Home' },
  { id: 'last', scope: 'Event table', keys: 'End', action: 'Last row', key: 'End' },
  { id: 'copy-row', scope: 'Event table', keys: 'Ctrl+C', action: 'Copy the selected row as tab-separated text', key: 'c', ctrl: true },
  { id: 'next-event', scope: 'Menu (desktop)', keys: 'Ctrl+↓', action: 'Next event (Go menu)', handledBy: 'the Go menu' },
  { id: 'previous-event', scope: 'Menu (desktop)', keys: 'Ctrl+↑', action: 'Previous event (Go menu)', handledBy: 'the Go menu' },
  { id: 'first-event', scope: 'Menu (desktop)', keys: 'Ctrl+Home', action: 'First event (Go menu)', handledBy: 'the Go menu' },
  { id: 'last-event', scope: 'Menu (desktop)', keys: 'Ctrl+End', action: 'Last event (Go menu)', handledBy: 'the Go menu' },
  { id: 'time-absolute', scope: 'Menu (desktop)', keys: 'Ctrl+Alt+1', action: 'Time as date and time of day', handledBy: 'the View menu' },
  { id: 'time-utc', scope: 'Menu (desktop)', keys: 'Ctrl+Alt+7', action: 'Time as UTC date and time of day', handledBy: 'the View menu' },
  { id: 'time-relative', scope: 'Menu (desktop)', keys: 'Ctrl+Alt+4', action: 'Time as seconds since start', handledBy: 'the View menu' },
  { id: 'time-delta-captured', scope: 'Menu (desktop)', keys: 'Ctrl+Alt+5', action: 'Time as seconds since previous captured event', handledBy: 'the View menu' },
  { id: 'time-delta', scope: 'Menu (desktop)', keys: 'Ctrl+Alt+6', action: 'Time as seconds since previous displayed event', handledBy: 'the View menu' },
  { id: 'filter-apply', scope: 'Filter bar', keys: 'Enter', action: 'Apply the filter (or accept the completion)', handledBy: 'the filter editor' },
  { id: 'filter-escape', scope: 'Filter bar', keys: 'Esc', action: 'Close the completion; otherwise cancel the edit and show the applied filter again (✕ clears it)', handledBy: 'the filter editor' },
  { id: 'filter-history', scope: 'Filter bar', keys: '↑ / ↓', action: 'Previous / next filter from the history', handledBy: 'the filter editor' },
  { id: 'tree-move', scope: 'Details tree', keys: '↑ / ↓', action: 'Previous / next field', handledBy: 'the details tree' },
  { id: 'tree-open', scope: 'Details tree', keys: '→ / ←', action: 'Expand / collapse', handledBy: 'the details tree' },
];

/** The handled shortcut of `scope` that key event `e` presses, if any. Ctrl also matches ⌘. */
export function shortcutOf(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>, scope: Shortcut['scope']): ShortcutId | null {
  const ctrl = e.ctrlKey || e.metaKey;
  for (const s of SHORTCUTS) {
    if (s.scope !== scope || s.key === undefined || s.handledBy) continue;
    if (s.key.toLowerCase() !== e.key.toLowerCase()) continue;
    if (!!s.ctrl !== ctrl || !!s.alt !== e.altKey) continue;
    // '?' is typed with Shift on most layouts: its own character says enough.
    if (s.key !== '?' && !!s.shift !== e.shiftKey) continue;
    return s.id as ShortcutId;
  }
  return null;
}
