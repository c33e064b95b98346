/** The CLI run in-process with its output collected: what tests of every command use. */
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { runCli } from '../../electron/cli/run.ts';

export function sink(): { stream: Writable; text: () => string } {
  const parts: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _enc, cb) {
        parts.push(String(chunk));
        cb();
      },
    }),
    text: () => parts.join(''),
  };
}

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = sink();
  const err = sink();
  const code = await runCli(argv, out.stream, err.stream);
  return { code, out: out.text(), err: err.text() };
}

/** The CLI's standard output, the test failing (with its stderr) unless it exits 0. */
export async function cliOk(...argv: string[]): Promise<string> {
  const r = await cli(...argv);
  expect(r.code, r.err).toBe(0);
  return r.out;
}
