/**
 * TLS fields (names and types as Wireshark's packet-tls.c / packet-tls-utils.c declare them),
 * attached to the events that carried each record.
 */
import { concatBytes } from '../bytes/arrays.ts';
import { addField, type Dissection } from '../dissectors/dissection.ts';
import { defineField, defineProtocol } from '../fields/registry.ts';
import { HS_CLIENT_HELLO, HS_SERVER_HELLO, parseClientHello, parseServerHello } from './handshake.ts';
import { CT_APPLICATION_DATA } from './records.ts';
import { recordContentType, recordHandshakes, recordLength, recordVersion, type TlsRecordColumns } from './record-index.ts';
import type { RecordSummary } from './session.ts';
import { SUITE_NAMES } from './suites.ts';

const CONTENT_TYPES = { 20: 'Change Cipher Spec', 21: 'Alert', 22: 'Handshake', 23: 'Application Data', 24: 'Heartbeat' };
/** Handshake message names (RFC 8446 §4, RFC 5246 §7.4, RFC 8879), as Wireshark's ssl_31_handshake_type. */
export const HANDSHAKE_TYPES = {
  0: 'Hello Request',
  1: 'Client Hello',
  2: 'Server Hello',
  3: 'Hello Verify Request',
  4: 'New Session Ticket',
  5: 'End of Early Data',
  8: 'Encrypted Extensions',
  11: 'Certificate',
  12: 'Server Key Exchange',
  13: 'Certificate Request',
  14: 'Server Hello Done',
  15: 'Certificate Verify',
  16: 'Client Key Exchange',
  20: 'Finished',
  21: 'Certificate URL',
  22: 'Certificate Status',
  23: 'Supplemental Data',
  24: 'Key Update',
  25: 'Compressed Certificate',
  254: 'Message Hash',
};
const VERSIONS = { 768: 'SSL 3.0', 769: 'TLS 1.0', 770: 'TLS 1.1', 771: 'TLS 1.2', 772: 'TLS 1.3' };

export const hfTls = defineProtocol('tls', 'Transport Layer Security');
export const hfTlsRecordContentType = defineField({ name: 'tls.record.content_type', type: 'uint', description: 'Content Type', bits: 8, values: CONTENT_TYPES, multi: true });
export const hfTlsRecordVersion = defineField({ name: 'tls.record.version', type: 'uint', description: 'Version', base: 'hex', bits: 16, values: VERSIONS, multi: true });
export const hfTlsRecordLength = defineField({ name: 'tls.record.length', type: 'uint', description: 'Length', bits: 16, multi: true });
export const hfTlsHandshakeType = defineField({ name: 'tls.handshake.type', type: 'uint', description: 'Handshake Type', bits: 8, values: HANDSHAKE_TYPES, multi: true });
export const hfTlsHandshakeVersion = defineField({ name: 'tls.handshake.version', type: 'uint', description: 'Version', base: 'hex', bits: 16, values: VERSIONS, multi: true });
export const hfTlsHandshakeRandom = defineField({ name: 'tls.handshake.random', type: 'bytes', description: 'Random' });
export const hfTlsHandshakeSni = defineField({ name: 'tls.handshake.extensions_server_name', type: 'string', description: 'Server Name' });
export const hfTlsHandshakeAlpn = defineField({ name: 'tls.handshake.extensions_alpn_str', type: 'string', description: 'ALPN Next Protocol', multi: true });
export const hfTlsHandshakeCiphersuite = defineField({ name: 'tls.handshake.ciphersuite', type: 'uint', description: 'Cipher Suite', base: 'hex', bits: 16, values: SUITE_NAMES, multi: true });
export const hfTlsAppData = defineField({ name: 'tls.app_data', type: 'bytes', description: 'Encrypted Application Data', multi: true });

/** Every field this layer adds (to skip the work when a summary dissection wants none). */
export const TLS_FIELDS = [hfTls, hfTlsRecordContentType, hfTlsRecordVersion, hfTlsRecordLength, hfTlsHandshakeType, hfTlsHandshakeVersion, hfTlsHandshakeRandom, hfTlsHandshakeSni, hfTlsHandshakeAlpn, hfTlsHandshakeCiphersuite, hfTlsAppData];

/** The fields the record columns hold (record-index.ts): a filter naming only these reads no record object. */
export const TLS_COLUMN_FIELDS = [hfTls, hfTlsRecordContentType, hfTlsRecordVersion, hfTlsRecordLength, hfTlsHandshakeType];

/**
 * The TLS_COLUMN_FIELDS of records `recs` from the columns, in addTlsFields' order (values only:
 * the byte ranges and data sources are the details' business).
 */
export function addTlsColumnFields(d: Dissection, c: TlsRecordColumns, recs: readonly number[]): void {
  if (recs.length === 0) return;
  const top = addField(d, hfTls, 0, 0, -1);
  for (const i of recs) {
    addField(d, hfTlsRecordContentType, 0, 0, top, recordContentType(c, i));
    addField(d, hfTlsRecordVersion, 0, 0, top, recordVersion(c, i));
    addField(d, hfTlsRecordLength, 0, 0, top, recordLength(c, i));
    for (const t of recordHandshakes(c, i)) addField(d, hfTlsHandshakeType, 0, 0, top, t);
  }
  if (d.protocol !== 'HTTP2') d.protocol = 'TLS';
}

/**
 * Add the TLS fields of the records an event carried (records completed in this event). The
 * decrypted application data of those records becomes one "Decrypted TLS" data source (the
 * bytes the layer above reads in this frame); returns its index, or -1.
 */
export function addTlsFields(d: Dissection, records: readonly RecordSummary[]): number {
  if (records.length === 0) return -1;
  const top = addField(d, hfTls, 0, 0, -1);
  const app: Uint8Array[] = [];
  for (const s of records) {
    const r = s.record;
    // Each record's bytes become a data source so byte ranges point into the record.
    const src = d.sources.length;
    if (src > 250) break;
    const hdr = Uint8Array.of(r.type, r.version >> 8, r.version & 0xff, r.length >> 8, r.length & 0xff);
    const bytes = new Uint8Array(5 + r.body.length);
    bytes.set(hdr);
    bytes.set(r.body, 5);
    d.sources.push({ name: s.plaintext && s.encrypted ? 'TLS record (decrypted below)' : 'TLS record', bytes });
    addField(d, hfTlsRecordContentType, 0, 1, top, s.contentType, src);
    addField(d, hfTlsRecordVersion, 1, 2, top, r.version, src);
    addField(d, hfTlsRecordLength, 3, 2, top, r.length, src);
    // By the record's inner type, as tshark: a TLS 1.3 record that decrypts to a handshake is no application data.
    if (s.contentType === CT_APPLICATION_DATA) addField(d, hfTlsAppData, 5, r.body.length, top, undefined, src);
    if (s.contentType === CT_APPLICATION_DATA && s.plaintext) app.push(s.plaintext);
    if (s.handshakes.length === 0) continue;
    let psrc = src;
    if (s.encrypted && s.plaintext) {
      psrc = d.sources.length;
      d.sources.push({ name: 'Decrypted TLS', bytes: s.plaintext });
    }
    for (const m of s.handshakes) {
      // Messages reassembled over several records have no range in this record.
      const at = s.plaintext ? indexOf(s.plaintext, m.raw) : -1;
      const o = at >= 0 ? at : 0;
      const l = at >= 0 ? m.raw.length : 0;
      const hs = addField(d, hfTlsHandshakeType, o, Math.min(1, l), top, m.type, psrc);
      if (m.type === HS_CLIENT_HELLO) {
        const ch = parseClientHello(m);
        if (!ch) continue;
        addField(d, hfTlsHandshakeVersion, o + 4, l ? 2 : 0, hs, ch.version, psrc);
        addField(d, hfTlsHandshakeRandom, o + ch.randomOffset, l ? 32 : 0, hs, ch.random, psrc);
        for (const cs of ch.cipherSuites) addField(d, hfTlsHandshakeCiphersuite, o, 0, hs, cs, psrc);
        if (ch.sni !== undefined) addField(d, hfTlsHandshakeSni, o, 0, hs, ch.sni, psrc);
        for (const a of ch.alpn) addField(d, hfTlsHandshakeAlpn, o, 0, hs, a, psrc);
      } else if (m.type === HS_SERVER_HELLO) {
        const sh = parseServerHello(m);
        if (!sh) continue;
        addField(d, hfTlsHandshakeVersion, o + 4, l ? 2 : 0, hs, sh.version, psrc);
        addField(d, hfTlsHandshakeRandom, o + sh.randomOffset, l ? 32 : 0, hs, sh.random, psrc);
        addField(d, hfTlsHandshakeCiphersuite, o, 0, hs, sh.cipherSuite, psrc);
        if (sh.alpn !== undefined) addField(d, hfTlsHandshakeAlpn, o, 0, hs, sh.alpn, psrc);
      }
    }
  }
  if (d.protocol !== 'HTTP2') d.protocol = 'TLS';
  if (app.length === 0 || d.sources.length > 250) return -1;
  d.sources.push({ name: 'Decrypted TLS', bytes: concatBytes(app, app.reduce((n, p) => n + p.length, 0)) });
  return d.sources.length - 1;
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  if (needle.byteLength === 0) return -1;
  // Messages are slices of the record plaintext when they fit in one record: compare offsets.
  if (needle.buffer === hay.buffer) {
    const o = needle.byteOffset - hay.byteOffset;
    if (o >= 0 && o + needle.length <= hay.length) return o;
  }
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}
