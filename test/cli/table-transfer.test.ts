/**
 * eventTable and httpTable pages move their column buffers with the reply (replyTransfer) instead
 * of a structured-clone copy: the port is handed each page's buffers once, the engine keeps
 * answering the same pages after (nothing it holds was detached), other replies transfer nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { replyTransfer } from '../../electron/engine/host/reply-size.ts';
import { createEngineClient } from '../../shared/engine-client.ts';
import type { Port } from '../../shared/rpc.ts';
import { writeKeepalivePcap } from '../http/make-keepalive-pcap.ts';
import { channelPorts, openDone } from '../engine/in-process-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-transfer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('table pages transfer their columns', () => {
  it('the buffers go with the reply, and the same pages come again equal', async () => {
    const path = join(dir, 'ka.pcap');
    writeKeepalivePcap(path, { requests: 300, connections: 4 });
    const [a, b] = channelPorts();
    const moved: Record<string, number> = {};
    // The engine's port, counting the buffers each reply hands over.
    const counted: Port = {
      ...a,
      postMessage: (m, transfer) => {
        const r = m as { kind?: string; result?: { columns?: unknown } };
        if (r.kind === 'response' && r.result?.columns !== undefined) moved.table = (moved.table ?? 0) + (transfer?.length ?? 0);
        else moved.other = (moved.other ?? 0) + (transfer?.length ?? 0);
        a.postMessage(m, transfer);
      },
    };
    const close = serveEngine(counted);
    const client = createEngineClient(b);
    await openDone(client, path);
    const ev1 = await client.call('eventTable', { start: 0, count: 1000 });
    const ev2 = await client.call('eventTable', { start: 0, count: 1000 });
    const h1 = await client.call('httpTable', { start: 0, count: 100 });
    const h2 = await client.call('httpTable', { start: 0, count: 100 });
    close();
    expect(ev1.columns.length).toBeGreaterThan(5);
    expect(ev1.columns[0].nums?.length).toBe(Math.min(1000, ev1.total));
    expect(ev1.total).toBeGreaterThan(500);
    expect(h1.columns[0].ids?.length).toBe(100);
    expect(new Set(ev1.columns.map((c) => (c.nums ?? c.ids)?.buffer)).size).toBe(ev1.columns.length);
    // One buffer a column, per page (4 pages).
    expect(moved.table).toBe(2 * ev1.columns.length + 2 * h1.columns.length);
    expect(moved.other ?? 0).toBe(0);
    const plain = (p: typeof ev1): unknown => p.columns.map((c) => ({ ...c, nums: c.nums && [...c.nums], ids: c.ids && [...c.ids] }));
    expect(plain(ev2)).toEqual(plain(ev1));
    expect(plain(h2 as typeof ev1)).toEqual(plain(h1 as typeof ev1));
  });

  it('views of part of a buffer, error replies and other methods transfer nothing', () => {
    const whole = new Float64Array(4);
    const part = new Uint32Array(new ArrayBuffer(64), 16, 4);
    const page = { start: 0, total: 4, columns: [{ name: 'a', type: 'BIGINT', nums: whole }, { name: 'b', type: 'VARCHAR', ids: part, dict: [] }, { name: 'c', type: 'DOUBLE', nums: whole }] };
    expect(replyTransfer('eventTable', { kind: 'response', id: 1, ok: true, result: page })).toEqual([whole.buffer]);
    expect(replyTransfer('rows', { kind: 'response', id: 1, ok: true, result: page })).toEqual([]);
    expect(replyTransfer('httpTable', { kind: 'response', id: 1, ok: false, error: 'x' })).toEqual([]);
  });
});
