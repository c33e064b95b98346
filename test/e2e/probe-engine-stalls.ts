/**
 * Where the window's engine stops answering on a big capture, without a browser:
 *   node --import tsx test/e2e/probe-engine-stalls.ts FILE [seconds=120 [FILTER…]]
 * An in-process engine (the window's: HTTP scan and TCP analysis run in the background once the
 * file is indexed) is asked for a rows page every 50 ms at a moving position far from the passes'
 * frontiers, as scrollbar jumps do. Prints the answer times (p50/p95/max), every answer over
 * 300 ms with when it came (seconds after open) and what the background passes reported then,
 * and the process's RSS. Once the HTTP scan is done it lists the exchanges as the HTTP tab does
 * (`httpPage`) and runs each FILTER there (default: `http.response.code == 200` and
 * `http.request.uri contains "index"`), timing each while the rows keep being asked.
 * Run it with --cpu-prof to see what a stall was.
 */
import { readFileSync } from 'node:fs';
import { inProcessEngine } from '../engine/in-process-engine.ts';

const file = process.argv[2];
const seconds = Number(process.argv[3] ?? '120');
const filters = process.argv.length > 4 ? process.argv.slice(4) : ['http.response.code == 200', 'http.request.uri contains "index"'];
if (!file) throw new Error('usage: probe-engine-stalls.ts FILE [seconds]');

const rssMiB = (): number => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
const c = inProcessEngine();
const t0 = performance.now();
const at = (): string => ((performance.now() - t0) / 1000).toFixed(1);
let passes = 'indexing';
let indexed = false;
let total = 0;
c.onEvent((e) => {
  if (e.type === 'progress') {
    total = e.info.events;
    if (e.info.done && !indexed) {
      indexed = true;
      console.log(`indexed ${total} events at ${at()} s, RSS ${rssMiB().toFixed(0)} MiB`);
    }
  } else if (e.type === 'httpProgress') {
    passes = `http ${e.done}/${e.total}${e.finished ? ' finished' : ''}`;
    if (e.finished) {
      console.log(`HTTP scan finished at ${at()} s: ${e.messages} messages, RSS ${rssMiB().toFixed(0)} MiB`);
      void listHttp();
    }
  } else if (e.type === 'analysisProgress' && e.finished) console.log(`TCP analysis finished at ${at()} s, RSS ${rssMiB().toFixed(0)} MiB`);
});
/** The HTTP tab's requests: the whole list, then each filter. */
async function listHttp(): Promise<void> {
  for (const filter of ['', ...filters]) {
    const t = performance.now();
    const page = await c.call('httpPage', { start: 0, count: 100, ...(filter ? { filter } : {}) });
    console.log(`httpPage ${filter ? `filter ${filter}` : '(all)'}: ${page.total} of ${page.all} exchanges in ${(performance.now() - t).toFixed(0)} ms at ${at()} s, RSS ${rssMiB().toFixed(0)} MiB`);
  }
}
await c.call('open', { path: file });
while (!indexed) await new Promise((r) => setTimeout(r, 50));
const times: number[] = [];
let k = 0;
let peak = 0;
const end = performance.now() + seconds * 1000;
while (performance.now() < end) {
  // Positions spread over the capture (golden-ratio steps), never twice the same page.
  const frac = (0.5 + k++ * 0.618034) % 1;
  const start = Math.floor(frac * (total - 200));
  const t = performance.now();
  await c.call('rows', { start, count: 200 });
  const ms = performance.now() - t;
  times.push(ms);
  peak = Math.max(peak, rssMiB());
  if (ms > 300) console.log(`  ${at()} s: rows at ${start} took ${ms.toFixed(0)} ms (${passes})`);
  await new Promise((r) => setTimeout(r, 50));
}
times.sort((a, b) => a - b);
const pct = (p: number): string => times[Math.min(times.length - 1, Math.floor(times.length * p))].toFixed(0);
console.log(`rows answers: ${times.length}, p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${pct(1)} ms; peak RSS ${peak.toFixed(0)} MiB; passes: ${passes}`);
process.exit(0);
