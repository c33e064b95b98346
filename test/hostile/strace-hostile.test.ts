/**
 * strace logs with binary garbage (issue 11 item 10): one control byte used to make detection
 * say "not a capture" (0 of 510 events). Detection now decides by the proportion of plausible
 * lines; garbage lines become unparsed-line events with a warning naming line and byte.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Capture } from '../../electron/engine/capture.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { DETECT_HEAD_BYTES, detectFormat } from '../../electron/engine/readers/detect.ts';
import { openStrace } from '../../electron/engine/readers/strace/open-strace.ts';
import { memorySource } from '../strace/memory-source.ts';
import { rng } from './filter-gen.ts';
import { straceLog, withByte, withGarbageLines } from './strace-gen.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-hostile-strace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const head = (b: Uint8Array): Uint8Array => b.subarray(0, DETECT_HEAD_BYTES);

/** Every table cell of events first..last, one line per event. */
function tableText(capture: Capture, first: number, last: number): string {
  const out: string[] = [];
  const lines: string[] = [];
  for (let e = first; e <= last; e++) {
    capture.cells(e, out);
    lines.push(out.join('\t'));
  }
  return lines.join('\n');
}

describe('strace logs with binary garbage', () => {
  const log = straceLog(510);

  it('a NUL at byte 4000: still a strace log, all 510 events', async () => {
    const bad = withByte(log, 4000, 0);
    expect(detectFormat(head(bad))).toBe('strace');
    const file = join(dir, 'nul.strace');
    writeFileSync(file, bad);
    const { capture, indexing } = await openCapture(file);
    await indexing;
    expect(capture.count()).toBe(510);
    // The damaged line is still a call; its NUL is shown escaped, not as a raw control byte.
    const args = tableText(capture, 1, 510);
    expect(args).toContain('\\x00');
    expect(args).not.toMatch(/\0/);
  });

  it('lines of random bytes become unparsed lines with a warning naming line and byte', async () => {
    const { bytes, inserted } = withGarbageLines(log, 6, 300, rng(4));
    expect(detectFormat(head(bytes))).toBe('strace');
    const warnings: string[] = [];
    const cap = await openStrace(memorySource(bytes, 4096), {}, warnings);
    expect(cap.count()).toBe(510 + 6);
    expect(cap.info().extra.binaryLines).toBe(6);
    const binary = warnings.filter((w) => /binary data, not strace output; shown as an unparsed line/.test(w));
    expect(binary).toHaveLength(6);
    const offsets = binary.map((w) => Number(/\(byte (\d+)/.exec(w)![1]));
    // Each named offset is where a garbage line starts in the file.
    const starts = inserted.map((at, k) => at + (inserted.length - 1 - k) * 301).sort((a, b) => a - b);
    expect(offsets).toEqual(starts);
    for (const w of binary) expect(w).toMatch(/^line \d+ \(byte \d+, event \d+\)/);
  });

  it('garbage first lines do not hide the log; binary files are still refused', () => {
    const r = rng(9);
    const junk = (n: number): number[] => Array.from({ length: n }, () => (Math.floor(r() * 255) + 11) & 0xff).map((c) => (c === 10 ? 0 : c));
    const first = Uint8Array.from([...junk(200), 10, ...log]);
    expect(detectFormat(head(first))).toBe('strace');
    // a quarter of the sampled lines garbage: strace; most of them: not
    expect(detectFormat(head(withGarbageLines(log, 40, 60, rng(1)).bytes))).toBe('strace');
    const mostly = withGarbageLines(straceLog(20), 40, 60, rng(2)).bytes;
    expect(detectFormat(head(mostly))).toBe('unknown');
    // random binary, with or without newlines
    expect(detectFormat(Uint8Array.from(junk(8192)))).toBe('unknown');
    expect(detectFormat(Uint8Array.from(junk(8192).map((c, i) => (i % 70 === 69 ? 10 : c))))).toBe('unknown');
  });

  it('seeded damage with binary lines and bytes: detected, indexed, bounded', async () => {
    let worst = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      let b = withGarbageLines(log, 1 + Math.floor(r() * 8), 1 + Math.floor(r() * 2000), r).bytes;
      for (let k = 0; k < 5; k++) b = withByte(b, Math.floor(r() * b.length), Math.floor(r() * 32));
      const t0 = performance.now();
      expect(detectFormat(head(b)), `seed ${seed}`).toBe('strace');
      const warnings: string[] = [];
      const cap = await openStrace(memorySource(b, 1 + Math.floor(r() * 8192)), {}, warnings);
      expect(cap.count(), `seed ${seed}`).toBeGreaterThanOrEqual(505);
      tableText(cap, 1, cap.count());
      worst = Math.max(worst, performance.now() - t0);
    }
    expect(worst).toBeLessThan(5000);
  }, 120_000);
});
