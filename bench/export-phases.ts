/**
 * `node --import tsx bench/export-phases.ts FILE [--dir DIR] [--info] [--repeat N]`: `export FILE
 * --parquet DIR` in its phases, through the engine worker as the CLI runs it, each with its wall
 * and CPU seconds (process.cpuUsage: both threads) and events per second:
 *   start     the engine worker started (not counted)
 *   index     open and index the capture
 *   scan      the HTTP scan (the first httpTable call waits for it)
 *   tables    events, http and conversations into DIR/*.parquet (the export's own work)
 * `after start-up` = index + scan + tables. With --repeat the tables phase runs again warm.
 * One JSON line per run. Not a test; see docs/sql.md for the numbers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineClient } from '../shared/engine-client.ts';
import { startEngineWorker } from '../electron/engine/host/node-worker.ts';
import { openAndIndex } from '../electron/cli/common.ts';
import { parquetTables } from '../electron/cli/sql/parquet-tables.ts';
import { loadTables } from '../electron/cli/sql/tables.ts';

const [file, ...rest] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/export-phases.ts FILE [--dir DIR] [--info] [--repeat N]');
const opt = (k: string): string | undefined => (rest.includes(k) ? rest[rest.indexOf(k) + 1] : undefined);
const info = rest.includes('--info');
const repeat = Number(opt('--repeat') ?? 1) || 1;
const own = opt('--dir') === undefined;
const dir = opt('--dir') ?? mkdtempSync(join(tmpdir(), 'export-phases-'));

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const phases: Record<string, { wall: number; cpu: number }> = {};
async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const w0 = performance.now();
  const c0 = cpu();
  const r = await fn();
  phases[name] = { wall: Number(((performance.now() - w0) / 1000).toFixed(3)), cpu: Number((cpu() - c0).toFixed(3)) };
  return r;
}

const worker = await phase('start', () => startEngineWorker({ engine: { scanOnDemand: true } }));
const client = createEngineClient(worker.port);
const opened = await phase('index', () => openAndIndex(client, file));
await phase('scan', () => client.call('httpTable', { start: 0, count: 0 }));
const name = file.split('/').pop() ?? file;
let rows = { events: 0, http: 0, conversations: 0 };
for (let k = 0; k < repeat; k++) {
  rows = await phase(k === 0 ? 'tables' : `tables-warm-${k}`, async () => {
    const t = parquetTables(dir);
    await loadTables(client, t.sink, name, info, opened.kind !== 'syscalls');
    return t.finish();
  });
}
const after = ['index', 'scan', 'tables'].reduce((a, k) => ({ wall: a.wall + phases[k].wall, cpu: a.cpu + phases[k].cpu }), { wall: 0, cpu: 0 });
const rate = (s: number): number => Math.round(opened.events / s);
console.log(JSON.stringify({
  file, events: opened.events, rows, info, phases,
  afterStartUp: { wall: Number(after.wall.toFixed(3)), cpu: Number(after.cpu.toFixed(3)), eventsPerWallS: rate(after.wall), eventsPerCpuS: rate(after.cpu) },
  tables: { eventsPerWallS: rate(phases.tables.wall), eventsPerCpuS: rate(phases.tables.cpu) },
  loadavg: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(2))),
}));
client.close?.();
await worker.terminate();
if (own) rmSync(dir, { recursive: true, force: true });
process.exit(0);
