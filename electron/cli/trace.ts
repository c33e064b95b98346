/**
 * `tracelens trace [--out PREFIX] [--pcap] -- CMD ARGS…`: run CMD under strace with a fresh TLS
 * key log, so its HTTPS can be read decrypted from the syscalls (the product's first real case,
 * without typing the strace line). Writes PREFIX.strace and PREFIX.keys (and PREFIX.pcap with
 * --pcap, by tcpdump beside it). Only processes started here are ever signalled. The two files
 * are one capture set, and can be followed as one while they are written (list A B --follow).
 */
import { constants as osConstants } from 'node:os';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { TraceArgs } from './args.ts';
import { write } from './common.ts';
import { countSecrets, createKeylog, INSTALL_TCPDUMP, interrupt, onPath, startStrace, startTcpdump, straceProblem, type Started } from '../engine/host/capture-spawn.ts';

export { STRACE_OPTIONS, onPath, ptraceProblem } from '../engine/host/capture-spawn.ts';

function defaultPrefix(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `trace-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

export async function trace(a: TraceArgs, out: Writable, err: Writable): Promise<number> {
  const strace = onPath('strace');
  const problem = straceProblem(strace);
  if (problem || !strace) {
    await write(err, `tracelens: trace needs strace: ${problem}\n`);
    return 1;
  }
  const prefix = a.out ?? defaultPrefix();
  const log = `${prefix}.strace`;
  const keys = `${prefix}.keys`;
  const pcap = `${prefix}.pcap`;
  createKeylog(keys);

  let dump: Started | undefined;
  if (a.pcap) {
    const tcpdump = onPath('tcpdump');
    if (!tcpdump) await write(err, `tracelens: --pcap needs tcpdump, which is not installed (${INSTALL_TCPDUMP}); tracing the syscalls only\n`);
    else {
      // -i any: every interface.
      const r = await startTcpdump(tcpdump, 'any', pcap);
      if ('started' in r) {
        dump = r.started;
        // Said on stderr before the command's own output starts.
        await write(err, `tracelens: writing ${log} and ${pcap}; to watch both live as one capture: tracelens list ${pcap} ${log} --follow --keylog ${keys}\n`);
      } else await write(err, `tracelens: ${r.problem}; tracing the syscalls only\n`);
    }
  }

  // In the terminal's process group: Ctrl-C reaches the traced command through the terminal;
  // tracelens itself waits for it to end.
  const child = startStrace(strace, a.argv, log, keys, { group: false, stdio: 'inherit' });
  const ignore = (): void => {};
  process.on('SIGINT', ignore);
  const result = await child.exited;
  process.off('SIGINT', ignore);
  // No pid: spawn itself failed (ENOENT, EACCES), its message is the stderr kept.
  if (child.child.pid === undefined) {
    if (dump) await interrupt(dump);
    await write(err, `tracelens: cannot run strace: ${child.stderr().trim()}\n`);
    return 1;
  }
  if (dump) {
    // Let the last packets of the run land, then end the capture the way tcpdump expects.
    await new Promise((r) => setTimeout(r, 300));
    await interrupt(dump);
  }
  if (!existsSync(log) || statSync(log).size === 0) {
    await write(err, `tracelens: strace wrote nothing to ${log}${result.code !== 0 ? ' (it may not be allowed to trace here: ptrace needs the same user and no seccomp/container ban)' : ''}\n`);
    return 1;
  }
  const secrets = countSecrets(readFileSync(keys, 'utf8'));
  const files = [log, keys, ...(dump ? [pcap] : [])];
  // With the pcap: the two as one capture set (the packets owned by the traced processes).
  const set = dump ? `${pcap} ${log}` : log;
  await write(out, `tracelens: wrote ${files.join(', ')} (${secrets} TLS secret${secrets === 1 ? '' : 's'})\n` +
    `  see the HTTP:  tracelens http ${set} --keylog ${keys}\n` +
    (dump ? `  the events:    tracelens list ${set} --keylog ${keys}\n` : '') +
    `  or the window: npm start -- ${set}   (then drop ${keys} on it)\n`);
  // As strace does: the traced command's exit status (128 + N when a signal ended it).
  if (result.signal) return 128 + (osConstants.signals[result.signal] ?? 0);
  return result.code ?? 0;
}
