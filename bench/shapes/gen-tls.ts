/**
 * (e) TLS 1.3 keep-alive: the connections of shape (a) carried in real TLS_AES_128_GCM_SHA256
 * records (RFC 8446 §5.2) sealed with node:crypto under chosen traffic secrets, and the NSS key
 * log that names those secrets. The handshake messages are well-formed but not a real key
 * exchange (nothing here verifies a Finished or a signature): a decryptor needs only the secrets.
 */
import { createCipheriv, createHmac } from 'node:crypto';
import { rng } from '../make-pcap.ts';
import { clientIp, responseHead, SERVER } from './gen-http.ts';
import { ACK, close, enc, filler, handshake, interleave, PSH, segment, tcpConn, tick, type Net, type TcpConn } from './net.ts';

/** HKDF-Expand (RFC 5869 §2.3) with SHA-256, for at most one block (32 bytes). */
function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return new Uint8Array(createHmac('sha256', prk).update(info).update(Uint8Array.of(1)).digest()).subarray(0, length);
}

/** HKDF-Expand-Label with an empty context (RFC 8446 §7.1). */
function expandLabel(secret: Uint8Array, label: string, length: number): Uint8Array {
  const l = enc.encode(`tls13 ${label}`);
  return hkdfExpand(secret, Uint8Array.of(length >> 8, length & 255, l.length, ...l, 0), length);
}

interface Direction {
  key: Uint8Array;
  iv: Uint8Array;
  seq: number;
}

/** Traffic key and IV of a secret (RFC 8446 §7.3). */
function direction(secret: Uint8Array): Direction {
  return { key: expandLabel(secret, 'key', 16), iv: expandLabel(secret, 'iv', 12), seq: 0 };
}

/** One TLSCiphertext record: inner plaintext = content ‖ type (§5.2), nonce = iv ⊕ seq (§5.3). */
function seal(d: Direction, type: number, content: Uint8Array): Uint8Array {
  const nonce = Uint8Array.from(d.iv);
  let s = d.seq++;
  for (let i = 11; i >= 4 && s > 0; i--) {
    nonce[i] ^= s & 255;
    s = Math.floor(s / 256);
  }
  const len = content.length + 1 + 16;
  const header = Uint8Array.of(23, 3, 3, len >> 8, len & 255);
  const c = createCipheriv('aes-128-gcm', d.key, nonce);
  c.setAAD(header);
  const body = Buffer.concat([c.update(content), c.update(Uint8Array.of(type)), c.final(), c.getAuthTag()]);
  const out = new Uint8Array(5 + body.length);
  out.set(header);
  out.set(body, 5);
  return out;
}

function plainRecord(type: number, body: Uint8Array): Uint8Array {
  return Uint8Array.of(type, 3, 3, body.length >> 8, body.length & 255, ...body);
}

function handshakeMsg(type: number, body: number[]): number[] {
  return [type, (body.length >> 16) & 255, (body.length >> 8) & 255, body.length & 255, ...body];
}

function ext(type: number, body: number[]): number[] {
  return [type >> 8, type & 255, body.length >> 8, body.length & 255, ...body];
}

function vec16(body: number[]): number[] {
  return [body.length >> 8, body.length & 255, ...body];
}

function bytes(rnd: () => number, n: number): number[] {
  return Array.from({ length: n }, () => Math.floor(rnd() * 256));
}

const hex = (b: Uint8Array | number[]): string => Buffer.from(b).toString('hex');

function alpn(): number[] {
  const p = [...enc.encode('http/1.1')];
  return ext(16, vec16([p.length, ...p]));
}

/** ClientHello (§4.1.2) offering TLS 1.3 (supported_versions §4.2.1), x25519, ALPN http/1.1, SNI. */
function clientHello(random: number[], session: number[], share: number[]): Uint8Array {
  const sni = [...enc.encode('shop.example')];
  const exts = [
    ...ext(0, vec16([0, sni.length >> 8, sni.length & 255, ...sni])),
    ...ext(10, vec16([0x00, 0x1d])),
    ...ext(13, vec16([0x04, 0x03, 0x08, 0x04, 0x08, 0x07])),
    ...alpn(),
    ...ext(43, [2, 0x03, 0x04]),
    ...ext(51, vec16([0x00, 0x1d, 0, 32, ...share])),
  ];
  const body = [3, 3, ...random, session.length, ...session, ...vec16([0x13, 0x01]), 1, 0, ...vec16(exts)];
  return plainRecord(22, Uint8Array.from(handshakeMsg(1, body)));
}

function serverHello(random: number[], session: number[], share: number[]): Uint8Array {
  const exts = [...ext(43, [0x03, 0x04]), ...ext(51, [0x00, 0x1d, 0, 32, ...share])];
  const body = [3, 3, ...random, session.length, ...session, 0x13, 0x01, 0, ...vec16(exts)];
  return plainRecord(22, Uint8Array.from(handshakeMsg(2, body)));
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

const CCS = Uint8Array.of(20, 3, 3, 0, 1, 1); // middlebox compatibility (RFC 8446 Appendix D.4)

function* tlsConnection(net: Net, c: TcpConn, requests: number, rnd: () => number, keylog: string[], events: number, body: (n: number) => Uint8Array, count: { exchanges: number }): Generator<void> {
  yield* handshake(net, c);
  const crandom = bytes(rnd, 32);
  const session = bytes(rnd, 32);
  const secrets = { chs: bytes(rnd, 32), shs: bytes(rnd, 32), cap: bytes(rnd, 32), sap: bytes(rnd, 32) };
  const cr = hex(crandom);
  keylog.push(
    `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${cr} ${hex(secrets.chs)}`,
    `SERVER_HANDSHAKE_TRAFFIC_SECRET ${cr} ${hex(secrets.shs)}`,
    `CLIENT_TRAFFIC_SECRET_0 ${cr} ${hex(secrets.cap)}`,
    `SERVER_TRAFFIC_SECRET_0 ${cr} ${hex(secrets.sap)}`,
  );
  const chs = direction(Uint8Array.from(secrets.chs));
  const shs = direction(Uint8Array.from(secrets.shs));
  const cap = direction(Uint8Array.from(secrets.cap));
  const sap = direction(Uint8Array.from(secrets.sap));
  segment(net, c, true, ACK | PSH, clientHello(crandom, session, bytes(rnd, 32)));
  yield;
  // EncryptedExtensions (ALPN), an empty Certificate, CertificateVerify (ed25519), Finished.
  const flight = [
    ...handshakeMsg(8, vec16(alpn())),
    ...handshakeMsg(11, [0, 0, 0, 0]),
    ...handshakeMsg(15, [0x08, 0x07, ...vec16(bytes(rnd, 64))]),
    ...handshakeMsg(20, bytes(rnd, 32)),
  ];
  tick(net, 300);
  segment(net, c, false, ACK | PSH, concat([serverHello(bytes(rnd, 32), session, bytes(rnd, 32)), CCS, seal(shs, 22, Uint8Array.from(flight))]));
  yield;
  segment(net, c, true, ACK | PSH, concat([CCS, seal(chs, 22, Uint8Array.from(handshakeMsg(20, bytes(rnd, 32))))]));
  yield;
  const paths = ['/index.html', '/api/cart', '/static/app.css'];
  for (let i = 0; i < requests && net.w.packets < events - 8; i++, count.exchanges++) {
    const path = paths[Math.floor(rnd() * paths.length)];
    segment(net, c, true, ACK | PSH, seal(cap, 23, enc.encode(`GET ${path} HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n`)));
    yield;
    const len = 560 + Math.floor(rnd() * 80);
    tick(net, 150);
    segment(net, c, false, ACK | PSH, seal(sap, 23, concat([enc.encode(responseHead('200 OK', len)), body(len)])));
    yield;
    segment(net, c, true, ACK);
    yield;
  }
  // close_notify alerts (§6.1), then FIN.
  segment(net, c, true, ACK | PSH, seal(cap, 21, Uint8Array.of(1, 0)));
  yield;
  segment(net, c, false, ACK | PSH, seal(sap, 21, Uint8Array.of(1, 0)));
  yield;
  yield* close(net, c);
}

/** Returns the description; the key log lines are appended to `keylog`. */
export function tlsKeepAlive(net: Net, events: number, keylog: string[]): string {
  const exchanges = Math.floor(events / 3.1);
  const conns = Math.max(16, Math.round(exchanges / 1000));
  const perConn = Math.max(1, Math.floor(exchanges / conns));
  const body = filler(rng(13));
  let started = 0;
  const count = { exchanges: 0 };
  interleave(net, 16, () => started < conns && net.w.packets < events - 16, function* (slot) {
    started++;
    const c = tcpConn(net, clientIp(slot), SERVER, 33000 + started, 443);
    yield* tlsConnection(net, c, perConn, rng(2000 + started), keylog, events, body, count);
  });
  return `${started} TLS 1.3 connections (AES-128-GCM), ${count.exchanges} exchanges (up to ${perConn} per connection), 16 live at a time`;
}
