/**
 * httpBody pages of a long message: the message is read and decoded once for all its pages, not
 * once a page (page k cost k pages' re-parse before). Counted: frames re-read (reparseWork).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { openAndIndex } from '../../electron/cli/common.ts';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { reparseWork } from '../../electron/engine/layers/http-reparse.ts';
import { createEngineClient } from '../../shared/engine-client.ts';
import { channelPorts } from '../engine/in-process-engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'body-pages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('httpBody pages', () => {
  it('a long upload in 64 KiB pages re-reads its frames once, and the pages are the body', async () => {
    const path = join(dir, 'upload.pcap');
    // Shape (c): one large POST body over many segments.
    SHAPES.find((s) => s.id === 'c')!.generate(path, 3000);
    const [a, b] = channelPorts();
    const close = serveEngine(a);
    const client = createEngineClient(b);
    try {
      await openAndIndex(client, path, []);
      const page = await client.call('httpPage', { start: 0, count: 10 });
      const row = page.rows.find((r) => r.requestBodyBytes > 1 << 20);
      expect(row).toBeDefined();
      const { stream, index } = row!;
      reparseWork.frames = 0;
      const whole = await client.call('httpBody', { stream, index, message: 'request' });
      const once = reparseWork.frames;
      const size = whole.bodySize ?? 0;
      expect(whole.body.length).toBe(size);
      expect(once).toBeGreaterThan(100);
      reparseWork.frames = 0;
      const length = 1 << 16;
      const parts: Uint8Array[] = [];
      for (let offset = 0; offset < size; offset += length) {
        const p = await client.call('httpBody', { stream, index, message: 'request', offset, length });
        parts.push(p.body);
      }
      expect(parts.length).toBeGreaterThan(16);
      expect(Buffer.concat(parts).equals(Buffer.from(whole.body))).toBe(true);
      // One read for all the pages (a read a page was parts.length × once).
      expect(reparseWork.frames).toBeLessThanOrEqual(once);
      // Its last page dropped the held message: asked again, it is read again.
      reparseWork.frames = 0;
      await client.call('httpBody', { stream, index, message: 'request', offset: length, length });
      expect(reparseWork.frames).toBe(once);
    } finally {
      close();
      client.close();
      a.close();
    }
  }, 120_000);
});
