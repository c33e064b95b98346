// The export's engine pages in-process: `node --import tsx bench/export-pages.mts FILE [runs]`.
// Opens and indexes FILE, runs the HTTP scan, then prints the CPU ms (user+sys, this thread) of
// every eventTable page with Info, without Info, and every httpTable page; min of `runs`.
import { openCapture } from '../electron/engine/open-capture.ts';
import { openSession, scanHttpNow } from '../electron/engine/layers/session.ts';
import { eventTablePage } from '../electron/engine/filter/event-table.ts';
import { httpTablePage } from '../electron/engine/host/http-table.ts';

const [file = '/work/captures/ka-1m.pcap', runs = '2'] = process.argv.slice(2);
const cpu = (t0: NodeJS.CpuUsage): number => {
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
};
let t0 = process.cpuUsage();
const { capture, indexing } = await openCapture(file);
await indexing;
const index = cpu(t0);
const s = openSession(capture);
t0 = process.cpuUsage();
scanHttpNow(s);
const scan = cpu(t0);
const n = s.capture.count();
const best: Record<string, number> = { info: Infinity, noInfo: Infinity, http: Infinity };
for (let r = 0; r < Number(runs); r++) {
  for (const info of [true, false]) {
    t0 = process.cpuUsage();
    for (let start = 0; start < n; start += 65536) eventTablePage(s.capture, start, 65536, info);
    const k = info ? 'info' : 'noInfo';
    best[k] = Math.min(best[k], cpu(t0));
  }
  t0 = process.cpuUsage();
  for (let start = 0, total = 1; start < total; start += 65536) total = httpTablePage(s, start, 65536).total;
  best.http = Math.min(best.http, cpu(t0));
}
console.log(JSON.stringify({ file, events: n, indexMs: Math.round(index), scanMs: Math.round(scan), ...Object.fromEntries(Object.entries(best).map(([k, v]) => [`${k}Ms`, Math.round(v)])) }));
capture.close();
