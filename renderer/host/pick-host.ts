import type { AppHost } from './app-host.ts';
import { createBrowserHost } from './browser-bridge.ts';
import { createDesktopHost } from './desktop-bridge.ts';

/** The preload defines `window.tracelens` in the desktop app; without it we are in browser mode. */
export function pickHost(win: Window = window): AppHost {
  return win.tracelens ? createDesktopHost(win.tracelens, win) : createBrowserHost(win);
}
