/** CLI `stats NAME FILE`: one tshark -z statistic, as tshark's text, JSON or TSV (contract in args.ts USAGE). */
import type { Writable } from 'node:stream';
import type { EngineClient } from '../../shared/engine-client.ts';
import { statsJson, statsText, statsTsv } from '../../shared/stats.ts';
import type { StatsArgs } from './args.ts';
import { addKeylogs, openAndIndex, write } from './common.ts';

export async function stats(client: EngineClient, a: StatsArgs, out: Writable, err: Writable): Promise<number> {
  await openAndIndex(client, a.file, a.more);
  if (!(await addKeylogs(client, a.keylogs, err))) return 1;
  const r = await client.call('stats', a.filter !== undefined ? { name: a.name, filter: a.filter } : { name: a.name });
  await write(out, a.format === 'json' ? statsJson(r) : a.format === 'tsv' ? statsTsv(r) : statsText(r));
  return 0;
}
