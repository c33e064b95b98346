/** One statistic by its tshark name (`conv,tcp`, `endpoints,ip`, `io,phs`, `http,tree`, …) over a capture. */
import type { StatName, StatsResult } from '../../../shared/stats.ts';
import type { Capture } from '../capture.ts';
import { conversations, endpoints, type ConversationKind } from './conversations.ts';
import { httpReqTreeStats, httpRtTreeStats, httpSrvTreeStats, httpTreeStats, type HttpTapMessage, type HttpTimedExchange } from './http-tree.ts';
import { httpStat } from './http-stat.ts';
import { dnsTapMessages, dnsTreeStats } from './dns-tree.ts';
import { protocolHierarchy, type LayerChainOf } from './phs.ts';
import { parseIoStat } from '../../../shared/io-stat.ts';
import { elapsed, ioStatColumn, relativeTime } from './io-stat.ts';

function isIoStat(name: string): name is `io,stat,${string}` {
  return name.startsWith('io,stat,');
}

/** What the stream layers found, for the statistics over them (layers/http-taps.ts). */
export interface StatsInputs {
  httpMessages?: () => HttpTapMessage[];
  /** HTTP/1.x and HTTP/2 exchanges with both halves, for http,rt. */
  httpExchanges?: () => HttpTimedExchange[];
  /** The stream layers' protocols of an event (io,phs from the index without dissecting). */
  layerChain?: LayerChainOf;
  /** io,stat: the events each column's filter matched (undefined: every event), as parseIoStat lists the columns. */
  columnEvents?: (Uint32Array | undefined)[];
}

/** The events in both ascending lists (either undefined: all). */
export function intersectEvents(a: Uint32Array | undefined, b: Uint32Array | undefined): Uint32Array | undefined {
  if (!a) return b;
  if (!b) return a;
  const out = new Uint32Array(Math.min(a.length, b.length));
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) {
      out[n++] = a[i];
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return out.subarray(0, n);
}

/**
 * Milliseconds of event `e` after the capture's first event, as tshark's nstime_to_msec of
 * frame.time_relative: from the index's integer seconds and nanoseconds when it has them.
 */
export function relativeMs(capture: Capture): (e: number) => number {
  const rel = relativeTime(capture);
  return (e) => {
    const t = rel(e);
    return t.sec * 1000 + t.nsec / 1e6;
  };
}

/** Bytes of event `e`: the frame's length on the wire (frame.len), or the syscall record's size. */
export function eventBytes(capture: Capture): (e: number) => number {
  const int = capture.internals();
  if (int.kind === 'packets') {
    const len = int.index.origLen.data;
    return (e) => len[e - 1];
  }
  return (e) => capture.range(e).length;
}

/** A membership test over ascending event numbers. */
function memberOf(events: Uint32Array): (e: number) => boolean {
  const set = new Uint8Array(events.length > 0 ? events[events.length - 1] + 1 : 0);
  for (const e of events) set[e] = 1;
  return (e) => e < set.length && set[e] === 1;
}

/** `events`: the frames a filter matched (ascending), or undefined for all. `filter` is only echoed. */
export function computeStats(capture: Capture, name: StatName, events?: Uint32Array, filter = '', inputs: StatsInputs = {}): StatsResult {
  const t0 = performance.now();
  const [group, type] = name.split(',');
  if (isIoStat(name)) {
    const spec = parseIoStat(name);
    const rel = relativeTime(capture);
    const count = capture.count();
    const d = elapsed(count, rel);
    const bytes = eventBytes(capture);
    const columns = spec.filters.map((f, j) => ioStatColumn(f, spec, count, intersectEvents(events, inputs.columnEvents?.[j]), rel, bytes));
    return { name, kind: 'iostat', filter, spec, durationSec: d.sec, durationNsec: d.nsec, columns, ms: performance.now() - t0 };
  }
  if (group === 'io') {
    const { roots, frames } = protocolHierarchy(capture, events, inputs.layerChain);
    return { name, kind: 'phs', filter, roots, frames, ms: performance.now() - t0 };
  }
  if (name === 'http,stat') {
    const st = httpStat(inputs.httpMessages?.() ?? [], events && memberOf(events));
    return { name, kind: 'httpstat', filter, ...st, ms: performance.now() - t0 };
  }
  if (name === 'dns,tree') {
    const tree = dnsTreeStats(capture, dnsTapMessages(capture), events && memberOf(events));
    return { name, kind: 'tree', filter, ...tree, ms: performance.now() - t0 };
  }
  if (name === 'http,rt') {
    const tree = httpRtTreeStats(inputs.httpExchanges?.() ?? [], relativeMs(capture), events && memberOf(events));
    return { name, kind: 'tree', filter, ...tree, ms: performance.now() - t0 };
  }
  if (name === 'http_req,tree') {
    const tree = httpReqTreeStats(inputs.httpMessages?.() ?? [], relativeMs(capture), events && memberOf(events));
    return { name, kind: 'tree', filter, ...tree, ms: performance.now() - t0 };
  }
  if (name === 'http_srv,tree') {
    const address = (e: number, dst: boolean): string => String(capture.sortKey?.(e, dst ? 'destination' : 'source') ?? '');
    const tree = httpSrvTreeStats(inputs.httpMessages?.() ?? [], relativeMs(capture), address, events && memberOf(events));
    return { name, kind: 'tree', filter, ...tree, ms: performance.now() - t0 };
  }
  if (group === 'http') {
    const tree = httpTreeStats(inputs.httpMessages?.() ?? [], relativeMs(capture), events && memberOf(events));
    return { name, kind: 'tree', filter, ...tree, ms: performance.now() - t0 };
  }
  const kind = type as ConversationKind;
  if (group === 'conv') return { name, kind: 'conv', filter, rows: conversations(capture, kind, events), ms: performance.now() - t0 };
  return { name, kind: 'endpoints', filter, rows: endpoints(capture, kind, events), ms: performance.now() - t0 };
}
