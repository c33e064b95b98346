/**
 * `npm start`: the desktop window, after `electron-vite build`. Electron fetches its binary on
 * first use; where that cannot happen (no network, a proxy, a CI image) Electron's own message
 * says only that it "failed to install correctly". This says what happened and what still
 * works: the same window in a browser (`npm run web -- FILE`).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export const WEB_HINT = 'The same window runs in a browser: `npm run web -- FILE` (then open the address it prints).';

/** The message for a failure to start Electron, or null when `code` is an ordinary exit. */
export function startFailure(reason: { error?: Error; code?: number | null; env?: NodeJS.ProcessEnv; platform?: string }): string | null {
  const env = reason.env ?? process.env;
  if (reason.error) {
    const why = reason.error.message.split('\n')[0];
    return `tracelens: Electron cannot start here (${why}).\n${WEB_HINT}\n` +
      'To install Electron\'s binary later: `node node_modules/electron/install.js` with network access (or ELECTRON_MIRROR set).\n';
  }
  // The loader's "cannot open shared object file" (missing GTK/NSS libraries) exits with 127.
  if (reason.code === 127) return `tracelens: Electron's binary could not be loaded (missing system libraries?).\n${WEB_HINT}\n`;
  if ((reason.platform ?? process.platform) === 'linux' && reason.code !== 0 && reason.code !== null && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return `tracelens: Electron needs a display (neither DISPLAY nor WAYLAND_DISPLAY is set).\n${WEB_HINT}\n`;
  }
  return null;
}

function main(): void {
  let binary: string;
  try {
    // The electron package's main module is the binary's path, downloading it first if missing.
    binary = createRequire(import.meta.url)('electron') as string;
  } catch (e) {
    process.stderr.write(startFailure({ error: e as Error }) ?? '');
    process.exit(1);
  }
  const child = spawn(binary, process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['.'], { stdio: 'inherit' });
  child.on('error', (e) => {
    process.stderr.write(startFailure({ error: e }) ?? '');
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    const msg = startFailure({ code });
    if (msg) process.stderr.write(msg);
    process.exit(code ?? (signal ? 1 : 0));
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
}

if (process.argv[1] && import.meta.filename === process.argv[1]) main();
