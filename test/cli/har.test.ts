/**
 * HAR export: the HAR 1.2 document of decrypted HTTP/1.1 and HTTP/2 captures validates against
 * the HAR schema (har-schema, the schema har-validator uses), holds every exchange `tracelens
 * http` lists with its timings, and the seed case's strace log gives its POST → 413.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import type { HarLog } from '../../shared/har.ts';
import { queryString, requestCookies, requestUrl, responseCookies, contentText } from '../../electron/engine/layers/har.ts';
import { CORPUS } from '../engine/corpus.ts';
import { cli } from './run-cli.ts';

const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'tl-har-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** har-schema's schemas (draft-06), compiled once. */
function harValidator(): ValidateFunction {
  const schemas = require('har-schema') as Record<string, { $id: string }>;
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  for (const s of Object.values(schemas)) if (s.$id !== 'har.json#') ajv.addSchema(s);
  return ajv.compile(schemas.har);
}
const validate = harValidator();

const CASES = [
  { name: 'TLS 1.2 HTTP/2', file: 'pcap/generated/gen-tls12-h2.pcap', keys: 'keys/generated/gen-tls12-h2.keys', version: 'HTTP/2' },
  { name: 'TLS 1.3 HTTP/1.1', file: 'pcap/generated/gen-tls13-http11-nsec.pcap', keys: 'keys/generated/gen-tls13-http11.keys', version: 'HTTP/1.1' },
  { name: 'HTTP/1.1 and HTTP/2 (h2c) in one capture', file: 'pcapng/wireshark/grpc_web.pcapng.gz', keys: undefined, version: undefined },
];

async function harOf(file: string, ...more: string[]): Promise<HarLog> {
  const r = await cli('har', file, ...more);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as HarLog;
}

describe('har', () => {
  for (const c of CASES) {
    it(`${c.name}: validates and holds every exchange with its timings`, async () => {
      const keys = c.keys ? ['--keylog', join(CORPUS, c.keys)] : [];
      const har = await harOf(join(CORPUS, c.file), ...keys);
      expect(validate(har), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      const rows = (await cli('http', join(CORPUS, c.file), ...keys)).out.trim().split('\n').map((l) => JSON.parse(l) as { method: string; uri: string; status: number | null; version: string });
      const entries = har.log.entries;
      expect(entries.length).toBe(rows.length);
      expect(entries.length).toBeGreaterThan(0);
      entries.forEach((e, k) => {
        expect(e.request.method).toBe(rows[k].method);
        expect(new URL(e.request.url).pathname + new URL(e.request.url).search).toBe(rows[k].uri);
        expect(e.response.status).toBe(rows[k].status ?? 0);
        const t = e.timings;
        expect(Math.min(t.send, t.wait, t.receive)).toBeGreaterThanOrEqual(0);
        expect(e.time).toBeCloseTo(t.send + t.wait + t.receive, 2);
      });
      if (c.version) expect(new Set(entries.map((e) => e.request.httpVersion))).toEqual(new Set([c.version]));
      if (c.keys) expect(entries.every((e) => e.request.url.startsWith('https://'))).toBe(true);
      // In capture order (the order of the event each exchange starts in; a merged capture's clock may jump).
      const starts = entries.map((e) => e._requestEvent ?? e._responseEvent ?? 0);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
    }, 120_000);
  }

  it('the seed case strace log: POST /api/asciicasts → 413, request body cut where the write failed', async () => {
    const seed = join(import.meta.dirname, '../fixtures/seed-413');
    const out = join(dir, 'seed.har');
    const r = await cli('har', join(seed, 'upload-413.strace'), '--keylog', join(seed, 'upload-413.keys'), '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/wrote 1 exchange to/);
    const har = JSON.parse(readFileSync(out, 'utf8')) as HarLog;
    expect(validate(har), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const [e] = har.log.entries;
    expect(e.request.method).toBe('POST');
    expect(e.request.url).toBe('https://127.0.0.1:18443/api/asciicasts');
    expect(e.response.status).toBe(413);
    expect(e.request.postData?.mimeType).toBe('application/json');
    // The client wrote fewer bytes than its Content-Length before EPIPE.
    const declared = Number(e.request.headers.find((h) => h.name.toLowerCase() === 'content-length')?.value);
    expect(e.request.bodySize).toBeLessThan(declared);
  }, 120_000);

  it('-f selects exchanges by a display filter', async () => {
    const file = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
    const all = await harOf(file);
    const some = await harOf(file, '-f', 'http.request.uri contains "big"');
    expect(all.log.entries.length).toBe(2);
    expect(some.log.entries.map((e) => e.request.url)).toEqual(['http://127.0.0.1:8080/big.txt']);
    expect(some.log.entries[0].response.content.size).toBe(220000);
  }, 60_000);

  it('URLs, queries, cookies and binary bodies as HAR 1.2 has them', () => {
    const row = { stream: 'tls:tcp:0', version: 'HTTP/1.1', host: 'a.test', uri: '/p?x=1&y=a%20b&z' } as Parameters<typeof requestUrl>[0];
    expect(requestUrl(row)).toBe('https://a.test/p?x=1&y=a%20b&z');
    expect(requestUrl({ ...row, stream: 'tcp:0' })).toBe('http://a.test/p?x=1&y=a%20b&z');
    expect(requestUrl({ ...row, uri: 'http://proxy.test/x' })).toBe('http://proxy.test/x');
    expect(queryString(row.uri)).toEqual([{ name: 'x', value: '1' }, { name: 'y', value: 'a b' }, { name: 'z', value: '' }]);
    expect(requestCookies([['Cookie', 'a=1; b=two']])).toEqual([{ name: 'a', value: '1' }, { name: 'b', value: 'two' }]);
    expect(responseCookies([['Set-Cookie', 'sid=xyz; Path=/; HttpOnly']])).toEqual([{ name: 'sid', value: 'xyz' }]);
    expect(contentText(new TextEncoder().encode('héllo'))).toEqual({ text: 'héllo' });
    expect(contentText(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 1))).toEqual({ text: 'iVBORwAB', encoding: 'base64' });
  });
});
