/**
 * httpPage `lines` (shared/http-lines.ts): the engine writes `tracelens http`'s lines itself.
 * Each jsonl line is JSON.stringify of the row's printed keys (optional ones only when set),
 * each TSV line the row's cells; a lines page holds the unpacked page's rows in order, stops at
 * its character bound with at least one row, and a reader asking on from start + n gets them all.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { httpJsonLine, httpLines, httpTsvLine } from '../../shared/http-lines.ts';
import type { HttpExchangeRow } from '../../shared/rpc.ts';
import { CORPUS } from '../engine/corpus.ts';
import { EDGE_BASE, EDGE_ROWS } from './edge-rows.ts';
import { inProcessEngine } from '../engine/in-process-engine.ts';

/** The shared edge rows, and a missing-bytes zero, control and lone-surrogate texts, an empty process name, a NaN status. */
const EDGES: HttpExchangeRow[] = [
  ...EDGE_ROWS,
  { ...EDGE_BASE, missingBytes: 0 },
  { ...EDGE_BASE, stream: 'h2:tls:tcp:3:5', version: 'HTTP/2', streamId: 5, host: 'ünïcødé.test', uri: '/✓?q="x"\\\n\u0001\ud800', upgrade: 'websocket' },
  { ...EDGE_BASE, procName: '', pid: 1, duration: -0.5, index: 2 ** 31 + 1, status: NaN },
];

/** The printed object of a row, as the CLI has always defined it, for JSON.stringify. */
function printed(r: HttpExchangeRow): Record<string, unknown> {
  const o: Record<string, unknown> = {
    request: r.request, response: r.response, stream: r.stream, version: r.version, method: r.method, host: r.host, uri: r.uri, status: r.status,
    requestBodyBytes: r.requestBodyBytes, responseBodyBytes: r.responseBodyBytes, contentType: r.contentType,
  };
  if (r.streamId !== undefined) o.streamId = r.streamId;
  if (r.pid !== undefined) {
    if (r.procName !== undefined) o.procName = r.procName;
    o.pid = r.pid;
  }
  if (r.truncated) o.truncated = true;
  if (r.missingBytes) o.missingBytes = r.missingBytes;
  if (r.incomplete) o.incomplete = true;
  if (r.upgrade) o.upgrade = r.upgrade;
  return o;
}

const TSV_KEYS = ['request', 'response', 'stream', 'version', 'method', 'host', 'uri', 'status', 'requestBodyBytes', 'responseBodyBytes', 'contentType'] as const;

describe('http lines', () => {
  it('jsonl is JSON.stringify of the printed keys; tsv the cells, empty for null', () => {
    for (const r of EDGES) {
      expect(httpJsonLine(r)).toBe(`${JSON.stringify(printed(r))}\n`);
      expect(httpTsvLine(r)).toBe(`${TSV_KEYS.map((k) => (r[k] === null ? '' : String(r[k]))).join('\t')}\n`);
    }
  });

  it('a page stops past its bound, at least one row', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ ...EDGE_BASE, index: i, uri: `/${'x'.repeat(100)}${i}` }));
    const cut = httpLines(many, 'jsonl', 2000);
    expect(cut.n).toBeGreaterThan(5);
    expect(cut.n).toBeLessThan(100);
    expect(cut.text).toBe(many.slice(0, cut.n).map(httpJsonLine).join(''));
    expect(httpLines(many, 'tsv', 0).n).toBe(1);
    expect(httpLines([], 'jsonl')).toEqual({ n: 0, text: '' });
  });

  const cases: [string, string, string[], string | undefined][] = [
    ['HTTP/2 over TLS', join(CORPUS, 'pcapng/wireshark/http2-brotli.pcapng'), [], undefined],
    ['HTTP/1.1 out of order', join(CORPUS, 'pcapng/wireshark/http-ooo-fuzzed.pcapng'), [], undefined],
    ['decrypted TLS 1.3', join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap'), [], join(CORPUS, 'keys/generated/gen-tls13-http11.keys')],
    ['a packets + syscalls set', join(import.meta.dirname, '../fixtures/seed-413/upload-413.pcap'), [join(import.meta.dirname, '../fixtures/seed-413/upload-413.strace')], join(import.meta.dirname, '../fixtures/seed-413/upload-413.keys')],
  ];
  for (const [name, path, more, keys] of cases) {
    it(`httpPage lines are the unpacked page's rows as lines: ${name}`, async () => {
      const c = inProcessEngine();
      const done = new Promise<void>((resolve) => c.onEvent((e) => e.type === 'progress' && e.info.done && resolve()));
      const info = await c.call('open', { path, ...(more.length ? { more } : {}) });
      if (!info.done) await done;
      if (keys) await c.call('addKeylog', { path: keys });
      const plain = await c.call('httpPage', { start: 0, count: 5000 });
      expect(plain.rows.length).toBeGreaterThan(0);
      for (const format of ['jsonl', 'tsv'] as const) {
        const page = await c.call('httpPage', { start: 0, count: 5000, lines: format });
        expect(page.rows).toEqual([]);
        expect(page.lines).toEqual({ n: plain.rows.length, text: httpLines(plain.rows, format).text });
      }
      // A filtered view, from an offset.
      const q = { start: 1, count: 3, filter: 'http' };
      const rows = (await c.call('httpPage', q)).rows;
      expect((await c.call('httpPage', { ...q, lines: 'jsonl' })).lines).toEqual({ n: rows.length, text: rows.map(httpJsonLine).join('') });
      await expect(c.call('httpPage', { start: 0, count: 1, lines: 'csv' as 'tsv' })).rejects.toThrow(/lines must be one of jsonl, tsv/);
    }, 60_000);
  }
});
