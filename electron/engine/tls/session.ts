/**
 * TLS decryption of one ByteStream: records → (keys from the key store, picked by the
 * ClientHello's client random) → plaintext ByteStream of kind 'tls' whose chunks point to the
 * events that carried each record, plus a per-record summary for the TLS fields and a
 * decryption status.
 *
 * Two passes over the records: the first finds the first ClientHello and ServerHello
 * (plaintext), so that version and cipher suite are known before any encrypted record — a
 * client's 0-RTT data arrives before the ServerHello that names its suite. The second walks
 * records in arrival order, decrypting and decoding handshake messages (renegotiation,
 * KeyUpdate, TLS 1.3 certificates happen inside the encrypted channel).
 *
 * TLS 1.3 picks keys by trial (as the record type hides the epoch): each direction keeps its
 * ordered key epochs (client: early, handshake, application; server: handshake, application)
 * and moves forward to the first epoch that authenticates a record.
 */
import type { ByteStream, StreamChunk, StreamDir } from '../streams/byte-stream.ts';
import {
  aeadDecryptPrefix,
  aeadOpen,
  cbcDecrypt,
  hashLength,
  hkdfExpandLabel,
  hmac,
  tlsPrf,
  type AeadName,
  type CryptoProvider,
  type HashName,
} from './crypto.ts';
import type { CertSummary } from './der.ts';
import {
  createHandshakeBuffer,
  HS_CERTIFICATE,
  HS_CLIENT_HELLO,
  HS_ENCRYPTED_EXTENSIONS,
  HS_END_OF_EARLY_DATA,
  HS_FINISHED,
  HS_KEY_UPDATE,
  HS_NEW_SESSION_TICKET,
  HS_SERVER_HELLO,
  parseCertificates,
  parseClientHello,
  parseEncryptedExtensionsAlpn,
  parseServerHello,
  pushHandshake,
  type ClientHelloInfo,
  type HandshakeBuffer,
  type HandshakeMessage,
  type ServerHelloInfo,
} from './handshake.ts';
import { toHex, type KeyStore, type SessionSecrets } from './keylog.ts';
import { createRecordScanner, CT_APPLICATION_DATA, CT_CHANGE_CIPHER_SPEC, CT_HANDSHAKE, scanMoreRecords, sourceBytes, sourceChunkAt, type RecordScanner, type TlsRecord } from './records.ts';
import { cachedPlaintext, forgetPlaintexts, keepPlaintext } from './record-cache.ts';
import {
  createRecordColumns,
  pushRecordColumns,
  recordContentType,
  recordDir,
  recordEncrypted,
  recordKeyed,
  recordLength,
  recordOuterType,
  recordSeq,
  recordVersion,
  trimRecordColumns,
  type TlsRecordColumns,
} from './record-index.ts';
import { SUITES, type SuiteInfo } from './suites.ts';

export type TlsStatus =
  /** Every encrypted record that had keys was decrypted. */
  | 'decrypted'
  /** Encrypted records, but the key log has no secrets for this session's client random. */
  | 'no-key'
  /** Secrets present but a record failed authentication (see `failure`). */
  | 'auth-failed'
  /** The cipher suite is recognised but not supported (AES-CCM…). */
  | 'unsupported'
  /** Nothing encrypted was seen (handshake only, or not decodable). */
  | 'no-encrypted-data';

/** What one record carried, for TLS fields on its events. */
export interface RecordSummary {
  record: TlsRecord;
  /** Inner content type (TLS 1.3 decrypted records), else the outer type. */
  contentType: number;
  /** Handshake messages completed by this record (plaintext or decrypted). */
  handshakes: HandshakeMessage[];
  /**
   * Decrypted payload of this record (application data, handshake, alert), if any. For
   * application data it is not held: reading it decrypts the record again from `key` when the
   * decrypted-record cache (record-cache.ts) has dropped it.
   */
  plaintext?: Uint8Array;
  /** What decrypts this record again alone, for application data records that decrypted. */
  key?: RecordKey;
  /** True when the plaintext was not authenticated (record partly missing). */
  unauthenticated?: boolean;
  /** Why this record could not be decrypted. */
  error?: string;
  /** Encrypted (at the time it was sent). */
  encrypted: boolean;
}

export interface TlsSessionInfo {
  clientHello?: ClientHelloInfo;
  serverHello?: ServerHelloInfo;
  helloRetry: boolean;
  /** Negotiated version (0x0303, 0x0304, 0x7f14…). */
  version?: number;
  cipherSuite?: number;
  suiteName?: string;
  alpn?: string;
  sni?: string;
  certificates: CertSummary[];
  /** Client randoms of every ClientHello (renegotiations add more). */
  clientRandoms: string[];
}

export interface TlsStreamResult {
  /** Plaintext application data (kind 'tls', id `tls:<source id>`), made from the records when first read. */
  readonly stream: ByteStream;
  status: TlsStatus;
  /** One line describing the status for the UI / CLI. */
  statusText: string;
  /** The first failed record, when status is 'auth-failed'. */
  failure?: { event: number; record: number; message: string };
  session: TlsSessionInfo;
  /**
   * The records as columns (record-index.ts, 16 bytes a record). Application data that
   * decrypted, or that had no key, needs nothing else: `recordAt` makes its summary from the
   * columns, its epoch and the source stream's bytes of that record.
   */
  recs: TlsRecordColumns;
  /** Summaries of the other records (handshake, alerts, odd, partly captured, other errors), by number, in order. */
  kept: Map<number, RecordSummary>;
  notes: string[];
}

/** What recordAt needs besides the columns; not enumerable (a result is compared and copied in tests). */
interface Backing {
  /** Number of this decoding (record cache keys). */
  uid: number;
  p: CryptoProvider;
  /** The source stream the records were cut from, and the scanner that knows where its chunks start. */
  src: ByteStream;
  scan: RecordScanner;
  /** Once the source's chunks are let go (readSourceFrom): where its bytes are read again. */
  file: SourceFile | undefined;
  /** Per direction: the record numbers from which each epoch decrypts its keyed records. */
  epochAt: [number[], number[]];
  epochs: [Epoch[], Epoch[]];
  /** The error of records without a kept summary that did not decrypt. */
  error: string | undefined;
  /** Plaintext bytes of all records (held or decrypted again when read). */
  plainBytes: number;
  /** The plaintext stream: its chunks are made when it is first read (plainStream). */
  shell: ByteStream;
  filled: boolean;
  /** Its next plaintext position per direction, and the application data records (its chunks). */
  plainSeq: [number, number];
  appData: number;
}

/**
 * Where a source stream's bytes are read again once its chunks are let go (capture-tls.ts: a
 * stream dropped from the decrypted-stream cache): from the capture file, the frames of a
 * record only, not the stream reassembled again from its start.
 */
export interface SourceFile {
  bytes: (dir: StreamDir, pos: number, n: number) => Uint8Array | undefined;
  /** The event carrying byte `pos` of `dir`, and its time. */
  at: (dir: StreamDir, pos: number) => { event: number; time: number } | undefined;
  /** Bytes the map behind it holds. */
  size: number;
  /** The source stream made again whole: what reads when the file's bytes do not decrypt (a frame the map misread). */
  whole: () => ByteStream;
}

const BACKING = Symbol('backing');
type Backed = TlsStreamResult & { [BACKING]: Backing };
const backing = (t: TlsStreamResult): Backing => (t as Backed)[BACKING];
let decodings = 0;

/** Bytes `[pos, pos + n)` of direction `dir` of the source: from its chunks, or from the file once they are let go. */
function srcBytes(b: Backing, dir: StreamDir, pos: number, n: number): Uint8Array | undefined {
  return b.file ? b.file.bytes(dir, pos, n) : sourceBytes(b.scan, b.src, dir, pos, n);
}

/** The event (and its time) that carried byte `pos` of direction `dir` of the source. */
function srcAt(b: Backing, dir: StreamDir, pos: number): { event: number; time: number } | undefined {
  if (b.file) return b.file.at(dir, pos);
  const k = sourceChunkAt(b.scan, b.src, dir, pos);
  return k >= 0 ? b.src.chunks[k] : undefined;
}

/** The source stream a result was decoded from (its chunks, until readSourceFrom lets them go). */
export const sourceOf = (t: TlsStreamResult): ByteStream => backing(t).src;

/** Whether the source's bytes are read from a file (readSourceFrom), and the bytes its map holds (0: not). */
export const sourceFileBytes = (t: TlsStreamResult): number => backing(t).file?.size ?? 0;

/** Let the source stream's chunks go: its bytes are read from `file` from now on (a record's ciphertext when decrypted again). */
export function readSourceFrom(t: TlsStreamResult, file: SourceFile): void {
  const b = backing(t);
  b.file = file;
  b.src = { ...b.src, chunks: [] };
}

/**
 * Let the source stream go for good (a result decoded without keys, kept for its columns and its
 * clear records: capture-tls.ts clearEntry): the kept summaries get their own copy of their
 * record's bytes (else each pins its batch of frames); a record not kept reads as empty.
 */
export function detachSource(t: TlsStreamResult): void {
  const b = backing(t);
  for (const s of t.kept.values()) {
    const body = s.record.body.slice();
    const own = Object.getOwnPropertyDescriptor(s, 'plaintext');
    if (own && 'value' in own && s.plaintext === s.record.body) s.plaintext = body;
    s.record.body = body;
  }
  b.src = { ...b.src, chunks: [] };
  b.file = undefined;
}

/** Let the plaintext stream's chunks go (one object a record): made again from the columns when read, no record decrypted. */
export function dropPlainStream(t: TlsStreamResult): void {
  const b = backing(t);
  if (!b.filled) return;
  // A new shell: whoever holds the one made keeps its chunks.
  b.shell = { ...b.shell, chunks: [] };
  b.filled = false;
}

/** Records of a stream. */
export const recordCount = (t: TlsStreamResult): number => t.recs.n;

/** Plaintext bytes of the stream's records, without decrypting (held by summaries or made again from the record cache's records). */
export const streamPlaintextBytes = (t: TlsStreamResult): number => backing(t).plainBytes;

/**
 * Record `i`'s summary: the kept one, or one made now from the columns (header, epoch, sequence
 * number) and the bytes of that record in the source stream (found by binary search; the stream
 * is not walked from its start). Its plaintext is read (decrypted again when not held) on access.
 */
export function recordAt(t: TlsStreamResult, i: number): RecordSummary {
  const hit = t.kept.get(i);
  if (hit) return hit;
  const b = backing(t);
  const c = t.recs;
  const dir = recordDir(c, i);
  const pos = c.pos[i];
  const length = recordLength(c, i);
  const ch = srcAt(b, dir, pos);
  recordViewWork.views++;
  // Read from the file only when asked (decrypting it again): not for the record's fields.
  const body = b.file ? EMPTY : (sourceBytes(b.scan, b.src, dir, pos + 5, length) ?? EMPTY);
  const record: TlsRecord = {
    index: i,
    dir,
    type: recordOuterType(c, i),
    version: recordVersion(c, i),
    length,
    body,
    complete: true,
    event: ch?.event ?? c.ev[i],
    lastEvent: c.ev[i],
    time: ch?.time ?? 0,
    pos,
  };
  if (b.file) {
    let read: Uint8Array | undefined;
    Object.defineProperty(record, 'body', { get: () => (read ??= srcBytes(b, dir, pos + 5, length) ?? EMPTY), enumerable: true, configurable: true });
  }
  const sum: RecordSummary = { record, contentType: recordContentType(c, i), handshakes: [], encrypted: true };
  if (!recordKeyed(c, i)) {
    sum.error = b.error;
    return sum;
  }
  const epoch = epochOf(b, dir, i);
  sum.key = { epoch, seq: recordSeq(c, i), iv: epoch.iv, p: b.p, tls13: epoch.tls13, unauth: false, size: aeadPlainLength(epoch, length) };
  Object.defineProperty(sum, 'plaintext', { get: () => recordPlaintext(t, i), enumerable: true, configurable: true });
  return sum;
}

/** Forget the held plaintexts of a stream's records (it left the decrypted-stream cache, or was decoded again). */
export function forgetStreamPlaintexts(t: TlsStreamResult): void {
  forgetPlaintexts(backing(t).uid, 0, t.recs.n);
}

/** The epoch that decrypted keyed record `i` of direction `dir` (the last one starting at or before it). */
function epochOf(b: Backing, dir: StreamDir, i: number): Epoch {
  const runs = b.epochAt[dir];
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (runs[mid] <= i) lo = mid + 1;
    else hi = mid;
  }
  return b.epochs[dir][lo - 1];
}

/** Records whose file bytes did not decrypt, read again from the stream made whole (tests: none). */
export const sourceFileWork = { fallbacks: 0 };

/** Summaries made by recordAt (tests). */
export const recordViewWork = { views: 0 };

/** Every record's summary, made now (tests and whole-stream callers). */
export function recordList(t: TlsStreamResult): RecordSummary[] {
  return Array.from({ length: t.recs.n }, (_, i) => recordAt(t, i));
}

/** Plaintext length of an AEAD record with no TLS 1.3 padding (RFC 8446 §5.2, RFC 5288 §3, RFC 7905 §2); -1 for CBC. */
function aeadPlainLength(e: Epoch, length: number): number {
  if (e.alg === 'cbc') return -1;
  if (e.tls13) return length - 16 - 1;
  return length - 16 - (e.alg === 'chacha20-poly1305' ? 0 : 8);
}

/**
 * What decrypts one record again without the records before it: AEAD nonces come from the
 * epoch's IV and the record's sequence number (RFC 8446 §5.3, RFC 5288 §3 explicit nonce in
 * the record, RFC 7905 §2); CBC in TLS 1.1+ carries its IV in the record (RFC 4346 §6.2.3.2);
 * TLS 1.0 CBC chains it from the previous record's last ciphertext block (RFC 2246 §6.2.3.2),
 * kept here as `iv`.
 */
export interface RecordKey {
  epoch: Epoch;
  seq: number;
  iv: Uint8Array;
  p: CryptoProvider;
  tls13: boolean;
  /** The record was partly captured: its prefix decrypted without authentication. */
  unauth: boolean;
  /** Length of the plaintext (known without decrypting again). */
  size?: number;
}

export interface Epoch {
  name: string;
  alg: AeadName | 'cbc';
  key: Uint8Array;
  iv: Uint8Array;
  macKey?: Uint8Array;
  mac?: HashName;
  etm?: boolean;
  seq: number;
  tls13: boolean;
  /** Drafts before 25 authenticate no additional data. */
  noAad?: boolean;
  /** TLS 1.3 application traffic secret (for KeyUpdate). */
  secret?: Uint8Array;
  hash?: HashName;
  labelPrefix?: string;
  gen?: number;
}

interface DirCrypto {
  /** TLS 1.2: the active epoch (after ChangeCipherSpec), or 'nokey'. */
  active: Epoch | 'nokey' | null;
  /** TLS 1.3: candidate epochs in order, and the current one. */
  epochs: Epoch[];
  cur: number;
  hs: HandshakeBuffer;
}

function aeadFor(s: SuiteInfo): AeadName | 'cbc' | null {
  if (s.kind === 'gcm') return s.keyLen === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
  if (s.kind === 'chacha') return 'chacha20-poly1305';
  if (s.kind === 'cbc') return 'cbc';
  return null;
}

function seq8(n: number): Uint8Array {
  const b = new Uint8Array(8);
  let v = n;
  for (let i = 7; i >= 0 && v > 0; i--) {
    b[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return b;
}

/** RFC 8446 §5.3 / RFC 7905 §2: nonce = IV XOR the 64-bit sequence number, left-padded. */
function xorNonce(iv: Uint8Array, seq: number): Uint8Array {
  const n = iv.slice();
  // The sequence number's bytes from the last, without an 8-byte array per record.
  let v = seq;
  for (let i = n.length - 1; i >= n.length - 8 && v > 0; i--) {
    n[i] ^= v % 256;
    v = Math.floor(v / 256);
  }
  return n;
}

/** TLS 1.3 epoch from a traffic secret (RFC 8446 §7.3). */
function epoch13(name: string, suite: SuiteInfo, secret: Uint8Array, prefix: string, noAad: boolean, gen = 0): Epoch | null {
  const alg = aeadFor(suite);
  if (!alg || alg === 'cbc') return null;
  return {
    name,
    alg,
    key: hkdfExpandLabel(suite.prf, secret, 'key', new Uint8Array(0), suite.keyLen, prefix),
    iv: hkdfExpandLabel(suite.prf, secret, 'iv', new Uint8Array(0), 12, prefix),
    seq: 0,
    tls13: true,
    noAad,
    secret,
    hash: suite.prf,
    labelPrefix: prefix,
    gen,
  };
}

/** RFC 8446 §7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length). */
function nextEpoch(e: Epoch, suite: SuiteInfo): Epoch | null {
  if (!e.secret || !e.hash) return null;
  const next = hkdfExpandLabel(e.hash, e.secret, 'traffic upd', new Uint8Array(0), hashLength(e.hash), e.labelPrefix);
  const gen = (e.gen ?? 0) + 1;
  return epoch13(`application traffic secret ${gen}`, suite, next, e.labelPrefix ?? 'tls13 ', e.noAad ?? false, gen);
}

/**
 * TLS 1.2 key block (RFC 5246 §6.3): client MAC key, server MAC key, client key, server key,
 * client IV, server IV. AEAD suites use a 4-byte salt (GCM, RFC 5288 §3) or a 12-byte IV
 * (ChaCha20, RFC 7905 §2); CBC in TLS 1.1+ sends the IV with each record.
 */
/**
 * Master secret of a plain-PSK session (TLS_PSK_WITH_*) from the first pre-shared key:
 * RFC 4279 §2 pre-master = uint16 N, N zero bytes, uint16 N, the PSK; then RFC 5246 §8.1.
 */
function pskMaster(store: KeyStore, suite: SuiteInfo, clientRandom: Uint8Array, serverRandom: Uint8Array, version: number): Uint8Array | undefined {
  const psk = store.psks[0];
  if (!psk || !suite.name.startsWith('TLS_PSK_WITH_')) return undefined;
  const n = psk.length;
  const pre = new Uint8Array(4 + 2 * n);
  pre[0] = n >> 8;
  pre[1] = n & 255;
  pre[2 + n] = n >> 8;
  pre[3 + n] = n & 255;
  pre.set(psk, 4 + n);
  const seed = new Uint8Array(64);
  seed.set(clientRandom, 0);
  seed.set(serverRandom, 32);
  return tlsPrf(version < 0x0303 ? 'md5' : suite.prf, pre, 'master secret', seed, 48);
}

function epochs12(
  suite: SuiteInfo,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  version: number,
  etm: boolean,
): [Epoch, Epoch] | null {
  const alg = aeadFor(suite);
  if (!alg) return null;
  const macLen = alg === 'cbc' && suite.mac ? hashLength(suite.mac) : 0;
  const ivLen = alg === 'aes-128-gcm' || alg === 'aes-256-gcm' ? 4 : alg === 'chacha20-poly1305' ? 12 : version <= 0x0301 ? 16 : 0;
  const seed = new Uint8Array(64);
  seed.set(serverRandom, 0);
  seed.set(clientRandom, 32);
  const prf: HashName = version < 0x0303 ? 'md5' : suite.prf;
  const kb = tlsPrf(prf, master, 'key expansion', seed, 2 * (macLen + suite.keyLen + ivLen));
  let o = 0;
  const take = (n: number): Uint8Array => kb.slice(o, (o += n));
  const cMac = take(macLen);
  const sMac = take(macLen);
  const cKey = take(suite.keyLen);
  const sKey = take(suite.keyLen);
  const cIv = take(ivLen);
  const sIv = take(ivLen);
  const mk = (name: string, key: Uint8Array, iv: Uint8Array, macKey: Uint8Array): Epoch => ({
    name,
    alg,
    key,
    iv,
    macKey,
    mac: suite.mac,
    etm,
    seq: 0,
    tls13: false,
  });
  return [mk('client write keys', cKey, cIv, cMac), mk('server write keys', sKey, sIv, sMac)];
}

interface Opened {
  plain: Uint8Array | null;
  unauth?: boolean;
  err?: string;
}

/** Records run through a cipher (tests count them: a lookup decrypts only its records). */
export const tlsDecryptWork = { records: 0 };

/** Decrypt one record with one epoch (does not advance the sequence number). */
function openRecord(p: CryptoProvider, e: Epoch, r: TlsRecord): Opened {
  tlsDecryptWork.records++;
  const hdr = Uint8Array.of(r.type, r.version >> 8, r.version & 0xff, r.length >> 8, r.length & 0xff);
  if (e.alg === 'cbc') return openCbc(e, r);
  if (e.tls13) {
    const nonce = xorNonce(e.iv, e.seq);
    if (!r.complete) return { plain: aeadDecryptPrefix(e.alg, e.key, nonce, r.body), unauth: true };
    return { plain: aeadOpen(p, e.alg, e.key, nonce, e.noAad ? new Uint8Array(0) : hdr, r.body) };
  }
  // TLS 1.2 AEAD: additional_data = seq_num + type + version + plaintext length (RFC 5246 §6.2.3.3).
  const explicit = e.alg === 'chacha20-poly1305' ? 0 : 8;
  const nonce = explicit ? new Uint8Array([...e.iv, ...r.body.subarray(0, 8)]) : xorNonce(e.iv, e.seq);
  if (!r.complete) {
    if (r.body.length < explicit) return { plain: null, err: 'record too short' };
    return { plain: aeadDecryptPrefix(e.alg, e.key, nonce, r.body.subarray(explicit)), unauth: true };
  }
  const plainLen = r.length - explicit - 16;
  if (plainLen < 0) return { plain: null, err: 'record shorter than its nonce and tag' };
  const aad = new Uint8Array(13);
  aad.set(seq8(e.seq));
  aad[8] = r.type;
  aad[9] = r.version >> 8;
  aad[10] = r.version & 0xff;
  aad[11] = plainLen >> 8;
  aad[12] = plainLen & 0xff;
  return { plain: aeadOpen(p, e.alg, e.key, nonce, aad, r.body.subarray(explicit)) };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/**
 * CBC records: MAC-then-encrypt (RFC 5246 §6.2.3.2) or encrypt-then-MAC (RFC 7366 §3).
 * TLS 1.1+ records start with the IV; TLS 1.0 chains the IV from the previous record.
 */
function openCbc(e: Epoch, r: TlsRecord): Opened {
  if (!r.complete || !e.mac || !e.macKey) return { plain: null, err: 'incomplete CBC record' };
  const macLen = hashLength(e.mac);
  const body = r.body;
  const chained = e.iv.length === 16;
  const mac = (content: Uint8Array): Uint8Array => {
    const h = new Uint8Array(13);
    h.set(seq8(e.seq));
    h[8] = r.type;
    h[9] = r.version >> 8;
    h[10] = r.version & 0xff;
    h[11] = content.length >> 8;
    h[12] = content.length & 0xff;
    return hmac(e.mac as HashName, e.macKey as Uint8Array, h, content);
  };
  let ctPart = body;
  if (e.etm) {
    if (body.length < macLen) return { plain: null };
    ctPart = body.subarray(0, body.length - macLen);
    if (!equalBytes(mac(ctPart), body.subarray(body.length - macLen))) return { plain: null };
  }
  const iv = chained ? e.iv : ctPart.subarray(0, 16);
  const ct = chained ? ctPart : ctPart.subarray(16);
  const dec = cbcDecrypt(e.key, iv, ct);
  if (!dec) return { plain: null };
  if (chained) e.iv = ct.slice(ct.length - 16);
  const pad = dec[dec.length - 1];
  const end = dec.length - pad - 1;
  if (end < (e.etm ? 0 : macLen)) return { plain: null };
  for (let i = end; i < dec.length - 1; i++) if (dec[i] !== pad) return { plain: null };
  if (e.etm) return { plain: dec.subarray(0, end) };
  const content = dec.subarray(0, end - macLen);
  if (!equalBytes(mac(content), dec.subarray(end - macLen, end))) return { plain: null };
  return { plain: content };
}

/**
 * The plaintext of a record from its key (the decrypted-record cache first): what decryption
 * gave when the stream was decrypted, made again alone. Undefined for records without a key.
 */
export function recordPlaintext(t: TlsStreamResult, i: number): Uint8Array | undefined {
  const b = backing(t);
  const uid = b.uid;
  const hit = cachedPlaintext(uid, i);
  if (hit) return hit;
  const s = recordAt(t, i);
  const k = s.key;
  if (!k) return undefined;
  const o = openRecord(k.p, { ...k.epoch, seq: k.seq, iv: k.iv }, s.record);
  const out = o.plain && k.tls13 && !k.unauth ? (unpad13(o.plain)?.content ?? null) : o.plain;
  if (!out && b.file) {
    // The file's bytes are not what the stream had (never seen): read from the stream made whole.
    sourceFileWork.fallbacks++;
    b.src = b.file.whole();
    b.file = undefined;
    return recordPlaintext(t, i);
  }
  // It decrypted with this key before: the ciphertext it reads is the same bytes.
  if (!out) throw new Error(`TLS record ${s.record.index} no longer decrypts with its key`);
  keepPlaintext(uid, i, out);
  return out;
}

/** The plaintexts of records [i, j) of a decrypted stream (undefined: not decrypted, or not encrypted). */
export function recordPlaintexts(t: TlsStreamResult, i: number, j: number): (Uint8Array | undefined)[] {
  const out: (Uint8Array | undefined)[] = [];
  for (let k = Math.max(0, i); k < Math.min(j, t.recs.n); k++) out.push(recordKeyed(t.recs, k) || t.kept.get(k)?.key ? recordPlaintext(t, k) : undefined);
  return out;
}

/** Whether a record has content in the clear (decrypted, or handshake sent in clear), without decrypting it. */
export function hasPlaintext(s: RecordSummary): boolean {
  return s.key !== undefined || s.plaintext !== undefined;
}

/** Plaintext bytes of a record, without decrypting it again (held by its summary or by the record cache). */
export function plaintextBytes(s: RecordSummary): number {
  return s.key ? (s.key.size ?? 0) : (s.plaintext?.length ?? 0);
}

/** The stream and record a plaintext chunk's bytes come from (not enumerable: copies of a chunk keep them). */
const CHUNK_RECORD = Symbol('record');
const CHUNK_STREAM = Symbol('stream');
type LazyChunk = StreamChunk & { [CHUNK_RECORD]: number; [CHUNK_STREAM]: TlsStreamResult };

function lazyBytes(this: LazyChunk): Uint8Array {
  return recordPlaintext(this[CHUNK_STREAM], this[CHUNK_RECORD]) ?? new Uint8Array(0);
}

/**
 * A copy of a plaintext chunk with another event (the HTTP layer shows bytes in the frame that
 * completed the record): its bytes stay read from the record on demand, not copied.
 */
export function chunkWithEvent(c: StreamChunk, event: number): StreamChunk {
  const d = Object.getOwnPropertyDescriptors(c);
  d.event = { value: event, enumerable: true, writable: true, configurable: true };
  return Object.defineProperties({}, d) as StreamChunk;
}

/** TLS 1.3 inner plaintext (RFC 8446 §5.2): content || type || zeros. */
function unpad13(p: Uint8Array): { type: number; content: Uint8Array } | null {
  let i = p.length - 1;
  while (i >= 0 && p[i] === 0) i--;
  if (i < 0) return null;
  return { type: p[i], content: p.subarray(0, i) };
}

/**
 * Inner content type of a TLS 1.3 record whose end (where the type is) was not captured:
 * handshake-epoch records carry handshake messages; in application epochs a handshake message
 * (NewSessionTicket, KeyUpdate) is recognised by its header length filling the record exactly
 * (no padding), anything else is taken as application data.
 */
function guessInnerType(e: Epoch, r: TlsRecord, p: Uint8Array): number {
  if (!e.name.startsWith('application')) return CT_HANDSHAKE;
  if (p.length >= 4 && (p[0] === HS_NEW_SESSION_TICKET || p[0] === HS_KEY_UPDATE)) {
    const len = (p[1] << 16) | (p[2] << 8) | p[3];
    if (len + 4 === r.length - 16 - 1) return CT_HANDSHAKE;
  }
  return CT_APPLICATION_DATA;
}

export function isTls13(v: number | undefined): boolean {
  return v === 0x0304 || (v !== undefined && (v & 0xff00) === 0x7f00);
}

/**
 * The decryption of one stream where it stands: the record scanner, the hellos read, each
 * direction's keys and sequence numbers at the last record decrypted, and the result so far. A
 * stream that grew (a followed capture) or is read again goes on from the last record
 * (advanceTls): each record goes through the cipher once, however often the stream grows.
 */
export interface TlsDecoder {
  store: KeyStore;
  p: CryptoProvider;
  scan: RecordScanner;
  /** Records read by the hello pass; its state per direction. */
  helloAt: number;
  hb: [HandshakeBuffer, HandshakeBuffer];
  stop: [boolean, boolean];
  /** Set once the hellos are known (or the stream ended without them): the second pass runs. */
  keyed: Keyed | undefined;
  /** Records through the second pass. */
  decodedAt: number;
  result: TlsStreamResult;
  /** The store's generation at the last advance, and what of the store the records read (keySignature). */
  gen: number;
  sig: string;
}

/** The second pass's state between two records. */
interface Keyed {
  tls13: boolean;
  suite: SuiteInfo | undefined;
  secrets: SessionSecrets | undefined;
  unsupported: string;
  dirs: [DirCrypto, DirCrypto];
  encrypted: number;
  decrypted: number;
  noKey: number;
  unauth: number;
  hello: { ch: ClientHelloInfo | undefined; sh: ServerHelloInfo | undefined };
}

function newResult(session: TlsSessionInfo, notes: string[], b: Backing): TlsStreamResult {
  const t = { status: 'no-encrypted-data', statusText: 'no encrypted records', session, recs: createRecordColumns(), kept: new Map(), notes } as Omit<TlsStreamResult, 'stream'>;
  Object.defineProperty(t, BACKING, { value: b });
  Object.defineProperty(t, 'stream', { get: () => plainStream(t as TlsStreamResult), enumerable: true });
  return t as TlsStreamResult;
}

/** A decoder for `src` (nothing read yet). */
export function createTlsDecoder(src: ByteStream, store: KeyStore, p: CryptoProvider): TlsDecoder {
  const notes: string[] = [];
  const stream: ByteStream = { id: `tls:${src.id}`, kind: 'tls', client: src.client, server: src.server, chunks: [], notes };
  const session: TlsSessionInfo = { helloRetry: false, certificates: [], clientRandoms: [] };
  const scan = createRecordScanner(notes);
  return {
    store,
    p,
    scan,
    helloAt: 0,
    hb: [createHandshakeBuffer(), createHandshakeBuffer()],
    stop: [false, false],
    keyed: undefined,
    decodedAt: 0,
    result: newResult(session, notes, { uid: ++decodings, p, src, scan, file: undefined, epochAt: [[], []], epochs: [[], []], error: undefined, plainBytes: 0, shell: stream, filled: false, plainSeq: [0, 0], appData: 0 }),
    gen: store.generation,
    sig: '',
  };
}

/** Decrypt a TLS ByteStream with the store's secrets. Never throws. */
export function decryptTlsStream(src: ByteStream, store: KeyStore, p: CryptoProvider): TlsStreamResult {
  const d = createTlsDecoder(src, store, p);
  advanceTls(d, src, true);
  return d.result;
}

/**
 * Read the records `src` has after those decoded: `src` is the decoder's stream, grown (its
 * first chunks are those read). `final`: the stream ends here (a record still in progress is
 * kept cut); else such a record waits for more chunks. False, with nothing read, when `src`
 * does not continue what was read, or keys added since concern records already decoded: the
 * caller decodes again from the start.
 */
export function advanceTls(d: TlsDecoder, src: ByteStream, final: boolean): boolean {
  if (d.store.generation !== d.gen) {
    if (keySignature(d) !== d.sig) return false;
    d.gen = d.store.generation;
  }
  if (!scanMoreRecords(d.scan, src, final)) return false;
  // The grown stream may be another object with the same first chunks: records are read from it.
  const b = backing(d.result);
  b.src = src;
  b.file = undefined;
  const records = d.scan.records;
  if (!d.keyed) {
    helloPass(d, records);
    if (!helloDone(d) && !final) return true;
    d.keyed = setUpKeys(d);
  }
  for (; d.decodedAt < records.length; d.decodedAt++) decodeRecord(d, d.keyed, records[d.decodedAt]);
  // Decoded records live on as columns (and kept summaries): the scanner lets them go.
  d.scan.base += records.length;
  records.length = 0;
  d.decodedAt = 0;
  if (final) trimRecordColumns(d.result.recs);
  setStatus(d.result, d.keyed);
  d.sig = keySignature(d);
  return true;
}

/**
 * Whether what the decoder decoded still holds with the store as it is now (keys added for other
 * sessions only): then it goes on with them; else the stream is decoded again from its start.
 */
export function keysStillFit(d: TlsDecoder): boolean {
  if (d.store.generation === d.gen) return true;
  if (keySignature(d) !== d.sig) return false;
  d.gen = d.store.generation;
  return true;
}

/** What the store holds for this stream's sessions: the same after new keys, no record decodes otherwise. */
function keySignature(d: TlsDecoder): string {
  if (!d.keyed) return '';
  const randoms = new Set(d.result.session.clientRandoms);
  const ch = d.keyed.hello.ch;
  if (ch) randoms.add(toHex(ch.random));
  const parts = [...randoms].map((r) => {
    const s = d.store.byRandom.get(r);
    if (!s) return `${r}:-`;
    const has = (x: Uint8Array | undefined): string => (x ? toHex(x) : '-');
    return `${r}:${has(s.master)},${has(s.clientEarly)},${has(s.clientHandshake)},${has(s.serverHandshake)},${s.clientTraffic.map(toHex).join('+')},${s.serverTraffic.map(toHex).join('+')}`;
  });
  const psk = d.store.psks[0];
  return `${parts.join(';')}|${psk ? toHex(psk) : ''}`;
}

/** Pass 1 has what it looks for: the first ClientHello and ServerHello (or their direction moved on to encrypted records). */
function helloDone(d: TlsDecoder): boolean {
  const s = d.result.session;
  return (s.clientHello !== undefined || d.stop[0]) && (s.serverHello !== undefined || d.stop[1]);
}

/** Pass 1: the first hellos, from plaintext handshake records. */
function helloPass(d: TlsDecoder, records: readonly TlsRecord[]): void {
  const { hb, stop } = d;
  const session = d.result.session;
  for (; d.helloAt < records.length && !helloDone(d); d.helloAt++) {
    const r = records[d.helloAt];
    if (stop[r.dir]) continue;
    if (r.type === CT_CHANGE_CIPHER_SPEC || r.type === CT_APPLICATION_DATA) {
      stop[r.dir] = true;
      continue;
    }
    if (r.type !== CT_HANDSHAKE) continue;
    if (!r.complete) {
      // A ClientHello only partly recorded (strace -s 256): its random still picks the keys.
      if (r.dir === 0 && !session.clientHello && hb[0].n === 0 && r.body[0] === HS_CLIENT_HELLO && r.body.length >= 38) {
        session.clientHello = parseClientHello({ type: HS_CLIENT_HELLO, body: r.body.subarray(4), raw: r.body }) ?? undefined;
        if (session.clientHello) d.result.notes.push(`ClientHello only partly captured (${r.body.length} of ${r.length} bytes): extensions after the cut are unknown`);
      }
      stop[r.dir] = true;
      continue;
    }
    for (const m of pushHandshake(hb[r.dir], r.body)) {
      if (m.type === HS_CLIENT_HELLO && !session.clientHello) session.clientHello = parseClientHello(m) ?? undefined;
      if (m.type === HS_SERVER_HELLO) {
        const sh = parseServerHello(m);
        if (sh?.helloRetry) session.helloRetry = true;
        else if (sh && !session.serverHello) {
          session.serverHello = sh;
          stop[1] = true;
        }
      }
    }
  }
}

/** The session's version, suite and secrets from the hellos, and each direction's epochs. */
function setUpKeys(d: TlsDecoder): Keyed {
  const session = d.result.session;
  const ch = session.clientHello;
  const sh = session.serverHello;
  session.version = sh?.selectedVersion;
  session.cipherSuite = sh?.cipherSuite;
  session.sni = ch?.sni;
  session.alpn = sh?.alpn;
  const suite = sh ? SUITES.get(sh.cipherSuite) : undefined;
  session.suiteName = suite?.name;
  const tls13 = isTls13(sh?.selectedVersion);
  const secrets: SessionSecrets | undefined = ch ? d.store.byRandom.get(toHex(ch.random)) : undefined;
  if (ch) session.clientRandoms.push(toHex(ch.random));

  const dirs: [DirCrypto, DirCrypto] = [
    { active: null, epochs: [], cur: 0, hs: createHandshakeBuffer() },
    { active: null, epochs: [], cur: 0, hs: createHandshakeBuffer() },
  ];
  let unsupported = '';
  if (tls13 && suite && secrets) {
    const v = sh?.selectedVersion ?? 0x0304;
    const draft = (v & 0xff00) === 0x7f00 ? v & 0xff : 0;
    // draft-ietf-tls-tls13: "tls13 " labels from draft 20; record AAD from draft 25.
    const prefix = draft && draft < 20 ? 'TLS 1.3, ' : 'tls13 ';
    const noAad = draft > 0 && draft < 25;
    const add = (dc: DirCrypto, name: string, s: Uint8Array | undefined): void => {
      if (!s) return;
      const e = epoch13(name, suite, s, prefix, noAad);
      if (e) dc.epochs.push(e);
    };
    if (ch?.earlyData) add(dirs[0], 'early traffic secret', secrets.clientEarly);
    add(dirs[0], 'handshake traffic secret', secrets.clientHandshake);
    add(dirs[0], 'application traffic secret 0', secrets.clientTraffic[0]);
    add(dirs[1], 'handshake traffic secret', secrets.serverHandshake);
    add(dirs[1], 'application traffic secret 0', secrets.serverTraffic[0]);
    if (suite && aeadFor(suite) === null) unsupported = `${suite.name} is not supported yet`;
  } else if (suite && aeadFor(suite) === null) {
    unsupported = `${suite.name} is not supported yet`;
  }
  return { tls13, suite, secrets, unsupported, dirs, encrypted: 0, decrypted: 0, noKey: 0, unauth: 0, hello: { ch, sh } };
}

function onHandshake(d: TlsDecoder, k: Keyed, dir: StreamDir, m: HandshakeMessage, r: TlsRecord): void {
  const session = d.result.session;
  const { tls13, suite, dirs } = k;
  if (m.type === HS_CLIENT_HELLO) {
    const c = parseClientHello(m);
    if (c) {
      k.hello = { ...k.hello, ch: c };
      const hex = toHex(c.random);
      if (!session.clientRandoms.includes(hex)) session.clientRandoms.push(hex);
    }
  } else if (m.type === HS_SERVER_HELLO) {
    const s = parseServerHello(m);
    if (s && !s.helloRetry) k.hello = { ...k.hello, sh: s };
  } else if (m.type === HS_CERTIFICATE && dir === 1) {
    session.certificates.push(...parseCertificates(m, tls13));
  } else if (m.type === HS_ENCRYPTED_EXTENSIONS) {
    session.alpn ??= parseEncryptedExtensionsAlpn(m);
  } else if (tls13 && (m.type === HS_FINISHED || m.type === HS_END_OF_EARLY_DATA)) {
    // The sender's next records use its next epoch (RFC 8446 §4.4.4, §4.5).
    const dc = dirs[dir];
    const e = dc.epochs[dc.cur];
    const want = m.type === HS_FINISHED ? 'handshake' : 'early';
    if (e?.name.startsWith(want) && dc.cur + 1 < dc.epochs.length) {
      dc.cur++;
      dc.epochs[dc.cur].seq = 0;
    }
  } else if (m.type === HS_KEY_UPDATE && tls13 && suite) {
    const dc = dirs[dir];
    const e = dc.epochs[dc.cur];
    const n = e ? nextEpoch(e, suite) : null;
    if (n) {
      dc.epochs.splice(dc.cur + 1, 0, n);
      dc.cur++;
      d.result.notes.push(`KeyUpdate from the ${dir === 0 ? 'client' : 'server'} at event ${r.lastEvent}`);
    }
  }
}

/** Pass 2, one record in arrival order: decrypt it, decode its handshake messages, add its plaintext chunk. */
function decodeRecord(dd: TlsDecoder, k: Keyed, r: TlsRecord): void {
  const res = dd.result;
  const p = dd.p;
  const store = dd.store;
  const { tls13, secrets } = k;
  const fail = (message: string): void => {
    res.failure ??= { event: r.event, record: r.index, message };
  };
  const d = k.dirs[r.dir];
  const sum: RecordSummary = { record: r, contentType: r.type, handshakes: [], encrypted: false };
  let plain: Uint8Array | null = null;
  let type = r.type;
  let key: RecordKey | undefined;
  if (tls13) {
    if (r.type === CT_APPLICATION_DATA) {
      sum.encrypted = true;
      k.encrypted++;
      if (d.epochs.length === 0) {
        k.noKey++;
        sum.error = k.unsupported || 'no key for this session';
      } else {
        let got: Opened | null = null;
        for (let j = d.cur; j < d.epochs.length; j++) {
          const e = d.epochs[j];
          const saved = e.seq;
          if (j > d.cur) e.seq = 0;
          const o = openRecord(p, e, r);
          if (o.plain && (!o.unauth || j === d.cur)) {
            got = o;
            d.cur = j;
            key = { epoch: e, seq: e.seq, iv: e.iv, p, tls13: true, unauth: o.unauth === true };
            e.seq++;
            break;
          }
          e.seq = saved;
        }
        // A partly captured record hides its inner type (it is at the end): infer it from the epoch.
        const inner = got?.plain ? (got.unauth ? { type: guessInnerType(d.epochs[d.cur], r, got.plain), content: got.plain } : unpad13(got.plain)) : null;
        if (got && inner) {
          k.decrypted++;
          plain = inner.content;
          type = inner.type;
          sum.unauthenticated = got.unauth;
          sum.contentType = type;
        } else if (r.dir === 0 && k.hello.ch?.earlyData && !secrets?.clientEarly && d.cur === 0) {
          // 0-RTT data without its secret: expected to stay encrypted.
          k.noKey++;
          sum.error = 'early data: CLIENT_EARLY_TRAFFIC_SECRET not in the key log';
        } else {
          sum.error = `authentication failed (${d.epochs[d.cur]?.name ?? 'no epoch'})`;
          fail(sum.error);
        }
      }
    } else if (r.type === CT_HANDSHAKE && r.complete) {
      plain = r.body;
    }
  } else {
    const act = d.active;
    if (act !== null && !(r.type === CT_CHANGE_CIPHER_SPEC && act === 'nokey')) {
      sum.encrypted = true;
      k.encrypted++;
      if (act === 'nokey') {
        k.noKey++;
        sum.error = k.unsupported || 'no key for this session';
      } else {
        const before = { seq: act.seq, iv: act.iv };
        const o = openRecord(p, act, r);
        if (o.plain) {
          key = { epoch: act, seq: before.seq, iv: before.iv, p, tls13: false, unauth: o.unauth === true };
          act.seq++;
          k.decrypted++;
          plain = o.plain;
          sum.unauthenticated = o.unauth;
        } else {
          act.seq++;
          sum.error = o.err ?? 'authentication failed';
          fail(sum.error);
        }
      }
    } else if (r.complete) {
      plain = r.body;
    }
    if (r.type === CT_CHANGE_CIPHER_SPEC) {
      // New keys for this direction from the latest hellos (renegotiation picks new ones).
      const c = k.hello.ch;
      const s = k.hello.sh;
      const su = s ? SUITES.get(s.cipherSuite) : undefined;
      const sec = c ? store.byRandom.get(toHex(c.random)) : undefined;
      const master = sec?.master ?? (su && c && s ? pskMaster(store, su, c.random, s.random, s.selectedVersion) : undefined);
      const ep = su && master && c && s ? epochs12(su, master, c.random, s.random, s.selectedVersion, c.encryptThenMac && s.encryptThenMac) : null;
      if (!ep && su && aeadFor(su) === null) k.unsupported = `${su.name} is not supported yet`;
      else if (!ep && s && !su) k.unsupported = `cipher suite 0x${s.cipherSuite.toString(16).padStart(4, '0')} is not supported`;
      d.active = ep ? ep[r.dir] : 'nokey';
    }
  }
  if (sum.unauthenticated) k.unauth++;
  const lazy = plain !== null && key !== undefined && type === CT_APPLICATION_DATA && sum.encrypted;
  const b = backing(res);
  const i = r.index;
  if (lazy && plain && key) {
    // Application data is read again from the record when asked (recordPlaintext), not held.
    key.size = plain.length;
    sum.key = key;
    keepPlaintext(b.uid, i, plain);
  } else if (plain) sum.plaintext = plain;
  b.plainBytes += plain?.length ?? 0;
  if (plain && type === CT_HANDSHAKE && (sum.unauthenticated || !r.complete)) {
    // Part of the record is missing: the message in it is lost; restart at the next record.
    d.hs.n = 0;
  } else if (plain && type === CT_HANDSHAKE) {
    for (const m of pushHandshake(d.hs, plain)) {
      sum.handshakes.push(m);
      onHandshake(dd, k, r.dir, m, r);
    }
  } else if (type === CT_APPLICATION_DATA && sum.encrypted) {
    b.appData++;
    // The plaintext stream, once made (plainStream), goes on with this record.
    if (b.filled) b.shell.chunks.push(plainChunk(res, sum, b.plainSeq));
  }
  // Only a kept summary is read again: its plaintext getter is made for it alone, not for every
  // record (a keyed record's summary is dropped here; recordAt makes one when asked).
  if (indexRecord(res, b, sum, key) && lazy) Object.defineProperty(sum, 'plaintext', { get: () => recordPlaintext(res, i), enumerable: true, configurable: true });
}

/**
 * The plaintext chunk of an application data record (encrypted): its bytes read from the record
 * when asked (decrypted again when the record cache dropped them), a gap when it did not decrypt.
 * `seq`: each direction's next plaintext position, moved past this chunk.
 */
function plainChunk(res: TlsStreamResult, s: RecordSummary, seq: [number, number]): StreamChunk {
  const r = s.record;
  const lazy = s.key !== undefined;
  const bytes = lazy ? EMPTY : (s.plaintext ?? EMPTY);
  const size = lazy ? (s.key?.size ?? 0) : bytes.length;
  const missing = r.complete ? 0 : r.length - r.body.length;
  return makeChunk(res, r, lazy, lazy || s.plaintext !== undefined, bytes, size, missing, seq);
}

/** plainChunk of a record without a kept summary, from its columns (no summary made, no ciphertext read). */
function columnChunk(res: TlsStreamResult, b: Backing, i: number, seq: [number, number]): StreamChunk {
  const c = res.recs;
  const dir = recordDir(c, i);
  const length = recordLength(c, i);
  const ch = srcAt(b, dir, c.pos[i]);
  const r = { index: i, dir, event: ch?.event ?? c.ev[i], time: ch?.time ?? 0, lastEvent: c.ev[i], length };
  const keyed = recordKeyed(c, i);
  return makeChunk(res, r, keyed, keyed, EMPTY, keyed ? aeadPlainLength(epochOf(b, dir, i), length) : 0, 0, seq);
}

type ChunkOf = Pick<TlsRecord, 'index' | 'dir' | 'event' | 'time' | 'lastEvent' | 'length'>;

function makeChunk(res: TlsStreamResult, r: ChunkOf, lazy: boolean, has: boolean, bytes: Uint8Array, size: number, missing: number, seq: [number, number]): StreamChunk {
  const chunk: StreamChunk = { dir: r.dir, event: r.event, time: r.time, bytes, seq: seq[r.dir] };
  if (lazy) {
    Object.defineProperty(chunk, CHUNK_RECORD, { value: r.index });
    Object.defineProperty(chunk, CHUNK_STREAM, { value: res });
    Object.defineProperty(chunk, 'size', { value: size });
    Object.defineProperty(chunk, 'bytes', { get: lazyBytes, enumerable: true, configurable: true });
  }
  if (r.lastEvent !== r.event) chunk.lastEvent = r.lastEvent;
  if (!has) chunk.gap = Math.max(0, r.length - 16);
  else if (missing > 0) chunk.truncated = missing;
  if (chunk.gap) chunk.seq += chunk.gap; // seq counts the gap before the chunk
  seq[r.dir] = chunk.seq + size + (chunk.truncated ?? 0);
  return chunk;
}

const EMPTY = new Uint8Array(0);

/**
 * The plaintext stream (kind 'tls'), made from the records when first read and then kept with
 * the result (the HTTP layers and follow read it): a TLS filter or the details of a frame never
 * make it, so the stream holds nothing per record but its columns.
 */
function plainStream(t: TlsStreamResult): ByteStream {
  const b = backing(t);
  if (b.filled) return b.shell;
  plainStreamWork.builds++;
  const seq: [number, number] = [0, 0];
  const chunks = b.shell.chunks;
  for (let i = 0; i < t.recs.n; i++) {
    if (recordContentType(t.recs, i) !== CT_APPLICATION_DATA || !recordEncrypted(t.recs, i)) continue;
    const kept = t.kept.get(i);
    if (!kept) chunks.push(columnChunk(t, b, i, seq));
    else if (kept.contentType === CT_APPLICATION_DATA && kept.encrypted) chunks.push(plainChunk(t, kept, seq));
  }
  b.plainSeq = seq;
  b.filled = true;
  return b.shell;
}

/** Plaintext streams made from their records (tests: a TLS filter makes none). */
export const plainStreamWork = { builds: 0 };

/** Application data chunks of the plaintext stream (counted without making it). */
export const plainChunkCount = (t: TlsStreamResult): number => backing(t).appData;

/** Whether the plaintext stream was made (its chunks are held). */
export const plainStreamMade = (t: TlsStreamResult): boolean => backing(t).filled;

/**
 * The first plaintext chunks, until `need[d]` bytes of each direction (or `max` chunks), without
 * making the plaintext stream: what tells HTTP/1.x or HTTP/2 from the stream's start.
 */
export function plainStart(t: TlsStreamResult, need: [number, number], max = 64): ByteStream {
  const b = backing(t);
  if (b.filled) return b.shell;
  const seq: [number, number] = [0, 0];
  const got = [0, 0];
  const chunks: StreamChunk[] = [];
  for (let i = 0; i < t.recs.n && chunks.length < max && (got[0] < need[0] || got[1] < need[1]); i++) {
    if (recordContentType(t.recs, i) !== CT_APPLICATION_DATA || !recordEncrypted(t.recs, i)) continue;
    const s = recordAt(t, i);
    if (s.contentType !== CT_APPLICATION_DATA || !s.encrypted) continue;
    const c = plainChunk(t, s, seq);
    got[c.dir] += c.size ?? c.bytes.length;
    chunks.push(c);
  }
  return { ...b.shell, chunks };
}

/**
 * The record's columns, and its summary kept only when the columns and the stream's bytes cannot
 * make it again: application data that decrypted with an AEAD epoch (no TLS 1.3 padding), or
 * that did not decrypt with the stream's one error text, needs no object.
 */
/** Push the record's columns; true when its summary is kept (the columns cannot rebuild it). */
function indexRecord(res: TlsStreamResult, b: Backing, sum: RecordSummary, key: RecordKey | undefined): boolean {
  const r = sum.record;
  const i = r.index;
  const app = sum.contentType === CT_APPLICATION_DATA && r.type === CT_APPLICATION_DATA && sum.encrypted && r.complete && !sum.unauthenticated;
  const keyed = app && key !== undefined && sum.key === key && key.iv === key.epoch.iv && key.size === aeadPlainLength(key.epoch, r.length) && key.seq < 2 ** 32;
  const unkeyed = app && key === undefined && sum.plaintext === undefined && sum.error !== undefined && (b.error ??= sum.error) === sum.error;
  pushRecordColumns(res.recs, sum, keyed && key ? key.seq : undefined);
  if ((!keyed && !unkeyed) || res.recs.odd.has(i)) {
    res.kept.set(i, sum);
    return true;
  }
  if (keyed && key) {
    const at = b.epochAt[r.dir];
    const eps = b.epochs[r.dir];
    if (eps[eps.length - 1] !== key.epoch) {
      at.push(i);
      eps.push(key.epoch);
    }
  }
  return false;
}

function setStatus(res: TlsStreamResult, k: Keyed): void {
  const ch = res.session.clientHello;
  if (k.encrypted === 0) {
    res.status = 'no-encrypted-data';
    res.statusText = 'no encrypted records';
  } else if (res.failure) {
    res.status = 'auth-failed';
    res.statusText = `key present but authentication failed at event ${res.failure.event} (record ${res.failure.record}): ${res.failure.message}`;
  } else if (k.decrypted === 0 && k.unsupported) {
    res.status = 'unsupported';
    res.statusText = k.unsupported;
  } else if (k.decrypted === 0) {
    res.status = 'no-key';
    res.statusText = ch ? `no key for this session (client random ${toHex(ch.random)})` : 'no key: the ClientHello was not captured';
  } else {
    res.status = 'decrypted';
    res.statusText = `decrypted ${k.decrypted} of ${k.encrypted} encrypted records`;
    if (k.noKey) res.statusText += ` (${k.noKey} without keys)`;
    if (k.unauth) res.statusText += `; ${k.unauth} partly captured records decrypted without authentication`;
  }
}
