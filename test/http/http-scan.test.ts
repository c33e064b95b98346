/**
 * The capture's HTTP scan as the engine runs it: in slices that yield to the event loop, with
 * progress, cancellable; and through the engine host: httpProgress events, keys added after
 * open (addKeylog) bringing HTTP/1.x-over-TLS rows and http.* filters without reopening.
 */
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../electron/engine/open-capture.ts';
import type { HttpScanProgress } from '../../electron/engine/layers/http-layer.ts';
import { openSession, scanHttp } from '../../electron/engine/layers/session.ts';
import { messageEvents, scannedSession, sessionExchanges } from './session-helpers.ts';
import { serveEngine } from '../../electron/engine/host/engine-host.ts';
import { createEngineClient } from '../../shared/engine-client.ts';
import type { EngineEvent } from '../../shared/rpc.ts';
import { CORPUS } from '../engine/corpus.ts';
import { channelPorts } from '../engine/in-process-engine.ts';

const C = CORPUS;
const OOO = `${C}/pcapng/wireshark/challenge01_ooo_stream.pcapng.gz`;

async function open(path: string) {
  const { capture, indexing } = await openCapture(path);
  await indexing;
  return capture;
}

describe('scanCaptureHttp', () => {
  it('yields between slices (other work runs meanwhile), reports progress, finds what the one-shot scan finds', async () => {
    const c = await open(OOO);
    const progress: HttpScanProgress[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const s = openSession(c);
    const ok = await scanHttp(s, { sliceMs: 0, onProgress: (p) => progress.push({ ...p }) });
    clearInterval(timer);
    expect(ok).toBe(true);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(ticks).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ done: c.count(), total: c.count() });
    for (let k = 1; k < progress.length; k++) expect(progress[k].done).toBeGreaterThanOrEqual(progress[k - 1].done);
    const fresh = await open(OOO);
    const one = scannedSession(fresh);
    expect(sessionExchanges(s).map((e) => [e.request?.startEvent, e.response?.endEvent])).toEqual(sessionExchanges(one).map((e) => [e.request?.startEvent, e.response?.endEvent]));
    expect(messageEvents(s)).toEqual(messageEvents(one));
    expect(sessionExchanges(one).length).toBeGreaterThan(0);
    c.close();
    fresh.close();
  });

  it('stops when aborted (the capture closed) and leaves nothing cached', async () => {
    const c = await open(OOO);
    const abort = new AbortController();
    const s = openSession(c);
    const r = await scanHttp(s, { sliceMs: 0, signal: abort.signal, onProgress: () => abort.abort() });
    expect(r).toBe(false);
    expect(s.http.plain).toBeUndefined();
    // A later request scans afresh and completely.
    expect(sessionExchanges(s).length).toBeGreaterThan(0);
    c.close();
  });
});

describe('engine host', () => {
  it('httpProgress after open; addKeylog brings the decrypted HTTP/1.x rows and http.* filters without reopening', async () => {
    const [a, b] = channelPorts();
    const close = serveEngine(a);
    const client = createEngineClient(b);
    const events: EngineEvent[] = [];
    let finished = 0;
    let onFinished: () => void = () => {};
    client.onEvent((e) => {
      events.push(e);
      if (e.type === 'httpProgress' && e.finished) {
        finished++;
        onFinished();
      }
    });
    const waitFinished = (n: number) => new Promise<void>((resolve) => {
      onFinished = () => { if (finished >= n) resolve(); };
      onFinished();
    });
    await client.call('open', { path: `${C}/pcap/generated/gen-tls13-http11-nsec.pcap` });
    await waitFinished(1);
    expect(await client.call('httpExchanges', {})).toEqual([]);
    const r = await client.call('addKeylog', { path: `${C}/keys/generated/gen-tls13-http11.keys` });
    expect(r.added).toBeGreaterThan(0);
    await waitFinished(2);
    const rows = await client.call('httpExchanges', {});
    expect(rows.map((x) => [x.request, x.response, x.method, x.uri, x.status])).toEqual([[9, 11, 'GET', '/', 200], [12, 13, 'GET', '/gzip', 200], [15, 16, 'POST', '/echo', 200]]);
    const f = await client.call('filter', { text: 'http.response.code == 200' });
    expect(f.matched).toBe(3);
    const x = await client.call('extract', { start: 0, count: 10, fields: ['frame.number', 'http.response.code'] });
    expect(x.values.map((v) => v.map((s) => s.join(',')))).toEqual([['11', '200'], ['13', '200'], ['16', '200']]);
    close();
    client.close();
    a.close();
  });
});
