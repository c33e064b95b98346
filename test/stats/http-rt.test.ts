/**
 * `stats http,rt` (HTTP response times, HTTP/1.x and HTTP/2): its HTTP/1.x numbers against
 * tshark 4.0.17's http.time (test/http/golden, scripts/make-golden-http.sh) where every request
 * is one frame, so that tshark's request-frame-to-response-frame time is ours too; and HTTP/2
 * exchanges counted beside HTTP/1.1 on a decrypted capture with both (tshark 4.0 has no
 * http2.time to compare).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TreeNode } from '../../shared/stats.ts';
import { httpTapMessages, httpTimedExchanges } from '../../electron/engine/layers/http-taps.ts';
import { openSession, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { computeStats } from '../../electron/engine/stats/run-stats.ts';
import { addCaptureKeylog } from '../../electron/engine/tls/capture-tls.ts';
import { CORPUS } from '../engine/corpus.ts';

async function rtTree(capture: string, keys?: string): Promise<TreeNode[]> {
  const { capture: base, indexing } = await openCapture(join(CORPUS, capture));
  await indexing;
  try {
    const s = openSession(base);
    if (keys) addCaptureKeylog(s.capture, { path: join(CORPUS, keys) });
    scanHttpNow(s);
    const r = computeStats(s.capture, 'http,rt', undefined, '', { httpMessages: () => httpTapMessages(s.http), httpExchanges: () => httpTimedExchanges(s.http) });
    if (r.kind !== 'tree') throw new Error('not a tree');
    return r.roots;
  } finally {
    base.close();
  }
}

/** tshark's http.time values of a golden (seconds), one per response that found its request. */
function tsharkTimes(capture: string): number[] {
  const rows = readFileSync(join(import.meta.dirname, '../http/golden', `${capture.replaceAll('/', '__')}.tsv`), 'utf8').split('\n');
  return rows.map((l) => l.split('\t')[14]).filter((t) => t !== undefined && t !== '').map(Number);
}

describe('http,rt', () => {
  for (const capture of ['pcap/generated/gen-http11-plain.pcap', 'pcapng/wireshark/http-brotli.pcapng', 'pcap/tcpdump-tests/print-flags.pcap']) {
    it(`${capture}: HTTP/1.x times equal tshark's http.time`, async () => {
      const want = tsharkTimes(capture).map((t) => t * 1000);
      expect(want.length).toBeGreaterThan(0);
      const [all] = await rtTree(capture);
      expect(all.count).toBe(want.length);
      const v = all.values;
      expect(v?.float).toBe(true);
      // tshark prints µs; ours are single-precision ms.
      expect(v?.min).toBeCloseTo(Math.min(...want), 3);
      expect(v?.max).toBeCloseTo(Math.max(...want), 3);
      expect((v?.total ?? 0) / all.count).toBeCloseTo(want.reduce((a, b) => a + b, 0) / want.length, 3);
      const buckets = all.children.flatMap((c) => c.children).reduce((a, b) => a + b.count, 0);
      expect(buckets).toBe(want.length);
    });
  }

  it('counts HTTP/2 exchanges beside HTTP/1.1 (decrypted TLS 1.3 HTTP/2)', async () => {
    const [all] = await rtTree('pcapng/generated/gen-tls13-h2.pcapng', 'keys/generated/gen-tls13-h2.keys');
    const h2 = all.children.find((c) => c.name === 'HTTP/2');
    expect(h2?.count).toBeGreaterThan(0);
    expect(h2?.values?.min).toBeGreaterThan(0);
  });
});
