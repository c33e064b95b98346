/**
 * Browser mode: `npm run web -- [FILE [FILE…]] [--port N] [--root DIR] [--max-upload BYTES]`
 * (several FILEs: strace -ff per-process logs opened as one capture, merged by time).
 *
 * Serves the built renderer and the engine API over a WebSocket, on 127.0.0.1 only. A random
 * token, printed in the URL, is required for the page, its assets, the session API and every
 * WebSocket connection. The first page load trades it for an HttpOnly SameSite=Strict cookie and
 * redirects to the same page without it, so it stays out of the address bar and history. Each
 * WebSocket connection gets its own engine in a worker_threads worker; frames are shared/wire.ts.
 * The engines read only the FILEs, the samples, uploads and files under --root (path-policy.ts).
 * Uploads live in a 0700 folder per engine inside one per server, removed when the engine or the
 * server ends; folders left by a server that died are swept at the next start.
 * No request, however malformed, may take the server down: each is answered 400/401/404 or dropped.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Port } from '../../shared/rpc.ts';
import { decodeFrame, encodeFrame } from '../../shared/wire.ts';
import { SAMPLE_FILES, type SampleCapture } from '../../shared/samples.ts';
import { MAX_UPLOAD_BYTES, startEngineWorker, type EngineHostOptions } from '../engine/host/node-worker.ts';
import { buildRenderer, rendererBuilt, rendererOut, repoRoot } from './build-renderer.ts';

export const DEFAULT_PORT = 7450;
/** The address the server listens on: this machine only. */
export const LISTEN_HOST = '127.0.0.1';

/** Whether `host` is a loopback address (RFC 1122 §3.2.1.3: 127/8; RFC 4291 §2.5.3: ::1). */
export function isLoopbackHost(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1' || host === 'localhost';
}

/**
 * Whether the window may start live captures (strace, tcpdump) on the server's machine: only
 * when no other machine can reach the server, and the words the dialogs show.
 */
export function captureOption(host: string): { allowed: boolean; note: string } {
  return isLoopbackHost(host)
    ? { allowed: true, note: `commands run on the machine serving this page, as its user (allowed because the server listens on ${host} only)` }
    : { allowed: false, note: `the server listens on ${host}, not loopback only: it starts no programs for a window` };
}
/** Upload chunks are 1 MiB; leave room, but refuse anything absurd. */
const MAX_FRAME = 64 << 20;
/** Requests a window may send before its engine has started; more is not a window. */
const MAX_EARLY = 256;
/** How long after a connection took the loaded engine the next one starts loading (see upgrade). */
const SPARE_DELAY_MS = 2000;
/** Stale server folders: older than this, their server's pid not running. */
const STALE_MS = 24 * 3600 * 1000;
/** Our folders in the temp folder: `tracelens-web-<pid>-XXXXXX`; `tracelens-upload-XXXXXX` from versions before it. */
const SERVER_DIR = /^tracelens-web-(\d+)-[\w]+$/;
const OLD_UPLOAD_DIR = /^tracelens-upload-[\w]+$/;

export interface WebArgs {
  file: string | null;
  /** Further FILEs opened with `file` as one capture (strace -ff logs; the engine refuses others). */
  more: string[];
  port: number;
  /** Folder whose files the window may open besides the FILEs (--root). */
  root: string | null;
  /** Largest upload, bytes (--max-upload). */
  maxUpload: number;
  help: boolean;
}

export const USAGE = 'usage: npm run web -- [FILE [FILE…]] [--port N] [--root DIR] [--max-upload BYTES[k|M|G]]';

/** `123`, `64k`, `512M`, `2G` (powers of 1024) → bytes, or null. */
export function parseBytes(v: string): number | null {
  const m = /^(\d+)([kmg]?)(i?b)?$/i.exec(v);
  if (!m) return null;
  const n = Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
  return Number.isSafeInteger(n) ? n : null;
}

/** `[FILE [FILE…]] [--port N] [--root DIR] [--max-upload BYTES]`; throws with a usage message on anything else. */
export function parseWebArgs(argv: readonly string[]): WebArgs {
  const out: WebArgs = { file: null, more: [], port: DEFAULT_PORT, root: null, maxUpload: MAX_UPLOAD_BYTES, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const opt = (name: string): string | null => {
      if (a !== name && !a.startsWith(`${name}=`)) return null;
      const v = a === name ? argv[++i] : a.slice(name.length + 1);
      if (v === undefined || v === '') throw new Error(`${name} needs a value`);
      return v;
    };
    let v: string | null;
    if (a === '--help' || a === '-h') out.help = true;
    else if ((v = opt('--port')) !== null) {
      if (!/^\d+$/.test(v) || Number(v) > 65535) throw new Error(`--port needs a number from 0 to 65535, got ${v}`);
      out.port = Number(v);
    } else if ((v = opt('--root')) !== null) out.root = v;
    else if ((v = opt('--max-upload')) !== null) {
      const n = parseBytes(v);
      if (n === null || n === 0) throw new Error(`--max-upload needs a size in bytes such as 500M or 4G, got ${v}`);
      out.maxUpload = n;
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

/** `decodeURIComponent`, or null for a malformed escape (it throws on `%`, `%E0%A4%A`, lone surrogates). */
export function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** The value of cookie `name` (RFC 6265 §5.2), percent-decoded when that is well-formed. */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      return safeDecode(raw) ?? raw;
    }
  }
  return null;
}

/** The token cookie's name: cookies are per host, not per port, so two servers must not share one. */
export const cookieName = (port: number): string => `tracelens_token_${port}`;

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

// frame-ancestors 'none': no other page may frame the window (clickjacking, CSP Level 2 §7.7).
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'";

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

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Remove the folders earlier servers left in `dir` (killed before they could): ours by name, real
 * folders (not links) owned by this user, untouched for a day, and whose server's pid is not
 * running. Returns the paths removed.
 */
export function sweepStaleDirs(dir = tmpdir(), now = Date.now(), uid: number | undefined = process.getuid?.()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = SERVER_DIR.exec(name);
    if (!m && !OLD_UPLOAD_DIR.test(name)) continue;
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || now - st.mtimeMs < STALE_MS) continue;
      if (m && (Number(m[1]) === process.pid || pidAlive(Number(m[1])))) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Gone meanwhile, or not ours to remove: leave it.
    }
  }
  return removed;
}

export interface WebServerOptions {
  file?: string | null;
  /** Files opened with `file` as one capture (strace -ff per-process logs). */
  more?: readonly string[];
  port?: number;
  outDir?: string;
  /** Folder whose files the window may open besides `file`, `more` and the samples. */
  root?: string | null;
  /** Largest upload, bytes (default MAX_UPLOAD_BYTES). */
  maxUpload?: number;
  /** Where the server's upload folder goes (default the temp folder). */
  tempDir?: string;
  /** Starts one engine (default: a worker_threads worker from electron/engine/host/node-worker.ts). */
  startEngine?: (options: EngineHostOptions) => EngineHandle | Promise<EngineHandle>;
  log?: (line: string) => void;
  /** Start one engine before the first connection (default true). */
  prestart?: boolean;
  /** Milliseconds after a connection took the loaded engine before the next one loads (default SPARE_DELAY_MS). */
  spareDelayMs?: number;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  /** This server's folder for uploads (removed by close). */
  tempDir: string;
  close(): Promise<void>;
}

/** One engine: its port, and (if known) when it ends, so a crash reaches the window. */
export interface EngineHandle {
  port: Port;
  exited?: Promise<number>;
}

const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': CSP,
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** A WebSocket close reason is at most 123 bytes (RFC 6455 §5.5: 125 minus the code). */
function closeWs(ws: WebSocket, code: number, reason: string): void {
  let r = Buffer.from(reason);
  if (r.length > 123) r = r.subarray(0, 120);
  try {
    ws.close(code, r.toString('utf8').replace(/\uFFFD+$/, ''));
  } catch {
    ws.terminate();
  }
}

/** Bridge one WebSocket to one engine; either side ending ends the other. */
function bridge(ws: WebSocket, engine: EngineHandle, log: (s: string) => void): void {
  const port = engine.port;
  let open = true;
  void engine.exited?.then((code) => {
    if (!open) return;
    ws.send(encodeFrame({ kind: 'event', type: 'error', message: `The engine process ended unexpectedly (exit code ${code}).` }));
    closeWs(ws, 1011, 'engine ended');
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
    if (!isBinary) return closeWs(ws, 1003, 'binary frames only');
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    let msg: unknown;
    try {
      msg = decodeFrame(bytes);
    } catch (e) {
      return closeWs(ws, 1003, `bad frame: ${(e as Error).message}`);
    }
    const m = msg as { kind?: unknown; method?: unknown; params?: { chunk?: unknown } | null };
    if (typeof m !== 'object' || m === null || m.kind !== 'request' || typeof m.method !== 'string') return closeWs(ws, 1003, 'not a request');
    // Upload chunks are views into the buffer decodeFrame allocated for this frame alone: hand it
    // to the worker without a copy.
    const chunk = typeof m.params === 'object' && m.params !== null ? m.params.chunk : undefined;
    const transfer = chunk instanceof Uint8Array ? [chunk.buffer as ArrayBuffer] : undefined;
    try {
      port.postMessage(msg, transfer);
    } catch (e) {
      closeWs(ws, 1003, `cannot pass the request on: ${(e as Error).message}`);
    }
  });
  ws.on('close', () => {
    open = false;
    port.close();
  });
}

export async function startWebServer(opts: WebServerOptions = {}): Promise<WebServer> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const outDir = opts.outDir ?? rendererOut;
  const absolute = (f: string): string => (isAbsolute(f) ? f : resolve(process.cwd(), f));
  let root: string | null = null;
  if (opts.root) {
    try {
      root = realpathSync(absolute(opts.root));
    } catch {
      throw new Error(`--root ${opts.root}: no such folder`);
    }
    if (!statSync(root).isDirectory()) throw new Error(`--root ${opts.root} is not a folder`);
  }
  if (!rendererBuilt(outDir)) {
    log('tracelens web: building the renderer…');
    await buildRenderer(outDir);
  }
  const temp = opts.tempDir ?? tmpdir();
  for (const p of sweepStaleDirs(temp)) log(`tracelens web: removed ${p}, left by a server that is no longer running`);
  // mkdtemp: a new folder with a random name, mode 0700 (nobody else can list or plant files in it).
  const serverDir = mkdtempSync(join(temp, `tracelens-web-${process.pid}-`));
  const removeServerDir = (): void => rmSync(serverDir, { recursive: true, force: true });
  process.on('exit', removeServerDir);

  const file = opts.file ? absolute(opts.file) : null;
  const more = file ? (opts.more ?? []).map(absolute) : [];
  const samples = listSamples();
  const engineOptions = (uploadDir: string): EngineHostOptions => ({
    allowed: { files: [...(file ? [file] : []), ...more, ...samples.flatMap((s) => (s.keylog ? [s.path, s.keylog] : [s.path]))], dirs: root ? [root] : [] },
    uploadDir,
    maxUploadBytes: opts.maxUpload ?? MAX_UPLOAD_BYTES,
    capture: captureOption(LISTEN_HOST),
    // Its first page is not cold code: the engine has run the same steps on the FILE (or a sample).
    warmWith: [...(file ? [file] : []), ...samples.map((s) => s.path)],
  });
  const startEngine = opts.startEngine ?? ((o: EngineHostOptions) => startEngineWorker({ engine: o }));
  /** One engine with its own upload folder, removed when the engine is closed or ends. */
  const startOne = async (): Promise<EngineHandle> => {
    const uploadDir = mkdtempSync(join(serverDir, 'engine-'));
    const drop = (): void => rmSync(uploadDir, { recursive: true, force: true });
    let h: EngineHandle;
    try {
      h = await startEngine(engineOptions(uploadDir));
    } catch (e) {
      drop();
      throw e;
    }
    // Once more when the worker has really gone: it may have written after close() began.
    void h.exited?.then(drop, drop);
    return {
      port: { postMessage: (m, t) => h.port.postMessage(m, t), onMessage: (f) => h.port.onMessage(f), close: () => { h.port.close(); drop(); } },
      exited: h.exited,
    };
  };
  let closing = false;
  const prestart = (): Promise<EngineHandle> => {
    const p = startOne();
    p.catch(() => {}); // reported to the connection that takes it
    return p;
  };
  let spare: Promise<EngineHandle> | null = opts.prestart === false ? null : prestart();
  let spareTimer: ReturnType<typeof setTimeout> | null = null;
  const token = randomBytes(24).toString('base64url');
  let boundPort = 0;

  /** The request's target as a URL, or null when it does not parse. */
  const target = (req: IncomingMessage): URL | null => {
    try {
      return new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      return null;
    }
  };
  const authorised = (req: IncomingMessage, url: URL): boolean =>
    tokenMatches(token, url.searchParams.get('token')) || tokenMatches(token, cookieValue(req.headers.cookie, cookieName(boundPort)));

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const url = target(req);
    if (!url) return send(res, 400, 'Bad request\n');
    if (!hostAllowed(req.headers.host, boundPort)) return send(res, 421, 'Wrong host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed\n');
    if (!authorised(req, url)) return send(res, 401, 'Tracelens: open the URL printed by `npm run web` (it carries the access token).\n');
    if (url.searchParams.has('token') && !url.pathname.startsWith('/api/')) {
      // First load: the token becomes a cookie scripts cannot read, and the address bar (and
      // history) get the URL without it. One leading slash: `//host` would leave this server.
      url.searchParams.delete('token');
      const clean = `/${url.pathname.replace(/^\/+/, '')}${url.search}`;
      res.writeHead(303, { ...BASE_HEADERS, Location: clean, 'Set-Cookie': `${cookieName(boundPort)}=${token}; HttpOnly; SameSite=Strict; Path=/`, 'Content-Length': 0 });
      return void res.end();
    }
    if (url.pathname === '/api/session') return send(res, 200, JSON.stringify({ file, more, samples, capture: captureOption(LISTEN_HOST) }), 'application/json');
    const rel = url.pathname === '/' ? 'index.html' : safeDecode(url.pathname.slice(1));
    if (rel === null || rel.includes('\0')) return send(res, 400, 'Bad request\n');
    const full = normalize(join(outDir, rel));
    if (!full.startsWith(outDir + sep) || !existsSync(full) || !statSync(full).isFile()) return send(res, 404, 'Not found\n');
    return send(res, 200, readFileSync(full), MIME[extname(full)] ?? 'application/octet-stream');
  };

  const server = createServer((req, res) => {
    try {
      answer(req, res);
    } catch (e) {
      log(`tracelens web: ${req.method} request failed: ${(e as Error).message}`);
      if (!res.headersSent) send(res, 400, 'Bad request\n');
      else res.destroy();
    }
  });
  // Requests Node's parser rejects (bad request line, header syntax, oversized headers).
  server.on('clientError', (e: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || e.code === 'ECONNRESET') return void socket.destroy();
    socket.end(e.code === 'HPE_HEADER_OVERFLOW' ? 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  const refuse = (socket: Duplex, status: string): void => void socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = target(req);
    if (!url) return refuse(socket, '400 Bad Request');
    const origin = req.headers.origin;
    const sameOrigin = origin === `http://127.0.0.1:${boundPort}` || origin === `http://localhost:${boundPort}`;
    if (url.pathname !== '/engine' || !hostAllowed(req.headers.host, boundPort) || !sameOrigin || !authorised(req, url)) return refuse(socket, '401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      // A protocol error (bad opcode, bad UTF-8, oversized frame) is an 'error' event: without a
      // listener it would be thrown and end the server.
      ws.on('error', (e: Error) => {
        log(`tracelens web: WebSocket: ${e.message}`);
        ws.terminate();
      });
      const engine = spare ?? startOne();
      spare = null;
      // Keep one engine loaded ahead: starting a worker and compiling the engine costs
      // hundreds of ms, which would otherwise come before the first rows. Not at once: that
      // start costs ~0.4 s of CPU, which on a small machine would compete with this
      // connection's open and its first rows.
      if (spareTimer === null) {
        spareTimer = setTimeout(() => {
          spareTimer = null;
          if (!closing && spare === null) spare = prestart();
        }, opts.spareDelayMs ?? SPARE_DELAY_MS);
        spareTimer.unref();
      }
      // The window may send its first request (open) before the engine is ready: hold those
      // messages until the bridge is in place, then replay them in order.
      const early: [RawData, boolean][] = [];
      const hold = (data: RawData, isBinary: boolean): void => {
        if (early.length >= MAX_EARLY) return closeWs(ws, 1008, 'too many requests before the engine started');
        early.push([data, isBinary]);
      };
      ws.on('message', hold);
      engine.then(
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
          if (ws.readyState !== WebSocket.OPEN) return;
          ws.send(encodeFrame({ kind: 'event', type: 'error', message: msg }));
          closeWs(ws, 1011, 'engine failed to start');
        },
      );
    });
  };
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // After 'upgrade' the socket is ours: a reset by the peer must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (e) {
      log(`tracelens web: upgrade failed: ${(e as Error).message}`);
      socket.destroy();
    }
  });

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port ?? DEFAULT_PORT, LISTEN_HOST, () => res());
  }).catch((e: unknown) => {
    removeServerDir();
    process.off('exit', removeServerDir);
    throw e;
  });
  boundPort = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${boundPort}/?token=${token}`;
  return {
    url,
    port: boundPort,
    token,
    tempDir: serverDir,
    close: () =>
      new Promise<void>((res) => {
        closing = true;
        if (spareTimer !== null) clearTimeout(spareTimer);
        spareTimer = null;
        void spare?.then((e) => e.port.close(), () => {});
        spare = null;
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => {
          removeServerDir();
          process.off('exit', removeServerDir);
          res();
        });
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
    console.error(`tracelens web: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(`${USAGE}\nServes Tracelens on http://127.0.0.1 (token-protected) and opens FILE if given;\nseveral FILEs (strace -ff per-process logs) open as one capture, merged by time.\nThe window may open only the FILEs, the samples, uploads and, with --root DIR, files under DIR.\nUploads are limited to --max-upload bytes (default ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB).`);
    process.exit(0);
  }
  for (const f of args.file ? [args.file, ...args.more] : []) if (!existsSync(f)) console.error(`tracelens web: warning: ${f} does not exist; the window will say so`);
  startWebServer({ file: args.file, more: args.more, port: args.port, root: args.root, maxUpload: args.maxUpload }).then(
    (s) => {
      // Handlers first: whoever reads the URL may stop the server at once.
      const stop = (): void => void s.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      console.log(`Tracelens is serving on 127.0.0.1 only. Open:\n  ${s.url}`);
    },
    (e: unknown) => {
      console.error(`tracelens web: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
