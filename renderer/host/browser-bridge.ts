/**
 * The browser-mode host (`npm run web`): the engine runs on the server, one per WebSocket
 * connection; messages cross as frames of shared/wire.ts. The access token is an HttpOnly cookie
 * the server set on the first page load (this script never sees it); it goes with every request
 * and connection to the same origin.
 */
import { decodeFrame, encodeFrame } from '../../shared/wire.ts';
import type { Port } from '../../shared/rpc.ts';
import type { AppHost, SampleCapture } from './app-host.ts';

const RECENT_KEY = 'tracelens.recent';
const MAX_RECENT = 10;

export interface SessionInfo {
  /** The FILE given on the server's command line, opened once at start. */
  file: string | null;
  /** Further FILEs given with it (strace -ff logs), opened with it as one capture. */
  more?: string[];
  samples: SampleCapture[];
}

/** Port over an open WebSocket. Frames received before a handler is set are kept for it. */
export function portFromWebSocket(ws: WebSocket): Port {
  ws.binaryType = 'arraybuffer';
  let handler: ((m: unknown) => void) | null = null;
  const early: unknown[] = [];
  ws.addEventListener('message', (e: MessageEvent) => {
    if (!(e.data instanceof ArrayBuffer)) return;
    let msg: unknown;
    try {
      msg = decodeFrame(new Uint8Array(e.data));
    } catch (err) {
      msg = { kind: 'event', type: 'error', message: `Bad message from the server: ${(err as Error).message}` };
    }
    if (handler) handler(msg);
    else early.push(msg);
  });
  ws.addEventListener('close', (e: CloseEvent) => {
    const m = { kind: 'event', type: 'error', message: `Connection to the engine closed${e.reason ? `: ${e.reason}` : ''} (code ${e.code})` };
    if (handler) handler(m);
  });
  return {
    postMessage(message) {
      if (ws.readyState === WebSocket.OPEN) ws.send(encodeFrame(message));
    },
    onMessage(h) {
      handler = h;
      for (const m of early.splice(0)) h(m);
    },
    close() {
      ws.close(1000, 'closed by the window');
    },
  };
}

/** A WebSocket to a new engine on the server, with its Port (set up at once: no frame is missed). */
function connectSocket(win: Window): Promise<{ ws: WebSocket; port: Port }> {
  const proto = win.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${proto}//${win.location.host}/engine`);
  const port = portFromWebSocket(ws);
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve({ ws, port }), { once: true });
    ws.addEventListener('error', () => reject(new Error('Cannot connect to the Tracelens server (is `npm run web` still running? Open the URL it printed again)')), { once: true });
  });
}

export function createBrowserHost(win: Window = window): AppHost {
  // The first capture's engine is connected while the page loads, not when the capture is
  // opened: the connection and the server handing over its loaded engine took ~50–100 ms of
  // the time to the first rows. The first open (the command-line FILE, or the user's) takes it.
  let early: Promise<{ ws: WebSocket; port: Port }> | null = connectSocket(win);
  early.catch(() => {});
  const handlers = new Set<(command: string, arg?: string) => void>();
  // Commands raised before the app listens (the command-line FILE) wait for the first listener.
  const queued: [string, string | undefined][] = [];
  const emit = (command: string, arg?: string): void => {
    if (handlers.size === 0) queued.push([command, arg]);
    else for (const h of handlers) h(command, arg);
  };
  const session: Promise<SessionInfo> = fetch('/api/session')
    .then((r) => (r.ok ? (r.json() as Promise<SessionInfo>) : { file: null, samples: [] }))
    .catch(() => ({ file: null, samples: [] }));
  void session.then((s) => {
    const more = Array.isArray(s.more) ? s.more.filter((m): m is string => typeof m === 'string') : [];
    if (s.file && more.length) emit('open-paths', JSON.stringify([s.file, ...more]));
    else if (s.file) emit('open', s.file);
  });

  const recent = (): string[] => {
    try {
      const v: unknown = JSON.parse(win.localStorage.getItem(RECENT_KEY) ?? '[]');
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  };

  return {
    mode: 'browser',
    connectEngine() {
      const ready = early;
      early = null;
      if (!ready) return connectSocket(win).then((c) => c.port);
      // Connected while the page loaded; one the server has closed since is replaced.
      return ready.then((c) => (c.ws.readyState === WebSocket.OPEN ? c.port : connectSocket(win).then((n) => n.port)), () => connectSocket(win).then((n) => n.port));
    },
    pathForFile: () => null,
    // The page has no native dialog: the window shows its own file picker and uploads.
    showOpenDialog: async () => emit('open-dialog'),
    openPath: async (path) => emit('open', path),
    recentFiles: async () => recent(),
    onCommand(handler) {
      handlers.add(handler);
      for (const [c, a] of queued.splice(0)) handler(c, a);
      return () => handlers.delete(handler);
    },
    samples: async () => (await session).samples,
    addRecent(path) {
      const list = [path, ...recent().filter((p) => p !== path)].slice(0, MAX_RECENT);
      try {
        win.localStorage.setItem(RECENT_KEY, JSON.stringify(list));
      } catch {
        // Storage full or disabled: the recent list is a convenience only.
      }
    },
  };
}
