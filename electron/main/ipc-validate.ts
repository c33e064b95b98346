/**
 * Validation of everything that crosses IPC into main. The renderer is treated as untrusted: each
 * handler checks the channel, the sender and every argument before acting. Pure functions; the
 * file-system check is passed in so tests need no files.
 */
import { isAbsolute, normalize } from 'node:path';
import { RENDERER_TO_MAIN_CHANNELS } from './ipc-channels.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** Longest path accepted (Linux PATH_MAX is 4096; Windows long paths are 32767 UTF-16 units). */
export const MAX_PATH_LENGTH = 4096;
/** Longest command name or argument main sends or accepts. */
export const MAX_COMMAND_LENGTH = 256;

export function isAllowedChannel(channel: unknown): channel is string {
  return typeof channel === 'string' && RENDERER_TO_MAIN_CHANNELS.includes(channel);
}

/** The handler takes no arguments: anything extra is a sign of a confused or hostile caller. */
export function checkNoArgs(args: readonly unknown[]): Checked<null> {
  return args.length === 0 ? { ok: true, value: null } : { ok: false, error: `expected no arguments, got ${args.length}` };
}

/**
 * A capture path from the renderer: one string, absolute, no NUL, not too long, naming an existing
 * regular file (`isFile` is usually a wrapper over fs.statSync). Returns the normalised path.
 */
export function checkCapturePath(args: readonly unknown[], isFile: (path: string) => boolean): Checked<string> {
  if (args.length !== 1) return { ok: false, error: `expected one path argument, got ${args.length}` };
  const p = args[0];
  if (typeof p !== 'string') return { ok: false, error: `path must be a string, got ${p === null ? 'null' : typeof p}` };
  if (p.length === 0) return { ok: false, error: 'path is empty' };
  if (p.length > MAX_PATH_LENGTH) return { ok: false, error: `path is longer than ${MAX_PATH_LENGTH} characters` };
  if (p.includes('\0')) return { ok: false, error: 'path contains a NUL character' };
  if (!isAbsolute(p)) return { ok: false, error: `path is not absolute: ${p}` };
  const path = normalize(p);
  let file: boolean;
  try {
    file = isFile(path);
  } catch {
    file = false;
  }
  if (!file) return { ok: false, error: `not an existing file: ${path}` };
  return { ok: true, value: path };
}

/** A menu command name: lower-case words joined by '-' and ':' (e.g. `time-format:delta`). */
export function isCommandName(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_COMMAND_LENGTH && /^[a-z][a-z0-9-]*(:[a-z0-9-]+)?$/.test(v);
}

/** A command argument: absent, or a string of bounded length. */
export function isCommandArg(v: unknown): v is string | undefined {
  return v === undefined || (typeof v === 'string' && v.length <= Math.max(MAX_COMMAND_LENGTH, MAX_PATH_LENGTH));
}

/**
 * The sender must be the top frame of one of our windows showing our own renderer. `appOrigins`
 * are the origins the renderer is served from (the app protocol, or the dev server in `npm run dev`).
 */
export function isTrustedSenderUrl(url: unknown, appOrigins: readonly string[]): boolean {
  if (typeof url !== 'string' || url.length > 8192) return false;
  let origin: string;
  try {
    const u = new URL(url);
    origin = `${u.protocol}//${u.host}`;
  } catch {
    return false;
  }
  return appOrigins.includes(origin);
}
