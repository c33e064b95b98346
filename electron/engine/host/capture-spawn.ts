/**
 * Starting the capture programs Tracelens drives: strace for "trace a command" (the CLI's
 * `tracelens trace` and the window's Capture ▸ Trace a Command…) and tcpdump for packets
 * (`--pcap`, Capture ▸ Packets…). One implementation for both. Every program is started by
 * argv (never a shell), and the only processes ever signalled are the ones started here: the
 * window's traces run in a process group of their own, which Stop ends as a whole.
 *
 * Self-contained (Node only, no engine import): the CLI imports it without loading the engine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The strace options: follow forks (-f), epoch times with µs (-ttt) and durations (-T), fds with
 * their paths and socket tuples (-yy), whole buffers (-s 65535) as hex (-xx): what the strace
 * reader needs to rebuild and decrypt the streams (docs/engine.md, strace).
 */
export const STRACE_OPTIONS = ['-f', '-ttt', '-T', '-yy', '-s', '65535', '-xx'];

/**
 * tcpdump options for a file that is followed while written: --immediate-mode (each packet
 * delivered as it arrives, no ring-buffer timeout) and -U (each packet written out at once).
 */
export const TCPDUMP_LIVE_OPTIONS = ['--immediate-mode', '-U'];

/** What each program is and how to get it, for the messages. */
export const INSTALL_STRACE = 'Debian/Ubuntu: sudo apt-get install strace; Fedora: sudo dnf install strace';
export const INSTALL_TCPDUMP = 'Debian/Ubuntu: sudo apt-get install tcpdump; Fedora: sudo dnf install tcpdump';
/** The one way to let tcpdump capture without running Tracelens as root (done by the user, outside Tracelens). */
export const TCPDUMP_PERMISSION = 'tcpdump needs CAP_NET_RAW to capture: run `sudo setcap cap_net_raw,cap_net_admin=eip $(command -v tcpdump)` once, or capture as root and open the file';

/** The first executable `name` on PATH, or null. */
export function onPath(name: string, path = process.env.PATH ?? ''): string | null {
  for (const d of path.split(delimiter)) {
    if (d === '') continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** Why strace cannot trace here, in words a user can act on, or null. */
export function ptraceProblem(scope: string | null): string | null {
  // Yama (Documentation/admin-guide/LSM/Yama.rst): 3 = no process may ptrace, not even its children.
  if (scope?.trim() === '3') return 'ptrace is disabled on this machine (kernel.yama.ptrace_scope = 3, which only a reboot undoes): strace cannot run';
  return null;
}

export function readPtraceScope(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'utf8');
  } catch {
    return null;
  }
}

/** Why strace cannot be used, or null: not installed, or ptrace disabled. */
export function straceProblem(strace: string | null, scope = readPtraceScope()): string | null {
  if (!strace) return `strace is not installed (${INSTALL_STRACE})`;
  return ptraceProblem(scope);
}

/** Why tcpdump did not start, from what it printed (its last line when the cause is not known). */
export function tcpdumpProblem(stderr: string): string {
  if (/permission|not permitted|operation not permitted|you don't have permission/i.test(stderr)) return TCPDUMP_PERMISSION;
  const last = stderr.trim().split('\n').filter((l) => l.trim() !== '').pop();
  return `tcpdump failed: ${last ?? 'no message'}`;
}

/** strace's argv to run `argv` writing its log to `log`. */
export function straceArgv(argv: readonly string[], log: string): string[] {
  return [...STRACE_OPTIONS, '-o', log, '--', ...argv];
}

/**
 * The traced command's environment: SSLKEYLOGFILE for OpenSSL/NSS/Go/curl/Python clients, and
 * Node's --tls-keylog (Node ignores SSLKEYLOGFILE) added to any NODE_OPTIONS it had.
 */
export function traceEnv(env: NodeJS.ProcessEnv, keys: string): NodeJS.ProcessEnv {
  return { ...env, SSLKEYLOGFILE: keys, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --tls-keylog=${keys}`.trim() };
}

/** Create the key log empty, this user's only (0600, it holds secrets), so every TLS library appends to it. */
export function createKeylog(path: string): void {
  closeSync(openSync(path, 'w', 0o600));
}

/**
 * tcpdump's argv: capture on `iface` (any: every interface) into `out`, with an optional capture
 * filter. `--` ends the options, so a filter can never be read as one (getopt(3)); tcpdump
 * joins the arguments after it into one expression (tcpdump(8)).
 */
export function tcpdumpArgv(iface: string, out: string, filter = ''): string[] {
  return ['-i', iface, ...TCPDUMP_LIVE_OPTIONS, '-w', out, ...(filter.trim() === '' ? [] : ['--', filter])];
}

export interface CaptureInterface {
  /** Name to pass to -i. */
  name: string;
  /** tcpdump's description and flags, e.g. `(Pseudo-device that captures on all interfaces) [Up, Running]`. */
  description: string;
}

/**
 * The interfaces `tcpdump -D` (or `dumpcap -D`) lists, one a line: `1.eth0 [Up, Running]`,
 * `2.any (Pseudo-device …) [Up, Running]`.
 */
export function parseInterfaces(text: string): CaptureInterface[] {
  const out: CaptureInterface[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*\d+\.(\S+)\s*(.*)$/.exec(line);
    if (m) out.push({ name: m[1], description: m[2].trim() });
  }
  return out;
}

/** The interfaces tcpdump can see (listing needs no privilege), or why not. */
export function listInterfaces(tcpdump = onPath('tcpdump')): Promise<{ interfaces: CaptureInterface[]; problem: string | null }> {
  if (!tcpdump) return Promise.resolve({ interfaces: [], problem: `tcpdump is not installed (${INSTALL_TCPDUMP})` });
  return new Promise((resolve) => {
    const c = spawn(tcpdump, ['-D'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (b: Buffer) => { if (out.length < 1 << 20) out += String(b); });
    c.stderr.on('data', (b: Buffer) => { if (err.length < 1 << 16) err += String(b); });
    c.once('error', (e) => resolve({ interfaces: [], problem: `cannot run tcpdump: ${e.message}` }));
    c.once('close', (code) => {
      const interfaces = parseInterfaces(out);
      resolve({ interfaces, problem: interfaces.length === 0 ? (code === 0 ? 'tcpdump lists no interfaces' : tcpdumpProblem(err)) : null });
    });
  });
}

const exited = (c: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) resolve({ code: c.exitCode, signal: c.signalCode });
    else c.once('exit', (code, signal) => resolve({ code, signal }));
  });

export interface Started {
  child: ChildProcess;
  /** Resolves when the program has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last 8 KiB it wrote to stderr (its messages). */
  stderr(): string;
}

/** Start `file argv`; `group`: in a process group of its own (for killGroup). */
function start(file: string, argv: string[], opts: { env?: NodeJS.ProcessEnv; group: boolean; stdio?: 'inherit' }): Started {
  const child = spawn(file, argv, {
    env: opts.env ?? process.env,
    detached: opts.group,
    stdio: opts.stdio === 'inherit' ? 'inherit' : ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => {
    err = (err + String(b)).slice(-8192);
  });
  // A spawn failure (ENOENT, EACCES) is an 'error' and no 'exit': end the wait either way.
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (e) => {
      err += `${e.message}\n`;
      resolve({ code: 127, signal: null });
    });
    void exited(child).then(resolve);
  });
  return { child, exited: done, stderr: () => err };
}

/** Run strace on `argv` into `log` with the key log `keys`. */
export function startStrace(strace: string, argv: readonly string[], log: string, keys: string, opts: { group: boolean; stdio?: 'inherit' }): Started {
  return start(strace, straceArgv(argv, log), { ...opts, env: traceEnv(process.env, keys) });
}

/**
 * Start tcpdump and wait until it says it is listening (from then on packets are captured), it
 * ends, or 5 s pass. Resolves with the running capture, or with why it could not start.
 */
export async function startTcpdump(tcpdump: string, iface: string, out: string, filter = '', opts: { group: boolean } = { group: false }): Promise<{ started: Started } | { problem: string }> {
  const s = start(tcpdump, tcpdumpArgv(iface, out, filter), { group: opts.group });
  const listening = new Promise<boolean>((resolve) => {
    // "listening on any, link-type …": tcpdump has opened the device and the file.
    const look = (): void => {
      if (/listening on/.test(s.stderr())) resolve(true);
    };
    s.child.stderr?.on('data', look);
    setTimeout(() => resolve(true), 5000).unref();
  });
  const ok = await Promise.race([s.exited.then(() => false), listening]);
  return ok ? { started: s } : { problem: tcpdumpProblem(s.stderr()) };
}

/**
 * Signal every process of the group led by `child` (it was started with `group: true`, so the
 * group holds it and what it started, nothing else): SIGTERM, then SIGKILL after `graceMs` if
 * the leader has not ended. Resolves when the leader has ended.
 */
export async function killGroup(s: Started, graceMs = 2000, first: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pid = s.child.pid;
  if (pid === undefined) return;
  const signal = (sig: NodeJS.Signals): void => {
    try {
      // A negative pid is the process group (kill(2)).
      process.kill(-pid, sig);
    } catch {
      // ESRCH: the group has ended already.
    }
  };
  signal(first);
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await s.exited;
  clearTimeout(timer);
  // The leader (strace) may end before the processes it traced: they are in the group too. A
  // process group's id stays taken while any member lives (setpgid(2)), so this reaches only
  // them; once all are gone it fails with ESRCH.
  signal('SIGKILL');
}

/** End a capture program the way it expects (tcpdump writes its last packets on SIGINT). */
export async function interrupt(s: Started, graceMs = 2000): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill('SIGINT');
  const timer = setTimeout(() => s.child.kill('SIGKILL'), graceMs);
  await s.exited;
  clearTimeout(timer);
}

/** TLS secrets in a key log text: lines `LABEL <client random hex> <secret hex>` (NSS key log format). */
export function countSecrets(text: string): number {
  return text.split('\n').filter((l) => /^[A-Z_0-9]+ [0-9a-fA-F]+ [0-9a-fA-F]+/.test(l)).length;
}
