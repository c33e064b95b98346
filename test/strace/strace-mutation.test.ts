/**
 * Damaged strace logs: seeded random mutations of corpus logs (byte flips, binary junk,
 * deleted and duplicated ranges, cut-off ends, CRLF, tiny chunks so lines span chunks).
 * Every readable event must be shown and nothing may throw, from indexing to dissection.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { openStrace } from '../../electron/engine/readers/strace/open-strace.ts';
import { CORPUS as SHARED_CORPUS } from '../engine/corpus.ts';
import { memorySource } from './memory-source.ts';

const CORPUS = `${SHARED_CORPUS}/strace/`;
const FILES = [
  'public/wperron-go-single-threaded__strace.out',
  'public/zaabskr-clamav-traces__strace.txt',
  'public/morenbach-strace-parser__tests_data_samples.txt',
  'public/morenbach-strace-parser__strace.txt',
  'generated/strace-curl-stacktrace.f-tt-k.txt',
  'generated/strace-curl-network.f-r-e-network.txt',
  'generated/strace-attach-sleep.p-tt.stderr.txt',
  'generated/strace-sigpipe-yes-head.f-tt.txt',
  'generated/strace-python-httpserver.f-tt-T-yy-s4096.txt',
  'generated/strace-curl-hexdump.f-tt-Y-read-write-all.txt',
];

/** mulberry32: small seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  // work on a window so each iteration stays fast
  const start = Math.floor(r() * Math.max(1, src.length - 6000));
  let b = Array.from(src.subarray(start, start + 2000 + Math.floor(r() * 4000)));
  const n = 1 + Math.floor(r() * 8);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * (b.length + 1));
    switch (Math.floor(r() * 8)) {
      case 0: // flip bytes
        for (let j = 0; j < 4 && at + j < b.length; j++) b[at + j] = Math.floor(r() * 256);
        break;
      case 1: // binary junk
        b.splice(at, 0, ...Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256)));
        break;
      case 2: // delete a range
        b.splice(at, Math.floor(r() * 200));
        break;
      case 3: // duplicate a range
        b.splice(at, 0, ...b.slice(Math.max(0, at - 300), at));
        break;
      case 4: // cut off the end
        b = b.slice(0, at);
        break;
      case 5: // CRLF line ends
        b = b.flatMap((c) => (c === 10 && r() < 0.3 ? [13, 10] : [c]));
        break;
      case 6: // stray structural characters
        b.splice(at, 0, '<([{"\\'.charCodeAt(Math.floor(r() * 6)));
        break;
      default: // NULs and a lone newline
        b.splice(at, 0, 0, 0, 10);
    }
  }
  return Uint8Array.from(b);
}

describe('strace: seeded random mutations never throw', () => {
  it('3000 mutated logs index, show and dissect every event', async () => {
    const r = rng(20261121);
    const sources = FILES.map((f) => new Uint8Array(readFileSync(CORPUS + f)));
    const d = createDissection();
    const cells: string[] = [];
    let events = 0;
    for (let it = 0; it < 3000; it++) {
      const data = mutate(sources[it % sources.length], r);
      const warnings: string[] = [];
      const cap = await openStrace(memorySource(data, 1 + Math.floor(r() * 700)), {}, warnings);
      // at least one event per non-empty line that is not a trailer
      const text = new TextDecoder('latin1').decode(data);
      const lines = text.split('\n').filter((l) => l.trim() !== '' && !/^ [>|] /.test(l)).length;
      expect(cap.count(), `iteration ${it}`).toBeGreaterThanOrEqual(Math.min(1, lines));
      for (let e = 1; e <= cap.count(); e++) {
        cap.cells(e, cells);
        cap.dissect(e, d);
        expect(cells[7].length, `iteration ${it} event ${e}`).toBeGreaterThan(0);
      }
      expect(warnings.filter((w) => w.includes('internal error')), `iteration ${it}`).toEqual([]);
      events += cap.count();
      cap.close();
    }
    expect(events).toBeGreaterThan(30000);
  }, 120_000);

  it('a line longer than a chunk and a log without a final newline', async () => {
    const long = `1 read(3, "${'x'.repeat(300000)}", 300000) = 300000\n2 write(1, "ok", 2) = 2`;
    const cap = await openStrace(memorySource(new TextEncoder().encode(long), 4096), {}, []);
    expect(cap.count()).toBe(2);
    const d = createDissection();
    cap.dissect(1, d);
    cap.dissect(2, d);
    const cells: string[] = [];
    cap.cells(2, cells);
    expect(cells[5]).toBe('2');
    expect(cells[11]).toBe('1, "ok", 2 = 2');
  });
});
