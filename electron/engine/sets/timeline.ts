/**
 * One connection of a capture set in time order (docs/capture-sets.md, "Timeline"): the packets
 * of a TCP/UDP conversation and the syscalls of the sockets that owned its two sides, each with
 * its direction, the bytes it moved and what makes it a landmark (a SYN, FIN or RST; an HTTP
 * message; a failed call; the socket's open and close). The window draws it as lanes
 * (renderer/timeline/): the seed upload then reads "write … write (413 arrives) … write → EPIPE".
 */
import { TIMELINE_MAX, type SetTimeline, type TimelineEntry } from '../../../shared/rpc.ts';
import type { Capture } from '../capture.ts';
import { createDissection, findField } from '../dissectors/dissection.ts';
import { entryValue } from '../dissectors/values.ts';
import type { FieldDef } from '../fields/registry.ts';
import { hfTcpFlagsFin, hfTcpFlagsReset, hfTcpFlagsSyn, hfTcpLen } from '../dissectors/tcp.ts';
import type { SyscallIndex } from '../syscalls/syscall-index.ts';
import type { Correlation } from './correlate.ts';
import type { SetOrder } from './set-capture.ts';

/** Syscalls that move a socket's bytes out / in (read(2), write(2), send(2), recv(2) families). */
const WRITES = /^(write|writev|pwrite|pwritev|send|sendto|sendmsg|sendmmsg|sendfile)/;
const READS = /^(read|readv|pread|preadv|recv|recvfrom|recvmsg|recvmmsg)/;
const OPENS = /^(socket|connect|accept|accept4|bind|listen)$/;
const CLOSES = /^(close|shutdown)$/;
/** Request lines and status lines as the Info column shows them (RFC 9112 §3, §4). */
const HTTP_INFO = /^(HTTP\/\d|(GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH) \S)/;

export interface TimelineInput {
  /** The set (its cells: protocol column 4, info column 6). */
  set: Capture;
  packets: Capture;
  syscalls: SyscallIndex;
  cor: Correlation;
  order: SetOrder;
  /** `name (pid N) fd F` of a socket. */
  ownerText(sock: number): string;
  /** The args cell of a syscall (part number): its ` = result` is the entry's text. */
  argsOf(local: number): string;
}

/** The text after a syscall's last ` = `: its result (`16406`, `-1 EPIPE (Broken pipe)`). */
export function resultText(args: string): string {
  const k = args.lastIndexOf(' = ');
  return k >= 0 ? `= ${args.slice(k + 3)}` : '';
}

export function createTimeline(input: TimelineInput): (event: number) => SetTimeline {
  const { set, packets, syscalls: ix, cor, order } = input;
  const cells = new Array<string>(set.columns().length);
  const d = createDissection();

  function packetEntry(event: number, local: number): Omit<TimelineEntry, 't'> {
    set.cells(event, cells);
    packets.dissect(local, d, { info: false });
    const flag = (hf: FieldDef): boolean => {
      const k = findField(d, hf);
      return k >= 0 && entryValue(d, k) === true;
    };
    const kl = findField(d, hfTcpLen);
    const bytes = kl >= 0 ? d.num[kl] : 0;
    const info = cells[6] ?? '';
    const mark: TimelineEntry['mark'] = flag(hfTcpFlagsReset) ? 'reset' : flag(hfTcpFlagsSyn) ? 'syn' : flag(hfTcpFlagsFin) ? 'fin' : HTTP_INFO.test(info) ? 'http' : '';
    const side = cor.sideOfPacket[local] as 0 | 1;
    return { event, kind: 'packet', dir: side, side, what: cells[4] ?? '', bytes, text: info, mark };
  }

  function syscallEntry(event: number, local: number, side: 0 | 1): Omit<TimelineEntry, 't'> {
    set.cells(event, cells);
    const what = cells[4] ?? '';
    const res = ix.rawres.data[local - 1];
    const moves = WRITES.test(what) ? side : READS.test(what) ? ((1 - side) as 0 | 1) : -1;
    const bytes = moves >= 0 && res > 0 ? res : 0;
    const mark: TimelineEntry['mark'] = res < 0 ? 'error' : OPENS.test(what) ? 'open' : CLOSES.test(what) ? 'close' : '';
    return { event, kind: 'syscall', dir: bytes > 0 ? moves : -1, side, what, bytes, text: resultText(input.argsOf(local)), mark };
  }

  return (event) => {
    if (!Number.isInteger(event) || event < 1 || event >= order.part.length) throw new Error(`no event ${event}`);
    const local = order.local[event];
    let conv: number;
    let lone = -1;
    if (order.part[event] === 0) {
      conv = cor.convOfPacket[local];
      if (conv < 0) throw new Error(`event ${event} belongs to no TCP/UDP conversation`);
    } else {
      const sock = cor.socketOfEvent[local];
      if (sock < 0) throw new Error(`event ${event} is on no socket`);
      conv = cor.convOfSocket[sock];
      if (conv < 0) lone = sock;
    }
    // Set event numbers are time order: gather both worlds' events, then sort by number.
    const picked: { event: number; local: number; side: number }[] = [];
    const co = conv >= 0 ? cor.conversations[conv] : undefined;
    if (co) for (let f = co.first; f <= co.last; f++) if (cor.convOfPacket[f] === conv) picked.push({ event: order.global[0][f], local: f, side: -1 });
    const socks: [number, 0 | 1][] = co ? ([[co.owner[0], 0], [co.owner[1], 1]] as [number, 0 | 1][]).filter(([k]) => k >= 0) : [[lone, 0]];
    for (const [k, side] of socks) {
      const so = cor.sockets[k];
      for (let e = so.first; e <= so.last; e++) if (cor.socketOfEvent[e] === k) picked.push({ event: order.global[1][e], local: e, side });
    }
    picked.sort((a, b) => a.event - b.event);
    const truncated = picked.length > TIMELINE_MAX;
    const kept = truncated ? picked.slice(0, TIMELINE_MAX) : picked;
    const t0 = kept.length > 0 ? set.time(kept[0].event) : 0;
    const entries: TimelineEntry[] = kept.map((p) => ({
      ...(p.side < 0 ? packetEntry(p.event, p.local) : syscallEntry(p.event, p.local, p.side as 0 | 1)),
      t: set.time(p.event) - t0,
    }));
    const side = (k: 0 | 1): string => (co ? (co.owner[k] >= 0 ? input.ownerText(co.owner[k]) : `unmatched: ${co.why[k]}`) : k === 0 ? input.ownerText(lone) : 'unmatched: its socket owns no conversation of the packets');
    const ep = (x: string): string => x.replace('|', ':');
    const lo = lone >= 0 ? cor.sockets[lone] : undefined;
    return {
      stream: co?.id ?? '',
      client: co ? ep(co.client) : lo?.local.replace('|', ':') ?? '',
      server: co ? ep(co.server) : lo?.remote.replace('|', ':') ?? '',
      owners: [side(0), side(1)],
      entries,
      truncated,
    };
  };
}
