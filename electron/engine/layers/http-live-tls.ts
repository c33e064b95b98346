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
 * so every look decrypts what is new. HTTP/2 over TLS waits for the whole-capture scan.
 */
import type { Capture } from '../capture.ts';
import type { DecodeBudget } from '../http/content-coding.ts';
import { createHttp1Parser, pushHttpChunk, type Http1Parser, type HttpExchange, type HttpMessage } from '../http/http1.ts';
import type { StreamChunk } from '../streams/byte-stream.ts';
import { fdStream } from '../streams/fd-streams.ts';
import { captureTls, decryptedStream, tlsOfStream } from '../tls/capture-tls.ts';
import type { TlsStreamResult } from '../tls/session.ts';
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
}

export interface LiveTls {
  ix: HttpIndex;
  /** Per source stream id (`tcp:N`, `fd:…`): its state; null once it cannot give HTTP/1.x live. */
  streams: Map<string, LiveTlsStream | null>;
  /** As LiveHttp's: refs of `ix.done` already in `ix.endRefs`, and the growing list behind it. */
  listed: number;
  refs: Uint32Array;
}

export function createLiveTls(ix: HttpIndex): LiveTls {
  return { ix, streams: new Map(), listed: 0, refs: new Uint32Array(64) };
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
  // Without any secret nothing decrypts: wait for the key log (no stream is even built).
  if (keys.byRandom.size === 0 && keys.psks.length === 0) return Infinity;
  let known = Infinity;
  // Once the capture stopped growing nothing more will complete a record: decrypt now, hold nothing.
  const done = capture.info().done;
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
      const r = tls && tls.session.alpn !== 'h2' ? feed(st, tls, onMessage, decode) : 'stop';
      if (r === 'stop') {
        live.streams.set(id, null);
        continue;
      }
      complete = r === 'all';
      st.knownTo = complete ? count : (tls?.stream.chunks[st.fed]?.event ?? 1) - 1;
    }
    if (complete) st.heldSince = undefined;
    else {
      st.heldSince ??= t0;
      if (!done && t0 - st.heldSince < HOLD_MS) known = Math.min(known, st.knownTo);
    }
  }
  return known;
}

/** Feed the chunks after the ones fed: 'all' of them, 'some' (the rest waits), or 'stop' (the stream cannot go on live). */
function feed(st: LiveTlsStream, tls: TlsStreamResult, onMessage: (m: HttpMessage, ex: HttpExchange) => void, decode: DecodeBudget): 'all' | 'some' | 'stop' {
  const chunks = tls.stream.chunks;
  // The plaintext fed before must be where it was (it is, unless new keys changed what decrypts).
  if (st.last) {
    const c = chunks[st.fed - 1] as StreamChunk | undefined;
    if (!c || c.dir !== st.last.dir || c.seq !== st.last.seq || (c.lastEvent ?? c.event) !== st.last.event) return 'stop';
  }
  for (let k = st.fed; k < chunks.length; k++) {
    const c = chunks[k];
    // Not decrypted (yet), or the record's end is not written yet: later bytes wait for it.
    if (c.gap !== undefined || c.truncated !== undefined) return 'some';
    st.p ??= createHttp1Parser(tls.stream.id, { bodies: 'size', retain: false, headers: 'index', decodeBudget: decode, onMessage });
    // tshark's frame of a decrypted message: the event that completed its record (tshFrames).
    const event = c.lastEvent ?? c.event;
    pushHttpChunk(st.p, event === c.event ? c : { ...c, event });
    st.fed = k + 1;
    st.last = { dir: c.dir, seq: c.seq, event };
    if (st.p.notHttp) return 'stop';
  }
  return 'all';
}
