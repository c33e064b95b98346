/**
 * Every pcap/pcapng file of the corpus against the tshark 4.0.17 oracle in
 * test/golden/readers.json (scripts/make-reader-golden.ts), and fed in several chunkings.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isCaptureName, listCorpus, loadCapture, run, runRandom, sha256Lines } from './helpers.ts';

interface GoldenFile {
  frames: number;
  count: number;
  nonPacket: number;
  digest: string;
}
const golden = JSON.parse(readFileSync(new URL('../golden/readers.json', import.meta.url), 'utf8')) as {
  files: Record<string, GoldenFile>;
  detail: Record<string, string[]>;
};

/**
 * Deliberate differences from tshark, each asserted separately below. tshark keeps a
 * microseconds field ≥ 10^6 as is (and multiplies it into an invalid nanosecond value); the
 * reader carries it into the seconds and warns.
 */
const FRACTION_OUT_OF_RANGE = new Set(['pcap/tcpdump-tests/heapoverflow-tcp_print.pcap', 'pcap/tcpdump-tests/tcp_header_heapoverflow.pcap']);

const files = [...listCorpus('pcap', isCaptureName), ...listCorpus('pcapng', isCaptureName)];

describe('corpus captures vs tshark', () => {
  it('covers every capture in the corpus and the oracle', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.sort()).toEqual(Object.keys(golden.files).sort());
  });

  for (const rel of files) {
    it(rel, () => {
      const exp = golden.files[rel];
      const bytes = loadCapture(rel);
      const whole = run(bytes, 0);
      // Frame count: tshark's frames = our packets + custom blocks (records of their own, as in Wireshark).
      expect(whole.lines.length).toBe(exp.count);
      expect(whole.lines.length + whole.customBlocks).toBe(exp.frames);
      if (FRACTION_OUT_OF_RANGE.has(rel)) {
        expect(whole.warnings.some((w) => /fractional second \d+ is out of range/.test(w))).toBe(true);
      } else {
        if (golden.detail[rel]) expect(whole.lines).toEqual(golden.detail[rel]);
        expect(sha256Lines(whole.lines)).toBe(exp.digest);
      }
      // Same result whatever the chunking.
      for (const size of [1, 7, 4096]) {
        const other = run(bytes, size);
        expect(other.full).toEqual(whole.full);
        expect(other.warnings).toEqual(whole.warnings);
        expect(other.names).toEqual(whole.names);
        expect(other.secrets).toEqual(whole.secrets);
        expect(other.interfaces).toEqual(whole.interfaces);
        expect(other.sections).toEqual(whole.sections);
      }
      const random = runRandom(bytes, bytes.length + 17);
      expect(random.full).toEqual(whole.full);
      expect(random.warnings).toEqual(whole.warnings);
    });
  }
});

