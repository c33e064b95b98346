/**
 * Follow side by side (docs/capture-sets.md, "Follow side by side"): a TCP stream of a capture
 * set and the fd streams of the sockets that owned its two sides, with the byte offsets of one
 * mapped to the other's.
 *
 * Both are positions in one direction of one connection: a TCP follow chunk's `seq` counts the
 * payload from the SYN on (tshark's relative sequence number − 1), an fd stream chunk's counts
 * the bytes the process wrote or read on the socket before it. They are equal when the tracer saw
 * the socket from its first byte; when it attached later (or the capture started mid-connection)
 * they differ by a constant per direction, found by looking for the fd stream's first recorded
 * bytes in the TCP stream.
 */
import type { FollowPeer, FollowPeers } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import type { StreamChunk, StreamDir } from '../streams/byte-stream.ts';
import { fdStream, fdStreamOfEvent, listFdStreams } from '../streams/fd-streams.ts';
import { tcpStream } from '../streams/tcp-reassembly.ts';
import type { Correlation } from './correlate.ts';

/** Bytes of the peer's first chunk looked for in the other stream when the offsets disagree. */
const NEEDLE = 32;
/** How far into a direction the shifted search looks (bytes): a bounded walk, not the whole stream. */
const SEARCH_LIMIT = 64 << 20;

/** The chunks of one direction that hold recorded bytes, in stream order. */
function dirChunks(chunks: readonly StreamChunk[], dir: StreamDir): StreamChunk[] {
  return chunks.filter((c) => c.dir === dir && c.bytes.length > 0);
}

/** `n` bytes at stream offset `off` of a direction's chunks, or null where any is not recorded. */
export function bytesAt(chunks: readonly StreamChunk[], off: number, n: number): Uint8Array | null {
  const out = new Uint8Array(n);
  let lo = 0;
  let hi = chunks.length - 1;
  let k = -1;
  // The last chunk starting at or before `off`.
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (chunks[mid].seq <= off) {
      k = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (k < 0) return null;
  let got = 0;
  for (; k < chunks.length && got < n; k++) {
    const c = chunks[k];
    const at = off + got - c.seq;
    if (at < 0 || at >= c.bytes.length) return null;
    const take = Math.min(n - got, c.bytes.length - at);
    out.set(c.bytes.subarray(at, at + take), got);
    got += take;
  }
  return got === n ? out : null;
}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The shift of one direction: peer offset = base offset + shift. 0 when the peer's first
 * recorded bytes are at the same offset in the base stream; else the offset where they are found
 * (the first such place within SEARCH_LIMIT bytes); null when the direction has no bytes on
 * either side or they are nowhere in the base stream.
 */
export function alignShift(base: readonly StreamChunk[], peer: readonly StreamChunk[], dir: StreamDir): { shift: number | null; how: string } {
  const a = dirChunks(base, dir);
  const b = dirChunks(peer, dir);
  if (a.length === 0 || b.length === 0) return { shift: null, how: 'no bytes on one side' };
  const first = b[0];
  const needle = first.bytes.subarray(0, Math.min(NEEDLE, first.bytes.length));
  const here = bytesAt(a, first.seq, needle.length);
  if (here && same(here, needle)) return { shift: 0, how: 'same offsets' };
  for (const c of a) {
    if (c.seq > SEARCH_LIMIT) break;
    const hay = c.bytes;
    for (let i = hay.indexOf(needle[0]); i >= 0; i = hay.indexOf(needle[0], i + 1)) {
      const got = bytesAt(a, c.seq + i, needle.length);
      if (got && same(got, needle)) return { shift: first.seq - (c.seq + i), how: `offsets differ by ${first.seq - (c.seq + i)} bytes` };
    }
  }
  return { shift: null, how: 'the recorded bytes differ' };
}

export interface FollowPairInput {
  packets: Capture;
  syscalls: Capture;
  cor: Correlation;
  ownerText(sock: number): string;
}

/** The peers of a stream of the set: a TCP stream's owners' fd streams, an fd stream's TCP stream. */
export function followPeers(input: FollowPairInput, stream: string): FollowPeers {
  const { packets, syscalls, cor } = input;
  const notes: string[] = [];
  const tcp = /^tcp:(\d+)$/.exec(stream);
  const fdOfSocket = (sock: number): string | undefined => {
    const so = cor.sockets[sock];
    for (let e = so.first; e <= so.last; e++) if (cor.socketOfEvent[e] === sock) return fdStreamOfEvent(syscalls, e);
    return undefined;
  };
  const peer = (base: readonly StreamChunk[], other: readonly StreamChunk[], id: string, side: 0 | 1, sock: number): FollowPeer => {
    const s0 = alignShift(base, other, 0);
    const s1 = alignShift(base, other, 1);
    for (const [d, s] of [[0, s0], [1, s1]] as const) {
      if (s.shift === null && s.how !== 'no bytes on one side') notes.push(`${id} ${d === 0 ? 'client → server' : 'server → client'}: ${s.how}, offsets not aligned`);
      else if (s.shift !== null && s.shift !== 0) notes.push(`${id} ${d === 0 ? 'client → server' : 'server → client'}: ${s.how} (the tracer started after the connection's first bytes)`);
    }
    return { stream: id, side, owner: input.ownerText(sock), shift: [s0.shift, s1.shift] };
  };
  if (tcp) {
    const n = Number(tcp[1]);
    const c = cor.conversations.findIndex((co) => co.tcp && co.n === n);
    if (c < 0) return { stream, peers: [], notes: [`no TCP stream ${n} in the packets`] };
    const co = cor.conversations[c];
    const base = tcpStream(packets.internals(), n).chunks;
    const peers: FollowPeer[] = [];
    for (const side of [0, 1] as const) {
      const sock = co.owner[side];
      if (sock < 0) {
        notes.push(`the ${side === 0 ? 'client' : 'server'} side is not in the syscall capture (${co.why[side]})`);
        continue;
      }
      const id = fdOfSocket(sock);
      if (!id) continue;
      peers.push(peer(base, fdStream(syscalls, id).chunks, id, side, sock));
    }
    return { stream, peers, notes };
  }
  const info = listFdStreams(syscalls).find((f) => f.id === stream);
  if (!info) return { stream, peers: [], notes: [`no stream ${stream} in this set (give tcp:N or an fd stream)`] };
  const sock = cor.socketOfEvent[info.firstEvent];
  const c = sock >= 0 ? cor.convOfSocket[sock] : -1;
  if (c < 0 || !cor.conversations[c].tcp) return { stream, peers: [], notes: [sock < 0 ? 'this fd is no socket the set knows' : 'its socket owns no TCP conversation of the packets'] };
  const co = cor.conversations[c];
  const side = co.owner[0] === sock ? 0 : 1;
  const base = fdStream(syscalls, stream).chunks;
  return { stream, peers: [peer(base, tcpStream(packets.internals(), co.n).chunks, `tcp:${co.n}`, side, sock)], notes };
}
