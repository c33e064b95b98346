/**
 * The index pass's HTTP head scan (layers/http-heads.ts): filters on methods and status codes
 * answered without the HTTP scan, with the same events as the scan gives, and the capture left
 * to the scan whenever the heads cannot decide exactly (counted, not timed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filterWantsHeads } from '../../shared/http-head-fields.ts';
import { headsFilterWork, httpFilterEvents, httpFilterNeedsNoScan } from '../../electron/engine/layers/http-filter.ts';
import { headsWork, httpHeadsOf } from '../../electron/engine/layers/http-heads.ts';
import { openSession, type CaptureSession } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { CORPUS } from '../engine/corpus.ts';
import { writeKeepalivePcap, type KeepaliveOptions } from './make-keepalive-pcap.ts';

const FILTERS = [
  'http', 'http.request', 'http.response', 'http.response.code == 200', 'http.response.code != 200', 'http.response.code >= 300',
  'http.request.method == "GET"', 'http.request.method == "POST"', 'http.request.method in {"POST", "PUT"}',
  'http.request and not http.request.method == "GET"', 'http.response.code == 200 or http.request.method == "POST"',
];

const dir = mkdtempSync(join(tmpdir(), 'tl-heads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function session(path: string, httpHeads: boolean): Promise<CaptureSession> {
  const { capture, indexing } = await openCapture(path, { httpHeads });
  await indexing;
  return openSession(capture);
}

function generated(name: string, o: KeepaliveOptions): string {
  const path = join(dir, `${name}.pcap`);
  writeKeepalivePcap(path, o);
  return path;
}

/** Each filter answered with the heads equals the HTTP scan's answer; returns how many the heads answered. */
async function same(path: string): Promise<{ answered: number; bad: string; heads: CaptureSession }> {
  const heads = await session(path, true);
  const scanned = await session(path, false);
  const before = headsFilterWork.filters;
  for (const f of FILTERS) expect(httpFilterEvents(heads, f), f).toEqual(httpFilterEvents(scanned, f));
  const int = heads.http.internals;
  const bad = int.kind === 'packets' ? httpHeadsOf(int.conv)?.bad ?? 'none' : 'none';
  return { answered: headsFilterWork.filters - before, bad, heads };
}

describe('HTTP heads of the index pass', () => {
  it('answer method and status filters of an in-order keep-alive capture without the HTTP scan', async () => {
    const path = generated('plain', { requests: 2000, connections: 16, extrasEvery: 7 });
    const w0 = { ...headsWork };
    const { answered, bad, heads } = await same(path);
    expect(bad).toBe('');
    expect(answered).toBe(FILTERS.length);
    // The file was read once: the scan never ran for them (no HTTP index, no scan started).
    expect(heads.http.plain).toBeUndefined();
    expect(heads.httpScan).toBeUndefined();
    // Every payload segment looked at once; head bytes examined bounded by the heads' size
    // (requests ≤ 250 B with their extras, responses ≈ 100 B here), bodies never read.
    expect(headsWork.segments - w0.segments).toBe(4000);
    expect(headsWork.headBytes - w0.headBytes).toBeLessThan(2000 * 350);
    expect(httpFilterNeedsNoScan(heads, 'http.response.code == 200')).toBe(true);
    expect(httpFilterNeedsNoScan(heads, 'http.host == "example.test"')).toBe(false);
  });

  it('leave reordered and split captures to the scan, with the same answers', async () => {
    const split = await same(generated('split', { requests: 600, connections: 4, splitEvery: 5 }));
    const reordered = await same(generated('reordered', { requests: 600, connections: 4, splitEvery: 50, reorder: true }));
    expect(reordered.bad).toMatch(/past the next expected byte|continued/);
    expect(reordered.answered).toBe(0);
    // Split responses: answered when every head is whole in its segment, else left to the scan.
    expect(split.answered === FILTERS.length || split.bad !== '').toBe(true);
  });

  it('agree with the scan on corpus captures', async () => {
    for (const rel of ['pcap/wireshark/http.pcap', 'pcap/generated/gen-http11-plain.pcap', 'pcap/wireshark/http-ooo.pcap', 'pcap/wireshark/http-ooo2.pcap']) {
      await same(join(CORPUS, rel));
    }
  });

  it('are asked for by the CLI only for filters naming their fields alone', () => {
    expect(filterWantsHeads('http.request.method == "GET"')).toBe(true);
    expect(filterWantsHeads('http.response.code == 200 and http')).toBe(true);
    expect(filterWantsHeads('tcp.stream == 5')).toBe(false);
    expect(filterWantsHeads('http.host == "a" or http.response.code == 200')).toBe(false);
  });
});
