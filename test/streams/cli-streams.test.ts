/** CLI follow / http / export-objects through the real engine worker. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../electron/cli/args.ts';
import { runCli } from '../../electron/cli/run.ts';
import { objectFileName, objectNames } from '../../electron/cli/streams-cli.ts';
import { CORPUS } from '../engine/corpus.ts';

const C = CORPUS;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const parts: [string[], string[]] = [[], []];
  const mk = (k: 0 | 1) => new Writable({ write(chunk, _e, cb) { parts[k].push(String(chunk)); cb(); } });
  const code = await runCli(argv, mk(0), mk(1));
  return { code, out: parts[0].join(''), err: parts[1].join('') };
}

/** Per direction bytes of tshark's raw follow golden for stream 0. */
function goldenDirections(name: string): [string, string] {
  const text = readFileSync(join(import.meta.dirname, 'golden', 'follow', `${name}.txt`), 'latin1');
  const body = text.split('Node 1: ')[1].split('\n').slice(1);
  let a = '';
  let b = '';
  for (const l of body) {
    if (l.startsWith('=====')) break;
    if (l.startsWith('\t')) b += l.slice(1);
    else a += l;
  }
  return [a, b];
}

describe('follow --as raw', () => {
  for (const f of ['pcap/wireshark/tcp-badsegments.pcap', 'pcap/wireshark/http-ooo.pcap', 'pcap/wireshark/retrans-tls.pcap', 'pcapng/wireshark/challenge01_ooo_stream.pcapng.gz']) {
    it(`${f}: same bytes per direction as tshark`, async () => {
      const r = await cli('follow', `${C}/${f}`, '--stream', 'tcp:0', '--as', 'raw');
      expect(r.code).toBe(0);
      let a = '';
      let b = '';
      for (const l of r.out.split('\n')) {
        if (l.startsWith('> ')) a += l.slice(2);
        else if (l.startsWith('< ')) b += l.slice(2);
        else expect(l).toBe('');
      }
      expect([a, b]).toEqual(goldenDirections(f.replaceAll('/', '__')));
    }, 60_000);
  }

  it('--event picks the stream of that frame; ascii has tshark\'s header', async () => {
    const r = await cli('follow', `${C}/pcap/wireshark/http.pcap`, '--event', '1');
    expect(r.out).toContain('Follow: tcp,ascii\nFilter: tcp.stream eq 0\nNode 0: 10.0.0.5:3267\nNode 1: 207.46.134.94:80\n153\nHEAD /v4/iuident.cab?0307011208 HTTP/1.1\r\n');
  }, 60_000);

  it('usage errors', () => {
    expect(() => parseCliArgs(['follow', 'x.pcap'])).toThrow(/exactly one of --stream or --event/);
    expect(() => parseCliArgs(['follow', 'x.pcap', '--stream', 'foo:1'])).toThrow(/--stream must be/);
    expect(() => parseCliArgs(['follow', 'x.pcap', '--stream', 'tcp:1', '--as', 'pdf'])).toThrow(/--as must be/);
    expect(() => parseCliArgs(['export-objects', 'x.pcap'])).toThrow(/--out/);
  });
});

describe('http', () => {
  it('jsonl: one object per exchange with the contract keys', async () => {
    const r = await cli('http', `${C}/pcap/generated/gen-http11-plain.pcap`);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toEqual([
      { request: 4, response: 6, stream: 'tcp:0', version: 'HTTP/1.1', method: 'GET', host: '127.0.0.1:8080', uri: '/index.html', status: 200, requestBodyBytes: 0, responseBodyBytes: 30, contentType: 'text/html' },
      { request: 16, response: 18, stream: 'tcp:1', version: 'HTTP/1.1', method: 'GET', host: '127.0.0.1:8080', uri: '/big.txt', status: 200, requestBodyBytes: 0, responseBodyBytes: 220000, contentType: 'text/plain' },
    ]);
  }, 60_000);

  it('-f filters exchanges with the display filter language; brotli bodies count decoded', async () => {
    const r = await cli('http', `${C}/pcap/generated/gen-http11-plain.pcap`, '-f', 'http.request.uri contains "big"');
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const b = await cli('http', `${C}/pcapng/wireshark/http-brotli.pcapng`);
    const row = JSON.parse(b.out);
    expect(row.status).toBe(200);
    expect(row.responseBodyBytes).toBeGreaterThan(52);
  }, 60_000);

  it('strace logs give their exchanges; -s 32 ones are marked truncated', async () => {
    const r = await cli('http', `${C}/strace/generated/strace-curl-network.f-r-e-network.txt`);
    const row = JSON.parse(r.out);
    expect(row).toMatchObject({ method: 'GET', uri: '/index.html', status: 200, truncated: true });
    expect(row.stream).toMatch(/^fd:12291:5:\d+$/);
  }, 60_000);
});

describe('export-objects', () => {
  it('writes each decoded response body under a Wireshark-like name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streams-eo-'));
    const r = await cli('export-objects', `${C}/pcap/generated/gen-http11-plain.pcap`, '--out', dir);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['big.txt', 'index.html']);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toBe('hello from python http.server\n');
  }, 60_000);
  it('names: last path segment, no query, duplicates numbered', () => {
    const used = objectNames();
    expect(objectFileName('/a/b/c.json?x=1', used)).toBe('c.json');
    expect(objectFileName('/c.json', used)).toBe('c(1).json');
    expect(objectFileName('/', used)).toBe('index');
    expect(objectFileName('/../etc', used)).toBe('etc');
  });
});
