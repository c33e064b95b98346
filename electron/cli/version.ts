import { readFileSync } from 'node:fs';
import { BUILT_COMMAND } from '../engine/host/build-info.ts';

/** The version `tracelens --version` prints: built into the command, or the checkout's package.json. */
export function commandVersion(): string {
  if (BUILT_COMMAND) return BUILT_COMMAND.version;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
