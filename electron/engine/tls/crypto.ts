/**
 * The few cryptographic primitives TLS decryption needs, behind one provider so that the
 * Electron build (BoringSSL: no chacha20-poly1305, no AES-CCM in node:crypto, docs/tls.md)
 * and plain Node behave the same. `profile: 'boringssl'` hides what BoringSSL lacks even when
 * Node has it, so tests can run every path both ways.
 *
 * AES-GCM and AES-CBC/CTR and HMAC always come from node:crypto (present in both);
 * ChaCha20-Poly1305 comes from node:crypto when available, else from @noble/ciphers.
 * AES-CCM is not supported yet (docs/tls.md).
 */
import { createDecipheriv, createHmac, getCiphers } from 'node:crypto';
import { chacha20, chacha20poly1305 } from '@noble/ciphers/chacha.js';

export type CryptoProfileName = 'node' | 'boringssl';
export type AeadName = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
export type HashName = 'sha1' | 'sha256' | 'sha384' | 'md5';

export interface CryptoProvider {
  readonly name: CryptoProfileName;
  /** node:crypto offers chacha20-poly1305 under this profile. */
  readonly nodeChacha: boolean;
}

const nodeCiphers = new Set(getCiphers());

/** A provider for the given profile; by default the one matching the running crypto library. */
export function cryptoProvider(name?: CryptoProfileName): CryptoProvider {
  const n: CryptoProfileName = name ?? (nodeCiphers.has('chacha20-poly1305') ? 'node' : 'boringssl');
  return { name: n, nodeChacha: n === 'node' && nodeCiphers.has('chacha20-poly1305') };
}

const TAG = 16;

/**
 * Authenticated decryption. `sealed` is ciphertext || 16-byte tag. Returns the plaintext, or
 * null when authentication fails (wrong key, wrong sequence number, damaged record).
 */
export function aeadOpen(
  p: CryptoProvider,
  alg: AeadName,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array | null {
  if (sealed.length < TAG) return null;
  const ct = sealed.subarray(0, sealed.length - TAG);
  const tag = sealed.subarray(sealed.length - TAG);
  if (alg === 'chacha20-poly1305' && !p.nodeChacha) {
    try {
      return chacha20poly1305(key, nonce, aad).decrypt(sealed);
    } catch {
      return null;
    }
  }
  try {
    let d;
    if (alg === 'chacha20-poly1305') {
      d = createDecipheriv(alg, key, nonce, { authTagLength: TAG });
      d.setAAD(aad, { plaintextLength: ct.length });
    } else {
      d = createDecipheriv(alg, key, nonce);
      d.setAAD(aad);
    }
    d.setAuthTag(tag);
    const a = d.update(ct);
    const b = d.final();
    return b.length === 0 ? new Uint8Array(a.buffer, a.byteOffset, a.length) : new Uint8Array(Buffer.concat([a, b]));
  } catch {
    return null;
  }
}

/**
 * Decrypt a prefix of an AEAD record without checking its tag (the rest of the record was not
 * recorded, e.g. strace -s 256): both ciphers are counter modes, so the visible ciphertext
 * decrypts on its own. Callers must mark the result as unauthenticated.
 */
export function aeadDecryptPrefix(alg: AeadName, key: Uint8Array, nonce: Uint8Array, ct: Uint8Array): Uint8Array {
  if (alg === 'chacha20-poly1305') {
    // RFC 8439 §2.8: the payload is encrypted from block counter 1 (block 0 keys Poly1305).
    return chacha20(key, nonce, ct, new Uint8Array(ct.length), 1);
  }
  // NIST SP 800-38D: with a 96-bit IV, J0 = IV || 0^31 || 1 and the payload starts at inc32(J0).
  const iv = new Uint8Array(16);
  iv.set(nonce, 0);
  iv[15] = 2;
  const d = createDecipheriv(alg === 'aes-128-gcm' ? 'aes-128-ctr' : 'aes-256-ctr', key, iv);
  return new Uint8Array(d.update(ct));
}

/** Raw AES-CBC decryption (no padding removal; TLS padding is checked by the caller). */
export function cbcDecrypt(key: Uint8Array, iv: Uint8Array, ct: Uint8Array): Uint8Array | null {
  if (ct.length === 0 || ct.length % 16 !== 0) return null;
  const alg = key.length === 16 ? 'aes-128-cbc' : key.length === 32 ? 'aes-256-cbc' : null;
  if (!alg) return null;
  const d = createDecipheriv(alg, key, iv);
  d.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([d.update(ct), d.final()]));
}

export function hmac(hash: HashName, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac(hash, key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function hashLength(hash: HashName): number {
  return hash === 'sha384' ? 48 : hash === 'sha256' ? 32 : hash === 'sha1' ? 20 : 16;
}

const enc = new TextEncoder();

/** RFC 5869 §2.3 HKDF-Expand. */
export function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  let o = 0;
  for (let i = 1; o < length; i++) {
    t = hmac(hash, prk, t, info, Uint8Array.of(i));
    out.set(t.subarray(0, Math.min(t.length, length - o)), o);
    o += t.length;
  }
  return out;
}

/**
 * RFC 8446 §7.1 HKDF-Expand-Label. `prefix` is "tls13 " in RFC 8446 and from draft-20 on;
 * drafts before 20 used "TLS 1.3, ".
 */
export function hkdfExpandLabel(
  hash: HashName,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
  prefix = 'tls13 ',
): Uint8Array {
  const l = enc.encode(prefix + label);
  const info = new Uint8Array(2 + 1 + l.length + 1 + context.length);
  info[0] = length >> 8;
  info[1] = length & 0xff;
  info[2] = l.length;
  info.set(l, 3);
  info[3 + l.length] = context.length;
  info.set(context, 4 + l.length);
  return hkdfExpand(hash, secret, info, length);
}

/** RFC 5246 §5 P_hash. */
function pHash(hash: HashName, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a = seed;
  let o = 0;
  while (o < length) {
    a = hmac(hash, secret, a);
    const b = hmac(hash, secret, a, seed);
    out.set(b.subarray(0, Math.min(b.length, length - o)), o);
    o += b.length;
  }
  return out;
}

/**
 * The TLS PRF: RFC 5246 §5 (TLS 1.2, P_<suite hash>) or, for `hash === 'md5'`, the TLS 1.0/1.1
 * PRF of RFC 2246 §5 (P_MD5 of the first half of the secret XOR P_SHA1 of the second half).
 */
export function tlsPrf(hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const l = enc.encode(label);
  const s = new Uint8Array(l.length + seed.length);
  s.set(l);
  s.set(seed, l.length);
  if (hash !== 'md5') return pHash(hash, secret, s, length);
  const half = Math.ceil(secret.length / 2);
  const a = pHash('md5', secret.subarray(0, half), s, length);
  const b = pHash('sha1', secret.subarray(secret.length - half), s, length);
  for (let i = 0; i < length; i++) a[i] ^= b[i];
  return a;
}
