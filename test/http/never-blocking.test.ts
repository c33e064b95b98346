/**
 * The engine host while the HTTP scan runs: a filter that names no http.* field, rows and
 * details are answered before the scan finishes (they never wait for it); a filter on http.*
 * fields waits for it and is then answered from the HTTP index.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { createEngineClient } from '../../shared/engine-client.ts';
import { writeKeepalivePcap } from './make-keepalive-pcap.ts';
import { channelPorts } from '../engine/in-process-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-nb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('never blocking on the HTTP scan', () => {
  it('tcp.stream / tcp.flags filters, rows and details answer while the scan runs; http.* filters wait for it', async () => {
    const path = join(dir, 'ka.pcap');
    const { frames } = writeKeepalivePcap(path, { requests: 60_000, connections: 16 });
    const [a, b] = channelPorts();
    const close = serveEngine(a);
    const client = createEngineClient(b);
    const order: string[] = [];
    let indexed: () => void = () => {};
    const indexedP = new Promise<void>((r) => (indexed = r));
    let finished: () => void = () => {};
    const finishedP = new Promise<void>((r) => (finished = r));
    client.onEvent((e) => {
      if (e.type === 'progress' && e.info.done) indexed();
      if (e.type === 'httpProgress' && e.finished) {
        order.push('scan finished');
        finished();
      }
    });
    const first = await client.call('open', { path });
    if (!first.done) await indexedP;
    const f = await client.call('filter', { text: 'tcp.stream == 3' });
    order.push('tcp.stream filter');
    expect(f.matched).toBe(3 + (60_000 / 16) * 3 + 3);
    const rows = await client.call('rows', { start: f.matched - 10, count: 10 });
    order.push('rows');
    expect(rows.events.length).toBe(10);
    await client.call('details', { event: frames });
    order.push('details');
    expect(order.indexOf('scan finished')).toBe(-1);
    const h = await client.call('filter', { text: 'http.response.code == 200' });
    order.push('http filter');
    expect(h.matched).toBe(60_000);
    await finishedP;
    expect(order.slice(0, 3)).toEqual(['tcp.stream filter', 'rows', 'details']);
    expect(order.indexOf('scan finished')).toBeLessThan(order.indexOf('http filter'));
    close();
    client.close();
    a.close();
  }, 120_000);
});
