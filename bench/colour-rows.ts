/**
 * Cost of colouring on table pages: `rows` pages of 200 rows (the window's page) at spread
 * positions of a capture, without colouring and with Wireshark's default rules, through the
 * in-process engine. Also one Find that scans the whole capture (nothing matches).
 *   node --import tsx bench/colour-rows.ts [CAPTURE]   (default /work/captures/ka-1m.pcap)
 */
import { parseColourRules, WIRESHARK_DEFAULT_COLORFILTERS } from '../shared/colour-rules.ts';
import { inProcessEngine, openDone } from '../test/engine/in-process-engine.ts';

const path = process.argv[2] ?? '/work/captures/ka-1m.pcap';
const c = inProcessEngine();
const t0 = performance.now();
// Measured once the HTTP scan that follows indexing is done (it shares the engine's thread).
const httpDone = new Promise<void>((resolve) => c.onEvent((e) => e.type === 'httpProgress' && e.finished && resolve()));
await openDone(c, path);
await httpDone;
const total = (await c.call('info', null)).events;
console.log(`${path}: ${total} events indexed and HTTP-scanned in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

let pass = 0;
/** 40 pages at positions no earlier pass read (so neither gets the other's warm file cache). */
async function pages(label: string): Promise<void> {
  const times: number[] = [];
  pass++;
  for (let k = 0; k < 40; k++) {
    const start = Math.floor(((k * 7919) % 40) / 40 * Math.max(0, total - 200)) + pass * 997 * 200 % 20_000;
    const t = performance.now();
    await c.call('rows', { start, count: 200 });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const med = times[times.length >> 1];
  console.log(`${label}: 200-row page median ${med.toFixed(1)} ms, p90 ${times[Math.floor(times.length * 0.9)].toFixed(1)} ms (${(med / 200 * 1000).toFixed(1)} µs/row)`);
}

const rules = parseColourRules(WIRESHARK_DEFAULT_COLORFILTERS).rules;
// Alternating, so JIT warm-up does not favour either side.
for (let round = 1; round <= 3; round++) {
  await c.call('colourRules', { rules: null });
  await pages(`round ${round}, no colouring`);
  await c.call('colourRules', { rules });
  await pages(`round ${round}, default rules`);
}
const f0 = performance.now();
const r = await c.call('find', { mode: 'hex', text: 'de ad be ef ca fe ba be', from: -1 });
console.log(`find hex over every frame: ${r.tested} rows in ${((performance.now() - f0) / 1000).toFixed(2)} s, found ${r.event}`);
c.close();
process.exit(0);
