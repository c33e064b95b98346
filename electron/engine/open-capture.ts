/**
 * Open any capture by path: detect the format from the content (never the extension), then
 * start the matching indexer. Resolves as soon as the capture can answer requests; `indexing`
 * resolves when the whole file has been read.
 */
import type { Capture, OpenOptions } from './capture.ts';
import { basename } from 'node:path';
import { openCaptureSource, type CaptureSource } from './io/capture-source.ts';
import { startPacketCapture, startPacketFeed } from './index/packet-capture.ts';
import { startHttpHeads } from './layers/http-heads.ts';
import { fileOfOffset, mergedPacketFeed } from './sets/packet-merge.ts';
import { openCaptureSet, type CaptureSet } from './sets/set-capture.ts';
import { describeUnknown, detectFormat } from './readers/detect.ts';
import { openScap, scapTimeOrder } from './readers/scap/open-scap.ts';
import { openStraceFiles, startStrace, type StraceCapture } from './readers/strace/open-strace.ts';
import { joinStraceClock, mergeSyscallReaders } from './sets/syscall-merge.ts';
import type { SyscallReader } from './syscalls/syscall-index.ts';
import './fields/all-fields.ts';

export interface OpenedCapture {
  capture: Capture;
  indexing: Promise<void>;
}

/** An input the engine cannot read at all: names the file and what is wrong. */
export class CaptureOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureOpenError';
  }
}

export async function openCapture(path: string, opts: OpenOptions = {}): Promise<OpenedCapture> {
  let source;
  try {
    source = openCaptureSource(path);
  } catch (e) {
    throw new CaptureOpenError(`${path}: cannot open: ${(e as Error).message}`);
  }
  const head = source.peek(65536);
  if (head.length === 0) {
    source.randomAccess.close();
    throw new CaptureOpenError(`${path}: the file is empty${source.compressed ? ' after decompression' : ''} (0 bytes at byte offset 0)`);
  }
  const format = detectFormat(head);
  switch (format) {
    case 'pcap':
    case 'pcapng':
      // The HTTP heads of the index pass (layers/http-heads.ts), when asked and the file is not followed (it grows).
      return startPacketCapture(source, format, opts.httpHeads === true && !opts.follow ? { ...opts, tcpSegmentScan: startHttpHeads } : opts);
    case 'strace':
      return startStrace(source, opts, []);
    case 'scap': {
      // The scap indexer resolves once the whole file is indexed.
      const capture = await openScap(source, opts, []);
      return { capture, indexing: Promise.resolve() };
    }
    default:
      source.randomAccess.close();
      throw new CaptureOpenError(`${path}: not a capture Tracelens can read (pcap, pcapng, scap, strace): ${describeUnknown(head)}`);
  }
}

/** One file of a set, opened, its format detected from its content. */
interface SetFile {
  path: string;
  source: CaptureSource;
  format: 'pcap' | 'pcapng' | 'strace' | 'scap';
}

function openSetFile(p: string): SetFile {
  let source: CaptureSource;
  try {
    source = openCaptureSource(p);
  } catch (e) {
    throw new CaptureOpenError(`${p}: cannot open: ${(e as Error).message}`);
  }
  const head = source.peek(65536);
  if (head.length === 0) {
    source.randomAccess.close();
    throw new CaptureOpenError(`${p}: the file is empty${source.compressed ? ' after decompression' : ''} (0 bytes at byte offset 0)`);
  }
  const format = detectFormat(head);
  if (format === 'pcap' || format === 'pcapng' || format === 'strace' || format === 'scap') return { path: p, source, format };
  source.randomAccess.close();
  throw new CaptureOpenError(`${p}: not a capture Tracelens can read (pcap, pcapng, scap, strace): ${describeUnknown(head)}`);
}

/**
 * Open several files as one capture set, merged by time (docs/capture-sets.md): packet files
 * (pcap, pcapng: a ring buffer, several interfaces) become one packet capture numbered as
 * mergecap numbers it; strace logs (the per-process files of `strace -ff`) one syscall capture;
 * scap files (a sysdig rotation) one syscall capture read in time order; scap files and strace
 * logs together one syscall capture merged by time.
 */
export async function openCaptures(paths: string[], opts: OpenOptions = {}): Promise<OpenedCapture> {
  if (paths.length === 1) return openCapture(paths[0], opts);
  const files: SetFile[] = [];
  try {
    for (const p of paths) files.push(openSetFile(p));
  } catch (e) {
    for (const f of files) f.source.randomAccess.close();
    throw e;
  }
  const packets = files.filter((f) => f.format === 'pcap' || f.format === 'pcapng');
  const syscalls = files.filter((f) => f.format === 'strace' || f.format === 'scap');
  if (syscalls.length === 0) return startPacketFeed(namedFeed(packets), opts);
  if (packets.length === 0) {
    const part = await openSyscallPart(syscalls, opts);
    opts.onProgress?.(part.capture.info());
    return { capture: part.capture, indexing: Promise.resolve() };
  }
  // One packet file and one strace log still being written (tracelens trace --pcap): each part
  // follows its file and the set places their events as it can (sets/set-follow.ts).
  if (opts.follow && packets.length === 1 && syscalls.length === 1 && syscalls[0].format === 'strace') return openFollowedSet(packets[0], syscalls[0], opts);
  // Packets and syscalls: each part indexed whole, then merged (sets/set-capture.ts).
  const packetPart = packets.length === 1
    ? startPacketCapture(packets[0].source, packets[0].format === 'pcap' ? 'pcap' : 'pcapng', { signal: opts.signal })
    : startPacketFeed(namedFeed(packets), { signal: opts.signal });
  await packetPart.indexing;
  const part = await openSyscallPart(syscalls, { signal: opts.signal });
  const set = openCaptureSet({
    packets: packetPart.capture, syscalls: part.capture, packetFiles: packets.map((f) => f.path), syscallFiles: part.files,
    syscallFileOf: part.fileOf, tupleOnlyReaders: part.tupleOnlyReaders,
  });
  opts.onProgress?.(set.capture.info());
  return { capture: set.capture, indexing: set.layersReady };
}

/** How often a followed set looks at its parts besides their own progress (a part that stalls). */
const SET_TICK_MS = 100;

/**
 * A packet file and an strace log followed as one set: both are read on as they grow, and the
 * set numbers their events by time as far as both have reached (sets/set-follow.ts).
 */
function openFollowedSet(pf: SetFile, sf: SetFile, opts: OpenOptions): OpenedCapture {
  const ended: [boolean, boolean] = [false, false];
  // The parts report progress from their reads, after the set below exists.
  const made: { set?: CaptureSet } = {};
  const tick = (): void => {
    if (made.set?.sync()) opts.onProgress?.(made.set.capture.info());
  };
  const partOpts: OpenOptions = { signal: opts.signal, follow: opts.follow, onProgress: tick };
  const p = startPacketCapture(pf.source, pf.format === 'pcap' ? 'pcap' : 'pcapng', partOpts);
  const s = startStrace(sf.source, partOpts, []);
  const set = openCaptureSet({
    packets: p.capture, syscalls: s.capture, packetFiles: [pf.path], syscallFiles: [sf.path],
    follow: { ended: (k) => ended[k], stallMs: opts.follow?.stallMs },
  });
  made.set = set;
  const timer = setInterval(tick, SET_TICK_MS);
  const part = (k: 0 | 1, indexing: Promise<void>): Promise<void> => indexing.finally(() => {
    ended[k] = true;
    tick();
  });
  const indexing = Promise.all([part(0, p.indexing), part(1, s.indexing)]).finally(() => clearInterval(timer)).then(async () => {
    const layers = set.finish();
    opts.onProgress?.(set.capture.info());
    await layers;
  });
  opts.onProgress?.(set.capture.info());
  return { capture: set.capture, indexing };
}

/** The syscall files of a set as one syscall capture, indexed whole. */
interface SyscallPart {
  capture: Capture;
  /** In the order read (scaps in time order, then strace logs). */
  files: string[];
  /** frame.file of an event (by its number in the part) when the part has several files. */
  fileOf?: (local: number) => string;
  /** Readers of a merged part whose sockets are matched by 5-tuple only (strace -r). */
  tupleOnlyReaders: number[];
}

/**
 * scap files (a sysdig rotation, read in the time order of their first events: sysdig -C/-G/-e,
 * -W), strace logs (`-ff`, merged by time), or both: each reader indexes its files, an strace
 * log without a date takes the scap's, and the two are merged by time (sets/syscall-merge.ts).
 */
async function openSyscallPart(syscalls: SetFile[], opts: OpenOptions): Promise<SyscallPart> {
  const scaps = scapTimeOrder(syscalls.filter((f) => f.format === 'scap'));
  const straces = syscalls.filter((f) => f.format === 'strace');
  const scap = scaps.length > 0 ? await openScap(scaps.map((f) => f.source), opts, []) : undefined;
  let strace: StraceCapture | undefined;
  if (straces.length === 1) {
    const one = startStrace(straces[0].source, opts, []);
    await one.indexing;
    strace = one.capture;
  } else if (straces.length > 1) {
    for (const f of straces) f.source.randomAccess.close();
    strace = await openStraceFiles(straces.map((f) => f.path), opts, []);
  }
  const files = [...scaps, ...straces].map((f) => f.path);
  if (scap && strace) {
    const clock = joinStraceClock(strace, scap);
    const merged = mergeSyscallReaders([scap, strace], clock.kind === 'epoch' ? [] : [clock.note]);
    return { capture: merged, files, fileOf: merged.fileNameOf, tupleOnlyReaders: clock.kind === 'relative' ? [1] : [] };
  }
  const one = (scap ?? strace) as SyscallReader;
  return { capture: one, files, fileOf: files.length > 1 ? one.fileNameOf : undefined, tupleOnlyReaders: [] };
}

/** The merged feed of several packet files, naming each frame's file. */
function namedFeed(packets: SetFile[]): ReturnType<typeof mergedPacketFeed> {
  const feed = mergedPacketFeed(packets.map((f) => ({ source: f.source, format: f.format === 'pcap' ? 'pcap' : 'pcapng' })));
  const names = packets.map((f) => basename(f.path));
  feed.fileName = (offset) => names[fileOfOffset(offset).file] ?? '';
  return feed;
}
