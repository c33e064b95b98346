/**
 * Open any capture by path: detect the format from the content (never the extension), then
 * start the matching indexer. Resolves as soon as the capture can answer requests; `indexing`
 * resolves when the whole file has been read.
 */
import type { Capture, OpenOptions } from './capture.ts';
import { openCaptureSource } from './io/capture-source.ts';
import { startPacketCapture } from './index/packet-capture.ts';
import { describeUnknown, detectFormat } from './readers/detect.ts';
import { openScap } from './readers/scap/open-scap.ts';
import { openStraceFiles, startStrace } from './readers/strace/open-strace.ts';
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
      return startPacketCapture(source, format, opts);
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

/**
 * Open several files as one capture: only strace logs can be merged (the per-process files of
 * `strace -ff`), their events in time order.
 */
export async function openCaptures(paths: string[], opts: OpenOptions = {}): Promise<OpenedCapture> {
  if (paths.length === 1) return openCapture(paths[0], opts);
  for (const p of paths) {
    let head: Uint8Array;
    let source;
    try {
      source = openCaptureSource(p);
      head = source.peek(65536);
    } catch (e) {
      throw new CaptureOpenError(`${p}: cannot open: ${(e as Error).message}`);
    } finally {
      source?.randomAccess.close();
    }
    if (detectFormat(head) !== 'strace') {
      throw new CaptureOpenError(`${p}: only strace logs (the per-process files of strace -ff) can be opened together`);
    }
  }
  const capture = await openStraceFiles(paths, opts, []);
  return { capture, indexing: Promise.resolve() };
}
