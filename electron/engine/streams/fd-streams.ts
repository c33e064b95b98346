/**
 * File-descriptor streams of syscall captures (scap, strace): the bytes that read/write, the send and
 * recv family, readv/writev, sendmsg/recvmsg, pread/pwrite, sendfile and splice moved on one fd, in event order, as a ByteStream.
 *
 * One stream per fd lifetime (fd.stream, syscalls/fd-lifetimes.ts): a process's fd number from
 * its open to its close, so a reused number is a new stream, and every thread of the process
 * writing the socket is in it (fd tables are per process). The id is `fd:PID:FD:N`, N = fd.stream.
 *
 * Direction: on a socket the process connected, writes are client → server (0) and reads
 * server → client (1); on a socket it accepted, the opposite; on anything else (files, pipes,
 * sockets whose origin the capture does not show) writes are 0 and reads 1.
 * Bytes the tracer did not record (strace -s, scap snaplen) become the chunk's `truncated`
 * count, from the call's return value.
 */
import type { Capture } from '../capture.ts';
import { createDissection, type Dissection } from '../dissectors/dissection.ts';
import { entryValue } from '../dissectors/values.ts';
import { SF } from '../syscalls/fields.ts';
import { Dir, syscallCount, type SyscallIndex } from '../syscalls/syscall-index.ts';
import { fdLifetimes } from '../syscalls/fd-lifetimes.ts';
import type { ByteStream, StreamChunk, StreamDir } from './byte-stream.ts';
import { lowerBound } from '../bytes/arrays.ts';

/** I/O syscalls: 1 = data flows in (read-like), 2 = out (write-like). Names as strace/scap print them. */
const IO: Record<string, 1 | 2> = {
  read: 1, pread: 1, pread64: 1, readv: 1, preadv: 1, preadv2: 1, recv: 1, recvfrom: 1, recvmsg: 1, recvmmsg: 1,
  write: 2, pwrite: 2, pwrite64: 2, writev: 2, pwritev: 2, pwritev2: 2, send: 2, sendto: 2, sendmsg: 2, sendmmsg: 2,
  sendfile: 2, sendfile64: 2, splice: 2,
};

export interface FdStreamInfo {
  id: string;
  /** fd.stream of the lifetime. */
  stream: number;
  pid: number;
  /** Thread of the first I/O event (other threads of the process may also use the fd). */
  tid: number;
  fd: number;
  name: string;
  procName: string;
  /** 'client' (connected), 'server' (accepted) or 'other'. */
  role: 'client' | 'server' | 'other';
  events: number;
  /** Bytes recorded per direction (0: written on a connected socket / to a file). */
  bytes: [number, number];
  truncated: number;
  firstEvent: number;
  lastEvent: number;
}

interface FdListing {
  streams: FdStreamInfo[];
  /**
   * The I/O events of every stream, stream after stream, in event order within each (stream k's
   * are at start[k] ≤ j < start[k + 1]), and each one's stream direction: two typed arrays for
   * the capture, not two arrays per stream (a log that opens a file per request has 10⁵ streams).
   */
  events: Int32Array;
  dirs: Uint8Array;
  start: Int32Array;
  byId: Map<string, number>;
  /** Per fd lifetime (fd.stream): its stream index, -1 for a lifetime that moved no data. */
  byLife: Int32Array;
  /**
   * Per stream, once it was built whole: each chunk's `seq`, so that a range of it can be built
   * again alone (a chunk's position depends on every chunk before it).
   */
  seqOf: (Float64Array | undefined)[];
}

/** Stream k's I/O events in order (a view). */
function eventsOf(l: FdListing, k: number): Int32Array {
  return l.events.subarray(l.start[k], l.start[k + 1]);
}

const cache = new WeakMap<Capture, FdListing & { count: number }>();

function syscallIndex(capture: Capture): SyscallIndex {
  const i = capture.internals();
  if (i.kind !== 'syscalls') throw new Error('file-descriptor streams exist only in syscall captures (scap, strace)');
  return i.index;
}

const Role = { Other: 0, Client: 1, Server: 2 } as const;
const ROLE_NAMES = ['other', 'client', 'server'] as const;

function listing(capture: Capture): FdListing {
  const hit = cache.get(capture);
  if (hit && hit.count === capture.count()) return hit;
  const ix = syscallIndex(capture);
  const s = ix.strings.strings;
  const n = syscallCount(ix);
  const life = fdLifetimes(ix);
  const lifetimes = life.pid.length;
  /** Per lifetime: its role, from a connect (client) or the accept that made it (server). */
  const roles = new Uint8Array(lifetimes);
  /** Per lifetime: its stream index in `streams`, -1 before its first I/O event. */
  const byLife = new Int32Array(lifetimes).fill(-1);
  /** Per event: stream index * 2 + direction of an I/O event that is in a stream, else -1. */
  const slot = new Int32Array(n).fill(-1);
  const streams: FdStreamInfo[] = [];
  const byId = new Map<string, number>();
  // Per interned type: 1/2 as IO, 3 connect, 4 accept, 0 anything else (no string per event).
  const kinds = Uint8Array.from(s, (t) => IO[t] ?? (t === 'connect' ? 3 : t === 'accept' || t === 'accept4' ? 4 : 0));
  let total = 0;
  for (let e = 1; e <= n; e++) {
    const i = e - 1;
    const life_ = life.ids[i];
    if (life_ < 0) continue;
    const kind = kinds[ix.type.data[i]];
    if (kind === 0) continue;
    const fd = ix.fd.data[i];
    const res = ix.rawres.data[i];
    if (kind === 3 && fd >= 0 && ix.dir.data[i] !== Dir.Exit) roles[life_] = Role.Client;
    else if (kind === 4 && ix.dir.data[i] !== Dir.Enter && res >= 0 && res === fd) roles[life_] = Role.Server;
    if (kind > 2 || fd < 0) continue;
    const io = kind;
    // scap: data is on the exit event; strace: one event per call.
    if (ix.dir.data[i] === Dir.Enter) continue;
    if (!(res > 0)) continue;
    let k = byLife[life_];
    if (k < 0) {
      k = streams.length;
      const pid = ix.pid.data[i];
      const info: FdStreamInfo = {
        id: `fd:${pid}:${fd}:${life_}`, stream: life_, pid, tid: ix.tid.data[i], fd, name: s[ix.fdName.data[i]], procName: s[ix.procName.data[i]],
        role: ROLE_NAMES[roles[life_]], events: 0, bytes: [0, 0], truncated: 0, firstEvent: e, lastEvent: e,
      };
      streams.push(info);
      byId.set(info.id, k);
      byLife[life_] = k;
    }
    const info = streams[k];
    // A socket named after its first read (an accepted one seen late): keep the fullest name.
    if (info.name === '' || (!info.name.includes('->') && s[ix.fdName.data[i]].includes('->'))) info.name = s[ix.fdName.data[i]];
    const dir: StreamDir = info.role === 'server' ? (io === 1 ? 0 : 1) : io === 2 ? 0 : 1;
    info.events++;
    info.lastEvent = e;
    info.bytes[dir] += res;
    slot[i] = k * 2 + dir;
    total++;
  }
  // Second pass: each stream's events in its own range, in event order.
  const start = new Int32Array(streams.length + 1);
  for (let k = 0; k < streams.length; k++) start[k + 1] = start[k] + streams[k].events;
  const fill = start.slice(0, streams.length);
  const events = new Int32Array(total);
  const dirs = new Uint8Array(total);
  for (let i = 0; i < n; i++) {
    const v = slot[i];
    if (v < 0) continue;
    const j = fill[v >> 1]++;
    events[j] = i + 1;
    dirs[j] = v & 1;
  }
  const out: FdListing & { count: number } = { streams, events, dirs, start, byId, byLife, seqOf: new Array<Float64Array | undefined>(streams.length), count: capture.count() };
  cache.set(capture, out);
  return out;
}

/** Every fd stream of a syscall capture that moved data (sizes are the calls' return values). */
export function listFdStreams(capture: Capture): FdStreamInfo[] {
  return listing(capture).streams;
}

function bufferOf(d: Dissection): { bytes: Uint8Array | null; truncated: number } {
  let bytes: Uint8Array | null = null;
  let truncated = -1;
  for (let k = 0; k < d.n; k++) {
    if (d.fid[k] === SF.buffer.id && bytes === null) {
      const v = entryValue(d, k);
      if (v instanceof Uint8Array) bytes = v;
    } else if (d.fid[k] === SF.truncated.id) {
      const v = entryValue(d, k);
      if (typeof v === 'number') truncated = v;
    }
  }
  return { bytes, truncated };
}

function streamHeader(l: FdListing, k: number, id: string): ByteStream {
  const info = l.streams[k];
  const sock = /->/.exec(info.name);
  const [a, b] = sock ? info.name.split('->') : [`${info.procName}(${info.pid})`, info.name];
  return { id, kind: 'fd', client: a, server: b, chunks: [], notes: [] };
}

/**
 * The recorded bytes of I/O event `e` and the count the tracer left out (-1: from the call's
 * result): the format's read of the buffer's byte range when it has one, else its quick I/O
 * dissection, else the full one. `d` is made only when a dissection is needed.
 */
function readIo(capture: Capture, ix: SyscallIndex, e: number, r: IoReader): { bytes: Uint8Array | null; truncated: number } {
  fdStreamWork.read++;
  if (ix.ioBytes) {
    try {
      const bytes = ix.ioBytes(e);
      if (bytes !== undefined) return { bytes, truncated: -1 };
    } catch {
      // the dissection below reports what went wrong as the capture's warning
    }
  }
  fdStreamWork.dissected++;
  r.d ??= createDissection();
  if (ix.dissectIo) {
    try {
      ix.dissectIo(e, r.d);
      return bufferOf(r.d);
    } catch {
      // the full dissection below reports what went wrong as the capture's warning
    }
  }
  capture.dissect(e, r.d);
  return bufferOf(r.d);
}

interface IoReader {
  d: Dissection | undefined;
}

/**
 * Work counters for tests: I/O events read into stream chunks, and of those the ones that were
 * dissected (the format had no byte range for them).
 */
export const fdStreamWork = { read: 0, dissected: 0 };

/**
 * Chunks of stream `k`'s I/O events `j0 ≤ j < j1` appended to `s`; positions from `seq` when
 * known, else running from `pos` (which must then start at the stream's first event). `stop`,
 * asked after each chunk, ends the range early. Returns the index after the last event read.
 */
function addChunks(capture: Capture, l: FdListing, k: number, j0: number, j1: number, s: ByteStream, seq: Float64Array | undefined, pos: number[], stop?: (c: StreamChunk) => boolean): number {
  const ix = syscallIndex(capture);
  const r: IoReader = { d: undefined };
  const base = l.start[k];
  for (let j = j0; j < j1; j++) {
    const e = l.events[base + j];
    const dir = l.dirs[base + j] as StreamDir;
    if (seq) pos[dir] = seq[j];
    const res = ix.rawres.data[e - 1];
    const { bytes, truncated } = readIo(capture, ix, e, r);
    let c: StreamChunk;
    if (bytes === null) {
      // sendfile/splice and calls whose data the tracer did not show: all bytes unrecorded.
      c = { dir, event: e, time: capture.time(e), bytes: new Uint8Array(0), truncated: res, seq: pos[dir] };
      pos[dir] += res;
    } else {
      // More bytes than the call returned (a read buffer shown whole): keep what was transferred.
      const data = bytes.length > res ? bytes.subarray(0, res) : bytes;
      const missing = truncated >= 0 ? truncated : Math.max(0, res - data.length);
      c = { dir, event: e, time: capture.time(e), bytes: data, seq: pos[dir] };
      if (missing > 0) c.truncated = missing;
      pos[dir] += data.length + missing;
    }
    s.chunks.push(c);
    if (stop?.(c)) return j + 1;
  }
  return j1;
}

/** `fd:PID:FD:N` → N (fd.stream), or undefined. */
function lifetimeOfId(id: string): number | undefined {
  const m = /^fd:-?\d+:\d+:(\d+)$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

/**
 * One fd stream by id (`fd:PID:FD:N`, N = fd.stream). A lifetime that moved no data (a file
 * only opened and closed, a socket that failed to connect) is an empty stream.
 */
export function fdStream(capture: Capture, id: string): ByteStream {
  const l = listing(capture);
  const k = l.byId.get(id);
  if (k === undefined) {
    const ix = syscallIndex(capture);
    const life = fdLifetimes(ix);
    const n = lifetimeOfId(id);
    if (n === undefined || n >= life.pid.length || id !== lifetimeId(ix, n)) throw new Error(`no file-descriptor stream ${id}`);
    const first = life.first[n];
    const name = namedEvent(ix, n);
    const sock = name.includes('->');
    const [a, b] = sock ? name.split('->') : [`${ix.strings.strings[ix.procName.data[first - 1]]}(${life.pid[n]})`, name];
    return { id, kind: 'fd', client: a, server: b, chunks: [], notes: [] };
  }
  const s = streamHeader(l, k, id);
  addChunks(capture, l, k, 0, l.start[k + 1] - l.start[k], s, undefined, [0, 0]);
  l.seqOf[k] = Float64Array.from(s.chunks, (c) => c.seq);
  return s;
}

/** The stream id of lifetime n. */
function lifetimeId(ix: SyscallIndex, n: number): string {
  const life = fdLifetimes(ix);
  return `fd:${life.pid[n]}:${life.fd[n]}:${n}`;
}

/** The fullest fd name lifetime n had (a socket's tuple once connected). */
function namedEvent(ix: SyscallIndex, n: number): string {
  const life = fdLifetimes(ix);
  const s = ix.strings.strings;
  let best = '';
  for (let e = life.first[n]; e <= life.last[n]; e++) {
    if (life.ids[e - 1] !== n) continue;
    const name = s[ix.fdName.data[e - 1]];
    if (name.includes('->')) return name;
    if (!best) best = name;
  }
  return best;
}

/**
 * The chunks of fd stream `id` whose events are in `from..to`, with the positions they have in
 * the whole stream: re-reading one message costs its own events, not the stream's (a capture
 * with more streams interleaved than any cache holds re-read whole streams per message).
 * Builds the whole stream the first time (positions need every chunk before).
 */
export function fdStreamRange(capture: Capture, id: string, from: number, to: number): ByteStream {
  const l = listing(capture);
  const k = l.byId.get(id);
  if (k === undefined) throw new Error(`no file-descriptor stream ${id}`);
  const seq = l.seqOf[k];
  if (!seq) return fdStream(capture, id);
  const s = streamHeader(l, k, id);
  const evs = eventsOf(l, k);
  addChunks(capture, l, k, lowerBound(evs, from), lowerBound(evs, to + 1), s, seq, [0, 0]);
  return s;
}

/**
 * The chunks of fd stream `id` after its first `from` I/O events (one chunk per event), their
 * positions running on from `pos` (updated): a scan following a growing capture reads each
 * event once. Empty for a stream not (yet) listed.
 */
export function fdStreamChunksFrom(capture: Capture, id: string, from: number, pos: number[]): StreamChunk[] {
  const l = listing(capture);
  const k = l.byId.get(id);
  if (k === undefined) return [];
  const s = streamHeader(l, k, id);
  addChunks(capture, l, k, from, l.start[k + 1] - l.start[k], s, undefined, pos);
  return s.chunks;
}

/**
 * The fd stream of any event on an fd (an I/O call, its connect or close, the enter of an open
 * whose exit made the fd): its fd.stream's id.
 */
export function fdStreamOfEvent(capture: Capture, event: number): string | undefined {
  const ix = syscallIndex(capture);
  if (event < 1 || event > syscallCount(ix)) return undefined;
  const n = fdLifetimes(ix).ids[event - 1];
  return n >= 0 ? lifetimeId(ix, n) : undefined;
}

/** The listed fd stream with id `id` (one that moved data), or undefined. */
export function fdStreamInfo(capture: Capture, id: string): FdStreamInfo | undefined {
  const l = listing(capture);
  const k = l.byId.get(id);
  return k === undefined ? undefined : l.streams[k];
}

/**
 * The listed fd stream whose chunks include I/O event `event` (a data-moving read or write), or
 * undefined: one lifetime lookup and a binary search, not a walk over every stream.
 */
export function fdIoStreamOfEvent(capture: Capture, event: number): FdStreamInfo | undefined {
  const ix = syscallIndex(capture);
  if (event < 1 || event > syscallCount(ix)) return undefined;
  const n = fdLifetimes(ix).ids[event - 1];
  const l = listing(capture);
  const k = n >= 0 && n < l.byLife.length ? l.byLife[n] : -1;
  if (k < 0) return undefined;
  const evs = eventsOf(l, k);
  return evs[lowerBound(evs, event)] === event ? l.streams[k] : undefined;
}

/**
 * The start of fd stream `id`: its chunks from the first until each direction holds `need[dir]`
 * bytes or `maxEvents` I/O events are read, and whether that was every event of the stream.
 * Enough to tell TLS or an HTTP/2 preface without dissecting the whole stream.
 */
export function fdStreamHead(capture: Capture, id: string, need: readonly [number, number], maxEvents: number): { stream: ByteStream; whole: boolean } | undefined {
  const l = listing(capture);
  const k = l.byId.get(id);
  if (k === undefined) return undefined;
  const s = streamHeader(l, k, id);
  const got = [0, 0];
  const n = Math.min(l.start[k + 1] - l.start[k], maxEvents);
  const enough = (): boolean => got[0] >= need[0] && got[1] >= need[1];
  // One range call: its reader is made once, and it stops as soon as both directions hold enough.
  const j = enough() ? 0 : addChunks(capture, l, k, 0, n, s, undefined, [0, 0], (c) => {
    got[c.dir] += c.bytes.length;
    return enough();
  });
  return { stream: s, whole: j === l.start[k + 1] - l.start[k] };
}
