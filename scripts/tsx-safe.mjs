// `node --import ./scripts/tsx-safe.mjs FILE.ts` (npm run cli / web): tsx, but without its
// transform cache unless that cache is this user's alone. tsx keeps compiled modules in
// TMPDIR/tsx-<euid>/ and runs whatever it finds there under the right name, creating the folder
// only if it is missing; on a shared /tmp another user can create it first and plant code.
// Plain JavaScript: this runs before tsx is there to compile TypeScript.
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const uid = process.geteuid?.();
if (uid !== undefined && !process.env.TSX_DISABLE_CACHE) {
  const dir = join(tmpdir(), `tsx-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    // It exists (checked below) or cannot be made (tsx then has no cache either).
  }
  let why = null;
  try {
    const st = lstatSync(dir);
    if (st.isSymbolicLink() || !st.isDirectory()) why = 'is not a plain folder';
    else if (st.uid !== uid) why = `belongs to uid ${st.uid}`;
    else if ((st.mode & 0o022) !== 0) why = 'is writable by other users';
  } catch {
    why = 'cannot be checked';
  }
  if (why) {
    process.env.TSX_DISABLE_CACHE = '1';
    process.stderr.write(`tracelens: ignoring tsx's cache ${dir}: it ${why} (compiling without it)\n`);
  }
}
await import('tsx');
