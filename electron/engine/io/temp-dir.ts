/**
 * Where engines keep temp files (the gzip spill), and who removes them. Every engine gets its own
 * folder `engine-<pid>-<random>` under a per-user root `<tmpdir>/tracelens-<uid>` (mode 0700,
 * owner checked, never a symlink). `<pid>` is the process that owns the folder: the CLI, the
 * browser-mode server or the desktop main process, which removes it when the engine ends however
 * it ends (close, crash, out of memory, terminate, kill). A folder whose owner died without
 * cleaning up (SIGKILL, power cut) is swept by the next start: same user, owner pid not alive.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const ENGINE_PREFIX = 'engine-';

function userTag(): string {
  const uid = process.getuid?.();
  if (uid !== undefined) return String(uid);
  // Windows: the temp folder is already per user; the name keeps users apart on shared machines.
  return userInfo().username.replace(/[^\w.-]/g, '_') || 'user';
}

/**
 * The per-user root for engine folders, created 0700 if absent. Refuses one this user does not
 * own, that others can enter, or that is a link: on a shared /tmp anybody may create the name first.
 */
export function userTempRoot(base: string = tmpdir()): string {
  const root = join(base, `tracelens-${userTag()}`);
  try {
    mkdirSync(root, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const st = lstatSync(root);
  if (!st.isDirectory()) throw new Error(`temp folder ${root} is not a directory (a link or file was planted there); remove it`);
  const uid = process.getuid?.();
  if (uid !== undefined) {
    if (st.uid !== uid) throw new Error(`temp folder ${root} belongs to another user (uid ${st.uid}); remove it`);
    if ((st.mode & 0o077) !== 0) throw new Error(`temp folder ${root} is open to other users (mode ${(st.mode & 0o777).toString(8)}); remove it or chmod 700 it`);
  }
  return root;
}

/** True while process `pid` exists (EPERM: it exists but is someone else's). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Owner pid of an engine folder name, or null when it is not one. */
export function ownerPid(name: string): number | null {
  const m = /^engine-(\d+)-/.exec(name);
  return m ? Number(m[1]) : null;
}

/** Remove the engine folders in `root` whose owner process is gone. Returns the names removed. */
export function sweepStaleTempDirs(root: string, alive: (pid: number) => boolean = pidAlive): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = ownerPid(name);
    if (pid === null || pid === process.pid || alive(pid)) continue;
    try {
      rmSync(join(root, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Another process swept it first, or it is not ours to remove: leave it.
    }
  }
  return removed;
}

/**
 * Spills of versions before the per-user root: `<tmpdir>/tracelens-XXXXXX/inflated`, never
 * removed by them. No owner pid is recorded, so only this user's that are a day old go.
 */
export function sweepLegacySpills(base: string = tmpdir(), maxAgeMs = 24 * 3600_000, now = Date.now()): string[] {
  const removed: string[] = [];
  const uid = process.getuid?.();
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!/^tracelens-[A-Za-z0-9]{6}$/.test(name) || name === `tracelens-${userTag()}`) continue;
    const dir = join(base, name);
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      const entries = readdirSync(dir);
      if (entries.some((e) => e !== 'inflated')) continue;
      const age = now - Math.max(st.mtimeMs, ...entries.map((e) => lstatSync(join(dir, e)).mtimeMs));
      if (age < maxAgeMs) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Gone meanwhile, or not ours: leave it.
    }
  }
  return removed;
}

/** Folders this process owns and has not removed yet (removed at exit and on signals). */
const live = new Set<string>();
let swept = false;
let hooked = false;

/** A new, empty folder for one engine, owned by this process. The first call sweeps stale ones. */
export function createEngineTempDir(base?: string): string {
  const root = userTempRoot(base);
  if (!swept) {
    swept = true;
    sweepStaleTempDirs(root);
    sweepLegacySpills(base);
  }
  const dir = mkdtempSync(join(root, `${ENGINE_PREFIX}${process.pid}-`));
  live.add(dir);
  hookExit();
  return dir;
}

let own: string | undefined;

/** This process's own engine folder, for an engine run without a parent-owned one (in-process engines, tests). */
export function ownEngineTempDir(): string {
  if (own === undefined || !existsSync(own)) own = createEngineTempDir();
  return own;
}

/** Remove an engine folder and everything in it (idempotent). */
export function removeEngineTempDir(dir: string): void {
  live.delete(dir);
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Nothing more can be done here; the next start sweeps it.
  }
}

/** Remove every folder this process still owns (synchronous: also runs from the exit hook). */
export function removeAllEngineTempDirs(): void {
  for (const dir of [...live]) removeEngineTempDir(dir);
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Clean up on exit and on the signals that end a process. A signal that nobody else handles
 * is raised again after the cleanup, so the process still ends as the signal means.
 */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAllEngineTempDirs);
  for (const sig of SIGNALS) {
    const onSignal = (): void => {
      removeAllEngineTempDirs();
      if (process.listenerCount(sig) === 1) {
        process.off(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}
