/**
 * `npm run -s cli -- COMMAND …`: the headless, tshark-like face of the engine, used for
 * scripting and by our own tests. The engine runs in a worker_threads worker behind the same
 * RPC contract the window uses.
 *
 * Exit codes: 0 success; 1 usage error; 2 input that cannot be read (fully or in part, including
 * a capture cut at a memory or temp-disk limit); 3 the engine died (out of memory, crash) or an
 * internal error; 128 + N ended by signal N (SIGINT 130, SIGTERM 143). Every non-zero exit but
 * a signal's prints why on stderr.
 */
import { removeAllEngineTempDirs } from '../engine/io/temp-dir.ts';
import type { EngineWorker } from '../engine/host/node-worker.ts';
import { takeInterrupt } from './interrupt.ts';
import { runCli } from './run.ts';

let engine: EngineWorker | undefined;
let finished = false;

// `tracelens list … | head` closes our stdout early: that ends the output, it is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') {
    finished = true;
    process.exit(0);
  }
  throw e;
});

// Ctrl-C / kill: end the engine and remove its temp folder (the spill of a .gz capture) first.
const SIGNAL_CODES: [NodeJS.Signals, number][] = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]];
for (const [sig, code] of SIGNAL_CODES) {
  // `on`, not `once`: a second Ctrl-C while the engine ends must not kill us before the cleanup.
  process.on(sig, () => {
    if (finished) return;
    // The first Ctrl-C of `list --follow` ends the follow, and the command ends normally.
    if (sig === 'SIGINT' && takeInterrupt()) return;
    finished = true;
    removeAllEngineTempDirs();
    const end = engine ? engine.terminate() : Promise.resolve();
    void end.finally(() => process.exit(code));
  });
}

process.on('exit', () => {
  // The exit hook of temp-dir.ts removes the folders; this only makes a silent end impossible.
  if (!finished) {
    process.stderr.write('tracelens: internal error: the command ended without an answer\n');
    process.exitCode = 3;
  }
});

runCli(process.argv.slice(2), process.stdout, process.stderr, { onEngine: (w) => (engine = w) }).then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (e: unknown) => {
    finished = true;
    process.stderr.write(`tracelens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 3;
  },
);
