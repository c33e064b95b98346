/** One statistic by its tshark name (`conv,tcp`, `endpoints,ip`, `io,phs`, …) over a capture. */
import type { StatName, StatsResult } from '../../../shared/stats.ts';
import type { Capture } from '../capture.ts';
import { conversations, endpoints, type ConversationKind } from './conversations.ts';
import { protocolHierarchy } from './phs.ts';

/** `events`: the frames a filter matched (ascending), or undefined for all. `filter` is only echoed. */
export function computeStats(capture: Capture, name: StatName, events?: Uint32Array, filter = ''): StatsResult {
  const t0 = performance.now();
  const [group, type] = name.split(',');
  if (group === 'io') {
    const { roots, frames } = protocolHierarchy(capture, events);
    return { name, kind: 'phs', filter, roots, frames, ms: performance.now() - t0 };
  }
  const kind = type as ConversationKind;
  if (group === 'conv') return { name, kind: 'conv', filter, rows: conversations(capture, kind, events), ms: performance.now() - t0 };
  return { name, kind: 'endpoints', filter, rows: endpoints(capture, kind, events), ms: performance.now() - t0 };
}
