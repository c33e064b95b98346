/**
 * Which capture files a launch asks for: the command line of the first instance, the argv a second
 * instance hands over, and the file extensions the app is associated with. Pure functions only.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Extensions the app opens on double-click (mirrored in electron-builder.yml fileAssociations). */
export const CAPTURE_EXTENSIONS = ['pcap', 'pcapng', 'cap', 'scap', 'strace'] as const;

/** Extension list for the Open dialog filter, including the gzip forms (`pcap.gz`, …). */
export const CAPTURE_DIALOG_EXTENSIONS: string[] = [...CAPTURE_EXTENSIONS, ...CAPTURE_EXTENSIONS.map((e) => `${e}.gz`)];

/** True if the file name ends with a capture extension, optionally followed by `.gz`. */
export function isCaptureFileName(name: string): boolean {
  const lower = name.toLowerCase().replace(/\.gz$/, '');
  const dot = lower.lastIndexOf('.');
  if (dot < 0) return false;
  return (CAPTURE_EXTENSIONS as readonly string[]).includes(lower.slice(dot + 1));
}

/** Electron CLI options that take the next argument as their value (`electron -r module .`). */
const OPTIONS_WITH_VALUE = new Set(['-r', '--require']);

/**
 * One command-line word as an absolute path, or null if it is not a local file reference.
 * Linux file managers launch with `%U`, so `file://` URLs arrive too.
 */
function argToPath(arg: string, cwd: string): string | null {
  if (arg.length === 0 || arg.includes('\0')) return null;
  if (/^file:\/\//i.test(arg)) {
    try {
      return fileURLToPath(arg);
    } catch {
      return null;
    }
  }
  // Other URL schemes (http:, tracelens:, …) are not files; a Windows drive letter is not a scheme.
  if (/^[a-z][a-z0-9+.-]+:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg)) return null;
  return isAbsolute(arg) ? resolve(arg) : resolve(cwd, arg);
}

/**
 * The files named on a command line, as absolute paths in order, without duplicates.
 *
 * argv[0] is the executable. Unpackaged (`electron [flags] APP [FILE…]`) the first non-flag word is
 * the app path and is skipped; packaged, every non-flag word is a file. Flags (`--inspect=…`,
 * Chromium switches, macOS `-psn_…`) are skipped; after `--` every word is a file.
 */
export function parseOpenArgs(argv: readonly string[], isPackaged: boolean, cwd: string = process.cwd()): string[] {
  const out: string[] = [];
  let appPathSkipped = isPackaged;
  let optionsEnded = false;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (typeof arg !== 'string') continue;
    if (!optionsEnded) {
      if (arg === '--') {
        optionsEnded = true;
        continue;
      }
      if (OPTIONS_WITH_VALUE.has(arg)) {
        i++;
        continue;
      }
      if (arg.startsWith('-')) continue;
    }
    if (!appPathSkipped) {
      appPathSkipped = true;
      continue;
    }
    const path = argToPath(arg, cwd);
    if (path !== null && !out.includes(path)) out.push(path);
  }
  return out;
}

/** What a second instance passes to the first one through `requestSingleInstanceLock(data)`. */
export interface SecondInstanceData {
  argv: string[];
  cwd: string;
}

export function isSecondInstanceData(v: unknown): v is SecondInstanceData {
  if (typeof v !== 'object' || v === null) return false;
  const { argv, cwd } = v as { argv?: unknown; cwd?: unknown };
  return (
    Array.isArray(argv) &&
    argv.length <= 1000 &&
    argv.every((a) => typeof a === 'string' && a.length <= 32768) &&
    typeof cwd === 'string' &&
    isAbsolute(cwd)
  );
}

/**
 * The files a second launch asked for. Chromium may rewrite the argv it forwards (it adds
 * switches and can reorder them), so the second instance's own `process.argv`, sent as
 * additionalData, is preferred when present and well-formed.
 */
export function pathsFromSecondInstance(
  argv: readonly string[],
  workingDirectory: string,
  additionalData: unknown,
  isPackaged: boolean,
): string[] {
  if (isSecondInstanceData(additionalData)) return parseOpenArgs(additionalData.argv, isPackaged, additionalData.cwd);
  return parseOpenArgs(argv, isPackaged, workingDirectory);
}
