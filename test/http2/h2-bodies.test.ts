/**
 * HTTP/2 bodies on demand: a body asked for re-assembles that one exchange from its connection
 * (work counted), with the same bytes as the whole connection's exchanges with bodies.
 */
import { describe, expect, it } from 'vitest';
import { http2Exchanges } from '../../electron/engine/http2/exchanges.ts';
import { h2BodyWork } from '../../electron/engine/layers/http-layer.ts';
import { scanHttpNow } from '../../electron/engine/layers/session.ts';
import { httpBodyOf, httpExchangeRows } from '../../electron/engine/host/stream-service.ts';
import { http2OfStream } from '../../electron/engine/tls/capture-tls.ts';
import { CORPUS, openTls } from '../tls/helpers.ts';

describe.skipIf(!CORPUS)('HTTP/2 bodies on demand', () => {
  it('gen-tls13-h2: each body re-assembles one exchange, bytes as the full walk', async () => {
    const c = await openTls('pcapng/generated/gen-tls13-h2.pcapng', ['keys/generated/gen-tls13-h2.keys'], 'node');
    scanHttpNow(c.session);
    const rows = httpExchangeRows(c.session).filter((r) => r.version === 'HTTP/2');
    // MANIFEST: streams 1 (/), 3 (/big, 220000 B), 5 (/gzip, gzip body).
    expect(rows.map((r) => [r.streamId, r.uri])).toEqual([[1, '/'], [3, '/big'], [5, '/gzip']]);
    const conn = http2OfStream(c, 'tcp:0');
    expect(conn).not.toBeNull();
    const full = http2Exchanges(conn!, rows[0].stream);
    h2BodyWork.exchanges = 0;
    for (const r of rows) {
      const b = httpBodyOf(c.session, r.stream, r.index, 'response');
      const ex = full.find((e) => e.streamId === r.streamId);
      // Buffer.equals: a deep toEqual over 220 KB of bytes takes seconds.
      expect(Buffer.from(b.body).equals(Buffer.from(ex?.response?.body ?? []))).toBe(true);
      expect(Buffer.from(b.raw).equals(Buffer.from(ex?.response?.rawBody ?? []))).toBe(true);
      expect(b.body.length).toBeGreaterThan(0);
    }
    expect(rows[1] && httpBodyOf(c.session, rows[1].stream, rows[1].index, 'response').body.length).toBe(220000);
    expect(h2BodyWork.exchanges).toBe(rows.length + 1);
  });
});
