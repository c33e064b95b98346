// The export's tables phase in one thread: `node --import tsx bench/export-tables.mts FILE [runs] [--info]`.
// Opens and indexes FILE, runs the HTTP scan, then, per run, the CPU ms (user+sys, this thread) of
// the engine's pages (eventTable, httpTable, conversations) and of the Parquet writer on those
// pages, apart; the first run is cold (JIT, lazy caches), the later ones warm. Not a test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCapture } from '../electron/engine/open-capture.ts';
import { openSession, scanHttpNow } from '../electron/engine/layers/session.ts';
import { eventTablePage } from '../electron/engine/filter/event-table.ts';
import { httpTablePage } from '../electron/engine/host/http-table.ts';
import { computeStats } from '../electron/engine/stats/run-stats.ts';
import { parquetTables } from '../electron/cli/sql/parquet-tables.ts';
import { CONVERSATION_COLUMNS, rowsToColumns } from '../shared/sql-table.ts';

const args = process.argv.slice(2);
const info = args.includes('--info');
const [file = '/work/captures/ka-1m.pcap', runs = '2'] = args.filter((a) => !a.startsWith('--'));
const cpu = (t0: NodeJS.CpuUsage): number => {
  const t = process.cpuUsage(t0);
  return Math.round((t.user + t.system) / 1000);
};
const { capture, indexing } = await openCapture(file);
await indexing;
const s = openSession(capture);
scanHttpNow(s);
const n = s.capture.count();
const dir = mkdtempSync(join(tmpdir(), 'export-tables-'));
for (let run = 0; run < Number(runs); run++) {
  const t = parquetTables(dir);
  const ms = { eventsPages: 0, eventsWrite: 0, httpPages: 0, httpWrite: 0, convPages: 0, convWrite: 0 };
  const constants = [{ name: 'capture', text: 'x' }];
  for (let start = 0; start < n; start += 65536) {
    let t0 = process.cpuUsage();
    const p = eventTablePage(s.capture, start, 65536, info);
    ms.eventsPages += cpu(t0);
    t0 = process.cpuUsage();
    await t.sink('events', p.columns, p.columns[0].nums?.length ?? 0, constants);
    ms.eventsWrite += cpu(t0);
  }
  for (let start = 0, total = 1; start < total; start += 65536) {
    let t0 = process.cpuUsage();
    const p = httpTablePage(s, start, 65536);
    total = p.total;
    ms.httpPages += cpu(t0);
    t0 = process.cpuUsage();
    await t.sink('http', p.columns, p.columns[0].ids?.length ?? 0, constants);
    ms.httpWrite += cpu(t0);
  }
  for (const proto of ['tcp', 'udp'] as const) {
    let t0 = process.cpuUsage();
    const r = computeStats(s.capture, `conv,${proto}`);
    const list = r.kind === 'conv' ? r.rows : [];
    const cols = rowsToColumns(list, CONVERSATION_COLUMNS);
    ms.convPages += cpu(t0);
    t0 = process.cpuUsage();
    await t.sink('conversations', cols, list.length, [...constants, { name: 'proto', text: proto }]);
    ms.convWrite += cpu(t0);
  }
  const t0 = process.cpuUsage();
  t.finish();
  ms.convWrite += cpu(t0);
  console.log(JSON.stringify({ run, info, ...ms, loadavg: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(1))) }));
}
rmSync(dir, { recursive: true, force: true });
capture.close();
