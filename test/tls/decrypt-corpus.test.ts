/**
 * The corpus's TLS captures decrypted with their key logs, under both crypto profiles (Node's
 * OpenSSL, and the BoringSSL profile of Electron without chacha20-poly1305 / AES-CCM), compared
 * with tshark 4.0.17's output in the oracles.
 */
import { describe, expect, it } from 'vitest';
import { captureHttp2Exchanges, tlsOfStream, tlsStreams, addCaptureKeylog } from '../../electron/engine/tls/capture-tls.ts';
import { cryptoProvider, type CryptoProfileName } from '../../electron/engine/tls/crypto.ts';
import { FOLLOW_FOOTER, formatAscii } from '../../electron/engine/streams/follow-format.ts';
import { CORPUS, fieldRows, openTls, oracleSection } from './helpers.ts';
import { recordList } from '../../electron/engine/tls/session.ts';

const latin1 = new TextDecoder('latin1');
const PROFILES: CryptoProfileName[] = ['node', 'boringssl'];

/** Decrypted application data of TCP stream n as [dir, event, text] per record. */
function plaintext(c: Awaited<ReturnType<typeof openTls>>, n: number): [number, number, string][] {
  const r = tlsOfStream(c, `tcp:${n}`);
  if (!r) throw new Error(`tcp:${n} is not TLS`);
  return r.stream.chunks.filter((x) => x.bytes.length > 0).map((x) => [x.dir, x.event, latin1.decode(x.bytes)]);
}

describe.each(PROFILES)('TLS decryption (%s profile)', (profile) => {
  it('profile hides chacha20-poly1305 from node:crypto under BoringSSL', () => {
    expect(cryptoProvider(profile).nodeChacha).toBe(profile === 'node');
  });

  it('illustrated TLS 1.3 (AES-256-GCM): ping / pong, handshake fields as tshark', async () => {
    const f = 'pcap/illustrated-tls13/capture.pcap';
    const c = await openTls(f, ['keys/illustrated-tls13/keylog.txt'], profile);
    expect(plaintext(c, 0)).toEqual([
      [0, 11, 'ping'],
      [1, 17, 'pong'],
    ]);
    const rows = fieldRows(c, ['frame.number', 'tls.handshake.type', 'tls.record.content_type'], () => true);
    const want = oracleSection(f, '-e tls.handshake.type -e tls.record.content_type');
    expect(rows.map((r) => r.replace(/\t+$/, ''))).toEqual(want.map((r) => r.replace(/\t+$/, '')));
    const s = tlsStreams(c)[0];
    expect(s).toMatchObject({ status: 'decrypted', suite: 'TLS_AES_256_GCM_SHA384', sni: 'example.ulfheim.net', version: 0x0304 });
  });

  it('illustrated TLS 1.2 (AES-128-CBC + HMAC-SHA1)', async () => {
    const c = await openTls('pcap/illustrated-tls12/capture.pcap', ['keys/illustrated-tls12/keylog.txt'], profile);
    expect(plaintext(c, 0)).toEqual([
      [0, 13, 'ping'],
      [1, 15, 'pong'],
    ]);
    expect(tlsOfStream(c, 'tcp:0')?.session.certificates[0]?.subject).toContain('CN=example.ulfheim.net');
  });

  it('tls13-rfc8446: HTTP/1.1 with 0-RTT early data, requests in the frames tshark shows', async () => {
    const c = await openTls('pcap/wireshark/tls13-rfc8446.pcap', ['keys/wireshark/tls13-rfc8446.keys'], profile);
    const reqs = [...plaintext(c, 0), ...plaintext(c, 1)].map(([dir, ev, t]) => `${ev}|${dir === 0 ? t.split(' ')[1] : t.split('\r\n\r\n')[1]}`);
    // Oracle: 5|/first, 6|body, 8|/early, 10|body, 12|/second, 13|body
    expect(reqs).toEqual([
      '5|/first',
      '6|Request for /first, version TLSv1.3, Early data: no\n',
      '8|/early',
      '10|Request for /early, version TLSv1.3, Early data: yes\n',
      '12|/second',
      '13|Request for /second, version TLSv1.3, Early data: yes\n',
    ]);
  });

  it('tls13-rfc8446 without the early secret: early data stays encrypted, the rest decrypts', async () => {
    const c = await openTls('pcap/wireshark/tls13-rfc8446.pcap', ['keys/wireshark/tls13-rfc8446-noearly.keys'], profile);
    const evs = plaintext(c, 1).map(([, ev]) => ev);
    expect(evs).toEqual([10, 12, 13]);
    expect(tlsOfStream(c, 'tcp:1')?.status).toBe('decrypted');
    expect(recordList(tlsOfStream(c, 'tcp:1')!).some((r) => r.error?.includes('CLIENT_EARLY_TRAFFIC_SECRET'))).toBe(true);
  });

  it('tls13-20-chacha20poly1305: draft-20 TLS 1.3 with ChaCha20-Poly1305', async () => {
    const f = 'pcap/wireshark/tls13-20-chacha20poly1305.pcap';
    const c = await openTls(f, ['keys/wireshark/tls13-20-chacha20poly1305.keys'], profile);
    const p = plaintext(c, 0);
    const want = oracleSection(f, 'follow,tls,ascii,0');
    // Oracle: "16" then "GET / HTTP/1.1" (request is 16 bytes), then the response of 2608 bytes.
    expect(p[0][2]).toBe('GET / HTTP/1.1\r\n');
    expect(want.some((l) => l.startsWith('GET / HTTP/1.1'))).toBe(true);
    const resp = p.filter(([d]) => d === 1).map(([, , t]) => t).join('');
    expect(resp.length).toBe(2608);
    expect(resp).toContain('New, TLSv1.3, Cipher is TLS13-CHACHA20-POLY1305-SHA256');
  });

  it('tls12-chacha20poly1305: all seven sessions decrypt', async () => {
    const f = 'pcap/wireshark/tls12-chacha20poly1305.pcap';
    const c = await openTls(f, ['keys/wireshark/tls12-chacha20poly1305.keys'], profile);
    const all = tlsStreams(c);
    expect(all).toHaveLength(7);
    for (const s of all) expect(s.status).toBe('decrypted');
    const p = plaintext(c, 0);
    expect(p[0][2]).toBe('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const resp = p.filter(([d]) => d === 1).map(([, , t]) => t).join('');
    expect(resp.length).toBe(4240);
  });

  it('tls12-aes256gcm (PSK, no key log): reported as no key, handshake still decoded', async () => {
    const c = await openTls('pcap/wireshark/tls12-aes256gcm.pcap', [], profile);
    const s = tlsStreams(c)[0];
    expect(s).toMatchObject({ status: 'no-key', suite: 'TLS_PSK_WITH_AES_256_GCM_SHA384', sni: 'localhost' });
  });

  it('tls12-aes256gcm with its pre-shared key (tls.psk): follow,tls,ascii equals the oracle', async () => {
    const c = await openTls('pcap/wireshark/tls12-aes256gcm.pcap', [], profile);
    expect(addCaptureKeylog(c, { psk: 'ca19e028a8a372ad2d325f950fcaceed' }).errors).toEqual([]);
    expect(tlsStreams(c)[0]).toMatchObject({ status: 'decrypted', suite: 'TLS_PSK_WITH_AES_256_GCM_SHA384' });
    const r = tlsOfStream(c, 'tcp:0');
    if (!r) throw new Error('tcp:0 is not TLS');
    // The oracle's body: from the line after "Node 1:" to the closing rule.
    const want = oracleSection('pcap/wireshark/tls12-aes256gcm.pcap', 'with PSK');
    const body = want.slice(want.findIndex((l) => l.startsWith('Node 1:')) + 1);
    const ours = (formatAscii(r.stream.chunks) + FOLLOW_FOOTER).split('\n').filter((l) => l !== '');
    expect(ours).toEqual(body);
    expect(addCaptureKeylog(c, { psk: 'not hex' }).errors[0].message).toMatch(/1 to 64 bytes of hex/);
  });

  it('tls12-dsb: keys from Decryption Secrets Blocks, HEAD requests at tshark frames', async () => {
    const f = 'pcapng/wireshark/tls12-dsb.pcapng';
    const c = await openTls(f, [], profile);
    const lines = [0, 1].flatMap((n) => plaintext(c, n)).map(([, ev, t]) => `${ev} ${t.split('\r\n')[0]} ${/Host: (\S+)/.exec(t)?.[1] ?? ''}`.trim());
    expect(lines).toEqual(['6 HEAD / HTTP/1.1 example.com', '7 HTTP/1.1 200 OK', '14 HEAD / HTTP/1.1 example.net', '15 HTTP/1.1 200 OK']);
  });

  it('generated TLS 1.3 + HTTP/1.1 and TLS 1.2 + HTTP/1.1: requests in tshark frames', async () => {
    const a = await openTls('pcap/generated/gen-tls13-http11-nsec.pcap', ['keys/generated/gen-tls13-http11.keys'], profile);
    expect(plaintext(a, 0).filter(([d]) => d === 0).map(([, ev, t]) => `${ev} ${t.split('\r\n')[0]}`)).toEqual(['9 GET / HTTP/1.1', '12 GET /gzip HTTP/1.1', '15 POST /echo HTTP/1.1']);
    const b = await openTls('pcapng/generated/gen-tls12-http11.pcapng', ['keys/generated/gen-tls12-http11.keys'], profile);
    expect(plaintext(b, 0).filter(([d]) => d === 0).map(([, ev, t]) => `${ev} ${t.split('\r\n')[0]}`)).toEqual(['10 GET / HTTP/1.1', '12 GET /big HTTP/1.1']);
  });

  for (const [f, keys] of [
    ['pcap/generated/gen-tls12-h2.pcap', ['keys/generated/gen-tls12-h2.keys']],
    ['pcapng/generated/gen-tls13-h2.pcapng', ['keys/generated/gen-tls13-h2.keys']],
    ['pcapng/generated/gen-tls13-h2-dsb.pcapng', []],
    ['pcapng/generated/gen-strace-curl-tls13-h2.pcapng', ['keys/generated/gen-strace-curl-tls13-h2.keys']],
    ['pcap/wireshark/http2-data-reassembly.pcap', ['keys/wireshark/http2-data-reassembly.keys']],
  ] as const) {
    it(`${f}: HTTP/2 HEADERS fields equal tshark's`, async () => {
      const c = await openTls(f, [...keys], profile);
      const fields = ['frame.number', 'tcp.stream', 'http2.streamid', 'http2.headers.method', 'http2.headers.path', 'http2.headers.status'];
      const rows = fieldRows(c, [...fields, 'http2.type'], (v) => v[6].includes('1')).map((r) => r.split('\t').slice(0, 6).join('\t'));
      const want = oracleSection(f, '-Y http2.type==1 -T fields');
      expect(rows).toEqual(want);
    });
  }

  it('gen-tls13-h2: DATA bytes per stream and gzip body decoded', async () => {
    const c = await openTls('pcapng/generated/gen-tls13-h2.pcapng', ['keys/generated/gen-tls13-h2.keys'], profile);
    const ex = captureHttp2Exchanges(c);
    // Oracle: stream 1 DATA bytes 16, 3: 220000, 5: 10478
    expect(ex.map((e) => [e.streamId, e.request?.method, e.request?.uri, e.response?.status, e.response?.rawBody?.length])).toEqual([
      [1, 'GET', '/', 200, 16],
      [3, 'GET', '/big', 200, 220000],
      [5, 'GET', '/gzip', 200, 10478],
    ]);
    const gz = ex[2].response;
    expect(gz?.contentEncoding).toBe('gzip');
    expect(latin1.decode(gz?.body).startsWith('line 00000 the quick brown fox')).toBe(true);
  });

  it('http2-data-reassembly: the PNG body reassembled from many DATA frames', async () => {
    const c = await openTls('pcap/wireshark/http2-data-reassembly.pcap', ['keys/wireshark/http2-data-reassembly.keys'], profile);
    const [e] = captureHttp2Exchanges(c);
    const body = e.response?.rawBody ?? new Uint8Array(0);
    expect(latin1.decode(body.subarray(1, 4))).toBe('PNG');
    expect(latin1.decode(body.subarray(body.length - 8, body.length - 4))).toBe('IEND');
    expect(e.response?.contentType).toBe('image/png');
  });

  it('keys added to an open capture decrypt without reopening; a wrong key is an authentication failure', async () => {
    const c = await openTls('pcap/illustrated-tls13/capture.pcap', [], profile);
    expect(tlsStreams(c)[0].status).toBe('no-key');
    const good = (await import('node:fs')).readFileSync(`${CORPUS}/keys/illustrated-tls13/keylog.txt`, 'utf8');
    // Flip one hex digit of the server application secret: its records must fail authentication.
    const bad = good.replace(/^(SERVER_TRAFFIC_SECRET_0 \S+ )(.)/m, (_, a: string, ch: string) => a + (ch === '0' ? '1' : '0'));
    addCaptureKeylog(c, { text: bad });
    const s = tlsStreams(c)[0];
    expect(s.status).toBe('auth-failed');
    // Frame 13 carries the server's first record under that secret (a NewSessionTicket).
    expect(s.failedEvent).toBe(13);
    addCaptureKeylog(c, { text: good });
    expect(tlsStreams(c)[0].status).toBe('decrypted');
    expect(plaintext(c, 0).map(([, , t]) => t)).toEqual(['ping', 'pong']);
  });
});

