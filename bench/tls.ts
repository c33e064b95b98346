/**
 * TLS record decryption MB/s (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305; node and BoringSSL
 * crypto profiles) over 16 KiB TLS 1.3 records, and HTTP/2 frames/s over a generated
 * 10,000-stream connection.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { parseHttp2 } from '../electron/engine/http2/connection.ts';
import { http2Exchanges } from '../electron/engine/http2/exchanges.ts';
import { aeadOpen, cryptoProvider, type AeadName, type CryptoProfileName } from '../electron/engine/tls/crypto.ts';
import { generatedH2Connection } from './make-h2.ts';

type Report = (name: string, values: Record<string, number | string | boolean>) => void;

function seal(alg: AeadName, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array {
  const c =
    alg === 'chacha20-poly1305' ? createCipheriv(alg, key, nonce, { authTagLength: 16 }) : createCipheriv(alg, key, nonce);
  if (alg === 'chacha20-poly1305') (c as ReturnType<typeof createCipheriv> & { setAAD(b: Uint8Array, o: { plaintextLength: number }): void }).setAAD(aad, { plaintextLength: pt.length });
  else (c as unknown as { setAAD(b: Uint8Array): void }).setAAD(aad);
  const a = c.update(pt);
  c.final();
  const tag = (c as unknown as { getAuthTag(): Buffer }).getAuthTag();
  return new Uint8Array(Buffer.concat([a, tag]));
}

export function benchTls(report: Report): void {
  const RECORD = 16384;
  const RECORDS = 1024; // 16 MiB per run
  for (const alg of ['aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305'] as AeadName[]) {
    const key = randomBytes(alg === 'aes-128-gcm' ? 16 : 32);
    const nonce = randomBytes(12);
    const aad = Uint8Array.of(23, 3, 3, (RECORD + 16) >> 8, (RECORD + 16) & 0xff);
    const sealed = seal(alg, key, nonce, aad, randomBytes(RECORD));
    for (const profile of ['node', 'boringssl'] as CryptoProfileName[]) {
      const p = cryptoProvider(profile);
      const n = profile === 'boringssl' && alg === 'chacha20-poly1305' ? RECORDS / 4 : RECORDS;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) if (!aeadOpen(p, alg, key, nonce, aad, sealed)) throw new Error('bench record failed to open');
      const s = (performance.now() - t0) / 1000;
      report('tls-decrypt', { alg, profile, impl: alg === 'chacha20-poly1305' && !p.nodeChacha ? '@noble/ciphers' : 'node:crypto', MBps: Number(((n * RECORD) / 1e6 / s).toFixed(1)) });
    }
  }
  const conn = generatedH2Connection(10000);
  const t0 = performance.now();
  const c = parseHttp2(conn);
  const ex = http2Exchanges(c, conn.id);
  const s = (performance.now() - t0) / 1000;
  report('http2', { streams: ex.length, frames: c.frames.n, seconds: Number(s.toFixed(3)), framesPerSec: Math.round(c.frames.n / s) });
}
