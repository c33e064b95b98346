/**
 * `list --follow` with http.* fields and filters: the HTTP scan reads on as the file grows, so
 * each request and response prints within 1 s of the bytes that complete it being written, with
 * the same fields and columns as `list` prints for the finished file (itself checked against
 * tshark by the goldens).
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run.ts';
import { takeInterrupt } from '../../electron/cli/interrupt.ts';
import { CORPUS } from '../engine/corpus.ts';
import { cli } from './run-cli.ts';
import { pcapRecords, timedSink } from './growing-capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'tl-follow-http-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** curl GETs /index.html and /big.txt (220 kB over 64 KB segments) from python http.server. */
const PCAP = join(CORPUS, 'pcap/generated/gen-http11-plain.pcap');
/** The same kind of exchange seen by strace -f -tt -T -yy -s65535 -xx. */
const STRACE = join(CORPUS, 'strace/generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt');



const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const t = performance.now();
  while (!cond() && performance.now() - t < ms) await sleep(10);
}

const FIELDS = ['-e', 'frame.number', '-e', 'http.request.method', '-e', 'http.request.uri', '-e', 'http.response.code', '-e', 'http.content_length'];

describe('list --follow with HTTP', () => {
  it('a pcap being written: -f http prints each request and response within 1 s of its last packet, as list prints the finished file', async () => {
    const want = (await cli('list', PCAP, '-f', 'http', ...FIELDS)).out.trim().split('\n');
    expect(want.length).toBe(4);
    const { header, records } = pcapRecords(PCAP);
    const file = join(dir, 'growing.pcap');
    const fd = openSync(file, 'w');
    writeSync(fd, header);
    const out = timedSink();
    const err = timedSink();
    const run = runCli(['list', file, '--follow', '--stop-after', '60', '-f', 'http', ...FIELDS], out.stream, err.stream);
    // Let the engine start on the header alone (nothing matches yet).
    await sleep(1500);
    const written: number[] = [];
    for (let k = 0; k < records.length; k++) {
      writeSync(fd, records[k]);
      written[k + 1] = performance.now();
      await sleep(40);
    }
    await waitFor(() => out.lines.length >= want.length, 10_000);
    closeSync(fd);
    takeInterrupt();
    expect(await run).toBe(0);
    expect(out.lines.map((l) => l.text)).toEqual(want);
    const late = out.lines.map((l) => l.at - written[Number(l.text.split('\t')[0])]);
    expect(Math.max(...late)).toBeLessThan(1000);
    expect(err.lines.map((l) => l.text)).toEqual([]);
  }, 120_000);

  it('the default columns while following: Protocol HTTP and tshark\'s Info, as for the finished file', async () => {
    const want = (await cli('list', PCAP, '-f', 'http')).out;
    const { header, records } = pcapRecords(PCAP);
    const file = join(dir, 'columns.pcap');
    const fd = openSync(file, 'w');
    writeSync(fd, header);
    const out = timedSink();
    const err = timedSink();
    const run = runCli(['list', file, '--follow', '--stop-after', '60', '-f', 'http'], out.stream, err.stream);
    for (const r of records) {
      writeSync(fd, r);
      await sleep(20);
    }
    await waitFor(() => out.lines.length >= 4, 10_000);
    closeSync(fd);
    takeInterrupt();
    expect(await run).toBe(0);
    expect(out.lines.map((l) => `${l.text}\n`).join('')).toBe(want);
    expect(want).toMatch(/\tHTTP\t\d+\tGET \/index\.html HTTP\/1\.1/);
  }, 120_000);

  it('a growing strace log: the request prints within 1 s of its sendto line, the response of its recvfrom line', async () => {
    const want = (await cli('list', STRACE, '-f', 'http', '-e', 'evt.num', '-e', 'http.request.uri', '-e', 'http.response.code')).out.trim().split('\n');
    expect(want.length).toBe(2);
    const lines = readFileSync(STRACE, 'utf8').split('\n').filter((l) => l !== '').map((l) => `${l}\n`);
    // "GET " and "HTTP" as strace -xx prints the buffers.
    const req = lines.findIndex((l) => /sendto\(.*"\\x47\\x45\\x54\\x20/.test(l));
    const resp = lines.findIndex((l) => /recvfrom\(.*"\\x48\\x54\\x54\\x50/.test(l));
    expect(req).toBeGreaterThan(0);
    expect(resp).toBeGreaterThan(req);
    const file = join(dir, 'growing.strace');
    const fd = openSync(file, 'w');
    const out = timedSink();
    const err = timedSink();
    const run = runCli(['list', file, '--follow', '--stop-after', '60', '-f', 'http', '-e', 'evt.num', '-e', 'http.request.uri', '-e', 'http.response.code'], out.stream, err.stream);
    writeSync(fd, lines.slice(0, req).join(''));
    await sleep(1500);
    expect(out.lines).toEqual([]);
    const waits: number[] = [];
    for (const [from, to] of [[req, req + 1], [req + 1, resp + 1]]) {
      writeSync(fd, lines.slice(from, to).join(''));
      const t = performance.now();
      const n = out.lines.length;
      await waitFor(() => out.lines.length > n, 5000);
      waits.push(performance.now() - t);
    }
    writeSync(fd, lines.slice(resp + 1).join(''));
    await sleep(300);
    closeSync(fd);
    takeInterrupt();
    expect(await run).toBe(0);
    expect(out.lines.map((l) => l.text)).toEqual(want);
    expect(Math.max(...waits)).toBeLessThan(1000);
    expect(err.lines.map((l) => l.text)).toEqual([]);
  }, 120_000);
});

describe('a followed TLS capture, once it stops growing', () => {
  it('decrypts every exchange, however much of it the layers had seen while it grew', async () => {
    const { openCaptures } = await import('../../electron/engine/open-capture.ts');
    const { openSession, scanHttpNow } = await import('../../electron/engine/layers/session.ts');
    const { addCaptureKeylog } = await import('../../electron/engine/tls/capture-tls.ts');
    const { exchangeRefs } = await import('../../electron/engine/layers/http-layer.ts');
    const { tailPage } = await import('../../electron/engine/host/tail.ts');
    const tlsPcap = join(CORPUS, 'pcap/generated/gen-tls13-http11-nsec.pcap');
    const keys = join(CORPUS, 'keys/generated/gen-tls13-http11.keys');
    const count = async (path: string, grow: boolean): Promise<number> => {
      const stop = new AbortController();
      const { header, records } = pcapRecords(tlsPcap);
      const file = join(dir, `tls-${grow}.pcap`);
      const fd = openSync(file, 'w');
      writeSync(fd, header);
      const { capture, indexing } = await openCaptures([grow ? file : path], { follow: grow ? { stop: stop.signal, pollMs: 5 } : undefined });
      const session = openSession(capture);
      addCaptureKeylog(session.base, { path: keys });
      let after = 0;
      if (grow) {
        // The rows of each half while it is the end of the file (the TLS layer sees half a stream).
        for (const part of [records.slice(0, records.length >> 1), records.slice(records.length >> 1)]) {
          for (const r of part) writeSync(fd, r);
          await sleep(100);
          after = (await tailPage(session.capture, session, { after, count: 1000 }, 0)).tested;
        }
        stop.abort();
      }
      await indexing;
      closeSync(fd);
      const n = exchangeRefs(scanHttpNow(session)).length;
      capture.close();
      return n;
    };
    const want = await count(tlsPcap, false);
    expect(want).toBe(3);
    expect(await count(tlsPcap, true)).toBe(want);
  }, 60_000);
});
