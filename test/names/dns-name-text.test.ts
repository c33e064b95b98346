/**
 * DNS name text as the dissector builds it (dns.ts readName: bytes decoded once, not a string a
 * character at a time): escapes of '.', '\' and unprintable bytes, the same in the tree, in Info
 * and in the host name learned from an A record in the first pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closePcapWriter, createPcapWriter, frame, writePacket } from '../../bench/make-pcap.ts';
import { inProcessEngine, openDone } from '../engine/in-process-engine.ts';
import type { DetailsNode } from '../../shared/rpc.ts';

const dir = mkdtempSync(join(tmpdir(), 'dns-name-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const labels = (nodes: DetailsNode[]): string[] => nodes.flatMap((n) => [n.label, ...labels(n.children ?? [])]);

/** A response for one owner name (raw labels) with one A record 192.0.2.7, owner by pointer (RFC 1035 §4.1.4). */
function response(owner: number[][]): Uint8Array {
  const b = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
  for (const l of owner) b.push(l.length, ...l);
  b.push(0, 0, 1, 0, 1);
  b.push(0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7);
  return Uint8Array.from(b);
}

describe('DNS name text', () => {
  it('escapes dot, backslash and unprintable bytes (\\ddd octal) and learns the same text', async () => {
    const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
    // a.b \ c <07> <ff> <20> . example
    const owner = [[...ascii('a.b\\c'), 0x07, 0xff, 0x20], ascii('example')];
    const want = 'a\\.b\\\\c\\007\\377\\040.example';
    const path = join(dir, 'escaped.pcap');
    const w = createPcapWriter(path);
    writePacket(w, 1_000_000, frame(17, 0x0a000001, 0x0a000035, 40000, 53, response(owner)));
    closePcapWriter(w);
    const c = inProcessEngine();
    await openDone(c, path);
    const tree = labels(await c.call('details', { event: 1 }));
    expect(tree.some((l) => l.includes(`Name: ${want}`))).toBe(true);
    const page = await c.call('rows', { start: 0, count: 1 });
    expect(page.strings[page.cells.info[0]]).toContain(want);
    await c.call('nameResolution', { network: true, dns: true });
    expect(await c.call('hosts', null)).toEqual([{ address: '192.0.2.7', name: want }]);
    c.close();
  });
});
