/**
 * HTTP/1.x over TLS while the capture is still growing (followed): per TLS stream one HTTP
 * parser fed the plaintext of the records completed so far, each record once, so a decrypted
 * exchange is listed as soon as the events that complete it (and the key log lines for its
 * session) are in. A record still being written (its last bytes not captured yet), or one the
 * keys read so far do not open, holds the stream's later plaintext back until it is complete or
 * the keys arrive.
 *
 * A stream that grew goes on decrypting from its last record (tls/session.ts advanceTls, kept by
 * tls/capture-tls.ts): each record goes through the cipher once however often the stream grows,
 * so every look decrypts what is new. HTTP/2 over TLS (ALPN h2): the connection the TLS layer
 * parses from each look replaces the last one's exchanges in the live HTTP/2 list. Cleartext
 * HTTP/2 (h2c) waits for the whole-capture scan.
 */
import type { Capture } from '../capture.ts';
import type { DecodeBudget } from '../http/content-coding.ts';
import { createHttp1Parser, pushHttpChunk, type Http1Parser, type HttpExchange, type HttpMessage } from '../http/http1.ts';
import type { StreamChunk } from '../streams/byte-stream.ts';
import { fdStream } from '../streams/fd-streams.ts';
import { captureTls, decryptedStream, http2OfStream, tlsOfStream } from '../tls/capture-tls.ts';
import type { H2Connection } from '../http2/connection.ts';
import { addH2Connection, createH2List, type H2ExchangeList } from './h2-list.ts';
import { recordKeyed } from '../tls/record-index.ts';
import { recordAt, recordCount, type TlsStreamResult } from '../tls/session.ts';
import type { HttpIndex } from './http-index.ts';

/**
 * How long a stream whose plaintext is not all read (a record being written, keys not in the
 * key log yet, a decryption put off) holds back the events after it: a `tail` tests each event
 * once, so it must wait for what would make the event an HTTP message. Past this the stream
 * holds nothing (a session whose keys never come must not stop the follow).
 */
export const HOLD_MS = 3000;

interface LiveTlsStream {
  /** Created with the first plaintext (the decrypted stream's id). */
  p: Http1Parser | undefined;
  /** Plaintext chunks fed, and the last one's place (checked against the next decryption). */
  fed: number;
  last: { dir: number; seq: number; event: number } | undefined;
  /** The source grew, or keys were added, since the last decryption. */
  dirty: boolean;
  /** Since when the stream has had plaintext not fed (or growth not decrypted); undefined: all read. */
  heldSince: number | undefined;
  /** The stream's messages are known up to this event: the one before the first plaintext not fed, or all events at the last decryption. */
  knownTo: number;
  gen: number;
  /** HTTP/2 over this stream (ALPN h2): its connection as last parsed, and the decrypted stream's id. */
  h2?: { conn: H2Connection; stream: string };
}

export interface LiveTls {
  ix: HttpIndex;
  /** Per source stream id (`tcp:N`, `fd:…`): its state; null once it cannot give HTTP/1.x live. */
  streams: Map<string, LiveTlsStream | null>;
  /** A key log is followed (its secrets may come after the records they open): hold streams without keys too. */
  keysExpected: boolean;
  /** The HTTP/2 exchanges of the live connections over TLS (the layer's `h2` while following). */
  h2: H2ExchangeList;
  /** As LiveHttp's: refs of `ix.done` already in `ix.endRefs`, and the growing list behind it. */
  listed: number;
  refs: Uint32Array;
}

export function createLiveTls(ix: HttpIndex): LiveTls {
  return { ix, streams: new Map(), keysExpected: false, h2: createH2List(), listed: 0, refs: new Uint32Array(64) };
}

/** Source stream `id` has new events (a no-op for streams not followed as TLS). */
export function tlsStreamGrew(live: LiveTls, id: string): void {
  const st = live.streams.get(id);
  if (st) st.dirty = true;
}

/** Looks at grown streams (tests count them). */
export const liveTlsWork = { builds: 0 };

/**
 * Bring the TLS streams among `candidates` up to the events indexed so far: decrypt those that
 * grew (or that new keys may open) and feed their new complete plaintext to their parsers.
 * Returns the last event up to which every stream's messages are known (Infinity: all), the
 * streams holding back no longer than HOLD_MS. `now` is injectable for tests of the hold.
 */
export function followTls(
  capture: Capture,
  live: LiveTls,
  candidates: readonly { id: string; kind: 'tls' | 'h2' }[],
  onMessage: (m: HttpMessage, ex: HttpExchange) => void,
  decode: DecodeBudget,
  now: () => number = () => performance.now(),
): number {
  const keys = captureTls(capture).keys;
  // Without any secret nothing decrypts: no stream is even built, unless a key log being
  // written is followed (a trace's SSLKEYLOGFILE). Its first secrets may land after the records
  // they open (a key log poll behind the follow, a program that writes it asynchronously): the
  // streams are then held as for keys not in yet, no longer than HOLD_MS.
  if (keys.byRandom.size === 0 && keys.psks.length === 0 && !live.keysExpected) return Infinity;
  let known = Infinity;
  // Once the capture stopped growing nothing more will complete a record: decrypt now, hold nothing.
  const done = capture.info().done;
  let h2Grew = false;
  for (const { id, kind } of candidates) {
    if (kind !== 'tls') continue;
    let st = live.streams.get(id);
    if (st === null) continue;
    if (st === undefined) {
      st = { p: undefined, fed: 0, last: undefined, dirty: true, heldSince: undefined, knownTo: 0, gen: -1 };
      live.streams.set(id, st);
    }
    const t0 = now();
    let complete = !st.dirty && st.gen === keys.generation && st.heldSince === undefined;
    if (!complete && (st.dirty || st.gen !== keys.generation)) {
      liveTlsWork.builds++;
      // Decrypts only the records completed since the last look (the stream's decoder goes on).
      const tls = id.startsWith('fd:') ? decryptedStream(capture, fdStream(capture, id)) : tlsOfStream(capture, id);
      st.dirty = false;
      st.gen = keys.generation;
      const count = capture.count();
      // HTTP/2: the connection the TLS layer parsed from the same decryption (its cache entry).
      const h2 = tls && tls.session.alpn === 'h2' ? http2OfStream(capture, id) : null;
      if (h2 && tls) {
        st.h2 = { conn: h2, stream: tls.stream.id };
        h2Grew = true;
      }
      const r = !tls ? 'stop' : h2 ? waiting(tls, 0) : tls.session.alpn !== 'h2' ? feed(st, tls, onMessage, decode) : 'stop';
      if (r === 'stop') {
        live.streams.set(id, null);
        continue;
      }
      complete = r === 'all';
      st.knownTo = r === 'all' ? count : r - 1;
    }
    if (complete) st.heldSince = undefined;
    else {
      st.heldSince ??= t0;
      if (!done && t0 - st.heldSince < HOLD_MS) known = Math.min(known, st.knownTo);
    }
  }
  if (h2Grew) {
    // The HTTP/2 exchanges of every live connection again (a connection's exchanges are columns
    // made whole by parseHttp2; a grown connection replaces its old ones). Body sizes are not
    // decoded while following: the whole-capture scan does that once.
    const list = createH2List();
    for (const st of live.streams.values()) if (st?.h2) addH2Connection(list, st.h2.conn, st.h2.stream);
    live.h2 = list;
  }
  return known;
}

/** The first event after `after` from which a stream's plaintext waits: a chunk not decrypted or not complete, or a record that did not decrypt; 'all' when none. */
function waiting(tls: TlsStreamResult, after: number): 'all' | number {
  const c = tls.stream.chunks.find((c) => (c.lastEvent ?? c.event) > after && (c.gap !== undefined || c.truncated !== undefined));
  if (c) return c.event;
  // `key` is set on the records that decrypted (reading `plaintext` of one of those would decrypt it again).
  // From the columns: a keyed record decrypted; only the others are made into summaries.
  for (let i = 0; i < recordCount(tls); i++) {
    if (recordKeyed(tls.recs, i) || tls.recs.ev[i] <= after) continue;
    const r = recordAt(tls, i);
    if (r.record.event > after && r.encrypted && r.key === undefined && r.plaintext === undefined) return r.record.event;
  }
  return 'all';
}

/**
 * Feed the chunks after the ones fed: 'all' of them, or the event from which the rest waits
 * (a chunk not decrypted or not complete, or a record that did not decrypt: without its keys a
 * TLS 1.3 stream has no plaintext chunks at all), or 'stop' (the stream cannot go on live).
 */
function feed(st: LiveTlsStream, tls: TlsStreamResult, onMessage: (m: HttpMessage, ex: HttpExchange) => void, decode: DecodeBudget): 'all' | number | 'stop' {
  const chunks = tls.stream.chunks;
  // The plaintext fed before must be where it was (it is, unless new keys changed what decrypts).
  if (st.last) {
    const c = chunks[st.fed - 1] as StreamChunk | undefined;
    if (!c || c.dir !== st.last.dir || c.seq !== st.last.seq || (c.lastEvent ?? c.event) !== st.last.event) return 'stop';
  }
  for (let k = st.fed; k < chunks.length; k++) {
    const c = chunks[k];
    // Not decrypted (yet), or the record's end is not written yet: later bytes wait for it.
    if (c.gap !== undefined || c.truncated !== undefined) return c.event;
    st.p ??= createHttp1Parser(tls.stream.id, { bodies: 'size', retain: false, headers: 'index', scratch: true, decodeBudget: decode, onMessage });
    // tshark's frame of a decrypted message: the event that completed its record (tshFrames).
    const event = c.lastEvent ?? c.event;
    pushHttpChunk(st.p, event === c.event ? c : { ...c, event });
    st.fed = k + 1;
    st.last = { dir: c.dir, seq: c.seq, event };
    if (st.p.notHttp) return 'stop';
  }
  // An encrypted record after the plaintext fed that did not decrypt.
  return waiting(tls, st.last?.event ?? 0);
}
