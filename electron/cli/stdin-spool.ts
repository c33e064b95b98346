/**
 * `tracelens list -` reads the capture from standard input (`tcpdump -w - | tracelens list -`,
 * as `tshark -r -`). The engine reads files by offset (details, follow, re-dissection), so the
 * bytes go to a private temp file as they arrive, and the engine follows that file until the
 * input ends. The temp-disk limit (--max-temp) bounds it.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface StdinSpool {
  path: string;
  /** Resolves when the input has ended (or the limit was reached), with why it stopped early. */
  ended: Promise<{ bytes: number; error?: string }>;
  remove(): void;
}

export function spoolStdin(input: Readable, maxBytes: number): StdinSpool {
  // mkdtemp: a 0700 folder of our own; the file inside 0600, created here (never an existing one).
  const dir = mkdtempSync(join(tmpdir(), 'tracelens-stdin-'));
  const path = join(dir, 'stdin');
  const fd = openSync(path, 'wx', 0o600);
  let bytes = 0;
  let closed = false;
  const close = (): void => {
    if (!closed) closeSync(fd);
    closed = true;
  };
  const ended = new Promise<{ bytes: number; error?: string }>((resolve) => {
    input.on('data', (chunk: Buffer) => {
      if (closed) return;
      if (bytes + chunk.length > maxBytes) {
        close();
        input.pause();
        resolve({ bytes, error: `standard input is longer than the temp-disk limit of ${maxBytes} bytes (--max-temp); read the first ${bytes} bytes` });
        return;
      }
      writeSync(fd, chunk, 0, chunk.length, bytes);
      bytes += chunk.length;
    });
    input.once('end', () => {
      close();
      resolve({ bytes });
    });
    input.once('error', (e: Error) => {
      close();
      resolve({ bytes, error: `standard input: ${e.message}` });
    });
  });
  return {
    path,
    ended,
    remove: () => {
      close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
