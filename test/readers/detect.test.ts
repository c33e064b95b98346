/** Content-based format detection over the whole corpus. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DETECT_HEAD_BYTES, describeUnknown, detectFormat } from '../../electron/engine/readers/detect.ts';
import { CORPUS, isCaptureName, listCorpus } from './helpers.ts';

function head(rel: string, gunzip: boolean): Uint8Array {
  let b = new Uint8Array(readFileSync(join(CORPUS, rel)));
  if (gunzip) b = new Uint8Array(gunzipSync(b));
  return b.subarray(0, DETECT_HEAD_BYTES);
}

describe('detectFormat on the corpus', () => {
  const cases: [string, string][] = [
    ...listCorpus('pcap', isCaptureName).map((f): [string, string] => [f, 'pcap']),
    ...listCorpus('pcapng', isCaptureName).map((f): [string, string] => [f, 'pcapng']),
    ...listCorpus('scap', (n) => n.endsWith('.scap')).map((f): [string, string] => [f, 'scap']),
    ...listCorpus('strace', (n) => !n.endsWith('.oracle.txt') && !/LICENSE|README/i.test(n)).map((f): [string, string] => [f, 'strace']),
  ];
  it('has files of every kind', () => {
    expect(new Set(cases.map((c) => c[1]))).toEqual(new Set(['pcap', 'pcapng', 'scap', 'strace']));
  });
  for (const [rel, fmt] of cases) {
    it(`${rel} → ${fmt}`, () => {
      const raw = head(rel, false);
      const outer = detectFormat(raw);
      if (outer === 'gzip') expect(detectFormat(head(rel, true))).toBe(fmt);
      else expect(outer).toBe(fmt);
    });
  }
  it('does not call other text files strace', () => {
    const others = [
      ...listCorpus('pcap', (n) => n.endsWith('.out') || n.endsWith('.txt')),
      ...listCorpus('scap', (n) => n.endsWith('.txt')),
      ...listCorpus('strace', (n) => /LICENSE/.test(n)),
    ];
    expect(others.length).toBeGreaterThan(20);
    const wrong = others.filter((f) => detectFormat(head(f, false)) === 'strace');
    expect(wrong).toEqual([]);
  });
});

describe('detectFormat details', () => {
  const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
  it('knows every pcap magic in both byte orders', () => {
    for (const m of [0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34]) {
      const b = new Uint8Array(24);
      new DataView(b.buffer).setUint32(0, m, true);
      expect(detectFormat(b)).toBe('pcap');
      new DataView(b.buffer).setUint32(0, m, false);
      expect(detectFormat(b)).toBe('pcap');
    }
  });
  it('recognises gzip and reports unknown content with its first bytes', () => {
    expect(detectFormat(bytes(0x1f, 0x8b, 8))).toBe('gzip');
    expect(detectFormat(new Uint8Array(0))).toBe('unknown');
    const png = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    expect(detectFormat(png)).toBe('unknown');
    expect(describeUnknown(png)).toBe('not a pcap, pcapng, scap or strace file: first 8 bytes 89 50 4e 47 0d 0a 1a 0a (".PNG....")');
  });
  it('reads strace line forms', () => {
    const t = (s: string): string => detectFormat(new TextEncoder().encode(s));
    expect(t('[pid  4242] 12:00:01.123456 read(3, "x", 1) = 1\n--- SIGCHLD {si_signo=SIGCHLD} ---\n+++ exited with 0 +++\n')).toBe('strace');
    expect(t('% time     seconds  usecs/call     calls    errors syscall\n')).toBe('strace');
    expect(t('hello world\nthis is text\n')).toBe('unknown');
  });
});
