/**
 * The live hold (layers/http-live-tls.ts HOLD_MS): while a capture is followed, a TLS stream whose
 * plaintext is not all read (a record still being written, keys not in the followed key log yet)
 * holds back the events after it, so a live set or tail waits for what would make them HTTP. A
 * hostile stream (a record whose end never comes, a session whose keys never come) holds at
 * most 3 s, each look costs no new decryption while nothing grew, and once following ends
 * nothing is held. `now` is injected: the test counts looks, not wall time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDecodeBudget } from '../../electron/engine/http/content-coding.ts';
import { createHttpIndex } from '../../electron/engine/layers/http-index.ts';
import { createLiveTls, followTls, HOLD_MS, liveTlsWork } from '../../electron/engine/layers/http-live-tls.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { tcpPcap, type Turn } from './pcap.ts';
import { helloCases, helloTurns } from './tls-hello-gen.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracelens-live-hold-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('live hold of a TLS stream that never completes', () => {
  it('holds the events after it at most HOLD_MS, decrypts nothing again per look, holds nothing once following ends', async () => {
    const [good] = helloCases();
    // The client's last record says 2000 bytes and has 100: its end is never written.
    const cut: Turn = { dir: 0, bytes: Uint8Array.from([23, 3, 3, 0x07, 0xd0, ...new Array<number>(100).fill(0x44)]) };
    const turns = [...helloTurns(good).slice(0, 2), cut];
    const path = join(dir, 'held.pcap');
    writeFileSync(path, tcpPcap([turns]));
    const stop = new AbortController();
    const { capture, indexing } = await openCapture(path, { follow: { stop: stop.signal, pollMs: 20 } });
    // 3 handshake frames, the 3 flights, 2 FINs.
    for (let i = 0; i < 500 && capture.count() < 8; i++) await sleep(10);
    expect(capture.count()).toBe(8);
    expect(capture.info().done).toBe(false);
    // A key log is followed (a trace's SSLKEYLOGFILE): streams without keys wait for theirs.
    const live = createLiveTls(createHttpIndex(16));
    live.keysExpected = true;
    const look = (t: number): number => followTls(capture, live, [{ id: 'tcp:0', kind: 'tls' }], () => {}, createDecodeBudget(), () => t);
    liveTlsWork.builds = 0;
    const held = look(1000);
    // Known up to the event before the first record that did not decrypt (the server's flight, frame 5).
    expect(held).toBe(4);
    for (let t = 1000; t < 1000 + HOLD_MS; t += 250) expect(look(t), `at ${t} ms`).toBe(held);
    // One decryption however often it is looked at while nothing grew.
    expect(liveTlsWork.builds).toBe(1);
    // HOLD_MS after the hold began: it holds nothing, and goes on holding nothing.
    expect(look(1000 + HOLD_MS)).toBe(Infinity);
    expect(look(1000 + 10 * HOLD_MS)).toBe(Infinity);
    expect(liveTlsWork.builds).toBe(1);
    stop.abort();
    await indexing;
    expect(capture.info().done).toBe(true);
    // Following ended: nothing more will complete a record, nothing is held (a fresh stream state too).
    const after = createLiveTls(createHttpIndex(16));
    after.keysExpected = true;
    expect(followTls(capture, after, [{ id: 'tcp:0', kind: 'tls' }], () => {}, createDecodeBudget(), () => 0)).toBe(Infinity);
    capture.close();
  }, 60_000);
});
