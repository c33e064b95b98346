// `node --import tsx bench/info-pages.mts FILE [runs]`: the session's Info pages (cellTexts('info'),
// layers/session.ts infoTexts) over the whole of FILE after the HTTP scan, in 65,536-row pages:
// CPU ms (user+sys, this thread, min of `runs`), rows per CPU second, and how many rows took the
// fast path and how many a dissection (`infoWork`), per run.
import { loadavg } from 'node:os';
import { openCapture } from '../electron/engine/open-capture.ts';
import { infoWork, openSession, scanHttpNow } from '../electron/engine/layers/session.ts';

const [file = '/work/captures/ka-1m.pcap', runs = '2'] = process.argv.slice(2);
const cpu = (t0: NodeJS.CpuUsage): number => {
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
};
const { capture, indexing } = await openCapture(file);
await indexing;
const s = openSession(capture);
scanHttpNow(s);
const n = s.capture.count();
let best = Infinity;
let work = { fast: 0, tcp: 0, cells: 0 };
for (let r = 0; r < Number(runs); r++) {
  const f0 = infoWork.fast;
  const c0 = infoWork.cells;
  const t1 = infoWork.tcp;
  const t0 = process.cpuUsage();
  for (let start = 0; start < n; start += 65536) s.capture.cellTexts?.('info', start, Math.min(65536, n - start));
  best = Math.min(best, cpu(t0));
  work = { fast: infoWork.fast - f0, tcp: infoWork.tcp - t1, cells: infoWork.cells - c0 };
}
console.log(JSON.stringify({ file, events: n, infoMs: Math.round(best), rowsPerCpuS: Math.round(n / (best / 1000)), ...work, loadavg: loadavg().map((x) => Number(x.toFixed(2))) }));
capture.close();
