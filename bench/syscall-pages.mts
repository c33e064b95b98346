// The events table of a capture, page after page, in process: `node --import tsx bench/syscall-pages.mts FILE [--prof OUT.cpuprofile]`.
// Prints the CPU ms (this thread) of every eventTable page with Info; --prof writes a CPU profile of the pages alone.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { openCapture } from '../electron/engine/open-capture.ts';
import { openSession } from '../electron/engine/layers/session.ts';
import { eventTablePage } from '../electron/engine/filter/event-table.ts';

const [file, ...rest] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/syscall-pages.mts FILE [--prof OUT.cpuprofile]');
const prof = rest.includes('--prof') ? rest[rest.indexOf('--prof') + 1] : undefined;
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const { capture, indexing } = await openCapture(file);
await indexing;
const c = openSession(capture).capture;
const n = c.count();
const inspector = prof ? new Session() : undefined;
if (inspector) {
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
}
const t = cpu();
for (let start = 0; start < n; start += 65536) eventTablePage(c, start, 65536, true);
const ms = cpu() - t;
if (inspector && prof) writeFileSync(prof, JSON.stringify((await inspector.post('Profiler.stop')).profile));
console.log(JSON.stringify({ file, events: n, pagesMs: Math.round(ms), mEventsPerS: Number((n / ms / 1000).toFixed(3)) }));
capture.close();
