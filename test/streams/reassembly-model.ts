/**
 * Reference model for the follow tap's reassembly: Wireshark 4.0's check_follow_fragments as
 * written before the heaps (one list of out-of-order fragments in arrival order, rescanned for
 * every step). Slow on purpose, O(n) per segment; the tests compare tcp-reassembly.ts with it
 * chunk for chunk, and count its work to show the complexity bound is one it would fail.
 */
import type { StreamChunk, StreamDir } from '../../electron/engine/streams/byte-stream.ts';

interface Fragment { seq: number; bytes: Uint8Array; event: number; time: number; truncated: number }

export interface ModelState {
  clientBit: number;
  seq: [number, number];
  written: [number, number];
  frags: [Fragment[], Fragment[]];
  pos: [number, number];
  chunks: StreamChunk[];
  /** List entries visited. */
  work: number;
}

const seqDiff = (a: number, b: number): number => (a - b) | 0;

export function modelState(): ModelState {
  return { clientBit: -1, seq: [0, 0], written: [0, 0], frags: [[], []], pos: [0, 0], chunks: [], work: 0 };
}

function emit(st: ModelState, c: StreamChunk): void {
  c.seq = st.pos[c.dir];
  st.pos[c.dir] += c.bytes.length + (c.gap ?? 0) + (c.truncated ?? 0);
  st.chunks.push(c);
}

function check(st: ModelState, dir: StreamDir, acknowledged: number, event: number, time: number, useAck: boolean): boolean {
  const list = st.frags[dir];
  if (list.length === 0) return false;
  let lowest = list[0].seq;
  for (let k = 0; k < list.length; k++) {
    st.work++;
    const f = list[k];
    if (seqDiff(lowest, f.seq) > 0) lowest = f.seq;
    if (seqDiff(f.seq, st.seq[dir]) < 0) {
      const newEnd = (f.seq + f.bytes.length) >>> 0;
      if (seqDiff(newEnd, st.seq[dir]) > 0) {
        const at = (st.seq[dir] - f.seq) >>> 0;
        if (f.bytes.length > at) emit(st, { dir, event: f.event, time: f.time, bytes: f.bytes.subarray(at), seq: 0 });
        st.seq[dir] = (st.seq[dir] + f.bytes.length - at) >>> 0;
      }
      list.splice(k, 1);
      return true;
    }
    if (f.seq === st.seq[dir]) {
      if (f.bytes.length > 0 || f.truncated > 0) {
        const c: StreamChunk = { dir, event: f.event, time: f.time, bytes: f.bytes, seq: 0 };
        if (f.truncated > 0) c.truncated = f.truncated;
        emit(st, c);
      }
      st.seq[dir] = (st.seq[dir] + f.bytes.length) >>> 0;
      list.splice(k, 1);
      return true;
    }
  }
  if (useAck && seqDiff(acknowledged, lowest) > 0) {
    emit(st, { dir, event, time, bytes: new Uint8Array(0), gap: (lowest - st.seq[dir]) | 0, seq: 0 });
    st.seq[dir] = lowest;
    return true;
  }
  return false;
}

/** Same arguments as tcpFollowSegment. */
export function modelSegment(
  st: ModelState, frameBit: number, event: number, time: number,
  seq: number, ack: number, flags: number, seglen: number, payload: Uint8Array,
): void {
  if (st.clientBit < 0) st.clientBit = frameBit;
  const dir: StreamDir = frameBit === st.clientBit ? 0 : 1;
  const other: StreamDir = dir === 0 ? 1 : 0;
  let sequence = seq >>> 0;
  if (flags & 0x02) sequence = (sequence + 1) >>> 0;
  let length = seglen;
  let data = payload;
  if (st.frags[other].length > 0) while (check(st, other, ack >>> 0, event, time, true));
  if (st.written[dir] === 0 && st.seq[dir] === 0) st.seq[dir] = sequence;
  if (seqDiff(sequence, st.seq[dir]) < 0) {
    const nextseq = (sequence + length) >>> 0;
    if (seqDiff(nextseq, st.seq[dir]) > 0) {
      const skip = (st.seq[dir] - sequence) >>> 0;
      data = data.length <= skip ? data.subarray(data.length) : data.subarray(skip);
      sequence = st.seq[dir];
      length = (nextseq - st.seq[dir]) >>> 0;
    }
  }
  if (data.length === 0 || seqDiff(sequence, st.seq[dir]) < 0) return;
  const truncated = Math.max(0, length - data.length);
  if (sequence === st.seq[dir]) {
    st.seq[dir] = (st.seq[dir] + length) >>> 0;
    st.written[dir] += data.length;
    const c: StreamChunk = { dir, event, time, bytes: data, seq: 0 };
    if (truncated > 0) c.truncated = truncated;
    emit(st, c);
    while (check(st, dir, 0, event, time, false));
  } else {
    st.frags[dir].push({ seq: sequence, bytes: data, event, time, truncated });
  }
}
