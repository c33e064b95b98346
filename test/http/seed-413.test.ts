/**
 * The seed case (an upload answered 413 while its body is still being sent) on a capture recorded for it (test/fixtures/seed-413/README.md):
 * the pcap with the key log and the strace log of the same run with the same key log both give
 * `POST /api/asciicasts → 413`; follow tls shows it; the write that failed with EPIPE is found.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run.ts';

const DIR = join(import.meta.dirname, '../fixtures/seed-413');
const PCAP = join(DIR, 'upload-413.pcap');
const STRACE = join(DIR, 'upload-413.strace');
const KEYS = join(DIR, 'upload-413.keys');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const parts: [string[], string[]] = [[], []];
  const mk = (k: 0 | 1) => new Writable({ write(chunk, _e, cb) { parts[k].push(String(chunk)); cb(); } });
  const code = await runCli(argv, mk(0), mk(1));
  return { code, out: parts[0].join(''), err: parts[1].join('') };
}

const jsonl = (s: string): Record<string, unknown>[] => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const key = (r: Record<string, unknown>): unknown[] => [r.version, r.method, r.host, r.uri, r.status, r.contentType, r.responseBodyBytes];

describe('seed case: early 413 while the request body is still being sent', () => {
  it('pcap + key log: POST /api/asciicasts → 413, response at tshark\'s frame; the request body marked unfinished', async () => {
    const r = await cli('http', PCAP, '--keylog', KEYS);
    expect(r.code).toBe(0);
    const rows = jsonl(r.out);
    expect(rows.map(key)).toEqual([['HTTP/1.1', 'POST', '127.0.0.1:18443', '/api/asciicasts', 413, 'text/html', 176]]);
    // tshark -o tls.keylog_file: -Y http: frame 14, http.response.code 413.
    expect(rows[0]).toMatchObject({ request: 10, response: 14, stream: 'tls:tcp:0', incomplete: true });
    expect(rows[0].requestBodyBytes as number).toBeLessThan(2 * 1024 * 1024);
    const f = await cli('list', PCAP, '--keylog', KEYS, '-f', 'http.response.code == 413', '-e', 'frame.number', '-e', 'http.response.phrase');
    expect(f.out).toBe('14\tRequest Entity Too Large\n');
  }, 60_000);

  it('strace log + the same key log: the same exchange, decrypted from the write()/read() buffers', async () => {
    const a = jsonl((await cli('http', PCAP, '--keylog', KEYS)).out);
    const r = await cli('http', STRACE, '--keylog', KEYS);
    expect(r.code).toBe(0);
    const b = jsonl(r.out);
    expect(b.map(key)).toEqual(a.map(key));
    expect(b[0].stream).toMatch(/^tls:fd:\d+:4:\d+$/);
  }, 60_000);

  it('follow tls shows the request head and the 413 answer', async () => {
    const r = await cli('follow', PCAP, '--stream', 'tls:0', '--keylog', KEYS, '--as', 'ascii');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Follow: tls,ascii');
    expect(r.out).toContain('POST /api/asciicasts HTTP/1.1');
    expect(r.out).toContain('HTTP/1.1 413 Request Entity Too Large');
  }, 60_000);

  it('the strace log\'s write that failed with EPIPE: evt.res == "EPIPE"', async () => {
    const r = await cli('list', STRACE, '-f', 'evt.res == "EPIPE"', '-e', 'evt.type', '-e', 'fd.name', '-e', 'evt.res');
    expect(r.code).toBe(0);
    expect(r.out).toBe('write\t127.0.0.1:56714->127.0.0.1:18443\tEPIPE\n');
  }, 60_000);
});
