/**
 * `node --import tsx bench/http-scan.ts FILE [--repeat N]`: the HTTP/1 scan alone, in process
 * (index first, not timed), for profiling with `node --cpu-prof`: prints CPU ms of the scan,
 * µs per packet, messages and the index's bytes per exchange. Not a test.
 */
import { openCapture } from '../electron/engine/open-capture.ts';
import { openSession } from '../electron/engine/layers/session.ts';
import { httpScanSteps } from '../electron/engine/layers/http-layer.ts';
import { httpIndexColumnBytes } from '../electron/engine/layers/http-index.ts';

const [file, ...rest] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/http-scan.ts FILE [--repeat N]');
const repeat = Number(rest[rest.indexOf('--repeat') + 1] ?? 1) || 1;
const { capture, indexing } = await openCapture(file, {});
await indexing;
for (let k = 0; k < repeat; k++) {
  const s = openSession(capture);
  const progress = { done: 0, total: 0, messages: 0 };
  const c0 = process.cpuUsage();
  let steps = 0;
  for (const _ of httpScanSteps(s.http, progress)) steps++;
  const cu = process.cpuUsage(c0);
  const ms = (cu.user + cu.system) / 1000;
  const ix = s.http.plain;
  const rows = ix?.n ?? 0;
  console.log(JSON.stringify({
    file, events: capture.count(), cpuMs: Math.round(ms), usPerPacket: Number(((ms * 1000) / capture.count()).toFixed(3)), messages: s.http.messages, rows, steps,
    columnBytesPerExchange: ix && rows ? Number((httpIndexColumnBytes(ix) / rows).toFixed(1)) : 0, rssMB: Math.round(process.memoryUsage().rss / 1048576),
  }));
}
capture.close();
