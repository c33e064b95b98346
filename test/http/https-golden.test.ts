/**
 * HTTP/1.x over decrypted TLS: the http.* fields attached to the frames that complete each
 * message equal tshark's with the same key log (goldens by scripts/make-golden-https.ts), keys
 * added after the HTTP scan bring fields and rows in without reopening, and http-only filters
 * are answered from them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDissection } from '../../electron/engine/dissectors/dissection.ts';
import { fieldStrings } from '../../electron/engine/dissectors/values.ts';
import { fieldByName } from '../../electron/engine/fields/registry.ts';
import { httpFilterEvents } from '../../electron/engine/layers/http-filter.ts';
import { scanHttpNow } from '../../electron/engine/layers/session.ts';
import { httpExchangeRows } from '../../electron/engine/host/stream-service.ts';
import { addCaptureKeylog } from '../../electron/engine/tls/capture-tls.ts';
import { CORPUS, openTls, type SessionCapture } from '../tls/helpers.ts';

const GOLDEN = join(import.meta.dirname, 'golden-tls');
const KEYS = JSON.parse(readFileSync(join(import.meta.dirname, '../http2/golden/KEYS.json'), 'utf8')) as { http1: [string, string[], string[]][] };
const FIELDS = ['http.request.method', 'http.request.uri', 'http.request.version', 'http.response.version', 'http.response.code',
  'http.response.phrase', 'http.host', 'http.user_agent', 'http.content_type', 'http.content_length', 'http.content_encoding',
  'http.request_in', 'http.response_in', 'http.time'];

function httpRows(c: SessionCapture): string[] {
  const d = createDissection();
  const out: string[] = [];
  for (const ev of httpFilterEvents(c.session, 'http.request or http.response') ?? []) {
    c.dissect(ev, d);
    out.push([String(ev), ...FIELDS.map((f) => fieldStrings(d, fieldByName(f)!).join(','))].join('\t'));
  }
  return out;
}

describe.each(['node', 'boringssl'] as const)('http.* fields over TLS equal tshark -o tls.keylog_file (%s profile)', (profile) => {
  for (const [f, keys] of KEYS.http1) {
    it(f, async () => {
      const c = await openTls(f, keys, profile);
      scanHttpNow(c.session);
      const want = readFileSync(join(GOLDEN, `${f.replaceAll('/', '__')}.tsv`), 'utf8').split('\n').filter((l) => l !== '');
      expect(httpRows(c)).toEqual(want);
      c.close();
    }, 60_000);
  }
});

describe('keys added after the HTTP scan', () => {
  it('gen-tls13-http11-nsec: no HTTP before the key log, tshark\'s fields and rows after it; http.response.code == 200 finds them', async () => {
    const f = 'pcap/generated/gen-tls13-http11-nsec.pcap';
    const c = await openTls(f, [], 'node');
    scanHttpNow(c.session);
    expect(httpRows(c)).toEqual([]);
    expect(httpExchangeRows(c.session)).toEqual([]);
    addCaptureKeylog(c, { path: `${CORPUS}/keys/generated/gen-tls13-http11.keys` });
    const want = readFileSync(join(GOLDEN, `${f.replaceAll('/', '__')}.tsv`), 'utf8').split('\n').filter((l) => l !== '');
    expect(httpRows(c)).toEqual(want);
    expect(httpFilterEvents(c.session, 'http.response.code == 200')).toEqual([11, 13, 16]);
    expect(httpExchangeRows(c.session).map((r) => [r.request, r.response, r.stream, r.method, r.uri, r.status, r.contentType])).toEqual([
      [9, 11, 'tls:tcp:0', 'GET', '/', 200, 'text/plain'],
      [12, 13, 'tls:tcp:0', 'GET', '/gzip', 200, 'text/plain'],
      [15, 16, 'tls:tcp:0', 'POST', '/echo', 200, 'application/octet-stream'],
    ]);
    // A full dissection of the response frame carries the decoded body as http.file_data.
    const d = createDissection();
    c.dissect(13, d);
    expect(fieldStrings(d, fieldByName('http.file_data')!)[0]).toMatch(/^line 00000 the quick brown fox/);
    c.close();
  });
});
