/**
 * The packet list's Protocol and Info for TLS records, as tshark 4.0 shows them: the records
 * completed in a frame, each named by what it carried (handshake messages, Change Cipher Spec,
 * alerts, application data or what the layer above made of it), joined with ", "; Protocol the
 * session's version once a ServerHello chose it, else the record header's (so a TLS 1.3
 * ClientHello in a 0x0301 record shows `TLSv1`). Frames carrying part of a record that ends later
 * show `[TCP segment of a reassembled PDU]` (packet-tcp.c's tag for segments of a PDU being
 * desegmented).
 */
import type { ByteStream } from '../streams/byte-stream.ts';
import { HANDSHAKE_TYPES } from './fields.ts';
import { HS_SERVER_HELLO, parseServerHello } from './handshake.ts';
import { CT_ALERT, CT_APPLICATION_DATA, CT_CHANGE_CIPHER_SPEC, CT_HANDSHAKE, CT_HEARTBEAT, type TlsRecord } from './records.ts';
import { recordDir, recordLength } from './record-index.ts';
import { hasPlaintext, type RecordSummary, type TlsStreamResult } from './session.ts';

export interface RowColumns {
  protocol: string;
  info: string;
}

/** packet-tcp.c's Info tag for a segment whose bytes belong to a PDU completed later. */
export const TCP_SEGMENT_TAG = '[TCP segment of a reassembled PDU]';
/** packet-tls.c's Info for a decrypted record whose data is part of a PDU of the layer above. */
export const TLS_SEGMENT_TAG = '[TLS segment of a reassembled PDU]';

/** Wireshark's ssl_version_short_names (packet-tls-utils.c); TLS 1.3 drafts show as TLSv1.3. */
export function tlsShortName(v: number): string {
  if (v === 0x0002) return 'SSLv2';
  if (v === 0x0300) return 'SSLv3';
  if (v >= 0x0301 && v <= 0x0304) return v === 0x0301 ? 'TLSv1' : `TLSv1.${v - 0x0301}`;
  if ((v & 0xff00) === 0x7f00) return 'TLSv1.3';
  return 'TLS';
}

/** RFC 8446 §6 and RFC 5246 §7.2 alert descriptions, named as Wireshark's ssl_31_alert_description. */
const ALERT_DESCRIPTIONS: Record<number, string> = {
  0: 'Close Notify',
  10: 'Unexpected Message',
  20: 'Bad Record MAC',
  21: 'Decryption Failed',
  22: 'Record Overflow',
  30: 'Decompression Failure',
  40: 'Handshake Failure',
  41: 'No Certificate',
  42: 'Bad Certificate',
  43: 'Unsupported Certificate',
  44: 'Certificate Revoked',
  45: 'Certificate Expired',
  46: 'Certificate Unknown',
  47: 'Illegal Parameter',
  48: 'Unknown CA',
  49: 'Access Denied',
  50: 'Decode Error',
  51: 'Decrypt Error',
  60: 'Export Restriction',
  70: 'Protocol Version',
  71: 'Insufficient Security',
  80: 'Internal Error',
  86: 'Inappropriate Fallback',
  90: 'User Canceled',
  100: 'No Renegotiation',
  109: 'Missing Extension',
  110: 'Unsupported Extension',
  111: 'Certificate Unobtainable',
  112: 'Unrecognized Name',
  113: 'Bad Certificate Status Response',
  114: 'Bad Certificate Hash Value',
  115: 'Unknown PSK Identity',
  116: 'Certificate Required',
  120: 'No application Protocol',
};
const ALERT_LEVELS: Record<number, string> = { 1: 'Warning', 2: 'Fatal' };

/** "Alert (Level: Warning, Description: Close Notify)" from an alert's two bytes (RFC 8446 §6). */
export function alertText(b: Uint8Array): string {
  if (b.length < 2) return 'Alert';
  const level = ALERT_LEVELS[b[0]] ?? `Unknown (${b[0]})`;
  const desc = ALERT_DESCRIPTIONS[b[1]] ?? `Unknown (${b[1]})`;
  return `Alert (Level: ${level}, Description: ${desc})`;
}

/** What the rows need of one stream's records, computed once per TLS result. */
interface StreamRows {
  /** Handshake types each handshake record carried a part of (fragments included), by record index. */
  touched: Map<number, number[]>;
  /** Index of the first record holding a ServerHello, and the version it chose. */
  helloAt: number;
  version: number;
}

const rowsOf = new WeakMap<TlsStreamResult, StreamRows>();

function streamRows(t: TlsStreamResult): StreamRows {
  let r = rowsOf.get(t);
  if (r) return r;
  r = { touched: new Map(), helloAt: Infinity, version: 0 };
  // Per direction: bytes left of the message being reassembled and its type; a header cut
  // between records is kept until its 4 bytes are there (RFC 8446 §5.1: messages may span records).
  const left = [0, 0];
  const type = [0, 0];
  const head: number[][] = [[], []];
  // Records that need no kept summary are application data: no handshake among them.
  for (const s of t.kept.values()) {
    if (s.handshakes.some((m) => m.type === HS_SERVER_HELLO) && r.helloAt === Infinity) {
      const sh = parseServerHello(s.handshakes.find((m) => m.type === HS_SERVER_HELLO)!);
      if (sh && !sh.helloRetry) {
        r.helloAt = s.record.index;
        r.version = sh.selectedVersion;
      }
    }
    if (s.contentType !== CT_HANDSHAKE) continue;
    const p = payload(s);
    if (!p) continue;
    const d = s.record.dir;
    const types: number[] = [];
    let i = 0;
    while (i < p.length) {
      if (left[d] > 0) {
        const n = Math.min(left[d], p.length - i);
        types.push(type[d]);
        left[d] -= n;
        i += n;
        continue;
      }
      const h = head[d];
      while (h.length < 4 && i < p.length) h.push(p[i++]);
      if (h.length < 4) {
        types.push(h[0]);
        break;
      }
      type[d] = h[0];
      left[d] = (h[1] << 16) | (h[2] << 8) | h[3];
      head[d] = [];
      if (left[d] === 0) types.push(type[d]);
    }
    r.touched.set(s.record.index, types);
  }
  rowsOf.set(t, r);
  return r;
}

/** The record's content in the clear: decrypted, or as sent when it was not encrypted. */
function payload(s: RecordSummary): Uint8Array | undefined {
  if (s.plaintext) return s.plaintext;
  return s.encrypted ? undefined : s.record.body;
}

/** The Info text of one record, for records that carry no application data. */
export function recordInfo(t: TlsStreamResult, s: RecordSummary): string {
  // Application data never reads its plaintext here (it would be decrypted again for a row).
  const p = s.contentType === CT_APPLICATION_DATA ? undefined : payload(s);
  switch (s.contentType) {
    case CT_CHANGE_CIPHER_SPEC:
      return 'Change Cipher Spec';
    case CT_ALERT:
      return p ? alertText(p) : 'Encrypted Alert';
    case CT_HANDSHAKE: {
      if (!p) return 'Encrypted Handshake Message';
      // The messages completed in this record; a record holding only part of one names it a fragment.
      if (s.handshakes.length > 0) return s.handshakes.map((m) => handshakeName(m.type)).join(', ');
      const types = streamRows(t).touched.get(s.record.index) ?? [];
      return types.length > 0 ? `[${handshakeName(types[0])} Fragment]` : 'Encrypted Handshake Message';
    }
    case CT_APPLICATION_DATA:
      return 'Application Data';
    case CT_HEARTBEAT:
      return p?.[0] === 1 ? 'Heartbeat Request' : p?.[0] === 2 ? 'Heartbeat Response' : 'Encrypted Heartbeat';
    default:
      return 'Ignored Unknown Record';
  }
}

function handshakeName(type: number): string {
  return HANDSHAKE_TYPES[type as keyof typeof HANDSHAKE_TYPES] ?? `Unknown (${type})`;
}

/** Protocol column of a frame whose last completed record is `r`. */
export function recordProtocol(t: TlsStreamResult, r: TlsRecord): string {
  const rows = streamRows(t);
  return tlsShortName(r.index >= rows.helloAt ? rows.version : r.version);
}

/** True for a record whose decrypted content is application data for the layer above. */
export function carriesAppData(s: RecordSummary): boolean {
  return s.contentType === CT_APPLICATION_DATA && hasPlaintext(s);
}

/**
 * Events of `src` that carry bytes of a TLS record but complete none (tshark shows them as TCP
 * with the segment tag), mapped to true when a record starts in them (TLS was called on them
 * and cleared the Info: the tag is all of it) or false when they only continue one (the TCP
 * Info is kept, the tag appended). One pass over the chunks and records of each direction.
 */
export function partialRecordEvents(src: ByteStream, t: TlsStreamResult): Map<number, boolean> {
  const out = new Map<number, boolean>();
  const c = t.recs;
  // Per direction, the record numbers in order (from the columns; odd records from their summaries).
  const byDir: number[][] = [[], []];
  for (let i = 0; i < c.n; i++) byDir[recordDir(c, i)].push(i);
  const odd = (i: number): TlsRecord | undefined => (c.odd.has(i) ? t.kept.get(i)?.record : undefined);
  const pos = (i: number): number => odd(i)?.pos ?? c.pos[i];
  const end = (i: number): number => pos(i) + 5 + (odd(i)?.length ?? recordLength(c, i));
  const k = [0, 0];
  for (const ch of src.chunks) {
    if (ch.bytes.length === 0) continue;
    const recs = byDir[ch.dir];
    const a = ch.seq;
    const b = a + ch.bytes.length;
    while (k[ch.dir] < recs.length && end(recs[k[ch.dir]]) <= a) k[ch.dir]++;
    const r = recs[k[ch.dir]];
    if (r === undefined || pos(r) >= b || end(r) <= b) continue;
    // Only a record that ends after this chunk overlaps it: the chunk completes none.
    out.set(ch.event, pos(r) >= a);
  }
  return out;
}

/** What one frame of a TLS stream holds, for its row. */
export interface TlsFrame {
  tls: TlsStreamResult;
  /** Records completed in this frame (tshark dissects a record in the frame of its last byte). */
  records: readonly RecordSummary[] | undefined;
  /** Carries part of a record and completes none: true when a record starts in it. */
  partial: boolean | undefined;
  /** The decrypted data is HTTP/1.x (its segments show the TLS segment tag). */
  http1: boolean;
  /** The decrypted data is HTTP/2, and how many of its frames complete in this frame. */
  h2: boolean;
  h2Frames: number;
}

/**
 * A row's columns, or the segment tag to put on the TCP row: `append` keeps TCP's Info before
 * it, `alone` replaces it (by the tag, or by `lead` and the tag: what the layer wrote first).
 */
export type FrameColumns = RowColumns | { tcpTag: 'alone' | 'append'; lead?: string };

/**
 * The columns of a TLS frame. `httpInfos`: Info of the HTTP/1.x messages completed in this frame
 * (they take the last records carrying application data); `app`: the row of the layer above for
 * what it completed here (HTTP/2), which replaces the application data records.
 */
export function tlsFrameColumns(f: TlsFrame, httpInfos: readonly string[], app?: RowColumns): FrameColumns | undefined {
  const recs = f.records;
  if (!recs || recs.length === 0) return f.partial === undefined ? undefined : { tcpTag: f.partial ? 'alone' : 'append' };
  const nApp = recs.filter(carriesAppData).length;
  const firstHttp = nApp - Math.min(nApp, httpInfos.length);
  // tshark's Info column as packet-tls.c and packet-http.c write it: ", " before each record
  // after the first; the TLS segment tag and HTTP's first line *set* the column (replacing what
  // follows the fence), and the first tag puts the fence after itself.
  let info = '';
  let fence = 0;
  let tagged = false;
  let http = false;
  let appShown = false;
  let j = 0;
  recs.forEach((s, k) => {
    if (k > 0) info += ', ';
    if (!carriesAppData(s)) {
      info += recordInfo(f.tls, s);
      return;
    }
    const at = j++;
    if (app) {
      // The layer above names every frame the event completes once: no separator for later records.
      if (!appShown) info = info.slice(0, fence) + app.info;
      else info = info.slice(0, -2);
      appShown = true;
    } else if (f.http1 && at >= firstHttp) {
      info = info.slice(0, fence) + httpInfos[at - firstHttp];
      http = true;
    } else if (f.http1 || (f.h2 && f.h2Frames === 0)) {
      // Data the layer above keeps for a PDU it completes later.
      info = info.slice(0, fence) + TLS_SEGMENT_TAG;
      // Only the first tag leaves a fence: later ones and HTTP's line replace what follows it.
      if (!tagged) fence = info.length;
      tagged = true;
    } else {
      info += 'Application Data';
    }
  });
  const protocol = appShown && app ? app.protocol : http && !tagged ? 'HTTP' : recordProtocol(f.tls, recs[recs.length - 1].record);
  return { protocol, info };
}

/** Decrypted TLS data that starts like an HTTP/1.x request or response line (RFC 9112 §3, §4). */
export function looksLikeHttp1(b: Uint8Array): boolean {
  const head = String.fromCharCode(...b.subarray(0, 16));
  return /^(HTTP\/\d|[A-Z]{3,10} \S)/.test(head);
}
