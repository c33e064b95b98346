/**
 * Work of the statistics over the shapes suite's captures (bench/shapes), counted, not timed:
 * io,phs answers an upload's segments from the index columns (c: every frame inside one
 * message) and asks the TLS layer once per stream, not per event (e, without its key log). Each also equals
 * the dissecting path's answer (phs-index.test.ts and the goldens check that on the corpus).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { segmentRowWork } from '../../electron/engine/layers/http-rows.ts';
import { openSession, protocolLayerChains, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { protocolHierarchy } from '../../electron/engine/stats/phs.ts';
import { tlsLayerStreamWork } from '../../electron/engine/tls/capture-tls.ts';

const dir = mkdtempSync(join(tmpdir(), 'stats-work-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function shape(id: string, events: number): string {
  const s = SHAPES.find((x) => x.id === id);
  if (!s) throw new Error(`no shape ${id}`);
  const path = join(dir, `${id}.${s.ext}`);
  s.generate(path, events);
  return path;
}

async function session(path: string) {
  const { capture, indexing } = await openCapture(path);
  await indexing;
  const s = openSession(capture);
  scanHttpNow(s);
  return s;
}

describe('statistics work on the shapes', () => {
  it('io,phs over one upload answers its segments from the index', async () => {
    const s = await session(shape('c', 3000));
    try {
      const before = { ...segmentRowWork };
      const chain = protocolLayerChains(s);
      const { frames } = protocolHierarchy(s.capture, undefined, chain);
      expect(frames).toBe(s.capture.count());
      // Nearly every frame lies inside the upload or its answer.
      expect(segmentRowWork.indexed - before.indexed).toBeGreaterThan(0.9 * frames);
      expect(segmentRowWork.dissected - before.dissected).toBe(0);
    } finally {
      s.base.close();
    }
  }, 60_000);

  it('io,phs over TLS without keys asks the TLS layer once per TCP stream', async () => {
    const s = await session(shape('e', 6000));
    try {
      const before = tlsLayerStreamWork.streams;
      const int = s.base.internals();
      const streams = int.kind === 'packets' ? int.conv.nTcp : 0;
      protocolHierarchy(s.capture, undefined, protocolLayerChains(s));
      expect(streams).toBeGreaterThanOrEqual(16);
      expect(tlsLayerStreamWork.streams - before).toBe(streams);
    } finally {
      s.base.close();
    }
  }, 60_000);
});
