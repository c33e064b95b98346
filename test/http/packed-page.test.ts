/**
 * Packed httpPage replies (shared/packed-http.ts): the rows read back are the rows the unpacked
 * reply gives, field for field (nulls and absent optional fields kept apart), on plaintext,
 * HTTP/2, decrypted TLS and a capture set; and a page of 5000 rows is a few objects of a few
 * hundred bytes a row, not an object per row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replySize } from '../../electron/engine/host/reply-size.ts';
import { httpRows, packHttpRows } from '../../shared/packed-http.ts';
import { EDGE_BASE, EDGE_ROWS } from './edge-rows.ts';
import type { HttpPage } from '../../shared/rpc.ts';
import { CORPUS } from '../engine/corpus.ts';
import { inProcessEngine } from '../engine/in-process-engine.ts';
import { writeKeepalivePcap } from './make-keepalive-pcap.ts';

const tmp = mkdtempSync(join(tmpdir(), 'tracelens-packed-page-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SEED = join(import.meta.dirname, '../fixtures/seed-413');

async function engineOn(path: string, more: string[] = [], keys?: string): Promise<ReturnType<typeof inProcessEngine>> {
  const c = inProcessEngine();
  const done = new Promise<void>((resolve) => c.onEvent((e) => e.type === 'progress' && e.info.done && resolve()));
  const info = await c.call('open', { path, ...(more.length ? { more } : {}) });
  if (!info.done) await done;
  if (keys) await c.call('addKeylog', { path: keys });
  return c;
}

/** Objects in a reply other than typed arrays (each is a clone and a collect on both sides). */
function objectsIn(v: unknown): number {
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return 0;
  let n = 1;
  for (const x of Object.values(v)) n += objectsIn(x);
  return n;
}

describe('packed HTTP rows', () => {
  it('round trip: every field back as it was, null apart from absent', () => {
    const p = packHttpRows(EDGE_ROWS);
    expect(p.n).toBe(EDGE_ROWS.length);
    expect(httpRows(p)).toStrictEqual(EDGE_ROWS);
    // Absent optional fields stay absent (the CLI's jsonl leaves them out), nulls stay null.
    const back = httpRows(p);
    expect('missingBytes' in back[0]).toBe(false);
    expect(back[1].status).toBeNull();
    expect(back[4].procName).toBe('curl');
  });

  it('a page stops at its byte bound, at least one row', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ ...EDGE_BASE, index: i, uri: `/${'x'.repeat(200)}${i}` }));
    const cut = packHttpRows(many, 50_000);
    expect(cut.n).toBeGreaterThan(10);
    expect(cut.n).toBeLessThan(1000);
    expect(httpRows(cut)).toStrictEqual(many.slice(0, cut.n));
    expect(packHttpRows(many, 1).n).toBe(1);
  });

  const cases: [string, string, string[], string | undefined][] = [
    ['HTTP/2 over TLS', join(CORPUS, 'pcapng/wireshark/http2-brotli.pcapng'), [], undefined],
    ['HTTP/1.1 out of order', join(CORPUS, 'pcapng/wireshark/http-ooo-fuzzed.pcapng'), [], undefined],
    ['decrypted TLS 1.3', join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap'), [], join(CORPUS, 'keys/generated/gen-tls13-http11.keys')],
    ['a packets + syscalls set', join(SEED, 'upload-413.pcap'), [join(SEED, 'upload-413.strace')], join(SEED, 'upload-413.keys')],
  ];
  for (const [name, path, more, keys] of cases) {
    it(`httpPage packed gives the unpacked page's rows: ${name}`, async () => {
      const c = await engineOn(path, more, keys);
      const plain = await c.call('httpPage', { start: 0, count: 5000 });
      const packed: HttpPage = await c.call('httpPage', { start: 0, count: 5000, packed: true });
      expect(plain.rows.length).toBeGreaterThan(0);
      expect(packed.rows).toEqual([]);
      expect(packed.packed?.n).toBe(plain.rows.length);
      expect(httpRows(packed.packed!)).toStrictEqual(plain.rows);
      expect([packed.total, packed.all]).toEqual([plain.total, plain.all]);
      // Sorted and filtered views pack the same way.
      const q = { start: 1, count: 3, sort: 'uri' as const, descending: true, filter: 'http' };
      expect(httpRows((await c.call('httpPage', { ...q, packed: true })).packed!)).toStrictEqual((await c.call('httpPage', q)).rows);
    }, 60_000);
  }

  it('reply size: a 5000-row page is a few objects and ≤ 300 bytes a row, under half the unpacked reply', async () => {
    const path = join(tmp, 'ka-20k.pcap');
    writeKeepalivePcap(path, { requests: 20_000, connections: 8, extrasEvery: 7, splitEvery: 5 });
    const c = await engineOn(path);
    const plain = await c.call('httpPage', { start: 5000, count: 5000 });
    const packed = await c.call('httpPage', { start: 5000, count: 5000, packed: true });
    expect(packed.packed?.n).toBe(5000);
    expect(httpRows(packed.packed!)).toStrictEqual(plain.rows);
    const bytes = replySize(packed);
    expect(objectsIn(packed)).toBeLessThanOrEqual(8);
    expect(bytes / 5000).toBeLessThanOrEqual(300);
    expect(bytes).toBeLessThan(replySize(plain) / 2);
  }, 120_000);
});
