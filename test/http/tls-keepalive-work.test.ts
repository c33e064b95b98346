/**
 * HTTP/1.1 over TLS 1.3 keep-alive (the shapes bench's shape e: 16 connections live at once,
 * more than the layer's few-stream cache): fields, bodies and Info of every message cost each
 * decrypted stream's chunks once, not once per message (counted, not timed). Re-parsing a
 * message used to rebuild its stream's tshark-frame copy and chunk index whenever another
 * connection's message came between: quadratic in the requests per connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../bench/shapes/shapes.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { httpFilterEvents } from '../../electron/engine/layers/http-filter.ts';
import { exchangeRefs, httpBodyOf, rowOf, tshWork } from '../../electron/engine/layers/http-layer.ts';
import { reparseWork } from '../../electron/engine/layers/http-reparse.ts';
import { openSession, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { addCaptureKeylog, sourceStreamIds, tlsOfStream } from '../../electron/engine/tls/capture-tls.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-tls-ka-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const field = (name: string) => {
  const f = fieldByName(name);
  if (!f) throw new Error(name);
  return f;
};

describe('HTTP over TLS keep-alive: work per message', () => {
  it('fields, bodies and Info of every message read each decrypted stream once', async () => {
    const path = join(dir, 'e-4000.pcap');
    const shape = SHAPES.find((s) => s.id === 'e');
    const keys = shape?.generate(path, 4000).keylog;
    if (!keys) throw new Error('shape e writes a key log');
    const { capture, indexing } = await openCapture(path);
    await indexing;
    const s = openSession(capture);
    expect(addCaptureKeylog(s.capture, { path: keys }).errors).toEqual([]);
    scanHttpNow(s);

    const ids = sourceStreamIds(s.base).filter((id) => tlsOfStream(s.base, id) !== null);
    expect(ids.length).toBe(16);
    const streamChunks = ids.reduce((n, id) => n + (tlsOfStream(s.base, id)?.stream.chunks.length ?? 0), 0);
    const events = httpFilterEvents(s, 'http') ?? [];
    const exchanges = exchangeRefs(s.http);
    expect(exchanges.length).toBeGreaterThan(1000);
    expect(events.length).toBe(2 * exchanges.length);

    tshWork.chunks = 0;
    reparseWork.indexed = 0;
    reparseWork.fallbacks = 0;
    // Details of every message (headers beyond the columns, bodies, Info), in event order: the
    // 16 connections interleave message by message.
    const d = createDissection();
    let bodies = 0;
    let infos = 0;
    for (const ev of events) {
      s.capture.dissect(ev, d);
      bodies += fieldStrings(d, field('http.file_data')).length;
      if (/^(GET \/|HTTP\/1\.1 200 OK)/.test(d.info)) infos++;
    }
    expect(infos).toBe(events.length);
    // Every response has a body; the requests are GETs without one.
    expect(bodies).toBe(exchanges.length);
    // Export objects: every response body, in the order of the exchange list.
    let bytes = 0;
    for (const e of exchanges) {
      const row = rowOf(s.http, e);
      const b = httpBodyOf(s.http, row.stream, row.index, 'response');
      expect(b.body.length).toBe(row.responseBodyBytes);
      bytes += b.body.length;
    }
    expect(bytes).toBeGreaterThan(500 * exchanges.length);
    // The scan built each stream's copy already; re-parsing builds each chunk index once.
    expect(tshWork.chunks).toBe(0);
    expect(reparseWork.indexed).toBeLessThanOrEqual(streamChunks);
    expect(reparseWork.fallbacks).toBe(0);
    capture.close();
  }, 120_000);
});
