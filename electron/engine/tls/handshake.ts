/**
 * Handshake messages (RFC 8446 §4, RFC 5246 §7.4): reassembled from handshake records of one
 * direction (a message may span records, a record may hold several), and the hellos and
 * certificates decoded into plain summaries.
 */
import { summariseCertificate, type CertSummary } from './der.ts';
import { byteCursor, readU16, readU8, readVector, type ByteCursor } from '../bytes/cursor.ts';

export const HS_CLIENT_HELLO = 1;
export const HS_SERVER_HELLO = 2;
export const HS_NEW_SESSION_TICKET = 4;
export const HS_END_OF_EARLY_DATA = 5;
export const HS_ENCRYPTED_EXTENSIONS = 8;
export const HS_CERTIFICATE = 11;
export const HS_FINISHED = 20;
export const HS_KEY_UPDATE = 24;

/** Extension numbers (IANA "TLS ExtensionType Values"). */
const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;
const EXT_ENCRYPT_THEN_MAC = 22;
const EXT_EARLY_DATA = 42;
const EXT_SUPPORTED_VERSIONS = 43;
const EXT_KEY_SHARE = 51;
/** Draft TLS 1.3 versions before 23 numbered key_share 40 (draft-ietf-tls-tls13-20 §4.2). */
const EXT_KEY_SHARE_OLD = 40;

/** RFC 8446 §4.1.3: a ServerHello with this random is a HelloRetryRequest (SHA-256 of "HelloRetryRequest"). */
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

export interface HandshakeMessage {
  type: number;
  /** The message body (without the 4-byte header). */
  body: Uint8Array;
  /** The whole message including its header (a data source for field ranges). */
  raw: Uint8Array;
}

export interface ClientHelloInfo {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  sni?: string;
  alpn: string[];
  supportedVersions: number[];
  keyShareGroups: number[];
  earlyData: boolean;
  encryptThenMac: boolean;
  /** Offsets inside `raw` of random (32 B), for field ranges. */
  randomOffset: number;
  /** The message was cut short (not captured in full): later fields may be missing. */
  partial?: boolean;
}

export interface ServerHelloInfo {
  /** legacy_version from the message. */
  version: number;
  random: Uint8Array;
  cipherSuite: number;
  /** Negotiated version: supported_versions if present, else legacy_version. */
  selectedVersion: number;
  alpn?: string;
  keyShareGroup?: number;
  helloRetry: boolean;
  encryptThenMac: boolean;
  randomOffset: number;
}

/** Reassembles handshake messages of one direction. */
export interface HandshakeBuffer {
  buf: Uint8Array;
  n: number;
}

export function createHandshakeBuffer(): HandshakeBuffer {
  return { buf: new Uint8Array(0), n: 0 };
}

/** Append handshake record plaintext; return the messages now complete. */
export function pushHandshake(h: HandshakeBuffer, data: Uint8Array): HandshakeMessage[] {
  let src: Uint8Array;
  if (h.n === 0) {
    src = data;
  } else {
    if (h.buf.length < h.n + data.length) {
      const nb = new Uint8Array(Math.max(h.n + data.length, h.buf.length * 2));
      nb.set(h.buf.subarray(0, h.n));
      h.buf = nb;
    }
    h.buf.set(data, h.n);
    h.n += data.length;
    src = h.buf.subarray(0, h.n);
  }
  const out: HandshakeMessage[] = [];
  let i = 0;
  while (i + 4 <= src.length) {
    const len = (src[i + 1] << 16) | (src[i + 2] << 8) | src[i + 3];
    if (i + 4 + len > src.length) break;
    const raw = src.slice(i, i + 4 + len);
    out.push({ type: src[i], body: raw.subarray(4), raw });
    i += 4 + len;
  }
  const rest = src.length - i;
  if (rest > 0) {
    if (h.buf.length < rest) h.buf = new Uint8Array(Math.max(rest, 256));
    h.buf.set(src.subarray(i), 0);
  }
  h.n = rest;
  return out;
}

const latin1 = new TextDecoder('latin1');

interface Ext {
  type: number;
  data: ByteCursor;
}

function extensions(c: ByteCursor): Ext[] {
  if (c.pos >= c.end) return [];
  const all = readVector(c, 2);
  const out: Ext[] = [];
  while (all.pos < all.end) {
    const type = readU16(all);
    out.push({ type, data: readVector(all, 2) });
  }
  return out;
}

/** Decode a ClientHello body; null when it is malformed. */
export function parseClientHello(m: HandshakeMessage): ClientHelloInfo | null {
  if (m.body.length < 34) return null;
  const info: ClientHelloInfo = {
    version: (m.body[0] << 8) | m.body[1],
    random: m.body.slice(2, 34),
    sessionId: new Uint8Array(0),
    cipherSuites: [],
    alpn: [],
    supportedVersions: [],
    keyShareGroups: [],
    earlyData: false,
    encryptThenMac: false,
    randomOffset: 6,
  };
  try {
    const c = byteCursor(m.body, 34);
    const sid = readVector(c, 1);
    info.sessionId = m.body.slice(sid.pos, sid.end);
    const suites = readVector(c, 2);
    while (suites.pos + 2 <= suites.end) info.cipherSuites.push(readU16(suites));
    readVector(c, 1);
    for (const e of extensions(c)) {
      const d = e.data;
      if (e.type === EXT_SERVER_NAME) {
        const list = readVector(d, 2);
        while (list.pos < list.end) {
          const t = readU8(list);
          const n = readVector(list, 2);
          if (t === 0 && info.sni === undefined) info.sni = latin1.decode(n.bytes.subarray(n.pos, n.end));
        }
      } else if (e.type === EXT_ALPN) {
        const list = readVector(d, 2);
        while (list.pos < list.end) {
          const n = readVector(list, 1);
          info.alpn.push(latin1.decode(n.bytes.subarray(n.pos, n.end)));
        }
      } else if (e.type === EXT_SUPPORTED_VERSIONS) {
        const list = readVector(d, 1);
        while (list.pos + 2 <= list.end) info.supportedVersions.push(readU16(list));
      } else if (e.type === EXT_KEY_SHARE || e.type === EXT_KEY_SHARE_OLD) {
        const list = readVector(d, 2);
        while (list.pos < list.end) {
          info.keyShareGroups.push(readU16(list));
          readVector(list, 2);
        }
      } else if (e.type === EXT_EARLY_DATA) {
        info.earlyData = true;
      } else if (e.type === EXT_ENCRYPT_THEN_MAC) {
        info.encryptThenMac = true;
      }
    }
    return info;
  } catch {
    // Cut short (e.g. strace -s): the random is what picks the keys; keep what parsed.
    info.partial = true;
    return info;
  }
}

function hexOf(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

/** Decode a ServerHello (or HelloRetryRequest) body; null when malformed. */
export function parseServerHello(m: HandshakeMessage): ServerHelloInfo | null {
  try {
    const c = byteCursor(m.body, 0);
    const version = readU16(c);
    const randomOffset = 4 + c.pos;
    const random = m.body.slice(c.pos, c.pos + 32);
    c.pos += 32;
    // Drafts of TLS 1.3 (0x7fxx) dropped legacy_session_id until draft 22.
    const draft = (version & 0xff00) === 0x7f00;
    if (!draft) readVector(c, 1);
    const cipherSuite = readU16(c);
    if (!draft) readU8(c); // compression
    const info: ServerHelloInfo = {
      version,
      random,
      cipherSuite,
      selectedVersion: version,
      helloRetry: hexOf(random) === HRR_RANDOM,
      encryptThenMac: false,
      randomOffset,
    };
    for (const e of extensions(c)) {
      const d = e.data;
      if (e.type === EXT_SUPPORTED_VERSIONS) info.selectedVersion = readU16(d);
      else if (e.type === EXT_KEY_SHARE || e.type === EXT_KEY_SHARE_OLD) info.keyShareGroup = readU16(d);
      else if (e.type === EXT_ENCRYPT_THEN_MAC) info.encryptThenMac = true;
      else if (e.type === EXT_ALPN) {
        const list = readVector(d, 2);
        const n = readVector(list, 1);
        info.alpn = latin1.decode(n.bytes.subarray(n.pos, n.end));
      }
    }
    return info;
  } catch {
    return null;
  }
}

/** ALPN from EncryptedExtensions (TLS 1.3 sends the server's ALPN choice there). */
export function parseEncryptedExtensionsAlpn(m: HandshakeMessage): string | undefined {
  try {
    const c = byteCursor(m.body, 0);
    for (const e of extensions(c)) {
      if (e.type !== EXT_ALPN) continue;
      const list = readVector(e.data, 2);
      const n = readVector(list, 1);
      return latin1.decode(n.bytes.subarray(n.pos, n.end));
    }
  } catch {
    // malformed: no ALPN
  }
  return undefined;
}

/** Certificates of a Certificate message (TLS 1.3 format when `tls13`). */
export function parseCertificates(m: HandshakeMessage, tls13: boolean): CertSummary[] {
  const out: CertSummary[] = [];
  try {
    const c = byteCursor(m.body, 0);
    if (tls13) readVector(c, 1);
    const list = readVector(c, 3);
    while (list.pos < list.end) {
      const cert = readVector(list, 3);
      const s = summariseCertificate(cert.bytes.subarray(cert.pos, cert.end));
      if (s) out.push(s);
      if (tls13) readVector(list, 2);
    }
  } catch {
    // keep what parsed
  }
  return out;
}

/** Display names of TLS versions (legacy and supported_versions values). */
export function versionName(v: number): string {
  if (v === 0x0300) return 'SSLv3';
  if (v >= 0x0301 && v <= 0x0304) return `TLSv1.${v - 0x0301}`;
  if ((v & 0xff00) === 0x7f00) return `TLSv1.3 (draft ${v & 0xff})`;
  return `0x${v.toString(16).padStart(4, '0')}`;
}
