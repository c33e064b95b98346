/**
 * Issue 11 item 4: HPACK amplification. Table size updates stay within SETTINGS_HEADER_TABLE_SIZE
 * (RFC 7541 §4.2, §6.3); a decoded header list is bounded per block and per connection (RFC 9113
 * §6.5.2); the table stays in step past a bound; the stream is noted malformed; RPC replies stay
 * small.
 */
import { h2Materialize } from '../../electron/engine/layers/h2-list.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHpackDecoder, decodeHeaderBlock, HPACK_LIMITS } from '../../electron/engine/http2/hpack.ts';
import { openSession, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { h2List } from '../../electron/engine/layers/http-layer.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { inProcessEngine, openDone } from '../engine/in-process-engine.ts';
import { hpackBombTurns, hpackInt, literalIndexed } from './hpack.ts';
import { tcpPcap } from './pcap.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-hostile-hpack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const listSize = (h: readonly { name: string; value: string }[]): number => h.reduce((n, f) => n + f.name.length + f.value.length + 32, 0);

describe('HPACK bounds', () => {
  it('16 KB of one-byte references to a 4 KB entry keep 256 KiB of fields, and the table stays in step', () => {
    const h = createHpackDecoder();
    const block = Uint8Array.from([0x88, ...literalIndexed('x-big', 'v'.repeat(4000)), ...new Array<number>(12_000).fill(0xbe)]);
    const r = decodeHeaderBlock(h, block);
    expect(listSize(r.headers)).toBeLessThanOrEqual(HPACK_LIMITS.maxListSize);
    expect(r.headers.length).toBeGreaterThan(50);
    expect(r.error).toMatch(/^HPACK: header list over 256 KiB \(RFC 9113 §6\.5\.2\): fields from byte \d+ of the header block on are dropped$/);
    const next = decodeHeaderBlock(h, Uint8Array.from([0x88, 0xbe]));
    expect(next.error).toBeUndefined();
    expect(next.headers.map((f) => f.name)).toEqual([':status', 'x-big']);
  });

  it('many small fields stop at the field count bound', () => {
    const h = createHpackDecoder();
    const r = decodeHeaderBlock(h, Uint8Array.from(new Array<number>(5000).fill(0x88)));
    expect(r.headers.length).toBe(HPACK_LIMITS.maxFields);
    expect(r.error).toMatch(/more than 2048 header fields/);
  });

  it('a table size update past SETTINGS_HEADER_TABLE_SIZE is a decoding error; within it, accepted', () => {
    const h = createHpackDecoder();
    const r = decodeHeaderBlock(h, Uint8Array.from([...hpackInt(0x20, 5, 1 << 30), 0x88]));
    expect(r.error).toMatch(/dynamic table size update to 1073741824 over SETTINGS_HEADER_TABLE_SIZE 4096 \(RFC 7541 §4\.2\)/);
    const ok = createHpackDecoder();
    ok.limit = 65536;
    expect(decodeHeaderBlock(ok, Uint8Array.from([...hpackInt(0x20, 5, 65536), 0x88])).error).toBeUndefined();
    expect(ok.maxSize).toBe(65536);
    // A peer allowing 4 GiB still gets our own cap.
    const big = createHpackDecoder();
    big.limit = 0xffffffff;
    expect(decodeHeaderBlock(big, Uint8Array.from([...hpackInt(0x20, 5, 1 << 30)])).error).toMatch(/over the 65536 accepted/);
  });

  it('the connection budget bounds the decoded headers of all blocks together', () => {
    const budget = { left: HPACK_LIMITS.connectionBytes };
    const h = createHpackDecoder(true, budget);
    decodeHeaderBlock(h, Uint8Array.from(literalIndexed('x-big', 'v'.repeat(4000))));
    const block = Uint8Array.from(new Array<number>(64).fill(0xbe));
    let kept = 0;
    let last = '';
    for (let k = 0; k < 400; k++) {
      const r = decodeHeaderBlock(h, block);
      kept += listSize(r.headers);
      last = r.error ?? '';
    }
    expect(kept).toBeLessThanOrEqual(HPACK_LIMITS.connectionBytes);
    expect(kept).toBeGreaterThan(HPACK_LIMITS.connectionBytes - 8192);
    expect(last).toMatch(/the connection's decoded headers over 64 MiB/);
  });
});

describe('an HPACK bomb capture', () => {
  it('a 1 MB capture decoding to gigabytes of headers: exchanges are listed, marked malformed, details stay small', async () => {
    const turns = hpackBombTurns({ streams: 64, refs: 16_000, valueBytes: 4000 });
    const size = turns.reduce((n, t) => n + t.bytes.length, 0);
    expect(size).toBeLessThan(1_200_000);
    const file = join(dir, 'hpack.pcap');
    writeFileSync(file, tcpPcap([turns, hpackBombTurns({ streams: 2, refs: 10, valueBytes: 15_000, tableSize: 0xffffffff, resizeTo: 1 << 30 })]));
    const { capture, indexing } = await openCapture(file);
    await indexing;
    const t0 = performance.now();
    const layer = scanHttpNow(openSession(capture));
    expect(performance.now() - t0).toBeLessThan(4000);
    const h2 = Array.from({ length: h2List(layer).n }, (_, k) => h2Materialize(h2List(layer), k)).filter((e) => e.streamId !== undefined);
    expect(h2.length).toBe(66);
    expect(h2[0].notes?.join('\n')).toMatch(/^malformed: HPACK: header list over 256 KiB .* \(HEADERS frame ending the block at event \d+\)$/m);
    const resized = h2.find((e) => e.notes?.some((n) => /table size update to 1073741824 over the 65536 accepted/.test(n)));
    expect(resized).toBeDefined();
    capture.close();

    const client = inProcessEngine();
    await openDone(client, file);
    const rows = await client.call('httpExchanges', {});
    expect(rows.length).toBe(66);
    const ev = rows[0].response ?? 0;
    const details = await client.call('details', { event: ev });
    expect(JSON.stringify(details).length).toBeLessThan(2 * 1024 * 1024);
  }, 30_000);
});
