/**
 * export-objects asks the engine for bodies in batches, not one request per object (each
 * request cost more than a small object): requests are counted, not timed, and the files and
 * lines are those of one httpBody page per object.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { exportObjects } from '../../electron/cli/streams-cli.ts';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { createEngineClient, type EngineClient } from '../../shared/engine-client.ts';
import { writeKeepalivePcap } from '../http/make-keepalive-pcap.ts';
import { channelPorts } from '../engine/in-process-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sink(): { w: Writable; text: () => string } {
  let s = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      s += chunk.toString();
      cb();
    },
  });
  return { w, text: () => s };
}

describe('export-objects in batches', () => {
  it('3000 objects: a few httpBodies requests, no httpBody, every file written with its body', async () => {
    const path = join(dir, 'ka.pcap');
    writeKeepalivePcap(path, { requests: 3000, connections: 16 });
    const [a, b] = channelPorts();
    const close = serveEngine(a);
    const client = createEngineClient(b);
    const calls: Record<string, number> = {};
    const counting: EngineClient = {
      ...client,
      call: ((method: string, params: unknown) => {
        calls[method] = (calls[method] ?? 0) + 1;
        return (client.call as (m: string, p: unknown) => Promise<unknown>)(method, params);
      }) as EngineClient['call'],
    };
    const out = sink();
    const err = sink();
    const outDir = join(dir, 'objects');
    const code = await exportObjects(counting, { command: 'export-objects', file: path, more: [], out: outDir, keylogs: [], psks: [] }, out.w, err.w);
    expect(err.text()).toBe('');
    expect(code).toBe(0);
    const lines = out.text().trim().split('\n');
    expect(lines.length).toBe(3000);
    expect(readdirSync(outDir).length).toBe(3000);
    // Each line's size is the size of the file it names.
    for (const l of lines.slice(0, 50)) {
      const [, , , bytes, name] = l.split('\t');
      expect(readFileSync(join(outDir, name)).length).toBe(Number(bytes));
    }
    expect(calls.httpBody ?? 0).toBe(0);
    expect(calls.httpBodies).toBeLessThanOrEqual(Math.ceil(3000 / 256) + 1);
    close();
    client.close();
    a.close();
  }, 120_000);
});
