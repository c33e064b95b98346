/**
 * Which files an engine may read for `open` and `addKeylog` when its host restricts it (browser
 * mode: anyone holding the token could otherwise read any file the server's user can, and the
 * "not a capture" error quotes a file's first bytes).
 *
 * Allowed: a file named in `files` (as named: the user chose it, symbolic link or not), a key log
 * beside such a file (tls/keylog.ts siblingKeylogs, what the window offers), and a file whose real
 * path (all symbolic links resolved) lies inside the real path of a folder in `dirs`. A refusal
 * says the same whether or not the file exists and never quotes its content.
 */
import { realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { siblingKeylogs } from '../tls/keylog.ts';

export interface AllowedPaths {
  /** Files allowed by name: the command line's FILEs, the samples and their key logs. */
  files: string[];
  /** Folders whose files are allowed, symbolic links resolved first: --root, the upload folder. */
  dirs: string[];
}

function realOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/** The path to open for `path`, or throws when `allowed` does not cover it. */
export function confinePath(allowed: AllowedPaths, path: string): string {
  const abs = resolve(path);
  const real = realOrNull(abs);
  for (const f of allowed.files) {
    const named = resolve(f);
    if (named === abs) return abs;
    const realNamed = realOrNull(named);
    if (real !== null && realNamed === real) return abs;
    if (siblingKeylogs(named).includes(abs)) return abs;
  }
  if (real !== null) {
    for (const d of allowed.dirs) {
      const root = realOrNull(resolve(d));
      if (root !== null && (real.startsWith(root.endsWith(sep) ? root : root + sep))) return real;
    }
  }
  const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  throw new Error(`${JSON.stringify(shown)} is not open to this window: browser mode reads only the files named on its command line, the samples, uploads and files under --root`);
}
