/**
 * scap framing under damage (issue 11 item 11): a plausible leading length used to be trusted
 * over its trailing copy, dropping the rest of the file with exit 0, and a cut-short file
 * reported lastTime 1970. Now the trailer decides, the walker resynchronises on the next block
 * whose copies agree, and every such case counts as damage (CLI exit 2).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run.ts';
import { openScap } from '../../electron/engine/readers/scap/open-scap.ts';
import { CORPUS } from '../engine/corpus.ts';
import { memSource } from '../scap/mem-source.ts';
import { rng } from './filter-gen.ts';
import { blockOffsets, withBlock, withLeadingLength, withTrailingLength } from './scap-gen.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-hostile-scap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (rel: string): Uint8Array => {
  const b = readFileSync(join(CORPUS, 'scap', rel));
  return new Uint8Array(b[0] === 0x1f ? gunzipSync(b) : b);
};
const DOCKER = load('xxradar-stratoshark/docker-curl-https.scap');
const FALCO = load('falco/psp_run_as_user_0_container.scap');

async function open(b: Uint8Array, chunk = 4096): Promise<{ events: number; warnings: string[]; readErrors: number; lastTimeNs: string | null; firstTimeNs: string | null }> {
  const warnings: string[] = [];
  const cap = await openScap(memSource(b, chunk), {}, warnings);
  const info = cap.info();
  return { events: cap.count(), warnings, readErrors: Number(info.extra.readErrors), lastTimeNs: info.lastTimeNs, firstTimeNs: info.firstTimeNs };
}

async function cliInfo(b: Uint8Array, name: string): Promise<{ code: number; info: { events: number; lastTime: string } }> {
  const file = join(dir, name);
  writeFileSync(file, b);
  let out = '';
  const sink = (keep: boolean): Writable => new Writable({ write: (c: Buffer, _e, cb) => ((out += keep ? String(c) : ''), cb()) });
  const code = await runCli(['info', file], sink(true), sink(false));
  return { code, info: JSON.parse(out) };
}

describe('scap block trailer and resynchronisation', () => {
  const blocks = blockOffsets(DOCKER);
  const whole = (async () => open(DOCKER))();

  it('the intact file: no damage, exit 0', async () => {
    const w = await whole;
    expect(w.readErrors).toBe(0);
    expect(w.warnings).toEqual([]);
    expect((await cliInfo(DOCKER, 'intact.scap')).code).toBe(0);
  });

  it("a leading length reaching past the end (the issue's case) no longer drops the rest", async () => {
    const at = blocks[110];
    const b = withLeadingLength(DOCKER, at, 0x00fffff0);
    const r = await open(b);
    const w = await whole;
    // The block's own trailer says where it really ends: even the damaged event is kept.
    expect(r.events).toBe(w.events);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(new RegExp(`^block 111 at byte ${at}: type 0x[0-9a-f]+ claims ${0xfffff0} bytes, past the end of the data; its trailer gives \\d+, the block is kept$`));
    expect(r.readErrors).toBeGreaterThan(0);
    const c = await cliInfo(b, 'past-end.scap');
    expect(c.code).toBe(2);
    expect(c.info.events).toBe(w.events);
  });

  it('a plausible wrong leading length inside the file: the trailer decides', async () => {
    const at = blocks[200];
    const len = new DataView(DOCKER.buffer, DOCKER.byteOffset).getUint32(at + 4, true);
    const b = withLeadingLength(DOCKER, at, len + 4 * 37);
    const r = await open(b, 777);
    expect(r.events).toBe((await whole).events);
    expect(r.warnings).toEqual([`block 201 at byte ${at}: leading length ${len + 148} disagrees with the block's trailer, which gives ${len}; the block is kept`]);
    expect(r.readErrors).toBeGreaterThan(0);
  });

  it('a damaged trailer alone: the block is kept, still damage', async () => {
    const at = blocks[300];
    const r = await open(withTrailingLength(DOCKER, at, 12345678));
    expect(r.events).toBe((await whole).events);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(new RegExp(`at byte ${at}: trailing length 12345678 differs .* the block is kept`));
    expect(r.readErrors).toBe(1);
  });

  it('a cut-short file reports damage and the real last time, not 1970', async () => {
    const w = await whole;
    for (const cut of [1, 37, 1000, 50_000]) {
      const b = DOCKER.subarray(0, DOCKER.length - cut);
      const r = await open(b);
      expect(r.readErrors, `cut ${cut}`).toBeGreaterThan(0);
      expect(r.warnings.join('\n')).toMatch(/is truncated \(\d+ of \d+ bytes present\)|stray bytes/);
      expect(BigInt(r.lastTimeNs!)).toBeGreaterThan(BigInt(w.firstTimeNs!));
      expect(BigInt(r.lastTimeNs!)).toBeLessThanOrEqual(BigInt(w.lastTimeNs!));
    }
    const c = await cliInfo(DOCKER.subarray(0, DOCKER.length - 37), 'cut.scap');
    expect(c.code).toBe(2);
    expect(c.info.lastTime.startsWith('2025-01-23')).toBe(true);
  });

  it('an intact block of an unknown libscap type is skipped without damage', async () => {
    const b = withBlock(DOCKER, blocks[50], 0x2fe, 20);
    const r = await open(b);
    expect(r.events).toBe((await whole).events);
    expect(r.warnings).toEqual([`block 51 at byte ${blocks[50]}: unknown block type 0x2fe (32 bytes) skipped`]);
    expect(r.readErrors).toBe(0);
  });

  it('when neither copy can be trusted, the walker resynchronises on the next whole block', async () => {
    const at = blocks[400];
    const b = withLeadingLength(withTrailingLength(DOCKER, at, 99), at, 0x7ffffff0);
    const r = await open(b, 1000);
    expect(r.events).toBe((await whole).events - 1);
    expect(r.warnings[0]).toMatch(new RegExp(`^block 401 at byte ${at}: type 0x[0-9a-f]+ has an impossible length ${0x7ffffff0}; searching for the next block$`));
    expect(r.warnings[1]).toMatch(/^resynchronised at byte \d+ after skipping \d+ bytes$/);
  });

  it('seeded damaged lengths: bounded loss, always reported, bounded time', async () => {
    const r = rng(2026);
    const fb = blockOffsets(FALCO);
    const base = await open(FALCO);
    let worst = 0;
    for (let it = 0; it < 60; it++) {
      const src = it % 2 ? DOCKER : FALCO;
      const offs = it % 2 ? blocks : fb;
      let b = src;
      const k = 1 + Math.floor(r() * 3);
      const hit = new Set<number>();
      for (let j = 0; j < k; j++) {
        const i = 1 + Math.floor(r() * (offs.length - 2));
        hit.add(i);
        const len = r() < 0.5 ? 12 + 4 * Math.floor(r() * 100_000) : Math.floor(r() * 4294967296);
        b = r() < 0.7 ? withLeadingLength(b, offs[i], len) : withTrailingLength(b, offs[i], len);
      }
      const t0 = performance.now();
      const got = await open(b, 1 + Math.floor(r() * 9000));
      worst = Math.max(worst, performance.now() - t0);
      const full = it % 2 ? (await whole).events : base.events;
      expect(got.readErrors, `iteration ${it}`).toBeGreaterThan(0);
      expect(got.events, `iteration ${it}: ${got.warnings.join('\n')}`).toBeGreaterThanOrEqual(full - 2 * hit.size);
      for (const w of got.warnings) expect(w).toMatch(/byte \d+/);
      if (it % 3 === 0) {
        // The walker's answer does not depend on how the data arrives.
        const big = await open(b, 1 << 20);
        expect([big.events, big.warnings], `iteration ${it}`).toEqual([got.events, got.warnings]);
      }
    }
    expect(worst).toBeLessThan(10_000);
  }, 120_000);
});
