/**
 * A capture set of packets and syscalls as one Capture (docs/capture-sets.md): the packet part
 * (one pcap/pcapng or several merged, sets/packet-merge.ts) and the syscall part (strace logs or
 * a scap) are indexed on their own, each with its own stream layers (TLS, HTTP), and their events
 * merged by time into one numbering — a k-way merge of two time-sorted lists, no re-sort.
 * Correlation (sets/correlate.ts) gives packets their owner's Falco fields and syscalls on a
 * matched socket the conversation's tcp.stream / udp.stream.
 *
 * Events of equal time: packets first (the kernel timestamps a packet sent by a write before the
 * write returns; strace prints the write's time at its entry, so the tie order is arbitrary).
 */
import { basename } from 'node:path';
import type { CaptureInfo, ColumnDef, SetTimeline } from '../../../shared/rpc.ts';
import type { Capture, SetInternals, SetPart } from '../capture.ts';
import { addField, createDissection, findField, setLabel, type Dissection } from '../dissectors/dissection.ts';
import { hfFrame, hfFrameFile, hfFrameNumber } from '../dissectors/frame.ts';
import { hfTcpPort, hfTcpStream } from '../dissectors/tcp.ts';
import { hfUdpPort, hfUdpStream } from '../dissectors/udp.ts';
import type { ColumnField } from '../filter/column-filter.ts';
import { columnFields } from '../filter/column-filter.ts';
import { SF } from '../syscalls/fields.ts';
import type { PacketProcess } from '../readers/types.ts';
import { commentProcName, fileProc as fileProcOf, type CommentProc } from '../dissectors/comment-proc.ts';
import { openSession, scanHttp, type CaptureSession } from '../layers/session.ts';
import { followHttp } from '../layers/http-layer.ts';
import { captureTls } from '../tls/capture-tls.ts';
import { clockJoin, type ClockJoin } from './clock-join.ts';
import { createCorrelator, packetOwnerPending, syscallStreamPending, type Correlation, type SetConversation, type SetSocket } from './correlate.ts';
import { createFollowMerge, extendMerge, OWNER_WAIT_MS, STALL_MS } from './set-follow.ts';
import { followPeers } from './follow-pair.ts';
import { fdOfStream, setHttpRows } from './set-http.ts';
import { createSetLinks, type SetLinks } from './links.ts';
import { createTimeline } from './timeline.ts';

const PART_PACKETS = 0;
const PART_SYSCALLS = 1;

export const SET_COLUMNS: ColumnDef[] = [
  { id: 'no', title: 'No.', field: 'frame.number', width: 70, align: 'right' },
  { id: 'time', title: 'Time', width: 110, align: 'right' },
  { id: 'source', title: 'Source', width: 160 },
  { id: 'destination', title: 'Destination', width: 160 },
  { id: 'protocol', title: 'Protocol', width: 80 },
  { id: 'length', title: 'Length', width: 70, align: 'right' },
  { id: 'info', title: 'Info', width: 600 },
  { id: 'proc', title: 'Process', field: 'proc.name', width: 110 },
  { id: 'pid', title: 'PID', field: 'proc.pid', width: 60, align: 'right' },
  { id: 'file', title: 'File', field: 'frame.file', width: 140 },
];

/** The merged order of two time-sorted parts: per set event its part and local number, and back. */
export interface SetOrder {
  part: Uint8Array;
  local: Uint32Array;
  /** Per part: local number → set event number (index 0 unused). */
  global: [Uint32Array, Uint32Array];
}

/** Merge two parts by time (packets first on equal times). */
export function mergeOrder(nA: number, timeA: (e: number) => number, nB: number, timeB: (e: number) => number): SetOrder {
  const n = nA + nB;
  const part = new Uint8Array(n + 1);
  const local = new Uint32Array(n + 1);
  const gA = new Uint32Array(nA + 1);
  const gB = new Uint32Array(nB + 1);
  let a = 1;
  let b = 1;
  for (let e = 1; e <= n; e++) {
    const takeA = b > nB || (a <= nA && timeA(a) <= timeB(b));
    if (takeA) {
      part[e] = PART_PACKETS;
      local[e] = a;
      gA[a++] = e;
    } else {
      part[e] = PART_SYSCALLS;
      local[e] = b;
      gB[b++] = e;
    }
  }
  return { part, local, global: [gA, gB] };
}

export interface SetCaptureInput {
  /** The packet part (its indexing finished) and the file names of the packet files. */
  packets: Capture;
  /** The syscall part, fully indexed. */
  syscalls: Capture;
  packetFiles: string[];
  syscallFiles: string[];
  /** The file of a syscall event (by its number in the syscall part) when the part has several (rotated scaps). */
  syscallFileOf?: (local: number) => string;
  /** Readers of a merged syscall part (scap + strace) without a clock: matched by 5-tuple only. */
  tupleOnlyReaders?: number[];
  /**
   * The parts are still growing (followed, sets/set-follow.ts): the set places their events as
   * `sync` finds them certain, and `ended()` says when a part will give no more.
   */
  follow?: { ended(part: 0 | 1): boolean; stallMs?: number; ownerWaitMs?: number };
}

export interface CaptureSet {
  capture: Capture;
  /** Both parts' HTTP scans: resolves when HTTP fields of every part are ready. */
  layersReady: Promise<void>;
  correlation: Correlation;
  sessions: [CaptureSession, CaptureSession];
  order: SetOrder;
  /**
   * A followed set: place what the parts have added (and match it); true when events were
   * placed. `layersReady` of a followed set is started by `finish`, once both parts ended.
   */
  sync(): boolean;
  finish(): Promise<void>;
  /** The follow's work so far: events placed, events read by the correlation, sides matched. */
  work(): { steps: number; packets: number; syscalls: number; sidesMatched: number };
}

/** The texts of a socket's owner: `name (pid)` or `pid N`. */
function ownerText(s: string[], so: SetSocket): string {
  const name = s[so.procName];
  return name ? `${name} (pid ${so.pid})` : `pid ${so.pid}`;
}

/**
 * Put a syscall part without epoch times on the packets' clock (sets/clock-join.ts): its
 * index's times are shifted in place, before anything reads them, so every field, column and
 * the matcher see the joined times.
 */
function joinClock(packets: Capture, syscalls: Capture): ClockJoin {
  const si = syscalls.internals();
  const n = syscalls.count();
  if (si.kind !== 'syscalls' || n === 0 || packets.count() === 0) return { kind: 'epoch' };
  const ts = si.index.tsSec.data;
  let s0 = Infinity;
  let s1 = -Infinity;
  for (let i = 0; i < n; i++) {
    s0 = Math.min(s0, ts[i]);
    s1 = Math.max(s1, ts[i]);
  }
  const j = clockJoin(syscalls.info().extra.timestamps, s0, s1, packets.time(1), packets.time(packets.count()));
  if (j.kind !== 'epoch') for (let i = 0; i < n; i++) ts[i] += j.shiftS;
  return j;
}

export function openCaptureSet(input: SetCaptureInput): CaptureSet {
  const follow = input.follow;
  // A followed set joins the clocks once both parts have events (or the packets ended without any).
  let clock: ClockJoin | undefined = follow ? undefined : joinClock(input.packets, input.syscalls);
  const sessions: [CaptureSession, CaptureSession] = [openSession(input.packets), openSession(input.syscalls)];
  const P = sessions[0].capture;
  const S = sessions[1].capture;
  const pi = input.packets.internals();
  const si = input.syscalls.internals();
  if (pi.kind !== 'packets' || si.kind !== 'syscalls') throw new Error('a capture set joins a packet capture and a syscall capture');
  // One key store for both parts: a key log given to the set decrypts the wire's TLS and the fd
  // streams' alike (the set's internals key the packet part's store).
  captureTls(S).keys = captureTls(P).keys;
  const merge = follow ? createFollowMerge() : undefined;
  const order = merge ? merge.order : mergeOrder(P.count(), (e) => P.time(e), S.count(), (e) => S.time(e));
  const argsCol = input.syscalls.columns().findIndex((c) => c.id === 'args');
  const argsCells = new Array<string>(input.syscalls.columns().length);
  const argsOf = (e: number): string => {
    input.syscalls.cells(e, argsCells);
    return argsCol >= 0 ? argsCells[argsCol] : '';
  };
  let correlator = clock && createCorrelator(input.packets, input.syscalls, argsOf, { tupleOnly: clock.kind === 'relative', tupleOnlyReaders: input.tupleOnlyReaders });
  // Until a followed set's clock is joined, an empty correlation (nothing is placed meanwhile).
  const cor: Correlation = correlator ? correlator.cor : {
    sockets: [], conversations: [], convOfPacket: new Int32Array(1).fill(-1), sideOfPacket: new Uint8Array(1),
    socketOfEvent: new Int32Array(1).fill(-1), convOfSocket: new Int32Array(0), tupleOnly: false, tupleOnlyReaders: [],
  };
  if (correlator && !follow) correlator.extend(pi.index.dataOffset.length, S.count());
  const strings = si.index.strings.strings;
  const syscallIndex = si.index;
  let total = merge ? 0 : P.count() + S.count();
  // The set's time 0: its first event's (the earlier of the parts' first events), fixed once placed.
  let t0 = total > 0 ? Math.min(P.count() > 0 ? P.time(1) : Infinity, S.count() > 0 ? S.time(1) : Infinity) : 0;
  const packetName = input.packetFiles.length === 1 ? basename(input.packetFiles[0]) : undefined;
  const syscallName = input.syscallFiles.map((f) => basename(f)).join(', ');
  const syscallFileOf = input.syscallFileOf ?? ((): string => syscallName);

  /** The owner shown on a packet: the sending side's socket, else the receiving side's. */
  const ownerOfPacket = (local: number): { so: SetSocket; sent: boolean } | undefined => {
    const c = cor.convOfPacket[local];
    if (c < 0) return undefined;
    const co = cor.conversations[c];
    const side = cor.sideOfPacket[local];
    if (co.owner[side] >= 0) return { so: cor.sockets[co.owner[side]], sent: true };
    const other = co.owner[1 - side];
    return other >= 0 ? { so: cor.sockets[other], sent: false } : undefined;
  };
  const streamOfSyscall = (local: number): SetConversation | undefined => {
    const k = cor.socketOfEvent[local];
    if (k < 0) return undefined;
    const c = cor.convOfSocket[k];
    return c >= 0 ? cor.conversations[c] : undefined;
  };

  const partCells = [new Array<string>(P.columns().length), new Array<string>(S.columns().length)];
  const sCol = (id: string): number => S.columns().findIndex((c) => c.id === id);
  const sArgs = sCol('args');
  const sType = sCol('event');
  const sFdName = sCol('fdname');
  const sProc = sCol('proc');
  const sPid = sCol('pid');

  const fileOf = (event: number): string => {
    if (order.part[event] === PART_SYSCALLS) return syscallFileOf(order.local[event]);
    if (packetName !== undefined) return packetName;
    const local = order.local[event];
    const d = fileScratch;
    P.dissect(local, d, { info: false });
    const k = findField(d, hfFrameFile);
    return k >= 0 ? String(d.obj[k]) : '';
  };
  const fileScratch = dissectionKeeping([hfFrameFile.id]);

  const fileProc = commentProcs(pi.index.comments, pi.index.processes);
  const sameOwner = (o: { so: SetSocket; sent: boolean }, pid: number): boolean => o.sent && o.so.pid === pid;
  const howMatched = (so: SetSocket): string => (cor.tupleOnly || cor.tupleOnlyReaders.includes(so.reader)
    ? `matched by 5-tuple ${so.name} only (strace -r: relative times, no time test) to fd ${so.fd}`
    : `matched by 5-tuple ${so.name} and time to fd ${so.fd}`);

  /**
   * The set's owner of a packet whose file already gave its process: one line under the file's
   * Process node (and the socket's fd fields when the pids agree), saying whether they agree.
   */
  function addFileProcMatch(d: Dissection, node: number, fp: CommentProc, o: { so: SetSocket; sent: boolean } | undefined, co: SetConversation): void {
    const filePid = fp.pid;
    if (node >= 0) {
      const line = addField(d, SF.proc, 0, 0, node);
      if (!o) setLabel(d, line, `Syscall capture: no owner (${co.why[0] || co.why[1]})`);
      else {
        const from = fp.source === 'pib' ? 'process information block' : 'comment';
        const verdict = !o.sent ? ''
          : o.so.pid === filePid ? ', the same process'
            : o.so.pid === fp.effective?.pid ? `, the effective process of the ${from}, not pid ${filePid}`
              : `, not pid ${filePid} of the ${from}`;
        setLabel(d, line, `Syscall capture: ${ownerText(strings, o.so)}, ${o.sent ? 'sent by' : 'received by'} this socket (${howMatched(o.so)})${verdict}`);
      }
    }
    // Only the sending socket is the comment's process (a receiver is the other end): its fd then.
    if (!o || !sameOwner(o, filePid)) return;
    const fdNode = addField(d, SF.fd, 0, 0, node);
    addField(d, SF.fdNum, 0, 0, fdNode, o.so.fd);
    addField(d, SF.fdName, 0, 0, fdNode, o.so.name);
  }

  /** Add the set's fields to a part's dissection of set event `event`. */
  function addSetFields(event: number, d: Dissection): void {
    const local = order.local[event];
    if (order.part[event] === PART_PACKETS) {
      const top = findField(d, hfFrame);
      const num = findField(d, hfFrameNumber);
      if (num >= 0) d.num[num] = event;
      if (packetName !== undefined) addField(d, hfFrameFile, 0, 0, top, packetName);
      const c = cor.convOfPacket[local];
      if (c < 0) return;
      const co = cor.conversations[c];
      const o = ownerOfPacket(local);
      // A packet whose capture file named its process (ptcpdump's comments, Apple PIBs) keeps that one
      // Process node; the set's match is a line under it, not a second node.
      const fp = fileProc.get(local);
      if (fp) {
        const k = findField(d, SF.proc);
        addFileProcMatch(d, k >= 0 && d.parent[k] === -1 ? k : -1, fp, o, co);
        return;
      }
      const node = addField(d, SF.proc, 0, 0, -1);
      if (!o) {
        setLabel(d, node, `Process: unknown (${co.why[0] || co.why[1]})`);
        return;
      }
      setLabel(d, node, `Process: ${ownerText(strings, o.so)}, ${o.sent ? 'sent by' : 'received by'} this socket (${howMatched(o.so)})`);
      const name = strings[o.so.procName];
      if (name) addField(d, SF.procName, 0, 0, node, name);
      addField(d, SF.procPid, 0, 0, node, o.so.pid);
      if (o.so.tid >= 0) addField(d, SF.threadTid, 0, 0, node, o.so.tid);
      const fdNode = addField(d, SF.fd, 0, 0, node);
      addField(d, SF.fdNum, 0, 0, fdNode, o.so.fd);
      addField(d, SF.fdName, 0, 0, fdNode, o.so.name);
      const cont = strings[o.so.container];
      if (cont) addField(d, SF.containerId, 0, 0, node, cont);
      const side = cor.sideOfPacket[local];
      const other = co.owner[1 - side];
      if (o.sent && other >= 0) {
        const r = addField(d, SF.proc, 0, 0, node);
        setLabel(d, r, `Received by: ${ownerText(strings, cor.sockets[other])}, fd ${cor.sockets[other].fd}`);
      }
      return;
    }
    const num = findField(d, SF.num);
    if (num >= 0) d.num[num] = event;
    const top = findField(d, SF.evt);
    // frame.number is the set's event number on every event (the No. column, `frame.number == N`).
    addField(d, hfFrameNumber, 0, 0, top, event);
    if (findField(d, hfFrameFile) < 0) addField(d, hfFrameFile, 0, 0, top, syscallFileOf(local));
    const co = streamOfSyscall(local);
    if (!co) return;
    // The conversation's fields on its socket's syscalls: tcp.stream == N and tcp.port == P
    // select the packets and the syscalls of one connection.
    const fdTop = findField(d, SF.fd);
    addField(d, co.tcp ? hfTcpStream : hfUdpStream, 0, 0, fdTop, co.n);
    for (const port of co.ports) addField(d, co.tcp ? hfTcpPort : hfUdpPort, 0, 0, fdTop, port);
  }

  const cellText = (event: number, out: string[]): void => {
    const local = order.local[event];
    out[0] = String(event);
    out[1] = (timeOf(event) - t0).toFixed(6);
    if (order.part[event] === PART_PACKETS) {
      const c = partCells[0];
      P.cells(local, c);
      out[2] = c[2];
      out[3] = c[3];
      out[4] = c[4];
      out[5] = c[5];
      out[6] = c[6];
      // The Process and PID columns show what the tree's Process node says (the file's, else the set's).
      const fp = fileProc.get(local);
      const o = ownerOfPacket(local);
      out[7] = fp ? commentProcName(fp) : o ? strings[o.so.procName] : '';
      out[8] = fp ? String(fp.pid) : o ? String(o.so.pid) : '';
      out[9] = fileOf(event);
      return;
    }
    const c = partCells[1];
    S.cells(local, c);
    const fdName = sFdName >= 0 ? c[sFdName] : '';
    const arrow = fdName.indexOf('->');
    out[2] = arrow >= 0 ? fdName.slice(0, arrow) : '';
    out[3] = arrow >= 0 ? fdName.slice(arrow + 2) : fdName;
    out[4] = sType >= 0 ? c[sType] : '';
    const res = si.index.rawres.data[local - 1];
    out[5] = '';
    const ty = out[4];
    if (res > 0 && /^(read|write|recv|send|pread|pwrite|readv|writev)/.test(ty)) out[5] = String(res);
    out[6] = `${ty} ${sArgs >= 0 ? c[sArgs] : ''}`;
    out[7] = sProc >= 0 ? c[sProc] : '';
    out[8] = sPid >= 0 ? c[sPid] : '';
    out[9] = syscallFileOf(local);
  };

  const timeOf = (event: number): number => (order.part[event] === PART_PACKETS ? P.time(order.local[event]) : S.time(order.local[event]));
  const parts: SetPart[] = [
    { kind: 'packets', capture: P, global: (l) => order.global[0][l], session: sessions[0] },
    { kind: 'syscalls', capture: S, global: (l) => order.global[1][l], session: sessions[1] },
  ];
  let fields: Map<string, ColumnField> | undefined;
  const internals: SetInternals = {
    kind: 'set',
    // TLS keys given to the set reach the packet part's key store (tls/capture-tls.ts keys its
    // state by this object).
    index: pi.index,
    parts,
    partOf: (event) => ({ part: order.part[event], local: order.local[event] }),
    columnFields: () => (fields ??= setColumnFields(order, columnFields(pi), columnFields(si), cor, ownerOfPacket, fileProc)),
    links: (event) => (links ??= createSetLinks(input.packets, input.syscalls, cor, order)).links(event),
    owners: () => cor.conversations.map((co) => {
      const side = (k: 0 | 1): string => {
        const o = co.owner[k];
        return o >= 0 ? `${ownerText(strings, cor.sockets[o])} fd ${cor.sockets[o].fd}` : `unmatched: ${co.why[k]}`;
      };
      const ep = (x: string): string => x.replace('|', ':');
      return { stream: co.id, client: ep(co.client), server: ep(co.server), clientOwner: side(0), serverOwner: side(1) };
    }),
    timeline: (event) => (timeline ??= createTimeline({
      set: capture, packets: P, syscalls: si.index, cor, order,
      ownerText: (k) => `${ownerText(strings, cor.sockets[k])} fd ${cor.sockets[k].fd}`,
      argsOf: (local) => {
        S.cells(local, timelineCells);
        return sArgs >= 0 ? timelineCells[sArgs] : '';
      },
    }))(event),
    httpRows: () => setHttpRows({
      sessions, cor, order,
      procOf: (k) => ({ name: strings[cor.sockets[k].procName] ?? '', pid: cor.sockets[k].pid }),
    }),
    httpSession: (stream) => sessions[fdOfStream(stream) === null ? PART_PACKETS : PART_SYSCALLS],
    followWork: () => work(),
    expectKeys: () => {
      for (const s of sessions) s.http.keysExpected = true;
    },
    followPeers: (stream) => followPeers({
      packets: input.packets, syscalls: input.syscalls, cor,
      ownerText: (k) => `${ownerText(strings, cor.sockets[k])} fd ${cor.sockets[k].fd}`,
    }, stream),
  };
  let links: SetLinks | undefined;
  let timeline: ((event: number) => SetTimeline) | undefined;
  const timelineCells = new Array<string>(S.columns().length);

  const info = (): CaptureInfo => {
    const a = P.info();
    const b = S.info();
    if (clock && clock.kind !== 'epoch' && S.count() > 0) {
      // The part's own first/last were taken before the clock join.
      b.firstTimeNs = String(BigInt(Math.round(S.time(1) * 1e6)) * 1000n);
      b.lastTimeNs = String(BigInt(Math.round(S.time(S.count()) * 1e6)) * 1000n);
    }
    const first = [a.firstTimeNs, b.firstTimeNs].filter((x): x is string => x !== null).sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1))[0] ?? null;
    const last = [a.lastTimeNs, b.lastTimeNs].filter((x): x is string => x !== null).sort((x, y) => (BigInt(x) < BigInt(y) ? 1 : -1))[0] ?? null;
    const matched = cor.conversations.filter((c) => c.owner[0] >= 0 || c.owner[1] >= 0).length;
    return {
      ...a,
      name: `${a.name}, ${b.name}`,
      events: total,
      bytesRead: a.bytesRead + b.bytesRead,
      fileSize: a.fileSize + b.fileSize,
      compressed: a.compressed || b.compressed,
      firstTimeNs: first,
      lastTimeNs: last,
      warnings: [...(!clock || clock.kind === 'epoch' ? [] : [clock.note]), ...a.warnings, ...b.warnings].slice(0, 1000),
      done: a.done && b.done && total === P.count() + S.count(),
      cancelled: a.cancelled || b.cancelled,
      loadMs: a.loadMs + b.loadMs,
      extra: {
        ...a.extra,
        set: `${input.packetFiles.length + input.syscallFiles.length} files`,
        packets: P.count(),
        syscalls: S.count(),
        conversations: cor.conversations.length,
        matchedConversations: matched,
        sockets: cor.sockets.filter((s) => s.local).length,
        ...(!clock || clock.kind === 'epoch' ? {} : { clockJoin: clock.note }),
      },
    };
  };

  const capture: Capture = {
    info,
    count: () => total,
    columns: () => SET_COLUMNS,
    cells: cellText,
    flags: (event) => (order.part[event] === PART_PACKETS ? P.flags(order.local[event]) : S.flags(order.local[event])),
    sortKey(event, column) {
      switch (column) {
        case 'no':
          return event;
        case 'time':
          return timeOf(event);
        case 'pid': {
          const local = order.local[event];
          if (order.part[event] === PART_PACKETS) return fileProc.get(local)?.pid ?? ownerOfPacket(local)?.so.pid ?? NaN;
          const p = si.index.pid.data[local - 1];
          return p >= 0 ? p : NaN;
        }
        default:
          return undefined;
      }
    },
    time: timeOf,
    dissect(event, d, o) {
      const local = order.local[event];
      if (order.part[event] === PART_PACKETS) P.dissect(local, d, o);
      else S.dissect(local, d, o);
      addSetFields(event, d);
    },
    range: (event) => (order.part[event] === PART_PACKETS ? P.range(order.local[event]) : S.range(order.local[event])),
    close() {
      P.close();
      S.close();
    },
    internals: () => internals,
  };
  const scanLayers = (): Promise<void> => Promise.all(sessions.map((s) => scanHttp(s))).then(() => undefined);
  const layersReady = follow ? new Promise<void>(() => {}) : scanLayers();

  /** Syscall events whose times are on the set's clock (a followed log without dates is shifted as read). */
  let shifted = 0;
  const shiftNew = (): void => {
    const n = S.count();
    if (clock && clock.kind !== 'epoch') {
      const ts = si.index.tsSec.data;
      for (let i = shifted; i < n; i++) ts[i] += clock.shiftS;
    }
    shifted = n;
  };
  let lastSeen = '';
  function sync(): boolean {
    if (!follow || !merge) return false;
    const ended = [follow.ended(0), follow.ended(1)] as const;
    // Idle (nothing new read, everything placed): nothing to do, however often the set looks.
    const seen = `${P.count()} ${S.count()} ${ended[0]} ${ended[1]}`;
    if (seen === lastSeen && total === P.count() + S.count()) return false;
    lastSeen = seen;
    if (!clock) {
      // The join reads the packets' first time (a log without dates takes their day).
      if (S.count() === 0 && !ended[1]) return false;
      if (P.count() === 0 && !ended[0] && syscallsNeedDate()) return false;
      clock = joinClock(input.packets, input.syscalls);
      shifted = S.count();
      correlator = createCorrelator(input.packets, input.syscalls, argsOf, { tupleOnly: clock.kind === 'relative', tupleOnlyReaders: input.tupleOnlyReaders });
    }
    shiftNew();
    // Each part's HTTP scan reads on first (layers/http-layer.ts followHttp): an event is placed
    // with its http.* fields, and one a TLS record still being written holds waits (at most 3 s).
    const np = ended[0] ? P.count() : Math.min(P.count(), followHttp(sessions[0].http));
    const ns = ended[1] ? S.count() : Math.min(S.count(), followHttp(sessions[1].http));
    // The correlation reads syscalls as far as their fd fields are final (an unfinished accept's
    // fd comes with its resumed line).
    correlator?.extend(np, ended[1] ? ns : Math.min(ns, syscallIndex.settled?.() ?? ns));
    if (correlator) Object.assign(cor, correlator.cor);
    // An event whose correlation a syscall line not read yet may still decide waits for it
    // (sets/set-follow.ts OWNER_WAIT_MS): once the log ended, nothing more can.
    const k = correlator;
    const open = k && !ended[1] && k.unresolved.size > 0;
    const placed = extendMerge(merge, [
      { count: np, indexed: P.count(), time: (e) => P.time(e), ended: ended[0], waits: open ? (e) => packetOwnerPending(cor, k.unresolved, e, P.time(e)) : undefined },
      { count: ns, indexed: S.count(), time: (e) => S.time(e), ended: ended[1], waits: open ? (e) => syscallStreamPending(cor, k.unresolved, e) : undefined },
    ], performance.now(), follow.stallMs ?? STALL_MS, follow.ownerWaitMs ?? OWNER_WAIT_MS);
    if (placed === 0) return false;
    if (total === 0) t0 = timeOf(1);
    total = merge.count;
    // Built over the events placed so far: built again when asked next.
    links = undefined;
    timeline = undefined;
    return true;
  }
  /** A log whose lines carry no date (strace -t/-tt/-r) is put on the packets' day. */
  const syscallsNeedDate = (): boolean => {
    const kind = input.syscalls.info().extra.timestamps;
    return kind !== undefined && !/epoch/i.test(String(kind));
  };
  let finished: Promise<void> | undefined;
  const finish = (): Promise<void> => {
    sync();
    return (finished ??= scanLayers());
  };
  const work = (): { steps: number; packets: number; syscalls: number; sidesMatched: number } => ({
    steps: merge?.steps ?? total,
    ...(correlator?.work() ?? { packets: 0, syscalls: 0, sidesMatched: 0 }),
  });
  return { capture, layersReady, correlation: cor, sessions, order, sync, finish, work };
}

/**
 * The packets whose file names their process (ptcpdump comments, Apple PIBs;
 * dissectors/comment-proc.ts), by packet number.
 */
function commentProcs(comments: ReadonlyMap<number, string[]>, processes: ReadonlyMap<number, PacketProcess>): Map<number, CommentProc> {
  const m = new Map<number, CommentProc>();
  for (const n of new Set([...comments.keys(), ...processes.keys()])) {
    const p = fileProcOf(comments.get(n), processes.get(n));
    if (p) m.set(n, p);
  }
  return m;
}

/** A dissection recording only `ids` (as a filter on them would). */
function dissectionKeeping(ids: number[]): Dissection {
  const d = createDissection();
  const keep = new Uint8Array(Math.max(...ids) + 1);
  for (const id of ids) keep[id] = 1;
  d.keep = keep;
  return d;
}

/**
 * The set's indexed fields: each part's columns read through the merged order, and the
 * correlation's (proc.* and fd.num on packets, tcp.stream / udp.stream on syscalls).
 */
function setColumnFields(
  order: SetOrder, packets: Map<string, ColumnField>, syscalls: Map<string, ColumnField>, cor: Correlation,
  ownerOfPacket: (local: number) => { so: SetSocket; sent: boolean } | undefined, fileProc: ReadonlyMap<number, CommentProc>,
): Map<string, ColumnField> {
  const m = new Map<string, ColumnField>();
  const isP = (e: number): boolean => order.part[e] === PART_PACKETS;
  const loc = (e: number): number => order.local[e];
  const never = (): boolean => false;
  const names = new Set([...packets.keys(), ...syscalls.keys()]);
  for (const name of names) {
    const a = packets.get(name);
    const b = syscalls.get(name);
    const has = (e: number): boolean => (isP(e) ? (a ? a.has(loc(e)) : false) : b ? b.has(loc(e)) : false);
    const exact = a?.exact || b?.exact ? (e: number): boolean => {
      const f = isP(e) ? a : b;
      return f?.exact ? f.exact(loc(e)) : true;
    } : undefined;
    if ((a && a.kind === 'str') || (b && b.kind === 'str')) {
      // A string field the packets index and the syscalls do not (or the other way round):
      // only one part's interner is involved.
      const s = a?.kind === 'str' ? a : b?.kind === 'str' ? b : undefined;
      if (!s || (a && b)) continue;
      m.set(name, { kind: 'str', has, exact, strings: s.strings, id: (e) => s.id(loc(e)) });
      continue;
    }
    const na = a?.kind === 'num' ? a : undefined;
    const nb = b?.kind === 'num' ? b : undefined;
    const num2 = na?.num2 || nb?.num2 ? (e: number): number => {
      const f = isP(e) ? na : nb;
      return (f?.num2 ?? f?.num ?? (() => NaN))(loc(e));
    } : undefined;
    m.set(name, {
      kind: 'num', has: a || b ? has : never, exact,
      num: (e) => ((isP(e) ? na : nb)?.num(loc(e)) ?? NaN),
      ...(num2 ? { num2 } : {}),
    });
  }
  // The set's own numbering.
  m.set('frame.number', { kind: 'num', has: () => true, num: (e) => e });
  m.set('evt.num', { kind: 'num', has: (e) => !isP(e), num: (e) => e });
  // Correlation: owners on packets, conversations on syscalls. The owner's strings are ids of the
  // syscall index's interner.
  // A packet whose file named its process (ptcpdump comments) has that process's fields, as its
  // tree does; the set's owner adds only its fd when it is the same sending process.
  const ownerOf = (local: number): { so: SetSocket; sent: boolean } | undefined => {
    const o = ownerOfPacket(local);
    const fp = fileProc.get(local);
    return !fp || (o && o.sent && o.so.pid === fp.pid) ? o : undefined;
  };
  for (const [name, pick] of [['proc.name', (so: SetSocket) => so.procName], ['fd.name', (so: SetSocket) => so.nameId], ['container.id', (so: SetSocket) => so.container]] as const) {
    const sf = syscalls.get(name);
    if (sf?.kind !== 'str') continue;
    // The comment's strings are not in the syscall index's interner: such a set answers these
    // from the dissection.
    if (fileProc.size > 0 && name !== 'fd.name') {
      m.delete(name);
      continue;
    }
    const id = (e: number): number => (isP(e) ? (() => {
      const o = ownerOf(loc(e));
      return o ? pick(o.so) : 0;
    })() : sf.id(loc(e)));
    m.set(name, { kind: 'str', strings: sf.strings, has: (e) => (isP(e) ? id(e) !== 0 : sf.has(loc(e))), id });
  }
  const ownerNum = (pick: (so: SetSocket) => number, sys: ColumnField | undefined, fromFile?: (p: CommentProc) => number | undefined): ColumnField => {
    const value = (local: number): number => {
      const fp = fromFile ? fileProc.get(local) : undefined;
      if (fp && fromFile) return fromFile(fp) ?? NaN;
      const o = ownerOf(local);
      return o ? pick(o.so) : NaN;
    };
    return {
      kind: 'num',
      has: (e) => (isP(e) ? !Number.isNaN(value(loc(e))) : sys ? sys.has(loc(e)) : false),
      num: (e) => (isP(e) ? value(loc(e)) : sys?.kind === 'num' ? sys.num(loc(e)) : NaN),
    };
  };
  m.set('proc.pid', ownerNum((so) => so.pid, syscalls.get('proc.pid'), (p) => p.pid));
  m.set('thread.tid', ownerNum((so) => so.tid, syscalls.get('thread.tid'), (p) => p.tid));
  m.set('fd.num', ownerNum((so) => so.fd, syscalls.get('fd.num')));
  const convOfSys = (e: number): SetConversation | undefined => {
    const k = cor.socketOfEvent[loc(e)];
    const c = k >= 0 ? cor.convOfSocket[k] : -1;
    return c >= 0 ? cor.conversations[c] : undefined;
  };
  for (const [name, tcp] of [['tcp.stream', true], ['udp.stream', false]] as const) {
    const pf = packets.get(name);
    if (pf?.kind !== 'num') continue;
    m.set(name, {
      kind: 'num',
      has: (e) => (isP(e) ? pf.has(loc(e)) : convOfSys(e)?.tcp === tcp),
      num: (e) => (isP(e) ? pf.num(loc(e)) : convOfSys(e)?.n ?? NaN),
    });
  }
  // tcp.port on a matched socket's syscalls: the conversation's two ports (as on its packets).
  const tp = packets.get('tcp.port');
  if (tp?.kind === 'num') {
    m.set('tcp.port', {
      kind: 'num',
      has: (e) => (isP(e) ? tp.has(loc(e)) : convOfSys(e)?.tcp === true),
      exact: tp.exact ? (e) => (isP(e) ? (tp.exact?.(loc(e)) ?? true) : true) : undefined,
      num: (e) => (isP(e) ? tp.num(loc(e)) : convOfSys(e)?.ports[0] ?? NaN),
      num2: (e) => (isP(e) ? (tp.num2 ?? tp.num)(loc(e)) : convOfSys(e)?.ports[1] ?? NaN),
    });
  }
  return m;
}
