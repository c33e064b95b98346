/** Helpers of the tests that follow a capture while it is written: its records, and output lines with their arrival times. */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';

/** A classic pcap split into its 24-byte header and its records (header + data each). */
export function pcapRecords(path: string): { header: Uint8Array; records: Uint8Array[] } {
  const b = readFileSync(path);
  const records: Uint8Array[] = [];
  for (let pos = 24; pos + 16 <= b.length; ) {
    const incl = b.readUInt32LE(pos + 8);
    records.push(b.subarray(pos, pos + 16 + incl));
    pos += 16 + incl;
  }
  return { header: b.subarray(0, 24), records };
}

/** A sink that records each complete output line with the time it arrived. */
export function timedSink(): { stream: Writable; lines: { at: number; text: string }[] } {
  const lines: { at: number; text: string }[] = [];
  let part = '';
  return {
    lines,
    stream: new Writable({
      write(chunk, _e, cb) {
        const now = performance.now();
        const all = (part + String(chunk)).split('\n');
        part = all.pop() ?? '';
        for (const l of all) lines.push({ at: now, text: l });
        cb();
      },
    }),
  };
}
