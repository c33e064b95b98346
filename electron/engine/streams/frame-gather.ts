/**
 * The bytes of a known list of frames (one stream's, in file order), read a batch per read:
 * consecutive frames of the list whose gaps in the file are small are read with one call and
 * copied into one buffer holding only their bytes. A TLS stream of a keep-alive capture was
 * reassembled with one read per frame (shape e at 100 k: 28 % of `http`, most of it the read
 * calls and their buffers). A gap larger than GAP_BYTES ends a batch, so the bytes read for
 * nothing per frame stay below what one more read costs: never much worse than a read per frame,
 * however sparse the stream is in the file.
 */

/** Where a frame is in the file and how many bytes it has (packet index columns, event 1-based). */
export interface FrameSpans {
  offset: (event: number) => number;
  length: (event: number) => number;
}

/** A read of the file: `length` bytes at `offset` into `into` (its start); fewer at the file's end. */
export type ReadAt = (offset: number, length: number, into?: Uint8Array) => Uint8Array;

/** A gap between two frames read past rather than ending the batch (about one read call's cost in copying). */
export const GAP_BYTES = 16 << 10;
/** Bytes read at most per batch (the scratch buffer). */
export const SPAN_BYTES = 1 << 20;

/** Reads and bytes read by gathered readers (tests count them). */
export const gatherWork = { reads: 0, bytes: 0 };

/**
 * `bytesOf(event)` for the frames of `frames` (ascending file order, each asked once in that
 * order): a batch is read when the asked frame is not in the current one. A frame asked out of
 * that order is read alone. Returned views of one batch share its buffer (only its frames' bytes,
 * not the gaps): they stay valid, as a read per frame's buffers did. With `transient`, a frame's
 * view is of the read buffer itself and valid only until the next frame is asked (no copy: for
 * a consumer that copies what it keeps, e.g. a follow that records only where chunks are).
 */
export function gatheredFrames(frames: Uint32Array, spans: FrameSpans, readAt: ReadAt, opts: { transient?: boolean } = {}): (event: number) => Uint8Array {
  let scratch: Uint8Array | undefined;
  /** The batch: frames[from, to) packed in `packed` at `at[k - from]`. */
  let from = 0;
  let to = 0;
  let packed: Uint8Array = new Uint8Array(0);
  let at = new Uint32Array(0);
  /** Transient batches: each frame's end in `packed` (frames are not packed end to start). */
  let ends: Uint32Array | undefined;
  let next = 0;
  const alone = (event: number): Uint8Array => {
    gatherWork.reads++;
    gatherWork.bytes += spans.length(event);
    return readAt(spans.offset(event), spans.length(event));
  };
  const batch = (k: number): void => {
    const start = spans.offset(frames[k]);
    let end = start + spans.length(frames[k]);
    let m = k + 1;
    let size = spans.length(frames[k]);
    for (; m < frames.length; m++) {
      const o = spans.offset(frames[m]);
      const e = o + spans.length(frames[m]);
      if (o < end || o - end > GAP_BYTES || e - start > SPAN_BYTES) break;
      end = e;
      size += spans.length(frames[m]);
    }
    scratch ??= new Uint8Array(SPAN_BYTES);
    const got = end - start > SPAN_BYTES ? readAt(start, end - start) : readAt(start, end - start, scratch);
    gatherWork.reads++;
    gatherWork.bytes += got.length;
    if (opts.transient) {
      // Views of `got` at the frames' file offsets (the gaps stay in between).
      packed = got;
      at = new Uint32Array(m - k + 1);
      for (let j = k; j < m; j++) at[j - k] = Math.min(got.length, spans.offset(frames[j]) - start);
      // Each frame ends at its own length, not at the next frame's start (ends[] below).
      ends = new Uint32Array(m - k);
      for (let j = k; j < m; j++) ends[j - k] = Math.min(got.length, spans.offset(frames[j]) - start + spans.length(frames[j]));
      from = k;
      to = m;
      return;
    }
    ends = undefined;
    packed = new Uint8Array(size);
    at = new Uint32Array(m - k + 1);
    let w = 0;
    for (let j = k; j < m; j++) {
      const o = spans.offset(frames[j]) - start;
      const n = Math.max(0, Math.min(spans.length(frames[j]), got.length - o));
      packed.set(got.subarray(o, o + n), w);
      at[j - k] = w;
      w += n;
    }
    at[m - k] = w;
    from = k;
    to = m;
  };
  return (event) => {
    if (next < frames.length && frames[next] === event) {
      if (next >= to) batch(next);
      const k = next++ - from;
      return packed.subarray(at[k], ends ? ends[k] : at[k + 1]);
    }
    return alone(event);
  };
}
