/**
 * Entry of the engine in an Electron utilityProcess (one per open capture). Main forks this file
 * and posts one message whose `ports[0]` is the engine's end of a MessageChannelMain; the other end
 * belongs to the window. It does not import `electron`: a utility process gets `process.parentPort`
 * from its host, so the shapes it needs are typed here.
 *
 * The window is less trusted than main: it may ask to open only what main handed over (the
 * files of the window, key logs chosen in main's dialog, and the key logs the engine itself
 * proposed next to the capture). Main checks paths; the engine refuses every other one.
 */
import { resolve } from 'node:path';
import type { Port, RequestMessage } from '../../../shared/rpc.ts';
import { setEngineLimits } from '../limits.ts';
import { serveEngine } from './engine-host.ts';
import type { EngineSetupMessage } from './host-options.ts';
import { warmUp } from './warm-up.ts';

/** The subset of Electron's MessagePortMain the engine uses. */
export interface MainPortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

export type { EngineSetupMessage };

export interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown; ports: MainPortLike[] }) => void): unknown;
}

/** Port over a MessagePortMain. Its postMessage can only transfer ports, so ArrayBuffers are copied. */
export function portFromMainPort(port: MainPortLike): Port {
  return {
    postMessage(message) {
      port.postMessage(message);
    },
    onMessage(handler) {
      port.on('message', (e) => handler(e.data));
      // Messages queue until start(); start only once a handler is listening.
      port.start();
    },
    close() {
      port.close();
    },
  };
}

function isRequest(m: unknown): m is RequestMessage {
  return typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'request' && typeof (m as { id?: unknown }).id === 'number';
}

/** The file paths a request would make the engine read, or null when it names none. */
export function requestedPaths(m: RequestMessage): string[] | null {
  const p = (m.params ?? {}) as Record<string, unknown>;
  if (m.method === 'open') return [p.path, ...(Array.isArray(p.more) ? p.more : [])].map((x) => (typeof x === 'string' ? x : ''));
  if (m.method === 'addKeylog' && p.path !== undefined) return [typeof p.path === 'string' ? p.path : ''];
  return null;
}

/**
 * A Port that passes the engine only requests for allowed paths; others are answered with an
 * error here. Paths compare as absolute paths. Key logs the engine proposes (keylogCandidates)
 * become allowed when the answer goes back to the window.
 */
export function guardPaths(port: Port, allowed: Set<string>): Port {
  const candidatesAsked = new Set<number>();
  return {
    postMessage(message, transfer) {
      const r = message as { kind?: unknown; id?: unknown; ok?: unknown; result?: unknown };
      if (r.kind === 'response' && typeof r.id === 'number' && candidatesAsked.delete(r.id) && r.ok === true && Array.isArray(r.result)) {
        for (const p of r.result) if (typeof p === 'string') allowed.add(resolve(p));
      }
      // The files of a live capture this engine started may be opened again (as a set, with the key log).
      const ev = message as { kind?: unknown; type?: unknown; status?: { files?: unknown } };
      if (ev.kind === 'event' && ev.type === 'capture' && Array.isArray(ev.status?.files)) {
        for (const p of ev.status.files) if (typeof p === 'string') allowed.add(resolve(p));
      }
      port.postMessage(message, transfer);
    },
    onMessage(handler) {
      port.onMessage((m) => {
        if (isRequest(m)) {
          if (m.method === 'keylogCandidates') candidatesAsked.add(m.id);
          const paths = requestedPaths(m);
          const refused = paths?.find((p) => p === '' || !allowed.has(resolve(p)));
          if (refused !== undefined) {
            port.postMessage({ kind: 'response', id: m.id, ok: false, error: `${m.method}: ${refused || 'this path'} was not opened through Tracelens; use File → Open or drop the file on the window` });
            return;
          }
        }
        handler(m);
      });
    },
    close: () => port.close(),
  };
}

/**
 * Serve the engine to the window whose port main posts on `parent`. Before that port, a spare
 * engine (main/windows.ts) may be told to warm (`warm`, tests: a stand-in); the port stops it.
 */
export function serveFromParent(parent: ParentPortLike, warm: typeof warmUp = warmUp): void {
  const allowed = new Set<string>();
  let serving = false;
  parent.on('message', (e) => {
    const m = e.data as EngineSetupMessage | null;
    if (m?.type === 'allow' && Array.isArray(m.paths)) {
      for (const p of m.paths) if (typeof p === 'string') allowed.add(resolve(p));
      return;
    }
    // A spare engine forked before its window: that window's first page is then not cold code.
    if (m?.type === 'warm' && Array.isArray(m.paths)) {
      if (!serving) void warm(m.paths.filter((p): p is string => typeof p === 'string'), () => serving);
      return;
    }
    if (m?.type !== 'engine-port' || serving) return;
    const mainPort = e.ports[0];
    if (!mainPort) {
      process.exit(2);
      return;
    }
    serving = true;
    setEngineLimits(m.limits ?? {});
    for (const p of Array.isArray(m.allow) ? m.allow : []) if (typeof p === 'string') allowed.add(resolve(p));
    // The window is gone when its end closes: nothing is left to serve.
    mainPort.on('close', () => process.exit(0));
    // The desktop app is the user's own: it may start strace/tcpdump as them (never with more privilege).
    const close = serveEngine(guardPaths(portFromMainPort(mainPort), allowed), { capture: { allowed: true, note: 'strace and tcpdump run on this computer as you, with no added privilege' } });
    // Ending the engine ends any capture it started (the programs run in process groups of their own).
    process.once('exit', close);
  });
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (parentPort) serveFromParent(parentPort);
