/**
 * TLS decryption on demand, counted in records run through a cipher (not timed), on the shapes
 * bench's TLS 1.3 keep-alive generator (shape e): a filter naming no TLS/HTTP field decrypts
 * nothing even with the key log added, as the CLI runs it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { tlsDecryptWork } from '../../electron/engine/tls/session.ts';
import { createEngineClient, type EngineClient } from '../../shared/engine-client.ts';
import type { Port } from '../../shared/rpc.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-tls-demand-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function shapeE(events: number): { path: string; keylog: string } {
  const path = join(dir, `e-${events}.pcap`);
  const sh = SHAPES.find((x) => x.id === 'e');
  const keylog = sh?.generate(path, events).keylog;
  if (!keylog) throw new Error('shape e writes a key log');
  return { path, keylog };
}

/** An engine in this process, as the CLI starts it (scanOnDemand). */
function cliEngine(): EngineClient {
  let toEngine: (m: unknown) => void = () => {};
  let toClient: (m: unknown) => void = () => {};
  const enginePort: Port = { postMessage: (m) => setImmediate(() => toClient(m)), onMessage: (h) => (toEngine = h), close() {} };
  const clientPort: Port = { postMessage: (m) => setImmediate(() => toEngine(m)), onMessage: (h) => (toClient = h), close() {} };
  serveEngine(enginePort, { scanOnDemand: true });
  return createEngineClient(clientPort);
}

async function openIndexed(c: EngineClient, path: string): Promise<void> {
  const done = new Promise<void>((resolve) => c.onEvent((e) => e.type === 'progress' && e.info.done && resolve()));
  const info = await c.call('open', { path });
  if (!info.done) await done;
}

describe('shape e with its key log, as the CLI asks', () => {
  it('tcp.stream == 5 decrypts no record; an HTTP field then does', async () => {
    const { path, keylog } = shapeE(6000);
    const c = cliEngine();
    await openIndexed(c, path);
    tlsDecryptWork.records = 0;
    const k = await c.call('addKeylog', { path: keylog });
    expect(k.added).toBeGreaterThan(0);
    const r = await c.call('filter', { text: 'tcp.stream == 5' });
    expect(r.matched).toBeGreaterThan(100);
    const page = await c.call('extract', { start: 0, count: 50, fields: ['frame.number'] });
    expect(page.values.length).toBe(50);
    expect(tlsDecryptWork.records).toBe(0);
    const h = await c.call('filter', { text: 'http.response.code == 200' });
    expect(h.matched).toBeGreaterThan(100);
    expect(tlsDecryptWork.records).toBeGreaterThan(h.matched);
  });
});
