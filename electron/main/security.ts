/**
 * The window's security settings (Electron security checklist): sandboxed renderer with context
 * isolation and no Node, a strict CSP, no navigation, no new windows, no permissions.
 */
import type { Session, WebContents, WebPreferences } from 'electron';

/**
 * CSP of the renderer. Styles allow 'unsafe-inline' because React style props and CodeMirror
 * inject style elements; scripts come only from the app itself. `connect-src 'self'` allows
 * nothing in the desktop app (the engine is reached by MessagePort, not fetch).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "manifest-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The dev server (`npm run dev`) needs the React refresh preamble (inline) and its HMR socket. */
export function devContentSecurityPolicy(devOrigin: string): string {
  const ws = devOrigin.replace(/^http/, 'ws');
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", `script-src 'self' 'unsafe-inline' ${devOrigin}`).replace(
    "connect-src 'self'",
    `connect-src 'self' ${devOrigin} ${ws}`,
  );
}

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/**
 * Permissions a capture viewer needs: only writing plain text to the clipboard (copy row/cell).
 * Everything else (camera, notifications, geolocation, file system access, …) is refused.
 */
export function isPermissionAllowed(permission: string): boolean {
  return permission === 'clipboard-sanitized-write';
}

/** Deny permission requests and checks for every window of the session; set the CSP header. */
export function hardenSession(session: Session, csp: string): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionAllowed(permission)));
  session.setPermissionCheckHandler((_wc, permission) => isPermissionAllowed(permission));
  // Covers responses served over http(s) (the dev server); the app protocol sets it itself.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
}

/** True if a navigation to `url` is only a reload of the page the window shows. */
export function isSameDocument(url: string, currentUrl: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(currentUrl);
    return a.origin === b.origin && a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

/** No navigation away from the app, no new windows, no webviews. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isSameDocument(url, contents.getURL())) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isSameDocument(url, contents.getURL())) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
