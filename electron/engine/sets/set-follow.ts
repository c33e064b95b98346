/**
 * Following a capture set while its files grow (docs/capture-sets.md, "Following a set"): each
 * part is read on by its own follow, and the set's numbering is the time merge of the two parts
 * extended one step at a time. The next event of a part is placed only once it is certain to come
 * before whatever the other part may still add: the other part has a later event already, has
 * ended, or has reached a later time (its "watermark", the latest time it has given). So an event
 * number, once given, never changes, and a set followed to its end is numbered as the same files
 * opened whole (mergeOrder), provided each part's times do not go back.
 *
 * An event waits at most `stallMs` after it was read for the other part to reach its time (a
 * trace whose command does no network writes no packets; tcpdump waits with no strace line to
 * come); then the silent part stops holding it back. Counting from the event's arrival, not the
 * silent part's last event, matters: after a pause in both, the packet of a write often lands in
 * its file before strace prints the write (at its return), and must wait for it. A part that is
 * not silent (it gave events within the last `stallMs`) keeps holding, up to `waitMs`: on a
 * loaded machine strace runs seconds behind tcpdump while printing all along, and its times
 * reach the packet's soon enough. An event of the silent part older than what was placed meanwhile is placed next, after
 * them (its time out of order).
 *
 * An event whose correlation the other part may still change (`waits`: a packet whose owner the
 * syscalls may still name, a syscall on a socket whose connection is not named yet) is placed
 * only once it no longer waits or `waitMs` after it was read, even when its time is certain:
 * what a row shows of its owner is decided when it is placed, and a late strace line must not
 * take it away. The wait adds to the order rule, never replaces it.
 */
import type { SetOrder } from './set-capture.ts';

/**
 * How long (ms) a part may give no event before it stops holding the other back. tcpdump
 * `-U --immediate-mode` writes each packet as it is captured and strace each line as the call
 * returns (or is cut by another's: `<unfinished ...>`); the follow looks for new bytes every
 * 100 ms and a loaded machine adds a few hundred ms. Half a second keeps a lone event within the
 * 1 s a followed event is printed in, and rarely lets a part's late event fall out of order.
 */
export const STALL_MS = 500;

/**
 * How long (ms) an event whose correlation may still change waits for it at most (PartFront
 * `waits`). strace prints the lines that name a connection as curl's calls return, which on a
 * loaded machine comes seconds after tcpdump wrote the handshake; the same bound as a TLS record
 * being written (layers/http-layer.ts). Normally the naming line follows within milliseconds.
 */
export const OWNER_WAIT_MS = 3000;

/** What the merge needs of one part: its events so far and whether it may still add more. */
export interface PartFront {
  /** Events that may be placed now. */
  count: number;
  /**
   * Events read, `count` and those after it held back (an HTTP scan waiting for the rest of a
   * TLS record, layers/http-layer.ts: at most 3 s); default `count`. A held event is not placed,
   * but its time is known: the other part's events before it go, those after it wait for it.
   */
  indexed?: number;
  time(e: number): number;
  /** No more events will come (its file ended, or following stopped). */
  ended: boolean;
  /** Event `e`'s correlation may still change with what the parts add: it waits (at most waitMs). */
  waits?(e: number): boolean;
}

export interface FollowMerge {
  order: SetOrder;
  /** Events placed so far. */
  count: number;
  /** Per part: the next local event to place. */
  next: [number, number];
  /** Per part: the latest time given so far, and up to which event it has been read. */
  reached: [number, number];
  seen: [number, number];
  /** Per part: when (performance.now) its events were read, by batch: events up to `upTo` at `at`. */
  arrived: [{ upTo: number; at: number }[], { upTo: number; at: number }[]];
  /** Per part: when it last gave new events (-Infinity: never). */
  lastRead: [number, number];
  /** Merge steps taken (each placed event one): the follow's cost, linear in the events. */
  steps: number;
}

export function createFollowMerge(): FollowMerge {
  const cap = 1024;
  return {
    order: { part: new Uint8Array(cap), local: new Uint32Array(cap), global: [new Uint32Array(cap), new Uint32Array(cap)] },
    count: 0, next: [1, 1], reached: [-Infinity, -Infinity], seen: [0, 0], arrived: [[], []], lastRead: [-Infinity, -Infinity], steps: 0,
  };
}

function grow<T extends Uint8Array | Uint32Array>(a: T, n: number, make: (len: number) => T): T {
  if (n < a.length) return a;
  const b = make(Math.max(n + 1, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Place every event that can be placed now (part 0 is the packets: first on equal times, as
 * mergeOrder). Returns how many were placed. `stallMs` as STALL_MS (Infinity: never stall).
 */
export function extendMerge(m: FollowMerge, parts: [PartFront, PartFront], now = performance.now(), stallMs = STALL_MS, waitMs = OWNER_WAIT_MS): number {
  for (const p of [0, 1] as const) {
    const f = parts[p];
    const read = Math.max(f.count, f.indexed ?? 0);
    if (read > m.seen[p]) {
      for (let e = m.seen[p] + 1; e <= read; e++) m.reached[p] = Math.max(m.reached[p], f.time(e));
      m.seen[p] = read;
      m.arrived[p].push({ upTo: read, at: now });
      m.lastRead[p] = now;
    }
  }
  /** How long (ms) the next event of part `p` has been read (-Infinity: not read yet). */
  const waited = (p: 0 | 1): number => {
    const queue = m.arrived[p];
    while (queue.length > 0 && queue[0].upTo < m.next[p]) queue.shift();
    return queue.length === 0 ? -Infinity : now - queue[0].at;
  };
  /**
   * Part `q` holds back the next event of the other part: it may still give an earlier one, and
   * that event has not waited stallMs or `q` is still giving events (it lags, it is not silent).
   */
  const holds = (q: 0 | 1): boolean => {
    if (parts[q].ended) return false;
    const w = waited(q === 0 ? 1 : 0);
    // A lagging part holds at most waitMs: a live row must still print while its command runs.
    return w < stallMs || (now - m.lastRead[q] < stallMs && w < waitMs);
  };
  const total = parts[0].count + parts[1].count;
  const o = m.order;
  o.part = grow(o.part, total, (n) => new Uint8Array(n));
  o.local = grow(o.local, total, (n) => new Uint32Array(n));
  o.global = [grow(o.global[0], parts[0].count, (n) => new Uint32Array(n)), grow(o.global[1], parts[1].count, (n) => new Uint32Array(n))];
  const start = m.count;
  for (;;) {
    const [a, b] = m.next;
    const hasA = a <= parts[0].count;
    const hasB = b <= parts[1].count;
    let take: 0 | 1;
    if (a <= m.seen[0] && b <= m.seen[1]) {
      // Both next events are read (placeable or held): the earlier goes, if it may be placed.
      take = parts[0].time(a) <= parts[1].time(b) ? 0 : 1;
      if (take === 0 ? !hasA : !hasB) break;
    }
    // One part has read nothing more: the other's next goes first if that part cannot add an
    // earlier one (packets win ties, so a syscall must be strictly earlier than the packets' watermark).
    else if (hasA) {
      if (holds(1) && !(parts[0].time(a) <= m.reached[1])) break;
      take = 0;
    } else if (hasB) {
      if (holds(0) && !(parts[1].time(b) < m.reached[0])) break;
      take = 1;
    } else break;
    // Its time is certain; its owner may not be yet.
    if (parts[take].waits?.(m.next[take]) && waited(take) < waitMs) break;
    const e = ++m.count;
    const local = m.next[take]++;
    o.part[e] = take;
    o.local[e] = local;
    o.global[take][local] = e;
    m.steps++;
  }
  return m.count - start;
}
