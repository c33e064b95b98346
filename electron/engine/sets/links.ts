/**
 * Navigation between the two worlds of a capture set (docs/capture-sets.md, "Links"):
 * - from a read/write syscall on a matched socket to the TCP segments that carried its bytes;
 * - from a TCP segment to the write that sent its bytes and the read that received them.
 *
 * Both sides are byte ranges of one direction of one connection: a syscall's range is its
 * position in the fd stream of its socket (the bytes the process wrote, or read, before it), a
 * segment's is its relative sequence number minus one (tshark's relative numbers count the SYN
 * as byte 0) and its length. They line up when the tracer saw the socket from its first byte;
 * each link checks the bytes of both sides where the tracer recorded them and says when they
 * differ (strace attached mid-connection, bytes cut by `-s`).
 */
import type { EventLink, EventLinks } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { createDissection, findField } from '../dissectors/dissection.ts';
import { entryBytes, entryValue } from '../dissectors/values.ts';
import { hfTcpFlagsReset, hfTcpLen, hfTcpPayload, hfTcpSeq } from '../dissectors/tcp.ts';
import { fdStream, fdStreamOfEvent, listFdStreams } from '../streams/fd-streams.ts';
import { tcpStreamFrames } from '../streams/tcp-reassembly.ts';
import type { StreamChunk } from '../streams/byte-stream.ts';
import type { Correlation, SetConversation } from './correlate.ts';
import type { SetOrder } from './set-capture.ts';

/** One TCP segment's place in its direction: relative byte range. */
interface Segment {
  local: number;
  dir: 0 | 1;
  from: number;
  to: number;
}

/** I/O of one socket: its chunks with whether they were written by it. */
interface SocketIo {
  chunks: StreamChunk[];
  writeDir: 0 | 1;
}

export interface SetLinks {
  links(event: number): EventLinks;
}

export function createSetLinks(packets: Capture, syscalls: Capture, cor: Correlation, order: SetOrder): SetLinks {
  const pi = packets.internals();
  if (pi.kind !== 'packets') throw new Error('links need the packet part');
  const conv = pi.conv;
  const segCache = new Map<number, Segment[]>();
  const ioCache = new Map<number, SocketIo | null>();
  const toGlobalP = (l: number): number => order.global[0][l];
  const toGlobalS = (l: number): number => order.global[1][l];

  /** The data segments of a conversation, with their byte ranges (retransmissions included). */
  function segmentsOf(co: SetConversation): Segment[] {
    const hit = segCache.get(co.n);
    if (hit) return hit;
    const d = createDissection();
    const out: Segment[] = [];
    const frames = tcpStreamFrames(pi, co.n);
    const clientDir = conv.frameDir[co.first];
    for (const f of frames) {
      packets.dissect(f, d, { info: false });
      const ks = findField(d, hfTcpSeq);
      const kl = findField(d, hfTcpLen);
      if (ks < 0 || kl < 0) continue;
      const len = d.num[kl];
      if (!(len > 0)) continue;
      const from = d.num[ks] - 1;
      out.push({ local: f, dir: conv.frameDir[f] === clientDir ? 0 : 1, from, to: from + len });
    }
    segCache.set(co.n, out);
    return out;
  }

  /** The socket's fd stream (one fd lifetime of the process, whichever thread wrote it). */
  function ioOf(sock: number): SocketIo | null {
    const hit = ioCache.get(sock);
    if (hit !== undefined) return hit;
    let id: string | undefined;
    const so = cor.sockets[sock];
    for (let e = so.first; e <= so.last && !id; e++) {
      if (cor.socketOfEvent[e] !== sock) continue;
      id = fdStreamOfEvent(syscalls, e);
    }
    let io: SocketIo | null = null;
    if (id) {
      const info = listFdStreams(syscalls).find((s) => s.id === id);
      io = { chunks: fdStream(syscalls, id).chunks, writeDir: info?.role === 'server' ? 1 : 0 };
    }
    ioCache.set(sock, io);
    return io;
  }

  /** Which side (0 client, 1 server) of its conversation a socket is. */
  const sideOf = (co: SetConversation, sock: number): 0 | 1 => (co.owner[0] === sock ? 0 : 1);

  function fromSyscall(event: number, local: number): EventLinks {
    const notes: string[] = [];
    const sock = cor.socketOfEvent[local];
    const c = sock >= 0 ? cor.convOfSocket[sock] : -1;
    if (c < 0) return { event, links: [], notes: [sock < 0 ? 'this event is on no socket' : 'its socket owns no conversation of the packets'] };
    const co = cor.conversations[c];
    if (!co.tcp) return { event, links: [], notes: ['links by byte range exist for TCP only'] };
    const io = ioOf(sock);
    const chunk = io?.chunks.find((ch) => ch.event === local);
    if (!io || !chunk) return failedIo(event, local, co, sideOf(co, sock));
    const wrote = chunk.dir === io.writeDir;
    const side = sideOf(co, sock);
    const tdir = wrote ? side : ((1 - side) as 0 | 1);
    const from = chunk.seq;
    const to = from + chunk.bytes.length + (chunk.truncated ?? 0);
    const links: EventLink[] = [];
    for (const s of segmentsOf(co)) {
      if (s.dir !== tdir || s.to <= from || s.from >= to) continue;
      links.push({ event: toGlobalP(s.local), role: 'segment', from: Math.max(from, s.from), to: Math.min(to, s.to) });
    }
    if (links.length === 0) notes.push(`no segment carries bytes ${from}..${to} ${tdir === 0 ? 'client → server' : 'server → client'}${wrote ? ' (the write failed or its bytes never reached the wire)' : ''}`);
    else checkBytes(chunk, from, links[0], notes);
    return { event, links, notes };
  }

  function fromPacket(event: number, local: number): EventLinks {
    const c = cor.convOfPacket[local];
    if (c < 0) return { event, links: [], notes: ['this packet belongs to no TCP/UDP conversation'] };
    const co = cor.conversations[c];
    if (!co.tcp) return { event, links: [], notes: ['links by byte range exist for TCP only'] };
    const seg = segmentsOf(co).find((s) => s.local === local);
    if (!seg) return { event, links: [], notes: ['this packet carries no TCP payload'] };
    const links: EventLink[] = [];
    const notes: string[] = [];
    const sender = co.owner[seg.dir];
    const receiver = co.owner[1 - seg.dir];
    for (const [sock, role] of [[sender, 'sent'], [receiver, 'received']] as const) {
      if (sock < 0) {
        notes.push(`the ${role === 'sent' ? 'sending' : 'receiving'} side is not in the syscall capture (${co.why[role === 'sent' ? seg.dir : 1 - seg.dir]})`);
        continue;
      }
      const io = ioOf(sock);
      if (!io) continue;
      const dir = role === 'sent' ? io.writeDir : ((1 - io.writeDir) as 0 | 1);
      for (const ch of io.chunks) {
        if (ch.dir !== dir) continue;
        const to = ch.seq + ch.bytes.length + (ch.truncated ?? 0);
        if (to <= seg.from || ch.seq >= seg.to) continue;
        links.push({ event: toGlobalS(ch.event), role, from: Math.max(ch.seq, seg.from), to: Math.min(to, seg.to) });
      }
    }
    if (links.length === 0 && notes.length === 0) notes.push(`no read or write moved bytes ${seg.from}..${seg.to} of this direction`);
    return { event, links, notes };
  }

  /**
   * A read/write that moved no bytes: when it failed, the peer's RST before it is why (a write
   * after the peer reset the connection fails with EPIPE or ECONNRESET).
   */
  function failedIo(event: number, local: number, co: SetConversation, side: 0 | 1): EventLinks {
    const si = syscalls.internals();
    const res = si.kind === 'syscalls' ? si.index.rawres.data[local - 1] : NaN;
    if (!(res < 0)) return { event, links: [], notes: ['this event moved no bytes'] };
    const t = syscalls.time(local);
    const d = createDissection();
    const clientDir = conv.frameDir[co.first];
    let rst = -1;
    for (const f of tcpStreamFrames(pi, co.n)) {
      if (packets.time(f) > t) break;
      const dir = conv.frameDir[f] === clientDir ? 0 : 1;
      if (dir === side) continue;
      packets.dissect(f, d, { info: false });
      const k = findField(d, hfTcpFlagsReset);
      if (k >= 0 && entryValue(d, k) === true) rst = f;
    }
    if (rst < 0) return { event, links: [], notes: [`the call failed (${res}) and moved no bytes; no RST from the peer came before it`] };
    return { event, links: [{ event: toGlobalP(rst), role: 'reset', from: 0, to: 0 }], notes: [`the call failed (${res}) and moved no bytes: the peer had reset the connection`] };
  }

  /** Compare a syscall's recorded bytes with the first linked segment's payload where both overlap. */
  function checkBytes(chunk: StreamChunk, from: number, link: EventLink, notes: string[]): void {
    const d = createDissection();
    const at = order.local[link.event];
    packets.dissect(at, d, { info: false });
    const kp = findField(d, hfTcpPayload);
    const ks = findField(d, hfTcpSeq);
    if (kp < 0 || ks < 0) return;
    const payload = entryBytes(d, kp);
    const segFrom = d.num[ks] - 1;
    const a = link.from - from;
    const b = link.from - segFrom;
    const n = Math.min(64, link.to - link.from, chunk.bytes.length - a, payload.length - b);
    for (let i = 0; i < n; i++) {
      if (chunk.bytes[a + i] !== payload[b + i]) {
        notes.push(`the bytes differ at offset ${link.from + i}: the syscall capture may have started after the connection's first bytes`);
        return;
      }
    }
  }

  return {
    links(event) {
      if (!Number.isInteger(event) || event < 1 || event >= order.part.length) throw new Error(`no event ${event}`);
      const local = order.local[event];
      return order.part[event] === 0 ? fromPacket(event, local) : fromSyscall(event, local);
    },
  };
}
