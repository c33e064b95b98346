/**
 * HTTP/1.x exchanges vs tshark 4.0.17 (goldens by scripts/make-golden-http.sh): the http.*
 * fields our annotation attaches to each frame equal tshark's, frame by frame; bodies decode
 * (br); the strace logs with HTTP give their exchanges, marked truncated where they are, and the
 * pcap taken with the strace log shows the same exchange.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { httpFilterEvents } from '../../electron/engine/layers/http-filter.ts';
import { streamExchangesWithBodies } from '../../electron/engine/layers/http-layer.ts';
import { scannedSession, sessionExchanges } from './session-helpers.ts';
import type { Capture } from '../../electron/engine/capture.ts';
import { CORPUS } from '../engine/corpus.ts';


const GOLDEN = join(import.meta.dirname, 'golden');
const FIELDS = ['http.request.method', 'http.request.uri', 'http.request.version', 'http.response.version', 'http.response.code',
  'http.response.phrase', 'http.host', 'http.user_agent', 'http.content_type', 'http.content_length', 'http.content_encoding',
  'http.request_in', 'http.response_in', 'http.time'];

async function open(rel: string): Promise<Capture> {
  const { capture, indexing } = await openCapture(join(CORPUS, rel));
  await indexing;
  return capture;
}

describe('http.* fields equal tshark on the plaintext HTTP captures', () => {
  for (const g of readdirSync(GOLDEN).filter((f) => f.endsWith('.tsv'))) {
    it(g, async () => {
      const capture = await open(g.slice(0, -4).replaceAll('__', '/'));
      try {
        const s = scannedSession(capture);
        const want = readFileSync(join(GOLDEN, g), 'utf8').split('\n').filter((l) => l !== '');
        const d = createDissection();
        const got: string[] = [];
        const events = httpFilterEvents(s, 'http.request or http.response') ?? [];
        for (const ev of events) {
          s.capture.dissect(ev, d);
          got.push([String(ev), ...FIELDS.map((f) => fieldStrings(d, fieldByName(f)!).join(','))].join('\t'));
        }
        expect(got).toEqual(want);
      } finally {
        capture.close();
      }
    }, 60_000);
  }
});

describe('bodies', () => {
  it('http-brotli.pcapng: the br body decodes to text/plain', async () => {
    const capture = await open('pcapng/wireshark/http-brotli.pcapng');
    const ex = streamExchangesWithBodies(scannedSession(capture).http, 'tcp:0');
    expect(ex).toHaveLength(1);
    const r = ex[0].response!;
    expect(r.contentEncoding).toBe('br');
    expect(r.decodeError).toBeUndefined();
    expect(r.bodyBytes).toBe(52);
    expect(new TextDecoder().decode(r.body)).toMatch(/^[\x20-\x7e\n]+$/);
    expect(r.body!.length).toBeGreaterThan(52);
    capture.close();
  });
});

describe('strace logs with HTTP', () => {
  it('curl -s 65535 -xx: GET /index.html → 200, 30-byte body, same exchange as the paired pcap', async () => {
    const capture = await open('strace/generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt');
    const ch = { exchanges: sessionExchanges(scannedSession(capture)) };
    expect(ch.exchanges).toHaveLength(1);
    const ex = ch.exchanges[0];
    expect(ex.stream).toMatch(/^fd:\d+:5:\d+$/);
    expect([ex.request?.method, ex.request?.uri, ex.request?.version, ex.response?.status, ex.response?.bodyBytes]).toEqual(['GET', '/index.html', 'HTTP/1.1', 200, 30]);
    expect(ex.request?.headTruncated).toBe(false);
    const pcap = await open('pcap/generated/gen-strace-http11-plain.pcap');
    const pex = sessionExchanges(scannedSession(pcap));
    expect(pex).toHaveLength(1);
    const strip = (e: typeof ex) => ({ req: e.request?.headers, method: e.request?.method, uri: e.request?.uri, status: e.response?.status, phrase: e.response?.phrase, body: e.response?.bodyBytes, type: e.response?.contentType });
    expect(strip(pex[0]).method).toBe('GET');
    expect(strip(pex[0]).status).toBe(200);
    expect(strip(pex[0]).body).toBe(30);
    capture.close();
    pcap.close();
  });

  it('python http.server -s 4096: three exchanges, the big body marked truncated', async () => {
    const capture = await open('strace/generated/strace-python-httpserver.f-tt-T-yy-s4096.txt');
    const ch = { exchanges: sessionExchanges(scannedSession(capture)) };
    expect(ch.exchanges.map((e) => [e.request?.method, e.request?.uri, e.response?.status])).toEqual([
      ['GET', '/index.html', 200], ['GET', '/big.txt', 200], ['GET', '/missing', 404],
    ]);
    const big = ch.exchanges[1].response!;
    expect(big.bodyBytes).toBe(220000);
    expect(big.missing).toBeGreaterThan(0);
    expect(ch.exchanges[0].response!.missing).toBe(0);
    capture.close();
  });

  it('curl -s 32 (default): the exchange is found from the first lines, heads marked truncated', async () => {
    const capture = await open('strace/generated/strace-curl-network.f-r-e-network.txt');
    const ch = { exchanges: sessionExchanges(scannedSession(capture)) };
    expect(ch.exchanges).toHaveLength(1);
    const ex = ch.exchanges[0];
    expect([ex.request?.method, ex.request?.uri, ex.response?.status]).toEqual(['GET', '/index.html', 200]);
    expect(ex.request?.headTruncated).toBe(true);
    expect(ex.response?.headTruncated).toBe(true);
    capture.close();
  });
});
