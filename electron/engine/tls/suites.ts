/**
 * Cipher suites this decoder can decrypt, by IANA id ("TLS Cipher Suites" registry; GCM suites
 * RFC 5288/5289/5487/8442, ChaCha20-Poly1305 RFC 7905, CBC RFC 5246/4492/5289, TLS 1.3
 * RFC 8446 §B.4). The key exchange does not matter here: the key log gives the secrets.
 */
import type { HashName } from './crypto.ts';

export type BulkKind = 'gcm' | 'chacha' | 'cbc' | 'ccm';

export interface SuiteInfo {
  name: string;
  kind: BulkKind;
  keyLen: number;
  /** CBC: the record MAC hash. */
  mac?: HashName;
  /** TLS 1.2 PRF hash / TLS 1.3 HKDF hash. */
  prf: HashName;
  tls13?: boolean;
}

const T: [number, string, BulkKind, number, HashName, HashName | undefined][] = [
  // TLS 1.3 (RFC 8446 §B.4)
  [0x1301, 'TLS_AES_128_GCM_SHA256', 'gcm', 16, 'sha256', undefined],
  [0x1302, 'TLS_AES_256_GCM_SHA384', 'gcm', 32, 'sha384', undefined],
  [0x1303, 'TLS_CHACHA20_POLY1305_SHA256', 'chacha', 32, 'sha256', undefined],
  [0x1304, 'TLS_AES_128_CCM_SHA256', 'ccm', 16, 'sha256', undefined],
  [0x1305, 'TLS_AES_128_CCM_8_SHA256', 'ccm', 16, 'sha256', undefined],
  // AES-GCM (RFC 5288, 5289, 5487, 8442)
  [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'gcm', 16, 'sha256', undefined],
  [0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'gcm', 32, 'sha384', undefined],
  [0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'gcm', 16, 'sha256', undefined],
  [0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'gcm', 32, 'sha384', undefined],
  [0x00a8, 'TLS_PSK_WITH_AES_128_GCM_SHA256', 'gcm', 16, 'sha256', undefined],
  [0x00a9, 'TLS_PSK_WITH_AES_256_GCM_SHA384', 'gcm', 32, 'sha384', undefined],
  [0x00aa, 'TLS_DHE_PSK_WITH_AES_128_GCM_SHA256', 'gcm', 16, 'sha256', undefined],
  [0x00ab, 'TLS_DHE_PSK_WITH_AES_256_GCM_SHA384', 'gcm', 32, 'sha384', undefined],
  [0x00ac, 'TLS_RSA_PSK_WITH_AES_128_GCM_SHA256', 'gcm', 16, 'sha256', undefined],
  [0x00ad, 'TLS_RSA_PSK_WITH_AES_256_GCM_SHA384', 'gcm', 32, 'sha384', undefined],
  [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'gcm', 16, 'sha256', undefined],
  [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'gcm', 32, 'sha384', undefined],
  [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'gcm', 16, 'sha256', undefined],
  [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'gcm', 32, 'sha384', undefined],
  [0xd001, 'TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256', 'gcm', 16, 'sha256', undefined],
  [0xd002, 'TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384', 'gcm', 32, 'sha384', undefined],
  // ChaCha20-Poly1305 (RFC 7905 §2)
  [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'chacha', 32, 'sha256', undefined],
  [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'chacha', 32, 'sha256', undefined],
  [0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'chacha', 32, 'sha256', undefined],
  [0xccab, 'TLS_PSK_WITH_CHACHA20_POLY1305_SHA256', 'chacha', 32, 'sha256', undefined],
  [0xccac, 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256', 'chacha', 32, 'sha256', undefined],
  [0xccad, 'TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256', 'chacha', 32, 'sha256', undefined],
  [0xccae, 'TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256', 'chacha', 32, 'sha256', undefined],
  // AES-CBC with HMAC (RFC 5246 App. C, RFC 4492, RFC 5289); PRF is SHA-256 unless SHA-384
  [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', 'cbc', 16, 'sha256', 'sha1'],
  [0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'cbc', 16, 'sha256', 'sha1'],
  [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', 'cbc', 32, 'sha256', 'sha1'],
  [0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'cbc', 32, 'sha256', 'sha1'],
  [0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256', 'cbc', 16, 'sha256', 'sha256'],
  [0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256', 'cbc', 32, 'sha256', 'sha256'],
  [0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'cbc', 16, 'sha256', 'sha256'],
  [0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'cbc', 32, 'sha256', 'sha256'],
  [0x008c, 'TLS_PSK_WITH_AES_128_CBC_SHA', 'cbc', 16, 'sha256', 'sha1'],
  [0x008d, 'TLS_PSK_WITH_AES_256_CBC_SHA', 'cbc', 32, 'sha256', 'sha1'],
  [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'cbc', 16, 'sha256', 'sha1'],
  [0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'cbc', 32, 'sha256', 'sha1'],
  [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'cbc', 16, 'sha256', 'sha1'],
  [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'cbc', 32, 'sha256', 'sha1'],
  [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'cbc', 16, 'sha256', 'sha256'],
  [0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'cbc', 32, 'sha384', 'sha384'],
  [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'cbc', 16, 'sha256', 'sha256'],
  [0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'cbc', 32, 'sha384', 'sha384'],
  // AES-CCM (RFC 6655, 7251): recognised, not decrypted yet (docs/tls.md)
  [0xc09c, 'TLS_RSA_WITH_AES_128_CCM', 'ccm', 16, 'sha256', undefined],
  [0xc0a4, 'TLS_PSK_WITH_AES_128_CCM', 'ccm', 16, 'sha256', undefined],
  [0xc0ac, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM', 'ccm', 16, 'sha256', undefined],
];

export const SUITES: ReadonlyMap<number, SuiteInfo> = new Map(
  T.map(([id, name, kind, keyLen, prf, mac]) => [
    id,
    { name, kind, keyLen, prf, mac, tls13: id >= 0x1301 && id <= 0x1305 },
  ]),
);

/** Value names for the tls.handshake.ciphersuite field. */
export const SUITE_NAMES: Readonly<Record<string, string>> = Object.fromEntries(T.map(([id, name]) => [String(id), name]));
