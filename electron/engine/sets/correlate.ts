/**
 * Which socket owned each TCP/UDP conversation of the packets (docs/capture-sets.md):
 *
 * 1. Sockets of the syscall capture: one per (pid, fd) lifetime — from the first event on the fd
 *    to its close — with the 5-tuple the capture names for it (strace `-yy` annotations and scap
 *    fd tuples become fd.name `client->server`; the socket an accept returned is the server).
 * 2. Conversations of the packets: endpoints of the first frame, first and last frame times.
 * 3. A conversation's side (its client or server endpoint) is owned by the socket whose local
 *    address is that endpoint and whose remote address is the other, and whose lifetime overlaps
 *    the conversation's time span. A port reused over time gives several such sockets at
 *    different times; when more than one overlaps, the side stays unmatched ("ambiguous") rather
 *    than risk a wrong owner. Loopback captures of traced clients and servers match both sides.
 *
 * Matching needs the two captures taken on the host that owned the sockets (same addresses and
 * clock; a NAT or another host's capture has other tuples) and, for strace, `-yy` (without it fd
 * names carry no addresses).
 */
import type { Capture } from '../capture.ts';
import type { PacketIndex } from '../index/packet-index.ts';
import type { ConversationTable } from '../streams/conversations.ts';
import { createFrameReader, frameEndpoints, readFrame } from '../streams/tcp-reassembly.ts';
import { Dir, syscallCount, type SyscallIndex } from '../syscalls/syscall-index.ts';

/** How far (seconds) a socket's lifetime may miss a conversation's span and still own it. */
export const TIME_SLACK_S = 1;

export interface SetSocket {
  /** The reader of a merged syscall index (scap + strace) that saw it; 0 for one reader. */
  reader: number;
  pid: number;
  tid: number;
  fd: number;
  /** Interned id of proc.name in the syscall index's strings (0 = none). */
  procName: number;
  container: number;
  /** Normalised endpoints `addr|port`, '' when unknown. */
  local: string;
  remote: string;
  /** fd.name as the capture gave it (`a:p->b:q`), and its interned id. */
  name: string;
  nameId: number;
  /** Syscall events (part numbers) of this lifetime: first and last. */
  first: number;
  last: number;
  tFirst: number;
  tLast: number;
  /** 'tcp:N' / 'udp:N' once matched. */
  stream?: string;
}

export interface SetConversation {
  id: string;
  tcp: boolean;
  n: number;
  client: string;
  server: string;
  /** The ports of the client and server endpoints (tcp.port / udp.port of its syscalls). */
  ports: [number, number];
  first: number;
  last: number;
  tFirst: number;
  tLast: number;
  /** Owner socket of the client side and the server side (index in sockets), -1 unmatched. */
  owner: [number, number];
  /** Why a side is unmatched ('' when matched). */
  why: [string, string];
}

export interface Correlation {
  sockets: SetSocket[];
  conversations: SetConversation[];
  /** Per packet (part number): index in `conversations`, -1 none. */
  convOfPacket: Int32Array;
  /** Per packet: which side sent it (0 client, 1 server). */
  sideOfPacket: Uint8Array;
  /** Per syscall event (part number): index in `sockets`, -1 none. */
  socketOfEvent: Int32Array;
  /** Per socket: the conversation it owns, -1 none. */
  convOfSocket: Int32Array;
  /** Matched by 5-tuple without the lifetime test (a syscall log without a clock, strace -r). */
  tupleOnly: boolean;
  /** Readers of a merged syscall index matched by 5-tuple only (an strace -r log beside a scap). */
  tupleOnlyReaders: number[];
}

/** `1.2.3.4:80` / `[::1]:80` / `::1:80` → `1.2.3.4|80`; '' when there is no port. */
export function normEndpoint(text: string): string {
  const t = text.trim();
  const k = t.lastIndexOf(':');
  if (k <= 0) return '';
  const port = t.slice(k + 1);
  if (!/^\d+$/.test(port)) return '';
  let addr = t.slice(0, k);
  if (addr.startsWith('[') && addr.endsWith(']')) addr = addr.slice(1, -1);
  return `${addr.toLowerCase()}|${Number(port)}`;
}

/** The two endpoints of an fd name `A->B` (strace -yy, scap), or undefined. */
export function tupleOfName(name: string): [string, string] | undefined {
  const k = name.indexOf('->');
  if (k < 0) return undefined;
  const a = normEndpoint(name.slice(0, k));
  const b = normEndpoint(name.slice(k + 2));
  return a && b ? [a, b] : undefined;
}

/**
 * fd.name of a connected socket is `client->server` (Falco's convention, which the scap reader
 * keeps and the strace reader gives `-yy`'s local->remote decorations, readers/strace/fd-names.ts):
 * an accepted socket's own address is the second.
 */

const ACCEPT = new Set(['accept', 'accept4']);

/**
 * The address a connect() went to, from its arguments as strace prints them
 * (`sin_port=htons(80), sin_addr=inet_addr("1.2.3.4")`, `sin6_port=htons(80), …
 * inet_pton(AF_INET6, "::1", &sin6_addr)`); '' when they name none.
 */
export function connectTarget(args: string): string {
  const v4 = /sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/.exec(args);
  if (v4) return `${v4[2]}|${Number(v4[1])}`;
  const v6 = /sin6_port=htons\((\d+)\).*inet_pton\(AF_INET6, "([^"]+)"/.exec(args);
  if (v6) return `${v6[2].toLowerCase()}|${Number(v6[1])}`;
  return '';
}


/** `a` with room for index `n` at least (doubling), new slots set to `fill`. */
function growInt32(a: Int32Array, n: number, fill: number): Int32Array {
  if (n < a.length) return a;
  const b = new Int32Array(Math.max(n + 1, a.length * 2)).fill(fill);
  b.set(a);
  return b;
}

function growUint8(a: Uint8Array, n: number): Uint8Array {
  if (n < a.length) return a;
  const b = new Uint8Array(Math.max(n + 1, a.length * 2));
  b.set(a);
  return b;
}

/**
 * The socket walk of a syscall index, resumable: each call reads events `done + 1..n` once,
 * keeping the open (pid, fd) lifetimes between calls, so a followed log costs one visit per event.
 */
export interface SocketWalk {
  sockets: SetSocket[];
  /** Per syscall event (part number): index in `sockets`, -1 none; longer than the events read. */
  socketOfEvent: Int32Array;
  done: number;
  open: Map<number, number>;
  /** Sockets whose lifetime or 5-tuple changed since the caller last took them. */
  touched: Set<number>;
  /**
   * Open TCP sockets whose connection the log has not named yet (socketUnresolved): a later line
   * (the next call on the fd once connect's handshake is done, strace -yy) gives their 5-tuple.
   */
  unresolved: Set<number>;
}

export function createSocketWalk(): SocketWalk {
  return { sockets: [], socketOfEvent: new Int32Array(1).fill(-1), done: 0, open: new Map(), touched: new Set(), unresolved: new Set() };
}

/** strace -yy's name of a TCP socket neither bound nor connected yet: its inode only (`TCP:[28035]`). */
const BARE_TCP = /^TCP(v6)?:\[\d+\]$/;

/**
 * Is an fd name that of a socket whose connection is still to be named? A bare TCP socket, or
 * the zero local side the strace reader gives a connect before the kernel reports its local
 * address (readers/strace/fd-names.ts, libsinsp's `0.0.0.0:0->server`): the reader names the
 * connect again once a later line shows it, but a followed log's walk may read it before.
 */
export function socketUnresolved(name: string, tuple: [string, string] | undefined): boolean {
  return tuple ? tuple[0] === '0.0.0.0|0' || tuple[0] === '::|0' : BARE_TCP.test(name);
}

/**
 * Socket lifetimes of a syscall index: (pid, fd) from first use to close. `argsOf` gives a
 * connect's arguments: a client bound to its port before connecting has fd.name `ip:port` only
 * (strace -yy), and its peer is the connect's target. Reads events up to `n`.
 */
export function walkSockets(w: SocketWalk, ix: SyscallIndex, n: number, argsOf?: (event: number) => string): void {
  const s = ix.strings.strings;
  const { sockets, open } = w;
  w.socketOfEvent = growInt32(w.socketOfEvent, n, -1);
  const socketOfEvent = w.socketOfEvent;
  const closeId = ix.strings.ids.get('close');
  for (let e = w.done + 1; e <= n; e++) {
    const i = e - 1;
    const fd = ix.fd.data[i];
    if (fd < 0) continue;
    const pid = ix.pid.data[i];
    const reader = ix.reader?.[i] ?? 0;
    // pid and fd in one number key: fds stay below 2^20 in practice (RLIMIT_NOFILE's hard cap),
    // pids below 2^22 (PID_MAX_LIMIT); each reader of a merged index has its own fd tables.
    const key = (reader * 4194304 + pid) * 1048576 + fd;
    const name = s[ix.fdName.data[i]];
    let k = open.get(key);
    const named = tupleOfName(name);
    const unresolved = socketUnresolved(name, named);
    // A zero local side is no 5-tuple: the socket's own comes with a later line.
    const tuple = unresolved ? undefined : named;
    if (k !== undefined && tuple && sockets[k].local && (sockets[k].local !== tuple[0] || sockets[k].remote !== tuple[1]) && sockets[k].name !== name) {
      // The fd number now names another socket (a close the capture did not show).
      k = undefined;
    }
    const t = ix.tsSec.data[i] + ix.tsNsec.data[i] / 1e9;
    if (k === undefined) {
      k = sockets.length;
      sockets.push({ reader, pid, tid: ix.tid.data[i], fd, procName: ix.procName.data[i], container: ix.container.data[i], local: '', remote: '', name: '', nameId: 0, first: e, last: e, tFirst: t, tLast: t });
      open.set(key, k);
    }
    const so = sockets[k];
    w.touched.add(k);
    so.last = e;
    so.tLast = t;
    if (!so.procName && ix.procName.data[i]) so.procName = ix.procName.data[i];
    if (!tuple && !named && !so.local && argsOf && s[ix.type.data[i]] === 'connect') {
      const own = normEndpoint(name);
      const peer = connectTarget(argsOf(e));
      if (own && peer && !own.startsWith('0.0.0.0|') && !own.startsWith('::|')) {
        so.local = own;
        so.remote = peer;
        so.name = `${name}->${peer.replace('|', ':')}`;
        so.nameId = ix.fdName.data[i];
      }
    }
    // The accept that returned this fd: the socket is the server side.
    const accepted = ACCEPT.has(s[ix.type.data[i]]);
    if (tuple && (!so.local || accepted)) {
      so.local = accepted ? tuple[1] : tuple[0];
      so.remote = accepted ? tuple[0] : tuple[1];
      so.name = name;
      so.nameId = ix.fdName.data[i];
    }
    socketOfEvent[e] = k;
    if (unresolved && !so.local) w.unresolved.add(k);
    else w.unresolved.delete(k);
    const type = closeId !== undefined ? ix.type.data[i] === closeId : s[ix.type.data[i]] === 'close';
    // scap: the close's exit ends the lifetime; strace: its one event.
    if (type && ix.dir.data[i] !== Dir.Enter) {
      open.delete(key);
      w.unresolved.delete(k);
    }
  }
  w.done = Math.max(w.done, n);
}

/** Socket lifetimes of a whole syscall index (see walkSockets). */
export function socketsOf(ix: SyscallIndex, argsOf?: (event: number) => string): { sockets: SetSocket[]; socketOfEvent: Int32Array } {
  const w = createSocketWalk();
  walkSockets(w, ix, syscallCount(ix), argsOf);
  return { sockets: w.sockets, socketOfEvent: w.socketOfEvent };
}

type PacketInternals = { kind: 'packets'; index: PacketIndex; conv: ConversationTable; frameBytes(event: number): Uint8Array };

/** The conversation walk of a packet index, resumable as SocketWalk is. */
export interface ConversationWalk {
  conversations: SetConversation[];
  convOfPacket: Int32Array;
  sideOfPacket: Uint8Array;
  done: number;
  byStream: Map<number, number>;
  clientDir: number[];
  /** Conversations that are new or whose span grew since the caller last took them. */
  touched: Set<number>;
}

export function createConversationWalk(): ConversationWalk {
  return { conversations: [], convOfPacket: new Int32Array(1).fill(-1), sideOfPacket: new Uint8Array(1), done: 0, byStream: new Map(), clientDir: [], touched: new Set() };
}

/** TCP and UDP conversations of packets `done + 1..n`: endpoints of the first frame, time span. */
export function walkConversations(w: ConversationWalk, internals: PacketInternals, n: number): void {
  const ix = internals.index;
  const conv = internals.conv;
  w.convOfPacket = growInt32(w.convOfPacket, n, -1);
  w.sideOfPacket = growUint8(w.sideOfPacket, n);
  const { conversations, byStream, clientDir, convOfPacket, sideOfPacket } = w;
  let r: ReturnType<typeof createFrameReader> | undefined;
  let f = w.done + 1;
  for (; f <= n && f < conv.frameStream.length; f++) {
    const v = conv.frameStream[f];
    if (v === -1) continue;
    const t = ix.tsSec.data[f - 1] + ix.tsNsec.data[f - 1] / 1e9;
    let c = byStream.get(v);
    if (c === undefined) {
      r ??= createFrameReader(internals);
      readFrame(r, f);
      const ep = frameEndpoints(r);
      const tcp = v >= 0;
      const num = tcp ? v : -2 - v;
      c = conversations.length;
      const client = normEndpoint(ep.src);
      const server = normEndpoint(ep.dst);
      const port = (x: string): number => Number(x.slice(x.lastIndexOf('|') + 1));
      conversations.push({ id: `${tcp ? 'tcp' : 'udp'}:${num}`, tcp, n: num, client, server, ports: [port(client), port(server)], first: f, last: f, tFirst: t, tLast: t, owner: [-1, -1], why: ['', ''] });
      clientDir[c] = conv.frameDir[f];
      byStream.set(v, c);
    }
    const co = conversations[c];
    w.touched.add(c);
    co.last = f;
    co.tLast = t;
    convOfPacket[f] = c;
    sideOfPacket[f] = conv.frameDir[f] === clientDir[c] ? 0 : 1;
  }
  // Frames the conversation table has not reached yet are read by the next call.
  w.done = Math.max(w.done, f - 1);
}

/** TCP and UDP conversations of a whole packet index (see walkConversations). */
export function conversationsOf(internals: PacketInternals): { conversations: SetConversation[]; convOfPacket: Int32Array; sideOfPacket: Uint8Array } {
  const w = createConversationWalk();
  walkConversations(w, internals, internals.index.dataOffset.length);
  return { conversations: w.conversations, convOfPacket: w.convOfPacket, sideOfPacket: w.sideOfPacket };
}

/** Does a socket's lifetime overlap a conversation's span (with `slack` seconds)? */
function overlaps(so: SetSocket, c: SetConversation, slack: number): boolean {
  return so.tFirst - slack <= c.tLast && c.tFirst <= so.tLast + slack;
}

/**
 * Are these candidates one socket seen by several readers of a merged syscall index (one pid and
 * fd, one per reader)? Two tracers of one run see the same socket; that is not an ambiguity.
 */
function sameSocket(sockets: readonly SetSocket[], hits: readonly number[]): boolean {
  if (hits.length < 2) return false;
  const a = sockets[hits[0]];
  const readers = new Set(hits.map((k) => sockets[k].reader));
  return readers.size === hits.length && hits.every((k) => sockets[k].pid === a.pid && sockets[k].fd === a.fd);
}

/**
 * The sockets and conversation sides of one 5-tuple `local>remote`. A socket has one tuple and a
 * conversation side one, so matching is independent per tuple: a tuple whose sockets or
 * conversations changed is matched again on its own, and nothing else is.
 */
interface TupleGroup {
  /** Socket indexes, ascending (the first of several copies of one socket owns). */
  sockets: number[];
  /** Conversation sides as c * 2 + side, ascending. */
  sides: number[];
}

/** A correlation that grows with the two captures (sets/set-follow.ts follows a set with it). */
export interface Correlator {
  cor: Correlation;
  /** Read packets up to `packets` and syscall events up to `syscalls`, and match again what they touched. */
  extend(packets: number, syscalls: number): void;
  /** Work done so far: events read and conversation sides matched (each match of a side counts one). */
  work(): { packets: number; syscalls: number; sidesMatched: number };
  /** Open TCP sockets of the syscalls read so far whose connection is not named yet (SocketWalk.unresolved). */
  unresolved: ReadonlySet<number>;
}

export function createCorrelator(packets: Capture, syscalls: Capture, argsOf?: (event: number) => string, opts: { tupleOnly?: boolean; tupleOnlyReaders?: readonly number[] } = {}): Correlator {
  const pi = packets.internals();
  const si = syscalls.internals();
  if (pi.kind !== 'packets' || si.kind !== 'syscalls') throw new Error('correlation needs a packet capture and a syscall capture');
  const sIx = si.index;
  const pInt = pi;
  const sw = createSocketWalk();
  const cw = createConversationWalk();
  // A reader of a merged index without a clock of its own (strace -r beside a scap): tuple only.
  const noClockReaders = new Set(opts.tupleOnlyReaders ?? []);
  const cor: Correlation = {
    sockets: sw.sockets, conversations: cw.conversations, convOfPacket: cw.convOfPacket, sideOfPacket: cw.sideOfPacket,
    socketOfEvent: sw.socketOfEvent, convOfSocket: new Int32Array(0), tupleOnly: opts.tupleOnly === true, tupleOnlyReaders: [...noClockReaders],
  };
  const groups = new Map<string, TupleGroup>();
  const keyOfSocket: string[] = [];
  const group = (key: string): TupleGroup => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { sockets: [], sides: [] }));
    return g;
  };
  let sidesMatched = 0;
  const noClock = (k: number): boolean => noClockReaders.has(cor.sockets[k].reader);

  /** Match the conversation sides of one tuple, in conversation order (as one pass over all would). */
  function matchGroup(g: TupleGroup): void {
    const { sockets, conversations, convOfSocket } = cor;
    for (const k of g.sockets) {
      convOfSocket[k] = -1;
      sockets[k].stream = undefined;
    }
    for (const cs of g.sides) {
      const co = conversations[cs >> 1];
      co.owner[cs & 1] = -1;
      co.why[cs & 1] = '';
    }
    for (const cs of g.sides) {
      sidesMatched++;
      const c = cs >> 1;
      const side = (cs & 1) as 0 | 1;
      const co = conversations[c];
      const cands = g.sockets.filter((k) => convOfSocket[k] < 0 || convOfSocket[k] === c);
      // Without a common clock (strace -r) the tuple alone decides; a reused tuple stays ambiguous.
      let hits = opts.tupleOnly ? cands : cands.filter((k) => noClock(k) || overlaps(sockets[k], co, 0));
      if (hits.length === 0) hits = cands.filter((k) => noClock(k) || overlaps(sockets[k], co, TIME_SLACK_S));
      if (hits.length === 1 || sameSocket(sockets, hits)) {
        // One socket, or one socket that each reader (a scap and an strace of one run) saw: the
        // first reader's is the owner, and every copy's syscalls carry the conversation.
        co.owner[side] = hits[0];
        for (const k of hits) {
          convOfSocket[k] = c;
          sockets[k].stream = co.id;
        }
      } else {
        co.why[side] = hits.length > 1
          ? opts.tupleOnly ? `ambiguous: ${hits.length} sockets with this 5-tuple (relative times: no time test)` : `ambiguous: ${hits.length} sockets with this 5-tuple overlap the conversation in time`
          : cands.length > 0 ? 'no socket with this 5-tuple was open during the conversation' : 'no socket with this 5-tuple in the syscall capture';
      }
      // Loopback: both sides can be one socket only if the tuple is symmetric (never for TCP).
      if (side === 1 && co.owner[0] >= 0 && co.owner[0] === co.owner[1]) {
        co.owner[1] = -1;
        co.why[1] = 'the same socket as the client side';
      }
    }
  }

  function extend(np: number, ns: number): void {
    walkSockets(sw, sIx, ns, argsOf);
    walkConversations(cw, pInt, np);
    cor.socketOfEvent = sw.socketOfEvent;
    cor.convOfPacket = cw.convOfPacket;
    cor.sideOfPacket = cw.sideOfPacket;
    if (cor.convOfSocket.length < cor.sockets.length) {
      const b = new Int32Array(Math.max(cor.sockets.length, cor.convOfSocket.length * 2)).fill(-1);
      b.set(cor.convOfSocket);
      cor.convOfSocket = b;
    }
    const dirty = new Set<TupleGroup>();
    for (const k of sw.touched) {
      const so = cor.sockets[k];
      const key = so.local ? `${so.local}>${so.remote}` : '';
      const was = keyOfSocket[k] ?? '';
      if (key !== was) {
        // A socket's tuple is known from a later event (connect's target, the accept's tuple).
        if (was) {
          const g = group(was);
          g.sockets.splice(g.sockets.indexOf(k), 1);
          dirty.add(g);
          cor.convOfSocket[k] = -1;
          so.stream = undefined;
        }
        if (key) {
          const g = group(key);
          let at = g.sockets.length;
          while (at > 0 && g.sockets[at - 1] > k) at--;
          g.sockets.splice(at, 0, k);
        }
        keyOfSocket[k] = key;
      }
      if (key) dirty.add(group(key));
    }
    sw.touched.clear();
    for (const c of cw.touched) {
      const co = cor.conversations[c];
      for (const side of [0, 1] as const) {
        const local = side === 0 ? co.client : co.server;
        const remote = side === 0 ? co.server : co.client;
        const g = group(`${local}>${remote}`);
        const cs = c * 2 + side;
        // New conversations come in order: appended, the sides stay ascending.
        if (g.sides.length === 0 || g.sides[g.sides.length - 1] < cs) g.sides.push(cs);
        dirty.add(g);
      }
    }
    cw.touched.clear();
    for (const g of dirty) matchGroup(g);
  }

  return { cor, extend, work: () => ({ packets: cw.done, syscalls: sw.done, sidesMatched }), unresolved: sw.unresolved };
}

/**
 * May syscalls not read yet still name the owner of packet `f` (time `t`, on the set's clock)?
 * Only while its TCP conversation has no owner and a socket of the log read so far, open
 * within TIME_SLACK_S of the packet, is TCP and not yet named (its connect's handshake is on the
 * wire before the next line names the connection; under load strace prints that line late).
 * Without a clock (strace -r) any such socket counts.
 */
export function packetOwnerPending(cor: Correlation, unresolved: ReadonlySet<number>, f: number, t: number): boolean {
  const c = cor.convOfPacket[f] ?? -1;
  if (c < 0 || unresolved.size === 0) return false;
  const co = cor.conversations[c];
  if (!co.tcp || co.owner[0] >= 0 || co.owner[1] >= 0) return false;
  for (const k of unresolved) {
    const so = cor.sockets[k];
    if (cor.tupleOnly || (so.tFirst - TIME_SLACK_S <= t && t <= so.tLast + TIME_SLACK_S)) return true;
  }
  return false;
}

/** May syscall event `e`'s conversation (tcp.stream on it) still be named: is it on a TCP socket not yet named? */
export function syscallStreamPending(cor: Correlation, unresolved: ReadonlySet<number>, e: number): boolean {
  const k = cor.socketOfEvent[e] ?? -1;
  return k >= 0 && unresolved.has(k);
}

/** Match every conversation side to at most one socket (see the module comment). */
export function correlate(packets: Capture, syscalls: Capture, argsOf?: (event: number) => string, opts: { tupleOnly?: boolean; tupleOnlyReaders?: readonly number[] } = {}): Correlation {
  const k = createCorrelator(packets, syscalls, argsOf, opts);
  const pi = packets.internals();
  const si = syscalls.internals();
  k.extend(pi.kind === 'packets' ? pi.index.dataOffset.length : 0, si.kind === 'syscalls' ? syscallCount(si.index) : 0);
  return k.cor;
}
