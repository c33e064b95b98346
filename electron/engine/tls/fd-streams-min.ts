/**
 * Minimal fd ByteStreams for TLS over syscall captures, used until the streams layer's
 * fd-streams.ts exists: the data of read/write-family calls on one (process, fd, fd name),
 * from `evt.buffer` (+ `evt.buffer.truncated` for strace -s / scap snaplen), in event order.
 * Direction 0 is the side that sent first (a TLS client writes its ClientHello first).
 */
import type { Capture } from '../capture.ts';
import { createDissection } from '../dissectors/dissection.ts';
import { fieldByName } from '../fields/registry.ts';
import type { ByteStream, StreamChunk, StreamDir } from '../streams/byte-stream.ts';

/** Calls whose buffer is data written to the fd (the rest of IO_CALLS read from it). */
const WRITES = new Set(['write', 'writev', 'send', 'sendto', 'sendmsg', 'sendmmsg', 'pwrite', 'pwrite64', 'pwritev']);
const IO_CALLS = new Set([...WRITES, 'read', 'readv', 'recv', 'recvfrom', 'recvmsg', 'recvmmsg', 'pread', 'pread64', 'preadv']);

interface Building {
  stream: ByteStream;
  /** Which call kind (write = 1, read = 0) maps to direction 0; -1 until the first data. */
  writeIsDir0: number;
  seq: [number, number];
}

/** Build fd streams (only those with data). `onlyEvent` limits to the stream containing it. */
export function fdStreamsMin(capture: Capture): ByteStream[] {
  const int = capture.internals();
  if (int.kind !== 'syscalls') return [];
  const ix = int.index;
  const hfBuf = fieldByName('evt.buffer');
  const hfTrunc = fieldByName('evt.buffer.truncated');
  if (!hfBuf) return [];
  const d = createDissection();
  const keep = new Uint8Array(Math.max(hfBuf.id, hfTrunc?.id ?? 0) + 1);
  keep[hfBuf.id] = 1;
  if (hfTrunc) keep[hfTrunc.id] = 1;
  const byKey = new Map<string, Building>();
  const out: ByteStream[] = [];
  const n = capture.count();
  for (let ev = 1; ev <= n; ev++) {
    const i = ev - 1;
    const fd = ix.fd.data[i];
    if (fd < 0) continue;
    const type = ix.strings.strings[ix.type.data[i]];
    if (!IO_CALLS.has(type)) continue;
    if (!(ix.rawres.data[i] > 0)) continue;
    d.keep = keep;
    capture.dissect(ev, d);
    let buf: Uint8Array | undefined;
    let truncated = 0;
    for (let e = 0; e < d.n; e++) {
      if (d.fid[e] === hfBuf.id) {
        const v = d.obj[e];
        buf = v instanceof Uint8Array ? v : d.sources[d.src[e]].bytes.subarray(d.off[e], d.off[e] + d.len[e]);
      } else if (hfTrunc && d.fid[e] === hfTrunc.id) truncated = d.num[e];
    }
    if (!buf || buf.length === 0) continue;
    const pid = ix.pid.data[i];
    const name = ix.strings.strings[ix.fdName.data[i]];
    const key = `${pid}:${fd}:${name}`;
    let b = byKey.get(key);
    if (!b) {
      b = {
        stream: { id: `fd:${pid}:${fd}:${out.length}`, kind: 'fd', client: name, server: name, chunks: [], notes: [] },
        writeIsDir0: -1,
        seq: [0, 0],
      };
      byKey.set(key, b);
      out.push(b.stream);
    }
    const isWrite = WRITES.has(type) ? 1 : 0;
    if (b.writeIsDir0 < 0) b.writeIsDir0 = isWrite;
    const dir: StreamDir = isWrite === b.writeIsDir0 ? 0 : 1;
    const chunk: StreamChunk = { dir, event: ev, time: ix.tsSec.data[i] + ix.tsNsec.data[i] / 1e9, bytes: buf.slice(), seq: b.seq[dir] };
    if (truncated > 0) chunk.truncated = truncated;
    b.seq[dir] += buf.length + truncated;
    b.stream.chunks.push(chunk);
  }
  d.keep = null;
  return out;
}
