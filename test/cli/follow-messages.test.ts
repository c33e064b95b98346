/**
 * follow's messages: a note about the stream (an HTTP/2 reset) is part of the text output, not
 * an error on stderr; an fd stream of a syscall capture is headed as one.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../engine/corpus.ts';
import { cli } from './run-cli.ts';

describe('follow messages', () => {
  it('an HTTP/2 stream reset is a note at the end of the output, exit 0, nothing on stderr', async () => {
    const r = await cli('follow', join(CORPUS, 'pcapng/generated/gen-tls13-h2.pcapng'), '--keylog', join(CORPUS, 'keys/generated/gen-tls13-h2.keys'), '--stream', 'h2:tcp:0:1');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/\nNote: event \d+: stream 1 reset by the client \(STREAM_CLOSED\)\n=+\n$/);
    // raw keeps its one-line-per-chunk shape: the note goes to stderr, marked as a note.
    const raw = await cli('follow', join(CORPUS, 'pcapng/generated/gen-tls13-h2.pcapng'), '--keylog', join(CORPUS, 'keys/generated/gen-tls13-h2.keys'), '--stream', 'h2:tcp:0:1', '--as', 'raw');
    expect(raw.code).toBe(0);
    expect(raw.err).toMatch(/^tracelens: note: h2:tcp:0:1: event \d+: stream 1 reset by the client/);
    expect(raw.out.split('\n').filter(Boolean).every((l) => /^[<>] [0-9a-f]*$/.test(l))).toBe(true);
  }, 60_000);

  it('an fd stream is headed "Follow: fd,ascii"', async () => {
    const file = join(CORPUS, 'strace/generated/strace-curl-http11-plain.f-tt-T-yy-s65535-xx.txt');
    const h = await cli('http', file);
    const stream = (JSON.parse(h.out.split('\n')[0]) as { stream: string }).stream;
    expect(stream).toMatch(/^fd:/);
    const r = await cli('follow', file, '--stream', stream);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\n=+\nFollow: fd,ascii\nFilter: /);
  }, 60_000);
});
