/**
 * The application menu as a template (no Electron objects are created here, so tests read it as
 * data). Items the window handles send a HostCommand to the focused window; the rest use
 * Electron roles. Shortcuts follow Wireshark where it has one (Go menu, View → Time Display Format).
 */
import type { BaseWindow, MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';
import type { HostCommand } from '../../shared/host-bridge.ts';
import { STATISTICS_MENU, type StatsMenuEntry } from '../../shared/stats-views.ts';

/** The window's time formats (renderer/table/format.ts TimeFormat), View ▸ Time Display Format. */
export type TimeFormat = 'absolute' | 'utc' | 'relative' | 'delta' | 'delta-captured';

export const TIME_FORMATS: readonly TimeFormat[] = ['absolute', 'utc', 'relative', 'delta', 'delta-captured'];

export const isMenuTimeFormat = (s: string): s is TimeFormat => (TIME_FORMATS as readonly string[]).includes(s);

export interface MenuActions {
  openDialog(window: BaseWindow | undefined): void;
  openRecent(path: string): void;
  clearRecent(): void;
  addKeyLog(window: BaseWindow | undefined): void;
  send(window: BaseWindow | undefined, command: HostCommand, arg?: string): void;
  about(): void;
}

export interface MenuState {
  appName: string;
  platform: NodeJS.Platform;
  recent: readonly string[];
  timeFormat: TimeFormat;
  /** Adds Reload / Developer Tools, for `npm run dev` only. */
  devTools: boolean;
}

function command(label: string, cmd: HostCommand, actions: MenuActions, accelerator?: string): MenuItemConstructorOptions {
  return { label, accelerator, click: (_item, window) => actions.send(window, cmd) };
}

/** Statistics ▸ …: each entry sends `statistics` with its view to the focused window. */
function statisticsItems(entries: readonly StatsMenuEntry[], actions: MenuActions): MenuItemConstructorOptions[] {
  return entries.map((e): MenuItemConstructorOptions => {
    if (e === 'separator') return { type: 'separator' };
    if ('submenu' in e) return { label: e.label, submenu: statisticsItems(e.submenu, actions) };
    return { label: e.label, click: (_item, window) => actions.send(window, 'statistics', e.view) };
  });
}

export function buildMenuTemplate(actions: MenuActions, state: MenuState): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] = state.recent.map((path) => ({
    label: basename(path),
    sublabel: path,
    toolTip: path,
    click: () => actions.openRecent(path),
  }));
  recentItems.push(
    ...(recentItems.length > 0 ? [{ type: 'separator' } as MenuItemConstructorOptions] : []),
    { label: 'Clear Recent', enabled: state.recent.length > 0, click: () => actions.clearRecent() },
  );

  const timeItem = (label: string, format: TimeFormat, accelerator: string): MenuItemConstructorOptions => ({
    label,
    type: 'radio',
    checked: state.timeFormat === format,
    accelerator,
    click: (_item, window) => actions.send(window, `time-format:${format}`),
  });

  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: state.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push(
    {
      label: '&File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: (_item, window) => actions.openDialog(window) },
        { label: 'Open Recent', submenu: recentItems },
        { type: 'separator' },
        { label: 'Add Key Log…', click: (_item, window) => actions.addKeyLog(window) },
        command('Export TLS Session Keys…', 'export-keylog', actions),
        { label: 'Export', submenu: [command('HTTP Archive (HAR)…', 'export-har', actions)] },
        { type: 'separator' },
        { role: 'close', label: 'Close', accelerator: 'CmdOrCtrl+W' },
        ...(mac ? [] : [{ type: 'separator' } as MenuItemConstructorOptions, { role: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q' } as MenuItemConstructorOptions]),
      ],
    },
    {
      label: '&Edit',
      // The window fills the clipboard in its `copy` event (row or cell text), so the native role suffices.
      submenu: [
        { role: 'copy', accelerator: 'CmdOrCtrl+C' },
        { role: 'selectAll' },
        { type: 'separator' },
        // Wireshark's accelerators (Edit ▸ Find Packet…, Find Next, Find Previous).
        command('Find Packet…', 'find-packet', actions, 'CmdOrCtrl+F'),
        command('Find Next', 'find-next', actions, 'CmdOrCtrl+N'),
        command('Find Previous', 'find-previous', actions, 'CmdOrCtrl+B'),
      ],
    },
    {
      label: '&View',
      submenu: [
        { role: 'zoomIn', accelerator: 'CmdOrCtrl+Plus' },
        { role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
        { role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
        { type: 'separator' },
        {
          label: 'Time Display Format',
          submenu: [
            // Wireshark's accelerators for the same formats (View ▸ Time Display Format).
            timeItem('Date and Time of Day', 'absolute', 'CmdOrCtrl+Alt+1'),
            timeItem('UTC Date and Time of Day', 'utc', 'CmdOrCtrl+Alt+7'),
            timeItem('Seconds Since Beginning of Capture', 'relative', 'CmdOrCtrl+Alt+4'),
            timeItem('Seconds Since Previous Captured Event', 'delta-captured', 'CmdOrCtrl+Alt+5'),
            timeItem('Seconds Since Previous Displayed Event', 'delta', 'CmdOrCtrl+Alt+6'),
          ],
        },
        command('Columns…', 'columns', actions, 'CmdOrCtrl+Shift+K'),
        command('Decode As…', 'decode-as', actions),
        { type: 'separator' },
        command('Colorize Packet List', 'colorize', actions),
        command('Coloring Rules…', 'coloring-rules', actions),
        command('Name Resolution', 'name-resolution', actions),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(state.devTools ? [{ type: 'separator' } as MenuItemConstructorOptions, { role: 'reload' } as MenuItemConstructorOptions, { role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
      ],
    },
    {
      label: '&Go',
      submenu: [
        command('Go to Event…', 'go-to-event', actions, 'CmdOrCtrl+G'),
        { type: 'separator' },
        command('Next Event', 'next-event', actions, 'CmdOrCtrl+Down'),
        command('Previous Event', 'previous-event', actions, 'CmdOrCtrl+Up'),
        command('First Event', 'first-event', actions, 'CmdOrCtrl+Home'),
        command('Last Event', 'last-event', actions, 'CmdOrCtrl+End'),
      ],
    },
    {
      // Wireshark's Capture menu: live captures run by the engine (docs/cli.md, "Live captures").
      label: '&Capture',
      submenu: [
        command('Trace a Command…', 'trace-command', actions),
        command('Packets…', 'capture-packets', actions),
        { type: 'separator' },
        command('Stop', 'stop-capture', actions),
      ],
    },
    {
      label: '&Analyze',
      submenu: [command('Expert Information', 'expert-info', actions)],
    },
    { label: '&Statistics', submenu: statisticsItems(STATISTICS_MENU, actions) },
    ...(mac ? [{ role: 'windowMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&Help',
      role: 'help',
      submenu: [
        // F1: Ctrl+/ focuses the display filter in the window, as in Wireshark.
        command('Keyboard Shortcuts', 'keyboard-shortcuts', actions, 'F1'),
        command('Field Reference', 'field-reference', actions),
        ...(mac ? [] : [{ type: 'separator' } as MenuItemConstructorOptions, { label: `About ${state.appName}`, click: () => actions.about() }]),
      ],
    },
  );
  return template;
}
