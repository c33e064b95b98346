import { describe, expect, it } from 'vitest';
import { captureHttp2Exchanges, exportCaptureKeylog, tlsStreams } from '../../electron/engine/tls/capture-tls.ts';
import { addKeylogText, createKeyStore, exportKeylog } from '../../electron/engine/tls/keylog.ts';
import { openTls } from './helpers.ts';
import { exchangeHost } from '../../electron/engine/http/exchange.ts';

const R = 'ab'.repeat(32);

describe('NSS key log', () => {
  it('reads every label, ignores comments and blank lines, reports malformed lines by number', () => {
    const ks = createKeyStore();
    const text = [
      '# comment',
      '',
      `CLIENT_RANDOM ${R} ${'11'.repeat(48)}`,
      `CLIENT_EARLY_TRAFFIC_SECRET ${R} ${'22'.repeat(32)}`,
      `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${R} ${'33'.repeat(32)}`,
      `SERVER_HANDSHAKE_TRAFFIC_SECRET ${R} ${'44'.repeat(32)}`,
      `CLIENT_TRAFFIC_SECRET_0 ${R} ${'55'.repeat(48)}`,
      `SERVER_TRAFFIC_SECRET_0 ${R} ${'66'.repeat(48)}`,
      `SERVER_TRAFFIC_SECRET_1 ${R} ${'67'.repeat(48)}`,
      `EXPORTER_SECRET ${R} ${'77'.repeat(32)}`,
      'CLIENT_RANDOM abc',
      `CLIENT_RANDOM ${R} zz`,
      `BOGUS_LABEL ${R} ${'11'.repeat(32)}`,
      `CLIENT_RANDOM ${'ab'.repeat(8)} ${'11'.repeat(48)}`,
    ].join('\n');
    const r = addKeylogText(ks, text);
    expect(r.lines).toBe(8);
    expect(r.added).toBe(8);
    expect(r.errors.map((e) => e.line)).toEqual([11, 12, 13, 14]);
    expect(r.errors[2].message).toContain('unknown label BOGUS_LABEL');
    const s = ks.byRandom.get(R);
    expect(s?.master?.length).toBe(48);
    expect(s?.serverTraffic.length).toBe(2);
    // Export round-trips; adding the same again adds nothing and keeps the generation.
    const gen = ks.generation;
    const again = addKeylogText(ks, exportKeylog(ks));
    expect(again.added).toBe(0);
    expect(ks.generation).toBe(gen);
  });

  it('exports the secrets embedded in pcapng Decryption Secrets Blocks', async () => {
    const c = await openTls('pcapng/generated/gen-tls13-h2-dsb.pcapng', [], 'node');
    const text = exportCaptureKeylog(c);
    expect(text.split('\n').filter(Boolean)).toHaveLength(5);
    expect(text).toMatch(/^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]{96}$/m);
  });
});

describe.each(['node', 'boringssl'] as const)('TLS on syscall fd streams (%s profile)', (profile) => {
  it('strace -s 256 log gives the same HTTP/2 exchanges as its pcapng twin, missing bytes reported', async () => {
    const st = await openTls('strace/generated/strace-curl-tls13-h2.f-ttt-T-yy-s256-x.txt', ['keys/generated/gen-strace-curl-tls13-h2.keys'], profile);
    const pc = await openTls('pcapng/generated/gen-strace-curl-tls13-h2.pcapng', ['keys/generated/gen-strace-curl-tls13-h2.keys'], profile);
    const shape = (xs: ReturnType<typeof captureHttp2Exchanges>): unknown[] =>
      xs.map((e) => ({ v: e.request?.version, id: e.streamId, m: e.request?.method, u: e.request?.uri, a: exchangeHost(e), s: e.response?.status, ct: e.response?.contentType }));
    const fromStrace = captureHttp2Exchanges(st);
    const fromPcap = captureHttp2Exchanges(pc);
    expect(shape(fromStrace)).toEqual(shape(fromPcap));
    expect(shape(fromPcap)).toEqual([{ v: 'HTTP/2', id: 1, m: 'GET', u: '/big', a: 'localhost:8443', s: 200, ct: 'text/plain' }]);
    // -s 256 keeps the first 256 bytes of each read: the body is mostly missing, and says so.
    expect(fromPcap[0].response?.rawBody?.length).toBe(220000);
    expect(fromStrace[0].response?.missing).toBeGreaterThan(0);
    const s = tlsStreams(st);
    expect(s).toHaveLength(1);
    expect(s[0].status).toBe('decrypted');
    expect(s[0].statusText).toMatch(/partly captured records decrypted without authentication/);
  });
});
