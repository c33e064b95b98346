/**
 * The Open Recent list, persisted as JSON in userData (`recent.json`). The OS lists
 * (app.addRecentDocument) are fed too, but cannot be read back on Linux, hence our own file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { MAX_PATH_LENGTH } from './ipc-validate.ts';

export const MAX_RECENT = 12;

/** The list with `path` moved to the front, without duplicates, capped at `max`. */
export function addRecent(list: readonly string[], path: string, max: number = MAX_RECENT): string[] {
  return [path, ...list.filter((p) => p !== path)].slice(0, max);
}

/** Parse the stored file; anything malformed yields what is valid in it (or nothing). */
export function parseRecentJson(text: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  const files = (data as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) return [];
  const out: string[] = [];
  for (const f of files) {
    if (typeof f === 'string' && f.length <= MAX_PATH_LENGTH && isAbsolute(f) && !f.includes('\0') && !out.includes(f)) out.push(f);
    if (out.length === MAX_RECENT) break;
  }
  return out;
}

export function serializeRecent(list: readonly string[]): string {
  return JSON.stringify({ version: 1, files: list }, null, 2) + '\n';
}

export function loadRecent(file: string): string[] {
  try {
    return parseRecentJson(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

/** Write via a temporary file and rename, so a crash never leaves a half-written list. */
export function saveRecent(file: string, list: readonly string[]): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, serializeRecent(list));
    renameSync(tmp, file);
  } catch (e) {
    // Losing the recent list is not worth interrupting the user for.
    console.warn(`tracelens: cannot save recent files to ${file}: ${(e as Error).message}`);
  }
}
