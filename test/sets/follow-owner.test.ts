/**
 * A followed set's packet whose owner a late strace line names (sets/set-follow.ts `waits`,
 * OWNER_WAIT_MS; docs/capture-sets.md "Following a set"): no timing, the parts cut by hand and
 * the merge given its `now`. curl's socket() .. connect() lines are read, the handshake is on
 * the wire, and the line that names the connection (getsockopt after the handshake) is not: the
 * handshake and curl's calls on the socket wait for it past STALL_MS, and once it is read they
 * are placed with their owner and tcp.stream, in the order of the files opened whole.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Capture } from '../../electron/engine/capture.ts';
import { openCaptures } from '../../electron/engine/open-capture.ts';
import { createCorrelator, packetOwnerPending, socketUnresolved, syscallStreamPending, tupleOfName } from '../../electron/engine/sets/correlate.ts';
import { createFollowMerge, extendMerge, type PartFront } from '../../electron/engine/sets/set-follow.ts';
import { mergeOrder } from '../../electron/engine/sets/set-capture.ts';
import { CORPUS } from '../engine/corpus.ts';

const PCAP = join(CORPUS, 'pcapng/generated/gen-strace-curl-tls13-h2.pcapng');
const STRACE = join(CORPUS, 'strace/generated/strace-curl-tls13-h2.f-ttt-T-yy-s256-x.txt');

async function opened(path: string): Promise<Capture> {
  const { capture, indexing } = await openCaptures([path]);
  await indexing;
  return capture;
}

/** The syscall event of the first `type` call on fd `fd`. */
function eventOf(S: Capture, type: string, fd: number): number {
  const si = S.internals();
  if (si.kind !== 'syscalls') throw new Error('not syscalls');
  const s = si.index.strings.strings;
  for (let e = 1; e <= S.count(); e++) if (s[si.index.type.data[e - 1]] === type && si.index.fd.data[e - 1] === fd) return e;
  throw new Error(`no ${type} on fd ${fd}`);
}

describe('following a set: a packet waits for the strace line that names its owner', () => {
  it('the handshake and the calls before it wait past STALL_MS until getsockopt names the connection, then are placed with owner and stream', async () => {
    const P = await opened(PCAP);
    const S = await opened(STRACE);
    const socket = eventOf(S, 'socket', 6);
    const connect = eventOf(S, 'connect', 6);
    const named = eventOf(S, 'getsockopt', 6);
    expect(socket < connect && connect < named).toBe(true);
    const k = createCorrelator(P, S);
    const cor = k.cor;
    const np = P.count();
    // Read so far: every packet, the syscalls before connect (the socket's inode only: TCP:[28035]).
    // The log opened whole names the connect itself from the line after it; followed, its zero
    // local side is no 5-tuple either (socketUnresolved below).
    const late = connect - 1;
    k.extend(np, late);
    const syn = cor.conversations.find((c) => c.tcp && c.ports[1] === 8443)?.first ?? 0;
    expect(syn).toBeGreaterThan(0);
    expect(packetOwnerPending(cor, k.unresolved, syn, P.time(syn))).toBe(true);
    for (let e = socket; e <= late; e++) expect(syscallStreamPending(cor, k.unresolved, e)).toBe(cor.socketOfEvent[e] >= 0);
    const parts = (ns: number): [PartFront, PartFront] => [
      { count: np, time: (e) => P.time(e), ended: false, waits: (e) => packetOwnerPending(cor, k.unresolved, e, P.time(e)) },
      { count: ns, time: (e) => S.time(e), ended: false, waits: (e) => syscallStreamPending(cor, k.unresolved, e) },
    ];
    const m = createFollowMerge();
    extendMerge(m, parts(late), 0, 500, 3000);
    // Long past STALL_MS (strace late on a loaded machine): socket() and what follows it still wait.
    extendMerge(m, parts(late), 2999, 500, 3000);
    expect(m.next[1]).toBe(socket);
    expect(m.next[0]).toBeLessThanOrEqual(syn);
    // The naming lines arrive: one socket from socket() on, the conversation owned, every event
    // of it placed with it.
    k.extend(np, named);
    expect(packetOwnerPending(cor, k.unresolved, syn, P.time(syn))).toBe(false);
    expect(cor.socketOfEvent[socket]).toBe(cor.socketOfEvent[named]);
    const owner = cor.conversations[cor.convOfPacket[syn]].owner[0];
    expect(owner).toBe(cor.socketOfEvent[named]);
    expect(cor.convOfSocket[cor.socketOfEvent[socket]]).toBe(cor.convOfPacket[syn]);
    extendMerge(m, parts(named), 3001, 500, 3000);
    expect(m.next[1]).toBeGreaterThan(connect);
    expect(m.next[0]).toBeGreaterThan(syn);
    // In the order of the whole files up to the SYN: the connect before it. (After it the stall
    // places what came since without the rest of the log, which this test does not give.)
    const whole = mergeOrder(np, (e) => P.time(e), S.count(), (e) => S.time(e));
    expect(m.order.global[1][connect]).toBeLessThan(m.order.global[0][syn]);
    for (let e = 1; e <= m.order.global[0][syn]; e++) {
      expect(m.order.part[e]).toBe(whole.part[e]);
      expect(m.order.local[e]).toBe(whole.local[e]);
    }
    P.close();
    S.close();
  });
  it('a connect named before its local side is known (0.0.0.0:0->server) is no 5-tuple: the socket is still to be named', () => {
    expect(socketUnresolved('0.0.0.0:0->127.0.0.1:8443', tupleOfName('0.0.0.0:0->127.0.0.1:8443'))).toBe(true);
    expect(socketUnresolved(':::0->[::1]:8443', tupleOfName(':::0->[::1]:8443'))).toBe(true);
    expect(socketUnresolved('TCP:[28035]', undefined)).toBe(true);
    expect(socketUnresolved('TCPv6:[28035]', undefined)).toBe(true);
    // Named, listening (its local address only), or not TCP: nothing more to wait for.
    expect(socketUnresolved('127.0.0.1:37042->127.0.0.1:8443', tupleOfName('127.0.0.1:37042->127.0.0.1:8443'))).toBe(false);
    expect(socketUnresolved('127.0.0.1:19519', undefined)).toBe(false);
    expect(socketUnresolved('UDP:[84397]', undefined)).toBe(false);
    expect(socketUnresolved('UNIX-STREAM:[28030->28031]', undefined)).toBe(false);
  });
});
