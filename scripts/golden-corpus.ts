/**
 * What the tshark golden generators share: the corpus's packet captures, and tshark's output
 * read whatever its exit status (a damaged capture makes tshark exit non-zero after printing
 * what it read, which is the oracle for what we read of it).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const CAPTURE = /\.(pcap|pcapng|cap)(\.gz|\.\d+)?$/;

/** Paths (relative to `corpus`, sorted per folder) of the captures under its pcap/ and pcapng/. */
export function packetCaptures(corpus: string): string[] {
  const acc: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (CAPTURE.test(e)) acc.push(relative(corpus, p));
    }
  };
  for (const d of ['pcap', 'pcapng']) walk(join(corpus, d));
  return acc;
}

/** tshark's standard output for `args` (stderr dropped), also when it exits non-zero. */
export function tsharkText(args: string[], opts: { env?: NodeJS.ProcessEnv; maxBuffer?: number } = {}): string {
  try {
    return execFileSync('tshark', args, { env: opts.env, maxBuffer: opts.maxBuffer ?? 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch (e) {
    return (e as { stdout?: Buffer }).stdout?.toString() ?? '';
  }
}
