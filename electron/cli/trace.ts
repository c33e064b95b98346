/**
 * `tracelens trace [--out PREFIX] [--pcap] -- CMD ARGS…`: run CMD under strace with a fresh TLS
 * key log, so its HTTPS can be read decrypted from the syscalls (the product's first real case,
 * without typing the strace line). Writes PREFIX.strace and PREFIX.keys (and PREFIX.pcap with
 * --pcap, by tcpdump beside it). Only processes started here are ever signalled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Writable } from 'node:stream';
import type { TraceArgs } from './args.ts';
import { write } from './common.ts';

/**
 * The strace options: follow forks (-f), epoch times with µs (-ttt) and durations (-T), fds with
 * their paths and socket tuples (-yy), whole buffers (-s 65535) as hex (-xx): what the strace
 * reader needs to rebuild and decrypt the streams (docs/engine.md, strace).
 */
export const STRACE_OPTIONS = ['-f', '-ttt', '-T', '-yy', '-s', '65535', '-xx'];

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

function readScope(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'utf8');
  } catch {
    return null;
  }
}

function defaultPrefix(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `trace-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

const exited = (c: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) => c.once('exit', (code, signal) => resolve({ code, signal })));

export async function trace(a: TraceArgs, out: Writable, err: Writable): Promise<number> {
  const strace = onPath('strace');
  if (!strace) {
    await write(err, 'tracelens: trace needs strace, which is not installed (Debian/Ubuntu: sudo apt-get install strace; Fedora: sudo dnf install strace)\n');
    return 1;
  }
  const problem = ptraceProblem(readScope());
  if (problem) {
    await write(err, `tracelens: ${problem}\n`);
    return 1;
  }
  const prefix = a.out ?? defaultPrefix();
  const log = `${prefix}.strace`;
  const keys = `${prefix}.keys`;
  const pcap = `${prefix}.pcap`;
  // The key log holds secrets: this user's only (0600), created empty so every TLS library appends.
  closeSync(openSync(keys, 'w', 0o600));
  const env = { ...process.env, SSLKEYLOGFILE: keys, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --tls-keylog=${keys}`.trim() };

  let dump: ChildProcess | undefined;
  if (a.pcap) {
    const tcpdump = onPath('tcpdump');
    if (!tcpdump) await write(err, 'tracelens: --pcap needs tcpdump, which is not installed (sudo apt-get install tcpdump); tracing the syscalls only\n');
    else {
      // --immediate-mode -U: each packet delivered and written as it is captured (no 1 s ring
      // timeout; the file can be followed); -i any: every interface.
      dump = spawn(tcpdump, ['-i', 'any', '--immediate-mode', '-U', '-w', pcap], { stdio: ['ignore', 'ignore', 'pipe'] });
      let dumpErr = '';
      let listening: () => void = () => {};
      const isListening = new Promise<boolean>((r) => (listening = () => r(true)));
      dump.stderr?.on('data', (b: Buffer) => {
        dumpErr += String(b);
        // "listening on any, link-type …": from here on, packets are captured.
        if (/listening on/.test(dumpErr)) listening();
      });
      const started = await Promise.race([exited(dump).then(() => false), isListening, new Promise<boolean>((r) => setTimeout(() => r(true), 5000))]);
      if (!started) {
        dump = undefined;
        const why = /permission|not permitted/i.test(dumpErr)
          ? 'tcpdump may not capture here (it needs CAP_NET_RAW: run tracelens as root, or `sudo setcap cap_net_raw,cap_net_admin=eip $(command -v tcpdump)`)'
          : `tcpdump failed: ${dumpErr.trim().split('\n').pop() ?? 'no message'}`;
        await write(err, `tracelens: ${why}; tracing the syscalls only\n`);
      }
    }
  }

  const child = spawn(strace, [...STRACE_OPTIONS, '-o', log, '--', ...a.argv], { stdio: 'inherit', env });
  // Ctrl-C reaches the traced command through the terminal; tracelens itself waits for it to end.
  const ignore = (): void => {};
  process.on('SIGINT', ignore);
  let result: { code: number | null; signal: NodeJS.Signals | null };
  try {
    result = await Promise.race([
      exited(child),
      new Promise<never>((_, reject) => child.once('error', reject)),
    ]);
  } catch (e) {
    dump?.kill('SIGINT');
    await write(err, `tracelens: cannot run strace: ${(e as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', ignore);
  }
  if (dump) {
    // Let the last packets of the run land, then end the capture the way tcpdump expects.
    await new Promise((r) => setTimeout(r, 300));
    dump.kill('SIGINT');
    await exited(dump);
  }
  if (!existsSync(log) || statSync(log).size === 0) {
    await write(err, `tracelens: strace wrote nothing to ${log}${result.code !== 0 ? ' (it may not be allowed to trace here: ptrace needs the same user and no seccomp/container ban)' : ''}\n`);
    return 1;
  }
  const secrets = readFileSync(keys, 'utf8').split('\n').filter((l) => /^[A-Z_0-9]+ [0-9a-fA-F]+ [0-9a-fA-F]+/.test(l)).length;
  const files = [log, keys, ...(dump ? [pcap] : [])];
  await write(out, `tracelens: wrote ${files.join(', ')} (${secrets} TLS secret${secrets === 1 ? '' : 's'})\n` +
    `  see the HTTP:  tracelens http ${log} --keylog ${keys}\n` +
    `  or the window: npm start -- ${log}   (then drop ${keys} on it)\n`);
  // As strace does: the traced command's exit status (128 + N when a signal ended it).
  if (result.signal) return 128 + (osConstants.signals[result.signal] ?? 0);
  return result.code ?? 0;
}
