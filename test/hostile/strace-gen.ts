/**
 * Generators for hostile strace logs: a plausible `strace -f -tt -T` log of N events, and ways
 * to damage it with binary garbage (a NUL written into a line, whole lines of random bytes).
 */

/** A `strace -f -tt -T -o` log of `events` lines (openat, read, write, close cycling on fd 3). */
export function straceLog(events: number): Uint8Array {
  const lines: string[] = [];
  for (let k = 0; k < events; k++) {
    const us = 100_000 + k * 37;
    const ts = `12:00:${String(Math.floor(us / 1e6) % 60).padStart(2, '0')}.${String(us % 1e6).padStart(6, '0')}`;
    const body = [
      'openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3',
      'read(3, "127.0.0.1 localhost\\n", 4096) = 20',
      'write(1, "hello\\n", 6) = 6',
      'close(3) = 0',
    ][k % 4];
    lines.push(`4242  ${ts} ${body} <0.000012>`);
  }
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

/** `log` with byte `at` replaced by `value` (the case: a NUL at byte 4000). */
export function withByte(log: Uint8Array, at: number, value: number): Uint8Array {
  const out = log.slice();
  out[at] = value;
  return out;
}

/** `log` with `count` lines of `len` random bytes (no LF) inserted after random lines. */
export function withGarbageLines(log: Uint8Array, count: number, len: number, r: () => number): { bytes: Uint8Array; inserted: number[] } {
  const text = Array.from(log);
  const starts: number[] = [0];
  for (let i = 0; i < text.length - 1; i++) if (text[i] === 10) starts.push(i + 1);
  const picks = new Set<number>();
  while (picks.size < Math.min(count, starts.length)) picks.add(starts[Math.floor(r() * starts.length)]);
  const sorted = [...picks].sort((a, b) => b - a);
  for (const at of sorted) {
    const junk = Array.from({ length: len }, () => {
      const c = Math.floor(r() * 256);
      return c === 10 ? 0 : c;
    });
    junk[0] = 0; // at least one control byte
    text.splice(at, 0, ...junk, 10);
  }
  return { bytes: Uint8Array.from(text), inserted: sorted };
}
