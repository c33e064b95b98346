/**
 * Issue 11 items 2 and 3: decompression bombs (zstd, gzip, nested gzip, brotli) decode in
 * bounded memory and time, keep their first bytes with a note, and share one budget per pass.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as zlib from 'node:zlib';
import { bodyBudgetOf, createDecodeBudget, decodeBody, nativeStage, setDecodeLimits } from '../../electron/engine/http/content-coding.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { openSession, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { httpBodyOf, httpExchangeRows } from '../../electron/engine/host/stream-service.ts';
import { brotliZeros, gzipZeros, nestedGzip, zstdRleBomb } from './bombs.ts';
import { httpExchange, tcpPcap } from './pcap.ts';

const MIB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'tracelens-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('content codings under a bomb', () => {
  it('zstd: a 64 KB body declaring 2 GiB keeps its first maxBytes and says so', () => {
    const z = zstdRleBomb(2 * 1024 * MIB);
    expect(z.length).toBeLessThan(70_000);
    const r = decodeBody(z, 'zstd', { maxBytes: 2 * MIB });
    expect(r.error).toBeUndefined();
    expect(r.truncated).toBe(true);
    expect(r.bytes.length).toBe(2 * MIB);
    expect(r.bytes.every((b) => b === 0)).toBe(true);
    expect(r.note).toMatch(/body truncated at 2 MiB \(decoded size limit; raise with TRACELENS_MAX_BODY_MIB\)/);
  });

  it('zstd: counting stops at the budget; a window over RFC 9659 8 MB is refused before decoding', () => {
    const budget = createDecodeBudget(8 * MIB);
    const r = decodeBody(zstdRleBomb(2 * 1024 * MIB), 'zstd', { keep: false, budget });
    expect(r.truncated).toBe(true);
    expect(budget.spent).toBe(true);
    expect(r.decodedSize).toBeLessThanOrEqual(8 * MIB);
    expect(r.note).toMatch(/decode budget of 8 MiB/);
    const w = decodeBody(zstdRleBomb(1000, 21), 'zstd');
    expect(w.error).toMatch(/^zstd: window of 2147483648 bytes is over .*RFC 9659/);
    // A small real-shaped body still decodes whole.
    const ok = decodeBody(zstdRleBomb(300_000), 'zstd');
    expect([ok.error, ok.truncated, ok.decodedSize]).toEqual([undefined, undefined, 300_000]);
  });

  it('gzip, nested gzip and br: the first maxBytes are kept, the rest never produced', () => {
    for (const [body, coding] of [[gzipZeros(40), 'gzip'], [nestedGzip(40), 'gzip, gzip'], [brotliZeros(40), 'br']] as const) {
      const r = decodeBody(body, coding, { maxBytes: MIB });
      expect(r.error, coding).toBeUndefined();
      expect([r.truncated, r.bytes.length], coding).toEqual([true, MIB]);
      // Size only: counted in full while the budget lasts.
      const s = decodeBody(body, coding, { keep: false });
      expect([s.decodedSize, s.truncated], coding).toEqual([40 * MIB, undefined]);
    }
    // The generator is honest: zlib's own decoder agrees on a small one.
    expect(zlib.gunzipSync(gzipZeros(2)).length).toBe(2 * MIB);
  });

  it('40 nested bombs sharing a budget cost about the budget, not 40 times the bomb', () => {
    const n = nestedGzip(64);
    const budget = createDecodeBudget(96 * MIB);
    const t0 = performance.now();
    let counted = 0;
    const outcomes = new Set<string>();
    for (let k = 0; k < 40; k++) {
      const r = decodeBody(n, 'gzip, gzip', { keep: false, budget });
      counted += r.decodedSize;
      outcomes.add(r.error ? 'error' : r.truncated ? 'truncated' : 'whole');
    }
    expect(counted).toBeLessThan(100 * MIB);
    expect([...outcomes]).toEqual(['whole', 'truncated', 'error']);
    expect(performance.now() - t0).toBeLessThan(3000);
    const spent = decodeBody(n, 'gzip, gzip', { budget });
    expect(spent.error).toMatch(/decode budget of 96 MiB .* is spent \(raise with TRACELENS_DECODE_BUDGET_MIB\)/);
    expect(spent.bytes).toBe(n);
  });

  it('only bomb-like bodies (over 100:1) draw on the capture budget', () => {
    const bombs = bodyBudgetOf({});
    const text = Buffer.from(Array.from({ length: 20_000 }, (_, k) => `line ${k} of ordinary text ${(k * 7919) % 1000}\n`).join(''));
    const before = bombs.left;
    expect(decodeBody(zlib.gzipSync(text), 'gzip', { bombs }).decodedSize).toBe(text.length);
    expect(bombs.left).toBe(before);
    decodeBody(gzipZeros(4), 'gzip', { bombs });
    expect(bombs.left).toBe(before - 4 * MIB);
  });

  it('without a synchronous zlib handle the *Sync fallback still stays within the budget', () => {
    const noHandle = () => ({ close() {} });
    const oneShot = (b: Uint8Array, max: number) => zlib.gunzipSync(b, { maxOutputLength: max });
    const small = [...nativeStage(noHandle, oneShot, 0, 0, [zlib.gzipSync(Buffer.from('hello'))], createDecodeBudget())];
    expect(Buffer.concat(small).toString()).toBe('hello');
    const budget = createDecodeBudget(MIB);
    expect([...nativeStage(noHandle, oneShot, 0, 0, [gzipZeros(4)], budget)]).toEqual([]);
    expect(budget.spent).toBe(true);
  });

  it('damaged and partial bodies: errors name the coding, truncated gzip keeps what decodes', () => {
    expect(decodeBody(Uint8Array.from([1, 2, 3]), 'br').error).toMatch(/^br:/);
    const part = zlib.gzipSync(Buffer.from('hello world hello')).subarray(0, 15);
    expect(new TextDecoder().decode(decodeBody(part, 'gzip').bytes)).toBe('hell');
    expect(new TextDecoder().decode(decodeBody(zlib.deflateRawSync(Buffer.from('raw')), 'deflate').bytes)).toBe('raw');
    expect(decodeBody(zlib.gzipSync(Buffer.from('x')), 'foo, gzip').error).toBe('unknown content coding "foo"');
    expect(decodeBody(Uint8Array.from([1]), 'constructor').error).toBe('unknown content coding "constructor"');
  });
});

describe('a capture of bombs', () => {
  it('the HTTP scan of 12 nested bombs stays within its budget and says so; bodies come back truncated', async () => {
    const before = setDecodeLimits({ maxBodyBytes: 4 * MIB, decodeBudgetBytes: 160 * MIB });
    try {
      const n = nestedGzip(64);
      const z = zstdRleBomb(256 * MIB);
      const convs = [Array.from({ length: 12 }, (_, k) => httpExchange(`/bomb/${k}.bin`, n, 'gzip, gzip')).flat(), httpExchange('/z', z, 'zstd')];
      const file = join(dir, 'bombs.pcap');
      writeFileSync(file, tcpPcap(convs));
      const { capture, indexing } = await openCapture(file);
      await indexing;
      const t0 = performance.now();
      const session = openSession(capture);
      const ch = scanHttpNow(session);
      expect(performance.now() - t0).toBeLessThan(4000);
      const rows = httpExchangeRows(session);
      expect(rows.length).toBe(13);
      expect(rows[0].responseBodyBytes).toBe(64 * MIB);
      expect(rows.reduce((s, r) => s + r.responseBodyBytes, 0)).toBeLessThanOrEqual(160 * MIB);
      expect(ch.notes.join('\n')).toMatch(/decode budget of 160 MiB/);
      const b = httpBodyOf(session, rows[0].stream, rows[0].index, 'response');
      expect(b.body.length).toBe(4 * MIB);
      capture.close();
    } finally {
      setDecodeLimits(before);
    }
  });

  it('bombs on many connections: the bomb-like bodies shown of one capture share one budget', async () => {
    const before = setDecodeLimits({ maxBodyBytes: 16 * MIB, bodyBudgetBytes: 40 * MIB });
    try {
      const n = nestedGzip(64);
      const file = join(dir, 'bombs-conns.pcap');
      writeFileSync(file, tcpPcap(Array.from({ length: 6 }, (_, k) => httpExchange(`/c${k}.bin`, n, 'gzip, gzip'))));
      const { capture, indexing } = await openCapture(file);
      await indexing;
      const session = openSession(capture);
      const rows = httpExchangeRows(session);
      expect(rows.length).toBe(6);
      const bodies = rows.map((r) => httpBodyOf(session, r.stream, r.index, 'response'));
      expect(bodies.map((b) => b.body.length).slice(0, 2)).toEqual([16 * MIB, 16 * MIB]);
      expect(bodies[0].bodyNote).toMatch(/body truncated at 16 MiB/);
      expect(bodies[5].decodeError).toMatch(/not decoded: the budget of 40 MiB for this capture's highly compressed bodies is spent \(raise with TRACELENS_BODY_BUDGET_MIB, or reopen the capture\)/);
      expect(Buffer.from(bodies[5].body).equals(Buffer.from(n))).toBe(true);
      capture.close();
    } finally {
      setDecodeLimits(before);
    }
  });
});
