/**
 * Damaged input never escapes as an exception and never hangs, and every event whose bytes lie
 * before the damage is still there. Seeded random mutations (truncation, byte flips, length
 * fields overwritten with large values, zeroed runs) of corpus captures of every format.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { rng } from '../../bench/make-pcap.ts';
import { corpusFiles } from './corpus.ts';
import { mutate, type Mutation } from './mutate.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-mut-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Original {
  path: string;
  bytes: Uint8Array;
  /** End offset of each event's bytes in the file, in event order. */
  ends: number[];
}

async function load(path: string): Promise<Original> {
  const { capture, indexing } = await openCapture(path);
  await indexing;
  const ends: number[] = [];
  for (let e = 1; e <= capture.count(); e++) {
    const r = capture.range(e);
    ends.push(r.offset + r.length);
  }
  capture.close();
  return { path, bytes: new Uint8Array(readFileSync(path)), ends };
}

async function check(o: Original, m: Mutation, name: string): Promise<void> {
  const p = join(dir, name);
  writeFileSync(p, m.data);
  let opened;
  try {
    opened = await openCapture(p);
  } catch (e) {
    // Refusing the whole file is only right when the damage is in the file header.
    expect((e as Error).name, `${o.path} ${m.kind}@${m.at}: ${(e as Error).message}`).toBe('CaptureOpenError');
    expect(m.at, `${o.path} ${m.kind}@${m.at} rejected: ${(e as Error).message}`).toBeLessThan(o.ends.length > 0 ? Math.min(...o.ends) + 64 : Infinity);
    return;
  }
  const { capture, indexing } = opened;
  await indexing;
  const intact = o.ends.filter((end) => end <= m.at - 16).length;
  expect(capture.count(), `${o.path} ${m.kind}@${m.at}`).toBeGreaterThanOrEqual(Math.min(intact, o.ends.length));
  const d = createDissection();
  const out: string[] = [];
  for (let e = 1; e <= capture.count(); e++) {
    capture.cells(e, out);
    capture.dissect(e, d);
  }
  capture.info();
  capture.close();
}

const packetFiles = [
  ...corpusFiles('pcap', (n) => /\.(pcap|pcap\.gz)$/.test(n)),
  ...corpusFiles('pcapng', (n) => /\.pcapng(\.gz)?$|\.pcapng\.\d$/.test(n)),
].filter((_, i) => i % 2 === 0);

describe('random mutation of corpus captures', () => {
  it('packet captures: 2000 seeded mutations', async () => {
    const r = rng(20261121);
    const originals: Original[] = [];
    for (const f of packetFiles) {
      if (f.endsWith('.gz')) continue; // mutations apply to the container bytes, gz is covered below
      originals.push(await load(f));
    }
    expect(originals.length).toBeGreaterThan(20);
    for (let i = 0; i < 2000; i++) {
      const o = originals[Math.floor(r() * originals.length)];
      await check(o, mutate(o.bytes, r), `m${i}`);
    }
  });
  it('gzip captures: truncated and corrupted streams', async () => {
    const r = rng(7);
    for (const f of corpusFiles('pcap', (n) => n.endsWith('.gz')).concat(corpusFiles('pcapng', (n) => n.endsWith('.gz')))) {
      const bytes = new Uint8Array(readFileSync(f));
      for (let i = 0; i < 20; i++) {
        const at = 10 + Math.floor(r() * (bytes.length - 10));
        const b = i % 2 === 0 ? bytes.subarray(0, at) : bytes.slice();
        if (i % 2 === 1) b[at] ^= 0x5a;
        const p = join(dir, `gz${i}.gz`);
        writeFileSync(p, b);
        try {
          const { capture, indexing } = await openCapture(p);
          await indexing;
          const info = capture.info();
          expect(info.done).toBe(true);
          capture.close();
        } catch (e) {
          expect((e as Error).name).toBe('CaptureOpenError');
        }
      }
    }
  });
  it('empty file and wrong magic give a clear error', async () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, new Uint8Array(0));
    await expect(openCapture(empty)).rejects.toThrow(/empty/);
    const junk = join(dir, 'junk');
    writeFileSync(junk, new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]));
    await expect(openCapture(junk)).rejects.toThrow(/not a capture/);
  });
});
