/**
 * Several pcap/pcapng files as one packet capture, records merged by time as `mergecap` merges
 * them (a ring buffer of `tcpdump -W/-C` or `dumpcap -b`, or captures of one run on several
 * interfaces): a k-way merge over the files' push parsers, each file read chunk by chunk as its
 * next record is needed, so nothing is re-sorted and memory is one chunk's records per file.
 *
 * Frame order: the earliest head record goes next; on equal times the later file wins, as
 * mergecap's merge_read_packet (wiretap/merge.c: is_earlier() is true for equal times and the
 * loop keeps the last candidate) does. Interfaces: each file's interface N becomes the merged
 * interface that an earlier file's N with the same link type and name became (mergecap's default
 * IDB merge mode "all" for identical lists), else a new one.
 *
 * A record's `dataOffset` is virtual: file k's byte o is at k * FILE_SPAN + o, so the packet
 * index needs no column for the file and random reads go to the right file.
 */
import { basename } from 'node:path';
import type { CaptureSource, RandomAccess, StreamResult } from '../io/capture-source.ts';
import { stoppedByLimit, type PacketFeed } from '../index/packet-capture.ts';
import { createPcapParser } from '../readers/pcap.ts';
import { createPcapngParser } from '../readers/pcapng.ts';
import { newPacketRecord, type InterfaceInfo, type PacketRecord, type PacketSink } from '../readers/types.ts';

/** Bytes of virtual offset space per file: 1 TiB each, 8192 files within 2^53. */
export const FILE_SPAN = 2 ** 40;
/** More files than this cannot be addressed in the virtual offsets. */
export const MAX_SET_FILES = 4096;

/** Which file of a merged set a virtual offset is in, and the offset inside it. */
export function fileOfOffset(offset: number): { file: number; offset: number } {
  const file = Math.floor(offset / FILE_SPAN);
  return { file, offset: offset - file * FILE_SPAN };
}

/**
 * A push stream (CaptureSource.stream) turned into pull: `next()` resolves with the next chunk,
 * valid until the following `next()` call (the producer waits meanwhile), or null at the end.
 */
export function chunkPuller(source: CaptureSource, signal?: AbortSignal): { next(): Promise<Uint8Array | null>; result: Promise<StreamResult> } {
  let ready: Uint8Array | null = null;
  /** True once `ready` was handed to the consumer: the next `next()` lets the producer go on. */
  let handed = false;
  let resume: (() => void) | null = null;
  let waiter: ((c: Uint8Array | null) => void) | null = null;
  let finished = false;
  const result = source.stream((chunk) => new Promise<void>((res) => {
    ready = chunk;
    resume = res;
    handed = false;
    if (waiter) {
      const w = waiter;
      waiter = null;
      handed = true;
      w(chunk);
    }
  }), signal).then((r) => {
    finished = true;
    if (waiter) {
      const w = waiter;
      waiter = null;
      w(null);
    }
    return r;
  });
  return {
    result,
    next() {
      if (handed && resume) {
        const r = resume;
        resume = null;
        ready = null;
        handed = false;
        r();
      }
      return new Promise((res) => {
        if (ready) {
          handed = true;
          res(ready);
        } else if (finished) res(null);
        else waiter = res;
      });
    },
  };
}

interface Input {
  source: CaptureSource;
  format: 'pcap' | 'pcapng';
  /**
   * The records parsed from the file's current chunk: `queue[0, count)`, record objects reused
   * from chunk to chunk (the sink reads a record during `packet()` and keeps nothing of it).
   */
  queue: PacketRecord[];
  count: number;
  /** Index of the queue's head (the queue is consumed from the front). */
  head: number;
  /** The chunk being parsed: valid until this file's next chunk is pulled (chunkPuller). */
  chunk: Uint8Array | null;
  eof: boolean;
  /** This file's interface id → merged id. */
  ifaceMap: Map<number, number>;
  result?: StreamResult;
}

/**
 * Queue a record of file `file`. Its bytes stay where the parser put them when that is the
 * file's current chunk — the queue is drained before the next chunk is pulled — and are copied
 * only when they are in the parser's own carry buffer (a record across two chunks), which the
 * parser reuses. Copying every record and allocating a record object for each made a set of
 * ring-buffer files cost ~3× the CPU of the one merged file (docs/capture-sets.md).
 */
function queueRecord(input: Input, rec: PacketRecord, file: number, iface: number): void {
  let c = input.queue[input.count];
  if (!c) {
    c = newPacketRecord();
    input.queue.push(c);
  }
  input.count++;
  c.dataOffset = file * FILE_SPAN + rec.dataOffset;
  c.capLen = rec.capLen;
  c.origLen = rec.origLen;
  c.tsSec = rec.tsSec;
  c.tsNsec = rec.tsNsec;
  c.hasTime = rec.hasTime;
  c.linkType = rec.linkType;
  c.interfaceId = iface;
  if (rec.buf === input.chunk) {
    c.buf = rec.buf;
    c.offset = rec.offset;
  } else {
    c.buf = rec.buf.slice(rec.offset, rec.offset + rec.capLen);
    c.offset = 0;
  }
  c.comments = rec.comments;
  c.epbFlags = rec.epbFlags;
  c.process = rec.process;
  c.malformed = rec.malformed;
}

/** Random access over the files of a set by virtual offset (a read never crosses files). */
function setAccess(inputs: readonly { source: CaptureSource }[]): RandomAccess {
  return {
    read(offset, length, into) {
      const at = fileOfOffset(offset);
      const s = inputs[at.file]?.source;
      if (!s) return new Uint8Array(0);
      return s.randomAccess.read(at.offset, length, into);
    },
    close() {
      for (const i of inputs) i.source.randomAccess.close();
    },
  };
}

/** Is a earlier than b (mergecap: equal counts as earlier, so the later file wins ties)? */
function earlierOrEqual(a: PacketRecord, b: PacketRecord): boolean {
  if (a.tsSec !== b.tsSec) return a.tsSec < b.tsSec;
  return a.tsNsec <= b.tsNsec;
}

/**
 * The feed of a merged set of packet files (already opened, formats detected). Warnings name
 * the file they are about.
 */
export function mergedPacketFeed(files: readonly { source: CaptureSource; format: 'pcap' | 'pcapng' }[]): PacketFeed {
  if (files.length > MAX_SET_FILES) throw new Error(`a capture set holds at most ${MAX_SET_FILES} packet files, not ${files.length}`);
  const inputs: Input[] = files.map((f) => ({ source: f.source, format: f.format, queue: [], count: 0, head: 0, chunk: null, eof: false, ifaceMap: new Map() }));
  const names = files.map((f) => basename(f.source.path));
  return {
    path: files[0].source.path,
    name: names.join(', '),
    format: files.some((f) => f.format === 'pcapng') ? 'pcapng' : 'pcap',
    fileSize: files.reduce((a, f) => a + f.source.fileSize, 0),
    compressed: files.some((f) => f.source.compressed),
    randomAccess: setAccess(inputs),
    async run(sink, onBytes, signal) {
      /** Merged interfaces: id → descriptor, for matching later files' interfaces. */
      const merged: InterfaceInfo[] = [];
      const mapIface = (input: Input, local: number, linkType: number, info?: InterfaceInfo): number => {
        const hit = input.ifaceMap.get(local);
        if (hit !== undefined && !info) return hit;
        const cand = merged[local];
        let id: number;
        if (cand && cand.linkType === linkType && cand.name === info?.name && !usedBy(input, local)) id = local;
        else {
          id = merged.length;
          while (merged[id]) id++;
        }
        // mergecap writes pcapng (its default -F): every merged interface is a real one, with an
        // id (frame.interface_id), even the implicit interface of a pcap input.
        const desc: InterfaceInfo = info ? { ...info, id, implicit: false } : { id, linkType, snapLen: 0, tsUnitsPerSec: 1e6, tsOffsetSec: 0 };
        if (!merged[id]) {
          merged[id] = desc;
          sink.interface?.(desc);
        }
        input.ifaceMap.set(local, id);
        return id;
      };
      // An input may not map two of its interfaces to one merged id.
      const usedBy = (input: Input, local: number): boolean => [...input.ifaceMap.entries()].some(([l, g]) => l !== local && g === local);
      const parsers = inputs.map((input, k) => {
        const name = names[k];
        const fileSink: PacketSink = {
          packet(rec) {
            const iface = mapIface(input, rec.interfaceId < 0 ? 0xffff : rec.interfaceId, rec.linkType);
            queueRecord(input, rec, k, iface);
          },
          warning: (m, damage) => sink.warning(`${name}: ${m}`, damage),
          interface: (info) => {
            mapIface(input, info.id, info.linkType, info);
          },
          name: (a, n) => sink.name?.(a, n),
          secrets: (t, d) => sink.secrets?.(t, d),
        };
        return input.format === 'pcap' ? createPcapParser(fileSink) : createPcapngParser(fileSink);
      });
      // Ending early (a limit, a cancel) stops every file's reader, not only the one that hit it.
      const stop = new AbortController();
      const onAbort = (): void => stop.abort();
      signal?.addEventListener('abort', onAbort);
      const pullers = inputs.map((i) => chunkPuller(i.source, stop.signal));
      /** Read file k until its queue has a record or it ends. */
      const fill = async (k: number): Promise<void> => {
        const input = inputs[k];
        while (input.head >= input.count && !input.eof) {
          input.count = 0;
          input.head = 0;
          input.chunk = null;
          const chunk = await pullers[k].next();
          if (chunk === null) {
            input.result = await pullers[k].result;
            input.eof = true;
            if (!stoppedByLimit(input.result)) parsers[k].end();
            break;
          }
          input.chunk = chunk;
          parsers[k].push(chunk);
          await onBytes(chunk.length);
        }
      };
      let stopped: StreamResult | undefined;
      for (;;) {
        if (signal?.aborted) break;
        let best = -1;
        for (let k = 0; k < inputs.length; k++) {
          await fill(k);
          const i = inputs[k];
          const r = inputs[k].result;
          if (r && stoppedByLimit(r)) stopped = r;
          if (i.head >= i.count) continue;
          if (best < 0 || earlierOrEqual(i.queue[i.head], inputs[best].queue[inputs[best].head])) best = k;
        }
        if (stopped || best < 0) break;
        const i = inputs[best];
        sink.packet(i.queue[i.head++]);
      }
      // Let every producer finish (a stopped or cancelled set leaves the others mid-file).
      stop.abort();
      signal?.removeEventListener('abort', onAbort);
      let bytes = 0;
      const errors: string[] = [];
      for (let k = 0; k < inputs.length; k++) {
        const input = inputs[k];
        if (!input.eof) {
          // Aborted above: the reader returns after the chunk it holds.
          while ((await pullers[k].next()) !== null) { /* drain */ }
          input.result = await pullers[k].result;
        }
        const r = input.result;
        if (!r) continue;
        bytes += r.bytes;
        if (r.error && !stoppedByLimit(r)) errors.push(`${names[k]}: ${r.error}`);
      }
      if (stopped) return { ...stopped, bytes };
      return errors.length > 0 ? { bytes, error: errors.join('; ') } : { bytes };
    },
  };
}
