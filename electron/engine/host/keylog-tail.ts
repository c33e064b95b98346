/**
 * A key log that is still being written (SSLKEYLOGFILE of a program being traced or captured):
 * read on from where the last read ended, whole lines only, so a line half written waits for
 * the rest and no secret is read twice or cut.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** At most this much is read per look (a key log line is ~180 bytes). */
const MAX_READ = 1 << 20;

/** The whole lines of `path` after byte `from`, and where the next read starts; '' when nothing new (or unreadable). */
export function newKeylogLines(path: string, from: number): { text: string; next: number } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return { text: '', next: from };
  }
  if (size <= from) return { text: '', next: from };
  const buf = Buffer.alloc(Math.min(size - from, MAX_READ));
  let n: number;
  try {
    const fd = openSync(path, 'r');
    try {
      n = readSync(fd, buf, 0, buf.length, from);
    } finally {
      closeSync(fd);
    }
  } catch {
    return { text: '', next: from };
  }
  const end = buf.subarray(0, n).lastIndexOf(0x0a) + 1;
  return { text: buf.subarray(0, end).toString('utf8'), next: from + end };
}
