/**
 * One timed child process: wall seconds, CPU seconds and peak RSS of the child tree as
 * /usr/bin/time reports them (getrusage of the waited-for children: worker threads are in the
 * process, so the engine is counted), stdout lines counted as they stream (never held), and a
 * timeout that kills the whole process group so a slow cell cannot hang the suite.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Run {
  seconds: number;
  cpuSeconds: number;
  /** The start-up CPU seconds of the run this cell came from (set when saved runs are merged: runs differ, e.g. tsx vs --built). */
  startCpu?: number;
  peakRssMB: number;
  exitCode: number | null;
  timedOut: boolean;
  /** Lines the command printed on stdout (matched events for a filter, exchanges for http). */
  lines: number;
  /** The last stderr text (errors), at most 400 characters. */
  stderr: string;
  /** First stdout line, at most 400 characters (engine-op prints its JSON there). */
  firstLine: string;
}

const TIME = '/usr/bin/time';

export function run(cmd: string, args: string[], timeoutSec: number, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'tracelens-bench-'));
  const rusage = join(dir, 'rusage');
  return new Promise((resolve) => {
    const t0 = performance.now();
    // %e wall, %U user, %S system, %M max RSS in KiB; -q: no "Command exited" line in the file.
    const child = spawn(TIME, ['-q', '-f', '%e %U %S %M', '-o', rusage, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env });
    let lines = 0;
    let first = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      if (first.length < 400 && lines === 0) first += b.toString('utf8', 0, Math.min(b.length, 400));
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on('data', (b: Buffer) => {
      err = (err + b.toString()).slice(-400);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutSec * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wall = (performance.now() - t0) / 1000;
      let cpu = NaN;
      let rss = NaN;
      try {
        const [, u, s, m] = readFileSync(rusage, 'utf8').trim().split('\n').pop()?.split(' ').map(Number) ?? [];
        cpu = u + s;
        rss = m / 1024;
      } catch {
        // killed before time wrote its line
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({
        seconds: Number(wall.toFixed(3)),
        cpuSeconds: Number(cpu.toFixed(2)),
        peakRssMB: Math.round(rss),
        exitCode: code,
        timedOut,
        lines,
        stderr: err.trim(),
        firstLine: first.split('\n')[0],
      });
    });
  });
}
