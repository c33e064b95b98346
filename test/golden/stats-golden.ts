/**
 * Reading the stats goldens (scripts/make-golden-stats.ts) and computing the same tables here:
 * shared by test/golden/stats.test.ts and by a look at every difference at once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { statsText, type StatName } from '../../shared/stats.ts';
import { openCapture } from '../../electron/engine/open-capture.ts';
import { openSession, protocolLayerChains, scanHttpNow } from '../../electron/engine/layers/session.ts';
import { computeStats } from '../../electron/engine/stats/run-stats.ts';
import { httpTapMessages } from '../../electron/engine/layers/http-taps.ts';

export const GOLDEN = join(import.meta.dirname, 'stats');

/** tshark's table titles → statistic names. */
const TITLES: Record<string, StatName> = {
  'TCP Conversations': 'conv,tcp', 'UDP Conversations': 'conv,udp', 'IPv4 Conversations': 'conv,ip', 'IPv6 Conversations': 'conv,ipv6',
  'Ethernet Conversations': 'conv,eth', 'TCP Endpoints': 'endpoints,tcp', 'UDP Endpoints': 'endpoints,udp', 'IPv4 Endpoints': 'endpoints,ip',
  'IPv6 Endpoints': 'endpoints,ipv6', 'Ethernet Endpoints': 'endpoints,eth', 'Protocol Hierarchy Statistics': 'io,phs',
};

/** A golden file's tables, by statistic name, each as the exact text tshark printed. */
export function goldenTables(file: string): Map<StatName, string> {
  const lines = readFileSync(join(GOLDEN, file), 'utf8').split('\n');
  const out = new Map<StatName, string>();
  for (let i = 0; i < lines.length; i++) {
    const name = TITLES[lines[i]];
    if (!name || !lines[i - 1]?.startsWith('====')) continue;
    const rule = lines[i - 1];
    let j = i + 1;
    while (j < lines.length && lines[j] !== rule) j++;
    // io,phs starts with an empty line before its rule.
    const lead = name === 'io,phs' ? '\n' : '';
    out.set(name, `${lead}${lines.slice(i - 1, j + 1).join('\n')}\n`);
  }
  return out;
}

/** Our text of each statistic for a corpus capture (with the stream layers, as the CLI). */
export async function ourTables(path: string, names: readonly StatName[]): Promise<Map<StatName, string>> {
  const { capture, indexing } = await openCapture(path);
  await indexing;
  try {
    const session = openSession(capture);
    scanHttpNow(session);
    const out = new Map<StatName, string>();
    for (const n of names) out.set(n, statsText(computeStats(session.capture, n, undefined, '', { httpMessages: () => httpTapMessages(session.http), layerChain: protocolLayerChains(session) })));
    return out;
  } finally {
    capture.close();
  }
}
