/**
 * `npm run -s cli -- COMMAND …`: the headless, tshark-like face of the engine, used for
 * scripting and by our own tests. The engine runs in a worker_threads worker behind the same
 * RPC contract the window uses.
 *
 * Exit codes: 0 success; 1 usage error; 2 input that cannot be read (fully or in part).
 */
import { runCli } from './run.ts';

// `tracelens list … | head` closes our stdout early: that ends the output, it is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

runCli(process.argv.slice(2), process.stdout, process.stderr).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`tracelens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 3;
  },
);
