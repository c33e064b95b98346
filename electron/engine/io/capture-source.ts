/**
 * Where capture bytes come from. Indexing reads the (decompressed) capture once, in order,
 * as chunks; afterwards single events are re-read by offset. A plain file is read in place.
 * A gzip file is inflated as a stream (never whole in memory) and each inflated chunk is also
 * appended to a temporary spill file, which then serves the random reads: gzip has no random
 * access, and re-inflating from the start for every details request would be O(file).
 */
import { closeSync, createReadStream, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { open as openAsync } from 'node:fs/promises';
import { constants as zc, createGunzip, gunzipSync } from 'node:zlib';
import { engineLimits, memoryLimitMessage, overMemoryBudget, tempLimitMessage } from '../limits.ts';
import { ownEngineTempDir } from './temp-dir.ts';

const CHUNK = 1 << 20;
/** The chunk size of a plain file's first second of reading (see streamPlain). */
const FIRST_CHUNK = 64 << 10;
/**
 * The first second after open, while the window asks for its first rows: reads are small
 * (FIRST_CHUNK) and indexing gives the event loop a turn more often (index/packet-capture.ts).
 */
export const EARLY_MS = 1000;

/** Random access to the decompressed bytes already streamed. */
export interface RandomAccess {
  /**
   * Read up to `length` bytes at `offset` (fewer at the end of data). `into`, when given and
   * large enough, receives them (the result is a view of it): a scan that reads the whole file
   * window by window then reuses one buffer instead of faulting in fresh pages for each.
   */
  read(offset: number, length: number, into?: Uint8Array): Uint8Array;
  close(): void;
}

/**
 * Random access with a read-ahead window: scans that walk events in file order (filters,
 * `-e` output, stream building) cost one read per window instead of one per event.
 * Every window is read into the same buffer (a fresh 1 MiB per miss was most of a scan's
 * garbage), so a returned view is only valid until the next call that misses the window:
 * a caller that keeps bytes past that copies them (dissectors' reassembly stores, keepCopy of
 * out-of-order segments, ownBytes of a Dissection kept beside others).
 */
export function windowedReader(ra: RandomAccess, windowBytes = 1 << 20): (offset: number, length: number) => Uint8Array {
  let start = 0;
  let win: Uint8Array = new Uint8Array(0);
  let buf: Uint8Array | undefined;
  return (offset, length) => {
    if (offset >= start && offset + length <= start + win.length) return win.subarray(offset - start, offset - start + length);
    if (length > windowBytes / 2) return ra.read(offset, length);
    buf ??= new Uint8Array(windowBytes);
    win = ra.read(offset, windowBytes, buf);
    start = offset;
    return win.subarray(0, Math.min(length, win.length));
  };
}

/**
 * windowedReader's read-ahead window, read in place: `cover(offset, length)` makes the window
 * hold those bytes and returns where they start in `bytes` (valid until the next cover that
 * misses), or -1 where it cannot (longer than half the window, past the end of the data). A
 * scan that reads a few header bytes of every frame then makes no view per frame.
 */
export interface ReadWindow {
  bytes: Uint8Array;
  cover(offset: number, length: number): number;
}

export function readWindow(ra: RandomAccess, windowBytes = 1 << 20): ReadWindow {
  let start = 0;
  let buf: Uint8Array | undefined;
  const w: ReadWindow = {
    bytes: new Uint8Array(0),
    cover(offset, length) {
      if (offset >= start && offset + length <= start + w.bytes.length) return offset - start;
      if (length > windowBytes / 2) return -1;
      buf ??= new Uint8Array(windowBytes);
      w.bytes = ra.read(offset, windowBytes, buf);
      start = offset;
      return length <= w.bytes.length ? 0 : -1;
    },
  };
  return w;
}

export interface StreamResult {
  /** Decompressed bytes delivered. */
  bytes: number;
  /** Set when the stream ended early (truncated or corrupt gzip, read error, a limit). */
  error?: string;
  /** Set when the stream stopped at the temp-disk limit, bytes (`error` says so in bytes). */
  tempLimit?: number;
  /** Set when the stream stopped at the memory budget, MB (`error` says so in bytes). */
  memoryLimit?: number;
}

/** Bytes delivered between two memory checks (see memoryGuard). */
const MEMORY_CHECK_BYTES = 1 << 20;

/**
 * Checked before a chunk: the engine's memory (index, layers, heap) against its budget
 * (limits.ts), so indexing stops with what it has read before the heap limit kills the engine.
 * At most once per MEMORY_CHECK_BYTES delivered: process.memoryUsage() costs ~0.1 ms, which
 * per 64 KiB chunk was 5–10 % of the index pass.
 */
function memoryGuard(): (delivered: number) => StreamResult | undefined {
  let next = 0;
  return (delivered) => {
    if (delivered < next) return undefined;
    next = delivered + MEMORY_CHECK_BYTES;
    const limits = engineLimits();
    if (!overMemoryBudget(limits)) return undefined;
    return { bytes: delivered, memoryLimit: limits.maxMemoryMb, error: memoryLimitMessage(`${delivered} bytes of the capture`, limits.maxMemoryMb) };
  };
}

/**
 * Follow a file that is still being written (tcpdump -w, strace -o): at the end of the data the
 * stream waits for more instead of ending, until `stop` is aborted (then it reads what has come
 * and ends). A partial last record simply waits in the reader for the rest.
 */
export interface FollowSpec {
  stop: AbortSignal;
  /** How often to look for new bytes at the end of the file (default 100 ms). */
  pollMs?: number;
  /** A followed set's part that gives no event for this long stops holding the other back (sets/set-follow.ts STALL_MS). */
  stallMs?: number;
}

/** Wait `ms` or until `stop` is aborted, whichever comes first. */
function pause(ms: number, stop: AbortSignal): Promise<void> {
  if (stop.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      stop.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    stop.addEventListener('abort', done);
  });
}

export interface CaptureSource {
  readonly path: string;
  readonly fileSize: number;
  readonly compressed: boolean;
  /**
   * Deliver the decompressed bytes in order. `onChunk` may be async (the indexer yields
   * between chunks so the host can answer requests); the chunk is only valid during the call.
   */
  stream(onChunk: (chunk: Uint8Array) => void | Promise<void>, signal?: AbortSignal, follow?: FollowSpec): Promise<StreamResult>;
  randomAccess: RandomAccess;
  /** Up to `n` of the first decompressed bytes, for format detection by content. */
  peek(n: number): Uint8Array;
}

/** True when the first bytes are a gzip member header (RFC 1952 §2.3.1: ID1 ID2 = 1f 8b). */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

function fileAccess(fd: number): RandomAccess {
  return {
    read(offset, length, into) {
      const buf = into && into.length >= length ? into.subarray(0, Math.max(0, length)) : new Uint8Array(Math.max(0, length));
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, offset + got);
        if (n <= 0) break;
        got += n;
      }
      return got === length ? buf : buf.subarray(0, got);
    },
    close() {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    },
  };
}

async function streamPlain(path: string, onChunk: (c: Uint8Array) => void | Promise<void>, signal?: AbortSignal, follow?: FollowSpec): Promise<StreamResult> {
  // Synchronous reads into one reused buffer: the bytes land in this core's cache right before
  // they are parsed (a read-ahead on the thread pool leaves them in another core's cache, and
  // the parse pays for fetching them again). The caller still yields between chunks. Opened
  // asynchronously: no chunk is delivered before stream() has returned (callers set up state
  // right after calling it).
  const h = await openAsync(path, 'r');
  const buf = new Uint8Array(CHUNK);
  const t0 = performance.now();
  const memoryStop = memoryGuard();
  let pos = 0;
  try {
    while (!signal?.aborted) {
      const over = memoryStop(pos);
      if (over) return over;
      // Small reads for the first second: the window's first requests are answered between
      // chunks (each waits for one), so they wait ~1 ms per chunk instead of ~25.
      const n = readSync(h.fd, buf, 0, performance.now() - t0 < EARLY_MS ? FIRST_CHUNK : CHUNK, pos);
      if (n <= 0) {
        // Following: wait for the writer, then read on from the same offset (no re-read).
        if (!follow || follow.stop.aborted) break;
        const size = fstatSync(h.fd).size;
        if (size < pos) return { bytes: pos, error: `the file shrank from ${pos} to ${size} bytes while being followed (truncated or rotated); stopped following at byte ${pos}` };
        await pause(follow.pollMs ?? 100, follow.stop);
        continue;
      }
      pos += n;
      await onChunk(n === buf.length ? buf : buf.subarray(0, n));
    }
    return { bytes: pos };
  } catch (e) {
    return { bytes: pos, error: `read error at byte ${pos}: ${(e as Error).message}` };
  } finally {
    await h.close();
  }
}

export function openCaptureSource(path: string): CaptureSource {
  const fd = openSync(path, 'r');
  const fileSize = fstatSync(fd).size;
  const head = new Uint8Array(2);
  readSync(fd, head, 0, 2, 0);
  if (!isGzip(head)) {
    return {
      path,
      fileSize,
      compressed: false,
      stream: (onChunk, signal, follow) => streamPlain(path, onChunk, signal, follow),
      randomAccess: fileAccess(fd),
      peek(n) {
        return this.randomAccess.read(0, n);
      },
    };
  }
  const compressedHead = new Uint8Array(Math.min(fileSize, 1 << 16));
  readSync(fd, compressedHead, 0, compressedHead.length, 0);
  closeSync(fd);
  // The spill lives in the engine's folder, which the parent process removes when the engine
  // ends however it ends (temp-dir.ts); close() removes it sooner.
  const limits = engineLimits();
  const dir = mkdtempSync(join(limits.tempDir ?? ownEngineTempDir(), 'spill-'));
  const spillPath = join(dir, 'inflated');
  const spill = openSync(spillPath, 'w+', 0o600);
  const spillAccess = fileAccess(spill);
  const maxTemp = limits.maxTempBytes;
  return {
    path,
    fileSize,
    compressed: true,
    // No follow: a gzip stream cannot be read on while it is written (its end is only its end).
    async stream(onChunk, signal) {
      const input = createReadStream(path, { highWaterMark: CHUNK });
      const gunzip = createGunzip({ chunkSize: CHUNK });
      input.pipe(gunzip);
      let written = 0;
      const memoryStop = memoryGuard();
      try {
        for await (const chunk of gunzip as AsyncIterable<Buffer>) {
          if (signal?.aborted) break;
          // Stop before the chunk that would cross the limit: everything delivered is spilled.
          if (written + chunk.length > maxTemp) {
            return { bytes: written, tempLimit: maxTemp, error: tempLimitMessage(`${written} decompressed bytes`, maxTemp) };
          }
          const over = memoryStop(written);
          if (over) return over;
          try {
            writeSync(spill, chunk, 0, chunk.length, written);
          } catch (e) {
            return { bytes: written, error: `cannot write the decompressed capture to the temp folder after ${written} bytes: ${(e as Error).message}` };
          }
          written += chunk.length;
          await onChunk(chunk);
        }
        return { bytes: written };
      } catch (e) {
        return { bytes: written, error: `gzip data ends or is corrupt after ${written} decompressed bytes: ${(e as Error).message}` };
      } finally {
        input.destroy();
        gunzip.destroy();
      }
    },
    peek(n) {
      // Inflate only the start; SYNC_FLUSH returns what is decodable instead of throwing on the
      // cut. A few KB first: a gzip bomb's first 64 KB alone inflate to 64 MB.
      for (const size of [4096, compressedHead.length]) {
        try {
          const out = gunzipSync(compressedHead.subarray(0, size), { finishFlush: zc.Z_SYNC_FLUSH });
          if (out.length >= n || size >= compressedHead.length) return out.subarray(0, n);
        } catch {
          if (size >= compressedHead.length) return new Uint8Array(0);
        }
      }
      return new Uint8Array(0);
    },
    randomAccess: {
      read: spillAccess.read,
      close() {
        spillAccess.close();
        rmSync(dir, { recursive: true, force: true });
      },
    },
  };
}
