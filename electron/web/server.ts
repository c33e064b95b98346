/**
 * Browser mode: `npm run web -- [FILE [FILE…]] [--port N]` (several FILEs: strace -ff
 * per-process logs opened as one capture, merged by time).
 *
 * Serves the built renderer and the engine API over a WebSocket, on 127.0.0.1 only. A random
 * token, printed in the URL, is required for the page, its assets, the session API and every
 * WebSocket connection (query `token=` or the HttpOnly cookie the page load sets). Each WebSocket
 * connection gets its own engine in a worker_threads worker; frames are shared/wire.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Port } from '../../shared/rpc.ts';
import { decodeFrame, encodeFrame } from '../../shared/wire.ts';
import { SAMPLE_FILES, type SampleCapture } from '../../shared/samples.ts';
import { startEngineWorker } from '../engine/host/node-worker.ts';
import { buildRenderer, rendererBuilt, rendererOut, repoRoot } from './build-renderer.ts';

export const DEFAULT_PORT = 7450;
const COOKIE = 'tracelens_token';
/** Upload chunks are 1 MiB; leave room, but refuse anything absurd. */
const MAX_FRAME = 64 << 20;

export interface WebArgs {
  file: string | null;
  /** Further FILEs opened with `file` as one capture (strace -ff logs; the engine refuses others). */
  more: string[];
  port: number;
  help: boolean;
}

/** `[FILE [FILE…]] [--port N]`; throws with a usage message on anything else. */
export function parseWebArgs(argv: readonly string[]): WebArgs {
  const out: WebArgs = { file: null, more: [], port: DEFAULT_PORT, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--port' || a.startsWith('--port=')) {
      const v = a === '--port' ? argv[++i] : a.slice('--port='.length);
      if (v === undefined || !/^\d+$/.test(v) || Number(v) > 65535) throw new Error(`--port needs a number from 0 to 65535, got ${v ?? 'nothing'}`);
      out.port = Number(v);
    } else if (a.startsWith('-') && a !== '-') throw new Error(`unknown option ${a}`);
    else if (out.file === null) out.file = a;
    else out.more.push(a);
  }
  return out;
}

/** Constant-time token comparison. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** Only our own host names: a page on another site that resolves to 127.0.0.1 (DNS rebinding) is refused. */
export function hostAllowed(hostHeader: string | undefined, port: number): boolean {
  return hostHeader === `127.0.0.1:${port}` || hostHeader === `localhost:${port}`;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*";

/** The samples shipped in assets/samples/ with their absolute paths on this machine. */
export function listSamples(dir = resolve(repoRoot, 'assets/samples')): SampleCapture[] {
  const out: SampleCapture[] = [];
  for (const { name, description } of SAMPLE_FILES) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const keys = path.replace(/\.[^.]+$/, '.keys');
    out.push({ name, path, description, ...(existsSync(keys) ? { keylog: keys } : {}) });
  }
  return out;
}

export interface WebServerOptions {
  file?: string | null;
  /** Files opened with `file` as one capture (strace -ff per-process logs). */
  more?: readonly string[];
  port?: number;
  outDir?: string;
  /** Starts one engine (default: a worker_threads worker from electron/engine/host/node-worker.ts). */
  startEngine?: () => EngineHandle | Promise<EngineHandle>;
  log?: (line: string) => void;
  /** Start one engine before the first connection (default true). */
  prestart?: boolean;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** One engine: its port, and (if known) when it ends, so a crash reaches the window. */
export interface EngineHandle {
  port: Port;
  exited?: Promise<number>;
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

/** Bridge one WebSocket to one engine; either side ending ends the other. */
function bridge(ws: WebSocket, engine: EngineHandle, log: (s: string) => void): void {
  const port = engine.port;
  let open = true;
  void engine.exited?.then((code) => {
    if (!open) return;
    ws.send(encodeFrame({ kind: 'event', type: 'error', message: `The engine process ended unexpectedly (exit code ${code}).` }));
    ws.close(1011, 'engine ended');
  });
  port.onMessage((m) => {
    if (!open) return;
    try {
      ws.send(encodeFrame(m));
    } catch (e) {
      log(`tracelens web: cannot send to the window: ${(e as Error).message}`);
    }
  });
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (!isBinary) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    let msg: unknown;
    try {
      msg = decodeFrame(bytes);
    } catch (e) {
      ws.close(1003, (e as Error).message.slice(0, 120));
      return;
    }
    const m = msg as { kind?: unknown; method?: unknown; params?: { chunk?: unknown } };
    if (typeof m !== 'object' || m === null || m.kind !== 'request' || typeof m.method !== 'string') {
      ws.close(1003, 'not a request');
      return;
    }
    // Upload chunks are decoded into our own buffer: hand it to the worker without a copy.
    const chunk = m.params?.chunk;
    const transfer = chunk instanceof Uint8Array ? [chunk.buffer as ArrayBuffer] : undefined;
    port.postMessage(msg, transfer);
  });
  ws.on('close', () => {
    open = false;
    port.close();
  });
}

export async function startWebServer(opts: WebServerOptions = {}): Promise<WebServer> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const outDir = opts.outDir ?? rendererOut;
  if (!rendererBuilt(outDir)) {
    log('tracelens web: building the renderer…');
    await buildRenderer(outDir);
  }
  const startEngine = opts.startEngine ?? startEngineWorker;
  let closing = false;
  const prestart = (): Promise<EngineHandle> => {
    const p = Promise.resolve().then(startEngine);
    p.catch(() => {}); // reported to the connection that takes it
    return p;
  };
  let spare: Promise<EngineHandle> | null = opts.prestart === false ? null : prestart();
  const token = randomBytes(24).toString('base64url');
  const absolute = (f: string): string => (isAbsolute(f) ? f : resolve(process.cwd(), f));
  const file = opts.file ? absolute(opts.file) : null;
  const more = file ? (opts.more ?? []).map(absolute) : [];
  let boundPort = 0;

  const authorised = (req: IncomingMessage, url: URL): boolean =>
    tokenMatches(token, url.searchParams.get('token')) || tokenMatches(token, cookieValue(req.headers.cookie, COOKIE));

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!hostAllowed(req.headers.host, boundPort)) return send(res, 421, 'Wrong host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed\n');
    if (!authorised(req, url)) return send(res, 401, 'Tracelens: open the URL printed by `npm run web` (it carries the access token).\n');
    const cookie = { 'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` };
    if (url.pathname === '/api/session') {
      return send(res, 200, JSON.stringify({ file, more, samples: listSamples() }), 'application/json', cookie);
    }
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const full = normalize(join(outDir, rel));
    if (!full.startsWith(outDir + sep) || !existsSync(full) || !statSync(full).isFile()) return send(res, 404, 'Not found\n');
    const type = MIME[extname(full)] ?? 'application/octet-stream';
    const headers: Record<string, string> = type.startsWith('text/html') ? { ...cookie, 'Content-Security-Policy': CSP } : {};
    return send(res, 200, readFileSync(full), type, headers);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;
    const sameOrigin = origin === `http://127.0.0.1:${boundPort}` || origin === `http://localhost:${boundPort}`;
    if (url.pathname !== '/engine' || !hostAllowed(req.headers.host, boundPort) || !sameOrigin || !authorised(req, url)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const engine = spare ?? Promise.resolve().then(startEngine);
      spare = null;
      // Keep one engine loaded ahead: starting a worker and compiling the engine costs
      // hundreds of ms, which would otherwise come before the first rows.
      queueMicrotask(() => {
        if (!closing) spare = prestart();
      });
      // The window may send its first request (open) before the engine is ready: hold those
      // messages until the bridge is in place, then replay them in order.
      const early: [RawData, boolean][] = [];
      const hold = (data: RawData, isBinary: boolean): void => void early.push([data, isBinary]);
      ws.on('message', hold);
      engine
        .then(
          (engine) => {
            ws.off('message', hold);
            if (ws.readyState !== WebSocket.OPEN) {
              engine.port.close();
              return;
            }
            bridge(ws, engine, log);
            for (const [data, isBinary] of early) ws.emit('message', data, isBinary);
          },
          (e: unknown) => {
            const msg = `cannot start the engine: ${e instanceof Error ? e.message : String(e)}`;
            log(`tracelens web: ${msg}`);
            ws.send(encodeFrame({ kind: 'event', type: 'error', message: msg }));
            ws.close(1011, 'engine failed to start');
          },
        );
    });
  });

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port ?? DEFAULT_PORT, '127.0.0.1', () => res());
  });
  boundPort = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${boundPort}/?token=${token}`;
  return {
    url,
    port: boundPort,
    token,
    close: () =>
      new Promise<void>((res) => {
        closing = true;
        void spare?.then((e) => e.port.close(), () => {});
        spare = null;
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => res());
        server.closeAllConnections();
      }),
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  let args: WebArgs;
  try {
    args = parseWebArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`tracelens web: ${(e as Error).message}\nusage: npm run web -- [FILE [FILE…]] [--port N]`);
    process.exit(2);
  }
  if (args.help) {
    console.log('usage: npm run web -- [FILE [FILE…]] [--port N]\nServes Tracelens on http://127.0.0.1 (token-protected) and opens FILE if given;\nseveral FILEs (strace -ff per-process logs) open as one capture, merged by time.');
    process.exit(0);
  }
  for (const f of args.file ? [args.file, ...args.more] : []) if (!existsSync(f)) console.error(`tracelens web: warning: ${f} does not exist; the window will say so`);
  startWebServer({ file: args.file, more: args.more, port: args.port }).then(
    (s) => {
      console.log(`Tracelens is serving on 127.0.0.1 only. Open:\n  ${s.url}`);
      const stop = (): void => void s.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (e: unknown) => {
      console.error(`tracelens web: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
