/**
 * The `tracelens` command of the packaged desktop app (Linux): a shell launcher next to the app's
 * binary. A command line starting with a CLI command (electron/cli/args.ts CLI_COMMANDS) or an
 * option runs the CLI bundle (out/cli, shipped in resources/cli) with the system's Node; anything
 * else (file names, nothing) opens the window. The app's own binary cannot run the CLI: its
 * RunAsNode fuse is off (scripts/electron-fuses.ts), so ELECTRON_RUN_AS_NODE is ignored.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_COMMANDS } from '../electron/cli/args.ts';

/** The launcher's text for an app binary named `appBinary` in the same folder. */
export function linuxLauncher(appBinary: string): string {
  const words = CLI_COMMANDS.join('|');
  return `#!/bin/sh
# tracelens: the window for files (tracelens capture.pcap), the CLI for commands (tracelens list capture.pcap).
here=$(dirname "$(readlink -f "$0")")
case "$1" in
  ${words}|-*)
    if ! command -v node >/dev/null 2>&1; then
      echo "tracelens: the command line needs Node.js 20.19 or newer on PATH (https://nodejs.org); the window works without it" >&2
      exit 3
    fi
    exec node "$here/resources/cli/tracelens.mjs" "$@" ;;
  *)
    exec "$here/${appBinary}" "$@" ;;
esac
`;
}

/** Write the launcher as `tracelens` into the packaged app's folder (electron-builder's appOutDir). */
export function writeLinuxLauncher(appOutDir: string, appBinary: string): string {
  const path = join(appOutDir, 'tracelens');
  writeFileSync(path, linuxLauncher(appBinary), { mode: 0o755 });
  chmodSync(path, 0o755);
  return path;
}
