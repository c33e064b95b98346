/** CLI `expert FILE`: Expert Information in the layout of `tshark -q -z expert`; `tls FILE`: the TLS summary. */
import type { Writable } from 'node:stream';
import type { EngineClient } from '../../shared/engine-client.ts';
import { EXPERT_SEVERITIES, type ExpertEntry, type ExpertSeverity } from '../../shared/rpc.ts';
import type { ExpertArgs, TlsArgs } from './args.ts';
import { tlsSummary, tlsSummaryText, tlsSummaryTsv } from '../../shared/tls-summary.ts';
import { addKeylogs, openAndIndex, write } from './common.ts';

/** tshark's section titles (ui/cli/tap-expert.c). */
const TITLES: Record<ExpertSeverity, string> = { error: 'Errors', warning: 'Warns', note: 'Notes', chat: 'Chats' };

/** The report text: a section per severity that has entries, most severe first. */
export function expertText(entries: readonly ExpertEntry[]): string {
  let s = '';
  for (const sev of EXPERT_SEVERITIES) {
    const list = entries.filter((e) => e.severity === sev);
    if (list.length === 0) continue;
    const total = list.reduce((n, e) => n + e.count, 0);
    s += `\n${TITLES[sev]} (${total})\n=============\n`;
    s += `${'Frequency'.padStart(12)} ${'Group'.padStart(10)} ${'Protocol'.padStart(18)}  Summary\n`;
    for (const e of list) s += `${String(e.count).padStart(12)} ${e.group.padStart(10)} ${e.protocol.padStart(18)}  ${e.summary}\n`;
  }
  return s;
}

export async function expert(client: EngineClient, a: ExpertArgs, out: Writable, err: Writable): Promise<number> {
  await openAndIndex(client, a.file, a.more);
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  const r = await client.call('expert', null);
  await write(out, expertText(r.entries));
  return 0;
}

export async function tls(client: EngineClient, a: TlsArgs, out: Writable, err: Writable): Promise<number> {
  await openAndIndex(client, a.file, a.more);
  if (!(await addKeylogs(client, a.keylogs, err, a.psks))) return 1;
  const s = tlsSummary(await client.call('tlsStreams', null));
  await write(out, a.format === 'json' ? `${JSON.stringify(s)}\n` : a.format === 'tsv' ? tlsSummaryTsv(s) : tlsSummaryText(s));
  return 0;
}
