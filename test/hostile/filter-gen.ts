/**
 * Generators for hostile display filters and the captures they run over (no binaries in the
 * repository): deep nesting, long flat chains, and a pcap of large frames for regex cost.
 */
import { writeFileSync } from 'node:fs';

export const nestedParens = (n: number, inner = 'frame'): string => '('.repeat(n) + inner + ')'.repeat(n);
export const nestedNots = (n: number, inner = 'frame'): string => 'not '.repeat(n) + inner;
export const flatChain = (n: number, op: string, term: (k: number) => string): string => Array.from({ length: n }, (_, k) => term(k)).join(` ${op} `);

/**
 * A classic pcap (LINKTYPE_ETHERNET, microsecond stamps; pcap-savefile(5)) of `count` frames of
 * `size` bytes each filled with `fill`, the last byte of each frame `last`.
 */
export function writeFillPcap(path: string, count: number, size: number, fill: number, last: number): void {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(262144, 16); // snaplen
  head.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const parts: Buffer[] = [head];
  for (let k = 0; k < count; k++) {
    const rec = Buffer.alloc(16 + size, fill);
    rec.writeUInt32LE(1_700_000_000 + k, 0);
    rec.writeUInt32LE(0, 4);
    rec.writeUInt32LE(size, 8);
    rec.writeUInt32LE(size, 12);
    rec[16 + size - 1] = last;
    parts.push(rec);
  }
  writeFileSync(path, Buffer.concat(parts));
}

/** Deterministic PRNG (mulberry32) for seeded mutation. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
