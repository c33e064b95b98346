/**
 * TLS and HTTP/2 for one open capture: its key store (key log files, text, pcapng DSBs),
 * decryption results cached per stream and recomputed when keys are added (no reopening),
 * HTTP/2 connections over the decrypted streams, and the TLS/HTTP/2 fields of each event.
 *
 * Streams come from the streams layer (TCP) or from fd streams of syscall captures.
 */
import type { TlsStreamInfo } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import type { Dissection } from '../dissectors/dissection.ts';
import { connectionIndexBytes, framesOfEvent, packConnection, parseHttp2, startsWithPreface, streamHttp2, type H2Connection, type H2Frame } from '../http2/connection.ts';
import { http2Exchanges, type HttpExchange } from '../http2/exchanges.ts';
import { addHttp2Fields, HTTP2_FIELDS, HTTP2_HEADER_FIELDS } from '../http2/fields.ts';
import { tlsRecordCacheBudget, tlsRecordCacheMessage, tlsStreamCacheBudget, tlsStreamCacheMessage } from '../limits.ts';
import type { ByteStream } from '../streams/byte-stream.ts';
import { followTcpSegments } from '../streams/segment-follow.ts';
import { fdIoStreamOfEvent, fdStream, fdStreamHead, fdStreamInfo, listFdStreams, type FdStreamInfo } from '../streams/fd-streams.ts';
import { streamDirOf, tcpStreamOf } from '../streams/conversations.ts';
import { readTcpFileBytes, tcpFileBytes, tcpFileEventAt, tcpFileMapBytes } from '../streams/tcp-file-bytes.ts';
import { startsWithNeither, streamStartsOf } from '../index/stream-starts.ts';
import { createFrameReader, createTcpFollowState, feedTcpFrame, heldFragments, readFrame, streamIdOfFrame, tcpStream, tcpStreamFrames, type TcpFollowState } from '../streams/tcp-reassembly.ts';
import { cryptoProvider, type CryptoProvider, type CryptoProfileName } from './crypto.ts';
import {
  addTlsColumnFields,
  addTlsFields,
  hfTls,
  hfTlsRecordLength,
  hfTlsRecordVersion,
  TLS_COLUMN_FIELDS,
  TLS_FIELDS,
} from './fields.ts';
import { addDsbSecrets, addKeylogFile, addKeylogText, addPsk, createKeyStore, exportKeylog, type KeylogAddResult, type KeyStore } from './keylog.ts';
import { HS_CLIENT_HELLO, HS_SERVER_HELLO } from './handshake.ts';
import { looksLikeTls } from './records.ts';
import { recordEncrypted, recordHandshakes, recordIndexBytes, recordsAtEvent, type TlsRecordColumns } from './record-index.ts';
import { looksLikeHttp1, partialRecordEvents, type TlsFrame } from './rows.ts';
import {
  advanceTls,
  createTlsDecoder,
  detachSource,
  dropPlainStream,
  forgetStreamPlaintexts,
  isTls13,
  keysStillFit,
  plainChunkCount,
  plainStart,
  plainStreamMade,
  readSourceFrom,
  recordAt,
  sourceFileBytes,
  sourceOf,
  streamPlaintextBytes,
  type RecordSummary,
  type TlsDecoder,
  type TlsStreamResult,
} from './session.ts';

interface StreamEntry {
  gen: number;
  /** null: not TLS. */
  tls: TlsStreamResult | null;
  h2: H2Connection | null;
  /** The TLS records as columns (an event's records by binary search). */
  recs: TlsRecordColumns | null;
  /** Events carrying part of a TLS record and completing none (tls/rows.ts). */
  partialTls: Map<number, boolean>;
  /** Events indexed when built, while the capture was still growing (followed); else undefined. */
  growing?: number;
  /** What the entry holds, estimated (entryBytes): the cache's budget counts it. */
  bytes: number;
  /** Where decryption stands: a stream that grew goes on from its last record (session.ts advanceTls). */
  dec?: TlsDecoder;
  /** A TCP stream of a capture still growing: its reassembly, fed only the frames indexed since. */
  grow?: GrowingTcp;
  /** Plaintext chunks `h2` was parsed from. */
  h2Chunks?: number;
  /** The plaintext starts like HTTP/1.x (undefined until it has bytes). */
  http1?: boolean;
  /**
   * Records and key generation of the last look that found no plaintext (no key for the stream):
   * the same records with the same keys find none again, so tlsFrameOf asks again only when either
   * changed, not for every event (io,phs asks per event: 48 µs each on a keyless TLS capture).
   */
  http1Tried?: { records: number; gen: number };
}

interface GrowingTcp {
  st: TcpFollowState;
  /** Frames of the stream fed, and the last one (the stream's frame list must start with those). */
  fed: number;
  last: number;
}

/**
 * TCP stream `id` of a capture still growing, reassembled on from where the last look left it:
 * the frames indexed since are read, not the stream from its start. Undefined for other streams.
 */
function grownTcpStream(c: Capture, id: string, g: GrowingTcp | undefined): GrowingTcp | undefined {
  const int = c.internals();
  const m = /^tcp:(\d+)$/.exec(id);
  if (int.kind !== 'packets' || !m || Number(m[1]) >= int.conv.nTcp) return undefined;
  const frames = tcpStreamFrames(int, Number(m[1]));
  let at = g;
  if (!at || frames.length < at.fed || (at.fed > 0 && frames[at.fed - 1] !== at.last)) at = { st: createTcpFollowState(id), fed: 0, last: 0 };
  const r = createFrameReader(int);
  for (; at.fed < frames.length; at.fed++) {
    const f = frames[at.fed];
    readFrame(r, f);
    if (!feedTcpFrame(r, at.st, f)) at.st.stream.notes.push(`frame ${f}: no readable TCP header`);
    at.last = f;
    growWork.frames++;
  }
  return at;
}

/** Frames read by grownTcpStream (tests count them). */
export const growWork = { frames: 0 };

export interface CaptureTls {
  keys: KeyStore;
  provider: CryptoProvider;
  /** pcapng DSB secrets already loaded into the store (more may arrive while indexing). */
  dsbLoaded: number;
  /** Built streams, least recently read first; their bytes together stay within the budget (but the last). */
  cache: Map<string, StreamEntry>;
  cacheBytes: number;
  /**
   * TLS streams dropped from the cache, each once: for a TCP stream of a finished capture the
   * whole entry with its source's chunks let go (readSourceFrom: a record's ciphertext is read
   * from its frames in the file), taken back into the cache when read again; else, or once the
   * whole entries outgrow their budget, only its record columns (16 bytes a record), which answer
   * column-only filters without decrypting again.
   */
  dropped: Map<string, Dropped>;
  /** The streams of `dropped` kept whole, least recently dropped first, with what each holds (droppedEntryBytes); `droppedBytes` their sum, within droppedBudget. */
  droppedWhole: Map<string, number>;
  droppedBytes: number;
  /** What each TCP stream's start showed (startKind), and the streams of a finished capture whose start decides nothing. */
  starts: Map<string, StartKind>;
  undecidedStarts: Set<string>;
  /** TCP streams of a finished capture decoded without keys (clearEntry): what their clear records say. */
  clear: Map<string, ClearEntry>;
  /** Syscall captures: the fd streams built so far, for the capture's event count then. */
  fd?: { streams: Map<string, ByteStream>; count: number };
}

/** A stream dropped from the cache: its entry kept whole (without its source's chunks), or what answers column filters. */
type Dropped = StreamEntry | Pick<StreamEntry, 'gen' | 'growing' | 'recs'>;
const keptWhole = (d: Dropped): d is StreamEntry => 'tls' in d;

/**
 * Keyed by the capture's index object, which a capture session's Capture (layers/session.ts)
 * shares with the format's capture it extends: both see one key store and one stream cache.
 */
const perCapture = new WeakMap<object, CaptureTls>();

/** The TLS state of a capture (created on first use). */
export function captureTls(capture: Capture, profile?: CryptoProfileName): CaptureTls {
  const c = capture;
  const key = c.internals().index;
  let t = perCapture.get(key);
  if (!t) {
    t = { keys: createKeyStore(), provider: cryptoProvider(profile), dsbLoaded: 0, cache: new Map(), cacheBytes: 0, dropped: new Map(), droppedWhole: new Map(), droppedBytes: 0, starts: new Map(), undecidedStarts: new Set(), clear: new Map() };
    perCapture.set(key, t);
  }
  if (profile && t.provider.name !== profile) {
    t.provider = cryptoProvider(profile);
    t.cache.clear();
    t.dropped.clear();
    t.droppedWhole.clear();
    t.droppedBytes = 0;
    t.cacheBytes = 0;
  }
  const int = c.internals();
  if (int.kind === 'packets' && int.index.secrets.length > t.dsbLoaded) {
    addDsbSecrets(t.keys, int.index.secrets.slice(t.dsbLoaded));
    t.dsbLoaded = int.index.secrets.length;
  }
  return t;
}

/** Add a key log (file path or text) to an open capture; affected streams re-decrypt on next use. */
export function addCaptureKeylog(c: Capture, src: { path?: string; text?: string; psk?: string }): KeylogAddResult {
  const t = captureTls(c);
  if (src.psk !== undefined) {
    const before = t.keys.generation;
    if (!addPsk(t.keys, src.psk)) return { added: 0, lines: 0, errors: [{ line: 0, message: 'a pre-shared key is 1 to 64 bytes of hex' }] };
    return { added: t.keys.generation > before ? 1 : 0, lines: 1, errors: [] };
  }
  if (src.path !== undefined) return addKeylogFile(t.keys, src.path);
  if (src.text !== undefined) return addKeylogText(t.keys, src.text);
  return { added: 0, lines: 0, errors: [{ line: 0, message: 'addKeylog needs a path or a text' }] };
}

/** The capture's secrets (files, DSBs, added text) as one NSS key log. */
export function exportCaptureKeylog(c: Capture): string {
  return exportKeylog(captureTls(c).keys);
}

/** Only sockets can carry TLS: a connected or accepted fd, or one named by a tuple or TCP. */
function mayCarryTls(info: FdStreamInfo): boolean {
  return info.role !== 'other' || /TCP|->|:\d+$/.test(info.name);
}

/** Syscall captures: the fd streams built so far (each on first use; all again once the capture grew). */
function builtFdStreams(c: Capture, t: CaptureTls): Map<string, ByteStream> {
  if (!t.fd || t.fd.count !== c.count()) t.fd = { streams: new Map(), count: c.count() };
  return t.fd.streams;
}

/** Source byte streams that may carry TLS: TCP streams, or fd streams of syscall captures. */
export function sourceStreamIds(c: Capture): string[] {
  const int = c.internals();
  if (int.kind === 'packets') return Array.from({ length: int.conv.nTcp }, (_, n) => `tcp:${n}`);
  return listFdStreams(c).filter(mayCarryTls).map((info) => info.id);
}

function sourceStream(c: Capture, id: string): ByteStream | undefined {
  const int = c.internals();
  if (int.kind === 'packets') {
    const m = /^tcp:(\d+)$/.exec(id);
    return m && Number(m[1]) < int.conv.nTcp ? tcpStream(int, Number(m[1])) : undefined;
  }
  const built = builtFdStreams(c, captureTls(c));
  let s = built.get(id);
  if (s) return s;
  const info = fdStreamInfo(c, id);
  if (!info || !mayCarryTls(info)) return undefined;
  s = fdStream(c, id);
  built.set(id, s);
  return s;
}

/** Frames read at most from a TCP stream to tell that it is neither TLS nor HTTP/2. */
const PEEK_FRAMES = 64;
/** Bytes of each direction that decide it: the client's HTTP/2 preface, a TLS record header. */
const PEEK_NEED: [number, number] = [24, 5];

/**
 * What the start of TCP stream `id` shows: whether it is TLS, whether it is cleartext HTTP/2
 * (looksLikeTls and startsWithPreface decide on the first 5 bytes of each direction and the
 * first 24 client bytes): the first details of a frame of a long HTTP/1.x stream then does
 * not build the whole stream. Frames of a direction that has shown enough, and frames the index
 * knows carry no payload (once both directions have started), are skipped unread: a 1 GB
 * upload whose server only ACKs until its answer reads a few frames, not the upload. False when
 * PEEK_FRAMES reads do not decide it, or when the undecided direction holds out-of-order
 * segments (a skipped frame might have moved them). Undefined when undecided; a decision is
 * kept per stream (it depends on neither keys nor later frames).
 */
export function startKind(c: Capture, id: string): StartKind | undefined {
  const t = captureTls(c);
  const hit = t.starts.get(id);
  if (hit) return hit;
  if (t.undecidedStarts.has(id)) return undefined;
  const k = peekStart(c, id);
  if (k) t.starts.set(id, k);
  // Undecided on a finished capture stays undecided: without this every frame of such a stream
  // (reordered from its first segment) would read its first PEEK_FRAMES frames again.
  else if (c.info().done) t.undecidedStarts.add(id);
  return k;
}

export interface StartKind {
  tls: boolean;
  h2c: boolean;
}

function peekStart(c: Capture, id: string): StartKind | undefined {
  const int = c.internals();
  if (int.kind === 'syscalls') return peekFdStart(c, id);
  const m = /^tcp:(\d+)$/.exec(id);
  if (int.kind !== 'packets' || !m || Number(m[1]) >= int.conv.nTcp) return undefined;
  // The index pass noted each direction's first bytes: most streams are told from them unread.
  const noted = streamStartsOf(int.conv);
  if (noted && startsWithNeither(noted, Number(m[1]))) {
    peekWork.noted++;
    return NEITHER;
  }
  const frames = tcpStreamFrames(int, Number(m[1]));
  if (frames.length <= PEEK_FRAMES) return undefined;
  const st = createTcpFollowState(id);
  const r = createFrameReader(int);
  const bytes = [0, 0];
  st.onChunk = (ch) => {
    bytes[ch.dir] += ch.bytes.length;
  };
  const fed = [false, false];
  const tcpLen = int.index.tcpLen.data;
  const enough = (d: number): boolean => bytes[d] >= PEEK_NEED[d];
  let reads = 0;
  for (let k = 0; k < frames.length && !(enough(0) && enough(1)); k++) {
    const f = frames[k];
    const bit = streamDirOf(int.conv, f);
    if (st.clientBit >= 0 && bit >= 0 && fed[bit]) {
      const dir = bit === st.clientBit ? 0 : 1;
      // tcpLen is tcp.len + 1 for a frame with one TCP header (0: not known from the index).
      if (enough(dir) || tcpLen[f - 1] === 1) continue;
    }
    if (++reads > PEEK_FRAMES) return undefined;
    peekWork.reads++;
    readFrame(r, f);
    feedTcpFrame(r, st, f);
    if (bit >= 0) fed[bit] = true;
  }
  const decided = enough(0) && enough(1);
  // Every frame seen: final only once the capture is (a followed file may add more).
  if (!decided && !c.info().done) return undefined;
  for (const d of [0, 1] as const) if (!enough(d) && heldFragments(st, d) > 0) return undefined;
  return { tls: looksLikeTls(st.stream), h2c: startsWithPreface(st.stream) };
}

/** peekStart for an fd stream of a syscall capture: its first I/O events, at most PEEK_FRAMES. */
function peekFdStart(c: Capture, id: string): StartKind | undefined {
  const head = id.startsWith('fd:') ? fdStreamHead(c, id, PEEK_NEED, PEEK_FRAMES) : undefined;
  if (!head) return undefined;
  const b = [0, 0];
  for (const ch of head.stream.chunks) b[ch.dir] += ch.bytes.length;
  const decided = b[0] >= PEEK_NEED[0] && b[1] >= PEEK_NEED[1];
  // Every event read: final only once the capture is (a followed file may add more).
  if (!decided && !(head.whole && c.info().done)) return undefined;
  return { tls: looksLikeTls(head.stream), h2c: startsWithPreface(head.stream) };
}

function startShowsNoLayer(c: Capture, id: string): boolean {
  const k = startKind(c, id);
  return k !== undefined && !k.tls && !k.h2c;
}

/** Frames read by startKind, and streams it told from the index pass's first bytes without reading any (tests count them). */
export const peekWork = { reads: 0, noted: 0 };

/** A start that is neither TLS nor the HTTP/2 preface. */
const NEITHER: StartKind = { tls: false, h2c: false };

/** Per-object overheads of the estimate (V8: an object and a typed-array view each). */
const CHUNK_OVERHEAD = 160;
const RECORD_OVERHEAD = 320;

/**
 * What a built stream holds, estimated: the source bytes and chunks the records point into, each
 * record's objects and plaintext, the plaintext chunks, and the HTTP/2 columns and HPACK snapshots.
 */
function entryBytes(src: ByteStream, e: StreamEntry): number {
  if (!e.tls && !e.h2) return 0;
  let n = 0;
  // A TLS result's records point into the source stream; a packed h2c connection holds no stream.
  if (e.tls || e.h2?.stream) for (const ch of src.chunks) n += ch.bytes.length + CHUNK_OVERHEAD;
  if (e.tls) {
    // Its source read from the file: the map of its chunks' frames instead of their bytes.
    n += sourceFileBytes(e.tls);
    // Application data plaintext is in the decrypted-record cache (record-cache.ts); counted here
    // all the same, so that the streams kept are those whose plaintext the record cache can hold.
    n += e.tls.kept.size * RECORD_OVERHEAD + streamPlaintextBytes(e.tls) + (e.recs ? recordIndexBytes(e.recs) : 0);
    if (plainStreamMade(e.tls)) n += plainChunkCount(e.tls) * CHUNK_OVERHEAD;
  }
  if (e.h2) n += connectionIndexBytes(e.h2);
  return n;
}

/** Streams built (source stream read and decrypted / parsed), cache evictions, dropped entries read again, dropped entries cut to their columns (tests count them). */
export const tlsCacheWork = { builds: 0, evictions: 0, advances: 0, revivals: 0, droppedToColumns: 0 };

/**
 * A TLS entry dropped from the cache, kept without its source's chunks: a TCP stream of a
 * finished capture reads a record's bytes from the frames that carried it (tcp-file-bytes.ts),
 * so reading it again decrypts that record alone. Undefined for others (fd streams, a capture
 * still growing): those are built again.
 */
function withoutSource(c: Capture, id: string, e: StreamEntry): StreamEntry | undefined {
  const int = c.internals();
  if (!e.tls || e.growing !== undefined || e.grow || int.kind !== 'packets' || !/^tcp:\d+$/.test(id)) return undefined;
  const tls = e.tls;
  if (sourceFileBytes(tls) === 0) {
    const src = sourceOf(tls);
    const m = tcpFileBytes(int, src);
    const n = Number(id.slice(4));
    readSourceFrom(tls, {
      bytes: (dir, pos, len) => readTcpFileBytes(m, dir, pos, len),
      at: (dir, pos) => tcpFileEventAt(m, dir, pos),
      size: tcpFileMapBytes(m),
      whole: () => tcpStream(int, n),
    });
  }
  // An HTTP/2 connection reads the plaintext stream: it stays with it.
  if (!e.h2) dropPlainStream(tls);
  e.bytes = entryBytes(sourceOf(tls), e);
  return e;
}

/** Keep `e` as the most recently read; drop the least recently read past the budget (never `e`). */
function remember(c: Capture, t: CaptureTls, id: string, e: StreamEntry): void {
  const old = t.cache.get(id);
  if (old) {
    t.cacheBytes -= old.bytes;
    t.cache.delete(id);
    // Rebuilt (new keys, more events): the old records' plaintexts go with them.
    if (old.tls && old.tls !== e.tls) forgetStreamPlaintexts(old.tls);
  }
  t.cache.set(id, e);
  t.cacheBytes += e.bytes;
  undrop(t, id);
  const budget = tlsStreamCacheBudget();
  for (const [k, v] of t.cache) {
    if (t.cacheBytes <= budget || k === id) break;
    t.cache.delete(k);
    t.cacheBytes -= v.bytes;
    tlsCacheWork.evictions++;
    const kept = withoutSource(c, k, v);
    // Its plaintexts go with it even when it is kept without its source (decrypted again from the
    // file when read): held, the record cache filled its budget with dropped streams' records
    // (shape e at 1 M, a TLS filter: 740 MB peak RSS against 510 MB).
    if (v.tls) forgetStreamPlaintexts(v.tls);
    if (kept) keepDropped(t, k, kept);
    else if (v.recs) t.dropped.set(k, { gen: v.gen, growing: v.growing, recs: v.recs });
  }
}

/**
 * What an entry kept without its source holds: the map of its chunks' frames, the kept record
 * summaries, the record columns, the plaintext chunks when made, the HTTP/2 columns (its
 * plaintext is not held: the record cache let it go).
 */
export function droppedEntryBytes(e: StreamEntry): number {
  if (!e.tls) return 0;
  let n = sourceFileBytes(e.tls) + e.tls.kept.size * RECORD_OVERHEAD + (e.recs ? recordIndexBytes(e.recs) : 0);
  if (plainStreamMade(e.tls)) n += plainChunkCount(e.tls) * CHUNK_OVERHEAD;
  if (e.h2) n += connectionIndexBytes(e.h2);
  return n;
}

/**
 * Bytes the dropped entries kept whole hold at most: a quarter of the stream cache's (they were
 * unbounded: one map of frames per stream ever dropped, however many streams the capture has).
 */
export function droppedBudget(): number {
  return Math.floor(tlsStreamCacheBudget() / 4);
}

/** Keep `e` (dropped from the cache, without its source) whole; the least recently dropped past the budget keep only their columns. */
function keepDropped(t: CaptureTls, id: string, e: StreamEntry): void {
  undrop(t, id);
  const n = droppedEntryBytes(e);
  t.dropped.set(id, e);
  t.droppedWhole.set(id, n);
  t.droppedBytes += n;
  const budget = droppedBudget();
  for (const [k, b] of t.droppedWhole) {
    if (t.droppedBytes <= budget) break;
    t.droppedWhole.delete(k);
    t.droppedBytes -= b;
    tlsCacheWork.droppedToColumns++;
    const d = t.dropped.get(k);
    if (d?.recs) t.dropped.set(k, { gen: d.gen, growing: d.growing, recs: d.recs });
    else t.dropped.delete(k);
  }
}

/** `id` is no longer dropped (read again, or dropped again). */
function undrop(t: CaptureTls, id: string): void {
  t.dropped.delete(id);
  const b = t.droppedWhole.get(id);
  if (b === undefined) return;
  t.droppedWhole.delete(id);
  t.droppedBytes -= b;
}

/** A dropped entry kept without its source (withoutSource), taken out of `dropped`; undefined when there is none. */
function dropped(t: CaptureTls, id: string): StreamEntry | undefined {
  const e = t.dropped.get(id);
  if (!e || !keptWhole(e)) return undefined;
  undrop(t, id);
  tlsCacheWork.revivals++;
  return e;
}

function entry(c: Capture, id: string, given?: ByteStream): StreamEntry | undefined {
  const t = captureTls(c);
  const back = t.cache.has(id) ? undefined : dropped(t, id);
  const cached = back ?? t.cache.get(id);
  // Keys added for other sessions change nothing this stream decoded: it stays as it is.
  if (cached && cached.gen !== t.keys.generation && cached.dec && keysStillFit(cached.dec)) cached.gen = t.keys.generation;
  // A stream built while the capture grew is built again once more events are in: kept, the
  // finished capture would show only what the stream had then.
  if (cached && cached.gen === t.keys.generation && (cached.growing === undefined || cached.growing === c.count())) {
    if (back) remember(c, t, id, back);
    else if (cached.bytes > 0) {
      // Most recently read last (a Map keeps insertion order).
      t.cache.delete(id);
      t.cache.set(id, cached);
    }
    return cached;
  }
  const growing = c.info().done ? undefined : c.count();
  if (!given && startShowsNoLayer(c, id)) {
    const none: StreamEntry = { gen: t.keys.generation, tls: null, h2: null, recs: null, partialTls: new Map(), growing, bytes: 0 };
    remember(c, t, id, none);
    return none;
  }
  // Cleartext HTTP/2 of a finished capture's TCP stream: framed as its segments are read (streams/segment-follow.ts), no stream made.
  const h2c = !given && growing === undefined && !cached?.grow ? cleartextH2(c, id) : undefined;
  if (h2c) {
    tlsCacheWork.builds++;
    const e: StreamEntry = { gen: t.keys.generation, tls: null, h2: h2c, recs: null, partialTls: new Map(), growing, bytes: connectionIndexBytes(h2c) };
    return kept(c, t, id, e);
  }
  // A growing capture's TCP stream is reassembled on from the last look, until it is done.
  const grow = !given && (growing !== undefined || cached?.grow) ? grownTcpStream(c, id, cached?.grow) : undefined;
  const src = given ?? grow?.st.stream ?? sourceStream(c, id);
  if (!src) return undefined;
  // Grown (or read again after new keys): decryption goes on from the last record it decrypted.
  if (cached?.dec && cached.tls && advanceTls(cached.dec, src, growing === undefined)) {
    tlsCacheWork.advances++;
    cached.gen = t.keys.generation;
    cached.growing = growing;
    cached.grow = growing === undefined ? undefined : grow;
    return layOut(c, t, id, src, cached);
  }
  tlsCacheWork.builds++;
  const e: StreamEntry = { gen: t.keys.generation, tls: null, h2: null, recs: null, partialTls: new Map(), growing, bytes: 0, grow: growing === undefined ? undefined : grow };
  if (looksLikeTls(src)) {
    e.dec = createTlsDecoder(src, t.keys, t.provider);
    advanceTls(e.dec, src, growing === undefined);
    e.tls = e.dec.result;
  }
  return layOut(c, t, id, src, e);
}

/** The h2c connection of TCP stream `id` when its start shows the client preface (startKind), else undefined. */
function cleartextH2(c: Capture, id: string): H2Connection | undefined {
  const int = c.internals();
  const m = /^tcp:(\d+)$/.exec(id);
  if (int.kind !== 'packets' || !m || Number(m[1]) >= int.conv.nTcp) return undefined;
  const k = startKind(c, id);
  if (!k || !k.h2c || k.tls) return undefined;
  const parse = streamHttp2();
  followTcpSegments(int, Number(m[1]), parse.feed);
  return parse.end();
}

/** Plaintext bytes that tell HTTP/2 (the client's 24-byte preface, RFC 9113 §3.4) and HTTP/1.x (a first line's start) from a stream's start. */
const H2_START: [number, number] = [24, 0];
const HTTP1_START: [number, number] = [1, 1];

/** Columns, HTTP/2 frames, size and notes of a stream built or grown, and it kept in the cache. */
function layOut(c: Capture, t: CaptureTls, id: string, src: ByteStream, e: StreamEntry): StreamEntry {
  // Nothing over the stream: its reassembly is not worth keeping (entryBytes counts none of it).
  if (!e.tls && !e.h2 && !startsWithPreface(src)) e.grow = undefined;
  if (t.cache.get(id) === e) {
    // Grown in place: counted again below with its new size.
    t.cache.delete(id);
    t.cacheBytes -= e.bytes;
  }
  if (e.tls) {
    e.recs = e.tls.recs;
    e.partialTls = partialRecordEvents(src, e.tls);
  }
  // A grown TLS stream whose plaintext gained no chunk keeps its frames (no plaintext read again).
  const sameH2 = e.h2 !== null && e.tls !== null && e.h2Chunks === plainChunkCount(e.tls);
  // The plaintext stream is made only for HTTP/2 (its start tells, read without making it).
  if (!sameH2 && ((e.tls && e.tls.session.alpn === 'h2') || startsWithPreface(e.tls ? plainStart(e.tls, H2_START) : src))) {
    const plain = e.tls ? e.tls.stream : src;
    // Frames as columns; an event's frames are made again from them when asked (framesOfEvent).
    e.h2 = parseHttp2(plain);
    e.h2Chunks = plain.chunks.length;
    // Cleartext h2c: nothing else holds the reassembled stream; keep its bytes packed instead.
    if (!e.tls) packConnection(e.h2);
  }
  e.bytes = entryBytes(src, e);
  return kept(c, t, id, e);
}

/** A built entry's limit notes, and it kept in the cache. */
function kept(c: Capture, t: CaptureTls, id: string, e: StreamEntry): StreamEntry {
  const budget = tlsStreamCacheBudget();
  const notes = [e.tls?.notes, e.h2?.notes];
  if (e.bytes > budget) addNote(notes, tlsStreamCacheMessage(id, e.bytes, budget));
  if (e.tls) {
    // Its plaintext does not fit the decrypted-record cache: reading it again decrypts again.
    const plainBytes = streamPlaintextBytes(e.tls);
    const rb = tlsRecordCacheBudget();
    if (plainBytes > rb) addNote(notes, tlsRecordCacheMessage(id, plainBytes, rb));
  }
  remember(c, t, id, e);
  return e;
}

/** Add a limit note once (a grown stream's note is replaced by its new size). */
function addNote(lists: (string[] | undefined)[], note: string): void {
  const head = note.slice(0, note.indexOf('('));
  for (const l of lists) {
    if (!l) continue;
    const k = l.findIndex((x) => x.startsWith(head));
    if (k >= 0) l[k] = note;
    else l.push(note);
  }
}

/** Decrypt a source stream (cached by id and key generation); null when it is not TLS. */
export function decryptedStream(c: Capture, src: ByteStream): TlsStreamResult | null {
  return entry(c, src.id, src)?.tls ?? null;
}

/** TLS result of a source stream id (`tcp:N`, `fd:…`); null when not TLS or unknown. */
export function tlsOfStream(c: Capture, id: string): TlsStreamResult | null {
  if (startKind(c, id)?.tls === false) return null;
  return entry(c, id)?.tls ?? null;
}

/** HTTP/2 connection over a source stream id, when it carries HTTP/2. */
export function http2OfStream(c: Capture, id: string): H2Connection | null {
  return entry(c, id)?.h2 ?? null;
}

/** A TLS stream's decryption status, as the RPC contract shows it. */
export type TlsStreamSummary = TlsStreamInfo;

/** Every TLS stream of the capture with its decryption status. */
export function tlsStreams(c: Capture): TlsStreamSummary[] {
  const out: TlsStreamSummary[] = [];
  for (const id of sourceStreamIds(c)) {
    const r = tlsOfStream(c, id);
    if (!r) continue;
    out.push({
      stream: id,
      status: r.status,
      statusText: r.statusText,
      version: r.session.version,
      cipherSuite: r.session.cipherSuite,
      suite: r.session.suiteName,
      sni: r.session.sni,
      alpn: r.session.alpn,
      failedEvent: r.failure?.event,
    });
  }
  return out;
}

/** HTTP/2 exchanges of every stream of the capture (decrypted TLS and cleartext h2). */
export function captureHttp2Exchanges(c: Capture): HttpExchange[] {
  const out: HttpExchange[] = [];
  for (const id of sourceStreamIds(c)) {
    const e = entry(c, id);
    if (e?.h2) out.push(...http2Exchanges(e.h2, e.tls ? e.tls.stream.id : id));
  }
  return out;
}

/** Whether `event` is a frame of a TCP stream whose start the index pass noted as neither TLS nor HTTP/2 (no id string, no lookup). */
function startsNeitherAt(c: Capture, event: number): boolean {
  const int = c.internals();
  if (int.kind !== 'packets') return false;
  const noted = streamStartsOf(int.conv);
  const st = noted ? tcpStreamOf(int.conv, event) : -1;
  if (st < 0 || !noted || !startsWithNeither(noted, st)) return false;
  tlsLayerWork.notedEvents++;
  return true;
}

function streamOfEvent(c: Capture, event: number): string | undefined {
  const int = c.internals();
  if (int.kind === 'packets') {
    const id = streamIdOfFrame(int, event);
    return id?.startsWith('tcp:') ? id : undefined;
  }
  const info = fdIoStreamOfEvent(c, event);
  return info && mayCarryTls(info) ? info.id : undefined;
}

/**
 * What the packet list needs of `event` when it belongs to a TLS stream (tls/rows.ts makes the
 * columns), with the HTTP/2 frames it completes; undefined for other events.
 */
export function tlsFrameOf(c: Capture, event: number): { frame: TlsFrame; h2: H2Frame[] | undefined; conn: H2Connection | null } | undefined {
  const id = streamOfEvent(c, event);
  const e = id ? entry(c, id) : undefined;
  if (!e?.tls) return undefined;
  // Told once per built stream, from its first plaintext bytes (the stream is not made for it).
  if (e.http1 === undefined && (e.http1Tried?.records !== e.tls.recs.n || e.http1Tried.gen !== e.gen)) {
    const first = plainStart(e.tls, HTTP1_START).chunks.find((x) => x.bytes.length > 0);
    if (first) e.http1 = looksLikeHttp1(first.bytes);
    else e.http1Tried = { records: e.tls.recs.n, gen: e.gen };
  }
  const at = e.h2 ? framesOfEvent(e.h2, event) : [];
  const h2 = at.length > 0 ? at : undefined;
  const frame: TlsFrame = {
    tls: e.tls,
    records: recordsOfEvent(e, event),
    partial: e.partialTls.get(event),
    http1: !e.h2 && e.http1 === true,
    h2: e.h2 !== null,
    h2Frames: h2?.length ?? 0,
  };
  return { frame, h2, conn: e.h2 };
}

/**
 * What io,phs needs of `event` in a TLS stream (layers/session.ts protocolLayerChains): how many
 * records it completes, whether it carries part of one, whether it completes HTTP/2 frames — the
 * counts tlsFrameOf's records and frames have, without decrypting the records (a TLS capture
 * of 1 M events decrypted each of them once more). Undefined for other events, as tlsFrameOf.
 */
export function tlsLayerOfEvent(c: Capture, event: number): { records: number; partial: boolean; h2: boolean } | undefined {
  const id = streamOfEvent(c, event);
  const e = id ? entry(c, id) : undefined;
  return e?.tls ? tlsLayerIn(e, event) : undefined;
}

function tlsLayerIn(e: StreamEntry, event: number): { records: number; partial: boolean; h2: boolean } {
  return {
    records: e.recs ? recordsAtEvent(e.recs, event).length : 0,
    partial: e.partialTls.get(event) !== undefined,
    h2: e.h2 ? framesOfEvent(e.h2, event).length > 0 : false,
  };
}

/** Entries looked up by tlsLayerOfStream (tests count them: once per stream, not per event). */
export const tlsLayerStreamWork = { streams: 0 };

/**
 * tlsLayerOfEvent of each of `events`, all in TCP stream `n`, with its entry looked up once
 * (io,phs asks every event of a stream: per event the lookup cost 8 µs on a 1 M-event TLS
 * capture); undefined when the stream is not TLS.
 */
export function tlsLayerOfStream(c: Capture, n: number, events: ArrayLike<number>): { records: number; partial: boolean; h2: boolean }[] | undefined {
  tlsLayerStreamWork.streams++;
  const e = entry(c, `tcp:${n}`);
  if (!e?.tls) return undefined;
  const out: { records: number; partial: boolean; h2: boolean }[] = [];
  for (let i = 0; i < events.length; i++) out.push(tlsLayerIn(e, events[i]));
  return out;
}

/**
 * Append the TLS and HTTP/2 fields of `event` to a dissection (no-op for other events). Returns
 * the data source holding the decrypted application data of this event's records, or -1.
 */
export function addTlsLayerFields(c: Capture, event: number, d: Dissection): number {
  // Summary-mode dissections (filters, index) that want no TLS/HTTP2 field skip the work.
  if (d.keep !== null && !keepsAny(d.keep)) return -1;
  // A TCP stream the index pass saw start with neither TLS nor the preface has no such field (entry would build nothing).
  if (startsNeitherAt(c, event)) return -1;
  const id = streamOfEvent(c, event);
  if (!id) return -1;
  const keep = d.keep;
  // Only TLS fields asked (a TLS filter) of a stream whose start is not TLS: nothing to build.
  if (keep !== null && !keepsAnyOf(keep, HTTP2_FIELDS) && startKind(c, id)?.tls === false) return -1;
  if (keep !== null && keepsColumnsOnly(keep) && !keepsAnyOf(keep, HTTP2_FIELDS)) {
    // Record fields only, of a stream dropped from the cache: its columns answer, no decryption.
    const t = captureTls(c);
    const l = t.cache.has(id) ? undefined : t.dropped.get(id);
    if (l?.recs && l.gen === t.keys.generation && (l.growing === undefined || l.growing === c.count())) {
      const cols = l.recs;
      const at = recordsAtEvent(cols, event);
      if (at.length === 0) return -1;
      if (at.length <= 100 && !at.some((i) => cols.odd.has(i))) {
        tlsLayerWork.columnEvents++;
        addTlsColumnFields(d, cols, at);
        return -1;
      }
    }
  }
  // TLS fields alone, of a stream not built with its keys: from the records decoded without keys
  // where no decryption could change them (clearFields).
  if (keep !== null && keepsOnlyOf(keep, TLS_FIELDS) && clearFields(c, id, event, d, keep)) return -1;
  const e = entry(c, id);
  if (!e) return -1;
  let src = -1;
  if (e.tls && e.recs && (keep === null || keepsAnyOf(keep, TLS_FIELDS))) {
    const at = recordsAtEvent(e.recs, event);
    const cols = e.recs;
    if (at.length > 0 && d.keep !== null && keepsColumnsOnly(d.keep) && at.length <= 100 && !at.some((i) => cols.odd.has(i))) {
      tlsLayerWork.columnEvents++;
      addTlsColumnFields(d, cols, at);
    } else if (at.length > 0) {
      tlsLayerWork.recordEvents++;
      src = addTlsFields(d, at.map((i) => recordAt(e.tls as TlsStreamResult, i)));
    }
  }
  if (e.h2 && (keep === null || keepsAnyOf(keep, HTTP2_FIELDS))) {
    const frames = framesOfEvent(e.h2, event, keep === null || keepsAnyOf(keep, HTTP2_HEADER_FIELDS));
    if (frames.length > 0) addHttp2Fields(d, frames);
  }
  return src;
}

/** Events whose TLS fields came from the record columns / from the record objects; events passed over from the noted starts; events answered by clearFields (tests). */
export const tlsLayerWork = { columnEvents: 0, recordEvents: 0, notedEvents: 0, clearEvents: 0 };

/** A TCP stream decoded without keys: its record columns and clear records (null: not TLS), and whether its ServerHello chose TLS 1.3. */
interface ClearEntry {
  tls: TlsStreamResult | null;
  tls13: boolean;
}

/** Streams decoded without keys by clearEntry (tests count them). */
export const clearWork = { builds: 0 };

const NO_KEYS = createKeyStore();

/**
 * TCP stream `id` of a finished capture decoded with no key (no record is decrypted, and none
 * is kept but its clear records, copied; its source stream is let go): its records are the
 * keyed decoder's, read from the same stream, and so is every field of a record sent in the
 * clear. Undefined for a capture still growing (its streams are built as they grow).
 */
function clearEntry(c: Capture, t: CaptureTls, id: string): ClearEntry | undefined {
  const hit = t.clear.get(id);
  if (hit) return hit;
  if (!c.info().done || !/^tcp:\d+$/.test(id)) return undefined;
  const src = sourceStream(c, id);
  if (!src) return undefined;
  clearWork.builds++;
  let tls: TlsStreamResult | null = null;
  if (looksLikeTls(src)) {
    const dec = createTlsDecoder(src, NO_KEYS, t.provider);
    advanceTls(dec, src, true);
    tls = dec.result;
    detachSource(tls);
  }
  const v: ClearEntry = { tls, tls13: isTls13(tls?.session.version) };
  t.clear.set(id, v);
  return v;
}

/**
 * The TLS fields decryption never changes on an event of a TLS 1.3 stream that also carries
 * encrypted records: the record header's version and length (RFC 8446 §5.2: the outer header is
 * sent as is). The inner content type, handshake types and application data of an encrypted
 * record need its keys. (The hellos' fields would belong here too, RFC 8446 §4, but on a
 * ServerHello event with encrypted records after it the records decoded without keys lacked them:
 * not understood yet, so those events take the keyed stream.)
 */
const CLEAR_13_FIELDS = [hfTls, hfTlsRecordVersion, hfTlsRecordLength];

/**
 * Add the TLS fields of `event` from its stream decoded without keys (clearEntry), when keys
 * could change none of them: every record of the event was sent in the clear, or the stream is
 * TLS 1.3 and `keep` asks only CLEAR_13_FIELDS. False when the event needs the keyed stream (or
 * that stream is built already: it answers as cheaply).
 */
function clearFields(c: Capture, id: string, event: number, d: Dissection, keep: Uint8Array): boolean {
  if (c.internals().kind !== 'packets') return false;
  const t = captureTls(c);
  if (t.cache.has(id)) return false;
  const v = clearEntry(c, t, id);
  if (!v) return false;
  const tls = v.tls;
  tlsLayerWork.clearEvents++;
  // Not TLS: the keyed decoder would find no record either (a TLS field alone asks no HTTP/2).
  if (!tls) return true;
  const cols = tls.recs;
  const at = recordsAtEvent(cols, event);
  if (at.length === 0) return true;
  if (at.some((i) => recordEncrypted(cols, i)) && !(v.tls13 && keepsOnlyOf(keep, CLEAR_13_FIELDS))) {
    tlsLayerWork.clearEvents--;
    return false;
  }
  if (keepsColumnsOnly(keep) && at.length <= 100 && !at.some((i) => cols.odd.has(i))) addTlsColumnFields(d, cols, at);
  else addTlsFields(d, at.map((i) => recordAt(tls, i)));
  return true;
}

/** An event's records (the summaries), or undefined when it completes none. */
function recordsOfEvent(e: StreamEntry, event: number): RecordSummary[] | undefined {
  if (!e.tls || !e.recs) return undefined;
  const at = recordsAtEvent(e.recs, event);
  const t = e.tls;
  return at.length > 0 ? at.map((i) => recordAt(t, i)) : undefined;
}

type FieldList = readonly { id: number }[];

type MaskAnswers = WeakMap<FieldList, WeakMap<Uint8Array, boolean>>;

/**
 * A question about a keep mask asked once per event, answered once per filter run: each run has
 * its own mask, so the answer is kept per (question, field list, mask).
 */
function perMask(answers: MaskAnswers, fields: FieldList, keep: Uint8Array, answer: () => boolean): boolean {
  let m = answers.get(fields);
  if (!m) {
    m = new WeakMap();
    answers.set(fields, m);
  }
  let v = m.get(keep);
  if (v === undefined) {
    v = answer();
    m.set(keep, v);
  }
  return v;
}

/** Does the mask keep nothing but `fields`? */
const onlyAnswers: MaskAnswers = new WeakMap();
function keepsOnlyOf(keep: Uint8Array, fields: FieldList): boolean {
  return perMask(onlyAnswers, fields, keep, () => {
    const ok = new Set(fields.map((f) => f.id));
    for (let i = 0; i < keep.length; i++) if (keep[i] === 1 && !ok.has(i)) return false;
    return true;
  });
}

/** Does the mask keep one of `fields`? */
const anyAnswers: MaskAnswers = new WeakMap();
function keepsAnyOf(keep: Uint8Array, fields: FieldList): boolean {
  return perMask(anyAnswers, fields, keep, () => fields.some((f) => keep[f.id] === 1));
}

/** What the record columns and HTTP/2 frames hold (keepsColumnsOnly). */
let columnFields: FieldList | undefined;
function keepsColumnsOnly(keep: Uint8Array): boolean {
  columnFields ??= [...TLS_COLUMN_FIELDS, ...HTTP2_FIELDS];
  return keepsOnlyOf(keep, columnFields);
}

/** Does the mask keep a TLS/HTTP2 field? */
let layerFields: FieldList | undefined;
function keepsAny(keep: Uint8Array): boolean {
  layerFields ??= [...TLS_FIELDS, ...HTTP2_FIELDS];
  return keepsAnyOf(keep, layerFields);
}

/** Captures whose dissect adds the TLS layer's fields (layers/session.ts): only there does a TLS field exist. */
const layered = new WeakSet<Capture>();
export function markTlsLayer(c: Capture): void {
  layered.add(c);
}

/**
 * Whether `event` holds a handshake message of one of `types` (each a ClientHello or a
 * ServerHello), without decrypting: known when its TCP stream's ServerHello chose TLS 1.3 (the
 * clear records decide: RFC 8446 §4 sends both hellos in the clear and has no renegotiation, so
 * no decrypted record holds one), else undefined (the event is dissected).
 */
export function helloAt(c: Capture, event: number, types: readonly number[]): boolean | undefined {
  const int = c.internals();
  if (int.kind !== 'packets' || !layered.has(c) || types.some((x) => x !== HS_CLIENT_HELLO && x !== HS_SERVER_HELLO)) return undefined;
  const st = tcpStreamOf(int.conv, event);
  if (st < 0) return undefined;
  // A stream the index saw start without TLS has no TLS field (addTlsLayerFields passes it over
  // too): decoding it here would reassemble every plain TCP stream of the capture.
  if (startsNeitherAt(c, event) || startKind(c, `tcp:${st}`)?.tls === false) return false;
  const v = clearEntry(c, captureTls(c), `tcp:${st}`);
  const tls = v?.tls;
  if (!v || !tls || !v.tls13) return undefined;
  for (const i of recordsAtEvent(tls.recs, event)) {
    if (recordEncrypted(tls.recs, i)) continue;
    const hs = tls.recs.odd.has(i) ? recordAt(tls, i).handshakes.map((m) => m.type) : recordHandshakes(tls.recs, i);
    if (hs.some((x) => types.includes(x))) return true;
  }
  return false;
}
