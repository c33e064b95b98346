/**
 * Just enough DER (ITU-T X.690) to list a certificate's subject, issuer and validity
 * (RFC 5280 §4.1): TBSCertificate's fields are walked in order; nothing is verified.
 */

export interface CertSummary {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  serial: string;
}

interface Tlv {
  tag: number;
  start: number; // first content byte
  end: number; // one past the last content byte
}

function tlv(b: Uint8Array, i: number, limit: number): Tlv | null {
  if (i + 2 > limit) return null;
  const tag = b[i];
  let len = b[i + 1];
  let p = i + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return null;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + b[p + k];
    p += n;
  }
  if (p + len > limit) return null;
  return { tag, start: p, end: p + len };
}

/** Children of a constructed TLV. */
function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let i = t.start;
  while (i < t.end) {
    const c = tlv(b, i, t.end);
    if (!c) break;
    out.push(c);
    i = c.end;
  }
  return out;
}

function oid(b: Uint8Array, t: Tlv): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if ((b[i] & 0x80) === 0) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** RFC 4514 short names of the usual attribute types (X.520 OIDs). */
const ATTR: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

const utf8 = new TextDecoder('utf-8', { fatal: false });

function name(b: Uint8Array, t: Tlv): string {
  const out: string[] = [];
  for (const set of children(b, t)) {
    for (const atv of children(b, set)) {
      const [o, v] = children(b, atv);
      if (!o || !v) continue;
      const id = oid(b, o);
      out.push(`${ATTR[id] ?? id}=${utf8.decode(b.subarray(v.start, v.end))}`);
    }
  }
  return out.join(', ');
}

function time(b: Uint8Array, t: Tlv): string {
  const s = utf8.decode(b.subarray(t.start, t.end));
  // UTCTime YYMMDDHHMMSSZ (years 50–99 are 19xx, RFC 5280 §4.1.2.5.1); GeneralizedTime YYYYMMDDHHMMSSZ.
  const m = t.tag === 0x17 ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(s) : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(s);
  if (!m) return s;
  const year = t.tag === 0x17 ? (Number(m[1]) >= 50 ? 1900 : 2000) + Number(m[1]) : Number(m[1]);
  return `${year}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'} UTC`;
}

/** Subject, issuer, validity and serial of a DER certificate; null when it does not parse. */
export function summariseCertificate(b: Uint8Array): CertSummary | null {
  const cert = tlv(b, 0, b.length);
  if (!cert || cert.tag !== 0x30) return null;
  const tbs = children(b, cert)[0];
  if (!tbs || tbs.tag !== 0x30) return null;
  const f = children(b, tbs);
  let k = 0;
  if (f[k]?.tag === 0xa0) k++; // [0] EXPLICIT version
  const serial = f[k++];
  k++; // signature AlgorithmIdentifier
  const issuer = f[k++];
  const validity = f[k++];
  const subject = f[k];
  if (!serial || !issuer || !validity || !subject) return null;
  const [nb, na] = children(b, validity);
  let sn = '';
  for (let i = serial.start; i < serial.end; i++) sn += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return {
    subject: name(b, subject),
    issuer: name(b, issuer),
    notBefore: nb ? time(b, nb) : '',
    notAfter: na ? time(b, na) : '',
    serial: sn,
  };
}
