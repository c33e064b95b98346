/**
 * The engine's resource limits: heap memory and temp disk. One engine runs per worker thread or
 * utility process, so the limits are set once per engine by its entry (worker-entry.ts,
 * utility-entry.ts) from what the parent passed, and read where the budget is spent (the index
 * pass, the gzip spill). Also the texts the user sees when a limit is hit: the engine, the CLI
 * and the window say the same thing.
 */
import { getHeapStatistics } from 'node:v8';
export interface EngineLimits {
  /** Heap limit of the engine (worker maxOldGenerationSizeMb, utility --max-old-space-size), MB. */
  maxMemoryMb: number;
  /** Largest decompressed spill of a gzip capture, bytes. */
  maxTempBytes: number;
  /**
   * Folder for the engine's temp files (the spill), owned and removed by the parent process.
   * Unset: the engine makes its own under the per-user temp root (tests, in-process engines).
   */
  tempDir?: string;
}

const MB = 1024 * 1024;
const GIB = 1024 * MB;

export const DEFAULT_LIMITS: Readonly<EngineLimits> = { maxMemoryMb: 1024, maxTempBytes: 8 * GIB };

/**
 * Share of the memory limit the index pass may fill (index columns with their spare capacity,
 * conversation table, JavaScript heap): the rest is head-room for the HTTP scan, filters and
 * replies. Spare capacity is counted though not yet resident, so the real use is lower.
 */
export const INDEX_BUDGET_SHARE = 0.9;

/**
 * Share of the memory limit IP fragment reassembly may hold: fragments waiting for the rest of
 * their datagram, and the reassembled datagrams that revisits of their completing frames read.
 */
export const IP_REASSEMBLY_SHARE = 1 / 16;

let current: EngineLimits = { ...DEFAULT_LIMITS };

export function setEngineLimits(l: Partial<EngineLimits>): void {
  current = { ...DEFAULT_LIMITS, ...current, ...withoutUndefined(l) };
}

export function engineLimits(): Readonly<EngineLimits> {
  return current;
}

function withoutUndefined(l: Partial<EngineLimits>): Partial<EngineLimits> {
  const out: Partial<EngineLimits> = {};
  if (l.maxMemoryMb !== undefined) out.maxMemoryMb = l.maxMemoryMb;
  if (l.maxTempBytes !== undefined) out.maxTempBytes = l.maxTempBytes;
  if (l.tempDir !== undefined) out.tempDir = l.tempDir;
  return out;
}

/**
 * A size such as `2048`, `512M`, `8G`, `1.5T` (binary units, case-insensitive, optional B/iB):
 * bytes, or null when it is not a positive size. A bare number is in `unit` bytes.
 */
export function parseSize(text: string, unit: number): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return null;
  const scale: Record<string, number> = { '': unit, k: 1024, m: MB, g: GIB, t: 1024 * GIB };
  const v = Math.floor(Number(m[1]) * scale[m[2].toLowerCase()]);
  return Number.isSafeInteger(v) && v > 0 ? v : null;
}

/** The limits set in the environment (TRACELENS_MAX_MEMORY in MB, TRACELENS_MAX_TEMP in GiB); bad values are errors. */
export function limitsFromEnv(env: Record<string, string | undefined>): Partial<EngineLimits> {
  const out: Partial<EngineLimits> = {};
  const mem = env.TRACELENS_MAX_MEMORY;
  if (mem !== undefined && mem !== '') out.maxMemoryMb = memoryMb(mem, 'TRACELENS_MAX_MEMORY');
  const temp = env.TRACELENS_MAX_TEMP;
  if (temp !== undefined && temp !== '') out.maxTempBytes = tempBytes(temp, 'TRACELENS_MAX_TEMP');
  return out;
}

/** A memory limit as given by the user (MB unless a unit is given), at least 64 MB. */
export function memoryMb(text: string, what: string): number {
  const bytes = parseSize(text, MB);
  if (bytes === null || bytes < 64 * MB) throw new Error(`${what} must be a size of at least 64 MB (e.g. 2048 or 4G), not "${text}"`);
  return Math.floor(bytes / MB);
}

/** A temp-disk limit as given by the user (GiB unless a unit is given), at least 1 MB. */
export function tempBytes(text: string, what: string): number {
  const bytes = parseSize(text, GIB);
  if (bytes === null || bytes < MB) throw new Error(`${what} must be a size of at least 1 MB (e.g. 16 or 500M), not "${text}"`);
  return bytes;
}

/** Bytes as the user would write them: "8 GiB", "512 MiB". */
export function sizeText(bytes: number): string {
  if (bytes >= GIB) return `${+(bytes / GIB).toFixed(1)} GiB`;
  if (bytes >= MB) return `${+(bytes / MB).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}

/** `what`: how far indexing got ("1200 events", "5242880 bytes"). */
export function memoryLimitMessage(what: string, maxMemoryMb: number): string {
  return `stopped after ${what}: capture too large for the ${maxMemoryMb} MB memory limit; raise it with --max-memory MB / TRACELENS_MAX_MEMORY`;
}

export function tempLimitMessage(what: string, maxTempBytes: number): string {
  return `stopped after ${what}: the decompressed capture exceeds the ${sizeText(maxTempBytes)} temp-disk limit; raise it with --max-temp GiB / TRACELENS_MAX_TEMP`;
}

/** Bytes IP reassembly may hold under the current limits. */
export function ipReassemblyBudget(limits: Readonly<EngineLimits> = current): number {
  return Math.floor(limits.maxMemoryMb * MB * IP_REASSEMBLY_SHARE);
}

/** Reassembly ran out of its budget at `frame`: the frames before it keep their datagrams. */
export function ipReassemblyLimitMessage(frame: number, budget: number): string {
  return `IP fragment reassembly stopped at frame ${frame}: fragments and reassembled datagrams passed ${sizeText(budget)} (1/16 of the memory limit); later fragments are shown unreassembled; raise the limit with --max-memory MB / TRACELENS_MAX_MEMORY`;
}

/**
 * Share of the memory limit that decrypted TLS streams and parsed HTTP/2 connections may hold
 * between lookups (tls/capture-tls.ts): past it the least recently read are dropped and built
 * again from the capture when read. The one being read is kept whatever its size.
 */
export const TLS_STREAM_CACHE_SHARE = 1 / 8;

/** Bytes decrypted streams may hold under the current limits. */
export function tlsStreamCacheBudget(limits: Readonly<EngineLimits> = current): number {
  return Math.floor(limits.maxMemoryMb * MB * TLS_STREAM_CACHE_SHARE);
}

/** One stream alone is larger than the decrypted-stream cache (a note on that stream). */
export function tlsStreamCacheMessage(stream: string, bytes: number, budget: number): string {
  return `${stream}: its decrypted data and frame index (about ${sizeText(bytes)}) are larger than the decrypted-stream cache (${sizeText(budget)}, 1/8 of the memory limit): reading another stream drops it and reading it again decrypts it again; raise the limit with --max-memory MB / TRACELENS_MAX_MEMORY`;
}

/**
 * Share of the memory limit for decrypted TLS records (tls/record-cache.ts): a stream holds no
 * plaintext of its own, its records are decrypted again when read after they were dropped.
 */
export const TLS_RECORD_CACHE_SHARE = 1 / 8;

export function tlsRecordCacheBudget(limits: Readonly<EngineLimits> = current): number {
  return Math.floor(limits.maxMemoryMb * MB * TLS_RECORD_CACHE_SHARE);
}

/** A stream's decrypted data is larger than the decrypted-record cache (a note on that stream). */
export function tlsRecordCacheMessage(stream: string, bytes: number, budget: number): string {
  return `${stream}: its decrypted data (${sizeText(bytes)}) is larger than the decrypted-record cache (${sizeText(budget)}, 1/8 of the memory limit): records read again are decrypted again; raise the limit with --max-memory MB / TRACELENS_MAX_MEMORY`;
}

/** Whether a capture warning is one of the limit messages above (any format's indexer). */
export function isLimitMessage(text: string): boolean {
  return / memory limit; raise it with --max-memory | temp-disk limit; raise it with --max-temp /.test(text);
}

/**
 * Memory this engine holds: its JavaScript heap and the buffers outside it (the index's typed
 * arrays, which the heap limit never sees). Both are per isolate, so in a worker thread this is
 * the engine's own use, not its parent's.
 */
export function engineMemoryBytes(): number {
  // The same two numbers process.memoryUsage() gives as heapUsed and external, without the RSS
  // it also reads from /proc: that read cost up to 2 ms a call in a busy worker (0.5 s of a
  // 1 M-packet index pass on a loaded machine).
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

/** Whether the index pass has used its share of the memory limit. */
export function overMemoryBudget(limits: Readonly<EngineLimits> = current, used: number = engineMemoryBytes()): boolean {
  return used > limits.maxMemoryMb * MB * INDEX_BUDGET_SHARE;
}

/**
 * What to tell the user when an engine ends on its own: out of memory (a worker's resource
 * limit, a utility process's heap), an error, or an exit code.
 */
export function engineDeathMessage(d: { error?: Error; code?: number; maxMemoryMb: number; events?: number }): string {
  const after = d.events !== undefined ? ` after ${d.events} events` : '';
  const oom = (d.error as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap limit|allocation failed/i.test(d.error?.message ?? '');
  if (oom) return `capture too large for the ${d.maxMemoryMb} MB memory limit: the engine ran out of memory${after}; raise it with --max-memory MB / TRACELENS_MAX_MEMORY`;
  if (d.error) return `the engine failed${after}: ${d.error.message}`;
  return `the engine stopped unexpectedly${after} (exit code ${d.code ?? 'unknown'})`;
}
