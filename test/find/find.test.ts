/**
 * Find Packet through the engine RPC (electron/engine/host/find.ts). The frames each search must
 * visit are tshark 4.0.17's on the same capture:
 *   tshark -r pcap/generated/gen-http11-plain.pcap -Y 'frame contains "HTTP/1.0"'   → 6, 18
 *   tshark -r … -Y 'frame contains 0d:0a:0d:0a'                                    → 4, 6, 16, 18
 *   tshark -r … -Y 'tcp.flags.fin == 1'                                            → 10, 11, 31, 32
 *   tshark -r … -Y 'frame matches "text/plain"'                                     → 18
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FindParams } from '../../shared/rpc.ts';
import type { EngineClient } from '../../shared/engine-client.ts';
import { indexOfBytes, parseHexNeedle, utf16le } from '../../electron/engine/host/find.ts';
import { inProcessEngine, openDone } from '../engine/in-process-engine.ts';
import { CORPUS } from '../engine/corpus.ts';

const HTTP11 = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');

/** Every event a search visits going forward (or backward) from no selection, round once. */
async function walk(c: EngineClient, p: Omit<FindParams, 'from'>): Promise<{ events: number[]; wrappedAt: number }> {
  const events: number[] = [];
  let from = -1;
  let wrappedAt = -1;
  for (let k = 0; k < 40; k++) {
    const r = await c.call('find', { ...p, from });
    expect(r.error).toBeUndefined();
    if (r.row === null) break;
    if (r.wrapped) {
      wrappedAt = r.event!;
      break;
    }
    events.push(r.event!);
    from = r.row;
  }
  return { events, wrappedAt };
}

describe('byte search helpers', () => {
  it('finds bytes with and without ASCII case, narrow and wide', () => {
    const hay = new TextEncoder().encode('xxHello World');
    expect(indexOfBytes(hay, new TextEncoder().encode('World'), false)).toBe(8);
    expect(indexOfBytes(hay, new TextEncoder().encode('world'), false)).toBe(-1);
    expect(indexOfBytes(hay, new TextEncoder().encode('WORLD'), true)).toBe(8);
    expect(indexOfBytes(hay, new Uint8Array(0), false)).toBe(-1);
    const wide = Uint8Array.of(0, 0x48, 0, 0x69, 0);
    expect(indexOfBytes(wide, utf16le('Hi'), false)).toBe(1);
    expect([...utf16le('é')]).toEqual([0xe9, 0]);
  });

  it('reads hex the ways people write it', () => {
    for (const t of ['0d 0a 0d 0a', '0d0a0d0a', '0d:0a:0d:0a', ' 0D-0A-0D-0A ']) expect([...parseHexNeedle(t)!]).toEqual([13, 10, 13, 10]);
    expect(parseHexNeedle('0g')).toBeUndefined();
    expect(parseHexNeedle('')).toBeUndefined();
  });
});

describe('find through the engine', () => {
  it('string in bytes, forward and backward, wrapping', async () => {
    const c = inProcessEngine();
    await openDone(c, HTTP11);
    const fwd = await walk(c, { mode: 'string', text: 'HTTP/1.0', scope: 'bytes', caseSensitive: true });
    expect(fwd).toEqual({ events: [6, 18], wrappedAt: 6 });
    const back = await walk(c, { mode: 'string', text: 'HTTP/1.0', scope: 'bytes', caseSensitive: true, backward: true });
    expect(back).toEqual({ events: [18, 6], wrappedAt: 18 });
    // Case: the lower-case text matches only when case is ignored.
    expect((await c.call('find', { mode: 'string', text: 'http/1.0', scope: 'bytes', caseSensitive: true, from: -1 })).row).toBeNull();
    expect((await c.call('find', { mode: 'string', text: 'http/1.0', scope: 'bytes', from: -1 })).event).toBe(6);
    // Narrow only vs wide only: this capture has no UTF-16 text.
    expect((await c.call('find', { mode: 'string', text: 'HTTP/1.0', scope: 'bytes', encoding: 'wide', from: -1 })).row).toBeNull();
    expect((await c.call('find', { mode: 'string', text: 'text/plain', scope: 'bytes', encoding: 'narrow', from: -1 })).event).toBe(18);
    c.close();
  });

  it('hex value, display filter, packet list and details text', async () => {
    const c = inProcessEngine();
    await openDone(c, HTTP11);
    expect((await walk(c, { mode: 'hex', text: '0d 0a 0d 0a' })).events).toEqual([4, 6, 16, 18]);
    expect((await walk(c, { mode: 'filter', text: 'tcp.flags.fin == 1' })).events).toEqual([10, 11, 31, 32]);
    // The packet list: the Info column of frame 16 says "GET /big.txt HTTP/1.1".
    expect((await walk(c, { mode: 'string', text: 'big.txt', scope: 'list' })).events).toEqual([16]);
    // The details tree: the TCP header's label "Source Port: 8080" first on the server's SYN-ACK
    // (the bytes hold the port as a number, so a bytes search for the text finds nothing).
    const details = await c.call('find', { mode: 'string', text: 'Source Port: 8080', scope: 'details', from: -1 });
    expect(details.event).toBe(2);
    expect((await c.call('find', { mode: 'string', text: 'Source Port: 8080', scope: 'bytes', from: -1 })).row).toBeNull();
    c.close();
  });

  it('searches the filtered, sorted view in its order, and reports bad input', async () => {
    const c = inProcessEngine();
    await openDone(c, HTTP11);
    await c.call('filter', { text: 'tcp.stream == 1' });
    await c.call('sort', { column: 'length', descending: true });
    // Stream 1 only (frames 13–33), largest first: 20 and 22 (32834 bytes) come before 27 and 29.
    const r = await walk(c, { mode: 'hex', text: '0d0a0d0a' });
    expect(r.events).toEqual([18, 16]);
    const first = await c.call('find', { mode: 'filter', text: 'frame.len > 30000', from: -1 });
    expect(first.event).toBe(24);
    expect(first.row).toBe(0);
    expect((await c.call('find', { mode: 'filter', text: 'tcp.flags.nosuch', from: -1 })).error).toMatch(/nosuch/);
    expect((await c.call('find', { mode: 'hex', text: 'zz', from: -1 })).error).toMatch(/not a hex value/);
    await expect(c.call('find', { mode: 'regex' as 'hex', text: 'x', from: -1 })).rejects.toThrow(/mode must be/);
    c.close();
  });

  it('a newer find cancels a running one', async () => {
    const c = inProcessEngine();
    await openDone(c, join(CORPUS, 'pcapng/wireshark/challenge01_ooo_stream.pcapng.gz'));
    // Nothing matches: the first search scans every frame (details of each), the second stops it.
    const slow = c.call('find', { mode: 'string', text: 'no such text anywhere', scope: 'details', from: -1 });
    const quick = await c.call('find', { mode: 'filter', text: 'frame.number == 3', from: -1 });
    expect(quick.event).toBe(3);
    const r = await slow;
    expect(r.cancelled || r.row === null).toBe(true);
    c.close();
  });
});
