/**
 * Whether an fd stream carries TLS is told from its first I/O events (as TCP streams are from
 * their first frames), not by dissecting the whole stream: a TLS filter over a 1 M-syscall
 * strace log of plain HTTP built every socket stream whole.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { straceLog } from '../../bench/shapes/gen-strace.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { fdStreamWork, listFdStreams } from '../../electron/engine/streams/fd-streams.ts';
import { startKind, tlsOfStream } from '../../electron/engine/tls/capture-tls.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-tls-peek-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fd stream start', () => {
  it('a long plain-HTTP socket is told not TLS from its first events', async () => {
    const path = join(dir, 'h.strace');
    straceLog(path, 10_000);
    const { capture, indexing } = await openCapture(path);
    await indexing;
    const socks = listFdStreams(capture).filter((s) => s.name.includes('->'));
    const long = socks.reduce((a, b) => (b.events > a.events ? b : a));
    expect(long.events).toBeGreaterThan(150);
    const before = fdStreamWork.read;
    expect(startKind(capture, long.id)).toEqual({ tls: false, h2c: false });
    expect(tlsOfStream(capture, long.id)).toBeNull();
    expect(fdStreamWork.read - before).toBeLessThanOrEqual(64);
    capture.close();
  });
});
