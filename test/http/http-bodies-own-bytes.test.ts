/**
 * httpBodies gives each body its own ArrayBuffer: postMessage clones a view's whole buffer, and
 * an HTTP/2 body is a view of its connection's reassembled data, so one reply of 256 bodies of
 * shape (d) cloned that buffer 256 times (export-objects on d-300k: 7.1x the CPU of d-100k).
 * Counted: the bytes a reply's bodies would clone, against the bytes they hold.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closePcapWriter, createPcapWriter, rng } from '../../bench/make-pcap.ts';
import { http2Connection } from '../../bench/shapes/gen-h2.ts';
import { exchangeRows } from '../../electron/cli/streams-cli.ts';
import { inProcessEngine, openDone } from '../engine/in-process-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'http-bodies-own-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('httpBodies', () => {
  it('bodies of one h2c connection clone no more bytes than they hold', async () => {
    const path = join(dir, 'h2c.pcap');
    const w = createPcapWriter(path);
    http2Connection({ w, t: 1_764_572_400_000_000, rnd: rng(4) }, 3000);
    closePcapWriter(w);
    const c = inProcessEngine();
    await openDone(c, path);
    const items: { stream: string; index: number }[] = [];
    for await (const r of exchangeRows(c)) if (r.response !== null) items.push({ stream: r.stream, index: r.index });
    expect(items.length).toBeGreaterThan(500);
    const bodies = await c.call('httpBodies', { items: items.slice(0, 256), message: 'response' });
    const held = bodies.reduce((n, b) => n + b.body.byteLength, 0);
    const cloned = bodies.reduce((n, b) => n + b.body.buffer.byteLength, 0);
    expect(held).toBeGreaterThan(0);
    expect(cloned).toBe(held);
    c.close();
  });
});
