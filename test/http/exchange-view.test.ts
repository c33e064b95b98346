/**
 * The exchange list as columns (layers/exchange-view.ts): search across HTTP/1.x and HTTP/2,
 * engine-side sort, pages by range, and work counted (one row read per exchange per view, no
 * re-parse unless every header is asked for).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildView, exchangeList, stableOrder, viewRows, viewWork } from '../../electron/engine/layers/exchange-view.ts';
import { exchangeRefs, rowOf } from '../../electron/engine/layers/http-layer.ts';
import { openSession, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { httpExchangeRows, httpPageOf } from '../../electron/engine/host/stream-service.ts';
import { CORPUS } from '../engine/corpus.ts';
import type { HttpExchangeRow } from '../../shared/rpc.ts';
import { writeKeepalivePcap } from './make-keepalive-pcap.ts';

async function session(path: string) {
  const { capture, indexing } = await openCapture(path);
  await indexing;
  const s = openSession(capture);
  scanHttpNow(s);
  return s;
}

/**
 * `tshark -r grpc_web.pcapng.gz -d tcp.port==57228,http2 -Y 'http.request || http2.headers.method'
 *  -T fields -e frame.number -e http.request.method -e http.request.uri -e http2.headers.method -e http2.headers.path`
 * (tshark 4.0.17): the frames completing each request, HTTP/1.1 on port 57226, HTTP/2 (h2c) on 57228.
 */
const GRPC = join(CORPUS, 'pcapng/wireshark/grpc_web.pcapng.gz');
const H1_REQUESTS = [4, 8, 137, 145, 235];
const H2_REQUESTS = [22, 30, 46, 77, 161, 169, 250, 283];
const SAYHELLOS = [77, 283];

describe('exchange view', () => {
  it('stableOrder sorts by key, ties by position, both directions', () => {
    const keys = Float64Array.from([3, 1, 2, 1, -1, 3, 0.5]);
    expect([...stableOrder(keys)]).toEqual([4, 6, 1, 3, 2, 0, 5]);
    expect([...stableOrder(keys, true)]).toEqual([0, 5, 2, 1, 3, 6, 4]);
  });

  it.skipIf(!CORPUS)('lists HTTP/1.1 and HTTP/2 exchanges of grpc_web alike, and searches both (tshark request frames)', async () => {
    const s = await session(GRPC);
    const list = exchangeList(s.http);
    const all = viewRows(buildView(list, s.capture, {}), 0, 100);
    // The same rows as the old whole-list reply, in the same order.
    expect(all).toEqual(httpExchangeRows(s));
    expect(all.filter((r) => r.version === 'HTTP/1.1').map((r) => r.requestEnd)).toEqual(H1_REQUESTS);
    // HTTP/2: tshark's frame is the HEADERS frame, where the exchange starts.
    expect(all.filter((r) => r.version === 'HTTP/2').map((r) => r.request)).toEqual(H2_REQUESTS);

    const tsharkFrame = (r: HttpExchangeRow): number | null => (r.version === 'HTTP/2' ? r.request : r.requestEnd);
    const ends = (search: string, headers = false): (number | null)[] => viewRows(buildView(list, s.capture, { search, headers }), 0, 100).map(tsharkFrame);
    expect(ends('POST')).toEqual([...H1_REQUESTS, ...H2_REQUESTS].sort((a, b) => a - b));
    expect(ends('sayhelloS')).toEqual(SAYHELLOS);
    expect(ends('HTTP/2')).toEqual(H2_REQUESTS);
    // A content type both versions carry: one h1 and one h2 connection pair each.
    const text = ends('grpc-web-text');
    expect(text.some((e) => H1_REQUESTS.includes(e as number)) && text.some((e) => H2_REQUESTS.includes(e as number))).toBe(true);
    expect(ends('no-such-thing-anywhere')).toEqual([]);

    // A header that is no column (every request has it, tshark -e http.request.line / http2.header.name):
    // found in HTTP/2 headers always, in HTTP/1.x ones with `headers`, re-parsing each h1 exchange once.
    viewWork.reparsed = 0;
    expect(ends('grpc-accept-encoding: identity')).toEqual(H2_REQUESTS);
    expect(viewWork.reparsed).toBe(0);
    expect(ends('GRPC-accept-encoding: identity', true)).toEqual([...H1_REQUESTS, ...H2_REQUESTS].sort((a, b) => a - b));
    expect(viewWork.reparsed).toBe(H1_REQUESTS.length);
  });

  it.skipIf(!CORPUS)('sorts in the engine by status, size and duration; pages by range', async () => {
    const s = await session(GRPC);
    const list = exchangeList(s.http);
    const base = viewRows(buildView(list, s.capture, {}), 0, 100);
    const by = (sort: 'resp' | 'duration' | 'status' | 'time', descending: boolean) => viewRows(buildView(list, s.capture, { sort, descending }), 0, 100);
    const stable = <T,>(xs: T[], v: (x: T) => number, desc: boolean): T[] => xs.map((x, i) => ({ x, i })).sort((a, b) => (desc ? v(b.x) - v(a.x) : v(a.x) - v(b.x)) || a.i - b.i).map((e) => e.x);
    expect(by('resp', true)).toEqual(stable(base, (r) => r.responseBodyBytes, true));
    expect(by('duration', false)).toEqual(stable(base, (r) => r.duration ?? -1, false));
    expect(by('time', true)).toEqual(stable(base, (r) => r.request ?? r.response ?? 0, true));

    const cache = {};
    const p1 = await httpPageOf(s, cache, { sort: 'resp', descending: true, start: 0, count: 4 });
    const p2 = await httpPageOf(s, cache, { sort: 'resp', descending: true, start: 4, count: 4 });
    expect(p1.total).toBe(base.length);
    expect(p1.all).toBe(base.length);
    expect(p2.ms).toBe(0);
    expect([...p1.rows, ...p2.rows]).toEqual(by('resp', true).slice(0, 8));
    const f = await httpPageOf(s, cache, { filter: 'http2', start: 0, count: 100 });
    expect(f.rows.map((r) => r.request)).toEqual(H2_REQUESTS);
    await expect(httpPageOf(s, cache, { filter: 'http.nope ==', start: 0, count: 1 })).rejects.toThrow();
  });

  const tmp = mkdtempSync(join(tmpdir(), 'tracelens-view-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('a keep-alive capture: one row read per exchange per view, no exchange objects kept', async () => {
    const path = join(tmp, 'ka.pcap');
    writeKeepalivePcap(path, { connections: 4, requests: 2000, extrasEvery: 7 });
    const s = await session(path);
    const list = exchangeList(s.http);
    expect(list.codes.length).toBe(2000);
    // The list costs 4 bytes per exchange.
    expect(list.codes.byteLength).toBe(4 * 2000);
    viewWork.rows = 0;
    const v = buildView(list, s.capture, { search: 'post', sort: 'status', descending: true });
    expect(viewWork.rows).toBe(2000);
    const refs = exchangeRefs(s.http);
    const posts = refs.map((e) => rowOf(s.http, e)).filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    expect(v.order.length).toBe(posts.length);
    // An http.* filter runs over the HTTP index once (httpPageOf) and keeps what dissecting each
    // exchange's events keeps (buildView without precomputed events).
    for (const filter of ['http.request.method == "POST"', 'http.response.code == 200 && http.content_length > 200', 'http.cookie contains "=7"']) {
      const byIndex = await httpPageOf(s, {}, { filter, start: 0, count: 5000 });
      const byDissect = viewRows(buildView(list, s.capture, { filter }), 0, 5000);
      expect(byIndex.rows).toEqual(byDissect);
      expect(byIndex.total).toBeGreaterThan(0);
    }
    expect(viewRows(buildView(list, s.capture, {}), 1990, 50)).toEqual(refs.slice(1990).map((e) => rowOf(s.http, e)));
  });
});
