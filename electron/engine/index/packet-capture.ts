/**
 * A packet capture (pcap or pcapng) as a `Capture`: the reader streams records, each is
 * dissected once in frame order (first pass: conversations and stream ids are assigned), the
 * summary goes into the columnar PacketIndex, and the bytes stay in the file. Details, Info
 * text and `-e` values come from re-dissecting single frames later (revisit mode).
 */
import { basename } from 'node:path';
import { NO_TEXT, type CaptureInfo, type ColumnDef } from '../../../shared/rpc.ts';
import { type Capture, type CaptureInternals, type OpenOptions } from '../capture.ts';
import { addField, createDissection, findField, type Dissection } from '../dissectors/dissection.ts';
import { hfFrame, hfFrameFile } from '../dissectors/frame.ts';
import { dissectPacket, type FrameMeta } from '../dissectors/packet.ts';
import { fixedTcpInfo, summarizeFixedTcp } from '../dissectors/fixed-tcp.ts';
import { EARLY_MS, readWindow, windowedReader, type CaptureSource, type FollowSpec, type RandomAccess, type StreamResult } from '../io/capture-source.ts';
import { createPcapParser } from '../readers/pcap.ts';
import { createPcapngParser } from '../readers/pcapng.ts';
import type { PacketRecord, PacketSink } from '../readers/types.ts';
import { firstPassContext, revisitContext, type PacketContext } from '../dissectors/context.ts';
import { fragmentStoreOf } from '../dissectors/ip-reassembly.ts';
import { conversationTableBytes, createConversationTable, reserveFrames, type ConversationTable } from '../streams/conversations.ts';
import { memoryLimitMessage, tempLimitMessage } from '../limits.ts';
import { dnsPlace, hostNamesBytes, learnHostName, noteNameFrame, nrbPlace } from './host-names.ts';
import { addPacket, createPacketIndex, frameMeta, growPacketIndex, packetCapacity, packetCount, packetIndexBytes } from './packet-index.ts';
import { pageTexts } from './columns.ts';
import { noteSegment, startStreamStarts } from './stream-starts.ts';

export const PACKET_COLUMNS: ColumnDef[] = [
  { id: 'no', title: 'No.', field: 'frame.number', width: 70, align: 'right' },
  { id: 'time', title: 'Time', field: 'frame.time_relative', width: 110, align: 'right' },
  { id: 'source', title: 'Source', width: 160 },
  { id: 'destination', title: 'Destination', width: 160 },
  { id: 'protocol', title: 'Protocol', field: 'frame.protocols', width: 80 },
  { id: 'length', title: 'Length', field: 'frame.len', width: 70, align: 'right' },
  { id: 'info', title: 'Info', width: 600 },
];

/** Give the event loop a turn this often while indexing, so requests are answered. */
const YIELD_MS = 25;
/**
 * For the first second a turn every few ms: the window's first requests (columns, colour rules,
 * the first rows page) each wait for a turn, and at 25 ms apiece they added up to ~300 ms.
 */
const EARLY_YIELD_MS = 3;


/**
 * Where the packet records come from: one file's parser, or several files merged by time
 * (sets/packet-merge.ts). `run` delivers every record to the sink in frame order and calls
 * `onBytes` after each chunk read (the indexer yields there); it ends the parsers itself unless a
 * limit stopped the stream.
 */
export interface PacketFeed {
  path: string;
  /** Shown as the capture's name (file names joined for a merged set). */
  name: string;
  format: 'pcap' | 'pcapng';
  fileSize: number;
  compressed: boolean;
  /** Reads at the records' `dataOffset`. */
  randomAccess: RandomAccess;
  /** `follow`: keep reading a file still being written (one file only; a merged set ignores it). */
  run(sink: PacketSink, onBytes: (n: number) => Promise<void>, signal?: AbortSignal, follow?: FollowSpec): Promise<StreamResult>;
  /** A set of several files: the file name of the record at `dataOffset` (frame.file, the File column). */
  fileName?(dataOffset: number): string;
  /**
   * Bytes the records' dataOffset runs up to (an uncompressed file's size), to size the index
   * for the whole input; absent when unknown (compressed, a merged set's virtual offsets).
   */
  inputBytes?: number;
}

/** The File column of a capture set (frame.file). */
export const FILE_COLUMN: ColumnDef = { id: 'file', title: 'File', field: 'frame.file', width: 140 };

/** True when a stream result says a limit (memory, temp disk) cut the input: no parser end then. */
export function stoppedByLimit(r: StreamResult): boolean {
  return r.memoryLimit !== undefined || r.tempLimit !== undefined;
}

/** One file through its format's push parser. */
export function fileFeed(source: CaptureSource, format: 'pcap' | 'pcapng'): PacketFeed {
  return {
    path: source.path,
    name: basename(source.path),
    format,
    fileSize: source.fileSize,
    compressed: source.compressed,
    randomAccess: source.randomAccess,
    inputBytes: source.compressed ? undefined : source.fileSize,
    async run(sink, onBytes, signal, follow) {
      const parser = format === 'pcap' ? createPcapParser(sink) : createPcapngParser(sink);
      const result = await source.stream(async (chunk) => {
        parser.push(chunk);
        await onBytes(chunk.length);
      }, signal, follow);
      if (!stoppedByLimit(result)) parser.end();
      return result;
    },
  };
}

export function startPacketCapture(
  source: CaptureSource,
  format: 'pcap' | 'pcapng',
  opts: PacketOpenOptions,
): { capture: Capture; indexing: Promise<void> } {
  return startPacketFeed(fileFeed(source, format), opts);
}

/** Index the records of a feed (one file or a merged set) as one packet capture. */
/** OpenOptions, and a scan of every TCP segment of the index pass (context.ts onTcpSegment), made for the capture's conversation table. */
export interface PacketOpenOptions extends OpenOptions {
  tcpSegmentScan?: (conv: ConversationTable) => NonNullable<PacketContext['onTcpSegment']>;
}

export function startPacketFeed(feed: PacketFeed, opts: PacketOpenOptions): { capture: Capture; indexing: Promise<void> } {
  const source = feed;
  const format = feed.format;
  const ix = createPacketIndex();
  ix.inputBytes = feed.inputBytes ?? 0;
  const conv = createConversationTable();
  const first = firstPassContext(conv);
  // DNS answers name addresses only when names are asked (host-names.ts): the pass notes the frames.
  first.nameRecord = () => noteNameFrame(ix.hostNames, meta.number);
  // A scan of TCP payloads while they are in memory (open-capture.ts: the HTTP heads, when asked).
  // The first bytes of each stream direction (index/stream-starts.ts): TLS / HTTP/2 filters tell most streams from them.
  const starts = startStreamStarts(conv);
  const scan = opts.tcpSegmentScan?.(conv);
  first.onTcpSegment = scan
    ? (frame, stream, bit, seq, flags, b, from, to, seglen) => {
        noteSegment(starts, stream, bit, seq, flags, b, from, to, seglen);
        scan(frame, stream, bit, seq, flags, b, from, to, seglen);
      }
    : (_frame, stream, bit, seq, flags, b, from, to, seglen) => noteSegment(starts, stream, bit, seq, flags, b, from, to, seglen);
  const revisit = revisitContext(conv);
  const frags = fragmentStoreOf(conv);
  let fragsWarned = false;
  const warnings: string[] = [];
  const started = performance.now();
  let bytesRead = 0;
  let done = false;
  let cancelled = false;
  let loadMs = 0;
  let streamErrors = 0;
  /** Why indexing stopped early at a limit (memory, temp disk), for info().extra.stopped. */
  let stoppedAt: string | undefined;
  // Earliest and latest time as [minSec, minNsec, maxSec, maxNsec]: a typed array, because
  // seconds since the epoch are beyond V8's small integers and a closure variable holding one
  // would box a new number at every update.
  const span = new Float64Array([Infinity, 0, -Infinity, 0]);
  const nsText = (sec: number, nsec: number): string | null =>
    Number.isFinite(sec) ? (BigInt(sec) * 1_000_000_000n + BigInt(nsec)).toString() : null;
  const linkTypes = new Set<number>();
  /** Interface and link type of the previous record (see packet()). */
  let lastInterface = -1;
  let lastLinkType = Number.NaN;
  const d = createDissection();
  // First pass in summary mode: no field entries; the index reads the dissectors' summary scratch.
  d.summary = true;
  const fixedPath = opts.genericIndex !== true;
  const meta: FrameMeta = { number: 0, tsSec: 0, tsNsec: 0, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0 };

  const sink: PacketSink = {
    packet(rec: PacketRecord) {
      const n = packetCount(ix) + 1;
      // The index and the conversation table's per-frame arrays grow together, before the
      // dissection records frame n's stream.
      if (n > packetCapacity(ix)) {
        growPacketIndex(ix, n, rec.dataOffset);
        reserveFrames(conv, packetCapacity(ix) + 1);
      }
      // Reader interface ids are ≥ 0 or -1 (packet naming an undefined interface); the column is
      // Uint16, so -1 is stored as 0xffff with its own entry.
      if (rec.interfaceId < 0) rec.interfaceId = 0xffff;
      // Records rarely change interface or link type: the checks run only when they do.
      if (rec.interfaceId !== lastInterface || rec.linkType !== lastLinkType) {
        if (!ix.interfaces[rec.interfaceId]) {
          ix.interfaces[rec.interfaceId] = { id: rec.interfaceId, linkType: rec.linkType, snapLen: 0, tsUnitsPerSec: 1e6, tsOffsetSec: 0 };
        }
        linkTypes.add(rec.linkType);
        lastInterface = rec.interfaceId;
        lastLinkType = rec.linkType;
      }
      meta.number = n;
      meta.tsSec = rec.tsSec;
      meta.tsNsec = rec.tsNsec;
      meta.capLen = rec.capLen;
      meta.origLen = rec.origLen;
      meta.linkType = rec.linkType;
      meta.interfaceId = rec.interfaceId;
      meta.noInterface = ix.interfaces[rec.interfaceId]?.implicit === true;
      meta.comments = rec.comments;
      meta.process = rec.process;
      meta.malformed = rec.malformed;
      meta.hasTime = rec.hasTime;
      // Straight from the reader's buffer: no view of the record is made.
      // The common Ethernet → IPv4 → TCP frame at fixed offsets; the generic dissectors otherwise.
      if (!fixedPath || !summarizeFixedTcp(d, meta, rec.buf, first, rec.offset, rec.offset + rec.capLen)) {
        dissectPacket(d, meta, rec.buf, first, rec.offset, rec.offset + rec.capLen);
      }
      // IP reassembly over its budget: said once, the frames keep what they have (see limits.ts).
      if (frags.stopped !== undefined && !fragsWarned) {
        warnings.push(frags.stopped);
        fragsWarned = true;
      }
      addPacket(ix, rec, d, first, rec.buf);
      if (rec.hasTime) {
        // Earliest and latest time as (sec, nsec) pairs; texts are only built when info() asks.
        const sec = rec.tsSec;
        const nsec = rec.tsNsec;
        if (sec < span[0] || (sec === span[0] && nsec < span[1])) {
          span[0] = sec;
          span[1] = nsec;
        }
        if (sec > span[2] || (sec === span[2] && nsec > span[3])) {
          span[2] = sec;
          span[3] = nsec;
        }
      }
      if (rec.malformed) warnings.push(rec.malformed);
    },
    warning: (m, damage) => {
      warnings.push(m);
      if (damage !== false) streamErrors++;
    },
    interface(info) {
      ix.interfaces[info.id] = info;
      linkTypes.add(info.linkType);
    },
    name(address, names) {
      // One name per address: the record's first (no corpus file has a record with more).
      learnHostName(ix.hostNames, address, names[0], 'nrb', nrbPlace(packetCount(ix)));
    },
    secrets(type, data) {
      ix.secrets.push({ type, data: data.slice() });
    },
  };
  const info = (): CaptureInfo => ({
    name: feed.name,
    path: source.path,
    format,
    kind: 'packets',
    compressed: source.compressed,
    events: packetCount(ix),
    bytesRead,
    fileSize: source.fileSize,
    firstTimeNs: nsText(span[0], span[1]),
    lastTimeNs: nsText(span[2], span[3]),
    linkTypes: [...linkTypes].sort((a, b) => a - b),
    warnings: warnings.slice(0, 1000),
    done,
    cancelled,
    loadMs: done ? loadMs : performance.now() - started,
    extra: { interfaces: ix.interfaces.filter(Boolean).length, secrets: ix.secrets.length, warningCount: warnings.length, readErrors: ix.malformed.size + streamErrors, indexBytes: packetIndexBytes(ix) + conversationTableBytes(conv) + hostNamesBytes(ix.hostNames), ...(stoppedAt !== undefined ? { stopped: stoppedAt } : {}) },
  });

  const dRow: Dissection = createDissection();
  // The cells need the Info text, which dissectors build with wantInfo whether or not they record
  // fields: recording none (empty keep masks) skips every header field's entry.
  dRow.keep = new Uint8Array(0);
  dRow.keepProtocols = new Uint8Array(0);
  const rowMeta: FrameMeta = { ...meta };
  const firstTime = (): number => (packetCount(ix) > 0 ? ix.tsSec.data[0] + ix.tsNsec.data[0] / 1e9 : 0);

  const readFrame = windowedReader(source.randomAccess);
  // The Info pages' TCP headers (internals().tcpInfo): read in place, no view per frame.
  const infoWindow = readWindow(source.randomAccess);

  function redissect(event: number, target: Dissection, wantInfo: boolean): void {
    const i = event - 1;
    const bytes = readFrame(ix.dataOffset.data[i], ix.capLen.data[i]);
    revisit.wantInfo = wantInfo;
    dissectPacket(target, frameMeta(ix, event, rowMeta), bytes, revisit);
    if (fileName) addField(target, hfFrameFile, 0, 0, findField(target, hfFrame), fileName(ix.dataOffset.data[i]));
  }
  const fileName = feed.fileName;
  // The noted DNS frames, re-dissected in file order with learnName (its own reader window: a
  // question may come between a frame's re-dissection and the use of its bytes).
  ix.hostNames.learnFrames = (frames, from, to) => {
    const read = windowedReader(source.randomAccess);
    const learner = revisitContext(conv, false);
    const dLearn = createDissection();
    dLearn.keep = new Uint8Array(0);
    dLearn.keepProtocols = new Uint8Array(0);
    const learnMeta: FrameMeta = { ...meta };
    let at = 0;
    learner.learnName = (address, name) => learnHostName(ix.hostNames, address, name, 'dns', at);
    for (let k = from; k < to; k++) {
      const event = frames[k];
      const i = event - 1;
      at = dnsPlace(event);
      dissectPacket(dLearn, frameMeta(ix, event, learnMeta), read(ix.dataOffset.data[i], ix.capLen.data[i]), learner);
    }
  };
  const columns = fileName ? [...PACKET_COLUMNS, FILE_COLUMN] : PACKET_COLUMNS;

  // One object for the capture's life: callers ask for it per event (tlsFrameOf), and a fresh object
  // with its closures per call showed as GC in the Info pages of short-connection captures.
  const internals: CaptureInternals = {
    kind: 'packets',
    index: ix,
    conv,
    frameBytes: (event) => source.randomAccess.read(ix.dataOffset.data[event - 1], ix.capLen.data[event - 1]),
    readAt: (offset, length, into) => source.randomAccess.read(offset, length, into),
    tcpInfo(event) {
      const i = event - 1;
      const len = ix.capLen.data[i];
      const at = infoWindow.cover(ix.dataOffset.data[i], len);
      if (at < 0) return undefined;
      return fixedTcpInfo(event, ix.interfaces[ix.iface.data[i]]?.linkType ?? 1, ix.origLen.data[i], infoWindow.bytes, at, at + len, conv);
    },
  };

  const capture: Capture = {
    info,
    count: () => packetCount(ix),
    columns: () => columns,
    cells(event, out) {
      const i = event - 1;
      redissect(event, dRow, true);
      const s = ix.strings.strings;
      out[0] = String(event);
      out[1] = (ix.tsSec.data[i] + ix.tsNsec.data[i] / 1e9 - firstTime()).toFixed(6);
      out[2] = s[ix.src.data[i]];
      out[3] = s[ix.dst.data[i]];
      out[4] = s[ix.protocol.data[i]];
      out[5] = String(ix.origLen.data[i]);
      out[6] = dRow.info;
      if (fileName) out[7] = fileName(ix.dataOffset.data[i]);
    },
    flags: (event) => ix.flags.data[event - 1],
    sortKey(event, column) {
      const i = event - 1;
      const strs = ix.strings.strings;
      switch (column) {
        case 'no':
          return event;
        case 'time':
          return ix.tsSec.data[i] + ix.tsNsec.data[i] / 1e9;
        case 'source':
          return strs[ix.src.data[i]];
        case 'destination':
          return strs[ix.dst.data[i]];
        case 'protocol':
          return strs[ix.protocol.data[i]];
        case 'length':
          return ix.origLen.data[i];
        case 'file':
          return fileName?.(ix.dataOffset.data[i]);
        default:
          return undefined;
      }
    },
    sortKeyTexts(column, start, count) {
      const col = column === 'source' ? ix.src : column === 'destination' ? ix.dst : column === 'protocol' ? ix.protocol : undefined;
      return col && pageTexts(col.data, ix.strings.strings, start, count, NO_TEXT);
    },
    time: (event) => ix.tsSec.data[event - 1] + ix.tsNsec.data[event - 1] / 1e9,
    dissect: (event, target, o) => redissect(event, target, o?.info ?? true),
    range: (event) => ({ offset: ix.dataOffset.data[event - 1], length: ix.capLen.data[event - 1] }),
    close: () => source.randomAccess.close(),
    internals: () => internals,
  };

  const indexing = (async () => {
    let lastYield = performance.now();
    let lastProgress = 0;
    let firstBatch = true;
    // A progress event held back by the rate limit is sent a turn later: the last packets of a
    // followed file that stops growing would otherwise never be announced.
    let trailing: ReturnType<typeof setTimeout> | undefined;
    const progress = (): void => {
      clearTimeout(trailing);
      trailing = undefined;
      opts.onProgress?.(info());
      lastProgress = performance.now();
    };
    const result = await feed.run(sink, async (bytes) => {
      bytesRead += bytes;
      const now = performance.now();
      let sent = false;
      if (firstBatch || now - lastYield > (now - started < EARLY_MS ? EARLY_YIELD_MS : YIELD_MS)) {
        // Turns may come every few ms (EARLY_YIELD_MS); progress events stay at most one per YIELD_MS.
        if (firstBatch || now - lastProgress > YIELD_MS) {
          progress();
          sent = true;
        }
        firstBatch = false;
        await new Promise<void>((r) => setImmediate(r));
        lastYield = performance.now();
      }
      if (!sent && trailing === undefined) trailing = setTimeout(() => !done && progress(), YIELD_MS);
    }, opts.signal, opts.follow);
    clearTimeout(trailing);
    // A limit (memory budget, temp disk: capture-source.ts) keeps the packets read so far. It is
    // the most important warning: first, so it survives the 1000-warning cut. The record cut by
    // the limit is not damage in the file: the parser is not asked about it.
    const events = `${packetCount(ix)} events`;
    const stopped = result.memoryLimit !== undefined ? memoryLimitMessage(events, result.memoryLimit) : result.tempLimit !== undefined ? tempLimitMessage(events, result.tempLimit) : undefined;
    if (stopped !== undefined) {
      stoppedAt = stopped;
      warnings.unshift(stopped);
      streamErrors++;
    } else if (result.error) {
      warnings.push(result.error);
      streamErrors++;
    }
    cancelled = opts.signal?.aborted ?? false;
    if (cancelled) warnings.push(`indexing cancelled after ${packetCount(ix)} packets (${bytesRead} bytes)`);
    done = true;
    starts.done = true;
    loadMs = performance.now() - started;
    opts.onProgress?.(info());
  })();

  return { capture, indexing };
}
